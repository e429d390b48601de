"""Range calls of REMAN_TCE, REMAN_CO2E and REMAN_PEQ take a C-level path for ranges of numbers and
keys; anything else goes row by row.  Both must give the same answer, value or error text, for any
range a worksheet can pass: numbers, integers, empty cells, whole empty rows, texts, negatives,
non-finite numbers, Excel error codes, unknown keys, keys without numbers and numbers without keys.
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remanxl import udfs
from remanxl.functions import library

ENERGY = st.sampled_from(["electricity", " diesel ", "heat", "steam_low_pressure", "no_such_fuel", "", None, 3.0])
ENERGY_UNIT = st.sampled_from(["kWh", "MWh", "GJ", "t", "kg", " t ", "", None, "furlong"])
GHG = st.sampled_from(["electricity", "diesel", "SF6", "HFC-134a", "natural_gas", "", None, "no_such_gas"])
POLLUTANT = st.sampled_from(["so2", "nox", "cod", "general_dust", "", None, "not_a_pollutant"])
NUMBER = st.one_of(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),  # (numbers are the usual cell)
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from([None, None, "", -1.0, math.inf, math.nan, True, "12", "abc", -2146826281]))


def _row_by_row(call):
    """``call()`` with the C-level path turned off."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(library, "_mapped_terms", lambda *args, **kwargs: None)
        return call()


def _fast(call):
    """``call()`` on the C-level path, once with empty numbers looked at one by one and once counted:
    both must give one answer (returned)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(library, "FEW_BLANKS", 0)  # (a range of 12 cells: any empty number is "many")
        counted = call()
        m.setattr(library, "FEW_BLANKS", 12)
        one_by_one = call()
    assert _same(counted, one_by_one), (counted, one_by_one)
    return one_by_one


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def _column(values):
    return [[v] for v in values]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(NUMBER, ENERGY, ENERGY_UNIT), min_size=1, max_size=12), spill=st.booleans(),
       unit_cell=st.booleans())
def test_tce_agrees_with_the_row_by_row_path(rows, spill, unit_cell):
    q, k = _column(r[0] for r in rows), _column(r[1] for r in rows)
    u = "MWh" if unit_cell else _column(r[2] for r in rows)
    fast = _fast(lambda: udfs.REMAN_TCE(q, k, u, None, spill))
    assert _same(fast, _row_by_row(lambda: udfs.REMAN_TCE(q, k, u, None, spill)))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(NUMBER, GHG, ENERGY_UNIT), min_size=1, max_size=12), spill=st.booleans())
def test_co2e_agrees_with_the_row_by_row_path(rows, spill):
    q, k, u = (_column(r[i] for r in rows) for i in range(3))
    fast = _fast(lambda: udfs.REMAN_CO2E(q, k, u, None, None, spill))
    assert _same(fast, _row_by_row(lambda: udfs.REMAN_CO2E(q, k, u, None, None, spill)))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(NUMBER, POLLUTANT), min_size=1, max_size=12), one_key=st.booleans())
def test_peq_agrees_with_the_row_by_row_path(rows, one_key):
    q = _column(r[0] for r in rows)
    k = "so2" if one_key else _column(r[1] for r in rows)
    fast = _fast(lambda: udfs.REMAN_PEQ(q, k))
    assert _same(fast, _row_by_row(lambda: udfs.REMAN_PEQ(q, k)))


def test_a_blank_among_100000_cells_keeps_the_c_level_path(monkeypatch):
    """An empty row (number and key) and an empty number beside a key, in a plant-size range: the fast
    path must take it (the row-by-row path is what made one blank cost 108 ms), and agree."""
    n = 100_000
    q = _column(float(i % 97) + 0.5 for i in range(n))
    k = _column(("electricity", "diesel", "heat")[i % 3] for i in range(n))
    u = _column(("kWh", "t", "GJ")[i % 3] for i in range(n))
    q[10], k[10], u[10] = [None], [None], [None]  # an empty row
    q[20] = [None]  # an empty number beside a key: counts 0
    (total, column), row_by_row = _as_called(monkeypatch, q, k, u)
    assert (total, column) == _row_by_row(lambda: _tce_both(q, k, u))
    assert len(column) == n - 1 and column[19] == [0.0]  # the empty row is left out, the empty number is 0
    assert not row_by_row


def _tce_both(q, k, u):
    """REMAN_TCE of the ranges, summed and spilled."""
    return udfs.REMAN_TCE(q, k, u), udfs.REMAN_TCE(q, k, u, None, True)


def _as_called(monkeypatch, q, k, u):
    """:func:`_tce_both` as a worksheet calls it, and whether it went row by row."""
    called = []
    real = library._pairs
    monkeypatch.setattr(library, "_pairs", lambda *a: called.append(1) or real(*a))
    return _tce_both(q, k, u), bool(called)


@pytest.mark.parametrize("also", ["", "a number blank beside a key", "a number without a key", "a zero without a key"])
def test_a_tenth_of_rows_empty_in_both_keeps_the_c_level_path(monkeypatch, also):
    """A range selected past its table's rows: every tenth row empty in number and key is left out on
    the C-level path (summed or spilled), as row by row; a number blank beside a key (0) or a number
    without a key, zero or not (an error naming its row), among them is told apart as row by row."""
    n = 10_000
    q = _column(None if i % 10 == 0 else float(i % 97) + 0.5 for i in range(n))
    k = _column(None if i % 10 == 0 else ("electricity", "diesel", "heat")[i % 3] for i in range(n))
    u = _column(None if i % 10 == 0 else ("kWh", "t", "GJ")[i % 3] for i in range(n))
    if also == "a number blank beside a key":
        q[15] = [None]
    elif also in ("a number without a key", "a zero without a key"):
        q[20] = [3.0 if also == "a number without a key" else 0.0]  # (a zero is a number typed, not an empty cell)
    slow = _row_by_row(lambda: _tce_both(q, k, u))
    fast, row_by_row = _as_called(monkeypatch, q, k, u)
    assert fast == slow
    if also in ("", "a number blank beside a key"):
        assert not row_by_row and len(slow[1]) == n - n // 10
    else:
        assert "row 21" in str(slow[0])


def test_a_number_without_a_key_is_named_by_its_row():
    assert udfs.REMAN_TCE([[1.0], [2.0]], [["electricity"], [None]], [["kWh"], ["kWh"]]) == \
        "#VALUE! energy_type: row 2: expected a key, got an empty cell"


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan, True, "abc"])
def test_one_bad_cell_among_many_is_named(bad):
    q = _column([1.0] * 50 + [bad] + [1.0] * 49)
    got = udfs.REMAN_TCE(q, "electricity", "kWh")
    assert isinstance(got, str) and got.startswith("#VALUE! quantity"), got
