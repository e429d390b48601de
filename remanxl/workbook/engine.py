"""The recompute engine, written against a small workbook interface.

Two implementations exist: :class:`remanxl.workbook.io.FileWorkbook` (a file on
disk, used by ``remanxl evaluate``) and
:class:`remanxl.excel.xlwings_book.XlwingsWorkbook` (the workbook open in Excel,
used by the ribbon).  The engine never knows which one it talks to, so the
ribbon and the command line validate, compute and write exactly alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from remanxl.method.errors import InputError
from remanxl.method.evaluate import Evaluation, evaluate
from remanxl.workbook.reader import Located, WorkbookData, WorkbookReadError, read_tables
from remanxl.workbook.summary import SummaryModel, build_summary

#: A table as read in one bulk call: (sheet name, 0-based row of its first data row - 1 = header row
#: number, 0-based first column, header texts, data rows).
Block = tuple


class Workbook(Protocol):
    name: str

    def read_blocks(self) -> dict[str, Block]:
        """Every remanxl table (input, Settings, factor tables) by Excel table name."""

    def write_summary(self, model: SummaryModel) -> None:
        """Replace the summary sheet's content with ``model``; touch nothing else."""

    def show_problems(self, problems: list[Located]) -> None:
        """Tell the user what is wrong (may write only to a place remanxl owns)."""

    def clear_problems(self) -> None:
        """Remove a previous problem report, if any."""


@dataclass
class Outcome:
    name: str
    evaluation: Evaluation | None
    problems: list[Located]
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.evaluation is not None and not self.problems


def evaluate_data(data: WorkbookData) -> tuple[Evaluation | None, list[Located]]:
    """Compute from read inputs; faults found by the core come back located in the workbook."""
    try:
        return evaluate(data.inputs), []
    except InputError as exc:
        return None, [data.locator.locate(p) for p in exc.problems]


def recompute(book: Workbook, write: bool = True) -> Outcome:
    """Read → validate → compute → write the summary; on any problem write nothing but the report."""
    try:
        data = read_tables(book.read_blocks())
    except WorkbookReadError as exc:
        book.show_problems(exc.located)
        return Outcome(book.name, None, exc.located)
    data.inputs.source = book.name
    ev, problems = evaluate_data(data)
    if problems:
        book.show_problems(problems)
        return Outcome(book.name, None, problems)
    book.clear_problems()
    if write:
        book.write_summary(build_summary(ev))
    return Outcome(book.name, ev, [], write)
