"""Method settings: every interpretation of the standard is a visible choice.

:data:`SETTINGS` describes each setting once (default, options, labels in
English and Chinese, help); the workbook's Settings sheet, the README's table
and the validation below are all generated from it.

>>> s = Settings()
>>> s.electricity_basis, s.gwp_set, s.air_aggregation
('equivalent', 'AR5', 'pollution_equivalent')
>>> Settings.from_mapping({"gwp_set": "AR6", "functional_unit_quantity": "100"}).functional_unit_quantity
100.0
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields

from remanxl.method.errors import InputError, Problem

BASIS = ("mass", "count")


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: object
    options: tuple | None  # None: free value of ``kind``
    kind: str  # "choice", "number", "bool", "text", "key"
    label_en: str
    label_zh: str
    help: str
    group: str = "method"  # "product" or "method"
    optional: bool = False  # may be left blank (None)


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("product", "", None, "text", "Product", "产品名称",
                "Name of the remanufactured product.", "product", True),
    SettingSpec("model", "", None, "text", "Model", "型号", "Product model or part number.", "product", True),
    SettingSpec("remanufacturer", "", None, "text", "Remanufacturer", "再制造企业",
                "Company that remanufactures the product.", "product", True),
    SettingSpec("reporting_period", "", None, "text", "Reporting period", "统计期",
                "Period the data cover, e.g. 2026 or 2026-Q1.", "product", True),
    SettingSpec("remanufacturer_type", "independent", ("independent", "oem"), "choice",
                "Remanufacturer type", "再制造企业类型",
                "oem: the original manufacturer remanufactures its own product and has the original "
                "production data; independent: an independent remanufacturer estimates the original side "
                "and must describe how (estimation note).", "product"),
    SettingSpec("functional_unit_quantity", 1.0, None, "number", "Quantity of product N", "产品数量 N",
                "Both sides are compared for this many products (the functional unit).", "product"),
    SettingSpec("reman_data_quantity", None, None, "number", "Products covered by remanufacturing data",
                "再制造数据对应的产品数量",
                "How many remanufactured products the remanufacturing-side inventory rows cover; blank = N. "
                "Rows are scaled by N / this number.", "product", True),
    SettingSpec("original_data_quantity", None, None, "number", "Products covered by original data",
                "原制造数据对应的产品数量",
                "How many new products the original-side inventory rows cover; blank = N. "
                "Rows are scaled by N / this number.", "product", True),
    SettingSpec("estimation_note", "", None, "text", "Estimation note", "估算说明",
                "How original-side data were estimated. Required for an independent remanufacturer whose "
                "original-side rows include estimated values.", "product", True),
    SettingSpec("electricity_basis", "equivalent", ("equivalent", "equal"), "choice",
                "Electricity conversion basis", "电力折标准煤方式",
                "equivalent (当量值): 0.1229 kgce/kWh from the energy_conversion table; equal (等价值): the "
                "year's coal rate of thermal power supply, entered below."),
    SettingSpec("electricity_equal_value_kgce_per_kwh", None, None, "number",
                "Coal rate of thermal power supply (kgce/kWh)", "火电供电煤耗 (kgce/kWh)",
                "Used when the electricity basis is equal (等价值), e.g. 0.3007.", optional=True),
    SettingSpec("gwp_set", "AR5", ("SAR", "AR4", "AR5", "AR6"), "choice", "GWP set", "GWP 取值版本",
                "IPCC assessment report whose 100-year GWPs weight process gases."),
    SettingSpec("grid_factor", "cn_national_2023", None, "key", "Grid emission factor", "电网排放因子",
                "Row of the grid_emission_factors table for purchased electricity."),
    SettingSpec("grid_factor_kgco2_per_kwh", None, None, "number", "Grid factor value (kgCO2/kWh)",
                "电网排放因子数值 (kgCO2/kWh)",
                "A user value that overrides the grid factor row (e.g. a supplier-specific factor).",
                optional=True),
    SettingSpec("fuel_factor_method", "derived", ("derived", "tabulated"), "choice",
                "Fuel emission factors", "燃料排放因子取值",
                "derived: NCV x carbon content x oxidation rate x 44/12 from the table's parameters "
                "(full precision); tabulated: the table's rounded kgco2_per_unit column."),
    SettingSpec("air_aggregation", "pollution_equivalent", ("pollution_equivalent", "mass"), "choice",
                "Air pollutant aggregation", "大气污染物加总方式",
                "pollution_equivalent: sum of mass / pollution-equivalent value; mass: sum of kg."),
    SettingSpec("effluent_basis", "volume", ("volume", "pollution_equivalent"), "choice",
                "Effluent basis", "废水减排计算基准",
                "volume: wastewater discharged (m3); pollution_equivalent: water pollutants in equivalents."),
    SettingSpec("oxygen_demand_parameter", "cod", ("cod", "bod5", "toc"), "choice",
                "Oxygen-demand parameter", "需氧量指标",
                "Only one oxygen-demand parameter counts in the effluent equivalents; the others are "
                "reported and left out."),
    SettingSpec("basis_rup", "mass", BASIS, "choice", "Basis of RUP", "旧件利用率计算基准",
                "Recycled parts use rate by mass or by part count."),
    SettingSpec("basis_rnd", "count", BASIS, "choice", "Basis of RND", "无损拆解率计算基准",
                "Non-destructive dismantling rate by count or by mass."),
    SettingSpec("basis_rwp", "count", BASIS, "choice", "Basis of RWP", "可清洗件率计算基准",
                "Washable parts rate by count or by mass."),
    SettingSpec("basis_rr", "mass", BASIS, "choice", "Basis of RR", "再制造率计算基准",
                "Remanufacturing rate by mass or by count."),
    SettingSpec("basis_rdh", "mass", BASIS, "choice", "Basis of RDH", "废弃件无害化处理率计算基准",
                "Discarded parts harm elimination rate by mass or by count."),
    SettingSpec("basis_rrp", "mass", BASIS, "choice", "Basis of RRP", "更换件率计算基准",
                "Replaced parts rate by mass or by count."),
    SettingSpec("basis_rnr", "mass", BASIS, "choice", "Basis of RNR", "不可再制造件回收利用率计算基准",
                "Recycling rate of non-remanufacturable parts by mass or by count."),
    SettingSpec("rnd_exclude_consumables", False, (False, True), "bool",
                "RND: leave out consumables", "无损拆解率不计一次性易耗件",
                "Leave parts flagged consumable (gaskets, seals, lock washers) out of both terms of RND."),
    SettingSpec("rwp_denominator", "dismantled", ("dismantled", "cleaned"), "choice",
                "RWP denominator", "可清洗件率分母",
                "dismantled: all parts removed; cleaned: parts sent to cleaning."),
    SettingSpec("product_mass_kg", None, None, "number", "Measured product mass (kg)", "再制造产品实测质量 (kg)",
                "Optional measured mass of one remanufactured product; when given it is the denominator of "
                "RR and RRP on a mass basis and RR + RRP = 1 is checked against it.", optional=True),
    SettingSpec("materials_include_ledger_new_parts", False, (False, True), "bool",
                "SM: add new parts from the ledger", "节材率计入零件清单中的新件",
                "Add the mass of new replacement parts from the parts ledger to the remanufacturing-side "
                "material consumption (leave false if they are already rows of the materials table)."),
)

SPEC_BY_NAME = {s.name: s for s in SETTINGS}

#: The words read as TRUE and FALSE wherever remanxl takes a yes/no value (settings, table cells, flags).
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "是", "真", "x", "✓"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "否", "假"})


def parse_bool(raw) -> bool:
    """TRUE/FALSE, 1/0 or one of :data:`TRUE_WORDS` / :data:`FALSE_WORDS`; ValueError otherwise."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"expected TRUE or FALSE, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    """All settings of one evaluation, each with the default of :data:`SETTINGS`."""

    product: str = ""
    model: str = ""
    remanufacturer: str = ""
    reporting_period: str = ""
    remanufacturer_type: str = "independent"
    functional_unit_quantity: float = 1.0
    reman_data_quantity: float | None = None
    original_data_quantity: float | None = None
    estimation_note: str = ""
    electricity_basis: str = "equivalent"
    electricity_equal_value_kgce_per_kwh: float | None = None
    gwp_set: str = "AR5"
    grid_factor: str = "cn_national_2023"
    grid_factor_kgco2_per_kwh: float | None = None
    fuel_factor_method: str = "derived"
    air_aggregation: str = "pollution_equivalent"
    effluent_basis: str = "volume"
    oxygen_demand_parameter: str = "cod"
    basis_rup: str = "mass"
    basis_rnd: str = "count"
    basis_rwp: str = "count"
    basis_rr: str = "mass"
    basis_rdh: str = "mass"
    basis_rrp: str = "mass"
    basis_rnr: str = "mass"
    rnd_exclude_consumables: bool = False
    rwp_denominator: str = "dismantled"
    product_mass_kg: float | None = None
    materials_include_ledger_new_parts: bool = False

    @classmethod
    def from_mapping(cls, mapping: dict | None, table: str = "settings") -> Settings:
        """Settings from loosely typed values (workbook cells, JSON); every fault is reported."""
        mapping = dict(mapping or {})
        values, problems = {}, []
        for name, raw in mapping.items():
            spec = SPEC_BY_NAME.get(name)
            if spec is None:
                problems.append(Problem(table, None, name, f"unknown setting {name!r}; settings: "
                                        + ", ".join(SPEC_BY_NAME)))
                continue
            try:
                value = coerce_setting(spec, raw)
            except ValueError as exc:
                problems.append(Problem(table, None, name, str(exc)))
                continue
            if value is not None or spec.optional:
                values[name] = value
        if problems:
            raise InputError(problems)
        settings = cls(**values)
        settings.check(table)
        return settings

    def check(self, table: str = "settings") -> None:
        problems = []
        if not (math.isfinite(self.functional_unit_quantity) and self.functional_unit_quantity > 0):
            problems.append(Problem(table, None, "functional_unit_quantity",
                                    f"expected a number > 0, got {self.functional_unit_quantity!r}"))
        for name in ("reman_data_quantity", "original_data_quantity", "product_mass_kg",
                     "electricity_equal_value_kgce_per_kwh", "grid_factor_kgco2_per_kwh"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                problems.append(Problem(table, None, name, f"expected a finite number > 0 or blank, got {v!r}"))
        if self.electricity_basis == "equal" and self.electricity_equal_value_kgce_per_kwh is None:
            problems.append(Problem(table, None, "electricity_equal_value_kgce_per_kwh",
                                    "the equal-value electricity basis (等价值) needs the coal rate of thermal "
                                    "power supply in kgce/kWh, e.g. 0.3007"))
        if problems:
            raise InputError(problems)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def scale(self, side: str) -> float:
        """Multiplier taking a side's inventory rows to the functional unit N."""
        covered = self.reman_data_quantity if side == "reman" else self.original_data_quantity
        return 1.0 if covered is None else self.functional_unit_quantity / covered

    def replace(self, **changes) -> Settings:
        s = dataclasses.replace(self, **changes)
        s.check()
        return s


def coerce_setting(spec: SettingSpec, raw):
    """One setting's value from a cell or JSON value; ``ValueError`` names what was expected."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if spec.optional:
            return None
        return spec.default
    if spec.kind == "number":
        if isinstance(raw, bool):
            raise ValueError(f"expected a number, got {raw!r}")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {raw!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {raw!r}")
        return value
    if spec.kind == "bool":
        return parse_bool(raw)
    text = str(raw)
    if spec.kind == "choice":
        for option in spec.options:
            if text.casefold() == str(option).casefold():
                return option
        raise ValueError(f"expected one of {', '.join(map(str, spec.options))}; got {raw!r}")
    return text


setting_names = [f.name for f in fields(Settings)]
assert setting_names == [s.name for s in SETTINGS], "Settings fields and SETTINGS must list the same names"


def settings_of(mapping: dict | None) -> tuple[Settings, list[Problem]]:
    """The settings of an input, or the defaults and the problems that made them unusable."""
    try:
        return Settings.from_mapping(mapping), []
    except InputError as exc:
        return Settings(), exc.problems
