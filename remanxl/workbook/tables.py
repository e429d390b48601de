"""A workbook's tables, each sheet parsed once.

python-calamine's ``get_table_by_name`` parses the table's whole sheet every time it is called: the
thirteen tables of the template's Factors sheet cost thirteen parses of that sheet, 16 ms of the 21 ms
a product workbook's reading takes.  Here a sheet that holds several of the tables wanted is parsed
once, and each table is cut from its grid exactly as calamine cuts it: ``Range::range`` of the table's
``ref``, below its header row (calamine 0.37, ``Xlsx::table_by_name``), empty cells as ``""``.

Only a plain table is cut: one header row, no totals row, a ``ref`` of two cells in order with at
least one row below the header, on a sheet calamine lists, whose header cells hold its column names
(so the sheet is the one the table is on).  Any other table is left to calamine, whose own reading
(and its errors) then apply unchanged.
"""
from __future__ import annotations

import re
import zipfile

from remanxl.sheet.block import column_number

_TABLE_TAG = re.compile(rb"<(?:[\w.-]+:)?table\b([^>]*)>")
_COLUMN_TAG = re.compile(rb"<(?:[\w.-]+:)?tableColumn\b([^>]*?)/?>")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6}):\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class CutTable:
    """A table cut from its sheet's grid, with what this package uses of python-calamine's
    ``CalamineTable``: ``name``, ``sheet``, ``start`` (first data row, first column; 0-based),
    ``end`` (last row, last column), ``columns`` and ``to_python()``."""

    __slots__ = ("name", "sheet", "start", "end", "columns", "_grid")

    def __init__(self, name: str, sheet: str, start: tuple[int, int], end: tuple[int, int], columns: list[str],
                 grid: list[list]):
        self.name, self.sheet, self.start, self.end, self.columns = name, sheet, start, end, columns
        self._grid = grid

    def to_python(self) -> list[list]:
        """The table's rows below its header, each as wide as the table (cells past the sheet's last
        value are ``""``, as calamine gives them)."""
        (top, left), (bottom, right) = self.start, self.end
        width = right - left + 1
        rows = []
        for row in self._grid[top:bottom + 1]:
            cut = row[left:right + 1]
            if len(cut) < width:
                cut.extend([""] * (width - len(cut)))
            rows.append(cut)
        rows.extend([""] * width for _ in range(bottom - top + 1 - len(rows)))
        return rows


def _unescape(raw: bytes) -> str:
    """An attribute's value as quick-xml's ``unescape`` gives it (calamine's ``decode_attr``): the five
    named entities and character references; no whitespace normalisation."""
    def one(m):
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _NAMED[ref]

    text = raw.decode("utf-8")
    if text.count("&") != len(_ENTITY.findall(text)):
        raise ValueError("an entity quick-xml refuses")  # calamine fails on it too: it decides
    return _ENTITY.sub(one, text)


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(tag)}


def plain_definition(xml: bytes) -> tuple[str, tuple[int, int], tuple[int, int], list[str]] | None:
    """``(name, start, end, columns)`` of a table part as calamine reads it (``start`` is the first row
    below the header), or None for a table that is not plain (see the module's text)."""
    try:
        found = _TABLE_TAG.search(xml)
        if found is None:
            return None
        table = _attributes(found.group(1))
        if table.get(b"headerRowCount", b"1") != b"1" or table.get(b"totalsRowCount", b"0") != b"0":
            return None
        name = table.get(b"displayName")
        ref = _REF.fullmatch(_unescape(table.get(b"ref", b"")))
        if not name or ref is None:
            return None
        top, left = int(ref.group(2)), column_number(ref.group(1)) - 1  # the header's 0-based row is top - 1
        bottom, right = int(ref.group(4)) - 1, column_number(ref.group(3)) - 1
        if top > bottom or left > right:
            return None
        columns = []
        for tag in _COLUMN_TAG.finditer(xml, found.end()):
            value = _attributes(tag.group(1)).get(b"name")
            if value is not None:
                columns.append(_unescape(value))
        return _unescape(name), (top, left), (bottom, right), columns
    except (ValueError, KeyError, OverflowError):  # an odd entity or encoding: calamine decides
        return None


def cut_tables(workbook, zf: zipfile.ZipFile, wanted: list[str], parts: dict[str, tuple[str, str]],
               sheet_names: dict[str, str]) -> dict[str, CutTable]:
    """The tables of ``wanted`` (calamine's table names) that share a sheet with another wanted table,
    each sheet parsed once; a table this cannot cut is not in the result (read it with calamine).

    ``parts``: table name (case-folded) → (worksheet part, table part); ``sheet_names``: worksheet
    part → the sheet's name.
    """
    by_sheet: dict[str, list[str]] = {}
    for name in wanted:
        located = parts.get(name.casefold())
        if located is not None and located[0] in sheet_names:
            by_sheet.setdefault(located[0], []).append(name)
    listed = set(workbook.sheet_names)
    out = {}
    for sheet_part, names in by_sheet.items():
        sheet = sheet_names[sheet_part]
        if len(names) < 2 or sheet not in listed:
            continue
        definitions = {}
        for name in names:
            definition = plain_definition(zf.read(parts[name.casefold()][1]))
            if definition is not None and definition[0] == name:
                definitions[name] = definition
        if len(definitions) < 2:  # one parse either way
            continue
        grid = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for name, (_, start, end, columns) in definitions.items():
            if _header(grid, start, end) == columns:  # else the table is not where it was looked for
                out[name] = CutTable(name, sheet, start, end, columns, grid)
    return out


def _header(grid: list[list], start: tuple[int, int], end: tuple[int, int]) -> list | None:
    """The header row's cells of a table (its names, in a file a spreadsheet program wrote)."""
    row = start[0] - 1
    return grid[row][start[1]:end[1] + 1] if row < len(grid) else None
