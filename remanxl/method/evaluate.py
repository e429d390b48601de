"""One evaluation: input tables + settings + factors → the 14 indicators with their audit trail.

>>> from remanxl import evaluate, load_example
>>> ev = evaluate(load_example())
>>> ev.valid, sorted(ev.indicators)[:3]
(True, ['RAP', 'RDH', 'REF'])
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field, replace

from remanxl.method import indicators as ind
from remanxl.method.errors import InputError, Problem, UndefinedRateError, excel_precision
from remanxl.method.factors import FactorSet, default_factors
from remanxl.method.inputs import INVENTORY_TABLES, SIDES, EvaluationInput, Rows, parse_tables
from remanxl.i18n import Msg
from remanxl.method.inventory import (Context, Line, Total, energy_kgce, energy_on_basis, energy_sources,
                                      fresh_water_energy, ghg_from_energy, ghg_kgco2e, plain_sum, pollutants,
                                      provenance)
from remanxl.method.vocabulary import choice_words
from remanxl.method.parts import PartsSums, mass_balance_gap, ratio_terms, sum_parts
from remanxl.method.settings import Settings, settings_of

#: Band around the CO2-per-kgce ratios the factor tables allow, outside which a side's
#: energy-related GHG and energy figures are probably in inconsistent units (t vs kg).
CO2_PER_KGCE_SLACK = 2.0


@dataclass
class IndicatorResult:
    """One indicator: its value and everything needed to audit it."""

    symbol: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    basis: str
    status: str
    warnings: list[str] = field(default_factory=list)
    reason: str = ""  # why value is None

    @property
    def info(self) -> ind.IndicatorInfo:
        return ind.BY_SYMBOL[self.symbol]

    @property
    def formula(self) -> str:
        """The equivalent worksheet formula with this result's numbers."""
        if self.numerator is None or self.denominator is None:
            return ""
        num, den = excel_precision(self.numerator), excel_precision(self.denominator)
        return f"={self.info.udf}({num!r}, {den!r})"

    def to_dict(self) -> dict:
        i = self.info
        return {
            "value": self.value, "numerator": self.numerator, "denominator": self.denominator,
            "unit": self.unit, "basis": self.basis, "status": self.status, "warnings": list(self.warnings),
            "reason": self.reason, "name_en": i.name_en, "name_zh": i.name_zh, "group": i.group,
            "formula": i.formula, "numerator_symbol": i.numerator, "denominator_symbol": i.denominator,
            "reference": i.reference, "udf_formula": self.formula,
        }


@dataclass
class Evaluation:
    """The result of :func:`evaluate`."""

    indicators: dict[str, IndicatorResult]
    settings: Settings
    factors_used: dict
    breakdowns: dict
    provenance: dict
    warnings: list[str]
    invalid_reasons: list[str]
    computed_at: str
    factor_versions: dict
    source: str = ""
    #: What the uncertainty analysis draws from (:mod:`remanxl.method.uncertainty`), not part of
    #: :meth:`to_dict`: the per-side total behind each comparison rate, the factor tables in force and,
    #: per input table, each row's position, side, provenance and typed spread.
    totals: dict = field(default_factory=dict, repr=False, compare=False)
    factors: FactorSet | None = field(default=None, repr=False, compare=False)
    row_quality: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        return not self.invalid_reasons

    def __getitem__(self, symbol: str) -> IndicatorResult:
        return self.indicators[symbol]

    def to_frame(self):
        """One row per indicator as a pandas DataFrame (value, numerator, denominator, unit, basis, status,
        warnings, reason); needs pandas (``pip install "remanxl[uncertainty]"``)."""
        from remanxl.method.frames import evaluation_frame

        return evaluation_frame(self)

    def uncertainty(self, draws: int = 10_000, seed: int | None = None):
        """Monte Carlo of the comparison rates (:func:`remanxl.method.montecarlo.simulate`); needs numpy."""
        from remanxl.method.montecarlo import simulate

        return simulate(self, draws, seed)

    def to_dict(self) -> dict:
        from remanxl import METHOD_VERSION, __version__

        return _rounded({
            "remanxl_version": __version__, "method_version": METHOD_VERSION, "computed_at": self.computed_at,
            "source": self.source, "valid": self.valid, "invalid_reasons": list(self.invalid_reasons),
            "indicators": {s: r.to_dict() for s, r in self.indicators.items()},
            "warnings": list(self.warnings), "provenance": self.provenance, "breakdowns": self.breakdowns,
            "settings": self.settings.to_dict(), "factors_used": self.factors_used,
            "factor_versions": self.factor_versions,
        })


