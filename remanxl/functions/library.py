"""Bodies of the ``REMAN_*`` worksheet functions.

Conventions, the same for every function:

* a range argument arrives as a list (of lists); empty cells (``None``) are
  skipped; for the rate functions each side's range is **summed**;
* ``REMAN_TCE``, ``REMAN_CO2E`` and ``REMAN_PEQ`` pair their ranges element by
  element and return the **sum**, or a spilled column when ``spill`` is TRUE;
* rates are fractions (format the cell as %);
* bad input never raises into the cell: the function returns a short text that
  starts with an Excel error code and names the argument and what was expected,
  e.g. ``#VALUE! cwr: expected a number ≥ 0, got text 'abc'``.  An undefined rate
  returns ``#DIV/0! …``, never 0 % or 100 %;
* a result no cell can hold (infinite, not a number, or beyond Excel's largest
  number 9.99999999999999E+307) returns ``#NUM! …`` naming the arguments, never
  ±inf or NaN; every error text is at most :data:`MAX_ERROR_CHARS` characters: the
  first problem, cut, and how many more there are.
"""
from __future__ import annotations

import functools
import math
from itertools import chain, compress, repeat
from operator import is_not, mul, truediv, truth

from remanxl.method import indicators as ind
from remanxl.method.errors import InputError, RemanxlError, UndefinedRateError, excel_precision
from remanxl.method.factors import UnknownKeyError, default_factors
from remanxl.method.values import TRUE_WORDS, parse_number
from remanxl.method.units import UnitError
from remanxl.functions.registry import REGISTRY, Arg, register

__all__ = ["REGISTRY"]

# Excel error codes that xlwings hands to Python as integers (COM VT_ERROR values).
_EXCEL_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
                 -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}


#: The largest number Excel stores (its specification limit); a larger result is #NUM!.
EXCEL_MAX = 9.99999999999999e307
#: Longest error text a function returns: what a user reads in a cell and in a tooltip (Excel's
#: MacroOptions help has the same cap).  The first problem is kept, then how many more there were.
MAX_ERROR_CHARS = 255


class _CellError(Exception):
    """Internal: becomes the text returned to the cell."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code} {message}")


def _bad(name: str, message: str) -> _CellError:
    return _CellError("#VALUE!", f"{name}: {message}")


def _flat(value) -> list:
    if isinstance(value, (list, tuple)):
        if value and type(value[0]) is list:  # a 2-D range, as xlwings passes one
            try:
                return [x for [x] in value]  # a column (rows of one cell), the usual range: unpacked in C
            except (TypeError, ValueError):
                pass
            if set(map(type, value)) == {list}:
                return list(chain.from_iterable(value))
        out = []
        for v in value:
            if isinstance(v, (list, tuple)):
                out.extend(v)
            else:
                out.append(v)
        return out
    return [value]


_NONE = type(None)
#: Up to this many empty numbers in a range (or one in 64 of its cells) are found by C-level searches
#: and looked at one by one; more go through a counting pass over the whole range.
FEW_BLANKS = 8


def _one_number(v, name: str):
    """A cell's number, ``None`` for an empty cell; raises for anything else."""
    if v is None or v == "":
        return None
    if type(v) is float or (type(v) is int and v not in _EXCEL_ERRORS):
        if v < 0:
            raise _bad(name, f"expected a number ≥ 0, got {v:g}")
        if v != v or v in (math.inf, -math.inf):
            raise _bad(name, "expected a finite number")
        return float(v)
    if isinstance(v, bool):
        raise _bad(name, f"expected a number, got {v}")
    if isinstance(v, int) and v in _EXCEL_ERRORS:
        raise _CellError(_EXCEL_ERRORS[v], f"{name}: the referenced cell holds an error")
    if isinstance(v, str):  # the one number rule of every entry point ("1,500", full-width digits)
        if not v.strip():
            return None
        try:
            number = parse_number(v)
        except ValueError as exc:
            raise _bad(name, str(exc)) from None
        if number < 0:
            raise _bad(name, f"expected a number ≥ 0, got {number:g}")
        return number
    raise _bad(name, f"expected a number, got {type(v).__name__}")


