"""The committed add-in, read back with tools that did not write it.

oletools' olevba decodes the VBA (pyOpenVBA wrote it), defusedxml parses the
package parts, xlwings' own generator is the reference for the UDF wrappers,
and pyOpenVBA's VBA interpreter runs the generated registration and ribbon
code against stubs.  Expected values are spelled out here rather than taken
from remanxl.excel, so a wrong constant there cannot hide behind itself.
Excel itself is not available; README lists what only Excel can show.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import io
import re
import sys
import types
import zipfile

import pytest

pytest.importorskip("oletools")
pytest.importorskip("pyopenvba")

import olefile  # noqa: E402
from defusedxml import ElementTree  # noqa: E402
from oletools.olevba import VBA_Project  # noqa: E402

import remanxl.udfs  # noqa: E402
from remanxl.excel import ADDIN_PATH  # noqa: E402
from remanxl.excel.addin import build_addin, describe_addin  # noqa: E402
from remanxl.functions import REGISTRY  # noqa: E402

ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
# customUI namespace -> the package relationship type it must be reached by (MS-OI29500 3.4.1.3, MS-CUSTOMUI2).
CUSTOMUI_PAIRS = {
    "http://schemas.microsoft.com/office/2006/01/customui":
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2009/07/customui":
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
}
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MACROS = {  # ribbon label keyword -> the remanxl.excel.macros function its button must run
    "Recompute": "recompute_workbook",
    "Validate": "validate_workbook",
    "New evaluation": "new_from_template",
    "Guide": "open_guide",
    "Report": "report_workbook",
    "About": "about",
}
MACRO_OPTIONS_LIMIT = 255
FUNCTION = re.compile(r"^Function (\w+)\((.*)\)$", re.M)


# --- reading the add-in ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    assert ADDIN_PATH.is_file(), "remanxl.xlam is missing: run `remanxl build-addin`"
    with zipfile.ZipFile(ADDIN_PATH) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="module")
def olevba_project(parts):
    """(project name, {module: source}, PROJECT stream text), decoded by oletools."""
    with olefile.OleFileIO(parts["xl/vbaProject.bin"]) as ole:
        project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
        project.parse_project_stream()
        modules = {path.rsplit("/", 1)[-1]: code.replace("\r\n", "\n")
                   for path, _name, code in project.parse_modules()}
        project_stream = ole.openstream("PROJECT").read().decode("cp1252")
    return project.projectname, modules, project_stream


@pytest.fixture(scope="module")
def modules(olevba_project) -> dict[str, str]:
    return olevba_project[1]


@pytest.fixture(scope="module")
def customui(parts):
    rels = ElementTree.fromstring(parts["_rels/.rels"])
    ui = [r for r in rels.iter(f"{RELS_NS}Relationship") if r.get("Type").endswith("/ui/extensibility")]
    assert len(ui) == 1, "exactly one ribbon part"
    target = ui[0].get("Target").lstrip("/")
    return ElementTree.fromstring(parts[target]), ui[0].get("Type")


def wrappers(source: str) -> dict[str, str]:
    """``Function`` blocks of a module by name, each up to and including ``End Function``."""
    return {m.group(1): m.group(0) for m in re.finditer(r"(?ms)^Function (\w+)\(.*?^End Function\n", source)}


def interpreter(*extra: tuple[str, str, str], protected_view: bool = False):
    """pyOpenVBA's interpreter with the add-in's workbook loaded and the given (source, name, kind) modules.

    pyOpenVBA has no Protected View windows: ``Application.ActiveProtectedViewWindow`` is supplied here,
    Nothing or a window, as the one fact a desktop decides.
    """
    from pyopenvba.apps.excel import ExcelApplication
    from pyopenvba.interpreter._objects import MemberSpec

    app = ExcelApplication.open(ADDIN_PATH, with_vba=False)
    application = app.application
    real = application.vba_member
    window = app.workbook.Windows(1) if protected_view else None

    def member(name):
        if name.casefold() == "activeprotectedviewwindow":
            from pyopenvba.interpreter._values import NOTHING

            return MemberSpec("ActiveProtectedViewWindow", "property",
                              getter=lambda *a: window if window is not None else NOTHING)
        return real(name)

    application.vba_member = member
    for source, name, kind in extra:
        app.add_module(source, name=name, kind=kind)
    return app


# --- wrappers ----------------------------------------------------------------------------------------------------


def test_every_registry_function_has_a_wrapper_of_the_same_arity(modules):
    found = {name: params for source in modules.values() for name, params in FUNCTION.findall(source)}
    udfs = {name: found[name] for name in found if name.startswith("REMAN_")}
    assert set(udfs) == set(REGISTRY)
    for name, entry in REGISTRY.items():
        params = [p.strip() for p in udfs[name].split(",")] if udfs[name].strip() else []
        expected = [f"Optional {a.name}" if a.optional else f"ParamArray {a.name}()" if a.varargs else a.name
                    for a in entry.args]
        assert params == expected, name
        assert len(params) == len(entry.args)
        assert sum(p.startswith("Optional ") for p in params) == sum(a.optional for a in entry.args)
        assert sum(p.startswith("ParamArray ") for p in params) == sum(a.varargs for a in entry.args)


def test_wrappers_call_python_with_the_conditional_constant_they_test(modules):
    (module,) = [m for m in modules.values() if "Function REMAN_SW(" in m]
    # A #Const is private to its module; without it the wrappers compile the branch that omits the caller.
    assert re.search(r'^#Const App = "Microsoft Excel"', module, re.M)
    for name, text in wrappers(module).items():
        assert f'{name} = XLPy.CallUDF("remanxl.udfs", "{name}", ' in text
        assert ", ActiveWorkbook, Application.Caller)" in text


@pytest.fixture
def xlwings_udfs(monkeypatch):
    """``xlwings.udfs`` (the Windows UDF machinery) imported on Linux with pywin32 stubbed."""
    import xlwings

    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None  # the module starts a thread pool with it
    sys.modules["win32com.client"].Dispatch = None
    sys.modules["win32com"].client = sys.modules["win32com.client"]
    saved = sys.modules.pop("xlwings.udfs", None)
    try:
        yield importlib.import_module("xlwings.udfs")
    finally:
        sys.modules.pop("xlwings.udfs", None)
        if hasattr(xlwings, "udfs"):
            delattr(xlwings, "udfs")
        if saved is not None:
            sys.modules["xlwings.udfs"] = saved


class _AddinBook:
    Name = "remanxl.xlam"  # xlwings passes ActiveWorkbook instead of ThisWorkbook for .xlam files


def _xlwings_wrappers(udfs, module) -> dict[str, str]:
    out = io.StringIO()
    udfs.generate_vba_wrapper("remanxl.udfs", module, out, _AddinBook())
    return wrappers(out.getvalue())


@pytest.mark.parametrize("name", list(REGISTRY))
def test_wrapper_is_what_xlwings_generates(name, modules, xlwings_udfs):
    entry = REGISTRY[name]

    def stand_in(*args):
        pass

    kind = inspect.Parameter
    stand_in.__name__ = name
    stand_in.__signature__ = inspect.Signature([
        kind(a.name, kind.VAR_POSITIONAL) if a.varargs
        else kind(a.name, kind.POSITIONAL_OR_KEYWORD, default=None) if a.optional
        else kind(a.name, kind.POSITIONAL_OR_KEYWORD)
        for a in entry.args])
    decorated = xlwings_udfs.xlfunc(category=entry.category, volatile=entry.volatile)(stand_in)
    expected = _xlwings_wrappers(xlwings_udfs, types.SimpleNamespace(**{name: decorated}))[name]
    (module,) = [m for m in modules.values() if f"Function {name}(" in m]
    assert wrappers(module)[name] == expected


def test_remanxl_udfs_registers_under_xlwings_windows_decorators(modules, xlwings_udfs, monkeypatch):
    import xlwings

    monkeypatch.setattr(xlwings, "func", xlwings_udfs.xlfunc)
    monkeypatch.setattr(xlwings, "arg", xlwings_udfs.xlarg)
    monkeypatch.setattr(xlwings, "ret", xlwings_udfs.xlret)
    spec = importlib.util.spec_from_file_location("remanxl_udfs_as_on_windows", remanxl.udfs.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # what `import remanxl.udfs` does in Excel's Python on Windows
    (built,) = [m for m in modules.values() if "Function REMAN_SW(" in m]
    assert _xlwings_wrappers(xlwings_udfs, module) == wrappers(built)


# --- Function Wizard help ------------------------------------------------------------------------------------------

_CAPTURE = """
Public captured As String
Sub Capture(macroName As String, desc As String, category As String, Optional args As Variant)
    Dim i As Long
    captured = captured & macroName & ChrW(30) & desc & ChrW(30) & category
    If Not IsMissing(args) Then
        For i = LBound(args) To UBound(args)
            captured = captured & ChrW(30) & args(i)
        Next i
    End If
    captured = captured & ChrW(29)
