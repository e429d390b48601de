"""``remanxl evaluate FOLDER`` over a folder of ordinary product workbooks.

Each run works on a fresh copy of the cached folder (a batch rewrites every
workbook's summary in place) and writes the roll-up (CSV and xlsx).  Measured
as fresh processes: one workbook alone, the folder with one process
(``--jobs 1``) and with one per core (the default).  Throughput is workbooks
per second; the single-file time is the ratio's yardstick.

    python benchmarks/bench_batch.py                  # 200 workbooks
    python benchmarks/bench_batch.py --books 5 --repeat 1 --json -
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
import generate  # noqa: E402


def _fresh_copy(folder: Path, tmp: Path) -> Path:
    dst = tmp / f"books_{time.perf_counter_ns()}"
    shutil.copytree(folder, dst)
    return dst


def measure(cmd_for, folder: Path, repeat: int) -> dict:
    """Best and median of ``repeat`` runs of ``cmd_for(copy)``, each on a fresh copy of ``folder``."""
    walls, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            copy = _fresh_copy(folder, Path(tmp))
            r = C.run_measured(cmd_for(copy))
            if r["code"] not in (0, 3):  # 3: an evaluation ran but is invalid, still a result
                raise RuntimeError(f"exit {r['code']}: {r['stderr']}")
            walls.append(r["wall"])
            peaks.append(r["peak"])
            last = copy
        rollup = last / "remanxl_rollup.csv"
        rows = list(csv.DictReader(open(rollup, encoding="utf-8-sig"))) if rollup.exists() else []
    walls.sort()
    return {"best_s": walls[0], "median_s": walls[len(walls) // 2], "peak_rss_mib": max(peaks), "rollup_rows": rows}


def run(books: int = 200, repeat: int = 3, out: Path = C.OUT) -> dict:
    t0 = time.perf_counter()
    folder = generate.product_folder(books, out=out)
    res = {"books": books, "folder": str(folder), "generate_s": time.perf_counter() - t0, "cores": os.cpu_count()}
    cli = C.remanxl_command()
    one = sorted(folder.glob("*.xlsx"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        res["single"] = C.repeat_measured(cli + ["evaluate", str(one), "-o", str(Path(tmp) / one.name)], repeat)
    res["jobs1"] = measure(lambda d: cli + ["evaluate", str(d), "--jobs", "1", "--no-progress"], folder, repeat)
    res["jobsN"] = measure(lambda d: cli + ["evaluate", str(d), "--no-progress"], folder, repeat)
    for key in ("jobs1", "jobsN"):
        r = res[key]
        r["workbooks_per_s"] = books / r["best_s"]
        rows = r.pop("rollup_rows")
        r["evaluated"] = sum(1 for row in rows if row["status"] in ("valid", "invalid"))
    res["single_workbooks_per_s"] = 1 / res["single"]["best_s"]
    res["speedup_vs_single_files"] = res["jobsN"]["workbooks_per_s"] / res["single_workbooks_per_s"]
    res["speedup_vs_one_process"] = res["jobsN"]["workbooks_per_s"] / res["jobs1"]["workbooks_per_s"]
    return res


def report(res: dict) -> None:
    s, j1, jn = res["single"], res["jobs1"], res["jobsN"]
    print(f"folder: {res['folder']} ({res['books']} product workbooks)")
    print(f"  one workbook alone (remanxl evaluate BOOK -o OUT) {s['best_s']:7.3f} s  -> "
          f"{res['single_workbooks_per_s']:6.1f} workbooks/s one file per command")
    print(f"  folder, --jobs 1                                  {j1['best_s']:7.3f} s  -> "
          f"{j1['workbooks_per_s']:6.1f} workbooks/s ({j1['evaluated']} evaluated)")
    print(f"  folder, one process per core ({res['cores']})                  {jn['best_s']:7.3f} s  -> "
          f"{jn['workbooks_per_s']:6.1f} workbooks/s ({jn['evaluated']} evaluated)")
    print(f"  batch vs one command per file: {res['speedup_vs_single_files']:.1f}x; "
          f"{res['cores']} processes vs 1: {res['speedup_vs_one_process']:.2f}x "
          f"(uses both cores: {'yes' if res['speedup_vs_one_process'] > 1.3 else 'NO'})")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--books", type=int, default=200, help="product workbooks in the folder (default 200)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is reported")
    p.add_argument("--out", type=Path, default=C.OUT, help="cache folder of generated workbooks")
    return C.main(p, argv, lambda a: run(a.books, a.repeat, a.out), report)


if __name__ == "__main__":
    main()
