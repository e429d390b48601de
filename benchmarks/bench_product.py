"""What most users feel: ``remanxl evaluate`` on one product workbook, and the imports Excel pays.

Every figure is a fresh process, run in turn with the others (A B C … A B C …) so that a machine
whose speed drifts treats them alike; the best and the median of the runs are printed:

1. ``remanxl evaluate BOOK -o OUT`` on the bundled example (a product workbook), end to end;
2. the floor: a fresh interpreter in which python-calamine only reads the same tables;
3. ``remanxl evaluate FOLDER`` on a folder holding that one workbook (evaluated in place, with the
   roll-up CSV and .xlsx);
4. ``python -c pass``, the interpreter alone;
5. ``import xlwings``, ``import remanxl.udfs`` (what Excel's first REMAN_* call pays) and
   ``import remanxl.excel.macros`` (what a ribbon button's fresh Python pays before its macro).

The modules are compiled to bytecode first, as an installed package is.

    python benchmarks/bench_product.py
    python benchmarks/bench_product.py --repeat 3 --json -
"""
from __future__ import annotations

import argparse
import compileall
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
from bench_evaluate import FLOOR, wanted_tables  # noqa: E402

EXAMPLE = C.ROOT / "templates" / "remanxl_example.xlsx"
TARGET_S = 0.12


def commands(tmp: Path) -> dict[str, list[str]]:
    book = tmp / "product.xlsx"
    shutil.copy(EXAMPLE, book)
    folder = tmp / "folder"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "product.xlsx")
    py = sys.executable
    return {
        "evaluate": C.remanxl_command() + ["evaluate", str(book), "-o", str(tmp / "out.xlsx"), "--force"],
        "floor": [py, "-c", FLOOR, str(book), ",".join(wanted_tables())],
        "folder": C.remanxl_command() + ["evaluate", str(folder), "--no-progress"],
        "interpreter": [py, "-c", "pass"],
        "import xlwings": [py, "-c", "import xlwings"],
        "import remanxl.udfs": [py, "-c", "import remanxl.udfs"],
        "import remanxl.excel.macros": [py, "-c", "import remanxl.excel.macros"],
    }


def run(repeat: int) -> dict:
    import remanxl

    compileall.compile_dir(str(Path(remanxl.__file__).parent), quiet=1)  # as pip does on install
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        measured = C.interleaved(commands(tmp), repeat)
        rollup = (tmp / "folder" / "remanxl_rollup.xlsx").exists()
        written = (tmp / "out.xlsx").exists()
    res = {"repeat": repeat, "figures": measured, "wrote_output": written, "wrote_rollup": rollup}
    ev, floor = measured["evaluate"], measured["floor"]
    res["ratio_vs_floor_median"] = ev["median_s"] / floor["median_s"]
    res["ratio_vs_floor_best"] = ev["best_s"] / floor["best_s"]
    return res


def report(res: dict) -> None:
    f = res["figures"]
    print(f"fresh processes, run in turn, {res['repeat']} runs each (median / best; peak memory of the process tree):")
    for name, label in (("evaluate", "remanxl evaluate BOOK -o OUT"), ("floor", "floor: calamine reads the tables"),
                        ("folder", "remanxl evaluate FOLDER (1 book)"), ("interpreter", "python -c pass"),
                        ("import xlwings", "import xlwings"), ("import remanxl.udfs", "import remanxl.udfs"),
                        ("import remanxl.excel.macros", "import remanxl.excel.macros")):
        m = f[name]
        mem = m["tree_peak_rss_mib"] or m["peak_rss_mib"]
        print(f"  {label:<36} {m['median_s'] * 1000:7.1f} ms / {m['best_s'] * 1000:7.1f} ms   {mem:5.0f} MiB")
    print(f"\nremanxl evaluate / floor: {res['ratio_vs_floor_median']:.2f}x median, {res['ratio_vs_floor_best']:.2f}x best")
    print(f"product workbook end to end, median: {f['evaluate']['median_s']:.3f} s "
          f"(<= {TARGET_S} s: {C.verdict(f['evaluate']['median_s'], TARGET_S)})")
    udfs = f["import remanxl.udfs"]["median_s"] - f["interpreter"]["median_s"]
    xlw = f["import xlwings"]["median_s"] - f["interpreter"]["median_s"]
    print(f"import remanxl.udfs beyond the interpreter: {udfs * 1000:.0f} ms, of which xlwings {xlw * 1000:.0f} ms")
    print(f"wrote the evaluated workbook: {res['wrote_output']}; the folder's roll-up: {res['wrote_rollup']}")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=21, help="runs of each command (default 21)")
    return C.main(p, argv, lambda a: run(a.repeat), report)


if __name__ == "__main__":
    main()
