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

from remanxl.i18n import Msg
from remanxl.method.errors import Problem
from remanxl.method.factors import FactorSet, UnknownKeyError
from remanxl.method.inputs import SIDES, Row, Rows
from remanxl.method.settings import Settings
from remanxl.method.units import UnitError
from remanxl.method.values import fold
from remanxl.method.vocabulary import aliases_of

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
        return self.__dict__.copy()  # (a third of dict(self.__dict__)'s time: a plant inventory has 60,000 lines)


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
    _densities: dict = field(default_factory=dict, repr=False)

    def problem(self, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(row.table, row.index, column, message))

    def convert(self, row: Row, to_unit: str, what: str, density: float | None = None) -> float | None:
        """The row's quantity in ``to_unit``; a mass may become a volume (and back) at ``density`` kg/m3."""
        unit = row.values.get("unit")
        factor = self._unit_factors.get((unit, to_unit, density))
        if factor is None:  # looked up once per pair of units, failures included
            try:
                factor = self.factors.units.factor(unit, to_unit, density)
            except UnitError as exc:
                factor = exc
            self._unit_factors[unit, to_unit, density] = factor
        if isinstance(factor, UnitError):
            self.problem(row, "unit", Msg("unit.counted_per", problem=factor.args[0], what=what, unit=to_unit))
            return None
        return row.values.get("quantity") * factor  # as UnitTable.convert computes it

    def density(self, substance: str) -> float | None:
        """kg/m3 of ``substance`` from the densities table, or None (looked up once per substance: an
        energy table asks for every row)."""
        if substance in self._densities:
            return self._densities[substance]
        table = self.factors.tables.get("densities")
        found = None if table is None or substance not in table.rows else table.value(substance)
        self._densities[substance] = found
        return found

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
    or with ``basis = "equal"`` the user's coal rate of thermal power supply (等价值).  Water-like
    media counted per tonne may be typed in m3 (the densities table).
    """
    basis = basis or ctx.settings.electricity_basis
    table = ctx.factors["energy_conversion"]
    resolve = ctx.resolver("energy_conversion", Msg("what.energy_type"))
    total = Total(f"CE ({basis})", "kgce")
    coefs: dict[str, float] = {}  # key -> coefficient, noted in the log on first use
    for row in rows:
        try:
            key = resolve(row["energy_type"])
        except UnknownKeyError as exc:
            ctx.problem(row, "energy_type", exc.args[0])
            continue
        if key == "fresh_water" and ctx.settings.fresh_water_in_energy:
            ctx.problem(row, "energy_type", Msg("energy.fresh_water_duplicate"))
            continue
        unit = table.rows[key]["unit"]
        converted = ctx.convert(row, unit, key, ctx.density(key))
        if converted is None:
            continue
        coef = coefs.get(key)
        if coef is None:
            coef = coefs[key] = _energy_coefficient(key, basis, ctx)
        sign = -1 if row["flow"] == "exported" else 1
        total.lines.append(ctx.line(row, key, converted, coef, f"kgce/{unit}", sign))
    return total


def _energy_coefficient(key: str, basis: str, ctx: Context) -> float:
    """kgce per factor unit of ``key``, noted in the log."""
    table = ctx.factors["energy_conversion"]
    if key == "electricity" and basis == "equal":
        coef = ctx.settings.electricity_equal_value_kgce_per_kwh
        ctx.log.note("energy_conversion", "electricity (equal value)", coef, "kgce/kWh",
                     "setting electricity_equal_value_kgce_per_kwh")
        return coef
    coef = table.value(key)
    ctx.log.note("energy_conversion", key, coef, f"kgce/{table.rows[key]['unit']}", table.rows[key].get("source") or "",
                 version=table.version)
    return coef


def fresh_water_energy(water: Total, ctx: Context) -> list[Line]:
    """Energy lines of the fresh water withdrawn (the Water sheet), at its energy_conversion coefficient.

    GB/T 2589-2020 counts fresh water (新水) as an energy-carrying medium; with the setting
    ``fresh_water_in_energy`` it is typed once, on the Water sheet, and counted in both SW and SE.
    The water lines are in m3; the coefficient is per tonne (the densities table: 1 t = 1 m3).
    """
    if not water.lines:
        return []
    table = ctx.factors["energy_conversion"]
    unit = table.rows["fresh_water"]["unit"]
    to_unit = ctx.factors.units.factor("m3", unit, ctx.density("fresh_water"))
    coef = _energy_coefficient("fresh_water", ctx.settings.electricity_basis, ctx)
    return [dataclasses.replace(li, key="fresh_water", converted=li.converted * to_unit, factor=coef,
                                factor_unit=f"kgce/{unit}", value=li.sign * li.converted * to_unit * coef * li.scale)
            for li in water.lines]


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
    spec = ctx.factors["ncv_units"].row(ncv_unit, Msg("what.ncv_unit"))
    units = ctx.factors.units
    gj_per_unit = ncv * units.factor(spec["energy_unit"], "GJ") / (spec["amount"] * units.factor(spec["per_unit"],
                                                                                                  row["unit"]))
    return gj_per_unit * cc * of * CO2_PER_C


def ghg_from_energy(energy: Total, ctx: Context) -> Total:
    """GHG emissions of the Energy sheet's rows (setting ``ghg_from_energy``), in kgCO₂e.

    Each energy line (quantity already in its energy_conversion unit) becomes the emissions of the
    GHG source the energy_ghg_sources table names for its energy type: purchased electricity × the
    grid factor, heat × the heat factor, a fuel × its emission factor (GB/T 32150-2015).  Exported
    energy counts negative, as in the energy sum.  Energy types without a source there are
    energy-carrying media (no direct emission) or fuels remanxl has no factor for: the latter are
    named in a warning, since their emissions are then missing.
    """
    total = Total("EG (energy)", "kgCO2e")
    mapping = ctx.factors["energy_ghg_sources"]
    conv = ctx.factors["energy_conversion"]
    sources: dict[str, tuple | None] = {}
    missing: list[str] = []
    for li in energy.lines:
        found = sources.get(li.key, ())
        if found == ():
            source = mapping.rows.get(li.key, {}).get("ghg_source")
            found = None
            if source:
                kind, value = ghg_source(source, ctx)
                if kind == "settings":
                    ctx.problems.append(value)
                elif kind == "row":
                    ctx.problems.append(Problem("factors:energy_ghg_sources", None, "ghg_source", value))
                else:
                    key, unit, factor = value
                    found = (key, unit, factor, ctx.factors.units.factor(conv.rows[li.key]["unit"], unit))
            elif conv.rows[li.key].get("kind") != "medium":
                missing.append(li.key)
            sources[li.key] = found
        if found is None:
            continue
        key, unit, factor, to_unit = found
        converted = li.converted * to_unit
        total.lines.append(Line("energy", li.row, li.side, key, li.quantity, li.unit, converted, factor,
                                f"kgCO2e/{unit}", li.scale, li.sign, li.sign * converted * factor * li.scale))
    if missing:
        ctx.warnings.append(Msg("ghg.energy_without_source", types=", ".join(missing)))
    return total


def energy_sources(ctx: Context) -> set[str]:
    """The GHG sources the Energy sheet gives (setting ``ghg_from_energy``): never typed on the GHG sheet too."""
    return {r["ghg_source"] for r in ctx.factors["energy_ghg_sources"].rows.values() if r.get("ghg_source")}


def ghg_kgco2e(rows: list[Row], ctx: Context, from_energy: set[str] = frozenset()) -> Total:
    """GHG emissions EG in kgCO₂e of the GHG sheet's rows (GB/T 32150-2015 structure).

    Sources: ``electricity`` × the grid factor in force; a key of fuel_emission_factors × its
    factor (derived from NCV, carbon content and oxidation rate unless the setting
    ``fuel_factor_method`` is ``tabulated``); a gas of the gwp table × its GWP in the chosen set.
    Exported electricity and heat count negative.  A source in ``from_energy`` is refused: the
    Energy sheet gives it already, and one fact is never counted twice.
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
        if key in from_energy:
            ctx.problem(row, "source", Msg("ghg.duplicate_energy", source=key))
            continue
        sign = 1
        if row["flow"] == "exported":
            if key not in ("electricity", "heat"):
                ctx.problem(row, "flow", Msg("ghg.export_only", key=key))
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
    word = aliases_of("ghg_source", f.aliases).get(fold(source), source) if source is not None else source
    if word is not None and fold(word) == "electricity":
        key, unit = "electricity", "kWh"
        if s.grid_factor_kgco2_per_kwh is not None:
            factor = s.grid_factor_kgco2_per_kwh
            ctx.log.note("grid_emission_factors", "user value", factor, "kgCO2/kWh",
                         "setting grid_factor_kgco2_per_kwh")
        else:
            grid = f["grid_emission_factors"]
            try:
                gkey = grid.resolve(s.grid_factor, Msg("what.grid_factor"))
            except UnknownKeyError as exc:
                return ("settings", Problem("settings", None, "grid_factor", exc.args[0]))
            factor = grid.value(gkey)
            ctx.log.note("grid_emission_factors", gkey, factor, "kgCO2/kWh", grid.rows[gkey].get("source") or "",
                         year=grid.rows[gkey].get("year"), version=grid.version)
    elif word in fuels:
        key = fuels.resolve(word)
        frow = fuels.rows[key]
        unit = frow["unit"]
        derived = derived_emission_factor(frow, ctx) if s.fuel_factor_method == "derived" else None
        factor = derived if derived is not None else fuels.value(key)
        how = "derived: NCV x CC x OF x 44/12" if derived is not None else "tabulated"
        ctx.log.note("fuel_emission_factors", key, factor, f"kgCO2/{unit}",
                     f"{frow.get('source') or ''} ({how})", version=fuels.version)
    elif word in gwp:
        key, unit = gwp.resolve(word), "kg"
        try:
            factor = gwp.value(key, s.gwp_set)
        except UnknownKeyError:
            return ("row", Msg("ghg.no_gwp", key=key, gwp_set=s.gwp_set))
        ctx.log.note("gwp", f"{key} ({s.gwp_set})", factor, "kgCO2e/kg", f"IPCC {s.gwp_set} 100-year GWP",
                     version=gwp.version)
    else:
        return ("row", Msg("ghg.unknown_source", text=str(source)[:40], fuels=", ".join(fuels.keys()),
                           gases=", ".join(gwp.keys())))
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
    weights: dict = {}  # species -> kg per pollution equivalent
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
                excluded[key] = lumped.rows[key].get("note") or Msg("pollutant.no_equivalent")
            continue
        if kind[0] == "fault":
            ctx.problem(row, "pollutant", kind[1])
            continue
        key = kind[1]
        kg = ctx.convert(row, "kg", key)
        if kg is None:
            continue
        line = ctx.line(row, key, kg, 1.0, "kg/kg")
        w = weights.get(key)
        if w is None:  # the equivalent value, looked up once per species
            w = weights[key] = table.value(key)
        if not kind[2]:  # note the equivalent value once, where the first row of the species is counted
            ctx.log.note("pollution_equivalents", key, w, "kg/PE", table.rows[key].get("source") or "",
                         version=table.version)
            species[name] = kind = ("counted", key, True)
        if medium == "water" and key in oxygen_demand and key != ctx.settings.oxygen_demand_parameter:
            excluded[key] = Msg("pollutant.oxygen_demand", parameter=ctx.settings.oxygen_demand_parameter)
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
    what = Msg("what.air_pollutant") if medium == "air" else Msg("what.water_pollutant")
    try:
        key = table.resolve(name, what, where={"medium": medium})
    except UnknownKeyError as exc:
        if name in table:  # a pollutant of the other medium
            other = table.resolve(name)
            return ("fault", Msg("pollutant.wrong_medium", key=other,
                                 medium=_medium(table.rows[other].get("medium"), article=True),
                                 expected=_medium(medium)))
        return ("fault", exc.args[0])
    return ("counted", key, False)


def _medium(name, article: bool = False):
    from remanxl.i18n import Choice

    if name == "air":
        return Choice("an air" if article else "air", "大气")
    return Choice("a water" if article else "water", "水")


def plain_sum(rows: list[Row], ctx: Context, name: str, unit: str, key_column: str | None = None,
              density: float | None = None) -> Total:
    """Σ quantity converted to ``unit`` (water m³, waste and materials kg); a mass becomes a volume at
    ``density`` kg/m3 (water typed in 吨)."""
    total = Total(name, unit)
    for row in rows:
        converted = ctx.convert(row, unit, name, density)
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