def _rounded(obj):
    """Every float of a result rounded to the 15 digits a spreadsheet keeps (see ``excel_precision``)."""
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_rounded(v) for v in obj]
    return excel_precision(obj)


def _with_rates(by_key: dict[str, dict[str, float]]) -> dict[str, dict]:
    """Per-key side totals, each with its own 1 − R/M (None where the original side is 0)."""
    return {k: _sides(v) for k, v in by_key.items()}


def _sides(v: dict[str, float]) -> dict:
    return {**v, "rate": _rate_or_none(v["reman"], v["original"])}


def _rate_or_none(r: float, m: float) -> float | None:
    return 1.0 - r / m if m else None


def _comparison(symbol: str, total: Total, unit: str, basis: str, empty_what: str) -> IndicatorResult:
    info = ind.BY_SYMBOL[symbol]
    fn = ind.FUNCTIONS[symbol]
    res = IndicatorResult(symbol, None, None, None, unit, basis, info.status)
    if not total.has("original"):
        res.reason = Msg("result.no_original", what=empty_what)
        return res
    if not total.has("reman"):
        res.warnings.append(Msg("result.no_reman", what=empty_what))
    res.numerator, res.denominator = total.side("reman"), total.side("original")
    try:
        res.value = fn(res.numerator, res.denominator)
    except UndefinedRateError as exc:
        res.reason = str(exc)
    except InputError as exc:  # a net negative total (more exported than consumed)
        res.reason = "; ".join(p.message for p in exc.problems)
    return res


def _share(symbol: str, terms, unit_of) -> IndicatorResult:
    info = ind.BY_SYMBOL[symbol]
    part, whole, basis, note = terms
    res = IndicatorResult(symbol, None, part, whole, unit_of(basis), basis + (f"; {note}" if note else ""),
                          info.status)
    if part is None or whole is None:
        res.reason = Msg("result.ledger_lacks")
        return res
    try:
        res.value = ind.FUNCTIONS[symbol](part, whole)
    except UndefinedRateError as exc:
        res.reason = str(exc)
    except InputError as exc:
        res.reason = "; ".join(p.message for p in exc.problems)
    return res


def _species_breakdown(p, ctx: Context, label: str) -> dict:
    masses, eqs = p.mass.by_key(), p.equivalents.by_key()
    out = {}
    for key, kg in masses.items():
        present = {s: p.mass.has_key(key, s) for s in SIDES}
        if present["reman"] != present["original"]:
            ctx.warnings.append(Msg("result.one_side_reman" if present["reman"] else "result.one_side_original",
                                    what=label, key=key))
        e = eqs.get(key)
        out[key] = {
            "reman_kg": kg["reman"], "original_kg": kg["original"],
            "reman_equivalents": e["reman"] if e else None, "original_equivalents": e["original"] if e else None,
            "rate": _rate_or_none(kg["reman"], kg["original"]), "counted": key not in p.excluded,
            "note": p.excluded.get(key, ""),
        }
    return out