End Sub
Function Captured() As String
    Captured = captured
End Function
"""


def test_function_wizard_help_registered_at_open_is_the_registry_text(modules):
    (this_workbook,) = [m for name, m in modules.items() if name == "ThisWorkbook"]
    opened = re.search(r"(?ms)^Private Sub Workbook_Open\(\)\n(.*?)^End Sub", this_workbook).group(1)
    (call,) = [line.strip() for line in opened.splitlines() if line.strip() and not line.strip().startswith("'")]
    module_name, sub = call.split(".")
    source = modules[module_name]
    # Excel's MacroOptions is replaced by a recorder; everything else runs as generated.
    calls = re.findall(r"^\s*Application\.MacroOptions .*$", source, re.M)
    assert len(calls) == len(REGISTRY)
    options = (r"Application\.MacroOptions Macro:=(.+?), Description:=(\w+), Category:=(\"\w+\")"
               r"(?:, ArgumentDescriptions:=(\w+))?$")
    recorded = re.sub(
        options, lambda m: "Capture " + ", ".join(g for g in m.groups() if g), source, flags=re.M)
    assert recorded.count("Capture ") == len(REGISTRY)
    app = interpreter((_CAPTURE, "Recorder", "standard"), (recorded, module_name, "standard"))
    app.run(sub)
    got = [r.split(chr(30)) for r in app.evaluate("Captured()").split(chr(29)) if r]
    assert [g[0] for g in got] == [f"'remanxl.xlam'!{name}" for name in REGISTRY]
    for (macro, desc, category, *args), entry in zip(got, REGISTRY.values()):
        assert desc == entry.help and category == "remanxl", macro
        assert args == [a.help for a in entry.args], macro
        for text in (desc, *args):
            assert len(text.encode("utf-16-le")) // 2 <= MACRO_OPTIONS_LIMIT, text


def test_vba_source_is_ascii_with_short_lines(modules):
    for name, source in modules.items():
        assert source.isascii(), name
        assert max(len(line) for line in source.split("\n")) <= 1023, name


# --- ribbon -----------------------------------------------------------------------------------------------------


def test_customui_is_well_formed_and_paired_with_its_relationship(customui, parts):
    root, relationship = customui
    namespace = root.tag[1:].split("}")[0]
    assert root.tag.endswith("}customUI")
    assert namespace == "http://schemas.microsoft.com/office/2006/01/customui"
    assert relationship == CUSTOMUI_PAIRS[namespace]
    tabs = root.findall(f"{{{namespace}}}ribbon/{{{namespace}}}tabs/{{{namespace}}}tab")
    assert [t.get("label") for t in tabs] == ["Remanufacturing 再制造评价"]
    buttons = list(root.iter(f"{{{namespace}}}button"))
    assert len(buttons) == 6 and len({b.get("id") for b in buttons}) == 6
    for b in buttons:
        assert b.get("imageMso") and b.get("screentip") and b.get("supertip")
        assert re.search(r"[\u4e00-\u9fff]", b.get("screentip")) and re.search(r"[A-Za-z]", b.get("screentip"))


def test_every_on_action_names_an_existing_sub(customui, modules):
    root, _ = customui
    for button in root.iter(f"{{{root.tag[1:].split('}')[0]}}}button"):
        module, sub = button.get("onAction").split(".")
        assert sub.startswith("Remanxl"), "callbacks are looked up across add-ins: keep the prefix"
        assert re.search(rf"^(Public )?Sub {sub}\(control As IRibbonControl\)$", modules[module], re.M), sub


def test_ribbon_buttons_run_their_python_macros(customui, modules):
    root, _ = customui
    buttons = list(root.iter(f"{{{root.tag[1:].split('}')[0]}}}button"))
    (module,) = {b.get("onAction").split(".")[0] for b in buttons}
    # Called unqualified: the interpreter does not resolve Module.Sub; the module is checked above.
    clicks = "\n".join(f"    {b.get('onAction').split('.')[1]} Nothing" for b in buttons)
    stub = ("Public commands As String\nFunction RunPython(PythonCommand As String)\n"
            "    commands = commands & PythonCommand & ChrW(29)\nEnd Function\n"
            f"Function ClickAll() As String\n{clicks}\n    ClickAll = commands\nEnd Function\n")
    app = interpreter((stub, "Stub", "standard"), (modules[module], module, "standard"))
    commands = app.evaluate("ClickAll()").split(chr(29))[:-1]
    for button, command in zip(buttons, commands):
        (macro,) = [m for keyword, m in MACROS.items() if keyword in button.get("label")]
        assert command == f"import remanxl.excel.macros as m; m.{macro}()", button.get("label")
    assert len(commands) == len(MACROS)


# --- package, project, config ------------------------------------------------------------------------------------


def test_the_package_is_an_addin(parts):
    types_ = ElementTree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types_ if o.tag.endswith("Override")}
    assert overrides["/xl/workbook.xml"] == ADDIN_CONTENT_TYPE
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"


def test_project_is_named_remanxl(olevba_project, parts):
    name, modules, project_stream = olevba_project
    assert name == "remanxl"
    assert 'Name="remanxl"' in project_stream.splitlines()
    assert re.search(r'^Public Const PROJECT_NAME As String = "remanxl"$', modules["xlwings"], re.M)
    everything = "".join(modules.values()) + "".join(p.decode("utf-8", "replace") for n, p in parts.items()
                                                     if not n.endswith(".bin"))
    assert "myaddin" not in everything.lower() and "felix\\dev" not in everything.lower()


def test_config_sheet_sets_udf_modules_only(parts):
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    sheets = ElementTree.fromstring(parts["xl/workbook.xml"]).findall("m:sheets/m:sheet", ns)
    assert [s.get("name") for s in sheets] == ["remanxl.conf"]
    strings = [si.findtext("m:t", "", ns) for si in ElementTree.fromstring(parts["xl/sharedStrings.xml"])]
    cells = {c.get("r"): strings[int(c.findtext("m:v", "", ns))]
             for c in ElementTree.fromstring(parts["xl/worksheets/sheet1.xml"]).iter(f"{{{ns['m']}}}c")}
    # xlwings reads keys from A1 down to the first empty cell; any key there hides the user's config file.
    assert (cells.get("A1"), cells.get("B1"), cells.get("A2")) == ("UDF Modules", "remanxl.udfs", None)


def test_pyopenvba_finds_nothing_wrong():
    from pyopenvba import ExcelFile, check_file

    report = check_file(ADDIN_PATH)
    assert report.ok and not report.issues, [(i.code, i.location, i.message) for i in report.issues]
    with ExcelFile(ADDIN_PATH) as book:
        assert book.validate() == []


# --- reproducibility -----------------------------------------------------------------------------------------------


def test_committed_addin_equals_a_fresh_build(tmp_path):
    first, second = build_addin(tmp_path / "a.xlam"), build_addin(tmp_path / "b.xlam")
    assert first.read_bytes() == second.read_bytes(), "the build is not deterministic"
    assert describe_addin(ADDIN_PATH) == describe_addin(first), "remanxl.xlam is stale: run `remanxl build-addin`"


# --- the callbacks on a real desktop: no workbook, Protected View ---------------------------------------------

RUNPYTHON_STUB = ("Public commands As String\nFunction RunPython(PythonCommand As String)\n"
                  "    commands = commands & PythonCommand & ChrW(29)\nEnd Function\n")


def click(module_source: str, callback: str, *, workbook: bool, protected_view: bool = False):
    """Press one button in pyOpenVBA's Excel; returns (RunPython commands, message boxes, open workbooks)."""
    app = interpreter((RUNPYTHON_STUB + f"Function Click() As String\n    {callback} Nothing\n"
                       "    Click = commands\nEnd Function\n", "Stub", "standard"),
                      (module_source, "RemanxlRibbon", "standard"), protected_view=protected_view)
    if not workbook or protected_view:  # in Protected View, ActiveWorkbook is Nothing too
        app.application.active_book = None
    before = len(app.application.workbooks_.books)
    commands = app.evaluate("Click()").split(chr(29))[:-1]
    return commands, [d[1] for d in app.dialogs if d[0] == "MsgBox"], len(app.application.workbooks_.books) - before


