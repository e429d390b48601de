"""VBA source of the add-in, generated from :data:`remanxl.functions.REGISTRY` and the ribbon's buttons.

The add-in's own VBA comes from here (xlwings' module only gets its ``PROJECT_NAME``):

* ``RemanxlUdfs``: one wrapper Function per registry entry, written exactly as
  xlwings' own ``xlwings.udfs.generate_vba_wrapper`` writes it for an add-in
  (so "Import Functions" is never needed and the wrappers behave as xlwings
  documents);
* ``RemanxlRegistration``: ``RemanxlRegisterFunctions``, run from
  ``Workbook_Open``, gives each function its Function Wizard description,
  category and argument descriptions through ``Application.MacroOptions``;
* ``RemanxlRibbon``: the ribbon callbacks, each a ``RunPython`` call;
* the body of ``ThisWorkbook``.

The VBA project's code page is 1252, so every line is ASCII: Chinese text is
built at run time from ``ChrW`` calls.  No statement uses a line continuation
and none is longer than :data:`MAX_LINE`, far below VBA's 1023-character line
limit, so long texts are built in several statements.
"""
from __future__ import annotations

import re

from remanxl.excel.ribbon import BUTTONS, CALLBACK_MODULE
from remanxl.functions.registry import MACRO_OPTIONS_LIMIT, Udf

#: The Python module XLPy.CallUDF imports to find the functions.
UDF_MODULE = "remanxl.udfs"
UDFS_VBA_MODULE = "RemanxlUdfs"
REGISTRATION_VBA_MODULE = "RemanxlRegistration"
REGISTER_SUB = "RemanxlRegisterFunctions"

#: Longest generated line; VBA refuses lines over 1023 characters.
MAX_LINE = 800

# Words VBA reserves ([MS-VBAL] 3.3.5.2) plus statement and function names that are risky as
# identifiers; an argument named like one may not compile, so the generator refuses them all.
_RESERVED = {w.casefold() for w in """
Abs AddressOf And Any Array As Attribute Boolean ByRef Byte ByVal Call Case CBool CByte CCur CDate CDbl
CDec CInt CLng CLngLng CLngPtr Close Const CSng CStr Currency CVar CVErr Date Debug Decimal Declare
DefBool DefByte DefCur DefDate DefDbl DefDec DefInt DefLng DefLngLng DefLngPtr DefObj DefSng DefStr
DefVar Dim Do DoEvents Double Each Else ElseIf Empty End EndIf Enum Eqv Erase Error Event Exit False
Fix For Friend Function Get Global GoSub GoTo If Imp Implements In Input InputB Int Integer Is LBound
Len LenB Let Like Line LineInput Lock Long LongLong LongPtr Loop LSet Me Mid MidB Mod Name New Next
Not Nothing Null Object On Open Option Optional Or ParamArray Preserve Print Private PSet Public Put
RaiseEvent ReDim Rem Reset Resume Return RSet Scale Seek Select Set Sgn Shared Single Spc Static Stop
String Sub Tab Then To True Type TypeOf UBound Unlock Until Variant Wend While Width With WithEvents
Write Xor
""".split()}
# Names the generated wrapper bodies use themselves.
_WRAPPER_LOCALS = {"argsarray", "k", "failed"}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}")


def check_identifier(name: str, what: str) -> None:
    """Raise unless ``name`` can name a VBA procedure, argument or project."""
    if not _IDENTIFIER.fullmatch(name) or name.casefold() in _RESERVED | _WRAPPER_LOCALS:
        raise ValueError(f"{what} {name!r} is not a usable VBA identifier")


def _check_signature(entry: Udf) -> None:
    """The argument shapes VBA (and xlwings) accept: optional ones last, one ParamArray at the end."""
    check_identifier(entry.name, "function name")
    seen_optional = False
    for i, arg in enumerate(entry.args):
        check_identifier(arg.name, f"{entry.name}: argument")
        if arg.varargs and (arg.optional or i != len(entry.args) - 1 or seen_optional):
            raise ValueError(f"{entry.name}: a ParamArray must be the last argument and no argument may be optional")
        if seen_optional and not arg.optional and not arg.varargs:
            raise ValueError(f"{entry.name}: required argument {arg.name!r} after an optional one")
        seen_optional |= arg.optional