def _co2_per_kgce_band(ctx: Context) -> tuple[float, float]:
    """The lowest and highest kgCO2 per kgce among carriers both tables know (and grid electricity)."""
    f, s = ctx.factors, ctx.settings
    conv, fuels = f["energy_conversion"], f["fuel_emission_factors"]
    ratios = []
    for key in fuels.keys():
        if key in conv and isinstance(fuels.rows[key].get("kgco2_per_unit"), float):
            ef_unit, ce_unit = fuels.rows[key]["unit"], conv.rows[key]["unit"]
            try:
                ratios.append(fuels.value(key) / (conv.value(key) * f.units.factor(ef_unit, ce_unit)))
            except Exception:  # noqa: BLE001 - a user row with odd units only narrows the band
                continue
    grid = s.grid_factor_kgco2_per_kwh
    if grid is None and s.grid_factor in f["grid_emission_factors"]:
        grid = f.value("grid_emission_factors", s.grid_factor)
    elec = s.electricity_equal_value_kgce_per_kwh if s.electricity_basis == "equal" else conv.value("electricity")
    if grid and elec:
        ratios.append(grid / elec)
    return (min(ratios), max(ratios)) if ratios else (0.0, math.inf)


def _check_co2_per_kgce(ce: Total, eg: Total, ctx: Context) -> None:
    energy_sources = {k for k in ctx.factors["fuel_emission_factors"].keys()
                      if isinstance(ctx.factors["fuel_emission_factors"].rows[k].get("ncv"), float)}
    energy_sources |= {"electricity", "heat"}
    lo, hi = _co2_per_kgce_band(ctx)
    for side in SIDES:
        kgce = ce.side(side)
        co2 = math.fsum(li.value for li in eg.lines if li.side == side and li.key in energy_sources)
        if kgce <= 0 or co2 <= 0:
            continue
        ratio = co2 / kgce
        if not lo / CO2_PER_KGCE_SLACK <= ratio <= hi * CO2_PER_KGCE_SLACK:
            ctx.warnings.append(Msg(f"result.co2_per_kgce_{side}", ratio=f"{ratio:.3g}", lo=f"{lo:.2f}",
                                    hi=f"{hi:.2f}"))


def evaluate(inp: EvaluationInput | dict, factors: FactorSet | None = None, now: str | None = None) -> Evaluation:
    """Evaluate the 14 indicators of GB/T 41350-2022 for one product.

    The work is done in three steps, which a caller may run separately (a workbook reader runs
    the first two side by side): :func:`sum_inventory`, :func:`sum_parts`, :func:`combine`.

    Parameters
    ----------
    inp : EvaluationInput or dict
        Settings and input tables; a dict is read as the JSON evaluation format, or as the dict of
        DataFrames :func:`remanxl.read_workbook` gives (see :mod:`remanxl.method.frames`).
    factors : FactorSet, optional
        Coefficient tables; default the shipped ones, with the input's own factor rows applied.
    now : str, optional
        Time stamp to record (ISO 8601); default the current UTC time.

    Raises
    ------
    InputError
        Every fault in the input at once: settings, types, choices, unknown keys, units.
    """
    if isinstance(inp, dict):
        from remanxl.method.frames import input_from_frames, is_frame

        # a dict of DataFrames (remanxl.read_workbook) or the JSON evaluation format
        inp = input_from_frames(inp) if any(is_frame(v) for v in inp.values()) else EvaluationInput.from_dict(inp)
    inventory = sum_inventory(inp, factors)
    return combine(inventory, sum_parts(inp.tables.get("parts", []), inventory.settings, inventory.words), now)


@dataclass
class InventorySums:
    """Everything :func:`combine` needs of an input but its parts ledger: made by :func:`sum_inventory`."""

    settings: Settings
    factors: FactorSet
    ctx: Context
    structural: list[Problem]  # settings, factor rows, cells that do not parse
    problems: list[Problem]  # faults the sums found (units, keys)
    totals: dict[str, Total]  # energy, energy_other (or None), ghg, fresh_water, wastewater, solid_waste, materials
    air: object  # pollutant sums (remanxl.method.inventory.pollutants)
    water_pollutants: object
    other_basis: str
    provenance: dict
    source: str
    words: object = None  # the vocabulary of choices with the input's own aliases (ChoiceWords)
    row_quality: dict = field(default_factory=dict)  # table -> (positions, sides, provenances, spreads)


