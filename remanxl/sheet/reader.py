"""Read a filled workbook into plain input tables with python-calamine.

Only cached cell values are read (calamine does not evaluate formulas); the
inputs are typed values, and every derived figure is recomputed by the core.
Each row remembers where it came from, so a fault is reported as
*sheet, row, column, what was expected*.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from remanxl.method.errors import InputError, Problem
from remanxl.method.factors import factor_rows
from remanxl.method.inputs import TABLES, ColumnTable, EvaluationInput, match_headers
from remanxl.method.settings import SPEC_BY_NAME
from remanxl.sheet.layout import FACTOR_COMPUTED, FACTOR_TABLES, INPUT_SHEETS, SETTINGS_SHEET, SETTINGS_TABLE


def column_letter(index: int) -> str:
    """Excel's letters of a 1-based column number (1 -> A, 28 -> AB); openpyxl's, without importing it."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Place:
    """Where a table lives: its sheet, the 1-based row of its header, and each column's letter."""

    sheet: str
    header_row: int
    columns: dict[str, str]  # key -> column letter


@dataclass
class Located:
    """A problem with its place in the workbook."""

    sheet: str
    cell: str | None  # e.g. "E12"
    row: int | None
    column: str | None  # header text
    message: str

    @classmethod
    def whole_file(cls, message: str) -> Located:
        """A problem with the file as a whole (its message names the file)."""
        return cls("", None, None, None, message)

    def __str__(self) -> str:
        if not self.sheet:  # a problem with the file as a whole: its message names the file
            return self.message
        where = f"sheet '{self.sheet}'"
        if self.row is not None:
            where += f", row {self.row}"
        if self.cell:
            col = "".join(ch for ch in self.cell if ch.isalpha())
            where += f", column {col}" + (f" ({self.column})" if self.column else "")
        elif self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Locator:
    places: dict[str, Place] = field(default_factory=dict)
    settings_rows: dict[str, int] = field(default_factory=dict)
    settings_value_col: str = "C"

    def locate(self, p: Problem) -> Located:
        if p.table == "settings":
            row = self.settings_rows.get(p.column or "")
            cell = f"{self.settings_value_col}{row}" if row else None
            return Located(SETTINGS_SHEET, cell, row, p.column, p.message)
        place = self.places.get(p.table)
        if place is None:
            return Located(p.table, None, None, p.column, p.message)
        row = place.header_row + 1 + p.row if p.row is not None else None
        letter = place.columns.get(p.column or "")
        header = TABLES[p.table].column(p.column).header if p.table in TABLES and p.column in TABLES[p.table].keys else p.column
        return Located(place.sheet, f"{letter}{row}" if letter and row else None, row, header, p.message)


@dataclass
class WorkbookData:
    inputs: EvaluationInput
    locator: Locator


class WorkbookReadError(InputError):
    """Problems found while reading, already located in the workbook."""

    def __init__(self, located: list[Located], groups: tuple = ()):
        self.located = located
        # (tables, settings, spelling): lets two partial readings be merged in one reading's order
        self.groups = groups or (located, [], [])
        super().__init__([Problem(x.sheet, x.row, x.column, x.message) for x in located])

    def __str__(self) -> str:
        return "\n".join(str(x) for x in self.located)


def _clean(v):
    return None if v == "" else v


