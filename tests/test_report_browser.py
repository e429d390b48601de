"""The report in a real browser: headless Chromium opens the HTML, takes a screenshot and prints the PDF;
poppler turns the PDF into PNG pages and text.  Checked: the page count the README promises, every
indicator and its Chinese name in the PDF's text layer with the fonts embedded, no text outside its
page or its table cell.

Needs Chromium and poppler-utils (pdftoppm, pdftotext, pdfinfo) and a Chinese font: missing, the tests
skip with the reason locally and fail on CI (CI=true).
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import remanxl
from remanxl.method.indicators import INDICATORS
from remanxl.report.pdf import browser_command, chinese_font_missing, find_browser
from remanxl.workbook.template import build_template
from report_helpers import cli, write_portfolio

#: Pages of the bundled example's report (A4 portrait) and of the three-product portfolio (A4 landscape),
#: as the README promises.
EXAMPLE_PAGES = 10
PORTFOLIO_PAGES = 2
A4 = (595.0, 842.0)  # points


@pytest.fixture(scope="module")
def browser():
    tools = [t for t in ("pdftoppm", "pdftotext", "pdfinfo", "pdffonts") if not shutil.which(t)]
    found = find_browser()
    reason = ("no Chromium-family browser (apt install chromium)" if not found else
              f"poppler-utils missing: {', '.join(tools)} (apt install poppler-utils)" if tools else
              "no Chinese font (apt install fonts-wqy-microhei)" if chinese_font_missing() else None)
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests, but {reason}")
        pytest.skip(reason)
    return found


def _run(cmd, timeout=180):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (cmd, proc.stderr[-2000:])
    return proc.stdout


def _pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = _run(["pdfinfo", str(pdf)])
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    return n, (w, h)


def _words_outside(pdf: Path, tmp: Path, margin: float = 28.0) -> list[str]:
    """Words of the text layer that are not inside their page's printable area (the @page margins
    are 13 mm = 37 pt at the sides; ``margin`` leaves room for rounding)."""
    box = tmp / "bbox.html"
    _run(["pdftotext", "-bbox", str(pdf), str(box)])
    text = box.read_text(encoding="utf-8")
    out = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S):
        w, h = float(page[1]), float(page[2])
        for m in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
                             page[3]):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            if x0 < margin or x1 > w - margin or y0 < 0 or y1 > h:
                out.append(f"{m[5]} at ({x0:.0f}, {y0:.0f})-({x1:.0f}, {y1:.0f}) on a {w:.0f}x{h:.0f} page")
    return out


_OVERFLOW_PROBE = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var bad = [];
  document.querySelectorAll("td, th, dd, dt, p, h1, h2, h3, figcaption, .note-box").forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) bad.push(e.tagName + ": " + e.textContent.trim().slice(0, 80));
  });
  var m = document.querySelector("main");
  if (m.scrollWidth > m.clientWidth + 1) bad.push("MAIN " + m.scrollWidth + " > " + m.clientWidth);
  document.body.setAttribute("data-overflow", JSON.stringify(bad));
});
</script></body>"""


def _cells_overflowing(browser, html: Path, tmp: Path, width_px: int) -> list[str]:
    """Elements whose text is wider than their box, in the browser at the page's width."""
    import html as htmllib
    import json

    probe = tmp / f"probe-{html.stem}.html"
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", _OVERFLOW_PROBE), encoding="utf-8")
    cmd = browser_command(browser, probe, tmp / "unused.pdf", tmp / "profile-probe")
    cmd = [c for c in cmd if not c.startswith(("--print-to-pdf", "--no-pdf-header-footer"))]
    cmd[-1:-1] = ["--dump-dom", f"--window-size={width_px},1200"]
    dom = _run(cmd)
    m = re.search(r'data-overflow="([^"]*)"', dom)
    assert m, "the probe did not run"
    return json.loads(htmllib.unescape(m[1]))