def utf16_length(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units), for the MacroOptions limit."""
    return len(text.encode("utf-16-le")) // 2


# --- string literals --------------------------------------------------------


def _pieces(text: str) -> list[str]:
    """``text`` as VBA expressions to concatenate: quoted ASCII runs and ``ChrW`` calls."""
    pieces: list[str] = []
    run = ""
    for ch in text:
        if " " <= ch <= "~":
            run += '""' if ch == '"' else ch
            if len(run) >= 200:  # keeps one literal well inside a line
                pieces.append(f'"{run}"')
                run = ""
            continue
        if run:
            pieces.append(f'"{run}"')
            run = ""
        for unit in re.findall(b"..", ch.encode("utf-16-be"), re.S):  # a surrogate pair gives two
            code = int.from_bytes(unit, "big")
            # A Long literal (trailing &) above &H7FFF: as an Integer it would read negative.
            pieces.append(f"ChrW(&H{code:04X}{'&' if code > 0x7FFF else ''})")
    if run or not pieces:
        pieces.append(f'"{run}"')
    return pieces


def assign_string(target: str, text: str, indent: str = "    ") -> list[str]:
    """Statements that leave ``text`` in the String variable ``target``, each line at most :data:`MAX_LINE`."""
    lines: list[str] = []
    current = ""
    for piece in _pieces(text):
        if current and len(indent) + len(current) + 3 + len(piece) > MAX_LINE:
            lines.append(indent + current)
            current = ""
        if not current:
            current = f"{target} = {target} & {piece}" if lines else f"{target} = {piece}"
        else:
            current += f" & {piece}"
    lines.append(indent + current)
    return lines


# --- the modules ------------------------------------------------------------


def wrapper(entry: Udf, module_name: str = UDF_MODULE, workbook: str = "ActiveWorkbook") -> str:
    """The VBA Function for one UDF, as ``xlwings.udfs.generate_vba_wrapper`` writes it.

    ``workbook`` is ``ActiveWorkbook`` because xlwings uses that for ``.xlam``
    files: the caller's workbook, not the add-in, is the one Python sees.
    Lines end in ``\\n``; :func:`module_source` converts them.
    """
    _check_signature(entry)
    name = entry.name
    params = []
    for arg in entry.args:
        if arg.optional:
            params.append(f"Optional {arg.name}")
        elif arg.varargs:
            params.append(f"ParamArray {arg.name}()")
        else:
            params.append(arg.name)
    out = [f"Function {name}({', '.join(params)})"]
    body: list[str] = []
    if entry.volatile:
        body.append("Application.Volatile")
    vararg = next((a.name for a in entry.args if a.varargs), None)
    if vararg:
        fixed = [a.name for a in entry.args if not a.varargs]
        n = len(fixed)
        body += [
            "Dim argsArray() As Variant",
            f"argsArray = Array({', '.join(fixed)})",
            f"ReDim Preserve argsArray(0 to UBound({vararg}) - LBound({vararg}) + {n})",
            f"For k = LBound({vararg}) To UBound({vararg})",
            f"argsArray({n} + k - LBound({vararg})) = {vararg}(k)",
            "Next k",
        ]
        args_vba = "argsArray"
    else:
        args_vba = f"Array({', '.join(a.name for a in entry.args)})"
    call = f'XLPy.CallUDF("{module_name}", "{name}", {args_vba}'
    out += ["    " + line for line in body]
    out += [
        '    #If App = "Microsoft Excel" Then',
        "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
        f"        {name} = {call}, {workbook}, Application.Caller)",
        "        Exit Function",
        "    #Else",
        f"        {name} = {call})",
        "        Exit Function",
        "    #End If",
        "failed:",
        f"    {name} = Err.Description",
        "End Function",
        "",
    ]
    return "\n".join(out) + "\n"


def udfs_module(registry: dict[str, Udf]) -> str:
    """``RemanxlUdfs``: the wrappers, laid out like xlwings' own ``xlwings_udfs`` module."""
    head = [
        f'Attribute VB_Name = "{UDFS_VBA_MODULE}"',
        "'Generated by remanxl.excel.vba from remanxl.functions.REGISTRY: edit the registry, not this module.",
        "'Each wrapper hands its arguments to remanxl.udfs through xlwings (XLPy.CallUDF).",
        # A #Const is private to its module: without this line the wrappers would compile
        # the #Else branch, which passes neither the workbook nor the calling cell.
        "#Const App = \"Microsoft Excel\" 'Adjust when using outside of Excel",
    ]
    return module_source("\n".join(head) + "\n" + "".join(wrapper(e) for e in registry.values()))


