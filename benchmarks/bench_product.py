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

remanxl runs as pip installs it: a throw-away virtual environment holding a compiled copy of the
package in its site-packages and pip's console script, its dependencies taken from this environment.
(An editable install, as a developer's checkout has, adds an import hook to every interpreter's start:
about 12 ms here.)  ``--here`` measures this environment as it is instead.

    python benchmarks/bench_product.py
    python benchmarks/bench_product.py --repeat 3 --json -
"""
from __future__ import annotations

import argparse
import compileall
import shutil
import site
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
from bench_evaluate import FLOOR, wanted_tables  # noqa: E402

EXAMPLE = C.ROOT / "templates" / "remanxl_example.xlsx"
TARGET_S = 0.12


#: What pip writes as the ``remanxl`` console script (pip's launcher template).
CONSOLE_SCRIPT = """\
#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from {module} import {function}
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit({function}())
"""


def console_script(python) -> str:
    """pip's console script for the ``remanxl`` entry point that pyproject.toml declares."""
    import tomllib

    with open(C.ROOT / "pyproject.toml", "rb") as fh:
        module, function = tomllib.load(fh)["project"]["scripts"]["remanxl"].split(":")
    return CONSOLE_SCRIPT.format(python=python, module=module, function=function)


def installed(tmp: Path) -> tuple[str, list[str]]:
    """``(python, remanxl command)`` of a virtual environment in ``tmp`` holding remanxl as pip installs it:
    a compiled copy of the package in site-packages and pip's console script; the dependencies are this
    environment's (a path line, so none of its own start-up hooks, such as an editable install's, runs)."""
    import remanxl

    env = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=sys.platform != "win32").create(env)
    bindir = env / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / Path(sys.executable).name
    if not python.exists():
        python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "remanxl_bench_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    package = purelib / "remanxl"
    shutil.copytree(Path(remanxl.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(str(package), quiet=1)
    script = bindir / "remanxl"
    script.write_text(console_script(python))
    script.chmod(0o755)
    check = subprocess.run([str(python), "-c", "import remanxl, sys; print(remanxl.__file__)"], cwd=tmp,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(check).resolve().parent == package.resolve(), check  # the copy, not this checkout
    return str(python), ([str(script)] if sys.platform != "win32" else [str(python), str(script)])


def commands(tmp: Path, here: bool = False) -> dict[str, list[str]]:
    book = tmp / "product.xlsx"
    shutil.copy(EXAMPLE, book)
    folder = tmp / "folder"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "product.xlsx")
    py, remanxl = (sys.executable, C.remanxl_command()) if here else installed(tmp)
    return {
        "evaluate": remanxl + ["evaluate", str(book), "-o", str(tmp / "out.xlsx"), "--force"],
        "floor": [py, "-c", FLOOR, str(book), ",".join(wanted_tables())],
        "folder": remanxl + ["evaluate", str(folder), "--no-progress"],
        "interpreter": [py, "-c", "pass"],
        "import xlwings": [py, "-c", "import xlwings"],
        "import remanxl.udfs": [py, "-c", "import remanxl.udfs"],
        "import remanxl.excel.macros": [py, "-c", "import remanxl.excel.macros"],
    }


def run(repeat: int, here: bool = False) -> dict:
    import remanxl

    compileall.compile_dir(str(Path(remanxl.__file__).parent), quiet=1)  # as pip does on install
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # (run from the temporary folder: ``python -c`` puts the current folder first on sys.path)
        measured = C.interleaved(commands(tmp, here), repeat, cwd=tmp)
        rollup = (tmp / "folder" / "remanxl_rollup.xlsx").exists()
        written = (tmp / "out.xlsx").exists()
    res = {"repeat": repeat, "figures": measured, "wrote_output": written, "wrote_rollup": rollup,
           "installed": "this environment" if here else "as pip installs it (a compiled copy in a virtual environment)"}
    ev, floor = measured["evaluate"], measured["floor"]
    res["ratio_vs_floor_median"] = ev["median_s"] / floor["median_s"]
    res["ratio_vs_floor_best"] = ev["best_s"] / floor["best_s"]
    return res


def report(res: dict) -> None:
    f = res["figures"]
    print(f"remanxl {res['installed']}")
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
    p.add_argument("--here", action="store_true", help="measure this environment as it is (e.g. an editable install)")
    return C.main(p, argv, lambda a: run(a.repeat, a.here), report)


if __name__ == "__main__":
    main()
