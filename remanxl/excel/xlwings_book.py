"""The open Excel workbook as the engine's workbook interface (through xlwings).

Each table is read with one bulk ``.value`` call and the summary is written as
one block (values and formulas together), because every xlwings call crosses
to Excel and per-cell traffic is what makes add-ins slow.  On a validation
problem nothing is written to the user's sheets: the problems go to a
Validation sheet remanxl owns, and the first bad cell is selected.
"""
from __future__ import annotations

from remanxl.i18n import tr
from remanxl.sheet.engine import BlockWorkbook
from remanxl.sheet.grid import Block
from remanxl.sheet.layout import INPUT_SHEETS, READ_TABLES, SUMMARY_SHEET, VALIDATION_SHEET
from remanxl.sheet.reader import Located
from remanxl.sheet.summary import SummaryModel

INPUT_TABLES = frozenset(s.excel_table for s in INPUT_SHEETS)
_FORMATS = {"rx percent": "0.00%", "rx number": "#,##0.00##", "rx computed number": "#,##0.00####",
            "rx count": "#,##0", "rx quantity": "#,##0.000"}


def _unprotect(sheet) -> None:
    """Lift the template's password-less protection (Windows COM or macOS AppleScript object model)."""
    for call in (lambda: sheet.api.Unprotect(), lambda: sheet.api.unprotect()):
        try:
            call()
            return
        except Exception:  # noqa: BLE001 - the other platform's spelling, or not protected
            continue


def _protect(sheet) -> None:
    for call in (lambda: sheet.api.Protect(), lambda: sheet.api.protect()):
        try:
            call()
            return
        except Exception:  # noqa: BLE001
            continue


def number_format_runs(model: SummaryModel) -> dict[tuple[int, int, int], str]:
    """(first row, 0-based column, rows) -> number format: the model's styled numbers as runs down a column,
    so that a whole breakdown column takes one call (the file writer gets them from the named styles)."""
    cells = sorted(((c.col, c.row), _FORMATS[c.style]) for c in model.cells if c.style in _FORMATS)
    runs: dict[tuple[int, int, int], str] = {}
    start = None
    for (col, row), fmt in cells:
        if start and start[1] == col and start[2] == fmt and start[0] + start[3] == row:
            start = (start[0], col, fmt, start[3] + 1)
        else:
            if start:
                runs[(start[0], start[1], start[3])] = start[2]
            start = (row, col, fmt, 1)
    if start:
        runs[(start[0], start[1], start[3])] = start[2]
    return runs


def _with_outside(sheet, block: Block) -> Block:
    """``block`` with the values typed beside or below its table (one more bulk read, only when the
    sheet's used range reaches past the table)."""
    from types import SimpleNamespace

    from remanxl.workbook.outside import outside_values

    last = sheet.used_range.last_cell
    bottom, right = block.header_row + len(block.rows), block.first_col + len(block.headers)
    if last.row <= bottom and last.column <= right:
        return block
    grid = sheet.range((block.header_row, 1), (last.row, last.column)).options(ndim=2).value
    table = SimpleNamespace(start=(block.header_row, block.first_col), end=(bottom - 1, right - 1))
    found = outside_values(grid, (block.header_row - 1, 0), table)
    return block._replace(outside=found) if found else block
def as_text(text: str) -> str:
    """``text`` as Excel must take it when it is written as if typed: text, never a formula, number or
    date.  The leading apostrophe is Excel's own text prefix; it is not part of the cell's value.
    Every text remanxl writes into a live workbook goes through here."""
    return "'" + text


class XlwingsWorkbook(BlockWorkbook):
    """An ``xlwings.Book`` seen through the engine's workbook interface."""

    def __init__(self, book):
        self.book = book
        self.name = book.name

    def read_blocks(self) -> dict:
        blocks = {}
        for sheet in self.book.sheets:
            for table in sheet.tables:
                canonical = READ_TABLES.get(table.name.casefold())
                if canonical is None:
                    continue
                rng = table.range
                values = rng.options(ndim=2).value  # one bulk read: header row + data
                headers = ["" if h is None else h for h in values[0]]
                rows = [["" if v is None else v for v in r] for r in values[1:]]
                block = Block(sheet.name, rng.row, rng.column - 1, headers, rows)
                if canonical in INPUT_TABLES:
                    block = _with_outside(sheet, block)
                blocks[canonical] = block
        return blocks

    def _sheet(self, name: str, create: bool):
        names = [s.name for s in self.book.sheets]
        for existing in names:  # Excel's sheet names are case-insensitive
            if existing.casefold() == name.casefold():
                return self.book.sheets[existing]
        if not create:
            return None
        return self.book.sheets.add(name, after=self.book.sheets[len(names) - 1])

    def write_summary(self, model: SummaryModel) -> None:
        sheet = self._sheet(SUMMARY_SHEET, create=True)
        _unprotect(sheet)
        sheet.used_range.clear_contents()
        grid = model.grid()
        # Excel parses what is written through .formula as if typed: a leading apostrophe keeps a text
        # ("2026-01", "-3 % vs 2024", "=x") as text; formulas and error values ("#N/A") are meant to parse.
        texts = {(c.row - 1, c.col) for c in model.cells if isinstance(c.value, str)}
        for r, c in texts:
            grid[r][c] = as_text(grid[r][c])
        sheet.range((1, 1)).resize(len(grid), len(grid[0])).formula = grid  # one block: values and formulas
        for (row, col, rows), fmt in number_format_runs(model).items():
            sheet.range((row, col + 1), (row + rows - 1, col + 1)).number_format = fmt
        _protect(sheet)

    def show_problems(self, problems: list[Located]) -> None:
        sheet = self._sheet(VALIDATION_SHEET, create=True)
        sheet.used_range.clear_contents()
        block = [["Sheet 工作表", "Cell 单元格", "Column 列", "Problem 问题"]]
        # The user's words (sheet names, headers, the text a message quotes) stay text: Excel parses what
        # is written through .value as if typed, so "=cmd|' /C calc'!A0" would become a formula.
        block += [[as_text(str(x)) if x else "" for x in (p.sheet, p.cell, p.column, tr(p.message, "both"))]
                  for p in problems]
        sheet.range((1, 1)).resize(len(block), 4).value = block
        first = next((p for p in problems if p.cell), None)
        if first is not None:
            target = self._sheet(first.sheet, create=False)
            if target is not None:
                target.activate()
                target.range(first.cell).select()
                return
        sheet.activate()

    def clear_problems(self) -> None:
        sheet = self._sheet(VALIDATION_SHEET, create=False)
        if sheet is not None:
            sheet.delete()
