"""Seeded random calls of every ``REMAN_*`` function, and what each result must satisfy.

Used by the test suite (``tests/test_fuzz_udfs.py``, ten thousand calls) and by
``benchmarks/bench_fuzz.py`` (a hundred thousand and more).  Arguments are what a
careless or hostile worksheet can hand a function through xlwings: numbers at the
edges of double precision, NaN and infinities, Excel's error codes (COM integers),
booleans, text of every kind (keys, units, formulas, full-width digits, 40,000
characters), empty cells, and ranges (flat, 2-D, ragged, mixed, up to a few
thousand cells).  :func:`violations` lists what a result does wrong:

* an exception escaped (the function must return an error text instead);
* a number that is infinite, NaN, or beyond what a cell holds;
* a rate of 0 (or any number) where the denominator was zero or empty (undefined);
* an error text longer than 255 characters, or one that names none of the arguments.
"""
from __future__ import annotations

import math
import random

from remanxl.functions.library import EXCEL_MAX, MAX_ERROR_CHARS
from remanxl.functions.registry import REGISTRY

#: Excel's error codes as COM hands them to Python.
EXCEL_ERROR_INTS = (-2146826281, -2146826246, -2146826259, -2146826288, -2146826252, -2146826265, -2146826273)
KEYS = ("electricity", "diesel", "natural_gas", "SF6", "HFC-134a", "so2", "nox", "cod", "heat", "coke", "gwp",
        "energy_conversion", "units", "AR5", "AR6", "SAR", "equivalent", "equal", "等价值", "电力", "柴油",
        "cn_national_2023", "unit", "source")
UNITS = ("kWh", "MWh", "kg", "t", "m3", "GJ", "度", "万kWh", "L", "", "  ", "kg/h", "furlong")
NASTY_TEXT = ("abc", "1,500", "１２３", "-5", "1e309", "nan", "inf", "=1+1", "=cmd|' /C calc'!A0", "#DIV/0!",
              "TRUE", "spill", "\x00", "\u202e", "x" * 40_000, "1 000", "0", "0.0", "１e３", " 12 ", "1e-310")
EDGE_NUMBERS = (0.0, -0.0, 1.0, -1.0, 1e-310, 5e-324, 1e308, 1.7976931348623157e308, -1e308, 1e-30, 1e30,
                math.nan, math.inf, -math.inf, 0.5, 123.456, 9.99999999999999e307, 2.0 ** 53)


def _scalar(rng: random.Random):
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(EDGE_NUMBERS) if rng.random() < 0.5 else rng.uniform(0, 10 ** rng.randint(-5, 12))
    if kind < 0.45:
        return rng.choice((0, 1, 7, -3, 10 ** 400 if rng.random() < 0.1 else 2 ** 70))
    if kind < 0.55:
        return rng.choice(EXCEL_ERROR_INTS)
    if kind < 0.60:
        return rng.choice((True, False))
    if kind < 0.70:
        return rng.choice((None, ""))
    if kind < 0.85:
        return rng.choice(KEYS + UNITS)
    return rng.choice(NASTY_TEXT)


