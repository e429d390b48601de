"""What a user without the add-in waits for: LibreOffice recalculating the plant workbook natively.

The same plant workbook (``generate.large_workbook``) is built twice: with the input tables'
computed columns written out in every row (the template before shared formulas) and with each
computed column stored once as a shared formula (the template now).  Each is evaluated by remanxl
(so its Summary holds the native subtotals a user would see) and then opened by LibreOffice headless
with recalculation on load forced, recalculated and exported to xlsx (``soffice --convert-to``) in a
throw-away profile that binds no ``REMAN_*`` function: what is measured is the native formulas.
The two are run in turn (A B A B …); the best and the median wall time are printed, and the peak
memory of LibreOffice's processes together (sampled every 2 ms from /proc in one more run of each).

Both exports are then read back and compared cell by cell on every sheet: shared formulas must give
the very values the per-row formulas give (to 1e-9, relative).

    python benchmarks/bench_libreoffice.py                 # 50,000 parts + 20,000 inventory rows, 3 runs each
    python benchmarks/bench_libreoffice.py --parts 200 --inventory 100 --repeat 1 --json -
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
import generate  # noqa: E402

LAYOUTS = {"per-row formulas": True, "shared formulas": False}
NOW = "2026-01-01T00:00:00+00:00"


def _xml_mib(path: Path) -> float:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/")) / 2**20


def _compare(a: Path, b: Path) -> dict:
    """Cells of every sheet of two workbooks compared: equal text, numbers equal to 1e-9 (relative)."""
    import python_calamine as pc

    wa, wb = pc.CalamineWorkbook.from_path(str(a)), pc.CalamineWorkbook.from_path(str(b))
    cells = numbers = 0
    differ: list[str] = []
    for name in wa.sheet_names:
        rows_a = wa.get_sheet_by_name(name).to_python()
        rows_b = wb.get_sheet_by_name(name).to_python()
        if len(rows_a) != len(rows_b):
            differ.append(f"{name}: {len(rows_a)} rows against {len(rows_b)}")
            continue
        for r, (ra, rb) in enumerate(zip(rows_a, rows_b), start=1):
            for c, (x, y) in enumerate(zip(ra, rb), start=1):
                cells += 1
                if isinstance(x, float) and isinstance(y, float):
                    numbers += 1
                    if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
                        differ.append(f"{name}!R{r}C{c}: {x!r} against {y!r}")
                elif x != y:
                    differ.append(f"{name}!R{r}C{c}: {x!r} against {y!r}")
            if len(ra) != len(rb):
                differ.append(f"{name}!R{r}: {len(ra)} cells against {len(rb)}")
    wa.close()
    wb.close()
    return {"cells": cells, "numbers": numbers, "differences": len(differ), "first_differences": differ[:10]}


def run(parts: int, inventory: int, repeat: int, out: Path) -> dict:
    soffice = shutil.which("soffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is not installed")
    from remanxl.testing.libreoffice import soffice_env
    from remanxl.testing.lo_profile import build_profile
    from remanxl.workbook.io import evaluate_workbook

    res = {"parts": parts, "inventory": inventory, "repeat": repeat, "layouts": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = soffice_env()
        profile = tmp / "profile"
        build_profile(profile, soffice, {}, env=env, timeout=180)  # recalculation forced; no REMAN_* shims
        commands = {}
        for layout, per_row in LAYOUTS.items():
            source = generate.large_workbook(parts, inventory, out=out, per_row_formulas=per_row)
            book = tmp / layout.replace(" ", "_") / "plant.xlsx"
            book.parent.mkdir()
            outcome = evaluate_workbook(source, book, now=NOW)  # what a user opens: evaluated, Summary and all
            if not outcome.ok:
                raise RuntimeError(f"{layout}: {outcome.problems[:3]}")
            res["layouts"][layout] = {"workbook_mib": book.stat().st_size / 2**20, "sheet_xml_mib": _xml_mib(book)}
            commands[layout] = ["timeout", "-k", "10", "900", soffice, f"-env:UserInstallation={profile.as_uri()}",
                                "--headless", "--norestore", "--nolockcheck", "--convert-to", "xlsx", "--outdir",
                                str(book.parent / "lo"), str(book)]
        measured = C.interleaved(commands, repeat, memory=True, env=env, timeout=1800)
        for layout, m in measured.items():
            m.pop("peak_rss_mib", None)  # the wrapper's own ru_maxrss is not LibreOffice's memory
            res["layouts"][layout].update(m)
        exports = [tmp / layout.replace(" ", "_") / "lo" / "plant.xlsx" for layout in LAYOUTS]
        if not all(p.exists() for p in exports):
            raise RuntimeError("LibreOffice wrote no file")
        res["agreement"] = _compare(*exports)
    before, after = (res["layouts"][k] for k in LAYOUTS)
    res["speedup_median"] = before["median_s"] / after["median_s"]
    res["speedup_best"] = before["best_s"] / after["best_s"]
    return res


def report(res: dict) -> None:
    print(f"plant workbook: {res['parts']:,} parts rows, {res['inventory']:,} inventory rows; "
          f"{res['repeat']} runs of each, in turn")
    for layout, m in res["layouts"].items():
        mem = m.get("tree_peak_rss_mib")
        print(f"  {layout:<17} {m['workbook_mib']:6.1f} MiB file, {m['sheet_xml_mib']:7.1f} MiB sheet XML;  "
              f"LibreOffice {m['median_s']:7.2f} s median / {m['best_s']:7.2f} s best;  "
              f"peak memory {mem:,.0f} MiB" if mem else "")
    a = res["agreement"]
    print(f"values after recalculation: {a['cells']:,} cells compared ({a['numbers']:,} numbers), "
          f"{a['differences']} differ{'' if not a['differences'] else ': ' + '; '.join(a['first_differences'])}")
    after = res["layouts"]["shared formulas"]
    print(f"LibreOffice speed-up from shared formulas: {res['speedup_median']:.2f}x median, {res['speedup_best']:.2f}x best "
          f"(>= 2x: {C.verdict(res['speedup_median'], 2.0, lower_is_better=False)}); "
          f"peak memory now {after.get('tree_peak_rss_mib') or 0:,.0f} MiB (< 1 GB: "
          f"{C.verdict((after.get('tree_peak_rss_mib') or 0) * 1.048576, 1000)})")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", type=int, default=50_000)
    p.add_argument("--inventory", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3, help="runs of each layout (default 3)")
    p.add_argument("--out", type=Path, default=C.OUT, help="where generated workbooks are cached")
    return C.main(p, argv, lambda a: run(a.parts, a.inventory, a.repeat, a.out), report)


if __name__ == "__main__":
    main()
