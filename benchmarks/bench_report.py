"""``remanxl report`` of the bundled example workbook: HTML and PDF, as fresh processes.

Measured against ``remanxl evaluate --dry-run`` of the same workbook (what every report starts
with), so the report's own share shows; and the HTML rendering alone, in process, once the templates
are compiled.  The PDF is printed by the machine's Chromium-family browser (skipped without one).

    python benchmarks/bench_report.py
    python benchmarks/bench_report.py --repeat 1 --json -
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402


def run(repeat: int = 5) -> dict:
    import remanxl
    from remanxl.report.pdf import find_browser
    from remanxl.report.render import render_product
    from remanxl.workbook.template import build_template

    with tempfile.TemporaryDirectory() as tmp:
        book = build_template(Path(tmp) / "example.xlsx", remanxl.load_example())
        exe = C.remanxl_command()
        commands = {"evaluate": [*exe, "evaluate", str(book), "--dry-run"],
                    "html": [*exe, "report", str(book), "-o", str(Path(tmp) / "r.html")]}
        browser = find_browser()
        if browser:
            commands["pdf"] = [*exe, "report", str(book), "-o", str(Path(tmp) / "r.pdf")]
        res = C.interleaved(commands, repeat, memory=False)
        ev = remanxl.evaluate(remanxl.load_example()).to_dict()
        render_product(ev)  # compiles the templates
        render_s, html = C.best_of(lambda: render_product(ev), max(repeat, 5))
    res["render_s"] = render_s
    res["html_bytes"] = len(html.encode("utf-8"))
    res["browser"] = browser
    return res


def report(res: dict) -> None:
    print(f"remanxl evaluate --dry-run (the evaluation alone): {res['evaluate']['best_s']:.2f} s")
    print(f"remanxl report -o r.html: {res['html']['best_s']:.2f} s "
          f"(median {res['html']['median_s']:.2f} s); {res['html_bytes'] / 1024:.0f} KiB, one file")
    if "pdf" in res:
        print(f"remanxl report -o r.pdf: {res['pdf']['best_s']:.2f} s (median {res['pdf']['median_s']:.2f} s), "
              f"printed by {res['browser']}")
    else:
        print("remanxl report -o r.pdf: skipped (no Chromium-family browser)")
    print(f"rendering the HTML in process, templates compiled: {res['render_s'] * 1000:.1f} ms")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best is reported")
    return C.main(p, argv, lambda a: run(a.repeat), report)


if __name__ == "__main__":
    main()