def _range(rng: random.Random):
    n = rng.choice((1, 2, 3, 5, 10, 50, 500, 3000))
    cell = _scalar if rng.random() < 0.4 else (lambda r: r.uniform(0, 1e6) if r.random() < 0.9 else _scalar(r))
    if rng.random() < 0.3:  # a column of keys (a range paired with quantities)
        cell = (lambda r: r.choice(KEYS) if r.random() < 0.95 else _scalar(r))
    shape = rng.random()
    if shape < 0.4:
        return [[cell(rng)] for _ in range(n)]  # a column, as xlwings passes ndim=2
    if shape < 0.6:
        return [cell(rng) for _ in range(n)]
    if shape < 0.8:
        width = rng.choice((2, 3))
        return [[cell(rng) for _ in range(width)] for _ in range(max(1, n // width))]
    return [[cell(rng)], [cell(rng), cell(rng)], cell(rng), []][: rng.randint(0, 4)]  # ragged, or empty


def _evaluate_tables(rng: random.Random):
    headers = [["Energy type 能源种类", "Quantity 数量", "Unit 单位", "Side 侧"],
               ["Setting 设置", "Value 值"], ["key", "value"], [_scalar(rng), _scalar(rng)]]
    tables = []
    for _ in range(rng.randint(0, 3)):
        head = rng.choice(headers)
        rows = [[_scalar(rng) for _ in head] for _ in range(rng.randint(0, 5))]
        tables.append([list(head), *rows])
    if rng.random() < 0.2:
        tables.append(_scalar(rng))
    return tables


def run(calls: int, seed: int) -> tuple[dict[str, int], list[tuple[str, tuple, list[str]]]]:
    """``calls`` random calls from ``seed``: calls per function, and every (name, args, violations) that failed."""
    rng = random.Random(seed)
    per: dict[str, int] = {}
    failed = []
    for _ in range(calls):
        name, args = random_call(rng)
        per[name] = per.get(name, 0) + 1
        found = violations(name, args, REGISTRY[name].func)
        if found:
            failed.append((name, args, found))
    return per, failed


def random_call(rng: random.Random, name: str | None = None) -> tuple[str, tuple]:
    """A function name (random unless given) and random arguments for it (optional ones sometimes left out)."""
    name = name or rng.choice(sorted(REGISTRY))
    udf = REGISTRY[name]
    if name == "REMAN_EVALUATE":
        return name, tuple(_evaluate_tables(rng))
    args = []
    for a in udf.args:
        if a.optional and rng.random() < 0.3:
            break
        args.append(_range(rng) if a.takes_range and rng.random() < 0.5 else _scalar(rng))
    return name, tuple(args)


def _is_zero(value) -> bool:
    """Whether a rate's denominator argument sums to exactly zero (numbers only, empties skipped)."""
    cells = value if isinstance(value, (list, tuple)) else [value]
    flat = []
    for c in cells:
        flat.extend(c if isinstance(c, (list, tuple)) else [c])
    numbers = [c for c in flat if c not in (None, "")]
    return bool(numbers) and all(type(c) in (int, float) and c == 0 and c not in EXCEL_ERROR_INTS for c in numbers)


def violations(name: str, args: tuple, call) -> list[str]:
    """Call ``call(*args)`` (the function ``name``) and list what is wrong with its result."""
    udf = REGISTRY[name]
    try:
        result = call(*args)
    except BaseException as exc:  # noqa: BLE001 - exactly what must not happen
        if isinstance(exc, KeyboardInterrupt):
            raise
        return [f"raised {type(exc).__name__}: {str(exc)[:200]}"]
    out = []
    numbers = [result] if isinstance(result, float) else (
        [v for row in result if isinstance(row, list) for v in row if isinstance(v, float)]
        if isinstance(result, list) else [])
    if any(not (-EXCEL_MAX <= x <= EXCEL_MAX) for x in numbers):
        out.append(f"returned a number no cell holds: {[x for x in numbers if not -EXCEL_MAX <= x <= EXCEL_MAX][:3]}")
    rate = udf.indicator is not None or name == "REMAN_RATE"
    if rate and isinstance(result, (int, float)) and len(args) == 2 and _is_zero(args[1]):
        out.append(f"returned {result!r} for an undefined rate (denominator zero)")
    if isinstance(result, str) and result.startswith("#"):
        if len(result) > MAX_ERROR_CHARS:
            out.append(f"error text of {len(result)} characters")
        names = [a.name for a in udf.args]
        if "tables" in names or name == "REMAN_EVALUATE":  # a problem in a table range names it "argument N"
            names += ["argument", "tables"]
        if names and not any(n.casefold() in result.casefold() for n in names):
            out.append(f"error names no argument: {result[:120]}")
    return out