def macro_options(entry: Udf) -> tuple[str, list[str]]:
    """The Function Wizard description and argument descriptions of one function (English / Chinese)."""
    texts = (entry.help, *(a.help for a in entry.args))
    for text in texts:
        if utf16_length(text) > MACRO_OPTIONS_LIMIT:
            raise ValueError(f"{entry.name}: MacroOptions text over {MACRO_OPTIONS_LIMIT} characters: {text[:60]}")
    return texts[0], list(texts[1:])


def registration_module(registry: dict[str, Udf]) -> str:
    """``RemanxlRegistration``: ``Application.MacroOptions`` for every function, one Private Sub each.

    One Sub per function keeps every procedure small (VBA limits a compiled
    procedure to 64 KB) and lets one failing call leave the others working.
    """
    out = [
        f'Attribute VB_Name = "{REGISTRATION_VBA_MODULE}"',
        "'Function Wizard help for the REMAN_* functions: description, category and argument descriptions.",
        "'Generated by remanxl.excel.vba from remanxl.functions.REGISTRY: edit the registry, not this module.",
        "'Chinese text is built with ChrW: the project's code page (1252) cannot hold it.",
        "Option Explicit",
        "",
        f"Public Sub {REGISTER_SUB}()",
        "    Dim book As String",
        "    book = \"'\" & ThisWorkbook.Name & \"'!\"",
        "    ' An Excel that rejects one call (e.g. an old one without ArgumentDescriptions)",
        "    ' must still load the add-in and register the other functions.",
        "    On Error Resume Next",
    ]
    out += [f"    Register{name} book" for name in registry]
    out += [
        "    On Error GoTo 0",
        "    ' MacroOptions marks the add-in as changed; nothing here needs saving.",
        "    ThisWorkbook.Saved = True",
        "End Sub",
        "",
    ]
    for name, entry in registry.items():
        _check_signature(entry)
        description, arguments = macro_options(entry)
        out += [f"Private Sub Register{name}(book As String)", "    Dim desc As String"]
        if arguments:
            out.append(f"    Dim argDesc(1 To {len(arguments)}) As String")
        out += assign_string("desc", description)
        for i, text in enumerate(arguments, 1):
            out += assign_string(f"argDesc({i})", text)
        call = (f'    Application.MacroOptions Macro:=book & "{name}", Description:=desc, '
                f'Category:="{entry.category}"')
        out += [call + (", ArgumentDescriptions:=argDesc" if arguments else ""), "End Sub", ""]
    return module_source("\n".join(out))


#: The guard Function the callbacks share, and the helper that knows Protected View.
GUARD = "RemanxlCanRun"
PROTECTED_VIEW = "RemanxlInProtectedView"


def _message_lines(target: str, key: str) -> list[str]:
    """Statements that leave a catalogue message, English then Chinese on the next line, in ``target``."""
    from remanxl.i18n import Msg, tr

    msg = Msg(key)
    return assign_string(target, tr(msg, "en") + "\n" + tr(msg, "zh"))  # "\n" becomes ChrW(&H000A), vbLf


