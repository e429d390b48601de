"""Blocks of cells into an evaluation's input, with every problem located at its cell.

One reader for every way remanxl meets a spreadsheet: a workbook file (python-calamine), the
workbook open in Excel (xlwings) and the ranges given to ``REMAN_EVALUATE``.  Each gives blocks
(:class:`~remanxl.sheet.grid.Block`); :func:`read_tables` turns them into an
:class:`~remanxl.method.inputs.EvaluationInput` and a :class:`Locator` that maps the core's
problems (table, row, column key) back to sheet, row and column.

Reading never stops at the first fault: a table that cannot be read is reported and the others
are still read, so a user sees every problem of a workbook in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from remanxl.i18n import Msg
from remanxl.method.errors import Problem
from remanxl.method.factors import factor_rows
from remanxl.method.inputs import TABLES, EvaluationInput
from remanxl.method.settings import SPEC_BY_NAME
from remanxl.method.values import fold
from remanxl.sheet.grid import Block, column_letter, columns_from_grid, match_headers
from remanxl.sheet.layout import (ALIASES_TABLE, FACTOR_COMPUTED, FACTOR_TABLES, INPUT_SHEETS, SETTINGS_SHEET,
                                  SETTINGS_TABLE)
from remanxl.sheet.located import Located, WorkbookReadError

__all__ = ["read_tables", "identify", "Reading", "WorkbookReadError", "Located", "Locator", "column_letter"]


@dataclass(frozen=True)
class Place:
    """Where a table lives: its sheet, the 1-based row of its header, and each column's letter."""

    sheet: str
    header_row: int
    columns: dict[str, str]  # key -> column letter
    label: str = ""  # the table's name, for a block without a sheet (a function's argument)


@dataclass
class Locator:
    places: dict[str, Place] = field(default_factory=dict)
    settings_rows: dict[str, int] = field(default_factory=dict)
    settings_value_col: str = "C"
    settings_sheet: str = SETTINGS_SHEET

    def locate(self, p: Problem) -> Located:
        if p.table == "settings":
            row = self.settings_rows.get(p.column or "")
            cell = f"{self.settings_value_col}{row}" if row else None
            return Located(self.settings_sheet, cell, row, p.column, p.message)
        place = self.places.get(p.table)
        if place is None:
            return Located(p.table, None, None, p.column, p.message)
        row = place.header_row + 1 + p.row if p.row is not None else None
        letter = place.columns.get(p.column or "")
        header = TABLES[p.table].column(p.column).header if p.table in TABLES and p.column in TABLES[p.table].keys \
            else p.column
        return Located(place.sheet, f"{letter}{row}" if letter and row else None, row, header, p.message)


@dataclass
class Reading:
    """What :func:`read_tables` read: the input, where each table sits, and what could not be read
    (the tables', in their order, and the settings')."""

    inputs: EvaluationInput
    locator: Locator
    table_problems: list[Located]
    settings_problems: list[Located]

    @property
    def problems(self) -> list[Located]:
        return self.table_problems + self.settings_problems


def _clean(v):
    return None if v == "" else v


def read_tables(blocks: dict[str, Block], part: str = "all", whole_workbook: bool = True) -> Reading:
    """The input of the blocks remanxl reads (by Excel table name: input tables, Settings, factor
    tables, Aliases), and every problem of reading them, in the tables' order.

    ``part`` ``"inventory"`` reads everything but the parts ledger; ``"parts"`` reads the ledger
    and the settings and aliases it needs (their faults are the inventory reading's to report).
    In a workbook every input table and the settings must be there; ``whole_workbook=False`` (the
    ranges given to ``REMAN_EVALUATE``) takes a missing one as empty.
    """
    located: list[Located] = []
    loc = Locator()
    inp = EvaluationInput()
    for sheet in INPUT_SHEETS:
        if part != "all" and (sheet.table == "parts") != (part == "parts"):
            continue
        block = blocks.get(sheet.excel_table)
        if block is None and not whole_workbook:
            continue
        found = _input_table(sheet, block, loc)
        if isinstance(found, Located):
            located.append(found)
        else:
            inp.tables[sheet.table] = found
        if block is not None and block.outside:
            located.extend(outside_problems(sheet.excel_table, block))
    settings_block = blocks.get(SETTINGS_TABLE)
    if settings_block is not None:
        settings_located = _settings(settings_block, loc, inp)
    elif not whole_workbook:
        settings_located = []
    else:
        settings_located = [Located(SETTINGS_SHEET, None, None, None,
                                    Msg("read.no_table", table=SETTINGS_TABLE))]
    aliases = blocks.get(ALIASES_TABLE)
    if aliases is not None:
        inp.aliases = _aliases(aliases, loc)
    if part == "parts":  # the ledger's reading uses the settings; their faults are the other reading's
        settings_located = []
    else:
        _factor_tables(blocks, loc, inp)
    return Reading(inp, loc, located, settings_located)


def _input_table(sheet, block: Block | None, loc: Locator):
    if block is None:
        return Located(sheet.sheet, None, None, None, Msg("read.no_input_table", table=sheet.excel_table))
    _, positions, missing = match_headers(block.headers, sheet.table)
    if missing:
        expected = [c.header for c in TABLES[sheet.table].columns if c.required]
        return Located(block.sheet, f"{column_letter(block.first_col + 1)}{block.header_row}", block.header_row, None,
                       Msg("read.headers_missing", table=sheet.excel_table, missing=", ".join(missing),
                           expected=", ".join(expected)))
    loc.places[sheet.table] = Place(block.sheet, block.header_row,
                                    {k: column_letter(block.first_col + i + 1) for k, i in positions.items()},
                                    sheet.excel_table)
    # The headers matched, so the rows are all there is to take, column by column (a plant ledger
    # has tens of thousands of rows); calamine's blank cell is "".
    return columns_from_grid(block.rows, positions, empty="")


