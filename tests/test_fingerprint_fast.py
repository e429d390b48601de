"""The inputs' fingerprint takes the usual cells (text, numbers, empty) without a call per cell; it must
give exactly what the plain definition gives, for any cells a reader can hand it: text with characters
beyond the BMP (two UTF-16 units, as Excel's LEN counts them), non-ASCII text, empty text, yes/no
values in number and text columns, integers, non-finite numbers, dates and times, ragged rows and
yes/no rows (the settings)."""
import datetime as dt
import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from remanxl.sheet import fingerprint
from remanxl.sheet.grid import Block


def reference(block: Block, columns, bools=(), bool_rows=()) -> tuple[float, float]:
    """The definition, cell by cell (see remanxl/sheet/fingerprint.py)."""
    where = {str(h).strip().casefold(): i for i, h in enumerate(block.headers)}
    picked = [(where[c.casefold()], c in bools) for c in columns if c.casefold() in where]
    text, numbers = 0, []
    for offset, row in enumerate(block.rows):
        number = block.header_row + 1 + offset
        for i, is_bool in picked:
            v = row[i] if i < len(row) else None
            if is_bool or offset in bool_rows:
                if v is True:
                    text += number
            elif isinstance(v, str):
                if v:
                    text += len(v.encode("utf-16-le")) // 2 * number
            else:
                x = fingerprint._serial(v)
                if x is not None:
                    numbers.append(x)
    try:
        return float(text), math.fsum(numbers)
    except OverflowError:  # numbers beyond a double (refused cell by cell when the table is read)
        return float(text), math.inf


CELL = st.one_of(
    st.none(), st.just(""), st.text(max_size=6), st.sampled_from(["a", "零件", "😀x", " ", "\U0001F600"]),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=-1e6, max_value=1e6),
    st.integers(min_value=-10**6, max_value=10**6), st.booleans(),
    st.sampled_from([dt.date(2024, 2, 29), dt.datetime(2023, 1, 1, 12, 30), dt.time(6, 0), dt.timedelta(hours=3)]))
HEADERS = ["Name", "Qty", "Flag", "Note"]


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=12),
       columns=st.lists(st.sampled_from(HEADERS + ["Missing"]), min_size=1, max_size=4, unique=True),
       bools=st.sets(st.sampled_from(HEADERS), max_size=2),
       bool_rows=st.sets(st.integers(min_value=0, max_value=11), max_size=3))
# numbers whose sum overflows a double: the fingerprint is inf, as the definition says
@example(rows=[[8.988465674311579e307], [8.98846567431158e307]], columns=["Name"], bools=set(), bool_rows=set())
def test_the_fingerprint_is_its_definition(rows, columns, bools, bool_rows):
    block = Block("Sheet", 4, 0, HEADERS, rows)
    got = fingerprint.of_block(block, columns, tuple(bools), tuple(sorted(bool_rows)))
    want = reference(block, columns, tuple(bools), tuple(sorted(bool_rows)))
    assert got[0] == want[0]
    assert got[1] == want[1] or (math.isnan(got[1]) and math.isnan(want[1]))
