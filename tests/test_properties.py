"""Properties every rate must have, for any non-negative input."""
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from remanxl import evaluate, indicators as ind, udfs

pos = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
nonneg = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
k_factor = st.floats(min_value=1e-3, max_value=1e3)

REDUCTIONS = [f for s, f in ind.FUNCTIONS.items() if ind.BY_SYMBOL[s].group != "implementation"]
SHARES = [f for s, f in ind.FUNCTIONS.items() if ind.BY_SYMBOL[s].group == "implementation"]


@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda f: f.__name__)
@given(r=nonneg, m=pos, k=k_factor)
def test_scaling_both_sides_leaves_the_rate_unchanged(fn, r, m, k):
    assert fn(r * k, m * k) == pytest.approx(fn(r, m), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda f: f.__name__)
@given(r=nonneg, m=pos)
def test_rate_is_at_most_one(fn, r, m):
    assert fn(r, m) <= 1.0


@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda f: f.__name__)
@given(m=pos)
def test_equal_sides_give_zero(fn, m):
    assert fn(m, m) == 0.0


@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda f: f.__name__)
@given(r=nonneg, extra=pos, m=pos)
def test_rate_falls_as_the_remanufacturing_side_grows(fn, r, extra, m):
    assume(r + extra > r)
    assert fn(r + extra, m) < fn(r, m)


@pytest.mark.parametrize("fn", SHARES, ids=lambda f: f.__name__)
@given(part=nonneg, whole=pos, k=k_factor)
def test_shares_lie_in_0_1_and_scale(fn, part, whole, k):
    assume(part <= whole)
    v = fn(part, whole)
    assert 0.0 <= v <= 1.0
    assert fn(part * k, whole * k) == pytest.approx(v, rel=1e-9, abs=1e-12)


@given(r=nonneg, m=pos, k=k_factor)
def test_udf_scaling_and_bounds(r, m, k):
    v = udfs.REMAN_RATE(r, m)
    assert v <= 1.0
    assert udfs.REMAN_RATE(r * k, m * k) == pytest.approx(v, rel=1e-9, abs=1e-12)


@given(r=nonneg, m=pos, k=st.floats(min_value=0.01, max_value=100))
def test_evaluation_scaling_of_inventories(r, m, k):
    """Scaling every row of both sides by k leaves the evaluated rate unchanged."""
    def inp(f):
        return {"water": [{"side": "reman", "stream": "fresh_water", "quantity": r * f, "unit": "m3"},
                          {"side": "original", "stream": "fresh_water", "quantity": m * f, "unit": "m3"}]}
    assert evaluate(inp(k))["SW"].value == pytest.approx(evaluate(inp(1))["SW"].value, rel=1e-9, abs=1e-12)


@given(n=st.floats(min_value=0.5, max_value=1000), covered_r=st.floats(min_value=0.5, max_value=1000))
def test_functional_unit_scaling(n, covered_r):
    """Rows scaled to N: a side's data for `covered` products count N/covered times."""
    inp = {"settings": {"functional_unit_quantity": n, "reman_data_quantity": covered_r},
           "water": [{"side": "reman", "stream": "fresh_water", "quantity": 10 * covered_r, "unit": "m3"},
                     {"side": "original", "stream": "fresh_water", "quantity": 40 * n, "unit": "m3"}]}
    ev = evaluate(inp)
    assert ev["SW"].value == pytest.approx(0.75, rel=1e-9)
    assert ev["SW"].numerator == pytest.approx(10 * n, rel=1e-9)
