"""From inventory rows to the quantities the indicators divide.

Each function turns the typed rows of one input table into a :class:`Total`:
per-side sums at the functional unit N, and one :class:`Line` per row saying
how its typed quantity became a number (unit conversion, factor, scaling), so
every figure of an evaluation can be traced back to the cells that made it.

Faults (unknown keys, units of the wrong dimension) are collected in the
context's problem list rather than raised, so a user sees all of them at once.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from remanxl.method.errors import Problem
from remanxl.method.factors import FactorSet, UnknownKeyError
from remanxl.method.inputs import SIDES, Row, Rows
from remanxl.method.settings import Settings
from remanxl.method.units import UnitError

#: Mass ratio of CO2 to carbon (44.0095 / 12.011 rounded as GB/T 32150-2015 prints it).
CO2_PER_C = 44 / 12


@dataclass
class Line:
    """One row's contribution to a total."""

    table: str
    row: int
    side: str
    key: str
    quantity: float  # as typed
    unit: str  # as typed
    converted: float  # in the factor's unit
    factor: float  # per factor unit (1 for plain sums)
    factor_unit: str
    scale: float  # N / products covered by this side's data
    sign: int  # -1 for exported energy
    value: float  # sign × converted × factor × scale

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Total:
    """Per-side sums of one quantity, with the lines behind them."""

    name: str
    unit: str
    lines: list[Line] = field(default_factory=list)
    # Values grouped by side and by key, made in one pass and kept until ``lines`` changes length.
    _groups: tuple | None = field(default=None, repr=False, compare=False)

    def _grouped(self) -> tuple[dict[str, list[float]], dict[str, dict[str, list[float]]]]:
        stamp = (id(self.lines), len(self.lines))
        if self._groups is None or self._groups[0] != stamp:
            by_side: dict[str, list[float]] = {}
            by_key: dict[str, dict[str, list[float]]] = {}  # keys in order of first appearance
            for line in self.lines:
                by_side.setdefault(line.side, []).append(line.value)
                by_key.setdefault(line.key, {}).setdefault(line.side, []).append(line.value)
            self._groups = (stamp, by_side, by_key)
        return self._groups[1], self._groups[2]

    def side(self, side: str) -> float:
        # fsum is correctly rounded whatever the order, so grouped sums equal the row-order sums.
        return math.fsum(self._grouped()[0].get(side, ()))

    def has(self, side: str) -> bool:
        return side in self._grouped()[0]

    def has_key(self, key: str, side: str) -> bool:
        """Whether a line of ``key`` exists on ``side``."""
        return side in self._grouped()[1].get(key, {})

    def by_key(self) -> dict[str, dict[str, float]]:
        return {key: {s: math.fsum(sides.get(s, ())) for s in SIDES} for key, sides in self._grouped()[1].items()}


class FactorLog:
    """The coefficients an evaluation actually used, with their sources."""

    def __init__(self):
        self.used: dict[str, dict[str, dict]] = {}

    def note(self, table: str, key: str, value, unit: str, source: str = "", **extra) -> None:
        self.used.setdefault(table, {})[key] = {"value": value, "unit": unit, "source": source, **extra}


@dataclass
class Context:
    factors: FactorSet
    settings: Settings
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log: FactorLog = field(default_factory=FactorLog)
    _unit_factors: dict = field(default_factory=dict, repr=False)
    _scales: dict = field(default_factory=dict, repr=False)

    def problem(self, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(row.table, row.index, column, message))

    def convert(self, row: Row, to_unit: str, what: str) -> float | None:
        unit = row.values.get("unit")
        factor = self._unit_factors.get((unit, to_unit))
        if factor is None:  # looked up once per pair of units, failures included
            try:
                factor = self.factors.units.factor(unit, to_unit)
            except UnitError as exc:
                factor = exc
            self._unit_factors[unit, to_unit] = factor
        if isinstance(factor, UnitError):
            self.problem(row, "unit", f"{factor} ({what} is counted per {to_unit})")
            return None
        return row.values.get("quantity") * factor  # as UnitTable.convert computes it

    def resolver(self, table: str, what: str):
        """``FactorTable.resolve`` of ``table`` remembered per key (an unknown key raises each time)."""
        t = self.factors[table]
        memo: dict = {}

        def resolve(key):
            found = memo.get(key) if isinstance(key, str) else None
            if found is None:
                try:
                    found = t.resolve(key, what)
                except UnknownKeyError as exc:
                    found = exc
                if isinstance(key, str):
                    memo[key] = found
            if isinstance(found, UnknownKeyError):
                raise found
            return found

        return resolve

    def line(self, row: Row, key: str, converted: float, factor: float, factor_unit: str, sign: int = 1) -> Line:
        v = row.values
        side = v.get("side")
        scale = self._scales.get(side)
        if scale is None:
            scale = self._scales[side] = self.settings.scale(side)
        return Line(row.table, row.index, side, key, v.get("quantity"), v.get("unit"), converted, factor,
                    factor_unit, scale, sign, sign * converted * factor * scale)


