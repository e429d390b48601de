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
    # results: reasons, warnings and bases of the indicators
    "result.no_original": ("no original-side rows of {what}: the rate is undefined",
                           "{what}无原制造侧数据:该比率无法计算"),
    "result.no_reman": ("no remanufacturing-side rows of {what}; counted as 0", "{what}无再制造侧数据;按 0 计"),
    "result.ledger_lacks": ("the parts ledger does not give the counts this ratio needs",
                            "零件清单未提供该比率所需的数量"),
    "result.ledger_empty": ("the parts ledger is empty", "零件清单为空"),
    "result.one_side_reman": ("{what} {key}: given on the remanufacturing side only; counted as 0 on the original side",
                              "{what} {key}:仅再制造侧有数据;原制造侧按 0 计"),
    "result.one_side_original": ("{what} {key}: given on the original side only; counted as 0 on the "
                                 "remanufacturing side", "{what} {key}:仅原制造侧有数据;再制造侧按 0 计"),
    "result.co2_per_kgce_reman": ("remanufacturing side: energy-related GHG / energy = {ratio} kgCO2 per kgce, far "
                                  "outside the {lo}–{hi} the factor tables allow; check the units of the energy and "
                                  "GHG tables (kg vs t, kWh vs MWh)",
                                  "再制造侧:能源相关温室气体/能耗 = {ratio} kgCO2/kgce,远超系数表允许的 {lo}–{hi};"
                                  "请检查能源表和温室气体表的单位(kg 与 t、kWh 与 MWh)"),
    "result.co2_per_kgce_original": ("original side: energy-related GHG / energy = {ratio} kgCO2 per kgce, far "
                                     "outside the {lo}–{hi} the factor tables allow; check the units of the energy "
                                     "and GHG tables (kg vs t, kWh vs MWh)",
                                     "原制造侧:能源相关温室气体/能耗 = {ratio} kgCO2/kgce,远超系数表允许的 {lo}–{hi};"
                                     "请检查能源表和温室气体表的单位(kg 与 t、kWh 与 MWh)"),
    "result.cores_left_out": ("materials: {n} row(s) of category core left out: used cores are not a consumption",
                              "物料:{n} 行“旧件”类别未计入:旧件不属于消耗"),
    "result.left_out_air": ("{key} left out of the sum: {why}; see its own rate", "{key} 未计入合计:{why};见其单项比率"),
    "result.left_out": ("{key} left out of the sum: {why}", "{key} 未计入合计:{why}"),
    "result.mass_balance": ("RR + RRP = {total} on a mass basis, not 1: core-derived + new parts = {parts} kg against "
                            "the measured product mass {product} kg",
                            "按质量计 RR + RRP = {total},不等于 1:旧件来源件 + 新件 = {parts} kg,而实测产品质量为 "
                            "{product} kg"),
    "result.no_provenance": ("{n} original-side row(s) have no provenance (measured, oem_data, estimated or "
                             "literature)", "{n} 行原制造侧数据未注明来源(实测、原厂数据、估算或文献)"),
    "result.estimation_note_missing": ("estimation note missing: the remanufacturer is independent and {n} "
                                       "original-side row(s) are estimated; GB/T 41350-2022 requires a description "
                                       "of how the original product's data were estimated (setting estimation_note)",
                                       "缺估算说明:再制造商为独立再制造商,且有 {n} 行原制造侧数据为估算;GB/T "
                                       "41350-2022 要求说明原产品数据的估算方法(设置 estimation_note)"),
    "result.withheld": ("evaluation invalid: estimation note missing", "评价无效:缺估算说明"),
    "table.energy": ("the energy table", "能源表"),
    "table.materials": ("the materials table", "物料表"),
    "table.fresh_water": ("fresh water in the water table", "水表中的新水"),
    "table.ghg": ("the GHG sources table", "温室气体排放源表"),
    "table.air": ("the air pollutants table", "大气污染物表"),
    "table.water_pollutants": ("the water pollutants table", "水污染物表"),
    "table.wastewater": ("wastewater in the water table", "水表中的废水"),
    "table.solid_waste": ("the solid waste table", "固体废物表"),
    "basis.electricity_equal": ("electricity at equal value (等价值) {value} kgce/kWh",
                                "电力按等价值 {value} kgce/kWh 折算"),
    "basis.electricity_equivalent": ("electricity at equivalent value (当量值) {value} kgce/kWh",
                                     "电力按当量值 {value} kgce/kWh 折算"),
    "basis.materials": ("mass of materials consumed", "物料消耗质量"),
    "basis.fresh_water": ("fresh water withdrawn", "新水取用量"),
    "basis.user_grid": ("user grid factor {value} kgCO2/kWh", "用户电网排放因子 {value} kgCO2/kWh"),
    "basis.grid": ("grid factor {key}", "电网排放因子 {key}"),
    "basis.ghg": ("{grid}; GWP {gwp}; fuel factors {fuels}", "{grid};GWP {gwp};燃料排放因子 {fuels}"),
    "basis.mass": ("mass (kg)", "质量(kg)"),
    "basis.equivalents": ("pollution equivalents", "污染当量"),
    "basis.water_equivalents": ("pollution equivalents ({parameter} as oxygen demand)",
                                "污染当量(需氧量按 {parameter} 计)"),
    "basis.wastewater": ("wastewater volume discharged", "废水排放量"),
    "basis.solid_waste": ("mass of solid waste generated (general + hazardous)", "固体废物产生质量(一般 + 危险)"),
    "value.required": ("{column} is required", "必须填写{column}"),
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
    # uncertainty (remanxl.method.spread, remanxl.method.uncertainty)
    "uncertainty.gsd2_below_one": ("expected a GSD² ≥ 1 (1 = no spread), got {value}",
                                   "应为 ≥ 1 的 GSD²(1 表示无离散),实为 {value}"),
    "uncertainty.score": ("expected a pedigree score 1, 2, 3, 4 or 5, got {value}",
                          "应为谱系评分 1、2、3、4 或 5,实为 {value}"),
    "uncertainty.spread": ("expected a GSD² such as 1.2 (≥ 1) or a ± percentage such as ±15% (below 100%), got "
                           "{text!r}", "应为 GSD²(如 1.2,≥ 1)或 ± 百分比(如 ±15%,小于 100%),实为 {text!r}"),
    "uncertainty.unknown_provenance": ("{key!r} is no provenance; expected one of {choices}",
                                       "{key!r} 不是数据来源;应为以下之一:{choices}"),
    "uncertainty.unknown_coefficient": ("{key!r} names no coefficient; write a table ({tables}), table:key "
                                        "with a key of that table, or one of {settings}",
                                        "{key!r} 不对应任何系数;请填写系数表名({tables})、表名:键(该表中的键),"
                                        "或 {settings} 之一"),
    "uncertainty.needs_numpy": ("the uncertainty analysis needs {package}: pip install \"remanxl[uncertainty]\"",
                                "不确定度分析需要 {package}:请运行 pip install \"remanxl[uncertainty]\""),
    "uncertainty.draws": ("the number of draws must be a whole number from {low} to {high}, got {value}",
                          "抽样次数应为 {low} 至 {high} 之间的整数,实为 {value}"),
    "uncertainty.seed": ("the seed must be a whole number ≥ 0, got {value}", "随机种子应为 ≥ 0 的整数,实为 {value}"),
    "unit.unknown": ("unknown unit {text!r}; known units: {known}", "未知单位 {text!r};可用单位:{known}"),
    "unit.dimension": ("unit {unit!r} is {dimension} unit; expected {expected} unit such as {examples}",
                       "单位 {unit!r} 是{dimension}单位,应为{expected}单位,如 {examples}"),
}
