"""Where everything lives in a remanxl workbook: sheets, Excel tables, named cells, styles.

The template builder writes this layout, the reader finds the input tables by
it and the summary writer fills the sheet it owns.  Input tables are real Excel
tables whose headers are the bilingual column labels of
:data:`remanxl.method.inputs.TABLES`, followed by computed columns (native
formulas) that remanxl owns.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputSheet:
    table: str  # method table name
    sheet: str  # worksheet name
    excel_table: str  # Excel table (ListObject) name
    rows: int  # pre-sized blank rows in the template (tables cannot grow on protected sheets)


HEADER_ROW = 4  # 1-based row of every input table's header; rows 1-3 hold title and help

INPUT_SHEETS: tuple[InputSheet, ...] = (
    InputSheet("energy", "Energy 能源", "Energy", 60),
    InputSheet("materials", "Materials 物料", "Materials", 60),
    InputSheet("water", "Water 水", "Water", 30),
    InputSheet("ghg", "GHG 温室气体", "GHG", 60),
    InputSheet("air", "Air 大气污染物", "Air", 60),
    InputSheet("water_pollutants", "Water pollutants 水污染物", "WaterPollutants", 60),
    InputSheet("solid_waste", "Solid waste 固体废物", "SolidWaste", 40),
    InputSheet("parts", "Parts 零件清单", "Parts", 300),
)
BY_TABLE = {s.table: s for s in INPUT_SHEETS}

GUIDE_SHEET = "Guide 说明"
SETTINGS_SHEET = "Settings 设置"
FACTORS_SHEET = "Factors 系数"
SUMMARY_SHEET = "Summary 汇总"
DASHBOARD_SHEET = "Dashboard 总览"
VALIDATION_SHEET = "Validation 校验"
LIVE_SHEET = "Live 实时"
LIVE_ANCHOR_ROW = 5  # REMAN_EVALUATE's 16 x 10 array starts at A5

SETTINGS_TABLE = "Settings"

#: Factor tables as Excel tables on the Factors sheet, with spare blank rows for user additions.
FACTOR_TABLES = {
    "energy_conversion": "EnergyConversion",
    "fuel_emission_factors": "FuelFactors",
    "grid_emission_factors": "GridFactors",
    "gwp": "GWP",
    "pollution_equivalents": "PollutionEquivalents",
    "lumped_pollutants": "LumpedPollutants",
    "units": "Units",
    "ncv_units": "NcvUnits",
    "energy_ghg_sources": "EnergyGhgSources",
    "densities": "Densities",
    "provenance_uncertainty": "ProvenanceUncertainty",
    "factor_uncertainty": "FactorUncertainty",
}
#: The user's own words (field, alias, key) on the Factors sheet: added to the vocabulary.
ALIASES_TABLE = "Aliases"
#: Every Excel table remanxl reads, by case-folded name (Excel table names ignore case) -> canonical name.
READ_TABLES = {n.casefold(): n for n in [s.excel_table for s in INPUT_SHEETS] + [SETTINGS_TABLE, ALIASES_TABLE]
               + list(FACTOR_TABLES.values())}

#: Computed columns of factor tables: (factor table, header) — formulas in formulas.py.
FACTOR_COMPUTED = {"fuel_emission_factors": ("kgco2_per_unit_derived",)}
FACTOR_SPARE_ROWS = 8

#: Width of each input column (characters), by column key; a table may differ (WIDTHS_BY_TABLE).
WIDTHS = {"side": 11, "process": 16, "energy_type": 20, "quantity": 12, "unit": 9, "flow": 10, "provenance": 12,
          "uncertainty": 14, "note": 30, "material": 22, "category": 16, "stream": 13, "source": 18, "pollutant": 18, "part_id": 11,
          "name": 22, "unit_mass_kg": 11, "fate": 15, "intact_count": 10, "washable_count": 10, "cleaned_count": 10,
          "consumable": 10, "old_part_treatment": 17, "new_unit_mass_kg": 11}
WIDTHS_BY_TABLE = {("solid_waste", "stream"): 22, ("solid_waste", "category"): 11, ("parts", "quantity"): 10}


def column_width(table: str, key: str) -> int:
    return WIDTHS_BY_TABLE.get((table, key), WIDTHS.get(key, 14))


@dataclass(frozen=True)
class Computed:
    """A column remanxl appends to an input table: its formula (:mod:`remanxl.sheet.formulas`) reads the
    row; a ``helper`` column (how a word was read, a sign) is grouped and folded away in the sheet."""

    key: str
    header: str
    helper: bool = False
    number: bool = True


def _read_as(key: str, en: str, zh: str) -> Computed:
    return Computed(key, f"{en} read as {zh}识别", helper=True, number=False)


_SIDE = _read_as("side_k", "Side", "侧别")
_PROV = _read_as("prov_k", "Provenance", "来源")
_UNIT = _read_as("unit_k", "Unit", "单位")
_QTY = Computed("qty_n", "Quantity read as 数量识别", helper=True)
CHECK = Computed("check", "Check 检查", number=False)

#: Computed columns remanxl appends to each input table, in order.
COMPUTED: dict[str, tuple[Computed, ...]] = {
    "energy": (_SIDE, _read_as("type_k", "Energy type", "种类"), _UNIT, _QTY,
               Computed("sign", "Sign 正负", helper=True), _PROV,
               Computed("factor_unit", "Factor unit 系数单位", helper=True, number=False),
               Computed("ghg_source", "GHG source 排放源", helper=True, number=False),
               Computed("ghg_unit", "GHG factor unit 排放因子单位", helper=True, number=False),
               Computed("factor", "kgce per unit 折标系数"), Computed("kgce", "kgce 折标煤"),
               Computed("ghg_factor", "kgCO2e per unit 排放因子"), Computed("kgco2e", "kgCO2e 排放量"), CHECK),
    "materials": (_SIDE, _read_as("cat_k", "Category", "类别"), _UNIT, _QTY, _PROV,
                  Computed("kg", "kg counted 计入质量"), CHECK),
    "water": (_SIDE, _read_as("stream_k", "Stream", "类型"), _UNIT, _QTY, _PROV, Computed("m3", "m3 立方米"), CHECK),
    "ghg": (_SIDE, _read_as("src_k", "Source", "排放源"), _UNIT, _QTY, Computed("sign", "Sign 正负", helper=True), _PROV,
            Computed("factor_unit", "Factor unit 因子单位", helper=True, number=False),
            Computed("factor", "kgCO2e per unit 排放因子"), Computed("kgco2e", "kgCO2e 排放量"), CHECK),
    "air": (_SIDE, _read_as("pol_k", "Pollutant", "污染物"), _UNIT, _QTY, _PROV,
            Computed("kg", "kg counted 计入质量"), Computed("pe", "PE 污染当量"), CHECK),
    "water_pollutants": (_SIDE, _read_as("pol_k", "Pollutant", "污染物"), _UNIT, _QTY, _PROV,
                         Computed("kg", "kg counted 计入质量"), Computed("pe", "PE 污染当量"), CHECK),
    "solid_waste": (_SIDE, _read_as("cat_k", "Category", "类别"), _UNIT, _QTY, _PROV, Computed("kg", "kg 质量"),
                    CHECK),
    # The ledger's populations (core-derived, new, discarded, treated, recycled) are summed in the Summary
    # from these three readings and the typed counts and masses, not computed in seven more columns a row:
    # on a 50,000-row ledger those were 350,000 formula cells and about 180 MiB of LibreOffice's peak memory.
    "parts": (_read_as("fate_k", "Fate", "处置方式"), _read_as("treat_k", "Treatment", "旧件去向"),
              _read_as("cons_k", "Consumable", "易耗件"), CHECK),
}


def setting_name(key: str) -> str:
    """Defined name of a setting as the native formulas read it: the Settings sheet's *Read as* cell
    (the key of a choice, TRUE/FALSE, the default when blank)."""
    return f"rx_{key}"


#: The Settings table's columns; the value is typed in the third, the fifth shows how remanxl reads it.
SETTINGS_HEADERS = ("Setting 设置项", "Label 名称", "Value 值", "Options 可选值", "Read as 识别为", "Help 说明")
SETTINGS_VALUE_COL, SETTINGS_READ_COL = "C", "E"


#: Named cells on the Settings sheet computed by native formulas.
DERIVED_SETTINGS = (
    ("scale_reman", "Scale of remanufacturing rows 再制造数据折算系数",
     "=IF({reman_data_quantity}=\"\",1,{functional_unit_quantity}/{reman_data_quantity})"),
    ("scale_original", "Scale of original rows 原制造数据折算系数",
     "=IF({original_data_quantity}=\"\",1,{functional_unit_quantity}/{original_data_quantity})"),
    ("grid_in_use", "Grid factor in use (kgCO2/kWh) 采用的电网因子",
     "=IF({grid_factor_kgco2_per_kwh}<>\"\",{grid_factor_kgco2_per_kwh},"
     "IFERROR(INDEX(GridFactors[kgco2_per_kwh],MATCH({grid_factor},GridFactors[key],0)),\"\"))"),
)

# Summary sheet: fixed rows for the 14 indicators so the chart's references stay valid.
SUMMARY_STATUS_ROW = 4  # what remanxl found (valid, invalid, no data yet)
SUMMARY_AUDIT_ROW = 5  # native: whether the inputs changed since remanxl computed (see fingerprint)
SUMMARY_HEADER_ROW = 6
SUMMARY_FIRST_ROW = 7  # SE; RNR is on row 20
SUMMARY_COLUMNS = (
    ("group", "Class I 一级指标", 22), ("symbol", "Symbol 符号", 8), ("name_en", "Indicator (English) 指标英文名", 40),
    ("name_zh", "指标名称", 22), ("value", "Value 值", 12), ("numerator", "Numerator 分子", 14),
    ("denominator", "Denominator 分母", 14), ("unit", "Unit 单位", 9), ("basis", "Basis 基准", 36),
    ("status", "Status 状态", 12), ("warnings", "Warnings / reason 提示", 50), ("formula", "Formula 公式", 34),
    ("live", "=REMAN_* with the add-in 加载项函数", 16), ("chart", "Chart value 图表值", 8),
    ("band_minus", "Value − P5 值减P5", 8), ("band_plus", "P95 − value P95减值", 8),
)
SUMMARY_COL = {key: i for i, (key, _, _) in enumerate(SUMMARY_COLUMNS)}  # 0-based
#: Columns of the Summary that are folded away (the chart's own values: errors where a rate is undefined,
#: so that no chart shows an undefined rate as 0 %; the Monte Carlo band as the charts' error bars, blank
#: when no uncertainty was computed).
SUMMARY_HIDDEN = ("chart", "band_minus", "band_plus")

#: Cells of the Summary's folded column that remanxl fills for the Dashboard: its audit in a few numbers.
SUMMARY_FEED = {"share_estimated": 1, "warning_count": 2, "top_warnings": (3, 4, 5)}  # rows of the chart column
TOP_WARNINGS = len(SUMMARY_FEED["top_warnings"])

#: The Lists sheet: every word of every field, for drop-downs and the native formulas (remanxl.sheet.lists).
LISTS_SHEET = "Lists 词汇"
#: Rows of the Aliases table on the Factors sheet (a user's own words).
ALIASES_ROWS = 40

#: Named cell styles the template defines; the summary writer looks them up by name.
STYLE_NAMES = ("rx title", "rx header", "rx group", "rx text", "rx wrap", "rx percent", "rx number",
               "rx warning", "rx input", "rx computed", "rx computed number", "rx bad", "rx note", "rx count",
               "rx quantity")