def outside_problems(table: str, block: Block, per_row: int = 5) -> list[Located]:
    """One problem per row that holds values typed below or beside a table (``block.outside``).

    A table's last row is its header's row plus the rows it holds; a cell in one of those rows but
    outside the table's columns is beside it, any other is below it.
    """
    last_row = block.header_row + len(block.rows)
    first_col, last_col = block.first_col, block.first_col + len(block.headers) - 1
    by_row: dict[int, list] = {}
    for row, col, value in block.outside:
        by_row.setdefault(row, []).append((col, value))
    located = []
    for row, cells in sorted(by_row.items()):
        shown = ", ".join(f"{column_letter(c + 1)}{row} = {_shown(v)}" for c, v in cells[:per_row])
        if len(cells) > per_row:
            shown += f" … (+{len(cells) - per_row})"
        first = f"{column_letter(cells[0][0] + 1)}{row}"
        if row > last_row:
            msg = Msg("read.below_table", table=table, last=last_row, cells=shown)
        else:
            msg = Msg("read.beside_table", table=table, first=column_letter(first_col + 1),
                      last=column_letter(last_col + 1), cells=shown)
        located.append(Located(block.sheet, first, row, None, msg))
    return located


def _shown(value) -> str:
    text = repr(value) if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _settings(block: Block, loc: Locator, inp: EvaluationInput) -> list[Located]:
    located = []
    headers = [fold(h) if h is not None else "" for h in block.headers]
    value_i = next((i for i, h in enumerate(headers) if h.startswith("value") or h.startswith("值")), 2)
    loc.settings_value_col = column_letter(block.first_col + value_i + 1)
    loc.settings_sheet = block.sheet
    for k, r in enumerate(block.rows):
        key = str(r[0]).strip() if r and r[0] not in (None, "") else None
        if key is None or key.startswith("#"):
            continue
        loc.settings_rows[key] = block.header_row + 1 + k
        if key in SPEC_BY_NAME:
            inp.settings[key] = _clean(r[value_i]) if value_i < len(r) else None
        else:
            located.append(loc.locate(Problem("settings", None, key, Msg("setting.unknown", name=key[:40],
                                                                          names=", ".join(SPEC_BY_NAME)))))
    return located


def _aliases(block: Block, loc: Locator) -> list[dict]:
    headers = [str(h).strip() for h in block.headers]
    loc.places["aliases"] = Place(block.sheet, block.header_row,
                                  {h: column_letter(block.first_col + i + 1) for i, h in enumerate(headers)},
                                  ALIASES_TABLE)
    return [r for r in factor_rows(headers, block.rows) if r.get("alias") and r.get("key")]


def _factor_tables(blocks: dict[str, Block], loc: Locator, inp: EvaluationInput) -> None:
    for name, excel_name in FACTOR_TABLES.items():
        block = blocks.get(excel_name)
        if block is None:
            continue  # factor tables are optional: the shipped ones apply
        headers = [str(h).strip() if h is not None else "" for h in block.headers]
        loc.places[f"factors:{name}"] = Place(block.sheet, block.header_row,
                                              {h: column_letter(block.first_col + i + 1) for i, h in enumerate(headers)},
                                              excel_name)
        inp.factors[name] = factor_rows(headers, block.rows, ignore=FACTOR_COMPUTED.get(name, ()))


def identify(grids, label: str = "argument") -> tuple[dict[str, Block], list[Located]]:
    """Blocks of anonymous ranges (``REMAN_EVALUATE``'s arguments), each recognised by its header row:
    an input table, the settings (``Setting`` … ``Value``), a factor table or the aliases (their
    columns).  Returns the blocks by Excel table name and what could not be recognised."""
    from remanxl.method.factors import default_factors

    blocks: dict[str, Block] = {}
    problems: list[Located] = []
    factor_columns = {FACTOR_TABLES[n]: t.columns for n, t in default_factors().tables.items() if n in FACTOR_TABLES}
    for i, grid in enumerate(grids, start=1):
        if not grid or not grid[0] or all(h in (None, "") for h in grid[0]):
            problems.append(Located(f"{label} {i}", None, None, None, Msg("read.empty_range")))
            continue
        headers = ["" if h is None else h for h in grid[0]]
        rows = [["" if v is None else v for v in r] for r in grid[1:]]
        names = [fold(h) for h in headers]
        name = None
        if names[0].startswith("setting") and any(h.startswith("value") or h.startswith("值") for h in names):
            name = SETTINGS_TABLE
        elif {"field", "alias", "key"} <= set(names):
            name = ALIASES_TABLE
        else:
            for excel_name, columns in factor_columns.items():
                if [fold(c) for c in columns] == names[:len(columns)]:
                    name = excel_name
                    break
        if name is None:
            table, _, missing = match_headers(headers)
            if table is None:
                problems.append(Located(f"{label} {i}", None, None, None, Msg("read.unknown_range")))
                continue
            name = next(s.excel_table for s in INPUT_SHEETS if s.table == table)
        if name in blocks:
            problems.append(Located(f"{label} {i}", None, None, None, Msg("read.range_twice", table=name)))
            continue
        blocks[name] = Block(f"{label} {i} ({name})", 1, 0, headers, rows)
    return blocks, problems