def ribbon_module() -> str:
    """``RemanxlRibbon``: one callback per button, each running a :mod:`remanxl.excel.macros` function.

    Every callback is guarded.  xlwings' ``RunPython`` and ``GetConfig`` read ``ActiveWorkbook``, which
    is Nothing when no workbook is open and in Protected View; unguarded, that is VBA error 91
    ("Object variable or With block variable not set").  *New evaluation* works with nothing open (it
    opens a blank workbook for RunPython to read its settings through, and closes it afterwards); the
    other buttons say in one line what to do.
    """
    out = [
        f'Attribute VB_Name = "{CALLBACK_MODULE}"',
        "'Callbacks of the remanxl ribbon tab (customUI/customUI.xml), generated by remanxl.excel.ribbon.",
        "'RunPython starts Python with the active workbook as xw.Book.caller().",
        "'The Remanxl prefix matters: Excel looks callbacks up across every open add-in.",
        "Option Explicit",
        "",
        "'True when the active window is a Protected View window (Excel 2010 and later on Windows):",
        "'ActiveWorkbook is Nothing there and the workbook cannot be changed.",
        f"Private Function {PROTECTED_VIEW}() As Boolean",
        "    #If Mac Then",
        f"        {PROTECTED_VIEW} = False",
        "    #Else",
        "        On Error Resume Next",
        f"        {PROTECTED_VIEW} = Not (Application.ActiveProtectedViewWindow Is Nothing)",
        "        On Error GoTo 0",
        "    #End If",
        "End Function",
        "",
        "'False, after saying what to do, when there is no workbook a button could work on.",
        f"Private Function {GUARD}() As Boolean",
        "    Dim message As String",
        f"    If {PROTECTED_VIEW}() Then",
        *["    " + line for line in _message_lines("message", "ribbon.protected_view")],
        '        MsgBox message, vbInformation, "remanxl"',
        "        Exit Function",
        "    End If",
        "    If ActiveWorkbook Is Nothing Then",
        *["    " + line for line in _message_lines("message", "ribbon.no_workbook")],
        '        MsgBox message, vbInformation, "remanxl"',
        "        Exit Function",
        "    End If",
        f"    {GUARD} = True",
        "End Function",
        "",
    ]
    for b in BUTTONS:
        check_identifier(b.callback, "callback")
        out.append(f"Sub {b.callback}(control As IRibbonControl)")
        if b.needs_no_workbook:
            out += [
                "    Dim blank As Workbook",
                f"    If {PROTECTED_VIEW}() Or ActiveWorkbook Is Nothing Then",
                "        ' RunPython reads its settings through ActiveWorkbook: give it one, close it after.",
                "        Set blank = Workbooks.Add",
                "    End If",
                f'    RunPython "{b.python}"',
                "    If Not blank Is Nothing Then blank.Close SaveChanges:=False",
            ]
        else:
            out += [f"    If Not {GUARD}() Then Exit Sub", f'    RunPython "{b.python}"']
        out += ["End Sub", ""]
    return module_source("\n".join(out))


def this_workbook_body() -> str:
    """Body of ``ThisWorkbook`` (its ``Attribute`` header stays the template's)."""
    return module_source("\n".join([
        "'MacroOptions settings last until Excel closes (the add-in is never saved), so register them at every open.",
        "Private Sub Workbook_Open()",
        f"    {REGISTRATION_VBA_MODULE}.{REGISTER_SUB}",
        "End Sub",
        "",
    ]))


def xlwings_module(template_source: str, project_name: str) -> str:
    """xlwings' own module with ``PROJECT_NAME`` set: it names the config sheet and files."""
    old = 'Public Const PROJECT_NAME As String = "myaddin"'
    if template_source.count(old) != 1:
        raise ValueError("the xlwings template module no longer declares PROJECT_NAME as expected")
    return template_source.replace(old, f'Public Const PROJECT_NAME As String = "{project_name}"')


def module_source(text: str) -> str:
    """CRLF line ends, as the VBA editor stores them; ASCII only, as code page 1252 with no escapes needs."""
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if not text.isascii():
        raise ValueError("generated VBA must be ASCII")
    too_long = [line for line in text.split("\r\n") if len(line) > 1023]
    if too_long:
        raise ValueError(f"VBA line over 1023 characters: {too_long[0][:60]}")
    return text
