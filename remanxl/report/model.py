"""What the evaluation report of one product shows, built from the evaluation's JSON form.

The input is exactly what ``remanxl evaluate --format json`` prints (``Evaluation.to_dict()``), so a
report made from a workbook, from an evaluation file or from a saved JSON output is the same report,
and every number in it can be traced to that JSON (see :mod:`remanxl.report.cells`).  The sections
follow the order in which an auditor reads an evaluation: what was evaluated and where its boundary
lies, by which method, the results, the data behind them and where those came from, the factors,
what to look at, and who signs for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from remanxl.i18n import Msg
from remanxl.report import names
from remanxl.report.cells import Column, Num, T, Table, Text, column_decimals, plain, pointer
from remanxl.report.charts import GROUP_COLOURS, Bar, bar_chart
from remanxl.report.uncertainty import uncertainty_section

SIDES = ("reman", "original")
PROVENANCES = ("measured", "oem_data", "estimated", "literature", "unspecified")


@dataclass
class IndicatorRow:
    number: int
    symbol: str
    name: Text
    value: Num
    numerator: Num
    denominator: Num
    unit: str
    basis: Text
    status: Text
    confirmed: bool
    formula: str
    reference: str
    reason: str  # why the value is undefined
    warnings: int  # how many warnings it has (listed in the warnings section)


@dataclass
class Group:
    key: str
    name: Text
    colour: str
    rows: list[IndicatorRow]
    chart: str = ""


@dataclass
class Check:
    name: Text
    state: str  # ok | failed | na | attention
    detail: Text | None = None


@dataclass
class ProductReport:
    title: Text
    product: str  # for the page footer and the document title
    valid: bool
    invalid_reasons: list[str]
    identity: list[tuple[Text, Text]]
    boundary: list[Text]
    method: list[Text]
    groups: list[Group]
    changed_settings: Table
    inventory: list[Table]
    provenance: Table
    share_estimated: Num
    estimation_note: str
    estimation_required: bool
    factors: Table
    checks: list[Check]
    warnings: list[tuple[Text, str]]
    settings: Table
    generated: Text
    uncertainty: object = None  # remanxl.report.uncertainty.UncertaintySection, when the evaluation has one
    signoff: list[Text] = field(default_factory=lambda: [T("report.sign.prepared"), T("report.sign.checked"),
                                                         T("report.sign.approved")])


def product_report(ev: dict, generated: str) -> ProductReport:
    """The report of one evaluation (its JSON form); ``generated`` is the time stamp to print."""
    from remanxl import __version__

    s = ev["settings"]
    groups = _groups(ev)
    return ProductReport(
        title=T("report.title"),
        product=" · ".join(x for x in (s.get("product"), s.get("model")) if x) or ev.get("source") or "",
        valid=bool(ev["valid"]),
        invalid_reasons=[str(r) for r in ev.get("invalid_reasons", [])],
        identity=_identity(ev),
        boundary=_boundary(s),
        method=[T("report.method.standard", method=ev.get("method_version", "")), T("report.method.status")],
        groups=groups,
        changed_settings=_settings_table(s, changed_only=True),
        inventory=_inventory(ev),
        provenance=_provenance(ev["provenance"]),
        share_estimated=Num(ev["provenance"].get("share_estimated"), pointer("provenance", "share_estimated"), 2,
                            True),
        estimation_note=str(s.get("estimation_note") or ""),
        estimation_required=s.get("remanufacturer_type") == "independent"
        and bool(ev["provenance"].get("estimated_rows")),
        factors=_factors(ev),
        checks=_checks(ev),
        warnings=_warnings(ev),
        settings=_settings_table(s, changed_only=False),
        generated=T("report.generated", when=generated, version=__version__),
        uncertainty=uncertainty_section(ev),
    )


# --- identity and boundary ------------------------------------------------------------------------

def _identity(ev: dict) -> list[tuple[Text, Text]]:
    s = ev["settings"]
    not_set = T("report.not_set")

    def val(key):
        return plain(s.get(key)) if s.get(key) else not_set

    n = s["functional_unit_quantity"]
    return [
        (T("report.f.product"), val("product")),
        (T("report.f.model"), val("model")),
        (T("report.f.remanufacturer"), val("remanufacturer")),
        (T("report.f.period"), val("reporting_period")),
        (T("report.f.type"), names.code("type", s["remanufacturer_type"])),
        (T("report.f.n"), T("report.n_products", n=_g(n))),
        (T("report.f.source"), plain(ev.get("source")) if ev.get("source") else not_set),
        (T("report.f.computed"), plain(ev.get("computed_at", ""))),
        (T("report.f.versions"), plain(f"remanxl {ev.get('remanxl_version', '')} · {ev.get('method_version', '')}")),
    ]


def _g(x) -> str:
    """A count or quantity as a person writes it: 1, 500, 2.5."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.6g}"


