"""Messages of remanxl's workbook area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
    # where a problem is
    "where.cell": ("sheet '{sheet}', row {row}, column {col} ({header})", "工作表“{sheet}”第 {row} 行 {col} 列({header})"),
    "where.cell_bare": ("sheet '{sheet}', row {row}, column {col}", "工作表“{sheet}”第 {row} 行 {col} 列"),
    "where.row": ("sheet '{sheet}', row {row}", "工作表“{sheet}”第 {row} 行"),
    "where.column": ("sheet '{sheet}', {header}", "工作表“{sheet}”,{header}"),
    "where.sheet": ("sheet '{sheet}'", "工作表“{sheet}”"),
    # the status of an evaluation
    "status.label": ("Status", "状态"),
    "status.valid": ("Valid", "有效"),
    "status.invalid": ("INVALID: {reasons}", "无效:{reasons}"),
    # the Summary
    "summary.no_data": ("No data yet — fill in the input sheets, then press Recompute or run remanxl evaluate",
                        "尚无数据——请填写输入表,然后点击“重新计算”或运行 remanxl evaluate"),
    "summary.valid": ("Valid evaluation", "评价有效"),
    "summary.invalid": ("INVALID: {reasons}", "评价无效:{reasons}"),
    "summary.needs_addin": ("needs the remanxl add-in", "需加载 remanxl 加载项"),
    "summary.withheld": ("withheld: estimation note missing", "缺估算说明,暂不计算"),
    "summary.undefined_comparison": ("n/a — no data on the original side", "无原制造侧数据,无法计算"),
    "summary.undefined_share": ("n/a — the parts ledger does not give it", "零件清单数据不足,无法计算"),
    "summary.fingerprint_title": ("Inputs remanxl read, and as they are now", "remanxl 读取的输入与当前输入"),
    "summary.audit_current": ("Audit current: remanxl's warnings and breakdowns below belong to the inputs as they "
                              "are", "审核信息为最新:下方提示与分项结果对应当前输入"),
    "summary.audit_stale": ("OUT OF DATE — the inputs changed since remanxl computed: the values above follow them, "
                            "the warnings and breakdowns below do not; press Recompute or run remanxl evaluate",
                            "已过期——remanxl 计算后输入有变:上方数值已随之更新,下方提示与分项未更新;请点击“重新计算”"
                            "或运行 remanxl evaluate"),
    # the Check column of the input sheets
    "check.side": ("side? reman or original", "侧别无法识别:再制造或原制造"),
    "check.word": ("{what}? see the Lists sheet", "{what}无法识别,见“词汇”表"),
    "check.quantity": ("quantity? a number ≥ 0", "数量应为 ≥ 0 的数字"),
    "check.negative": ("negative quantity", "数量为负"),
    "check.unit": ("unit? see the Lists sheet", "单位无法识别,见“词汇”表"),
    "check.dimension": ("unit of the wrong dimension", "单位量纲不符"),
    "check.provenance": ("provenance missing on the original side", "原制造侧缺数据来源"),
    "check.fresh_water": ("fresh water counts from the Water sheet (fresh_water_in_energy)",
                          "新水已由水表计入(fresh_water_in_energy)"),
    "check.from_energy": ("counted from the Energy sheet (ghg_from_energy)", "已由能源表计算(ghg_from_energy)"),
    "check.export": ("only electricity and heat can be exported", "只有电力和热力可以外供"),
    "check.category": ("category? see the Lists sheet", "类别无法识别,见“词汇”表"),
    "check.part_name": ("part name?", "零件名称必填"),
    "check.part_quantity": ("quantity per product? a number", "单台数量应为数字"),
    "check.unit_mass": ("unit mass? a number", "单件质量应为数字"),
    "check.fate": ("fate? reused, remanufactured or replaced", "处置方式无法识别:直接利用、再制造或更换"),
    "check.treatment": ("old part treatment? required for a replaced part", "更换件须填旧件去向"),
    "check.treatment_only": ("old part treatment only for a replaced part", "只有更换件才有旧件去向"),
    "check.consumable": ("consumable? TRUE or FALSE", "易耗件应为 TRUE 或 FALSE"),
    "check.count": ("a count above the quantity", "计数大于单台数量"),
    "what.energy_type_short": ("energy type", "能源种类"),
    "what.source_short": ("source", "排放源"),
    "what.pollutant_short": ("pollutant", "污染物"),
    "what.stream_short": ("stream", "类型"),
    # reading tables
    "read.no_table": ("no Excel table named {table}", "没有名为 {table} 的 Excel 表"),
    "read.no_input_table": ("no Excel table named {table}; the template's input table was removed or renamed "
                            "(create it again from the template)",
                            "没有名为 {table} 的 Excel 表;模板中的输入表已被删除或改名(请按模板重新建立)"),
    "read.below_table": ("typed below the table {table}, which ends at row {last}: {cells}. Nothing outside the table "
                         "is counted. Make the table include this row (Excel, WPS: Table Design › Resize Table, or type "
                         "directly under the table's last row so that it grows; LibreOffice: type inside the table, "
                         "inserting rows with Sheet › Insert Rows › Rows Above), or delete it",
                         "录入在表 {table} 下方(该表止于第 {last} 行):{cells}。表外的数据不会计入。请让表包含这一行"
                         "(Excel、WPS:表设计 › 调整表格大小,或紧接表的最后一行录入使表自动扩展;LibreOffice:在表内录入,"
                         "用“工作表 › 插入行 › 在上方插入行”增加行),或删除它"),
    "read.beside_table": ("typed beside the table {table} (its columns are {first}–{last}): {cells}. Nothing outside "
                          "the table is counted: move it into the table's row, or delete it",
                          "录入在表 {table} 旁边(该表的列为 {first}–{last}):{cells}。表外的数据不会计入:"
                          "请移入表内对应行,或删除它"),
    "read.outside_more": ("and {count} more cells outside the table {table}", "表 {table} 外另有 {count} 个单元格有数据"),
    "read.headers_missing": ("table {table}: header(s) renamed or removed: {missing}; expected the columns {expected}",
                             "表 {table}:表头被改名或删除:{missing};应有列:{expected}"),
    "read.empty_range": ("empty range: expected a table with its header row", "区域为空:应为含表头行的表"),
    "read.unknown_range": ("the first row's headers name no input table, settings or factor table, or fit two alike "
                           "(air and water pollutants share their column keys: use the template's headers, such as "
                           "'Air pollutant 大气污染物')",
                           "首行表头不对应任何输入表、设置或系数表,或同时符合两张表(大气与水污染物的列键相同:请使用模板"
                           "表头,如“Air pollutant 大气污染物”)"),
    "read.range_twice": ("the table {table} is given twice; give each table once",
                         "表 {table} 重复给出;每张表只给一次"),
}
