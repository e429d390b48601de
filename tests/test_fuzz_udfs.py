"""Every REMAN_* function under seeded random input: no exception, no ±inf or NaN, no number for an
undefined rate, every error text at most 255 characters and naming its argument."""
import json
import math

import pytest

from remanxl.functions.library import EXCEL_MAX, MAX_ERROR_CHARS
from remanxl.functions.registry import REGISTRY
from remanxl.testing.udf_fuzz import run, violations
from test_benchmarks_smoke import run_script

CALLS = 12_000


def test_seeded_fuzz_of_every_function():
    per, failed = run(CALLS, seed=20261207)
    assert set(per) == set(REGISTRY), "every function was called"
    assert sum(per.values()) == CALLS
    assert not failed, "\n".join(f"{n}{repr(a)[:200]}: {v}" for n, a, v in failed[:10])


def udf(name):
    return REGISTRY[name].func


@pytest.mark.parametrize("name, args", [
    ("REMAN_SW", (1, 1e-310)),  # 1 - 1/1e-310 = -inf
    ("REMAN_SM", (1.7976931348623157e308, 1)),  # rounding -1.797…e308 to 15 digits overflowed
    ("REMAN_TCE", (1e308, "electricity", "MWh")),  # 1e308 × 122.9
    ("REMAN_PEQ", (1e308, "so2")),
    ("REMAN_RATE", (1.0, 1e-309)),
])
def test_a_result_beyond_what_a_cell_holds_is_a_num_error(name, args):
    result = udf(name)(*args)
    assert isinstance(result, str) and result.startswith("#NUM! "), result
    assert "largest number" in result
    assert any(a.name in result for a in REGISTRY[name].args), result


def test_the_largest_finite_rate_is_kept_not_rounded_to_infinity():
    result = udf("REMAN_SM")(9.0e307, 1)
    assert isinstance(result, float) and math.isfinite(result) and result == -9.0e307 + 1


def test_a_spilled_column_with_an_overflowing_row_is_an_error():
    result = udf("REMAN_TCE")([[1.0], [1e308]], "electricity", "MWh", None, True)
    assert isinstance(result, str) and result.startswith("#NUM! quantity"), result


def test_overflow_while_summing_is_a_named_user_error():
    result = udf("REMAN_SW")([1e308, 1e308], 1)
    assert result.startswith("#NUM! cwr: "), result
    assert "internal error" not in result and "OverflowError" not in result


def test_error_texts_are_capped_keeping_the_first_problem_and_the_count():
    from remanxl.functions.library import _cap

    long = "#VALUE! sheet 'Energy': " + "x" * 3000 + " (+99,999)"
    capped = _cap(long)
    assert len(capped) == MAX_ERROR_CHARS
    assert capped.startswith("#VALUE! sheet 'Energy': xxx") and capped.endswith("… (+99,999)")
    rows = [["x" * 300]] * 100_000  # a 100,000-row range of long text
    for name, args in (("REMAN_TCE", (1, "electricity", None, rows)), ("REMAN_SE", (rows, 1)),
                       ("REMAN_CO2E", (1, "electricity", None, "AR5", "y" * 40_000)),
                       ("REMAN_FACTOR", ("z" * 40_000, "k"))):
        result = udf(name)(*args)
        assert result.startswith("#") and len(result) <= MAX_ERROR_CHARS, (name, len(result))


def test_unknown_keys_and_units_name_their_argument():
    assert udf("REMAN_TCE")(1, "zzz", "kWh").startswith("#VALUE! energy_type: ")
    assert udf("REMAN_TCE")(1, "electricity", "furlong").startswith("#VALUE! unit: ")
    assert udf("REMAN_PEQ")(1, "zzz").startswith("#VALUE! pollutant: ")
    assert udf("REMAN_FACTOR")("zz", "a").startswith("#VALUE! table: ")
    assert udf("REMAN_FACTOR")("gwp", "zz").startswith("#VALUE! key: ")


def test_the_checker_catches_what_it_looks_for():
    """The fuzz's judge flags each fault it exists to find (it is not a test that cannot fail)."""
    name = "REMAN_SW"
    assert violations(name, (1, 1), lambda *a: math.inf)
    assert violations(name, (1, 1), lambda *a: math.nan)
    assert violations(name, (1, 0), lambda *a: 0.0)
    assert violations(name, (1, 1), lambda *a: "#VALUE! " + "x" * 300)
    assert violations(name, (1, 1), lambda *a: "#VALUE! something went wrong")
    assert violations(name, (1, 1), lambda *a: 1 / 0)
    assert violations(name, (1, 1), lambda *a: [[1.0], [EXCEL_MAX * 10]])
    assert not violations(name, (1, 2), lambda *a: 0.5)


def test_bench_fuzz_runs():
    res = run_script("bench_fuzz.py", "--calls", "600", "--json", "-")
    assert res["calls"] == 600 and res["violations"] == 0
    assert sum(res["per_function"].values()) == 600
    assert res["calls_per_second"] > 0
