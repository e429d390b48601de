"""What a user without the add-in waits for: LibreOffice recalculating the plant workbook natively.

The same plant workbook (``generate.large_workbook``) is built three ways:

* **per-row formulas (before)** — the template of ``--baseline`` (default 576ef3a, the one issue 15
  measured), with its computed columns written out in every row: structured references, seven
  ledger-population columns a parts row;
* **shared formulas (before)** — the same template as it stored them, one shared formula a column;
* **now** — this checkout's template: shared formulas in A1 form, the ledger's populations summed in
  the Summary.

The two "before" workbooks are built by that revision's own code (``git archive`` into a temporary
folder, run in a child interpreter), so the baseline stays what it was whatever the template becomes.
Each is evaluated by remanxl (so its Summary holds the native subtotals a user would see) and then
opened by LibreOffice headless with recalculation on load forced, recalculated and exported to xlsx
(``soffice --convert-to``) in a throw-away profile that binds no ``REMAN_*`` function: what is
measured is the native formulas.  They are run in turn (A B C A B C …); the best and the median wall
time are printed, and the peak memory: the kernel's high-water mark of the largest process
(``ru_maxrss``, which is soffice.bin).  A process tree's resident memory sampled from /proc is not
used: soffice.bin forks helpers while it saves (gpg and others), and until each execs, its resident
pages are counted a second time in the fork (a sampled peak of 1.5–2.7× soffice.bin's own).

The exports are then read back and compared cell by cell: every cell of every sheet, and in the input
sheets every column both layouts have (by header), must hold the same value (numbers to 1e-9,
relative) — the Summary's native figures above all.

    python benchmarks/bench_libreoffice.py                 # 50,000 parts + 20,000 inventory rows, 3 runs each
    python benchmarks/bench_libreoffice.py --parts 200 --inventory 100 --repeat 1 --json -
"""
from __future__ import annotations

import argparse
import io
import math
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
import generate  # noqa: E402

BASELINE = "576ef3a"  # the template issue 15 measured: structured references, ledger populations per row
BEFORE_PER_ROW, BEFORE_SHARED, NOW = "per-row formulas (before)", "shared formulas (before)", "now"
LAYOUTS = (BEFORE_PER_ROW, BEFORE_SHARED, NOW)
NOW_STAMP = "2026-01-01T00:00:00+00:00"

_BUILD_OLD = """\
import sys
src = sys.argv[1]
sys.path[:0] = [src, src + "/benchmarks"]
import remanxl, generate
from pathlib import Path
assert Path(remanxl.__file__).resolve().is_relative_to(Path(src).resolve()), remanxl.__file__
from remanxl.workbook.io import evaluate_workbook
book = generate.large_workbook(int(sys.argv[2]), int(sys.argv[3]), out=Path(sys.argv[4]), per_row_formulas=sys.argv[6] == "1")
outcome = evaluate_workbook(book, Path(sys.argv[5]), now=sys.argv[7])
sys.exit(0 if outcome.ok else 1)
"""


def _baseline_source(rev: str, tmp: Path) -> Path:
    """The baseline revision's files, unpacked from this checkout's git history."""
    src = tmp / f"src_{rev}"
    if not src.exists():
        try:
            tar = subprocess.run(["git", "-C", str(C.ROOT), "archive", rev], capture_output=True, check=True,
                                 timeout=120).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise SystemExit(f"the baseline {rev} needs this checkout's git history (git archive {rev}): {e}")
        with tarfile.open(fileobj=io.BytesIO(tar)) as t:
            t.extractall(src, filter="data")
    return src


def _baseline_book(rev: str, parts: int, inventory: int, out: Path, per_row: bool, dest: Path, tmp: Path) -> None:
    src = _baseline_source(rev, tmp)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-c", _BUILD_OLD, str(src), str(parts), str(inventory), str(out / f"baseline_{rev}"),
                    str(dest), "1" if per_row else "0", NOW_STAMP], check=True, env=env, timeout=3600)


def _xml_mib(path: Path) -> float:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/")) / 2**20


def _columns(rows: list[list], header_row: int) -> dict[str, list]:
    """An input sheet's columns by header (the table's header row, 0-based)."""
    head = rows[header_row] if len(rows) > header_row else []
    return {str(h): [r[j] if j < len(r) else "" for r in rows] for j, h in enumerate(head) if h != ""}


def _same(x, y) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return x == y


def _compare(a: Path, b: Path) -> dict:
    """Cells of two recalculated workbooks compared: equal text, numbers equal to 1e-9 (relative); in the
    input sheets, the columns both have (by header), since the layouts' computed columns differ."""
    import python_calamine as pc

    from remanxl.sheet.layout import HEADER_ROW, INPUT_SHEETS

    inputs = {s.sheet for s in INPUT_SHEETS}
    wa, wb = pc.CalamineWorkbook.from_path(str(a)), pc.CalamineWorkbook.from_path(str(b))
    cells = numbers = 0
    differ: list[str] = []
    for name in wa.sheet_names:
        rows_a = wa.get_sheet_by_name(name).to_python()
        rows_b = wb.get_sheet_by_name(name).to_python()
        if len(rows_a) != len(rows_b):
            differ.append(f"{name}: {len(rows_a)} rows against {len(rows_b)}")
            continue
        if name in inputs:
            ca, cb = _columns(rows_a, HEADER_ROW - 1), _columns(rows_b, HEADER_ROW - 1)
            pairs = [((h, r), x, y) for h in ca if h in cb for r, (x, y) in enumerate(zip(ca[h], cb[h]), start=1)]
        else:
            pairs = [((c, r), x, y) for r, (ra, rb) in enumerate(zip(rows_a, rows_b), start=1)
                     for c, (x, y) in enumerate(zip(ra, rb), start=1)]
            differ += [f"{name}!R{r}: {len(ra)} cells against {len(rb)}"
                       for r, (ra, rb) in enumerate(zip(rows_a, rows_b), start=1) if len(ra) != len(rb)]
        for (c, r), x, y in pairs:
            cells += 1
            numbers += isinstance(x, float) and isinstance(y, float)
            if not _same(x, y):
                differ.append(f"{name}!R{r} {c}: {x!r} against {y!r}")
    wa.close()
    wb.close()
    return {"cells": cells, "numbers": numbers, "differences": len(differ), "first_differences": differ[:10]}


