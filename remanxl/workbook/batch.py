"""Evaluate many workbooks: both cores, a progress bar, one roll-up table, and no stop on a broken file."""
from __future__ import annotations

import csv
import math
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
    estimated: float | None = None  # share of original-side rows that are estimated


#: Stem of the roll-up files a batch writes by default.
ROLLUP_STEM = "remanxl_rollup"
#: The roll-up workbook's one sheet and table: how remanxl knows a roll-up it wrote (to replace it, and
#: never to read it back as a product workbook).
ROLLUP_SHEET = "Roll-up 汇总"
ROLLUP_TABLE = "Rollup"
#: Every sheet a roll-up workbook may hold (its table, and the portfolio view of it).
ROLLUP_SHEETS = (ROLLUP_SHEET, "Portfolio 产品组合")
#: The document title remanxl gives a roll-up workbook.
ROLLUP_TITLE = "remanxl roll-up"


def collect(paths: list[str | Path]) -> list[Path]:
    """Workbooks named directly, and those in named folders (not recursive).  Skipped: lock files of
    Excel (``~$``) and LibreOffice (``.~lock.``), remanxl's temporary files, and roll-ups remanxl wrote
    (known by their content, not their name: a product workbook called ``remanxl_rollup_2025`` is read)."""
    from remanxl.workbook.files import TEMP_PREFIX

    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix.lower() in WORKBOOK_SUFFIXES and q.is_file()
                          and not q.name.startswith(("~$", ".~lock.", TEMP_PREFIX)) and not is_rollup(q))
        else:
            out.append(p)
    return out


def is_rollup(path: str | Path) -> bool:
    """Whether ``path`` is a roll-up remanxl wrote: a CSV whose first line is the roll-up's header, or a
    workbook with the roll-up sheet and no sheet a roll-up does not have (a product workbook has a
    dozen others).  Known by content, so that a product workbook is never taken for one by its name."""
    import re
    import zipfile

    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                return next(csv.reader([fh.readline()]), []) == ROLLUP_HEADERS
        with zipfile.ZipFile(path) as zf:
            sheets = {s.decode() for s in re.findall(rb'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"',
                                                       zf.read("xl/workbook.xml"))}
            return ROLLUP_SHEET in sheets and sheets <= set(ROLLUP_SHEETS)
    except (OSError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile, EOFError, UnicodeError):
        return False


def _one(path: str, write: bool, split: bool = True, ignore_lock: bool = False) -> BatchRow:
    from remanxl.workbook.io import evaluate_workbook

    try:
        o = evaluate_workbook(path, write=write, split=split, ignore_lock=ignore_lock)
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        return BatchRow(path, False, errors=[f"{type(exc).__name__}: {exc}"])
    if not o.ok:
        return BatchRow(path, False, errors=[str(x) for x in o.problems])
    ev = o.evaluation
    return BatchRow(path, True, ev.settings.product, ev.settings.model, ev.valid,
                    {s: ev[s].value for s in SYMBOLS},
                    len(ev.warnings) + sum(len(ev[s].warnings) for s in SYMBOLS),
                    list(ev.invalid_reasons) or None, ev.provenance.get("share_estimated"))


def run_batch(paths: list[Path], write: bool = True, jobs: int | None = None, progress: bool = True,
              ignore_lock: bool = False) -> list[BatchRow]:
    """Evaluate every workbook, in parallel processes when there are several; a workbook another program
    holds open is not written (and listed as failed) unless ``ignore_lock``."""
    jobs = jobs or min(len(paths), os.cpu_count() or 1)
    bar = None
    if progress and len(paths) > 1:  # one workbook needs no bar (nor the import of tqdm)
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="wb", desc="remanxl", leave=False)
    rows: list[BatchRow] = []
    try:
        if jobs <= 1 or len(paths) <= 1:
            for p in paths:
                rows.append(_one(str(p), write, True, ignore_lock))
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
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_ignores_ctrl_c)
                try:
                    # every core already has a workbook of its own: none is read in two halves
                    for row in pool.map(_one, [str(p) for p in paths], [write] * len(paths),
                                        [False] * len(paths), [ignore_lock] * len(paths), chunksize=4):
                        rows.append(row)
                        if bar:
                            bar.update()
                except BaseException:  # Ctrl+C: the workbooks not started are not started (each one
                    pool.shutdown(wait=True, cancel_futures=True)  # being written finishes, atomically)
                    raise
                pool.shutdown(wait=True)
            except BrokenProcessPool:
                # A worker died (a file that crashed a reader outright): finish the rest one process per
                # file, so the crash costs only the file that caused it.
                for p in paths[len(rows):]:
                    rows.append(_isolated(str(p), write, ignore_lock))
                    if bar:
                        bar.update()
    finally:
        if bar:
            bar.close()
    return rows