def energy_kgce(rows: list[Row], ctx: Context, basis: str | None = None) -> Total:
    """Comprehensive energy consumption CE in kgce (GB/T 2589-2020).

    Each row: quantity converted to the factor's unit × standard-coal coefficient; exported energy
    counts negative.  Electricity uses the equivalent value (当量值) of the energy_conversion table,
    or with ``basis = "equal"`` the user's coal rate of thermal power supply (等价值).
    """
    basis = basis or ctx.settings.electricity_basis
    table = ctx.factors["energy_conversion"]
    resolve = ctx.resolver("energy_conversion", "energy type")
    total = Total(f"CE ({basis})", "kgce")
    coefs: dict[str, float] = {}  # key -> coefficient, noted in the log on first use
    for row in rows:
        try:
            key = resolve(row["energy_type"])
        except UnknownKeyError as exc:
            ctx.problem(row, "energy_type", str(exc))
            continue
        unit = table.rows[key]["unit"]
        converted = ctx.convert(row, unit, key)
        if converted is None:
            continue
        coef = coefs.get(key)
        if coef is None:
            if key == "electricity" and basis == "equal":
                coef = ctx.settings.electricity_equal_value_kgce_per_kwh
                ctx.log.note("energy_conversion", "electricity (equal value)", coef, "kgce/kWh",
                             "setting electricity_equal_value_kgce_per_kwh")
            else:
                coef = table.value(key)
                ctx.log.note("energy_conversion", key, coef, f"kgce/{unit}", table.rows[key].get("source") or "",
                             version=table.version)
            coefs[key] = coef
        sign = -1 if row["flow"] == "exported" else 1
        total.lines.append(ctx.line(row, key, converted, coef, f"kgce/{unit}", sign))
    return total


def energy_on_basis(total: Total, ctx: Context, basis: str) -> Total:
    """The comprehensive energy consumption of :func:`energy_kgce` with electricity on ``basis``.

    The same lines with electricity's coefficient swapped (every other line is unchanged), so
    the other basis is shown without converting every row a second time.
    """
    if basis == "equal":
        coef = ctx.settings.electricity_equal_value_kgce_per_kwh
    else:
        coef = ctx.factors["energy_conversion"].value("electricity")
    out = Total(f"CE ({basis})", "kgce")
    for li in total.lines:
        if li.key == "electricity":
            li = dataclasses.replace(li, factor=coef, value=li.sign * li.converted * coef * li.scale)
        out.lines.append(li)
    return out


def derived_emission_factor(row: dict, ctx: Context) -> float | None:
    """EF = NCV × carbon content × oxidation rate × 44/12, per the row's own unit (GB/T 32150-2015).

    The ``ncv_unit`` of the row (``GJ/t``, ``GJ/10^4 m3`` …) is looked up in the ncv_units table
    (energy unit per amount of a unit); the carbon content is in tC/TJ (= kgC/GJ).  Returns
    ``None`` when a parameter is missing, and the tabulated factor is used instead.
    """
    ncv, cc, of = row.get("ncv"), row.get("carbon_content_tc_per_tj"), row.get("oxidation_rate")
    ncv_unit = row.get("ncv_unit")
    if not all(isinstance(v, float) for v in (ncv, cc, of)) or not ncv_unit:
        return None
    spec = ctx.factors["ncv_units"].row(ncv_unit, "NCV unit")
    units = ctx.factors.units
    gj_per_unit = ncv * units.factor(spec["energy_unit"], "GJ") / (spec["amount"] * units.factor(spec["per_unit"],
                                                                                                  row["unit"]))
    return gj_per_unit * cc * of * CO2_PER_C


