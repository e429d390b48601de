"""Messages of remanxl's files area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
    # a workbook remanxl will not write
    "files.locked": ("{path} is open in {program} (its lock file {lock} is beside it); close it there first, or "
                     "write to a copy with -o OUT.xlsx (--ignore-lock if no program has it open)",
                     "{path} 正在 {program} 中打开(旁边有锁定文件 {lock});请先关闭,或用 -o OUT.xlsx 写到副本"
                     "(若确实没有程序打开它,可加 --ignore-lock)"),
    "files.exists": ("{path} exists and was not written by remanxl; use --force to replace it, or choose another name",
                     "{path} 已存在且不是 remanxl 写的;如要替换请加 --force,或换一个文件名"),
    "files.output_exists": ("{path} exists: -o never replaces a file unasked; use --force to replace it, or choose "
                            "another name", "{path} 已存在:-o 不会自动替换已有文件;如要替换请加 --force,或换一个文件名"),
    "files.is_input": ("{path} is one of the workbooks being evaluated; choose another roll-up name (--rollup)",
                       "{path} 是正在评价的工作簿之一;请用 --rollup 另选汇总文件名"),
    "files.sheet_missing": ("{name}: workbook.xml lists the sheet '{sheet}' but its part {part} is missing; the file is "
                            "damaged: open and save it in Excel, or use a backup",
                            "{name}:workbook.xml 列出工作表“{sheet}”,但其部件 {part} 不存在;文件已损坏:请用 Excel "
                            "打开后另存,或使用备份"),
    "files.sheet_shared": ("{name}: the sheet '{sheet}' points at the same part as '{other}'; remanxl would overwrite "
                           "'{other}'; refusing (the file is damaged or was edited by hand)",
                           "{name}:工作表“{sheet}”与“{other}”指向同一部件;写入会覆盖“{other}”,已拒绝"
                           "(文件已损坏或被手工修改)"),
    "files.not_own_sheet": ("{name}: the sheet '{sheet}' is not remanxl's Summary ({found}); remanxl writes only its "
                            "own sheet: rename yours, or delete it so remanxl adds its own",
                            "{name}:工作表“{sheet}”不是 remanxl 的汇总表({found});remanxl 只写自己的工作表:"
                            "请重命名您的工作表,或删除它以便 remanxl 新建"),
    "files.damaged": ("{name}: damaged workbook ({why}); nothing was written; open and save it in Excel, or use a "
                      "backup", "{name}:工作簿已损坏({why});未写入任何内容;请用 Excel 打开后另存,或使用备份"),
    "files.encrypted": ("{name}: part {part} is encrypted; remanxl reads workbooks without a password: save a copy "
                        "without one", "{name}:部件 {part} 已加密;remanxl 只能读取无密码的工作簿:请另存一份无密码副本"),
    "files.table_unreadable": ("{name}: the Excel table {table} cannot be read ({why}); a table needs its header "
                               "row and at least one row below it: in Excel, Table Design > Resize Table, and "
                               "include one more row",
                               "{name}:无法读取 Excel 表 {table}({why});表需要标题行及其下至少一行:请在 Excel 中"
                               "用“表设计 > 调整表格大小”多包含一行"),
    # a write that could not finish
    "files.disk_full": ("cannot write {path}: the disk is full; free some space and run again (nothing was changed)",
                        "无法写入 {path}:磁盘已满;请腾出空间后重试(未做任何修改)"),
    "files.read_only": ("cannot write {path}: {why}; write elsewhere with -o OUT.xlsx (nothing was changed)",
                        "无法写入 {path}:{why};请用 -o OUT.xlsx 写到别处(未做任何修改)"),
    "files.held_open": ("cannot write {path}: Windows refused it (is it open in Excel, WPS or another program? close "
                        "it there), or write elsewhere with -o OUT.xlsx (nothing was changed)",
                        "无法写入 {path}:Windows 拒绝写入(是否在 Excel、WPS 或其他程序中打开?请先关闭),或用 "
                        "-o OUT.xlsx 写到别处(未做任何修改)"),
    "files.folder_read_only": ("the folder {folder} is read-only", "文件夹 {folder} 只读"),
    "files.file_read_only": ("the file is read-only", "该文件只读"),
    "files.os_error": ("cannot write {path}: {why} (nothing was changed)", "无法写入 {path}:{why}(未做任何修改)"),
    "files.interrupted": ("interrupted; every file is as it was", "已中断;所有文件保持原样"),
    "files.interrupted_batch": ("interrupted; each workbook is as it was or completely evaluated (those finished "
                                "before the interrupt were written); the roll-up was not written",
                                "已中断;每个工作簿要么保持原样,要么已完整评价(中断前完成的已写入);汇总表未写入"),
    "files.too_deep": ("{path}: nested too deeply ({why}); an evaluation file is a few levels deep",
                       "{path}:嵌套过深({why});评价文件只有几层"),
    "files.internal": ("internal error ({why}); nothing was written; please report it with the file",
                       "内部错误({why});未写入任何内容;请连同文件一起报告"),
}