def _sum(value, name: str) -> float:
    """The sum of a number or range; at least one number must be present."""
    if type(value) is float:  # the common scalar case, kept fast
        if value >= 0 and value != math.inf:
            return value
    flat = _flat(value)
    numbers = _valid_floats(flat)
    if numbers:  # a range of plain numbers, summed without a call per cell
        return _fsum(numbers, name)
    values = [x for x in (_one_number(v, name) for v in flat) if x is not None]
    if not values:
        raise _bad(name, "expected a number, got an empty cell")
    return _fsum(values, name)


def _fsum(numbers, name: str) -> float:
    """``math.fsum``, its overflow told as the user's problem: numbers too large to add up."""
    try:
        total = math.fsum(numbers)
    except OverflowError:
        total = math.inf
    if total > EXCEL_MAX:
        raise _too_large(name)
    return total


def _too_large(names: str) -> _CellError:
    return _CellError("#NUM!", f"{names}: the result exceeds the largest number Excel holds "
                               "(about 1E+308); check the units and magnitudes")


def _cap(text: str) -> str:
    """An error text of at most :data:`MAX_ERROR_CHARS` characters: the first problem (cut with …),
    and a trailing count of further problems (" (+N)") kept."""
    if len(text) <= MAX_ERROR_CHARS:
        return text
    import re

    more = re.search(r" \(\+[0-9,]+\)$", text)
    tail = more.group(0) if more else ""
    return text[: MAX_ERROR_CHARS - len(tail) - 1] + "…" + tail


def _finite(result, func):
    """``result``, or the #NUM! error text when any number in it is not one a cell can hold."""
    numbers = [result] if type(result) is float else (
        [v for row in result for v in row if type(v) is float] if isinstance(result, list) else [])
    if numbers and not all(map(_holdable, numbers)):
        names = ", ".join(p for p in _argument_names(func))
        return str(_too_large(names or func.__name__))
    return result


def _holdable(x: float) -> bool:
    return -EXCEL_MAX <= x <= EXCEL_MAX  # False for NaN too


def _argument_names(func) -> list[str]:
    import inspect

    try:
        return [p.name for p in inspect.signature(func).parameters.values()
                if p.name not in ("spill", "electricity_basis", "gwp_set", "grid_factor")]
    except (TypeError, ValueError):
        return []


def _naming(key_arg: str, unit_arg: str | None):
    """Decorate a ``factor_for(key, unit)``: an unknown key or unit names the argument it came from."""

    def deco(factor_for):
        def named(key, unit):
            try:
                return factor_for(key, unit)
            except UnknownKeyError as exc:
                raise _bad(key_arg, str(exc)) from None
            except UnitError as exc:
                raise _bad(unit_arg or key_arg, str(exc)) from None

        return named

    return deco


def _valid_floats(cells: list) -> list | None:
    """``cells`` less empty ones, if every other cell is a finite float ≥ 0; else None (check cell by cell)."""
    kinds = set(map(type, cells))
    if kinds == {float}:
        numbers = cells
    elif kinds == {float, type(None)}:
        numbers = [v for v in cells if v is not None]
    else:
        return None
    if min(numbers) >= 0 and all(map(math.isfinite, numbers)):  # min() may miss a NaN; isfinite does not
        return numbers
    return None


def _positive(value, name: str) -> float:
    """A coefficient typed in a cell: a number > 0 (0 would silently drop a source)."""
    v = _sum(value, name)
    if not v > 0:
        raise _bad(name, f"expected a number > 0, got {v:g}")
    return v


def _text(value, name: str, optional: bool = False):
    if isinstance(value, (list, tuple)):
        flat = [v for v in _flat(value) if v not in (None, "")]
        if len(flat) != 1:
            raise _bad(name, "expected a single cell")
        value = flat[0]
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise _bad(name, "expected text, got an empty cell")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _precise_rows(rows: list) -> list:
    """:func:`excel_precision` of every value of a returned array.

    A spilled column of floats (the usual large result) is converted in one pass of C-level
    calls: ``float(f"{x:.15g}")`` is what excel_precision does to a float.
    """
    try:
        column = [x for [x] in rows]  # a column, the usual spilled result
    except (TypeError, ValueError):
        column = None
    if column:
        if set(map(type, column)) == {float}:
            return [[x] for x in map(float, map("{:.15g}".format, column))]
    return [[excel_precision(v) for v in row] for row in rows]