@pytest.fixture(scope="module")
def example(tmp_path_factory, browser):
    tmp = tmp_path_factory.mktemp("example")
    book = build_template(tmp / "engine.xlsx", remanxl.load_example())
    cli("report", book, "-o", tmp / "report.html", check_rc=0)
    cli("report", book, "-o", tmp / "report.pdf", "--browser", browser, check_rc=0)
    _run(["pdftoppm", "-r", "50", "-png", str(tmp / "report.pdf"), str(tmp / "page")])
    return tmp


def test_the_html_report_opens_in_chromium_and_a_screenshot_shows_it(example, browser):
    shot = example / "screen.png"
    cmd = browser_command(browser, example / "report.html", example / "unused.pdf", example / "profile-shot")
    cmd = [c for c in cmd if not c.startswith(("--print-to-pdf", "--no-pdf-header-footer"))]
    cmd[-1:-1] = [f"--screenshot={shot}", "--window-size=1366,768", "--hide-scrollbars"]
    _run(cmd)
    from PIL import Image

    with Image.open(shot) as im:
        assert im.size == (1366, 768)
        colours = im.convert("RGB").getcolors(1 << 20)
    assert len(colours) > 50  # text, a chart's colours: not a blank page


def test_the_example_prints_as_the_promised_a4_pages_as_png(example):
    n, size = _pages(example / "report.pdf")
    assert n == EXAMPLE_PAGES, f"the example report has {n} pages; the README promises {EXAMPLE_PAGES}"
    assert size == pytest.approx(A4, abs=1.5)
    assert len(list(example.glob("page-*.png"))) == n


def test_every_indicator_and_its_chinese_name_are_in_the_pdf_text_layer(example):
    text = _run(["pdftotext", str(example / "report.pdf"), "-"])
    flat = re.sub(r"\s+", "", text)
    for info in INDICATORS:
        assert info.name_zh in flat, info.name_zh
        assert re.sub(r"\s+", "", info.name_en) in flat, info.name_en
        assert info.symbol in text
    assert "86.13%" in text and "编制" in text and "Approved by" in text
    assert f"/ {EXAMPLE_PAGES}" in text  # the page footer's "page x / y"
    fonts = _run(["pdffonts", str(example / "report.pdf")]).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), "every font is embedded"


def test_no_text_overflows_its_page_or_its_cell(example, browser):
    assert _words_outside(example / "report.pdf", example) == []
    # 184 mm, the printable width of an A4 portrait page, at 96 px per inch
    assert _cells_overflowing(browser, example / "report.html", example, 794) == []


def test_the_portfolio_report_of_a_folder_prints_on_landscape_pages(tmp_path, browser):
    folder = write_portfolio(tmp_path / "products")
    pdf = tmp_path / "portfolio.pdf"
    cli("report", folder, "-o", pdf, "--browser", browser, check_rc=1)  # one broken file, listed
    n, size = _pages(pdf)
    assert n == PORTFOLIO_PAGES and size == pytest.approx(A4[::-1], abs=1.5)
    text = _run(["pdftotext", str(pdf), "-"])
    assert "broken.xlsx" in text and "涡轮增压器" in text and "<script>alert(1)</script>" in text  # shown as text
    assert _words_outside(pdf, tmp_path) == []
    html = tmp_path / "portfolio.html"
    cli("report", folder, "-o", html, check_rc=1)
    assert _cells_overflowing(browser, html, tmp_path, 1123) == []
    _run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")])
    assert len(list(tmp_path.glob("page-*.png"))) == n


def test_the_ribbon_report_button_prints_a_pdf_where_a_browser_is(tmp_path, monkeypatch, browser):
    from remanxl.excel import macros
    from test_xlwings_book import FakeBook

    book = FakeBook(build_template(tmp_path / "engine.xlsx", remanxl.load_example()))
    monkeypatch.setenv("REMANXL_BROWSER", browser)
    opened = []
    path = macros.report_workbook(book, folder=tmp_path, open_report=opened.append)
    assert path == tmp_path / "engine_report.pdf" and opened == [path]
    assert _pages(path)[0] == EXAMPLE_PAGES
    assert "Edge" not in book.log.of("alert")[-1][1]  # no note about a missing browser
