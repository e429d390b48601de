"""The add-in's ribbon tab: six buttons, each running one function of :mod:`remanxl.excel.macros`.

:data:`BUTTONS` is the one list both sides are generated from: the customUI XML
here, and the VBA callback Subs in :mod:`remanxl.excel.vba`.

The part uses the Office 2007 schema (``2006/01/customui``), which every Excel
since 2007 reads, on Windows and on the Mac.  MS-OI29500 §3.4.1.3 pairs that
namespace with the ``office/2006/relationships/ui/extensibility`` package
relationship; the ``office/2007`` relationship type is reserved for the 2009/07
``customUI14`` part.  (xlwings' quickstart template mixes the two.)
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

CUSTOMUI_NAMESPACE = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI.xml"

#: The standard module that holds the callbacks; ``onAction`` names ``Module.Sub``.
CALLBACK_MODULE = "RemanxlRibbon"

TAB_ID = "remanxlTab"
TAB_LABEL = "Remanufacturing 再制造评价"


@dataclass(frozen=True)
class Button:
    id: str  # customUI control id, unique within this add-in
    callback: str  # VBA Sub; the Remanxl prefix keeps it apart from other add-ins' callbacks
    macro: str  # function of remanxl.excel.macros that RunPython calls
    label: str
    image: str  # imageMso: a built-in Office icon, so the add-in ships no pictures (see IMAGE_MSO)
    screentip: str
    supertip: str
    #: Whether the button works with no workbook open (it makes one); the others need the active workbook.
    needs_no_workbook: bool = False

    @property
    def on_action(self) -> str:
        return f"{CALLBACK_MODULE}.{self.callback}"

    @property
    def python(self) -> str:
        """The Python statement the callback hands to ``RunPython``."""
        return f"import remanxl.excel.macros as m; m.{self.macro}()"


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    buttons: tuple[Button, ...]


GROUPS: tuple[Group, ...] = (
    Group("remanxlEvaluate", "Evaluation 评价", (
        Button("remanxlRecompute", "RemanxlRecomputeWorkbook", "recompute_workbook",
               "Recompute 重新计算", "CalculateNow",
               "Recompute workbook / 重新计算工作簿",
               "Recomputes every GB/T 41350 indicator of the active workbook in Python and writes the "
               "results. 用 Python 重新计算当前工作簿的全部 GB/T 41350 指标并写入结果。"),
        Button("remanxlValidate", "RemanxlValidateInputs", "validate_workbook",
               "Validate inputs 检查输入", "DataValidation",
               "Validate inputs / 检查输入",
               "Checks the inputs of the active workbook and lists every problem found. "
               "检查当前工作簿的输入数据并列出发现的问题。"),
        Button("remanxlNew", "RemanxlNewEvaluation", "new_from_template",
               "New evaluation 新建评价", "FileNew",
               "New evaluation from the template / 从模板新建评价",
               "Opens a new evaluation workbook made from the remanxl template. "
               "用 remanxl 模板新建一个评价工作簿。", needs_no_workbook=True),
        Button("remanxlReport", "RemanxlWriteReport", "report_workbook",
               "Report 报告", "FileSaveAsPdfOrXps",
               "Evaluation report / 评价报告",
               "Writes the bilingual evaluation report of the active workbook (PDF, or HTML where no Edge, "
               "Chrome or Chromium is found) beside it and opens it; the workbook is not changed. "
               "生成当前工作簿的中英文评价报告(PDF;若无 Edge、Chrome 或 Chromium 则为 HTML),保存在工作簿旁并打开;"
               "工作簿本身不作修改。"),
    )),
    Group("remanxlHelp", "Help 帮助", (
        Button("remanxlGuide", "RemanxlOpenGuide", "open_guide",
               "Guide 使用指南", "Help",
               "Open the guide / 打开使用指南",
               "Opens the remanxl user guide. 打开 remanxl 使用指南。"),
        Button("remanxlAbout", "RemanxlAbout", "about",
               "About 关于", "FileProperties",
               "About and diagnostics / 关于与诊断",
               "Shows the versions of remanxl, xlwings and Python, the interpreter and the configuration "
               "in use. 显示 remanxl、xlwings 与 Python 的版本、所用解释器及配置。"),
    )),
)

BUTTONS: tuple[Button, ...] = tuple(b for g in GROUPS for b in g.buttons)

#: The imageMso names used, each an Excel control ID from Microsoft's published lists ("Office Fluent
#: User Interface Control Identifiers", ExcelControls.xlsx for Office 2010/2013/2016): Formulas >
#: Calculate Now, Data > Data Validation, File > New, File > Save As PDF or XPS, Help, and File > Info >
#: Properties.  "Info" is not
#: one: Excel shows no icon for it (and an error when add-in UI errors are shown).
IMAGE_MSO = frozenset({"CalculateNow", "DataValidation", "FileNew", "FileSaveAsPdfOrXps", "Help", "FileProperties"})


def customui_xml() -> str:
    """The customUI part, UTF-8 text (Chinese labels are written as they are)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f"<customUI xmlns={quoteattr(CUSTOMUI_NAMESPACE)}>",
        "  <ribbon>",
        "    <tabs>",
        f"      <tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for group in GROUPS:
        lines.append(f"        <group id={quoteattr(group.id)} label={quoteattr(group.label)}>")
        for b in group.buttons:
            lines.append(
                f"          <button id={quoteattr(b.id)} label={quoteattr(b.label)} size=\"large\""
                f" imageMso={quoteattr(b.image)} onAction={quoteattr(b.on_action)}"
                f" screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)}/>"
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines)