def _boundary(s: dict) -> list[Text]:
    n = s["functional_unit_quantity"]
    out = [T("report.boundary.reman"), T("report.boundary.original"), T("report.boundary.unit", n=_g(n))]
    scaled = [(side, s.get(f"{side}_data_quantity")) for side in SIDES
              if s.get(f"{side}_data_quantity") and s.get(f"{side}_data_quantity") != n]
    for side, covered in scaled:
        out.append(T("report.boundary.scale", side=Msg(f"report.side.{side}"), covered=_g(covered)))
    if not scaled:
        out.append(T("report.boundary.same"))
    return out


# --- indicators -----------------------------------------------------------------------------------

_BASIS_ZH = {
    "mass of materials consumed": "物料消耗质量",
    "fresh water withdrawn": "新水取用量",
    "pollution equivalents": "污染当量",
    "mass (kg)": "质量 (kg)",
    "wastewater volume discharged": "废水排放量",
    "mass of solid waste generated (general + hazardous)": "固体废物产生量(一般 + 危险)",
    "mass": "质量",
    "count": "数量",
}
_BASIS_PATTERNS = (
    (re.compile(r"electricity at (?:equal|equivalent) value \((等价值|当量值)\) (\S+) kgce/kWh"),
     lambda m: f"电力按{m[1]} {m[2]} kgce/kWh 折标准煤"),
    (re.compile(r"(?:user )?grid factor (.+); GWP (\S+); fuel factors (derived|tabulated)"),
     lambda m: f"电网排放因子 {m[1]};GWP {m[2]};燃料排放因子{'推导值' if m[3] == 'derived' else '表列值'}"),
    (re.compile(r"pollution equivalents \((\S+) as oxygen demand\)"), lambda m: f"污染当量(需氧量指标 {m[1]})"),
)


def basis_text(basis: str) -> Text:
    """An indicator's basis in both languages (the evaluation records it in English)."""
    head, _, note = str(basis).partition("; ") if basis in ("mass", "count") or basis.startswith(
        ("mass; ", "count; ")) else (str(basis), "", "")
    zh = _BASIS_ZH.get(head)
    if zh is None:
        for pattern, make in _BASIS_PATTERNS:
            m = pattern.fullmatch(head)
            if m:
                zh = make(m)
                break
    if zh is None:
        return Text(str(basis))
    return Text(str(basis), zh + (f";{note}" if note else ""))