def ghg_kgco2e(rows: list[Row], ctx: Context) -> Total:
    """GHG emissions EG in kgCO₂e (GB/T 32150-2015 structure).

    Sources: ``electricity`` × the grid factor in force; a key of fuel_emission_factors × its
    factor (derived from NCV, carbon content and oxidation rate unless the setting
    ``fuel_factor_method`` is ``tabulated``); a gas of the gwp table × its GWP in the chosen set.
    Exported electricity and heat count negative.
    """
    total = Total("EG", "kgCO2e")
    sources: dict = {}  # source as typed -> (key, unit, factor) or a fault, worked out once
    for row in rows:
        source = row["source"]
        found = sources.get(source) if isinstance(source, str) else None
        if found is None:
            found = ghg_source(source, ctx)
            if isinstance(source, str) and found[0] != "row":
                sources[source] = found
        if found[0] == "settings":  # the grid factor setting is wrong: reported once per electricity row
            ctx.problems.append(found[1])
            continue
        if found[0] == "row":
            ctx.problem(row, "source", found[1])
            continue
        key, unit, factor = found[1]
        sign = 1
        if row["flow"] == "exported":
            if key not in ("electricity", "heat"):
                ctx.problem(row, "flow", f"only electricity and heat can be exported; {key} cannot")
                continue
            sign = -1
        converted = ctx.convert(row, unit, key)
        if converted is None:
            continue
        total.lines.append(ctx.line(row, key, converted, factor, f"kgCO2e/{unit}", sign))
    return total


def ghg_source(source, ctx: Context) -> tuple:
    """What a GHG source means: ``("ok", (key, unit, factor))``, or the fault it makes.

    The factor used is noted in the log here, so once per source; a fault of the row itself
    (``"row"``) is not remembered, as its message may name the row.
    """
    s, f = ctx.settings, ctx.factors
    fuels, gwp = f["fuel_emission_factors"], f["gwp"]
    folded = str(source).strip().casefold()
    if folded in ("electricity", "电力", "grid electricity"):
        key, unit = "electricity", "kWh"
        if s.grid_factor_kgco2_per_kwh is not None:
            factor = s.grid_factor_kgco2_per_kwh
            ctx.log.note("grid_emission_factors", "user value", factor, "kgCO2/kWh",
                         "setting grid_factor_kgco2_per_kwh")
        else:
            grid = f["grid_emission_factors"]
            try:
                gkey = grid.resolve(s.grid_factor, "grid factor")
            except UnknownKeyError as exc:
                return ("settings", Problem("settings", None, "grid_factor", str(exc)))
            factor = grid.value(gkey)
            ctx.log.note("grid_emission_factors", gkey, factor, "kgCO2/kWh", grid.rows[gkey].get("source") or "",
                         year=grid.rows[gkey].get("year"), version=grid.version)
    elif source in fuels:
        key = fuels.resolve(source)
        frow = fuels.rows[key]
        unit = frow["unit"]
        derived = derived_emission_factor(frow, ctx) if s.fuel_factor_method == "derived" else None
        factor = derived if derived is not None else fuels.value(key)
        how = "derived: NCV x CC x OF x 44/12" if derived is not None else "tabulated"
        ctx.log.note("fuel_emission_factors", key, factor, f"kgCO2/{unit}",
                     f"{frow.get('source') or ''} ({how})", version=fuels.version)
    elif source in gwp:
        key, unit = gwp.resolve(source), "kg"
        try:
            factor = gwp.value(key, s.gwp_set)
        except UnknownKeyError:
            return ("row", f"gas {key} has no GWP in the {s.gwp_set} set; choose another gwp_set")
        ctx.log.note("gwp", f"{key} ({s.gwp_set})", factor, "kgCO2e/kg", f"IPCC {s.gwp_set} 100-year GWP",
                     version=gwp.version)
    else:
        return ("row", f"unknown GHG source {source!r}; expected electricity, a key of "
                f"fuel_emission_factors ({', '.join(fuels.keys())}) or a gas of the gwp table "
                f"({', '.join(gwp.keys())})")
    return ("ok", (key, unit, factor))


@dataclass
class PollutantTotals:
    """Pollutants of one medium: masses and pollution equivalents per species and side."""

    mass: Total  # kg
    equivalents: Total  # pollution equivalents, counted species only
    excluded: dict[str, str] = field(default_factory=dict)  # species → why left out of the sums


