"""The evaluation report (remanxl report): its numbers against `remanxl evaluate --format json`, its
sources, its escaping of user text, its messages, and the ribbon's Report button (against the recording
xlwings stand-in).  The browser's part (screenshot, PDF pages, text layer) is in test_report_browser.py."""
import json
import os
import subprocess
import sys

import pytest

import remanxl
from remanxl.method.indicators import INDICATORS, SYMBOLS
from remanxl.method.inputs import EvaluationInput
from remanxl.report.cells import Num, column_decimals, count_decimals
from remanxl.report.pdf import browser_command, find_browser
from remanxl.report.render import render_product
from remanxl.workbook.template import build_template
from report_helpers import cli, evaluate_json, example_variants, matches, resolve, shown_numbers, write_portfolio


@pytest.fixture(scope="module")
def example_book(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("book") / "engine.xlsx", remanxl.load_example())


def _check_numbers(html: str, ev: dict) -> list[str]:
    shown = shown_numbers(html).numbers
    assert shown, "the report shows no traceable number"
    for _, src, text in shown:
        assert matches(text, resolve(ev, src)), (src, text, resolve(ev, src))
    return [src for _, src, _ in shown]


def test_every_number_in_the_report_equals_the_evaluate_json_output(example_book, tmp_path):
    expected = evaluate_json(example_book)  # what `remanxl evaluate BOOK --format json` prints
    out = tmp_path / "report.html"
    cli("report", example_book, "-o", out, check_rc=0)
    srcs = _check_numbers(out.read_text(encoding="utf-8"), expected)
    for symbol in SYMBOLS:  # every indicator's value, numerator and denominator is among them
        for key in ("value", "numerator", "denominator"):
            assert f"/indicators/{symbol}/{key}" in srcs
    for table, entries in expected["factors_used"].items():  # and every factor used
        for key in entries:
            assert f"/factors_used/{table}/{key.replace('/', '~1')}/value" in srcs
    assert "/provenance/share_estimated" in srcs and "/breakdowns/energy/total_kgce/reman" in srcs


def test_an_evaluation_file_and_its_saved_json_output_give_the_same_report(tmp_path):
    source = tmp_path / "engine.json"
    source.write_text(json.dumps(remanxl.load_example().to_dict(), ensure_ascii=False), encoding="utf-8")
    saved = tmp_path / "engine.out.json"
    saved.write_text(cli("evaluate", source, "--format", "json").stdout, encoding="utf-8")
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    cli("report", source, "-o", a, check_rc=0)
    cli("report", saved, "-o", b, check_rc=0)
    numbers = [shown_numbers(p.read_text(encoding="utf-8")).numbers for p in (a, b)]
    assert numbers[0] == numbers[1] and len(numbers[0]) > 150
    _check_numbers(b.read_text(encoding="utf-8"), json.loads(saved.read_text(encoding="utf-8")))


def test_the_portfolio_report_shows_the_batch_roll_up_of_the_same_folder(tmp_path):
    folder = write_portfolio(tmp_path / "products")
    rollup = {r["file"]: r for r in evaluate_json(folder)}  # `remanxl evaluate FOLDER --format json --dry-run`
    out = tmp_path / "portfolio.html"
    proc = cli("report", folder, "-o", out, check_rc=1)  # a broken file: reported, the others still shown
    assert "broken.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    html = out.read_text(encoding="utf-8")
    shown = shown_numbers(html).numbers
    files = {f for f, _, _ in shown}
    assert files == {"engine.xlsx", "gearbox.xlsx", "turbo.xlsx"}
    for file, src, text in shown:
        row = rollup[file]
        if src == "#warnings":
            assert int(text) == row["warnings"]
        elif src.startswith("/indicators/"):
            assert matches(text, row[src.split("/")[2]]), (file, src, text)
        else:
            ev = evaluate_json(folder / file)
            assert matches(text, resolve(ev, src)), (file, src, text)
    assert len(shown) == 3 * (len(SYMBOLS) + 2)
    assert "broken.xlsx" in html and "not a zip" in html  # the file that could not be evaluated, and why
    assert html.index("gearbox.xlsx") < html.index("engine.xlsx") < html.index("turbo.xlsx")  # by product name


def test_portfolio_sorted_by_an_indicator_highest_first(tmp_path):
    folder = write_portfolio(tmp_path / "products")
    (folder / "broken.xlsx").unlink()
    out = tmp_path / "p.html"
    cli("report", folder, "-o", out, "--sort", "sw", check_rc=3)  # the turbocharger's evaluation is invalid
    html = out.read_text(encoding="utf-8")
    # SW: engine 78.6 %, the gearbox negative, the invalid turbocharger has none (last)
    assert html.index('data-file="engine.xlsx"') < html.index('data-file="gearbox.xlsx"') < html.index(
        'data-file="turbo.xlsx"')
    bad = cli("report", folder, "-o", out, "--sort", "colour", check_rc=2)
    assert "--sort colour" in bad.stderr and "SE … RNR" in bad.stderr and "指标代号" in bad.stderr