def _cell(func):
    """Turn every failure of a function body into the short error text Excel shows."""

    def run(*args):
        result = compute(*args)
        return _cap(result) if isinstance(result, str) and result.startswith("#") else result

    def compute(*args):
        try:
            result = func(*args)
            if type(result) is float:
                return _finite(excel_precision(result), run)
            if isinstance(result, list):
                return _finite(_precise_rows(result), run)
            return result
        except _CellError as exc:
            return str(exc)
        except UndefinedRateError as exc:
            return f"#DIV/0! {exc}"
        except InputError as exc:
            p = exc.problems[0]
            more = f" (+{len(exc.problems) - 1})" if len(exc.problems) > 1 else ""
            return f"#VALUE! {p.column + ': ' if p.column else ''}{p.message}{more}"
        except (UnknownKeyError, UnitError) as exc:
            return f"#VALUE! {exc}"
        except RemanxlError as exc:
            return f"#VALUE! {exc}"
        except (OverflowError, MemoryError, RecursionError) as exc:  # the user's numbers or ranges, not a bug
            what = "too large" if isinstance(exc, OverflowError) else "too large or too deeply nested"
            return f"#NUM! {', '.join(_argument_names(run)) or func.__name__}: the numbers or ranges are {what} to compute"
        except Exception as exc:  # noqa: BLE001 - a cell must never show a traceback
            return f"#VALUE! internal error {type(exc).__name__}: {exc}"

    return functools.wraps(func)(run)  # keeps the signature xlwings reads (inspect.signature)


# ---------------------------------------------------------------- the 14 indicators

_SIDES = {
    "SE": (("cer", "energy consumption of remanufacturing, kgce", "再制造综合能耗 kgce"),
           ("cem", "energy consumption of original manufacturing, kgce", "原制造综合能耗 kgce")),
    "SM": (("cmr", "materials consumed in remanufacturing, kg", "再制造物料消耗 kg"),
           ("cmm", "materials consumed in original manufacturing, kg", "原制造物料消耗 kg")),
    "SW": (("cwr", "fresh water withdrawn in remanufacturing, m3", "再制造新水取用量 m3"),
           ("cwm", "fresh water withdrawn in original manufacturing, m3", "原制造新水取用量 m3")),
    "RGHG": (("egr", "GHG emissions of remanufacturing, kgCO2e", "再制造温室气体排放 kgCO2e"),
             ("egm", "GHG emissions of original manufacturing, kgCO2e", "原制造温室气体排放 kgCO2e")),
    "RAP": (("ear", "air pollutants of remanufacturing, pollution equivalents", "再制造大气污染物当量"),
            ("eam", "air pollutants of original manufacturing, pollution equivalents", "原制造大气污染物当量")),
    "REF": (("ewr", "effluent of remanufacturing, m3 or equivalents", "再制造废水排放量"),
            ("ewm", "effluent of original manufacturing, m3 or equivalents", "原制造废水排放量")),
    "RSW": (("esr", "solid waste of remanufacturing, kg", "再制造固体废物产生量 kg"),
            ("esm", "solid waste of original manufacturing, kg", "原制造固体废物产生量 kg")),
    "RUP": (("used_reused", "used parts reused or remanufactured (kg or count)", "再利用的旧件(质量或数量)"),
            ("used_total", "all parts disassembled from the cores", "拆解所得全部零件")),
    "RND": (("n_intact", "parts removed without damage (count or kg)", "无损拆解的零件数"),
            ("n_dismantled", "parts removed", "拆解零件总数")),
    "RWP": (("n_washable", "parts cleanable to the reuse requirement", "可清洗至再利用要求的零件数"),
            ("n_dismantled", "parts removed (or sent to cleaning)", "拆解(或送清洗)零件总数")),
    "RR": (("m_core_derived", "mass of product parts that come from cores, kg", "产品中来自旧件的零件质量 kg"),
           ("m_product", "total mass of the remanufactured product, kg", "再制造产品总质量 kg")),
    "RDH": (("m_harmless", "discarded parts treated compliantly, kg", "无害化处理的废弃件质量 kg"),
            ("m_discarded", "all discarded parts, kg", "全部废弃件质量 kg")),
    "RRP": (("m_new", "mass of new replacement parts in the product, kg", "产品中新更换件质量 kg"),
            ("m_product", "total mass of the remanufactured product, kg", "再制造产品总质量 kg")),
    "RNR": (("m_recycled", "non-remanufacturable parts recycled, kg", "回收利用的不可再制造件质量 kg"),
            ("m_non_reman", "all non-remanufacturable parts, kg", "全部不可再制造件质量 kg")),
}

