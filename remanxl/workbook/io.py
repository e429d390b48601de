"""Workbook files on disk: the file implementation of the engine's workbook interface."""
from __future__ import annotations

from pathlib import Path

import python_calamine as pc

from remanxl.method.evaluate import Evaluation
from remanxl.workbook.engine import Outcome, recompute
from remanxl.workbook.layout import FACTOR_TABLES, INPUT_SHEETS, SETTINGS_TABLE, STYLE_NAMES, SUMMARY_SHEET
from remanxl.workbook.reader import Located, WorkbookReadError
from remanxl.workbook.safety import UnsafeWorkbookError, check_workbook
from remanxl.workbook.summary import SummaryModel, build_summary
from remanxl.workbook.xlsxpatch import write_sheet

_WANTED = {n.casefold(): n for n in [s.excel_table for s in INPUT_SHEETS] + [SETTINGS_TABLE]
           + list(FACTOR_TABLES.values())}


def read_blocks(path: Path) -> dict:
    """Every remanxl table of a workbook file, each read in one call by python-calamine."""
    try:
        wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise WorkbookReadError([Located(path.name, None, None, None, f"cannot read the workbook: {exc}")]) from None
    blocks = {}
    try:
        for name in wb.table_names:
            canonical = _WANTED.get(name.casefold())
            if canonical is not None:
                t = wb.get_table_by_name(name)
                start_row, start_col = t.start
                blocks[canonical] = (t.sheet, start_row, start_col, list(t.columns), t.to_python())
    finally:
        wb.close()
    return blocks


class FileWorkbook:
    """A workbook file; the summary is written in place or to ``output``, atomically."""

    def __init__(self, path: str | Path, output: str | Path | None = None):
        self.path = Path(path)
        self.output = Path(output) if output else None
        self.name = self.path.name

    def read_blocks(self) -> dict:
        check_workbook(self.path)
        return read_blocks(self.path)

    def write_summary(self, model: SummaryModel) -> None:
        write_sheet(self.path, SUMMARY_SHEET, model, self.output, STYLE_NAMES)

    def show_problems(self, problems) -> None:
        pass  # the command line prints them; a file with faulty input is left exactly as it was

    def clear_problems(self) -> None:
        pass


def write_summary(path: str | Path, ev: Evaluation, dst: str | Path | None = None) -> Path:
    """Write the summary sheet of ``ev`` into the workbook (in place, or to ``dst``)."""
    return write_sheet(path, SUMMARY_SHEET, build_summary(ev), dst, STYLE_NAMES)


def evaluate_workbook(path: str | Path, output: str | Path | None = None, write: bool = True) -> Outcome:
    """Evaluate one workbook file; on any problem nothing is written and the problems are returned."""
    book = FileWorkbook(path, output)
    try:
        outcome = recompute(book, write)
    except UnsafeWorkbookError as exc:
        return Outcome(book.name, None, [Located(book.name, None, None, None, str(exc))])
    outcome.path = book.path
    outcome.written = (book.output or book.path) if outcome.written else None
    return outcome
