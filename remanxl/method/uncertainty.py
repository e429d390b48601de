"""How sure is a saving: each comparison rate as an uncertain quantity, and what its spread depends on.

A comparison rate (indicators 1–7) is ``1 − R/M``, each side a sum of lines, one per input row:
``value = sign × quantity × coefficient × scale``.  The uncertainty model gives

* each **input row** a lognormal multiplier of median 1 whose spread (GSD²) is the row's own
  ``uncertainty`` cell, or else the default of its provenance (factor table ``provenance_uncertainty``:
  the pedigree-matrix approach of the ecoinvent data quality guideline; a blank provenance counts as
  ``unspecified``);
* each **coefficient** (a kgce coefficient, a fuel or grid emission factor …) a lognormal multiplier
  of median 1 from the factor table ``factor_uncertainty`` (``table:key``, else ``table``), drawn once per
  draw and shared by every line that uses it, on both sides and in every rate: a factor that
  multiplies both sides equally leaves the rate unchanged.

The median of each input is the value typed (the ecoinvent convention), so the median of a rate is
close to its plain value.  Rows of the parts ledger (the new parts counted in materials) are
counts and weighed masses with no provenance column: they are taken as exact.

This module is pure Python: it builds the model, and ranks inputs by their first-order share of a
rate's variance and by a ±10 % one-at-a-time tornado.  :mod:`remanxl.method.montecarlo` draws.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from remanxl.method.spread import sigma_of

#: The comparison rates (indicators 1–7): the ones that depend on uncertain inputs.  The seven
#: implementation ratios are counts and weighed masses of the parts ledger.
RATES = ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW")
#: Provenance of a row that gives none.
UNSPECIFIED = "unspecified"
#: The step of the one-at-a-time tornado: each input at −10 % and +10 %.
TORNADO_STEP = 0.10
#: How many inputs a ranking names.
TOP = 10


@dataclass(frozen=True)
class Term:
    """One line of one side of a rate: its plain value, its row's spread and its coefficient."""

    table: str
    row: int
    side: str  # reman | original
    key: str
    value: float  # signed, as summed in the plain evaluation
    sigma: float  # σ of ln(row multiplier)
    provenance: str
    gsd2: float
    coefficient: str | None  # id of the shared coefficient (factor_uncertainty key), None if exact


@dataclass
class RateModel:
    """One comparison rate as terms, with the coefficients' σ (of ln multiplier)."""

    symbol: str
    value: float
    reman: float  # plain R
    original: float  # plain M
    terms: list[Term]
    coefficients: dict[str, float] = field(default_factory=dict)  # id -> σ


@dataclass(frozen=True)
class Contributor:
    """An input named by sheet and row (a row) or by coefficient (a factor), with its effect on a rate."""

    kind: str  # row | factor
    name: str  # the coefficient id, or "table row N"
    table: str | None
    row: int | None
    side: str | None
    key: str | None
    provenance: str | None
    gsd2: float
    share: float | None = None  # first-order share of the rate's variance
    low: float | None = None  # the rate with this input 10 % lower
    high: float | None = None  # … 10 % higher

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def coefficient_gsd2(table, coefficient: str) -> float:
    """GSD² of a coefficient from the ``factor_uncertainty`` table: its ``table:key`` row, else its
    table's row, else 1 (exact)."""
    if coefficient in table.rows:
        return table.value(coefficient)
    prefix = coefficient.split(":", 1)[0]
    return table.value(prefix) if prefix in table.rows else 1.0


def _coefficient_id(symbol: str, key: str, ev) -> str | None:
    """The shared coefficient a line of rate ``symbol`` was multiplied by (None for a plain sum)."""
    s, f = ev.settings, ev.factors
    if symbol == "SE":
        if key == "electricity" and s.electricity_basis == "equal":
            return "settings:electricity_equal_value_kgce_per_kwh"
        return f"energy_conversion:{key}"
    if symbol == "RGHG":
        if key == "electricity":
            if s.grid_factor_kgco2_per_kwh is not None:
                return "settings:grid_factor_kgco2_per_kwh"
            return f"grid_emission_factors:{f['grid_emission_factors'].resolve(s.grid_factor)}"
        if key in f["fuel_emission_factors"].rows:
            return f"fuel_emission_factors:{key}"
        return f"gwp:{key}"
    if (symbol == "RAP" and s.air_aggregation != "mass") or (
            symbol == "REF" and s.effluent_basis == "pollution_equivalent"):
        return f"pollution_equivalents:{key}"
    return None


def _row_spreads(ev) -> dict[tuple[str, int], tuple[str, float]]:
    """(table, row) → (provenance, GSD²) of every input row, its own spread before its provenance's."""
    defaults = ev.factors["provenance_uncertainty"]
    out = {}
    for table, (indices, _, provenances, spreads) in ev.row_quality.items():
        for index, prov, spread in zip(indices, provenances, spreads):
            prov = prov or UNSPECIFIED
            out[table, index] = (prov, spread if spread is not None else defaults.value(prov))
    return out