_EXAMPLES = {"SE": (18888.37, 72341.45), "SM": (14800, 62000), "SW": (1200, 6500), "RGHG": (64471.98, 248823.45),
             "RAP": (32.8655, 248.7218), "REF": (800, 5200), "RSW": (3200, 21500), "RUP": (560, 598.9),
             "RND": (137, 198), "RWP": (150, 198), "RR": (560, 598.9), "RDH": (38.9, 38.9), "RRP": (38.9, 598.9),
             "RNR": (36.9, 38.9)}


def _indicator_udf(symbol: str):
    info = ind.BY_SYMBOL[symbol]
    fn = ind.FUNCTIONS[symbol]
    (a, a_en, a_zh), (b, b_en, b_zh) = _SIDES[symbol]
    summed = " (a range is summed)"

    def body(x, y):
        return fn(_sum(x, a), _sum(y, b))

    body.__name__ = body.__qualname__ = info.udf
    body.__doc__ = f"{info.name_en} {info.name_zh} ({symbol}) = {info.formula}. Status: {info.status}."
    kind = "1 − R/M" if info.group != "implementation" else "share of a whole"
    status = "confirmed" if info.status == ind.CONFIRMED else "interpreted"
    wrapped = _cell(body)
    register(
        info.udf,
        [Arg(a, a_en + summed, a_zh + "(区域求和)", takes_range=True),
         Arg(b, b_en + summed, b_zh + "(区域求和)", takes_range=True)],
        f"GB/T 41350 {info.name_en} ({symbol}), {kind}, as a fraction; formula {status}.",
        f"GB/T 41350 {info.name_zh}({symbol}),以小数返回。",
        f"={info.udf}({_EXAMPLES[symbol][0]}, {_EXAMPLES[symbol][1]})",
        indicator=symbol,
    )(wrapped)
    return wrapped


for _symbol in ind.SYMBOLS:
    globals()[f"REMAN_{_symbol}"] = _indicator_udf(_symbol)


@register("REMAN_RATE",
          [Arg("x_reman", "remanufacturing-side quantity (a range is summed)", "再制造侧数量(区域求和)", takes_range=True),
           Arg("x_original", "original-side quantity, same unit (a range is summed)", "原制造侧数量(区域求和)",
               takes_range=True)],
          "Generic reduction rate 1 − R/M of indicators 1–7, as a fraction.",
          "通用减排(节约)率 1 − R/M,以小数返回。", "=REMAN_RATE(1300, 1000)")
@_cell
def REMAN_RATE(x_reman, x_original):
    return ind.reduction_rate(_sum(x_reman, "x_reman"), _sum(x_original, "x_original"), "x_reman", "x_original")


# ---------------------------------------------------------------- conversions


def _pairs(values, keys, units, names):
    """Element-wise triples (value, key, unit) of ranges of one shape; scalars broadcast."""
    v, k, u = _flat(values), _flat(keys), _flat(units)
    n = max(len(v), len(k), len(u))
    for seq, name in ((v, names[0]), (k, names[1]), (u, names[2])):
        if len(seq) not in (1, n):
            raise _bad(name, f"expected 1 cell or {n} cells like the other ranges, got {len(seq)}")
    out = []
    for i in range(n):
        q = v[i if len(v) > 1 else 0]
        key = k[i if len(k) > 1 else 0]
        unit = u[i if len(u) > 1 else 0]
        number = _one_number(q, names[0])
        if number is None and (key is None or key == ""):
            continue  # an empty row of a table
        if number is None:
            number = 0.0
        if key is None or key == "":
            raise _bad(names[1], f"row {i + 1}: expected a key, got an empty cell")
        out.append((number, str(key).strip(), None if unit in (None, "") else str(unit).strip()))
    return out