def run(parts: int, inventory: int, repeat: int, out: Path, baseline: str = BASELINE) -> dict:
    soffice = shutil.which("soffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is not installed")
    from remanxl.testing.libreoffice import soffice_env
    from remanxl.testing.lo_profile import build_profile
    from remanxl.workbook.io import evaluate_workbook

    res = {"parts": parts, "inventory": inventory, "repeat": repeat, "baseline": baseline, "layouts": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = soffice_env()
        profile = tmp / "profile"
        build_profile(profile, soffice, {}, env=env, timeout=180)  # recalculation forced; no REMAN_* shims
        commands = {}
        for layout in LAYOUTS:
            book = tmp / layout.split(" (")[0].replace(" ", "_").replace("-", "_") / "plant.xlsx"
            book.parent.mkdir()
            if layout == NOW:
                source = generate.large_workbook(parts, inventory, out=out)
                outcome = evaluate_workbook(source, book, now=NOW_STAMP)  # what a user opens: evaluated, Summary and all
                if not outcome.ok:
                    raise RuntimeError(f"{layout}: {outcome.problems[:3]}")
            else:
                _baseline_book(baseline, parts, inventory, Path(out), layout == BEFORE_PER_ROW, book, tmp)
            res["layouts"][layout] = {"workbook_mib": book.stat().st_size / 2**20, "sheet_xml_mib": _xml_mib(book)}
            commands[layout] = ["timeout", "-k", "10", "1800", soffice, f"-env:UserInstallation={profile.as_uri()}",
                                "--headless", "--norestore", "--nolockcheck", "--convert-to", "xlsx", "--outdir",
                                str(book.parent / "lo"), str(book)]
        measured = C.interleaved(commands, repeat, memory=False, env=env, timeout=3600)
        for layout, m in measured.items():
            m.pop("tree_peak_rss_mib", None)
            res["layouts"][layout].update(m)  # peak_rss_mib: ru_maxrss of the timed runs (soffice.bin)
        exports = {layout: Path(commands[layout][-2]) / "plant.xlsx" for layout in LAYOUTS}
        if not all(p.exists() for p in exports.values()):
            raise RuntimeError("LibreOffice wrote no file")
        res["agreement"] = {layout: _compare(exports[layout], exports[NOW]) for layout in LAYOUTS if layout != NOW}
    now = res["layouts"][NOW]
    for layout in (BEFORE_PER_ROW, BEFORE_SHARED):
        before = res["layouts"][layout]
        before["speedup_median"] = before["median_s"] / now["median_s"]
        before["speedup_best"] = before["best_s"] / now["best_s"]
    return res


def report(res: dict) -> None:
    print(f"plant workbook: {res['parts']:,} parts rows, {res['inventory']:,} inventory rows; "
          f"{res['repeat']} runs of each, in turn; before = {res['baseline']}")
    for layout, m in res["layouts"].items():
        print(f"  {layout:<26} {m['workbook_mib']:6.1f} MiB file, {m['sheet_xml_mib']:7.1f} MiB sheet XML;  "
              f"LibreOffice {m['median_s']:7.2f} s median / {m['best_s']:7.2f} s best;  "
              f"peak memory {m['peak_rss_mib']:,.0f} MiB (soffice.bin)")
    for layout, a in res["agreement"].items():
        print(f"values after recalculation, {layout} against now: {a['cells']:,} cells compared "
              f"({a['numbers']:,} numbers), {a['differences']} differ"
              f"{'' if not a['differences'] else ': ' + '; '.join(a['first_differences'])}")
    now = res["layouts"][NOW]
    for layout in (BEFORE_PER_ROW, BEFORE_SHARED):
        m = res["layouts"][layout]
        print(f"now against {layout}: {m['speedup_median']:.2f}x median, {m['speedup_best']:.2f}x best faster, "
              f"{m['peak_rss_mib'] / now['peak_rss_mib']:.2f}x less memory")
    speed = res["layouts"][BEFORE_PER_ROW]["speedup_median"]
    mb = now["peak_rss_mib"] * 1.048576
    print(f"targets: >= 2x faster than per-row formulas: {C.verdict(speed, 2.0, lower_is_better=False)} "
          f"({speed:.2f}x median); < 1 GB: {C.verdict(mb, 1000)} ({mb:,.0f} MB)")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", type=int, default=50_000)
    p.add_argument("--inventory", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3, help="runs of each layout (default 3)")
    p.add_argument("--out", type=Path, default=C.OUT, help="where generated workbooks are cached")
    p.add_argument("--baseline", default=BASELINE, help=f"git revision of the 'before' template (default {BASELINE})")
    return C.main(p, argv, lambda a: run(a.parts, a.inventory, a.repeat, a.out, a.baseline), report)


if __name__ == "__main__":
    main()
