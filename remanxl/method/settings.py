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

from remanxl.i18n import Msg
from remanxl.method.errors import InputError, Problem
from remanxl.method.values import fold, parse_bool, parse_number

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
    help_zh: str = ""

    @property
    def choice_field(self) -> str:
        """The vocabulary's field of this setting's choices (the seven bases share one)."""
        return "basis" if self.name.startswith("basis_") else self.name


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("product", "", None, "text", "Product", "产品名称",
                "Name of the remanufactured product.", "product", True,
                help_zh="再制造产品名称。"),
    SettingSpec("model", "", None, "text", "Model", "型号", "Product model or part number.", "product", True,
                help_zh="产品型号或零件号。"),
    SettingSpec("remanufacturer", "", None, "text", "Remanufacturer", "再制造企业",
                "Company that remanufactures the product.", "product", True,
                help_zh="承担再制造的企业。"),
    SettingSpec("reporting_period", "", None, "text", "Reporting period", "统计期",
                "Period the data cover, e.g. 2026 or 2026-Q1.", "product", True,
                help_zh="数据所属统计期,如 2026 或 2026-Q1。"),
    SettingSpec("remanufacturer_type", "independent", ("independent", "oem"), "choice",
                "Remanufacturer type", "再制造企业类型",
                "oem: the original manufacturer remanufactures its own product and has the original "
                "production data; independent: an independent remanufacturer estimates the original side "
                "and must describe how (estimation note).", "product",
                help_zh="oem:原制造企业再制造自己的产品,掌握原制造数据;independent:独立再制造企业估算原制造侧数据,并须说明估算方法(估算说明)。"),
    SettingSpec("functional_unit_quantity", 1.0, None, "number", "Quantity of product N", "产品数量 N",
                "Both sides are compared for this many products (the functional unit).", "product",
                help_zh="两侧按此数量的产品进行比较(功能单位)。"),
    SettingSpec("reman_data_quantity", None, None, "number", "Products covered by remanufacturing data",
                "再制造数据对应的产品数量",
                "How many remanufactured products the remanufacturing-side inventory rows cover; blank = N. "
                "Rows are scaled by N / this number.", "product", True,
                help_zh="再制造侧清单数据所对应的再制造产品数量;空白表示等于 N。各行按 N / 此数折算。"),
    SettingSpec("original_data_quantity", None, None, "number", "Products covered by original data",
                "原制造数据对应的产品数量",
                "How many new products the original-side inventory rows cover; blank = N. "
                "Rows are scaled by N / this number.", "product", True,
                help_zh="原制造侧清单数据所对应的新品数量;空白表示等于 N。各行按 N / 此数折算。"),
    SettingSpec("estimation_note", "", None, "text", "Estimation note", "估算说明",
                "How original-side data were estimated. Required for an independent remanufacturer whose "
                "original-side rows include estimated values.", "product", True,
                help_zh="原制造侧数据的估算方法。独立再制造企业的原制造侧数据中有估算值时必须填写。"),
    SettingSpec("language", "both", ("both", "zh", "en"), "choice", "Language", "语言",
                "Language of the messages remanxl writes into this workbook (warnings, reasons, the Summary): "
                "both (Chinese and English), zh or en.", "product",
                help_zh="remanxl 写入本工作簿的文字(提示、原因、汇总表)所用语言:both(中英双语)、zh(中文)或 en(英文)。"),
    SettingSpec("electricity_basis", "equivalent", ("equivalent", "equal"), "choice",
                "Electricity conversion basis", "电力折标准煤方式",
                "equivalent (当量值): 0.1229 kgce/kWh from the energy_conversion table; equal (等价值): the "
                "year's coal rate of thermal power supply, entered below.",
                help_zh="equivalent(当量值):能源折标准煤系数表中的 0.1229 kgce/kWh;equal(等价值):当年火电供电煤耗,在下一行填写。"),
    SettingSpec("electricity_equal_value_kgce_per_kwh", None, None, "number",
                "Coal rate of thermal power supply (kgce/kWh)", "火电供电煤耗 (kgce/kWh)",
                "Used when the electricity basis is equal (等价值), e.g. 0.3007.", optional=True,
                help_zh="电力按等价值折算时使用,如 0.3007。"),
    SettingSpec("gwp_set", "AR5", ("SAR", "AR4", "AR5", "AR6"), "choice", "GWP set", "GWP 取值版本",
                "IPCC assessment report whose 100-year GWPs weight process gases.",
                help_zh="工艺气体采用的 IPCC 评估报告 100 年全球变暖潜势。"),
    SettingSpec("ghg_from_energy", True, (False, True), "bool", "GHG from the Energy sheet", "由能源表计算温室气体",
                "TRUE: fuels, purchased electricity and heat on the Energy sheet give their emissions (each fact "
                "typed once; the GHG sheet holds only process gases, leaks and CO2 shielding gas); FALSE: every "
                "source is typed on the GHG sheet.",
                help_zh="TRUE:能源表中的燃料、外购电力和热力同时计算其温室气体排放(每项数据只填一次,温室气体表只填工艺气体、泄漏和二氧化碳保护气);FALSE:全部排放源在温室气体表中填写。"),
    SettingSpec("fresh_water_in_energy", False, (False, True), "bool", "Fresh water in SE", "新水计入综合能耗",
                "TRUE: the Water sheet's fresh water also counts in the energy consumption at its energy_conversion "
                "coefficient (GB/T 2589-2020 counts fresh water as an energy-carrying medium), typed once; "
                "FALSE: fresh water counts in SE only if typed on the Energy sheet.",
                help_zh="TRUE:水表中的新水按能源折标准煤系数计入综合能耗(GB/T 2589-2020 将新水列为耗能工质),只填一次;FALSE:新水仅在能源表中填写时计入节能率。"),
    SettingSpec("grid_factor", "cn_national_2023", None, "key", "Grid emission factor", "电网排放因子",
                "Row of the grid_emission_factors table for purchased electricity.",
                help_zh="外购电力采用的电网排放因子(电网排放因子表中的一行)。"),
    SettingSpec("grid_factor_kgco2_per_kwh", None, None, "number", "Grid factor value (kgCO2/kWh)",
                "电网排放因子数值 (kgCO2/kWh)",
                "A user value that overrides the grid factor row (e.g. a supplier-specific factor).",
                optional=True,
                help_zh="用户自定义的电网排放因子,优先于上一行(如供电合同给出的因子)。"),
    SettingSpec("fuel_factor_method", "derived", ("derived", "tabulated"), "choice",
                "Fuel emission factors", "燃料排放因子取值",
                "derived: NCV x carbon content x oxidation rate x 44/12 from the table's parameters "
                "(full precision); tabulated: the table's rounded kgco2_per_unit column.",
                help_zh="derived:由低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12 推算(全精度);tabulated:采用表中修约后的排放因子。"),
    SettingSpec("air_aggregation", "pollution_equivalent", ("pollution_equivalent", "mass"), "choice",
                "Air pollutant aggregation", "大气污染物加总方式",
                "pollution_equivalent: sum of mass / pollution-equivalent value; mass: sum of kg.",
                help_zh="pollution_equivalent:按质量 / 污染当量值加总;mass:按千克加总。"),
    SettingSpec("effluent_basis", "volume", ("volume", "pollution_equivalent"), "choice",
                "Effluent basis", "废水减排计算基准",
                "volume: wastewater discharged (m3); pollution_equivalent: water pollutants in equivalents.",
                help_zh="volume:废水排放量(m3);pollution_equivalent:水污染物污染当量。"),
    SettingSpec("oxygen_demand_parameter", "cod", ("cod", "bod5", "toc"), "choice",
                "Oxygen-demand parameter", "需氧量指标",
                "Only one oxygen-demand parameter counts in the effluent equivalents; the others are "
                "reported and left out.",
                help_zh="污染当量中只计入一项需氧量指标;其余仅报告、不计入。"),
    SettingSpec("basis_rup", "mass", BASIS, "choice", "Basis of RUP", "旧件利用率计算基准",
                "Recycled parts use rate by mass or by part count.",
                help_zh="旧件利用率按质量或按数量计算。"),
    SettingSpec("basis_rnd", "count", BASIS, "choice", "Basis of RND", "无损拆解率计算基准",
                "Non-destructive dismantling rate by count or by mass.",
                help_zh="无损拆解率按数量或按质量计算。"),
    SettingSpec("basis_rwp", "count", BASIS, "choice", "Basis of RWP", "可清洗件率计算基准",
                "Washable parts rate by count or by mass.",
                help_zh="可清洗件率按数量或按质量计算。"),
    SettingSpec("basis_rr", "mass", BASIS, "choice", "Basis of RR", "再制造率计算基准",
                "Remanufacturing rate by mass or by count.",
                help_zh="再制造率按质量或按数量计算。"),
    SettingSpec("basis_rdh", "mass", BASIS, "choice", "Basis of RDH", "废弃件无害化处理率计算基准",
                "Discarded parts harm elimination rate by mass or by count.",
                help_zh="废弃件无害化处理率按质量或按数量计算。"),
    SettingSpec("basis_rrp", "mass", BASIS, "choice", "Basis of RRP", "更换件率计算基准",
                "Replaced parts rate by mass or by count.",
                help_zh="更换件率按质量或按数量计算。"),
    SettingSpec("basis_rnr", "mass", BASIS, "choice", "Basis of RNR", "不可再制造件回收利用率计算基准",
                "Recycling rate of non-remanufacturable parts by mass or by count.",
                help_zh="不可再制造件回收利用率按质量或按数量计算。"),
    SettingSpec("rnd_exclude_consumables", False, (False, True), "bool",
                "RND: leave out consumables", "无损拆解率不计一次性易耗件",
                "Leave parts flagged consumable (gaskets, seals, lock washers) out of both terms of RND.",
                help_zh="无损拆解率的分子和分母均不计标为一次性易耗件的零件(垫片、密封件、锁紧垫圈)。"),
    SettingSpec("rwp_denominator", "dismantled", ("dismantled", "cleaned"), "choice",
                "RWP denominator", "可清洗件率分母",
                "dismantled: all parts removed; cleaned: parts sent to cleaning.",
                help_zh="dismantled:全部拆解零件;cleaned:送清洗的零件。"),
    SettingSpec("product_mass_kg", None, None, "number", "Measured product mass (kg)", "再制造产品实测质量 (kg)",
                "Optional measured mass of one remanufactured product; when given it is the denominator of "
                "RR and RRP on a mass basis and RR + RRP = 1 is checked against it.", optional=True,
                help_zh="单台再制造产品的实测质量(可选);填写后作为按质量计算的再制造率和更换件率的分母,并校核两者之和是否为 1。"),
    SettingSpec("materials_include_ledger_new_parts", False, (False, True), "bool",
                "SM: add new parts from the ledger", "节材率计入零件清单中的新件",
                "Add the mass of new replacement parts from the parts ledger to the remanufacturing-side "
                "material consumption (leave false if they are already rows of the materials table).",
                help_zh="将零件清单中新更换件的质量计入再制造侧物料消耗(若已在物料表中填写,则保持 FALSE)。"),
)