def test_user_text_is_escaped_and_never_becomes_markup():
    data = example_variants()["gearbox"]
    data["settings"]["estimation_note"] = "</div><img src=x onerror=alert(1)> & co"
    html = render_product(remanxl.evaluate(EvaluationInput.from_dict(data, "a<b>.json")).to_dict())
    assert shown_numbers(html).scripts == 0
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;/div&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co" in html
    assert "a&lt;b&gt;.json" in html
    style = html[html.index("<style>"):html.index("</style>")]
    assert "<" not in style[len("<style>"):] and '"</style>' not in html  # the footer's CSS string is escaped
    assert "\\3c /style\\3e " in style


def test_a_negative_saving_is_a_bar_left_of_zero_and_the_axis_shows_it():
    ev = remanxl.evaluate(EvaluationInput.from_dict(example_variants()["gearbox"])).to_dict()
    assert ev["indicators"]["SW"]["value"] < 0
    html = render_product(ev)
    assert 'class="bar negative"' in html and ">−80%</text>" in html and ">100%</text>" in html
    sw = f"{ev['indicators']['SW']['value'] * 100:.2f}".replace("-", "−") + "%"
    assert f'class="value negative">{sw}</text>' in html
    assert html.count("<svg") == 3  # one chart per Class I group


def test_every_indicator_and_its_chinese_name_and_both_languages_of_every_heading():
    html = render_product(remanxl.evaluate(remanxl.load_example()).to_dict())
    for info in INDICATORS:
        assert info.name_en in html and info.name_zh in html
    for en, zh in (("Product and system boundary", "产品与系统边界"), ("Factors used", "采用的系数"),
                   ("Sign-off", "签署"), ("Prepared by", "编制"), ("Checked by", "审核"), ("Approved by", "批准"),
                   ("Estimation note", "估算说明")):
        assert en in html and zh in html
    # human names from the factor tables, not codes
    assert "General dust" in html and "一般性粉尘" in html and ">general_dust<" not in html
    assert "Parts removed, consumables left out" in html and ">removed_non_consumable<" not in html


def test_counts_are_whole_numbers_and_a_column_keeps_one_number_of_decimals():
    evaluation = remanxl.evaluate(remanxl.load_example()).to_dict()
    html = render_product(evaluation)
    shown = {src: text for _, src, text in shown_numbers(html).numbers}
    assert shown["/breakdowns/parts/removed/count"] == "228"
    assert shown["/indicators/RND/numerator"] == "168" and shown["/indicators/RND/denominator"] == "228"
    original_rows = evaluation["provenance"]["original_rows"]
    assert isinstance(original_rows, int) and original_rows > 20  # the example's original side, counted by the core
    assert shown["/provenance/original_rows"] == str(original_rows)
    quantities = [shown[f"/indicators/{s}/{k}"] for s in SYMBOLS for k in ("numerator", "denominator")
                  if shown[f"/indicators/{s}/{k}"] != "—" and s not in ("RND", "RWP")]
    assert len({len(t.split(".")[1]) for t in quantities}) == 1  # one count of decimals in the column
    assert column_decimals([124.1068, 894.805, 0.83]) == 3 and column_decimals([1500.0, 2.5]) == 2
    assert count_decimals([228.0, 168.0]) == 0 and count_decimals([2.5, 1.0]) == 2
    assert Num(0.0, "/x", 2, True).text == "0.00%" and Num(-0.0001, "/x", 2).text == "0.00"


