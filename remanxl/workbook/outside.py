"""Values typed on an input sheet outside its table: found, so that none is silently ignored.

A table in a file ends where its ``ref`` says.  Excel grows a table when a user types or pastes
directly under it; LibreOffice and WPS may not, and a value typed beside a table belongs to no table
at all.  The reader reports each such value with its address and the fix (see
:func:`remanxl.sheet.reader.read_tables`), so a run never counts less than the user typed.

The check costs nothing on a sheet whose ``<dimension>`` (the used area every writer records, Excel,
LibreOffice, WPS and openpyxl alike) lies within its table; only a sheet that reaches further is read
again, whole, to find the values.
"""
from __future__ import annotations

import re
import zipfile

from remanxl.sheet.block import Block, column_number

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
MAX_REPORTED = 1000  # values reported per sheet; a whole pasted ledger below a table is one fix anyway


def sheet_extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """(last row 0-based, last column 0-based) of a worksheet part's ``<dimension>``, or None when it
    has none (then the sheet is read to find out)."""
    try:
        with zf.open(part) as f:
            head = f.read(8192)
    except KeyError:
        return None
    m = _DIMENSION.search(head)
    if not m:
        return None
    col, row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    return int(row) - 1, column_number(col) - 1


def reaches_outside(extent: tuple[int, int] | None, table) -> bool:
    """Whether a sheet's used area reaches beyond its table (calamine's ``start``/``end`` are 0-based)."""
    if extent is None:
        return True
    return extent[0] > table.end[0] or extent[1] > table.end[1]


def outside_values(grid: list, grid_start: tuple[int, int], table) -> tuple:
    """The non-blank cells of a sheet (``grid`` from ``grid_start``, 0-based) that lie in or below the
    table's header row but outside the table: ``((row 1-based, column 0-based, value), …)``.

    Rows above the header are the sheet's title and notes, written by the template.
    """
    (top, left), (bottom, right) = table.start, table.end
    header = top - 1  # calamine's table start is its first data row
    r0, c0 = grid_start
    found = []
    for i, row in enumerate(grid):
        r = r0 + i
        if r < header:
            continue
        inside_rows = r <= bottom
        for j, v in enumerate(row):
            if v == "" or v is None or (isinstance(v, str) and not v.strip()):
                continue
            c = c0 + j
            if inside_rows and left <= c <= right:
                continue
            found.append((r + 1, c, v))
            if len(found) >= MAX_REPORTED:
                return tuple(found)
    return tuple(found)


def with_outside(block: Block, zf: zipfile.ZipFile | None, part: str | None, workbook, table) -> Block:
    """``block`` with the values typed outside its table on the same sheet (see :func:`outside_values`)."""
    extent = sheet_extent(zf, part) if zf is not None and part else None
    if not reaches_outside(extent, table):
        return block
    sheet = workbook.get_sheet_by_name(table.sheet)
    found = outside_values(sheet.to_python(skip_empty_area=False), (0, 0), table)
    return block._replace(outside=found) if found else block
