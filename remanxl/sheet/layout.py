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
VALIDATION_SHEET = "Validation 校验"
LIVE_SHEET = "Live 实时"
LIVE_ANCHOR_ROW = 5  # REMAN_EVALUATE's 16 x 10 array starts at A5

SETTINGS_TABLE = "Settings"
SETTINGS_HEADERS = ("Setting", "Label 名称", "Value 值", "Options 可选值", "Help 说明")

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
          "note": 30, "material": 22, "category": 16, "stream": 13, "source": 18, "pollutant": 18, "part_id": 11,
          "name": 22, "unit_mass_kg": 11, "fate": 15, "intact_count": 10, "washable_count": 10, "cleaned_count": 10,
          "consumable": 10, "old_part_treatment": 17, "new_unit_mass_kg": 11}
WIDTHS_BY_TABLE = {("solid_waste", "stream"): 22, ("solid_waste", "category"): 11, ("parts", "quantity"): 10}


def column_width(table: str, key: str) -> int:
    return WIDTHS_BY_TABLE.get((table, key), WIDTHS.get(key, 14))


#: Computed columns remanxl appends to an input table: (key, header).  Their formulas are in
#: :mod:`remanxl.sheet.formulas`.
COMPUTED = {
    "energy": (("factor_unit", "Factor unit 系数单位"), ("factor", "kgce per unit 折标系数"),
               ("kgce", "kgce 折标煤")),
    "materials": (("kg", "kg counted 计入质量"),),
    "water": (("m3", "m3 立方米"),),
    "ghg": (("factor_unit", "Factor unit 因子单位"), ("factor", "kgCO2e per unit 排放因子"),
            ("kgco2e", "kgCO2e 排放量")),
    "air": (("kg", "kg counted 计入质量"), ("pe", "PE 污染当量")),
    "water_pollutants": (("kg", "kg counted 计入质量"), ("pe", "PE 污染当量")),
    "solid_waste": (("kg", "kg 质量"),),
    "parts": (("removed_kg", "Removed kg 拆解质量"), ("core_qty", "Core-derived qty 旧件利用数"),
              ("new_qty", "New qty 新件数"), ("new_kg", "New kg 新件质量"), ("discarded_kg", "Discarded kg 废弃质量"),
              ("harmless_qty", "Treated qty 无害化数"), ("recycled_qty", "Recycled qty 回收数")),
}


def setting_name(key: str) -> str:
    """Defined name of a setting's value cell (used by native formulas)."""
    return f"rx_{key}"


#: Named cells on the Settings sheet computed by native formulas.
DERIVED_SETTINGS = (
    ("scale_reman", "Scale of remanufacturing rows 再制造数据折算系数",
     "=IF({reman_data_quantity}=\"\",1,{functional_unit_quantity}/{reman_data_quantity})"),
    ("scale_original", "Scale of original rows 原制造数据折算系数",
     "=IF({original_data_quantity}=\"\",1,{functional_unit_quantity}/{original_data_quantity})"),
    ("grid_in_use", "Grid factor in use (kgCO2/kWh) 采用的电网因子",
     "=IF({grid_factor_kgco2_per_kwh}<>\"\",{grid_factor_kgco2_per_kwh},"
     "INDEX(GridFactors[kgco2_per_kwh],MATCH({grid_factor},GridFactors[key],0)))"),
)

# Summary sheet: fixed rows for the 14 indicators so the chart's references stay valid.
SUMMARY_HEADER_ROW = 6
SUMMARY_FIRST_ROW = 7  # SE; RNR is on row 20
SUMMARY_COLUMNS = (
    ("group", "Class I 一级指标", 22), ("symbol", "Symbol 符号", 8), ("name_en", "Indicator", 40),
    ("name_zh", "指标名称", 22), ("value", "Value 值", 11), ("numerator", "Numerator 分子", 14),
    ("denominator", "Denominator 分母", 14), ("unit", "Unit 单位", 9), ("basis", "Basis 基准", 36),
    ("status", "Status 状态", 12), ("warnings", "Warnings / reason 提示", 50), ("formula", "Formula 公式", 34),
    ("native_num", "Native numerator 原生公式分子", 16), ("native_den", "Native denominator 原生公式分母", 16),
    ("live", "Live =REMAN_* 实时函数", 14),
)
SUMMARY_COL = {key: i for i, (key, _, _) in enumerate(SUMMARY_COLUMNS)}  # 0-based

#: Named cell styles the template defines; the summary writer looks them up by name.
STYLE_NAMES = ("rx title", "rx header", "rx group", "rx text", "rx wrap", "rx percent", "rx number",
               "rx warning", "rx input", "rx computed", "rx computed number", "rx bad", "rx note")