def _worker_ignores_ctrl_c() -> None:
    """Ctrl+C reaches every process of the terminal: the workers leave it to the main process, which
    stops the pool and says so in one line (a worker's half-written file is removed as it unwinds)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _isolated(path: str, write: bool, ignore_lock: bool = False) -> BatchRow:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_worker_ignores_ctrl_c) as pool:
            return pool.submit(_one, path, write, False, ignore_lock).result()
    except BrokenProcessPool:
        return BatchRow(path, False, errors=["the evaluation process crashed on this file; nothing was written"])


ROLLUP_HEADERS = ["file", "product", "model", "status", *SYMBOLS, "warnings", "errors"]


def rollup_rows(rows: list[BatchRow]) -> list[list]:
    """One row of the roll-up per workbook; texts as a workbook and a UTF-8 file can hold them."""
    from remanxl.workbook.rollup import shown_text

    out = []
    for r in rows:
        status = "error" if not r.ok else ("valid" if r.valid else "invalid")
        values = [(r.values or {}).get(s) for s in SYMBOLS]
        out.append([shown_text(Path(r.path).name), shown_text(r.product or ""), shown_text(r.model or ""), status,
                    *values, r.warnings, shown_text("; ".join(r.errors or []))])
    return out


#: A text cell starting with one of these is a formula (or DDE command) to Excel, LibreOffice and WPS
#: when a CSV is opened: OWASP's CSV-injection list.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_safe(value):
    """``value`` for a CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe
    (OWASP's CSV-injection advice; the csv writer quotes what needs quoting); numbers stay numbers."""
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rollup(rows: list[BatchRow], csv_path: Path, xlsx_path: Path | None = None) -> None:
    """The roll-up table: one row per workbook, rates as fractions (CSV) and as % (xlsx); the workbook
    of several has a Portfolio sheet too (see :mod:`remanxl.workbook.rollup` for one workbook's).

    Every text (file names, product and model, messages: all of them the user's words) is written as
    text: a string cell in the workbook, never a formula, and neutralised in the CSV (:func:`csv_safe`).
    Each file is written to a temporary file and moved into place, so a failure leaves the old roll-up.
    """
    from remanxl.workbook.files import write_atomically

    data = rollup_rows(rows)

    def write_csv(tmp: Path) -> None:
        with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens UTF-8 CSV correctly
            w = csv.writer(fh)
            w.writerow(ROLLUP_HEADERS)
            w.writerows([csv_safe(v) for v in row] for row in data)

    write_atomically(csv_path, write_csv)
    if xlsx_path and len(rows) < 2:  # no portfolio of one product: the Roll-up sheet, without openpyxl
        from remanxl.workbook.rollup import write_rollup_xlsx

        write_atomically(xlsx_path, lambda tmp: write_rollup_xlsx(tmp, ROLLUP_HEADERS, data, range(4, 4 + len(SYMBOLS)),
                                                                  ROLLUP_SHEET, ROLLUP_TABLE, ROLLUP_TITLE))
    elif xlsx_path:
        write_atomically(xlsx_path, lambda tmp: _rollup_workbook(data, rows).save(tmp))


def _rollup_workbook(data: list[list], rows: list[BatchRow]):
    from openpyxl import Workbook
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = Workbook()
    ws = wb.active
    ws.title = ROLLUP_SHEET
    wb.properties.title = ROLLUP_TITLE
    wb.properties.creator = "remanxl"
    ws.append(ROLLUP_HEADERS)
    for r, row in enumerate(data, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            if isinstance(value, float) and not math.isfinite(value):
                cell.value, cell.data_type = "#NUM!", "e"  # no cell holds inf: Excel's own error value
                continue
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=": openpyxl would write a formula
    for col in range(5, 5 + len(SYMBOLS)):
        for cell in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell[0].number_format = "0.00%"
    if data:  # (a table of its header row alone is one readers stumble on)
        ref = f"A1:{ws.cell(1, len(ROLLUP_HEADERS)).column_letter}{len(data) + 1}"
        t = Table(displayName=ROLLUP_TABLE, ref=ref)
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(t)
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30
    ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = "landscape", 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # one page wide, as the Portfolio sheet prints
    from remanxl.workbook.portfolio import add_portfolio

    add_portfolio(wb, rows)  # the many products at a glance, first
    wb.active = 0
    return wb