def _groups(ev: dict) -> list[Group]:
    from remanxl.method.indicators import GROUPS, INDICATORS

    inds = ev["indicators"]
    quantities = [v for s, r in inds.items() if r["unit"] != "parts" for v in (r["numerator"], r["denominator"])]
    decimals = column_decimals(quantities)
    groups = []
    for key, (en, zh) in GROUPS.items():
        rows = []
        for info in (i for i in INDICATORS if i.group == key):
            r = inds[info.symbol]
            d = 0 if r["unit"] == "parts" and all(float(v or 0).is_integer() for v in (r["numerator"],
                                                                                         r["denominator"])) else decimals
            rows.append(IndicatorRow(
                info.number, info.symbol, Text(info.name_en, info.name_zh),
                Num(r["value"], pointer("indicators", info.symbol, "value"), 2, True),
                Num(r["numerator"], pointer("indicators", info.symbol, "numerator"), d),
                Num(r["denominator"], pointer("indicators", info.symbol, "denominator"), d),
                r["unit"], basis_text(r["basis"]), T(f"report.status.{r['status']}"), r["status"] == "confirmed",
                info.formula, info.reference, _text(r.get("reason") or ""), len(r.get("warnings", [])),
            ))
        group = Group(key, Text(en, zh), GROUP_COLOURS[key], rows)
        group.chart = bar_chart([Bar(r.symbol, r.name.en, r.name.zh, r.value.value) for r in rows], group.colour,
                                f"{en} {zh}")
        groups.append(group)
    return groups


# --- settings -------------------------------------------------------------------------------------

_CHOICE_NAMES = {
    "remanufacturer_type": "type", "electricity_basis": "basis",
}


def _setting_value(spec, value, src: str):
    """A setting's value as the report shows it: a bilingual word, a number with its source, or text."""
    if value is None or value == "":
        return Text("—")
    if isinstance(value, bool):
        return T("report.yes") if value else T("report.no")
    if isinstance(value, (int, float)):
        decimals = max(0, -_exponent(value))
        return Num(value, src, decimals)
    group = _CHOICE_NAMES.get(spec.name)
    if group:
        name = names.code(group, value)
        return Text(f"{value} ({name.en})", f"{name.zh}") if name.en != value else Text(str(value))
    if spec.name.startswith("basis_"):
        return Text(str(value), {"mass": "质量", "count": "数量"}.get(value, ""))
    return plain(value)


def _exponent(x: float) -> int:
    """The exponent of the last significant digit of ``x`` as written shortest (0.3007 → -4, 500 → 0)."""
    text = repr(float(x))
    if "e" in text:
        mantissa, exp = text.split("e")
        digits = len(mantissa.split(".")[1].rstrip("0")) if "." in mantissa else 0
        return int(exp) - digits
    frac = text.split(".")[1].rstrip("0")
    return -len(frac)


def _settings_table(s: dict, changed_only: bool) -> Table:
    from remanxl.method.settings import SETTINGS

    t = Table(T("report.method.changed") if changed_only else None,
              [Column(T("report.c.setting")), Column(T("report.c.value")), Column(T("report.c.default"))],
              css="settings")
    for spec in SETTINGS:
        value = s.get(spec.name)
        if changed_only and (value == spec.default or (spec.optional and value in (None, "") and not spec.default)):
            continue
        if spec.group == "product" and (changed_only or spec.name not in (
                "functional_unit_quantity", "reman_data_quantity", "original_data_quantity")):
            continue  # the product, its functional unit and the estimation note have sections of their own
        shown = _setting_value(spec, value, pointer("settings", spec.name))
        default = _setting_value(spec, spec.default, "")
        if isinstance(default, Num):
            default = Text(default.text)
        t.add(Text(spec.label_en, spec.label_zh), shown, default)
    return t


# --- inventory ------------------------------------------------------------------------------------

def _sides_table(title: Text, item_header: Text, rows) -> Table:
    """Item | remanufacturing | original | rate, from ``(name, src prefix, {reman, original, rate})``."""
    t = Table(title, [Column(item_header), Column(T("report.c.reman"), "num", share="q"),
                      Column(T("report.c.original"), "num", share="q"), Column(T("report.c.rate"), "pct")], css="sides")
    for name, src, v in rows:
        t.add(name, (v["reman"], src + "/reman"), (v["original"], src + "/original"), (v.get("rate"), src + "/rate"))
    return t