def pollutants(rows: list[Row], ctx: Context, medium: str) -> PollutantTotals:
    """Air or water pollutants: kg per species and Σ mass_j / w_j (Environmental Protection Tax Law annex).

    Lumped air species (VOCs) have no equivalent value: they are kept out of both sums and reported on
    their own.  For water, only the oxygen-demand parameter chosen in the settings counts.
    """
    table = ctx.factors["pollution_equivalents"]
    lumped = ctx.factors["lumped_pollutants"]
    mass, eq = Total(f"{medium} pollutants", "kg"), Total(f"{medium} pollution equivalents", "PE")
    excluded: dict[str, str] = {}
    oxygen_demand = {"cod", "bod5", "toc"}
    species: dict = {}  # pollutant as typed -> what it is, worked out once
    for row in rows:
        name = row["pollutant"]
        kind = species.get(name) if isinstance(name, str) else None
        if kind is None:
            kind = _species(name, ctx, medium)
            if isinstance(name, str):
                species[name] = kind
        if kind[0] == "lumped":
            key = kind[1]
            kg = ctx.convert(row, "kg", key)
            if kg is not None:
                mass.lines.append(ctx.line(row, key, kg, 1.0, "kg/kg"))
                excluded[key] = lumped.rows[key].get("note") or "no pollution-equivalent value"
            continue
        if kind[0] == "fault":
            ctx.problem(row, "pollutant", kind[1])
            continue
        key = kind[1]
        kg = ctx.convert(row, "kg", key)
        if kg is None:
            continue
        line = ctx.line(row, key, kg, 1.0, "kg/kg")
        w = table.value(key)
        if not kind[2]:  # note the equivalent value once, where the first row of the species is counted
            ctx.log.note("pollution_equivalents", key, w, "kg/PE", table.rows[key].get("source") or "",
                         version=table.version)
            species[name] = kind = ("counted", key, True)
        if medium == "water" and key in oxygen_demand and key != ctx.settings.oxygen_demand_parameter:
            excluded[key] = (f"only one oxygen-demand parameter counts "
                             f"(setting oxygen_demand_parameter = {ctx.settings.oxygen_demand_parameter})")
            mass.lines.append(line)
            continue
        mass.lines.append(line)
        eq.lines.append(ctx.line(row, key, kg, 1.0 / w, "PE/kg"))
    return PollutantTotals(mass, eq, excluded)


def _species(name, ctx: Context, medium: str) -> tuple:
    """``("lumped", key)``, ``("counted", key, noted)`` or ``("fault", message)`` for a pollutant name."""
    table = ctx.factors["pollution_equivalents"]
    lumped = ctx.factors["lumped_pollutants"]
    if name in lumped and lumped.row(name).get("medium") == medium:
        return ("lumped", lumped.resolve(name))
    try:
        key = table.resolve_where(name, "medium", medium, f"{medium} pollutant")
    except UnknownKeyError as exc:
        return ("fault", str(exc))
    if table.rows[key].get("medium") != medium:
        return ("fault", f"{key} is a {table.rows[key].get('medium')} pollutant; this table holds {medium} pollutants")
    return ("counted", key, False)


def plain_sum(rows: list[Row], ctx: Context, name: str, unit: str, key_column: str | None = None) -> Total:
    """Σ quantity converted to ``unit`` (water m³, waste and materials kg)."""
    total = Total(name, unit)
    for row in rows:
        converted = ctx.convert(row, unit, name)
        if converted is not None:
            key = row[key_column] if key_column else name
            total.lines.append(ctx.line(row, key or name, converted, 1.0, f"{unit}/{unit}"))
    return total


def provenance(tables: dict[str, list[Row]]) -> dict:
    """How the original-side inputs were obtained: counts by provenance, per table and in all."""
    counts: dict[str, int] = {}
    per_table: dict[str, dict[str, int]] = {}
    unspecified: list[tuple[str, int]] = []
    for name, rows in tables.items():
        if isinstance(rows, Rows):  # parsed columns: no Row objects needed
            cells = zip(rows.column("side"), rows.column("provenance"), rows.indices)
        else:
            cells = ((row["side"], row["provenance"], row.index) for row in rows)
        for side, p, index in cells:
            if side != "original":
                continue
            p = p or "unspecified"
            counts[p] = counts.get(p, 0) + 1
            per_table.setdefault(name, {})[p] = per_table.get(name, {}).get(p, 0) + 1
            if p == "unspecified":
                unspecified.append((name, index))
    n = sum(counts.values())
    return {
        "original_rows": n,
        "by_provenance": counts,
        "by_table": per_table,
        "estimated_rows": counts.get("estimated", 0),
        "share_estimated": (counts.get("estimated", 0) / n) if n else None,
        "unspecified": unspecified,
    }