def test_an_invalid_evaluation_is_reported_as_such(tmp_path):
    source = tmp_path / "turbo.json"
    source.write_text(json.dumps(example_variants()["turbo"], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "turbo.html"
    proc = cli("report", source, "-o", out, check_rc=3)
    assert "invalid" in proc.stderr and "无效" in proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "Invalid evaluation" in html and "评价无效" in html and "estimation note missing" in html


def test_messages_are_one_bilingual_line_and_nothing_is_written_on_failure(example_book, tmp_path):
    out = tmp_path / "r.pdf"
    # no browser: one line in both languages, exit 2, no file
    proc = cli("report", example_book, "-o", out, env={"REMANXL_BROWSER": str(tmp_path / "no-such-browser")},
               check_rc=2)
    assert proc.stderr.count("\n") == 1 and "Edge" in proc.stderr and "浏览器" in proc.stderr
    assert not out.exists() and "Traceback" not in proc.stderr
    proc = cli("report", example_book, "-o", tmp_path / "r.docx", check_rc=2)
    assert ".html or .pdf" in proc.stderr and ".html 或 .pdf" in proc.stderr
    proc = cli("report", tmp_path / "missing.xlsx", check_rc=1)
    assert "no such file" in proc.stderr and "不存在" in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "remanxl-evaluation", "energy": [{"side": "sideways"}]}', encoding="utf-8")
    proc = cli("report", bad, "-o", tmp_path / "bad.html", check_rc=1)
    assert "no report was written" in proc.stderr and not (tmp_path / "bad.html").exists()
    old = tmp_path / "keep.html"
    earlier = '<meta name="generator" content="remanxl 0.1.0">an earlier report'  # one remanxl may replace
    old.write_text(earlier, encoding="utf-8")
    cli("report", bad, "-o", old, check_rc=1)
    assert old.read_text(encoding="utf-8") == earlier
    mine = tmp_path / "mine.html"  # a file remanxl did not write is replaced only with --force
    mine.write_text("my notes", encoding="utf-8")
    proc = cli("report", example_book, "-o", mine, check_rc=2)
    assert "--force" in proc.stderr and mine.read_text(encoding="utf-8") == "my notes"
    cli("report", example_book, "-o", mine, "--force", check_rc=0)
    cli("report", example_book, "-o", mine, check_rc=0)  # now its own report: replaced without --force
    truncated = tmp_path / "output.json"
    truncated.write_text('{"indicators": {}, "settings": {}}', encoding="utf-8")
    proc = cli("report", truncated, check_rc=1)
    assert "missing breakdowns" in proc.stderr and "indicators/SE" in proc.stderr


def test_remanxl_evaluate_imports_nothing_of_the_report(example_book):
    code = ("import sys, io, contextlib; from remanxl.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['evaluate', {str(example_book)!r}, '--dry-run'])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('remanxl.report', 'jinja2', 'markupsafe'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_browser_is_found_where_windows_installs_edge_and_chosen_by_remanxl_browser(tmp_path):
    edge = tmp_path / "Microsoft" / "Edge" / "Application" / "msedge.exe"
    edge.parent.mkdir(parents=True)
    edge.write_bytes(b"")
    assert find_browser({"PROGRAMFILES(X86)": str(tmp_path)}, os_name="nt") == str(edge)
    assert find_browser({"PROGRAMFILES(X86)": str(tmp_path / "none")}, os_name="nt") is None
    assert find_browser({"REMANXL_BROWSER": str(edge)}) == str(edge)
    assert find_browser({"REMANXL_BROWSER": str(tmp_path / "gone.exe")}) is None
    cmd = browser_command("chrome", tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "profile")
    assert "--headless" in cmd and "--no-pdf-header-footer" in cmd and f"--user-data-dir={tmp_path / 'profile'}" in cmd
    assert cmd[-1].startswith("file://")


def test_the_ribbon_report_button_writes_the_report_of_the_open_workbook(tmp_path, monkeypatch, example_book):
    import xlwings

    from remanxl.excel import macros
    from test_xlwings_book import FakeBook

    book = FakeBook(example_book)
    book.fullname = str(tmp_path / "engine.xlsx")  # as saved: the report goes beside it
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: book), raising=False)
    monkeypatch.setenv("REMANXL_BROWSER", str(tmp_path / "no-browser"))  # no PDF here: the HTML instead
    opened = []
    path = macros.report_workbook(open_report=opened.append)
    assert path == tmp_path / "engine_report.html" and opened == [path]
    assert not book.log.of("write")  # nothing is written to the workbook
    alert = book.log.of("alert")[-1][1]
    assert str(path) in alert and "报告已生成" in alert and "Edge" in alert and "浏览器" in alert
    expected = remanxl.evaluate(remanxl.load_example()).to_dict()
    _check_numbers(path.read_text(encoding="utf-8"), expected)


def test_the_ribbon_report_button_lists_input_problems_and_writes_nothing(tmp_path, monkeypatch):
    from remanxl.excel import macros
    from test_xlwings_book import FakeBook

    data = remanxl.load_example().to_dict()
    data["energy"][0]["unit"] = "furlongs"
    book = FakeBook(build_template(tmp_path / "bad.xlsx", EvaluationInput.from_dict(data)))
    outcome = macros.report_workbook(book, folder=tmp_path / "out", open_report=lambda p: pytest.fail("opened"))
    assert not outcome.ok and not (tmp_path / "out").exists()
    assert "nothing was computed" in book.log.of("alert")[-1][1]


def test_the_report_benchmark_prints_its_figures():
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_report.py"
    proc = subprocess.run([sys.executable, str(script), "--repeat", "1", "--json", "-"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "remanxl report -o r.html:" in proc.stdout
    res = json.loads(proc.stdout[proc.stdout.index("\n{") + 1:])
    assert res["html"]["best_s"] > 0 and res["render_s"] > 0 and res["html_bytes"] > 10_000