def _inventory(ev: dict) -> list[Table]:
    b = ev["breakdowns"]
    item = T("report.c.item")
    tables = []
    energy = b["energy"]
    rows = [(names.energy(k), pointer("breakdowns", "energy", "by_type", k), v) for k, v in energy["by_type"].items()]
    rows.append((T("report.c.total"), pointer("breakdowns", "energy", "total_kgce"), energy["total_kgce"]))
    tables.append(_sides_table(T("report.inv.energy"), item, rows))
    other = energy.get("other_basis")
    if other:
        name = names.code("basis", other["basis"])
        tables.append(_sides_table(T("report.inv.energy_other", basis=f"{name.en} / {name.zh}"), item,
                                   [(T("report.c.total"), pointer("breakdowns", "energy", "other_basis", "total_kgce"),
                                     other["total_kgce"])]))
    rows = [(names.code("mat", k), pointer("breakdowns", "materials", "by_category", k), v)
            for k, v in b["materials"]["by_category"].items()]
    tables.append(_sides_table(T("report.inv.materials"), item, rows))
    rows = [(names.code("water", k), pointer("breakdowns", "water", k), v) for k, v in b["water"].items()]
    tables.append(_sides_table(T("report.inv.water"), item, rows))
    rows = [(names.ghg_source(k), pointer("breakdowns", "ghg", "by_source", k), v)
            for k, v in b["ghg"]["by_source"].items()]
    tables.append(_sides_table(T("report.inv.ghg"), item, rows))
    for medium in ("air", "water_pollutants"):
        t = Table(T(f"report.inv.{medium}"),
                  [Column(item), Column(T("report.c.reman_kg"), "num", share="kg"),
                   Column(T("report.c.original_kg"), "num", share="kg"), Column(T("report.c.reman_pe"), "num", share="pe"),
                   Column(T("report.c.original_pe"), "num", share="pe"),
                   Column(T("report.c.rate"), "pct"), Column(T("report.c.counted"))], css="species")
        for k, v in b[medium].items():
            src = pointer("breakdowns", medium, k)
            t.add(names.pollutant(k), (v["reman_kg"], src + "/reman_kg"), (v["original_kg"], src + "/original_kg"),
                  (v["reman_equivalents"], src + "/reman_equivalents"),
                  (v["original_equivalents"], src + "/original_equivalents"), (v["rate"], src + "/rate"),
                  T("report.yes") if v["counted"] else T("report.no"))
        tables.append(t)
    rows = [(names.code("waste", k), pointer("breakdowns", "solid_waste", k), v) for k, v in b["solid_waste"].items()]
    tables.append(_sides_table(T("report.inv.solid_waste"), item, rows))
    t = Table(T("report.inv.parts"), [Column(item), Column(T("report.c.count"), "count"),
                                      Column(T("report.c.mass"), "num")], css="parts")
    for k, v in b["parts"].items():
        src = pointer("breakdowns", "parts", k)
        t.add(names.code("parts", k), (v["count"], src + "/count"), (v["mass_kg"], src + "/mass_kg"))
    tables.append(t)
    t = Table(T("report.inv.both_bases"), [Column(T("report.c.indicator")), Column(T("report.c.count_basis"), "pct"),
                                          Column(T("report.c.mass_basis"), "pct")], css="parts")
    from remanxl.method.indicators import BY_SYMBOL

    for k, v in b["parts_both_bases"].items():
        src = pointer("breakdowns", "parts_both_bases", k)
        info = BY_SYMBOL[k]
        t.add(Text(f"{k} {info.name_en}", info.name_zh), (v["count"], src + "/count"), (v["mass"], src + "/mass"))
    tables.append(t)
    return [t for t in tables if t]