def read_tables(tables: dict[str, tuple[str, int, int, list, list[list]]], part: str = "all") -> WorkbookData:
    """Build the inputs from raw table blocks: name -> (sheet, header row, first col, headers, data rows).

    Shared by the file reader and the xlwings adapter, so both validate the same way.  ``part``
    ``"inventory"`` reads everything but the parts ledger; ``"parts"`` reads the ledger and the
    settings it needs (their own faults are the inventory reading's to report).
    """
    located: list[Located] = []
    loc = Locator()
    inp = EvaluationInput()
    for sheet in INPUT_SHEETS:
        if part != "all" and (sheet.table == "parts") != (part == "parts"):
            continue
        found = _input_table(sheet, tables.get(sheet.excel_table), loc)
        if isinstance(found, Located):
            located.append(found)
        else:
            inp.tables[sheet.table] = found
    settings_block = tables.get(SETTINGS_TABLE)
    settings_located = _settings(settings_block, loc, inp) if settings_block is not None else [
        Located(SETTINGS_SHEET, None, None, None, f"no Excel table named {SETTINGS_TABLE}")]
    if part == "parts":  # the ledger's reading uses the settings; their faults are the other reading's
        settings_located = []
    else:
        _factor_tables(tables, loc, inp)
    spelling = _spelling(inp, loc)
    if located or settings_located or spelling:
        raise WorkbookReadError(located + settings_located + spelling, (located, settings_located, spelling))
    return WorkbookData(inp, loc)


def _input_table(sheet, block, loc: Locator) -> ColumnTable | Located:
    if block is None:
        return Located(sheet.sheet, None, None, None,
                       f"no Excel table named {sheet.excel_table}; the template's input table was removed "
                       "or renamed (create it again from the template)")
    sheet_name, header_row, first_col, headers, data = block
    _, positions, missing = match_headers(headers, sheet.table)
    if missing:
        expected = [c.header for c in TABLES[sheet.table].columns if c.required]
        return Located(sheet_name, f"{column_letter(first_col + 1)}{header_row}", header_row, None,
                       f"table {sheet.excel_table}: header(s) renamed or removed: {', '.join(missing)}; "
                       f"expected the columns {', '.join(expected)}")
    loc.places[sheet.table] = Place(sheet_name, header_row,
                                    {k: column_letter(first_col + i + 1) for k, i in positions.items()})
    # The headers matched, so the rows are all there is to take, column by column (a plant ledger
    # has tens of thousands of rows); calamine's blank cell is "".
    return ColumnTable.from_grid(data, positions, empty="")


def _settings(block, loc: Locator, inp: EvaluationInput) -> list[Located]:
    located = []
    sheet_name, header_row, first_col, headers, data = block
    key_i = 0
    value_i = next((i for i, h in enumerate(headers) if str(h).casefold().startswith("value")), 2)
    loc.settings_value_col = column_letter(first_col + value_i + 1)
    for k, r in enumerate(data):
        key = str(r[key_i]).strip() if r and r[key_i] not in (None, "") else None
        if key is None:
            continue
        loc.settings_rows[key] = header_row + 1 + k
        if key in SPEC_BY_NAME:
            inp.settings[key] = _clean(r[value_i]) if value_i < len(r) else None
        else:
            located.append(loc.locate(Problem("settings", None, key, f"unknown setting {key!r}")))
    return located


def _factor_tables(tables: dict, loc: Locator, inp: EvaluationInput) -> None:
    for name, excel_name in FACTOR_TABLES.items():
        block = tables.get(excel_name)
        if block is None:
            continue  # factor tables are optional: the shipped ones apply
        sheet_name, header_row, first_col, headers, data = block
        loc.places[f"factors:{name}"] = Place(sheet_name, header_row,
                                              {h: column_letter(first_col + i + 1) for i, h in enumerate(headers)})
        inp.factors[name] = factor_rows(headers, data, ignore=(FACTOR_COMPUTED.get(name),))


def _spelling(inp: EvaluationInput, loc: "Locator") -> list[Located]:
    """Non-canonical spellings the native formulas would misread (see :mod:`remanxl.sheet.spelling`)."""
    from remanxl.method.factors import default_factors
    from remanxl.sheet.spelling import needs_factors, spelling_problems

    extra = {str(next(iter(r.values()))) for rows in inp.factors.values() for r in rows}  # user-added keys
    out = []
    for table, rows in inp.tables.items():
        factors = default_factors() if needs_factors(table) else None
        out += [loc.locate(p) for p in spelling_problems(table, rows, factors, extra)]
    return out


__all__ = ["read_tables", "WorkbookData", "WorkbookReadError", "Located", "Locator"]
