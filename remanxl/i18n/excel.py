"""Messages of remanxl's excel area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Ribbon guards, compiled into the add-in's VBA (shown by MsgBox, both languages).
    "ribbon.no_workbook": (
        "Open the evaluation workbook first (or press New evaluation): this button works on the active "
        "workbook, and none is open.",
        "请先打开评价工作簿(或点击“新建评价”):此按钮作用于当前工作簿,而现在没有打开的工作簿。"),
    "ribbon.protected_view": (
        "This workbook is open in Protected View: click Enable Editing in the yellow bar, then press the "
        "button again.",
        "此工作簿处于受保护的视图:请点击黄色提示栏中的“启用编辑”,然后再点此按钮。"),
    # remanxl doctor: checks added for real desktops.
    "doctor.excel.ok": ("Microsoft Excel is installed", "已安装 Microsoft Excel"),
    "doctor.excel.wps": (
        "WPS Office is installed, but Microsoft Excel is not (Excel.Application is not Excel's)",
        "已安装 WPS Office,但未安装 Microsoft Excel(Excel.Application 不属于 Excel)"),
    "doctor.excel.none": ("Microsoft Excel is not installed (no Excel.Application in the registry)",
                          "未安装 Microsoft Excel(注册表中没有 Excel.Application)"),
    "doctor.excel.fix": (
        "The ribbon tab and the =REMAN_* functions need Microsoft Excel (xlwings does not support WPS). "
        "Without Excel, use the template's own formulas (they compute in WPS and LibreOffice too) and the "
        "command line: remanxl evaluate BOOK.xlsx fills the Summary sheet.",
        "功能区与 =REMAN_* 函数需要 Microsoft Excel(xlwings 不支持 WPS)。没有 Excel 时,请使用模板自带公式"
        "(在 WPS 与 LibreOffice 中同样计算)和命令行:remanxl evaluate 工作簿.xlsx 写入汇总表。"),
    "doctor.arch.ok": ("{tag}: 64-bit x64 Python, as xlwings' DLL needs", "{tag}:64 位 x64 Python,符合 xlwings DLL 的要求"),
    "doctor.arch.bad": (
        "{tag}: xlwings {pin} ships its DLL for 64-bit x64 Python (win-amd64) only; every formula and "
        "button fails with this one",
        "{tag}:xlwings {pin} 仅为 64 位 x64 Python(win-amd64)提供 DLL,使用此 Python 时所有公式和按钮都会失败"),
    "doctor.arch.fix": (
        "Install the 64-bit Python 3.11+ from python.org (\"Windows installer (64-bit)\"; on ARM computers "
        "too), then run: py -3.11-64 install.py",
        "从 python.org 安装 64 位 Python 3.11 或更高版本(\"Windows installer (64-bit)\",ARM 电脑同样适用),"
        "然后运行:py -3.11-64 install.py"),
    "doctor.codepage.ok": ("the user folder {path} can be spelled in code page {cp}",
                           "用户文件夹 {path} 可用代码页 {cp} 表示"),
    "doctor.codepage.moved": (
        "the user folder {path} cannot be spelled in code page {cp}; the add-in's own settings sheet "
        "holds the settings",
        "用户文件夹 {path} 无法用代码页 {cp} 表示;设置保存在加载项自带的设置表中"),
    "doctor.codepage.bad": (
        "the user folder {path} cannot be spelled in code page {cp}: the add-in reads \"?\" in its place "
        "and never finds {config}",
        "用户文件夹 {path} 无法用代码页 {cp} 表示:加载项读到的是“?”,找不到 {config}"),
    "doctor.codepage.fix": (
        "Run the installer again: it moves the Python environment to a folder the code page can spell and "
        "writes the settings into the add-in itself.",
        "请重新运行安装程序:它会把 Python 环境移到代码页可表示的文件夹,并把设置写入加载项本身。"),
    "doctor.encoding.ok": ("readable by the add-in ({encoding})", "加载项可读取({encoding})"),
    "doctor.encoding.bom": ("starts with a UTF-8 byte-order mark: the add-in reads it as part of the first key",
                            "以 UTF-8 字节顺序标记开头:加载项会把它读成第一个键的一部分"),
    "doctor.encoding.utf8": (
        "saved as UTF-8 with non-English characters, but the add-in reads it in code page {cp}: "
        "{sample!r} would arrive as {seen!r}",
        "以 UTF-8 保存且含非英文字符,但加载项按代码页 {cp} 读取:{sample!r} 会被读成 {seen!r}"),
    "doctor.encoding.fix": ("Run the installer again: it writes the file in the code page the add-in reads.",
                            "请重新运行安装程序:它会以加载项读取的代码页写入该文件。"),
    "doctor.com.ok": ("pywin32 loads in {python} (pythoncom {version})", "{python} 可加载 pywin32(pythoncom {version})"),
    "doctor.com.bad": ("pywin32, which Excel talks to Python through, does not load in {python}: {error}",
                       "Excel 与 Python 通信所用的 pywin32 无法在 {python} 中加载:{error}"),
    "doctor.com.fix": ("Run: \"{python}\" -m pip install --force-reinstall pywin32  (or the installer with --upgrade)",
                       "运行:\"{python}\" -m pip install --force-reinstall pywin32(或加 --upgrade 重新运行安装程序)"),
    "doctor.asr.off": ("no Defender attack surface reduction rule blocks Office macros here",
                       "本机没有阻止 Office 宏的 Defender 攻击面减少规则"),
    "doctor.asr.on": ("Defender rule \"{rule}\" is set to {mode} ({guid})",
                      "Defender 规则“{rule}”设为{mode}({guid})"),
    "doctor.asr.fix": (
        "Ask IT for an exclusion of remanxl's interpreter ({python}) from this rule, or to set it to Audit; "
        "the README's section \"For IT\" lists what remanxl starts.",
        "请 IT 将 remanxl 的解释器({python})从此规则中排除,或改为审核模式;README 的“For IT”一节列出了 remanxl 启动的程序。"),
    "doctor.trust.off": ("Trusted Locations are disabled by policy: the add-in's macros may not run from XLSTART",
                         "受信任位置已被策略禁用:加载项的宏可能无法从 XLSTART 运行"),
    "doctor.trust.ok": ("Trusted Locations are allowed (XLSTART is one)", "允许受信任位置(XLSTART 即其一)"),
    "doctor.trust.fix": ("Ask IT to trust remanxl.xlam (it is signed by no one: a trusted location or an allow "
                         "rule for the file).",
                         "请 IT 信任 remanxl.xlam(它没有签名:需要受信任位置或针对该文件的允许规则)。"),
    "doctor.network.bad": ("{path} is on a network share: Excel may not trust or load add-ins from it",
                           "{path} 位于网络共享上:Excel 可能不信任或无法从中加载加载项"),
    "doctor.network.fix": ("Ask IT to add {path} as a trusted location that allows network locations, or "
                           "run Excel with a local profile.",
                           "请 IT 将 {path} 加为允许网络位置的受信任位置,或使用本地用户配置文件运行 Excel。"),
    "doctor.mac.consent": (
        "macOS did not let this program into Excel's container folder {path} (the \"would like to access "
        "data from other apps\" prompt was refused or dismissed)",
        "macOS 不允许本程序访问 Excel 的容器文件夹 {path}(“想要访问其他 App 的数据”提示被拒绝或被关闭)"),
    "doctor.mac.consent_fix": (
        "Run the installer again and click Allow. If macOS no longer asks: System Settings > Privacy & "
        "Security > Full Disk Access, switch on Terminal, then run it again.",
        "请重新运行安装程序并点击“允许”。如果 macOS 不再询问:系统设置 > 隐私与安全性 > 完全磁盘访问权限,"
        "打开“终端”,然后再运行一次。"),
}