def _provenance(p: dict) -> Table:
    """Original-side rows per input table and provenance; counts are whole numbers."""
    kinds = [k for k in PROVENANCES if any(k in per for per in p.get("by_table", {}).values())] or ["estimated"]
    t = Table(None, [Column(T("report.c.input_table"))] + [Column(names.code("prov", k), "count") for k in kinds]
              + [Column(T("report.c.total"), "count")], css="provenance")
    for table, per in p.get("by_table", {}).items():
        t.add(names.input_table(table), *[(per.get(k, 0), pointer("provenance", "by_table", table, k))
                                          if k in per else (0, "") for k in kinds],
              (sum(per.values()), ""))
    t.add(T("report.prov.total"), *[(p["by_provenance"].get(k, 0), pointer("provenance", "by_provenance", k))
                                    if k in p["by_provenance"] else (0, "") for k in kinds],
          (p.get("original_rows", 0), pointer("provenance", "original_rows")))
    return t


# --- factors, checks, warnings --------------------------------------------------------------------

def _factors(ev: dict) -> Table:
    t = Table(None, [Column(T("report.c.key")), Column(T("report.c.value"), "num", 4), Column(T("report.c.unit")),
                     Column(T("report.c.source")), Column(T("report.c.year"), "count"), Column(T("report.c.version"))],
              css="factors")
    for table, entries in ev.get("factors_used", {}).items():
        t.heading(names.factor_table(table))
        for key, e in entries.items():
            src = pointer("factors_used", table, key)
            year = (e["year"], src + "/year") if isinstance(e.get("year"), (int, float)) else Text("—")
            t.add(names.factor_entry(table, key), (e.get("value"), src + "/value"), plain(e.get("unit")),
                  plain(e.get("source")), year, plain(e.get("version", "")))
    return t


def _checks(ev: dict) -> list[Check]:
    from remanxl.method.indicators import BY_SYMBOL

    s, p, inds = ev["settings"], ev["provenance"], ev["indicators"]
    out = []
    required = s.get("remanufacturer_type") == "independent" and p.get("estimated_rows")
    if not required:
        out.append(Check(T("report.check.note"), "na", T("report.check.not_needed")))
    else:
        has = bool(str(s.get("estimation_note") or "").strip())
        out.append(Check(T("report.check.note"), "ok" if has else "failed",
                         None if has else T("report.prov.no_note")))
    unspecified = p.get("by_provenance", {}).get("unspecified", 0)
    out.append(Check(T("report.check.provenance"), "attention" if unspecified else "ok",
                     T("report.check.unspecified", n=unspecified) if unspecified else None))
    undefined = [sym for sym, r in inds.items() if r["value"] is None]
    out.append(Check(T("report.check.defined"), "attention" if undefined else "ok",
                     T("report.check.undefined", symbols=", ".join(undefined)) if undefined else None))
    negative = [sym for sym, r in inds.items() if r["value"] is not None and r["value"] < 0
                and BY_SYMBOL[sym].group != "implementation"]
    out.append(Check(T("report.check.positive"), "attention" if negative else "ok",
                     T("report.check.negative", symbols=", ".join(negative)) if negative else None))
    n = len(ev.get("warnings", [])) + sum(len(r.get("warnings", [])) for r in inds.values())
    out.append(Check(T("report.check.warnings"), "attention" if n else "ok",
                     T("report.check.count", n=n) if n else None))
    return out


def _warnings(ev: dict) -> list[tuple[Text, str]]:
    """Every warning and reason, where it applies first: the evaluation, then each indicator."""
    from remanxl.method.indicators import BY_SYMBOL

    out = [(T("report.invalid"), str(r)) for r in ev.get("invalid_reasons", [])]
    out += [(T("report.w.evaluation"), _text(w)) for w in ev.get("warnings", [])]
    for sym, r in ev["indicators"].items():
        info = BY_SYMBOL[sym]
        where = Text(f"{sym} {info.name_en}", info.name_zh)
        if r.get("reason"):
            out.append((where, _text(r["reason"])))
        out += [(where, _text(w)) for w in r.get("warnings", [])]
    return out


def _text(message) -> str:
    """A message as recorded: both languages where the evaluation kept it as a catalogue message."""
    return message.render("both") if hasattr(message, "render") else str(message)
