"""Blocks of cells as a spreadsheet holds them, and the input tables in them.

A :class:`Block` is one table read in one bulk call — from a file (python-calamine), from the
workbook open in Excel (xlwings) or from a range given to ``REMAN_EVALUATE`` — with where it
sits, so that every problem can be reported at its cell.  The functions here find which input
table a header row belongs to and turn the rows under it into columns for the core.
"""
from __future__ import annotations

import math

from remanxl.method.inputs import TABLES, Column, ColumnTable
from remanxl.method.values import fold, is_blank
from remanxl.sheet.block import Block, column_letter  # noqa: F401 - where the reader finds them


def header_names(column: Column) -> set[str]:
    """Every header a column is recognised by: ``English 中文``, either language alone, or its key."""
    return {fold(n) for n in (column.header, column.label_en, column.label_zh, column.key)}


def match_headers(headers: list, table: str | None = None) -> tuple[str | None, dict[str, int], list[str]]:
    """Which input table a header row belongs to, and the position of each of its columns.

    Returns ``(table name or None, {column key: position}, missing required column headers)``;
    the table is the one whose required columns are all found, or else the one with most found.
    With ``table``, only that table's columns are looked for (a reader that knows the table).
    Two tables that fit alike (air and water pollutants by bare keys) give no table.
    """
    normed = [fold(h) if h is not None else "" for h in headers]
    best = (None, {}, [], -1 if table is None else -math.inf)
    tied = []
    for name, schema in (TABLES.items() if table is None else [(table, TABLES[table])]):
        found = {}
        for column in schema.columns:
            names = header_names(column)
            for i, h in enumerate(normed):
                if h in names:
                    found[column.key] = i
                    break
        missing = [c.header for c in schema.columns if c.required and c.key not in found]
        score = len(found) - 100 * len(missing)
        if score > best[3]:
            best, tied = (name, found, missing, score), [name]
        elif score == best[3]:
            tied.append(name)
    name, found, missing, score = best
    if table is None and (not found or len(tied) > 1):
        return None, {}, []
    return name, found, missing


def columns_from_grid(data: list, positions: dict[str, int], empty=None) -> ColumnTable:
    """The rows of ``data`` (a list of row lists) as a :class:`ColumnTable`, blank rows dropped.

    ``positions`` maps column keys to their index in a row; a cell equal to ``empty`` (a reader's
    blank, such as calamine's ``""``) or blank text is blank.  Each kept row remembers its
    0-based position below the header row.
    """
    width = max(positions.values(), default=-1) + 1
    if data and min(map(len, data)) < width:  # ragged: pad, so every column has every row
        data = [list(r) + [None] * (width - len(r)) for r in data]
    grid = list(zip(*data)) if data else [()] * width
    columns = {key: list(grid[i]) for key, i in positions.items()}
    # A row is blank when every picked cell is: look closer only where the first cell is blank.
    first = next(iter(columns.values()), [])
    maybe = [k for k, v in enumerate(first)
             if v is None or v == empty or (not (type(v) is str and v.strip()) and is_blank(v))]
    blank = {k for k in maybe
             if all(cells[k] is None or cells[k] == empty or is_blank(cells[k]) for cells in columns.values())}
    rows = list(range(len(data)))
    if blank:
        keep = [k for k in rows if k not in blank]
        n = len(keep)
        if keep == rows[:n]:  # the usual case: the empty rows a table is pre-sized with, at its end
            columns = {key: cells[:n] for key, cells in columns.items()}
        else:
            columns = {key: [cells[k] for k in keep] for key, cells in columns.items()}
        rows = keep
    return ColumnTable(columns, rows, empty)


__all__ = ["Block", "column_letter", "header_names", "match_headers", "columns_from_grid"]