def _terms(values, keys, units, names, factor_for, divide: bool = False, spill=False) -> list[float]:
    """Each row's quantity times (or divided by) ``factor_for(key, unit)``, rows paired as :func:`_pairs` does.

    The factor is worked out once per (key, unit), in the order the rows first use it.  A range
    of plain numbers and keys is done with C-level maps; anything else (empty or faulty cells)
    goes row by row through :func:`_pairs`, which names the first bad cell.  Rows empty in both
    number and key are left out, whether the terms are summed or ``spill``-ed as a column.
    """
    op = truediv if divide else mul
    v, k, u = _flat(values), _flat(keys), _flat(units)
    n = max(len(v), len(k), len(u))
    try:
        fast = _mapped_terms(v, k, u, n, factor_for, op)
    except _RowByRow:
        fast = None
    if fast is not None:
        return fast
    cache, terms = {}, []
    for q, key, unit in _pairs(values, keys, units, names):
        if (key, unit) not in cache:
            cache[key, unit] = factor_for(key, unit)
        terms.append(op(q, cache[key, unit]))
    return terms


class _RowByRow(Exception):
    """Internal: a range the C-level path does not take (a faulty or empty cell it cannot place)."""


class _Factors(dict):
    """``(key, unit)`` as the cells hold them → factor, worked out on first use (so in row order).

    A key or unit that is not text, and a number without a key, go to the row-by-row path.
    """

    def __init__(self, factor_for):
        super().__init__()
        self.factor_for = factor_for

    def __missing__(self, cells):
        key, unit = cells
        if type(key) is not str or key == "" or not (unit is None or type(unit) is str):
            raise _RowByRow
        value = self[cells] = self.factor_for(key.strip(), None if unit is None or unit == "" else unit.strip())
        return value