def build_models(ev) -> dict[str, RateModel]:
    """The uncertainty model of every comparison rate that has a value."""
    spreads = _row_spreads(ev)
    coef_table = ev.factors["factor_uncertainty"]
    models = {}
    for symbol in RATES:
        res, total = ev.indicators[symbol], ev.totals.get(symbol)
        if res.value is None or total is None:
            continue
        terms, coefficients = [], {}
        for li in total.lines:
            prov, gsd2 = spreads.get((li.table, li.row), ("parts ledger", 1.0))
            coef = _coefficient_id(symbol, li.key, ev)
            if coef is not None and coef not in coefficients:
                coefficients[coef] = sigma_of(coefficient_gsd2(coef_table, coef))
            terms.append(Term(li.table, li.row, li.side, li.key, li.value, sigma_of(gsd2), prov, gsd2, coef))
        models[symbol] = RateModel(symbol, res.value, res.numerator, res.denominator, terms,
                                   {k: v for k, v in coefficients.items()})
    return models


def _row_name(t: Term) -> str:
    """The row as a user counts it: the n-th data row of its table (a workbook names its sheet row)."""
    if t.row < 0:  # a line that is no input row: the new parts the ledger adds to materials
        return f"{t.table}: {t.key}"
    return f"{t.table} table, row {t.row + 1}"


def _variance_terms(model: RateModel) -> list[tuple[float, Contributor]]:
    """Each uncertain input's first-order contribution to the variance of the rate.

    With the rate ``S = 1 − R/M`` and each input x multiplying its lines by ``exp(σ·z)``, the
    first-order effect of ``ln x`` is ``∂S/∂ln x = −R_x/M + R·M_x/M²`` (R_x, M_x: the part of each side
    that x multiplies), and its contribution ``(∂S/∂ln x)² σ²``.  A coefficient that multiplies both
    sides in the same proportion (R_x/R = M_x/M) has none, as in the simulation.
    """
    R, M = model.reman, model.original
    items: list[tuple[float, Contributor]] = []
    for t in model.terms:
        if t.sigma > 0:
            d = -t.value / M if t.side == "reman" else R * t.value / (M * M)
            items.append((d * d * t.sigma ** 2, _row_contributor(t)))
    for coef, sigma in model.coefficients.items():
        if sigma > 0:
            rx, mx = _coefficient_parts(model, coef)
            d = -rx / M + R * mx / (M * M)
            items.append((d * d * sigma ** 2, _factor_contributor(coef, sigma)))
    return items


def first_order_variance(model: RateModel) -> float:
    """The rate's variance to first order: the sum the shares of :func:`sensitivity` divide."""
    return math.fsum(v for v, _ in _variance_terms(model))


def sensitivity(model: RateModel, top: int = TOP) -> list[Contributor]:
    """The inputs contributing most to the variance of the rate, largest first, with their first-order
    share of it (see :func:`_variance_terms`)."""
    items = _variance_terms(model)
    total = math.fsum(v for v, _ in items)
    ranked = sorted(items, key=lambda x: -x[0])[:top]
    return [_with(c, share=(v / total if total > 0 else 0.0)) for v, c in ranked if v > 0]


def tornado(model: RateModel, top: int = TOP, step: float = TORNADO_STEP) -> list[Contributor]:
    """The rate with each input (a row or a coefficient) 10 % lower and 10 % higher, one at a time,
    the widest swings first."""
    R, M = model.reman, model.original
    items: list[tuple[float, Contributor]] = []

    def rate(r, m):
        return 1.0 - r / m if m else math.nan

    for t in model.terms:
        if t.side == "reman":
            lo, hi = rate(R - step * t.value, M), rate(R + step * t.value, M)
        else:
            lo, hi = rate(R, M - step * t.value), rate(R, M + step * t.value)
        items.append((abs(hi - lo), _with(_row_contributor(t), low=lo, high=hi)))
    for coef, sigma in model.coefficients.items():
        if sigma == 0:  # exact by definition (a unit conversion, a legal weight): nothing to improve
            continue
        rx, mx = _coefficient_parts(model, coef)
        lo, hi = rate(R - step * rx, M - step * mx), rate(R + step * rx, M + step * mx)
        items.append((abs(hi - lo), _with(_factor_contributor(coef, sigma), low=lo, high=hi)))
    ranked = sorted((x for x in items if x[0] > 0 and not math.isnan(x[0])), key=lambda x: -x[0])
    return [c for _, c in ranked[:top]]


def _coefficient_parts(model: RateModel, coef: str) -> tuple[float, float]:
    rx = math.fsum(t.value for t in model.terms if t.coefficient == coef and t.side == "reman")
    mx = math.fsum(t.value for t in model.terms if t.coefficient == coef and t.side == "original")
    return rx, mx


def _row_contributor(t: Term) -> Contributor:
    return Contributor("row", _row_name(t), t.table, t.row, t.side, t.key, t.provenance, t.gsd2)


def _factor_contributor(coef: str, sigma: float) -> Contributor:
    return Contributor("factor", coef, None, None, None, coef.split(":", 1)[-1], None, math.exp(2 * sigma))


def _with(c: Contributor, **changes) -> Contributor:
    from dataclasses import replace

    return replace(c, **changes)
