"""A fingerprint of a workbook's inputs, computed alike by remanxl and by the workbook's own formulas.

remanxl's audit (warnings, validity, provenance, breakdowns) is written as values when it computes;
the indicator values themselves are native formulas that follow every edit.  So that a reader can
tell whether the audit still belongs to the inputs on screen, remanxl writes the fingerprint of the
inputs it read beside a native formula computing the same fingerprint from the cells as they are
now; the Summary shows *out of date* the moment they differ.

Per table, two figures: the text typed (each text cell's length × its row number) plus the yes/no
cells (each TRUE's row number), and the sum of the numbers.  Both engines compute them exactly as
remanxl does (lengths in UTF-16 code units, as Excel's LEN counts; dates as serial numbers), so an
unchanged workbook always matches; changing, adding or deleting a typed value changes a figure.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

from remanxl.method.inputs import TABLES
from remanxl.sheet.grid import Block

#: Relative tolerance when comparing a sum of numbers recomputed in another order.
TOLERANCE = 1e-9
_EPOCH = _dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class Part:
    """One table of the fingerprint: which columns are text and numbers, which are yes/no."""

    name: str  # Excel table name
    label: str  # what the Summary calls it
    columns: tuple[str, ...]  # headers, in the table's order
    bools: tuple[str, ...] = ()
    #: For a table of one column whose rows hold values of different kinds (the settings): the data rows
    #: (0-based) that hold yes/no values.  A spreadsheet engine may count TRUE as 1 in a sum (LibreOffice
    #: does, Excel does not), so they are counted apart.
    bool_rows: tuple[int, ...] = ()
    rows: int = 0  # data rows of a table with bool_rows


def _serial(value) -> float | None:
    """A cell's number as a spreadsheet sums it (dates and times as serial numbers); None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, _dt.datetime):
        return (value - _EPOCH) / _dt.timedelta(days=1)
    if isinstance(value, _dt.date):
        return float((value - _EPOCH.date()).days)
    if isinstance(value, _dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if isinstance(value, _dt.timedelta):
        return value / _dt.timedelta(days=1)
    return None


def of_block(block: Block, columns, bools=(), bool_rows=()) -> tuple[float, float]:
    """(text and yes/no figure, sum of numbers) of ``columns`` (headers) of a block, as the native formula
    computes them."""
    where = {str(h).strip().casefold(): i for i, h in enumerate(block.headers)}
    picked = [(where[c.casefold()], c in bools) for c in columns if c.casefold() in where]
    last = max((i for i, _ in picked), default=-1)  # a row this short or shorter lacks some picked cells
    text, numbers = 0, []
    add = numbers.append
    for offset, row in enumerate(block.rows):
        if not any(row):  # blank, 0, FALSE and None add nothing: a template's pre-sized rows are skipped at C speed
            continue
        number = block.header_row + 1 + offset
        boolean_row = offset in bool_rows
        short = len(row) <= last
        for i, is_bool in picked:
            v = None if short and i >= len(row) else row[i]
            kind = type(v)
            if is_bool or boolean_row:
                if v is True:
                    text += number
            elif kind is str:  # the usual cells, taken without a call: a plant's ledger has 600,000 of them
                if v:
                    text += (len(v) if v.isascii() else len(v.encode("utf-16-le")) // 2) * number
            elif kind is float:
                if v - v == 0:  # finite (inf - inf and NaN - NaN are NaN)
                    add(v)
            elif kind is not type(None):
                if isinstance(v, str):
                    if v:
                        text += len(v.encode("utf-16-le")) // 2 * number
                else:
                    x = _serial(v)
                    if x is not None:
                        add(x)
    try:
        return float(text), math.fsum(numbers)
    except OverflowError:  # numbers beyond a double: refused cell by cell when the table is read
        return float(text), math.inf


def formulas(part: Part, ref, row_cell=None) -> tuple[str, str]:
    """Native formulas of the two figures; ``ref(first, last)`` writes a reference to columns
    ``first`` … ``last`` of the table, ``row_cell(offset)`` to one cell of a one-column table (for
    :attr:`Part.bool_rows`)."""
    if part.bool_rows:
        whole = ref(part.columns[0], part.columns[0])
        n = part.rows
        text = f"SUMPRODUCT(ISTEXT({whole})*LEN({whole})*ROW({whole}))" + "".join(
            f"+({row_cell(k)}=TRUE)*ROW({row_cell(k)})" for k in part.bool_rows)
        numbers = "+".join(f"N({row_cell(k)})" for k in range(n) if k not in part.bool_rows) or "0"
        return f"IFERROR({text},-1)", f"IFERROR({numbers},-1)"
    runs, current = [], []
    for c in part.columns:
        if c in part.bools:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(c)
    if current:
        runs.append(current)
    whole = ref(part.columns[0], part.columns[-1])
    text = f"SUMPRODUCT(ISTEXT({whole})*LEN({whole})*ROW({whole}))"
    text += "".join(f"+SUMPRODUCT(({ref(b, b)}=TRUE)*ROW({ref(b, b)}))" for b in part.bools)
    numbers = "+".join(f"SUM({ref(run[0], run[-1])})" for run in runs) or "0"
    return f"IFERROR({text},-1)", f"IFERROR({numbers},-1)"


def matches(stored: tuple[float, float], live: tuple[float, float]) -> bool:
    return stored[0] == live[0] and math.isclose(stored[1], live[1], rel_tol=TOLERANCE, abs_tol=1e-12)


def input_parts(names=None) -> list[Part]:
    """The parts of the fingerprint: each input table's typed columns, the settings' values, the factor
    tables and the aliases; with ``names`` (Excel table names), only theirs (a reader that holds the
    ledger alone need not load the factor tables to learn their columns)."""
    from remanxl.sheet.layout import ALIASES_TABLE, FACTOR_TABLES, INPUT_SHEETS, SETTINGS_SHEET, SETTINGS_TABLE

    def wanted(name: str) -> bool:
        return names is None or name in names

    out = []
    for sheet in INPUT_SHEETS:
        if wanted(sheet.excel_table):
            schema = TABLES[sheet.table]
            out.append(Part(sheet.excel_table, sheet.sheet, tuple(c.header for c in schema.columns),
                            tuple(c.header for c in schema.columns if c.kind == "bool")))
    if wanted(SETTINGS_TABLE):
        from remanxl.method.settings import SETTINGS

        bools = tuple(k for k, spec in enumerate(SETTINGS) if spec.kind == "bool")
        out.append(Part(SETTINGS_TABLE, SETTINGS_SHEET, ("Value 值",), bool_rows=bools, rows=len(SETTINGS)))
    if any(wanted(excel) for excel in FACTOR_TABLES.values()):
        from remanxl.method.factors import default_factors

        f = default_factors()
        out += [Part(excel, excel, tuple(f[name].columns)) for name, excel in FACTOR_TABLES.items() if wanted(excel)]
    if wanted(ALIASES_TABLE):
        out.append(Part(ALIASES_TABLE, ALIASES_TABLE, ("field", "alias", "key", "note")))
    return out


def of_blocks(blocks: dict[str, Block]) -> dict[str, tuple[float, float]]:
    """The fingerprint of the blocks read, by Excel table name (tables not read are left out)."""
    out = {}
    for part in input_parts(set(blocks)):
        block = blocks.get(part.name)
        if block is not None:
            out[part.name] = of_block(block, part.columns, part.bools, part.bool_rows)
    return out


__all__ = ["of_blocks", "of_block", "formulas", "matches", "input_parts", "Part", "TOLERANCE"]
