"""The ribbon's engine against a recording stand-in for the few xlwings calls it makes.

The stand-in holds the cells of a real workbook made from the template (read
with python-calamine); everything underneath — reading, validation, the core,
the summary model — runs for real.  What the stand-in proves: one bulk read per
table, one block write for the summary, nothing written to input sheets on a
validation error, the first bad cell selected.
"""
import python_calamine as pc
import pytest

from remanxl import evaluate
from remanxl.excel import macros
from remanxl.excel.xlwings_book import XlwingsWorkbook
from remanxl.method.indicators import SYMBOLS
from remanxl.sheet.engine import recompute
from remanxl.sheet.layout import SUMMARY_COL, SUMMARY_FIRST_ROW, SUMMARY_SHEET, VALIDATION_SHEET
from spec_vectors import t4_input, t5_input, vector
from workbook_fixtures import vector_workbook


class Log(list):
    def of(self, kind, sheet=None):
        return [e for e in self if e[0] == kind and (sheet is None or e[1] == sheet)]


class FakeRange:
    def __init__(self, sheet, row, col, rows=1, cols=1):
        self.sheet, self.row, self.column, self.rows, self.cols = sheet, row, col, rows, cols

    def options(self, **_):
        return self

    def resize(self, rows, cols):
        return FakeRange(self.sheet, self.row, self.column, rows, cols)

    @property
    def value(self):
        self.sheet.log.append(("read", self.sheet.name, self.row, self.column, self.rows, self.cols))
        return [[self.sheet.cells.get((self.row + i, self.column + j)) for j in range(self.cols)]
                for i in range(self.rows)]

    @value.setter
    def value(self, block):
        self.sheet.log.append(("write", self.sheet.name, self.row, self.column, block))

    @property
    def formula(self):
        raise AssertionError("the engine never reads formulas")

    @formula.setter
    def formula(self, block):
        self.sheet.log.append(("write", self.sheet.name, self.row, self.column, block))

    @property
    def number_format(self):
        return None

    @number_format.setter
    def number_format(self, fmt):
        self.sheet.log.append(("format", self.sheet.name, self.row, self.column, fmt))

    @property
    def last_cell(self):
        return FakeRange(self.sheet, self.row + self.rows - 1, self.column + self.cols - 1)

    def clear_contents(self):
        self.sheet.log.append(("clear", self.sheet.name))

    def select(self):
        self.sheet.log.append(("select", self.sheet.name, self.row, self.column))


class FakeTable:
    def __init__(self, sheet, name, row, col, rows, cols):
        self.name = name
        self.range = FakeRange(sheet, row, col, rows, cols)


class FakeApi:
    def __init__(self, sheet):
        self.sheet = sheet

    def Unprotect(self):  # noqa: N802 - Excel's COM name
        self.sheet.log.append(("unprotect", self.sheet.name))

    def Protect(self):  # noqa: N802
        self.sheet.log.append(("protect", self.sheet.name))


class FakeSheet:
    def __init__(self, book, name, log):
        self.book, self.name, self.log, self.cells, self.tables = book, name, log, {}, []
        self.api = FakeApi(self)

    def range(self, a, b=None):
        if isinstance(a, str):
            from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

            col, row = coordinate_from_string(a)
            return FakeRange(self, row, column_index_from_string(col))
        if b is None:
            return FakeRange(self, *a)
        return FakeRange(self, a[0], a[1], b[0] - a[0] + 1, b[1] - a[1] + 1)

    @property
    def used_range(self):
        rows = max((r for r, _ in self.cells), default=1)
        cols = max((c for _, c in self.cells), default=1)
        return FakeRange(self, 1, 1, rows, cols)

    def activate(self):
        self.log.append(("activate", self.name))

    def delete(self):
        self.log.append(("delete", self.name))
        self.book.sheets.items.remove(self)


class FakeSheets:
    def __init__(self, book):
        self.book, self.items = book, []

    def __iter__(self):
        return iter(list(self.items))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.items[key]
        return next(s for s in self.items if s.name == key)

    def add(self, name, after=None):
        s = FakeSheet(self.book, name, self.book.log)
        self.items.append(s)
        self.book.log.append(("add_sheet", name))
        return s


class FakeApp:
    def __init__(self, log):
        self.log = log

    def alert(self, text, title=None):
        self.log.append(("alert", text))


class FakeBook:
    """A workbook file's sheets, tables and values behind the xlwings calls the engine uses."""

    def __init__(self, path):
        self.name = path.name
        self.log = Log()
        self.sheets = FakeSheets(self)
        self.app = FakeApp(self.log)
        wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
        by_name = {}
        for name in wb.sheet_names:
            sheet = FakeSheet(self, name, self.log)
            for r, row in enumerate(wb.get_sheet_by_name(name).to_python(skip_empty_area=False), start=1):
                for c, v in enumerate(row, start=1):
                    if v != "":
                        sheet.cells[(r, c)] = v
            self.sheets.items.append(sheet)
            by_name[name] = sheet
        for tname in wb.table_names:
            t = wb.get_table_by_name(tname)
            (r0, c0), (r1, c1) = t.start, t.end
            sheet = by_name[t.sheet]
            sheet.tables.append(FakeTable(sheet, tname, r0, c0 + 1, r1 - r0 + 2, c1 - c0 + 1))
        wb.close()


