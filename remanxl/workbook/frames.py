"""``remanxl.read_workbook``: a workbook's input tables as a dict of pandas DataFrames.

The workbook is checked against hostile content first (as ``remanxl evaluate`` checks it), read
with the same reader, and never written.  See :mod:`remanxl.method.frames` for the dict's shape;
``remanxl.evaluate(read_workbook(path))`` gives the evaluation ``remanxl evaluate`` gives.
"""
from __future__ import annotations

from pathlib import Path


def read_workbook(path: str | Path) -> dict:
    """The input tables of a remanxl workbook (settings, factor tables and aliases included) as DataFrames.

    Raises
    ------
    remanxl.workbook.safety.UnsafeWorkbookError
        A file remanxl refuses to open.
    remanxl.sheet.reader.WorkbookReadError
        A table or the settings could not be found (each problem located by sheet).
    """
    from remanxl.method.frames import frames_of_input, pandas
    from remanxl.sheet.reader import WorkbookReadError, read_tables
    from remanxl.workbook.io import read_blocks
    from remanxl.workbook.safety import check_workbook

    pandas()  # a missing extra is said before the file is read
    path = Path(path)
    check_workbook(path)
    reading = read_tables(read_blocks(path))
    if reading.problems:
        raise WorkbookReadError(reading.problems)
    reading.inputs.source = path.name
    return frames_of_input(reading.inputs)
