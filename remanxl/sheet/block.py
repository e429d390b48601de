"""A table's cells as one bulk read gives them, and where they sit (no dependency, so that a reader
process can build blocks without loading the method core; see :mod:`remanxl.workbook.io`)."""
from __future__ import annotations

from typing import NamedTuple


class Block(NamedTuple):
    """One table's cells and where they sit."""

    sheet: str  # worksheet name; for a range given to a function, a label such as "argument 2"
    header_row: int  # 1-based row number of the header row
    first_col: int  # 0-based column of the first header
    headers: list
    rows: list  # the data rows below the header, each a list of cells
    # non-blank cells typed on the table's sheet outside it, in or below its header row:
    # ((row 1-based, column 0-based, value), …); the reader reports each, so none is ignored
    outside: tuple = ()


def column_letter(index: int) -> str:
    """Excel's letters of a 1-based column number (1 -> A, 28 -> AB)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """The 1-based number of a column from Excel's letters (A -> 1, AB -> 28): :func:`column_letter`
    reversed; ``letters`` as text or as the bytes of a file's XML."""
    n = 0
    for code in letters.encode("ascii") if isinstance(letters, str) else letters:
        n = n * 26 + code - 64
    return n