@pytest.fixture
def t4_book(tmp_path):
    return FakeBook(vector_workbook(tmp_path / "t4.xlsx", t4_input()))


def test_recompute_reads_each_table_once_and_writes_one_block(t4_book):
    outcome = recompute(XlwingsWorkbook(t4_book))
    assert outcome.ok
    reads = t4_book.log.of("read")
    tables = sum(len(s.tables) for s in t4_book.sheets)
    assert len(reads) == tables  # one bulk read per table, no per-cell traffic
    writes = t4_book.log.of("write")
    assert len(writes) == 1 and writes[0][1] == SUMMARY_SHEET  # the summary, in one block
    block = writes[0][4]
    expected = evaluate(t4_input())
    for k, symbol in enumerate(SYMBOLS):
        row = block[SUMMARY_FIRST_ROW - 1 + k]
        assert row[SUMMARY_COL["symbol"]] == "'" + symbol  # text written with Excel's text prefix
        assert row[SUMMARY_COL["value"]].startswith("=IF(")  # native: follows every later edit
    assert block[SUMMARY_FIRST_ROW - 1][SUMMARY_COL["numerator"]].startswith("=SUMIFS(")
    assert t4_book.log.of("unprotect", SUMMARY_SHEET) and t4_book.log.of("protect", SUMMARY_SHEET)


def test_validation_error_writes_nothing_to_input_sheets_and_selects_the_bad_cell(tmp_path):
    inp = t5_input()
    inp["parts"][3]["fate"] = "lost"
    book = FakeBook(vector_workbook(tmp_path / "bad.xlsx", inp))
    outcome = recompute(XlwingsWorkbook(book))
    assert not outcome.ok
    writes = book.log.of("write")
    assert [w[1] for w in writes] == [VALIDATION_SHEET]
    report = writes[0][4]
    assert report[1][:3] == ["'Parts 零件清单", "'E8", "'Fate 处置方式"]  # Excel's text prefix: never parsed
    assert "expected one of reused 直接利用; remanufactured 再制造; replaced 更换" in report[1][3]
    assert ("activate", "Parts 零件清单") in book.log
    assert ("select", "Parts 零件清单", 8, 5) in book.log


def test_a_good_recompute_removes_an_old_validation_sheet(tmp_path):
    book = FakeBook(vector_workbook(tmp_path / "t4.xlsx", t4_input()))
    book.sheets.add(VALIDATION_SHEET)
    assert recompute(XlwingsWorkbook(book)).ok
    assert ("delete", VALIDATION_SHEET) in book.log


def test_ribbon_macros_use_the_caller(monkeypatch, t4_book):
    import xlwings

    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: t4_book), raising=False)
    outcome = macros.recompute_workbook()
    assert outcome.ok
    alert = t4_book.log.of("alert")[-1][1]
    assert "Summary updated" in alert
    assert f"SW: {vector('T4')['expected']['SW'] * 100:.2f} %" in alert
    before = len(t4_book.log.of("write"))
    assert macros.validate_workbook().ok
    assert len(t4_book.log.of("write")) == before  # validate writes nothing
    assert macros.open_guide() is t4_book and ("activate", "Guide 说明") in t4_book.log


def test_values_typed_below_and_beside_a_table_are_reported_not_ignored(tmp_path):
    book = FakeBook(vector_workbook(tmp_path / "t4.xlsx", t4_input()))
    energy = book.sheets[next(s.name for s in book.sheets if s.name.startswith("Energy"))]
    table = energy.tables[0].range
    below = table.row + table.rows  # the first row under the table
    energy.cells[(below, 4)] = 500.0
    energy.cells[(table.row + 2, table.column + table.cols + 1)] = "note"
    outcome = recompute(XlwingsWorkbook(book))
    assert not outcome.ok
    cells = {(p.sheet, p.cell) for p in outcome.problems}
    assert (energy.name, f"D{below}") in cells
    assert any(p.row == table.row + 2 and "beside" in p.render("en") for p in outcome.problems)
    assert [w[1] for w in book.log.of("write")] == [VALIDATION_SHEET]  # nothing written to the user's sheets


def test_the_ribbons_recompute_shows_the_dashboard_afterwards(t4_book):
    from remanxl.sheet.layout import DASHBOARD_SHEET

    outcome = macros.recompute_workbook(t4_book)
    assert outcome.ok
    assert ("activate", DASHBOARD_SHEET) in t4_book.log
    assert t4_book.log.of("alert") and "Summary updated" in t4_book.log.of("alert")[0][1]


def test_summary_number_formats_are_written_a_column_run_at_a_time(t4_book):
    from remanxl.excel.xlwings_book import number_format_runs
    from remanxl.sheet.summary import build_summary

    outcome = recompute(XlwingsWorkbook(t4_book))
    formats = t4_book.log.of("format", SUMMARY_SHEET)
    value_col = SUMMARY_COL["value"] + 1
    assert any(f[3] == value_col and f[2] == SUMMARY_FIRST_ROW and f[4] == "0.00%" for f in formats)
    assert {"#,##0", "#,##0.000"} <= {f[4] for f in formats}  # counts whole, quantities with three decimals
    runs = number_format_runs(build_summary(outcome.evaluation))
    styled = sum(rows for (_, _, rows) in runs)
    assert len(formats) < styled / 3  # a call per run down a column, far fewer than one per cell