def sum_inventory(inp: EvaluationInput, factors: FactorSet | None = None) -> InventorySums:
    """Step 1 of :func:`evaluate`: settings, factor rows and the sums of the seven inventory tables.

    Faults are collected in ``problems``, not raised: :func:`combine` raises them with the ledger's.
    """
    words = choice_words().with_aliases(inp.aliases) if inp.aliases else choice_words()
    settings, problems = settings_of(inp.settings, words)
    factors = (factors or default_factors()).with_aliases(inp.aliases)
    if inp.factors:  # unusable values: every one is reported with the other problems
        factors, unusable = factors.with_tables(inp.factors, origin="user-edited")
        problems += unusable
    tables, structural = parse_tables(inp, INVENTORY_TABLES, words)
    problems += structural
    ctx = Context(factors, settings)

    # Rows with structural faults are left out of the sums; their problems are already listed.
    bad = {(p.table, p.row) for p in structural}
    clean = {name: [r for r in rows if (name, r.index) not in bad] for name, rows in tables.items()} if bad else tables

    ce = energy_kgce(clean["energy"], ctx)
    other_basis = "equal" if settings.electricity_basis == "equivalent" else "equivalent"
    water_rows = clean["water"]
    water = ctx.density("water")
    cw = plain_sum([r for r in water_rows if r["stream"] == "fresh_water"], ctx, Msg("what.fresh_water"), "m3",
                   density=water)
    ew_volume = plain_sum([r for r in water_rows if r["stream"] == "wastewater"], ctx, Msg("what.wastewater"), "m3",
                          density=water)
    if settings.fresh_water_in_energy:
        ce.lines.extend(fresh_water_energy(cw, ctx))
    elif cw.lines and any(li.key == "fresh_water" for li in ce.lines):
        ctx.warnings.append(Msg("energy.fresh_water_twice"))
    if settings.ghg_from_energy:
        eg = ghg_from_energy(ce, ctx)
        eg.lines.extend(ghg_kgco2e(clean["ghg"], ctx, energy_sources(ctx)).lines)
    else:
        eg = ghg_kgco2e(clean["ghg"], ctx)
    eg.name = "EG"
    air = pollutants(clean["air"], ctx, "air")
    wat = pollutants(clean["water_pollutants"], ctx, "water")
    ce_other = None
    if other_basis == "equivalent" or settings.electricity_equal_value_kgce_per_kwh is not None:
        ce_other = energy_on_basis(ce, ctx, other_basis)  # the same rows, electricity priced the other way
    es = plain_sum(clean["solid_waste"], ctx, Msg("what.solid_waste"), "kg", "category")
    material_rows = [r for r in clean["materials"] if r["category"] != "core"]
    cores = [r for r in clean["materials"] if r["category"] == "core"]
    if cores:
        ctx.warnings.append(Msg("result.cores_left_out", n=len(cores)))
    cm = plain_sum(material_rows, ctx, Msg("what.materials"), "kg", "category")
    prov = provenance({n: clean[n] for n in INVENTORY_TABLES})
    totals = {"energy": ce, "energy_other": ce_other, "ghg": eg, "fresh_water": cw, "wastewater": ew_volume,
              "solid_waste": es, "materials": cm}
    return InventorySums(settings, factors, ctx, problems, ctx.problems, totals, air, wat, other_basis, prov,
                         inp.source, words, {n: _row_quality(clean[n]) for n in INVENTORY_TABLES})


def _row_quality(rows) -> tuple[list, list, list, list]:
    """Each row's position, side, provenance and typed spread (GSD²), column by column."""
    if isinstance(rows, Rows):  # the parsed columns themselves: nothing copied
        return rows.indices, rows.column("side"), rows.column("provenance"), rows.column("uncertainty")
    return ([r.index for r in rows], [r["side"] for r in rows], [r["provenance"] for r in rows],
            [r["uncertainty"] for r in rows])


