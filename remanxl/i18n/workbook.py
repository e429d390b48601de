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
    # reading tables
    "read.no_table": ("no Excel table named {table}", "没有名为 {table} 的 Excel 表"),
    "read.no_input_table": ("no Excel table named {table}; the template's input table was removed or renamed "
                            "(create it again from the template)",
                            "没有名为 {table} 的 Excel 表;模板中的输入表已被删除或改名(请按模板重新建立)"),
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