def _mapped_terms(v: list, k: list, u: list, n: int, factor_for, op) -> list | None:
    """:func:`_terms` with C-level maps for ranges of numbers (or empty cells) and texts, else None.

    An empty number beside a key counts 0 and rows empty in both number and key are left out, as
    :func:`_pairs` does (a few empty numbers are found by C-level searches and looked at one by one;
    many, when each row is empty in both or in neither, by one C-level comparison of the two columns'
    emptiness, else with C-level maps and counts; then one filtering pass); anything it would refuse (a negative,
    non-finite or non-number value, a number without a key) returns None, so the row-by-row path can
    name the first bad cell (a key left empty beside a number fails its factor lookup).
    """
    if len(v) != n or len(k) not in (1, n) or len(u) not in (1, n):
        return None
    kinds = set(map(type, v))
    if not kinds <= {float, int, _NONE}:
        return None
    factors = _Factors(factor_for)
    pairs = _keyed(k, u, n)
    if _NONE in kinds:
        few = _few_blanks(v, max(FEW_BLANKS, len(v) // 64))
        if few is not None:  # a few empty numbers: each looked at where it is
            v = list(v)
            gone = [i for i in few if len(k) == n and not k[i]]  # empty in number and key: left out
            for i in few:
                v[i] = 0.0
            if gone:
                keep = [True] * n
                for i in gone:
                    keep[i] = False
                v, pairs = list(compress(v, keep)), compress(pairs, keep)
        elif len(k) == n:
            keyed = list(map(truth, k))  # None and "" are the empty keys (a key of spaces is refused below)
            if False in keyed and list(map(is_not, v, repeat(None))) == keyed:
                # the usual gaps (a range selected past its table's rows): each row empty in both or in neither
                v, pairs = list(compress(v, keyed)), compress(pairs, keyed)
            elif False in keyed:  # rows empty in both number and key are left out
                kept = list(compress(v, keyed))
                blank_kept = kept.count(None)
                if v.count(None) - blank_kept != keyed.count(False):
                    return None  # a number without a key: the row-by-row path names its row
                v, pairs = kept, compress(pairs, keyed)
                if blank_kept:
                    v = _blanks_as_zero(v)
            else:
                v = _blanks_as_zero(v)
        else:
            v = _blanks_as_zero(v)
    if int in kinds:
        v = list(map(float, v))  # as _one_number does (an Excel error code is negative and refused below)
    # min() may miss a NaN, but the sum does not (an overflowing sum only sends the range row by row)
    if v and not (min(v) >= 0 and math.isfinite(sum(v))):
        return None
    try:
        return list(map(op, v, map(factors.__getitem__, pairs)))
    except Exception:  # noqa: BLE001 - a number without a key, or a faulty key: named row by row
        return None


def _blanks_as_zero(v: list) -> list:
    """``v`` with each empty cell (None) as 0: an empty number beside a key counts 0."""
    return [0.0 if x is None else x for x in v]


def _few_blanks(v: list, limit: int) -> list[int] | None:
    """The positions of the empty cells (None) of ``v``, found by C-level searches, or None when there
    are more than ``limit`` (then a pass over them all is quicker)."""
    found, i = [], -1
    while True:
        try:
            i = v.index(None, i + 1)
        except ValueError:
            return found
        found.append(i)
        if len(found) > limit:
            return None


def _keyed(k: list, u: list, n: int):
    """``(key, unit)`` of each of ``n`` rows; a single cell is repeated."""
    return zip(k if len(k) == n else k * n, u if len(u) == n else u * n)


def _result(terms: list[float], spill, name: str = "quantity"):
    if _truthy(spill):
        return [[t] for t in terms] if terms else [[0.0]]
    return _fsum(terms, name)


def _truthy(v) -> bool:
    if isinstance(v, str):
        return v.strip().casefold() in TRUE_WORDS | {"spill", "column"}
    return bool(v) and v is not None


@register("REMAN_TCE",
          [Arg("quantity", "quantity of energy (cell or range)", "能源实物量(单元格或区域)", takes_range=True),
           Arg("energy_type", "energy type key, e.g. electricity, diesel (cell or range)",
               "能源种类键,如 electricity、diesel", takes_range=True),
           Arg("unit", "unit of the quantity, e.g. kWh, MWh, t (default: the factor's unit)",
               "数量单位,如 kWh、MWh、t(缺省为系数单位)", optional=True, takes_range=True),
           Arg("electricity_basis", "equivalent (default), equal, or the equal-value coal rate in kgce/kWh",
               "电力折标方式:当量值(缺省)、等价值,或等价值系数 kgce/kWh", optional=True),
           Arg("spill", "TRUE returns one kgce per row as a column instead of the sum",
               "TRUE 时按行返回一列结果而非合计", optional=True)],
          "Energy in kilograms of standard coal equivalent (kgce, GB/T 2589-2020); ranges are summed.",
          "能源折标准煤(kgce,GB/T 2589-2020);区域求和。", '=REMAN_TCE(1, "electricity", "MWh")')
@_cell
def REMAN_TCE(quantity, energy_type, unit=None, electricity_basis=None, spill=False):
    f = default_factors()
    table = f["energy_conversion"]
    equal = None
    if isinstance(electricity_basis, (int, float)) and not isinstance(electricity_basis, bool):
        equal = _positive(electricity_basis, "electricity_basis")
    elif isinstance(electricity_basis, (list, tuple)):
        raise _bad("electricity_basis", "expected a single cell (equivalent, equal or a number)")
    elif electricity_basis not in (None, ""):
        basis = str(electricity_basis).strip().casefold()
        if basis in ("equal", "等价值"):
            raise _bad("electricity_basis", "the equal-value basis needs the coal rate: give a number, e.g. 0.3007")
        if basis not in ("equivalent", "当量值"):
            raise _bad("electricity_basis", f"expected equivalent, equal or a number; got {electricity_basis!r}")
    @_naming("energy_type", "unit")
    def factor_for(key, u):
        k = table.resolve(key, "energy type")
        factor_unit = table.rows[k]["unit"]
        coef = equal if (k == "electricity" and equal is not None) else table.value(k)
        return coef * (f.units.factor(u, factor_unit) if u else 1.0)

    return _result(_terms(quantity, energy_type, unit, ("quantity", "energy_type", "unit"), factor_for, spill=spill),
                   spill)


@register("REMAN_CO2E",
          [Arg("quantity", "quantity consumed or emitted (cell or range)", "消耗量或排放量(单元格或区域)",
               takes_range=True),
           Arg("source", "electricity, a fuel key (diesel, natural_gas …) or a gas (SF6, HFC-134a …)",
               "排放源:electricity、燃料键或温室气体", takes_range=True),
           Arg("unit", "unit of the quantity (default: the factor's unit)", "数量单位(缺省为系数单位)",
               optional=True, takes_range=True),
           Arg("gwp_set", "SAR, AR4, AR5 (default) or AR6", "GWP 版本:SAR、AR4、AR5(缺省)、AR6", optional=True),
           Arg("grid_factor", "grid factor key (default cn_national_2023) or a value in kgCO2/kWh",
               "电网排放因子键(缺省 cn_national_2023)或数值 kgCO2/kWh", optional=True),
           Arg("spill", "TRUE returns one kgCO2e per row as a column instead of the sum",
               "TRUE 时按行返回一列结果", optional=True)],
          "Greenhouse-gas emissions in kgCO2e (fuel factors derived from NCV, carbon content, oxidation).",
          "温室气体排放量 kgCO2e(燃料因子由低位发热量、含碳量、氧化率推得)。",
          '=REMAN_CO2E(0.2, "SF6", "kg", "AR5")')
@_cell
def REMAN_CO2E(quantity, source, unit=None, gwp_set=None, grid_factor=None, spill=False):
    from remanxl.method.inventory import Context, ghg_source
    from remanxl.method.settings import SPEC_BY_NAME, Settings

    f = default_factors()
    gwp_set = (_text(gwp_set, "gwp_set", optional=True) or SPEC_BY_NAME["gwp_set"].default).upper()
    if gwp_set not in SPEC_BY_NAME["gwp_set"].options:
        raise _bad("gwp_set", f"expected {', '.join(SPEC_BY_NAME['gwp_set'].options)}; got {gwp_set!r}")
    if isinstance(grid_factor, (int, float)) and not isinstance(grid_factor, bool):
        settings = Settings(gwp_set=gwp_set, grid_factor_kgco2_per_kwh=_positive(grid_factor, "grid_factor"))
    else:
        key = _text(grid_factor, "grid_factor", optional=True) or SPEC_BY_NAME["grid_factor"].default
        settings = Settings(gwp_set=gwp_set, grid_factor=key)
    ctx = Context(f, settings)

    @_naming("source", "unit")
    def factor_for(key, u):
        # the same reading of a source as the evaluation's GHG table (remanxl.method.inventory)
        kind, found = ghg_source(key, ctx)
        if kind != "ok":
            raise _bad("grid_factor", found.message) if kind == "settings" else _bad("source", found)
        _, factor_unit, per = found
        return per * (f.units.factor(u, factor_unit) if u else 1.0)

    return _result(_terms(quantity, source, unit, ("quantity", "source", "unit"), factor_for, spill=spill), spill)


@register("REMAN_PEQ",
          [Arg("mass_kg", "mass of pollutant in kg (cell or range)", "污染物质量 kg(单元格或区域)", takes_range=True),
           Arg("pollutant", "pollutant key, e.g. so2, nox, cod (cell or range)", "污染物键,如 so2、nox、cod",
               takes_range=True),
           Arg("spill", "TRUE returns one value per row as a column instead of the sum", "TRUE 时按行返回一列结果",
               optional=True)],
          "Pollution equivalents: mass / pollution-equivalent value (Environmental Protection Tax Law annex).",
          "污染当量数:质量 / 污染当量值(环境保护税法附表)。", '=REMAN_PEQ(25, "so2")')
@_cell
def REMAN_PEQ(mass_kg, pollutant, spill=False):
    f = default_factors()
    table, lumped = f["pollution_equivalents"], f["lumped_pollutants"]
    @_naming("pollutant", None)
    def equivalent_value(key, _unit):
        if key in lumped:
            raise _bad("pollutant", f"{key} has no pollution-equivalent value; report it by mass")
        return table.value(key, what="pollutant")

    return _result(_terms(mass_kg, pollutant, None, ("mass_kg", "pollutant", "unit"), equivalent_value, divide=True,
                          spill=spill),
                   spill, "mass_kg")


@register("REMAN_FACTOR",
          [Arg("table", "factor table: energy_conversion, fuel_emission_factors, grid_emission_factors, gwp, "
                        "pollution_equivalents, units", "系数表名称"),
           Arg("key", "row key, e.g. electricity, SF6, so2", "行键,如 electricity、SF6、so2"),
           Arg("column", "column (default: the table's value column), e.g. AR6, source, unit",
               "列名(缺省为数值列),如 AR6、source、unit", optional=True)],
          "The coefficient remanxl ships for a key, with its source one column away.",
          "返回 remanxl 内置系数(或其来源等文字列)。", '=REMAN_FACTOR("energy_conversion", "electricity")')
@_cell
def REMAN_FACTOR(table, key, column=None):
    f = default_factors()
    try:
        t = f[_text(table, "table")]
    except UnknownKeyError as exc:
        raise _bad("table", str(exc)) from None
    column = _text(column, "column", optional=True) or t.value_column
    try:
        row = t.row(_text(key, "key"))
    except UnknownKeyError as exc:
        raise _bad("key", str(exc)) from None
    if column not in row:
        raise _bad("column", f"table {t.name} has no column {column!r}; columns: {', '.join(t.columns)}")
    value = row[column]
    return "" if value is None else value


@register("REMAN_VERSION", [],
          "remanxl version, method version and factor-table versions.",
          "remanxl 版本、方法版本及系数表版本。", "=REMAN_VERSION()")
@_cell
def REMAN_VERSION():
    from remanxl import METHOD_VERSION, __version__

    versions = sorted(set(default_factors().versions().values()))
    return f"remanxl {__version__}; {METHOD_VERSION}; factor tables {', '.join(versions)}"


@register("REMAN_EVALUATE",
          [Arg("tables", "input tables with their header row (e.g. Energy[#All]), the settings range and any "
                         "edited factor tables, in any order", "含表头的输入表、设置区域及系数表,顺序不限",
               takes_range=True, varargs=True)],
          "The indicator table as a 16 x 10 array: header, 14 indicators (symbol, name, value, numerator, "
          "denominator, unit, basis, status, warnings), status row.", "指标结果表(16 行 x 10 列数组)。",
          "=REMAN_EVALUATE(Energy[#All], Water[#All], Parts[#All], Settings[#All])", returns="array")
@_cell
def REMAN_EVALUATE(*tables):
    from remanxl.functions.evaluate_grid import RangeProblems, evaluate_grids, indicator_table
    from remanxl.i18n import resolve_lang

    try:
        ev = evaluate_grids(tables)
    except RangeProblems as exc:
        lang = resolve_lang()
        more = f" (+{len(exc.located) - 1})" if len(exc.located) > 1 else ""
        raise _CellError("#VALUE!", exc.located[0].render(lang) + more) from None
    return indicator_table(ev, ev.settings.language)


@register("REMAN_UNCERTAINTY",
          [Arg("draws", "number of Monte Carlo draws, 2 to 1,000,000 (10000 is the default of the command line)",
               "蒙特卡洛抽样次数,2 至 1,000,000(命令行缺省 10000)"),
           Arg("seed", "seed of the draws, a whole number ≥ 0: the same seed gives the same figures",
               "随机种子(≥ 0 的整数):种子相同则结果相同"),
           Arg("tables", "the ranges REMAN_EVALUATE takes: input tables with headers, the settings, factor tables",
               "与 REMAN_EVALUATE 相同的区域:含表头的输入表、设置及系数表", takes_range=True, varargs=True)],
          "Uncertainty of the 7 comparison rates from each row's provenance, as an 8 x 10 array: value, P5, P50, "
          "P95, mean, P(saving), draws, seed and the input that adds most to the variance.",
          "由各行数据来源得出 7 项对比指标的不确定度(8 行 x 10 列数组):P5、P50、P95、均值、节约概率及方差贡献最大的输入。",
          "=REMAN_UNCERTAINTY(10000, 1, Energy[#All], Water[#All], Settings[#All])", returns="array")
@_cell
def REMAN_UNCERTAINTY(draws, seed, *tables):
    from remanxl.functions.evaluate_grid import RangeProblems, evaluate_grids, uncertainty_table
    from remanxl.i18n import resolve_lang, tr
    from remanxl.method.montecarlo import MissingExtraError, check_draws, check_seed, simulate

    lang = resolve_lang()
    try:
        n = check_draws(_one_number(draws, "draws"))
    except ValueError as exc:
        raise _bad("draws", tr(exc.args[0], lang)) from None
    try:
        s = check_seed(_one_number(seed, "seed"))
    except ValueError as exc:
        raise _bad("seed", tr(exc.args[0], lang)) from None
    try:
        ev = evaluate_grids(tables)
    except RangeProblems as exc:
        more = f" (+{len(exc.located) - 1})" if len(exc.located) > 1 else ""
        raise _CellError("#VALUE!", exc.located[0].render(lang) + more) from None
    try:
        sim = simulate(ev, n, s)
    except MissingExtraError as exc:
        raise _CellError("#N/A", tr(exc.args[0], lang)) from None
    return uncertainty_table(ev, sim, ev.settings.language)
