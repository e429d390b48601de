"""Messages of remanxl's core area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.rows": ("{n} row(s)", "{n} 行"),
    # values: the one number rule, yes/no words (remanxl.method.values)
    "value.not_number": ("expected a number, got text {text!r}", "应为数字,实为文字 {text!r}"),
    "value.decimal_comma": ("expected a number, got text {text!r} (use a point for decimals)",
                            "应为数字,实为文字 {text!r}(小数请用小数点)"),
    "value.not_finite": ("expected a finite number, got {text}", "应为有限数值,实为 {text}"),
    "value.too_large": ("{text} is too large (at most {limit}); check the unit and the number of digits",
                        "{text} 过大(最大 {limit});请检查单位和位数"),
    "value.bool_not_number": ("expected a number, got {value}", "应为数字,实为 {value}"),
    "value.not_bool": ("expected TRUE or FALSE, got {text!r}", "应为 TRUE 或 FALSE(是/否),实为 {text!r}"),
    "value.negative": ("expected a number ≥ 0, got {value}", "应为 ≥ 0 的数,实为 {value}"),
    "choice.unknown": ("expected one of {choices}; got {text!r}", "应为以下之一:{choices};实为 {text!r}"),
    # what a key names
    "what.energy_type": ("energy type", "能源种类"),
    "what.grid_factor": ("grid factor", "电网排放因子"),
    "what.ncv_unit": ("NCV unit", "低位发热量单位"),
    "what.air_pollutant": ("air pollutant", "大气污染物"),
    "what.water_pollutant": ("water pollutant", "水污染物"),
    "what.pollutant": ("pollutant", "污染物"),
    "what.fresh_water": ("fresh water", "新水"),
    "what.wastewater": ("wastewater", "废水"),
    "what.solid_waste": ("solid waste", "固体废物"),
    "what.materials": ("materials", "物料"),
    # inventory
    "unit.counted_per": ("{problem} ({what} is counted per {unit})", "{problem}({what} 按 {unit} 计)"),
    "energy.fresh_water_duplicate": ("fresh water counts from the Water sheet (setting fresh_water_in_energy = "
                                     "TRUE): delete this row, or set fresh_water_in_energy to FALSE",
                                     "新水已由水表计入(设置 fresh_water_in_energy = TRUE):请删除此行,或将该设置改为 "
                                     "FALSE"),
    "energy.fresh_water_twice": ("fresh water is typed on both the Energy and the Water sheet: set "
                                 "fresh_water_in_energy = TRUE and delete the Energy rows, so that it is typed once",
                                 "新水在能源表和水表中各填了一次:请将 fresh_water_in_energy 设为 TRUE 并删除能源表中的"
                                 "新水行,只填一次"),
    "ghg.duplicate_energy": ("{source} is counted from the Energy sheet (setting ghg_from_energy = TRUE): type it "
                             "there only, or set ghg_from_energy to FALSE to type every source on this sheet",
                             "{source} 已由能源表计算(设置 ghg_from_energy = TRUE):只在能源表中填写,或将 "
                             "ghg_from_energy 设为 FALSE 后在本表填写全部排放源"),
    "ghg.energy_without_source": ("{types}: no greenhouse-gas source for this energy type in the "
                                  "energy_ghg_sources table, so its emissions are not counted; add a row there (and "
                                  "its factor to fuel_emission_factors)",
                                  "{types}:energy_ghg_sources 表中没有该能源种类对应的温室气体排放源,其排放未计入;"
                                  "请在该表中补充一行(并在 fuel_emission_factors 中补充排放因子)"),
    "ghg.export_only": ("only electricity and heat can be exported; {key} cannot", "只有电力和热力可以外供;{key} 不可"),
    "ghg.no_gwp": ("gas {key} has no GWP in the {gwp_set} set; choose another gwp_set",
                   "气体 {key} 在 {gwp_set} 版本中没有 GWP 值;请选择其他 gwp_set"),
    "ghg.unknown_source": ("unknown GHG source {text!r}; expected electricity, a key of fuel_emission_factors "
                           "({fuels}) or a gas of the gwp table ({gases})",
                           "未知温室气体排放源 {text!r};应为 electricity(电力)、fuel_emission_factors 表中的燃料"
                           "({fuels})或 gwp 表中的气体({gases})"),
    "pollutant.wrong_medium": ("{key} is {medium} pollutant; this table holds {expected} pollutants",
                               "{key} 是{medium}污染物;本表填写{expected}污染物"),
    "pollutant.oxygen_demand": ("only one oxygen-demand parameter counts (setting oxygen_demand_parameter = "
                                "{parameter})", "只计入一项需氧量指标(设置 oxygen_demand_parameter = {parameter})"),
    "pollutant.no_equivalent": ("no pollution-equivalent value", "无污染当量值"),
    # parts ledger
    "parts.count_blank": ("blank while other rows give it; enter 0 if none", "其他行已填写而此处空白;如无请填 0"),
    "parts.count_above_quantity": ("{count} is more than the quantity per product {quantity}",
                                   "{count} 大于单台数量 {quantity}"),
    "parts.treatment_required": ("required for a replaced part: recycled, harmless_disposal or other",
                                 "更换件必须填写:回收利用、无害化处置或其他"),
    "parts.treatment_only_replaced": ("only a replaced part has an old-part treatment; this part is {fate}",
                                      "只有更换件才有旧件去向;此零件为 {fate}"),
    "parts.new_mass_only_replaced": ("only a replaced part has a new part; this part is {fate}",
                                     "只有更换件才有新件;此零件为 {fate}"),
    "basis.consumables_excluded": ("consumables excluded", "不计易耗件"),
    "basis.denominator_cleaned": ("denominator: parts sent to cleaning", "分母:送清洗零件"),
    "basis.denominator_product_mass": ("denominator: measured product mass", "分母:实测产品质量"),
    # settings
    "setting.unknown": ("unknown setting {name!r}; settings: {names}", "未知设置 {name!r};可用设置:{names}"),
    "setting.positive": ("expected a number > 0, got {value}", "应为 > 0 的数,实为 {value}"),
    "setting.positive_or_blank": ("expected a finite number > 0 or blank, got {value}",
                                  "应为 > 0 的有限数值或留空,实为 {value}"),
    "setting.equal_needs_rate": ("the equal-value electricity basis (等价值) needs the coal rate of thermal power "
                                 "supply in kgce/kWh, e.g. 0.3007",
                                 "电力按等价值折算时须填写火电供电煤耗(kgce/kWh),如 0.3007"),
    # factor tables and units
    "factors.key_of": ("key of table {table}", "{table} 表的键"),
    "factors.unknown_key": ("unknown {what} {text!r} (the keys are listed in the factor table {table})",
                            "未知的{what} {text!r}(可用的键见系数表 {table})"),
    "factors.unknown_key_hint": ("unknown {what} {text!r}; did you mean {hint}? (the keys are listed in the factor "
                                 "table {table})", "未知的{what} {text!r};是否指 {hint}?(可用的键见系数表 {table})"),
    "unit.unknown": ("unknown unit {text!r}; known units: {known}", "未知单位 {text!r};可用单位:{known}"),
    "unit.dimension": ("unit {unit!r} is {dimension} unit; expected {expected} unit such as {examples}",
                       "单位 {unit!r} 是{dimension}单位,应为{expected}单位,如 {examples}"),
}