@pytest.mark.parametrize("protected_view", [False, True], ids=["no workbook", "protected view"])
def test_buttons_without_a_workbook_say_what_to_do(modules, protected_view):
    """Unguarded, RunPython's GetConfig hits ActiveWorkbook = Nothing: VBA error 91."""
    from remanxl.excel.ribbon import BUTTONS
    from remanxl.i18n import Msg, tr

    key = "ribbon.protected_view" if protected_view else "ribbon.no_workbook"
    for button in BUTTONS:
        commands, boxes, added = click(modules["RemanxlRibbon"], button.callback, workbook=False,
                                       protected_view=protected_view)
        if button.needs_no_workbook:  # New evaluation: works, through a blank workbook it closes again
            assert commands == [button.python] and boxes == [] and added == 0, button.id
        else:
            assert commands == [], button.id
            assert boxes == [tr(Msg(key), "en") + "\n" + tr(Msg(key), "zh")], button.id


def test_buttons_with_a_workbook_run_without_a_message(modules):
    for callback in ("RemanxlRecomputeWorkbook", "RemanxlNewEvaluation"):
        commands, boxes, added = click(modules["RemanxlRibbon"], callback, workbook=True)
        assert len(commands) == 1 and boxes == [] and added == 0


def test_every_icon_is_an_office_control_id(customui):
    from remanxl.excel.ribbon import IMAGE_MSO

    root, _ = customui
    images = {b.get("imageMso") for b in root.iter(f"{{{root.tag[1:].split('}')[0]}}}button")}
    assert images <= IMAGE_MSO and "Info" not in images
