"""Evaluate a workbook file: read → validate → compute → write the summary (the ``remanxl evaluate`` engine)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from remanxl.method.errors import InputError
from remanxl.method.evaluate import Evaluation, evaluate
from remanxl.workbook.layout import STYLE_NAMES, SUMMARY_SHEET
from remanxl.workbook.safety import UnsafeWorkbookError
from remanxl.workbook.reader import Located, WorkbookData, WorkbookReadError, read_workbook
from remanxl.workbook.summary import build_summary
from remanxl.workbook.xlsxpatch import write_sheet


def write_summary(path: str | Path, ev: Evaluation, dst: str | Path | None = None) -> Path:
    """Write the summary sheet of ``ev`` into the workbook (in place, or to ``dst``)."""
    return write_sheet(path, SUMMARY_SHEET, build_summary(ev), dst, STYLE_NAMES)


@dataclass
class Outcome:
    path: Path
    evaluation: Evaluation | None
    problems: list[Located]
    written: Path | None = None

    @property
    def ok(self) -> bool:
        return self.evaluation is not None and not self.problems


def evaluate_data(data: WorkbookData) -> tuple[Evaluation | None, list[Located]]:
    """Compute from read inputs; core faults come back located in the workbook."""
    try:
        return evaluate(data.inputs), []
    except InputError as exc:
        return None, [data.locator.locate(p) for p in exc.problems]


def evaluate_workbook(path: str | Path, output: str | Path | None = None, write: bool = True) -> Outcome:
    """Evaluate one workbook; on any problem nothing is written and the problems are returned."""
    path = Path(path)
    try:
        data = read_workbook(path)
    except WorkbookReadError as exc:
        return Outcome(path, None, exc.located)
    except UnsafeWorkbookError as exc:
        return Outcome(path, None, [Located(path.name, None, None, None, str(exc))])
    ev, problems = evaluate_data(data)
    if problems:
        return Outcome(path, None, problems)
    written = write_summary(path, ev, output) if write else None
    return Outcome(path, ev, [], written)