def combine(inventory: InventorySums, parts: PartsSums, now: str | None = None) -> Evaluation:
    """Step 3 of :func:`evaluate`: the 14 indicators from the sums of steps 1 and 2.

    Raises
    ------
    InputError
        The faults both steps found: first every cell that does not parse (settings, factor rows, the
        tables in their order, the ledger last), then what the sums found, the ledger's last.
    """
    problems = inventory.structural + parts.structural + inventory.problems + parts.problems
    if problems:
        raise InputError(problems)
    settings, factors, ledger = inventory.settings, inventory.factors, parts.ledger
    ctx = replace(inventory.ctx, warnings=list(inventory.ctx.warnings))  # combining twice warns once
    t = inventory.totals
    ce, ce_other, eg, cw, ew_volume, es = (t["energy"], t["energy_other"], t["ghg"], t["fresh_water"],
                                           t["wastewater"], t["solid_waste"])
    cm = Total(t["materials"].name, t["materials"].unit, list(t["materials"].lines))  # a line may be added below
    air, wat, other_basis = inventory.air, inventory.water_pollutants, inventory.other_basis

    if settings.materials_include_ledger_new_parts and ledger.new.mass:
        cm.lines.append(Line("parts", -1, "reman", "new parts (ledger)", ledger.new.mass, "kg", ledger.new.mass,
                             1.0, "kg/kg", 1.0, 1, ledger.new.mass))

    results: dict[str, IndicatorResult] = {}
    s = settings
    if s.electricity_basis == "equal":
        e_basis = Msg("basis.electricity_equal", value=s.electricity_equal_value_kgce_per_kwh)
    else:
        e_basis = Msg("basis.electricity_equivalent", value=factors.value("energy_conversion", "electricity"))
    results["SE"] = _comparison("SE", ce, "kgce", e_basis, Msg("table.energy"))
    results["SM"] = _comparison("SM", cm, "kg", Msg("basis.materials"), Msg("table.materials"))
    results["SW"] = _comparison("SW", cw, "m3", Msg("basis.fresh_water"), Msg("table.fresh_water"))
    grid = (Msg("basis.user_grid", value=s.grid_factor_kgco2_per_kwh) if s.grid_factor_kgco2_per_kwh is not None
            else Msg("basis.grid", key=s.grid_factor))
    results["RGHG"] = _comparison("RGHG", eg, "kgCO2e",
                                  Msg("basis.ghg", grid=grid, gwp=s.gwp_set, fuels=s.fuel_factor_method),
                                  Msg("table.ghg"))
    if s.air_aggregation == "mass":
        counted = Total(air.mass.name, "kg", [li for li in air.mass.lines if li.key not in air.excluded])
        results["RAP"] = _comparison("RAP", counted, "kg", Msg("basis.mass"), Msg("table.air"))
    else:
        results["RAP"] = _comparison("RAP", air.equivalents, "PE", Msg("basis.equivalents"), Msg("table.air"))
    if s.effluent_basis == "pollution_equivalent":
        results["REF"] = _comparison("REF", wat.equivalents, "PE",
                                     Msg("basis.water_equivalents", parameter=s.oxygen_demand_parameter.upper()),
                                     Msg("table.water_pollutants"))
    else:
        results["REF"] = _comparison("REF", ew_volume, "m3", Msg("basis.wastewater"), Msg("table.wastewater"))
    results["RSW"] = _comparison("RSW", es, "kg", Msg("basis.solid_waste"), Msg("table.solid_waste"))
    sums = {"SE": ce, "SM": cm, "SW": cw, "RGHG": eg,
            "RAP": counted if s.air_aggregation == "mass" else air.equivalents,
            "REF": wat.equivalents if s.effluent_basis == "pollution_equivalent" else ew_volume, "RSW": es}
    for key, why in air.excluded.items():
        results["RAP"].warnings.append(Msg("result.left_out_air", key=key, why=why))
    for key in wat.excluded:
        if s.effluent_basis == "pollution_equivalent":
            results["REF"].warnings.append(Msg("result.left_out", key=key, why=wat.excluded[key]))

    terms = ratio_terms(ledger, settings)
    if ledger.rows:
        for symbol in ("RUP", "RND", "RWP", "RR", "RDH", "RRP", "RNR"):
            results[symbol] = _share(symbol, terms[symbol], lambda b: "parts" if b == "count" else "kg")
    else:
        for symbol in ("RUP", "RND", "RWP", "RR", "RDH", "RRP", "RNR"):
            results[symbol] = IndicatorResult(symbol, None, None, None, "", terms[symbol][2],
                                              ind.BY_SYMBOL[symbol].status, reason=Msg("result.ledger_empty"))
    gap = mass_balance_gap(ledger, settings)
    if gap is not None and abs(gap) > 0.005:
        msg = Msg("result.mass_balance", total=f"{1 + gap:.4f}",
                  parts=f"{ledger.core_derived.mass + ledger.new.mass:g}",
                  product=f"{settings.product_mass_kg * settings.functional_unit_quantity:g}")
        results["RR"].warnings.append(msg)
        results["RRP"].warnings.append(msg)

    _check_co2_per_kgce(ce, eg, ctx)

    prov = inventory.provenance
    if prov["unspecified"]:
        ctx.warnings.append(Msg("result.no_provenance", n=len(prov["unspecified"])))
    invalid = []
    if (s.remanufacturer_type == "independent" and prov["estimated_rows"]
            and not (s.estimation_note or "").strip()):
        invalid.append(Msg("result.estimation_note_missing", n=prov["estimated_rows"]))
        for symbol in ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"):
            r = results[symbol]
            if r.value is not None:
                r.value = None
                r.reason = Msg("result.withheld")

    breakdowns = {
        "energy": {"by_type": _with_rates(ce.by_key()), "total_kgce": _sides({sd: ce.side(sd) for sd in SIDES}),
                   "basis": s.electricity_basis,
                   "other_basis": ({"basis": other_basis,
                                    "total_kgce": _sides({sd: ce_other.side(sd) for sd in SIDES})}
                                   if ce_other is not None else None)},
        "ghg": {"by_source": _with_rates(eg.by_key())},
        "air": _species_breakdown(air, ctx, Msg("what.air_pollutant")),
        "water_pollutants": _species_breakdown(wat, ctx, Msg("what.water_pollutant")),
        "water": {"fresh_water_m3": _sides({sd: cw.side(sd) for sd in SIDES}),
                  "wastewater_m3": _sides({sd: ew_volume.side(sd) for sd in SIDES}),
                  "water_pollutant_equivalents": _sides({sd: wat.equivalents.side(sd) for sd in SIDES})},
        "solid_waste": _with_rates(es.by_key()),
        "materials": {"by_category": _with_rates(cm.by_key())},
        "parts": ledger.to_dict(),
        "parts_both_bases": _both_bases(ledger, settings),
        "lines": {name: [li.to_dict() for li in t.lines]
                  for name, t in (("energy", ce), ("ghg", eg), ("fresh_water", cw), ("wastewater", ew_volume),
                                  ("solid_waste", es), ("materials", cm), ("air", air.mass),
                                  ("water_pollutants", wat.mass))},
    }
    for r in results.values():
        if r.value is not None and r.value < 0 and ind.BY_SYMBOL[r.symbol].group != "implementation":
            r.warnings.append("negative: the remanufacturing side is larger than the original side")
    return Evaluation(
        indicators={sym: results[sym] for sym in ind.SYMBOLS}, settings=settings, factors_used=ctx.log.used,
        breakdowns=breakdowns, provenance={k: v for k, v in prov.items() if k != "unspecified"},
        warnings=ctx.warnings, invalid_reasons=invalid,
        computed_at=now or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        factor_versions=factors.versions(), source=inventory.source,
        totals=sums, factors=factors, row_quality=inventory.row_quality,
    )


def _both_bases(ledger, settings: Settings) -> dict:
    """Each implementation ratio on the count and the mass basis, whatever the settings choose."""
    out = {}
    for basis in ("count", "mass"):
        s = settings.replace(**{f"basis_{x}": basis for x in ("rup", "rnd", "rwp", "rr", "rdh", "rrp", "rnr")})
        for symbol, (part, whole, _, _) in ratio_terms(ledger, s).items():
            ok = part is not None and whole
            out.setdefault(symbol, {})[basis] = part / whole if ok else None
    return out


__all__ = ["evaluate", "Evaluation", "IndicatorResult", "sum_inventory", "sum_parts", "combine",
           "InventorySums", "PartsSums", "settings_of"]