SPEC_BY_NAME = {s.name: s for s in SETTINGS}

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
    language: str = "both"
    electricity_basis: str = "equivalent"
    electricity_equal_value_kgce_per_kwh: float | None = None
    gwp_set: str = "AR5"
    ghg_from_energy: bool = True
    fresh_water_in_energy: bool = False
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
    def from_mapping(cls, mapping: dict | None, table: str = "settings", words=None) -> Settings:
        """Settings from loosely typed values (workbook cells, JSON); every fault is reported."""
        mapping = dict(mapping or {})
        values, problems = {}, []
        for name, raw in mapping.items():
            spec = SPEC_BY_NAME.get(name)
            if spec is None:
                problems.append(Problem(table, None, name, Msg("setting.unknown", name=str(name)[:40],
                                                                          names=", ".join(SPEC_BY_NAME))))
                continue
            try:
                value = coerce_setting(spec, raw, words)
            except ValueError as exc:
                problems.append(Problem(table, None, name, exc.args[0] if exc.args else str(exc)))
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
                                    Msg("setting.positive", value=f"{self.functional_unit_quantity!r}")))
        for name in ("reman_data_quantity", "original_data_quantity", "product_mass_kg",
                     "electricity_equal_value_kgce_per_kwh", "grid_factor_kgco2_per_kwh"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                problems.append(Problem(table, None, name, Msg("setting.positive_or_blank", value=f"{v!r}")))
        if self.electricity_basis == "equal" and self.electricity_equal_value_kgce_per_kwh is None:
            problems.append(Problem(table, None, "electricity_equal_value_kgce_per_kwh", Msg("setting.equal_needs_rate")))
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


def coerce_setting(spec: SettingSpec, raw, words=None):
    """One setting's value from a cell or JSON value; ``ValueError`` names what was expected.

    Numbers follow the one number rule, yes/no the one yes/no rule, choices the vocabulary
    (``words``, default the shipped one: 等价值 is ``equal``, 中文 is ``zh``).
    """
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if spec.optional:
            return None
        return spec.default
    if spec.kind == "number":
        return parse_number(raw)
    if spec.kind == "bool":
        return parse_bool(raw)
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    if spec.kind == "choice":
        from remanxl.method.vocabulary import choice_words

        words = words or choice_words()
        key = words.key(spec.choice_field, text)
        if key is None:
            options = "; ".join(words.captions(spec.choice_field))
            raise ValueError(Msg("choice.unknown", text=text[:40], choices=options))
        return key
    return text


setting_names = [f.name for f in fields(Settings)]
assert setting_names == [s.name for s in SETTINGS], "Settings fields and SETTINGS must list the same names"


def settings_of(mapping: dict | None, words=None) -> tuple[Settings, list[Problem]]:
    """The settings of an input, or the defaults and the problems that made them unusable."""
    try:
        return Settings.from_mapping(mapping, words=words), []
    except InputError as exc:
        return Settings(), exc.problems
