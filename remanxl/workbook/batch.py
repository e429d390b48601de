"""Evaluate many workbooks: both cores, a progress bar, one roll-up table, and no stop on a broken file."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from remanxl.method.indicators import SYMBOLS

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class BatchRow:
    path: str
    ok: bool
    product: str = ""
    model: str = ""
    valid: bool | None = None
    values: dict | None = None
    warnings: int = 0
    errors: list[str] | None = None


#: Stem of the roll-up files a batch writes (and never reads back as a workbook).
ROLLUP_STEM = "remanxl_rollup"


def collect(paths: list[str | Path]) -> list[Path]:
    """Workbooks named directly, and those in named folders (not recursive; Excel's ~$ lock files,
    remanxl's temporary files and its own roll-up skipped)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix.lower() in WORKBOOK_SUFFIXES
                          and not q.name.startswith(("~$", ".~", ROLLUP_STEM)))
        else:
            out.append(p)
    return out


def _one(path: str, write: bool, split: bool = True) -> BatchRow:
    from remanxl.workbook.io import evaluate_workbook

    try:
        o = evaluate_workbook(path, write=write, split=split)
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        return BatchRow(path, False, errors=[f"{type(exc).__name__}: {exc}"])
    if not o.ok:
        return BatchRow(path, False, errors=[str(x) for x in o.problems])
    ev = o.evaluation
    return BatchRow(path, True, ev.settings.product, ev.settings.model, ev.valid,
                    {s: ev[s].value for s in SYMBOLS},
                    len(ev.warnings) + sum(len(ev[s].warnings) for s in SYMBOLS),
                    list(ev.invalid_reasons) or None)


def run_batch(paths: list[Path], write: bool = True, jobs: int | None = None, progress: bool = True) -> list[BatchRow]:
    """Evaluate every workbook, in parallel processes when there are several."""
    jobs = jobs or min(len(paths), os.cpu_count() or 1)
    bar = None
    if progress and len(paths) > 1:  # one workbook needs no bar (nor the import of tqdm)
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="wb", desc="remanxl", leave=False)
    rows: list[BatchRow] = []
    try:
        if jobs <= 1 or len(paths) <= 1:
            for p in paths:
                rows.append(_one(str(p), write))
                if bar:
                    bar.update()
        else:
            from concurrent.futures import ProcessPoolExecutor  # only a batch needs multiprocessing
            from concurrent.futures.process import BrokenProcessPool

            # Load the evaluation code once, here: workers forked from this process start with it
            # instead of each importing it again (about 0.1 s per worker).
            import remanxl.workbook.io  # noqa: F401
            import remanxl.workbook.xlsxpatch  # noqa: F401
            from remanxl.sheet import engine

            engine.prepare()
            try:
                with ProcessPoolExecutor(max_workers=jobs) as pool:
                    # every core already has a workbook of its own: none is read in two halves
                    for row in pool.map(_one, [str(p) for p in paths], [write] * len(paths),
                                        [False] * len(paths), chunksize=4):
                        rows.append(row)
                        if bar:
                            bar.update()
            except BrokenProcessPool:
                # A worker died (a file that crashed a reader outright): finish the rest one process per
                # file, so the crash costs only the file that caused it.
                for p in paths[len(rows):]:
                    rows.append(_isolated(str(p), write))
                    if bar:
                        bar.update()
    finally:
        if bar:
            bar.close()
    return rows


def _isolated(path: str, write: bool) -> BatchRow:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(_one, path, write, False).result()
    except BrokenProcessPool:
        return BatchRow(path, False, errors=["the evaluation process crashed on this file; nothing was written"])


ROLLUP_HEADERS = ["file", "product", "model", "status", *SYMBOLS, "warnings", "errors"]


def rollup_rows(rows: list[BatchRow]) -> list[list]:
    out = []
    for r in rows:
        status = "error" if not r.ok else ("valid" if r.valid else "invalid")
        values = [(r.values or {}).get(s) for s in SYMBOLS]
        out.append([Path(r.path).name, r.product, r.model, status, *values, r.warnings, "; ".join(r.errors or [])])
    return out


def write_rollup(rows: list[BatchRow], csv_path: Path, xlsx_path: Path | None = None) -> None:
    """The roll-up table: one row per workbook, rates as fractions (CSV) and as % (xlsx)."""
    data = rollup_rows(rows)
    with open(csv_path, "w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens UTF-8 CSV correctly
        w = csv.writer(fh)
        w.writerow(ROLLUP_HEADERS)
        w.writerows(data)
    if xlsx_path:
        from remanxl.workbook.rollup import write_rollup_xlsx

        write_rollup_xlsx(xlsx_path, ROLLUP_HEADERS, data, range(4, 4 + len(SYMBOLS)))
