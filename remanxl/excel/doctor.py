"""``remanxl doctor``: check that Excel can reach remanxl, and say how to fix what is wrong.

It looks at what ``install.py`` sets up and at what the add-in's VBA needs at run time:

* the interpreter running the doctor: Python version, Microsoft Store build, xlwings version
  (the add-in's VBA is generated for exactly :data:`~remanxl.excel.XLWINGS_VERSION`);
* the add-in's user settings file ``remanxl.conf``: present, one ``"KEY","VALUE"`` pair per
  line, no blank lines, an interpreter that exists and has remanxl, ``UDF MODULES``
  naming ``remanxl.udfs``;
* ``remanxl.xlam`` in Excel's startup folder, byte for byte the packaged one;
* Windows: the xlwings DLL next to the interpreter, where the VBA loads it from;
* macOS: xlwings' AppleScript, without which the ribbon buttons cannot run Python.

On Linux there is no Excel, so only the Python checks apply.

The paths mirror ``install.py`` (which cannot import remanxl: it runs before remanxl is
installed); ``tests/test_doctor.py`` checks that both agree.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from remanxl.excel import ADDIN_PATH, PROJECT_NAME, XLWINGS_VERSION

MIN_PYTHON = (3, 11)
UDF_MODULE = "remanxl.udfs"
OS_LABELS = {"windows": "Windows", "macos": "macOS", "linux": "Linux"}
RERUN = "Run the installer again: python install.py (it repairs what is missing)."
_CONFIG_LINE = re.compile(r'^"([^"]*)","([^"]*)"\s*$')

# Runs in the interpreter named in remanxl.conf: what Excel will start.
_PROBE = r"""
import json, sys
info = {"version": list(sys.version_info[:3])}
try:
    from importlib import metadata
    info["xlwings"] = metadata.version("xlwings")
except Exception:
    info["xlwings"] = None
try:
    import remanxl.udfs
    info["remanxl"] = getattr(sys.modules["remanxl"], "__version__", "?")
except Exception as exc:
    info["error"] = "%s: %s" % (type(exc).__name__, exc)
print(json.dumps(info))
"""


@dataclass
class Check:
    """The outcome of one check; ``fix`` and ``symptom`` are set for problems."""

    key: str
    title: str
    status: str            # "ok", "fail", "warn" or "skip"
    detail: str = ""
    fix: str = ""
    symptom: str = ""      # what Excel shows when this is wrong


# --------------------------------------------------------------------------- paths


def current_os() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def _mac_startup_dir(home: Path) -> Path:
    """Excel's user startup folder on macOS; a variant without ``.localized`` is honoured."""
    path = home / "Library" / "Group Containers" / "UBF8T346G9.Office"
    for name in ("User Content", "Startup"):
        localized, plain = path / (name + ".localized"), path / name
        path = plain if plain.is_dir() and not localized.is_dir() else localized
    return path / "Excel"


def user_paths(os_name: str, home: Path | None = None) -> dict[str, Path | None]:
    """The settings file, startup folder and AppleScript folder for ``os_name``.

    With ``home`` every path is derived from it; otherwise, on Windows itself, from
    %USERPROFILE% and %APPDATA% as the add-in's VBA does.
    """
    native = home is None and os_name == current_os()
    home = Path(home) if home is not None else Path.home()
    if os_name == "windows":
        env = os.environ if native else {}
        profile = Path(env.get("USERPROFILE") or home)
        roaming = Path(env.get("APPDATA") or profile / "AppData" / "Roaming")
        return {"config_file": profile / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf",
                "startup_dir": roaming / "Microsoft" / "Excel" / "XLSTART",
                "applescript_dir": None}
    if os_name == "macos":
        library = home / "Library"
        return {"config_file": library / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf",
                "startup_dir": _mac_startup_dir(home),
                "applescript_dir": library / "Application Scripts" / "com.microsoft.Excel"}
    return {"config_file": None, "startup_dir": None, "applescript_dir": None}


def is_store_python(*paths) -> str | None:
    """The first path that belongs to a Microsoft Store Python (``WindowsApps``), else None."""
    for path in paths:
        low = str(path or "").replace("/", "\\").lower()
        if "\\windowsapps\\" in low or "pythonsoftwarefoundation.python" in low:
            return str(path)
    return None


# --------------------------------------------------------------------------- checks

STORE_FIX = ("Install Python 3.11 or newer from https://www.python.org/downloads/windows/ and run "
             "the installer with it: py -3.11 install.py")
COM_SYMPTOM = '"Could not activate Python COM server, hr = -2147221164"'


def _dll_symptom(pin: str) -> str:
    return f'"Could not load xlwings64-{pin}.dll from either of the following folders"'


def check_python() -> list[Check]:
    exe = sys.executable
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return [Check("python", "Python", "ok", f"Python {version}: {exe}")]
    return [Check("python", "Python", "fail", f"Python {version} is too old: {exe}",
                  fix="remanxl needs Python 3.11 or newer. Install it from https://www.python.org/downloads/ "
                      "and run the installer with it.")]


def check_store(os_name: str) -> list[Check]:
    if os_name != "windows":
        return []
    store = is_store_python(sys.executable, getattr(sys, "_base_executable", None), sys.base_prefix)
    if store:
        return [Check("store", "Microsoft Store Python", "fail",
                      f"this Python comes from the Microsoft Store: {store}",
                      fix=STORE_FIX, symptom=COM_SYMPTOM)]
    return [Check("store", "Microsoft Store Python", "ok", "not a Microsoft Store build")]


def check_xlwings() -> list[Check]:
    try:
        have = metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        have = None
    if have == XLWINGS_VERSION:
        return [Check("xlwings", "xlwings version", "ok", f"xlwings {have}, as the add-in's VBA expects")]
    return [Check("xlwings", "xlwings version", "fail",
                  f"xlwings {have or 'is not installed'}; the add-in's VBA is made for {XLWINGS_VERSION}",
                  fix=f'Run: "{sys.executable}" -m pip install xlwings=={XLWINGS_VERSION}  (or: {RERUN})',
                  symptom=_dll_symptom(XLWINGS_VERSION))]


def read_config(path: Path) -> tuple[dict[str, str] | None, list[Check]]:
    """Parse remanxl.conf as the VBA's ``Input #`` would; report format problems."""
    title = f"Settings file {path}"
    if not path.is_file():
        return None, [Check("config", title, "fail", "missing",
                            fix=RERUN + " It writes this file.")]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("mbcs" if current_os() == "windows" else "latin-1")
    values: dict[str, str] = {}
    blank, bad = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            blank.append(number)
            continue
        match = _CONFIG_LINE.match(line)
        if match:
            values.setdefault(match.group(1).upper(), match.group(2))
        else:
            bad.append(number)
    problems = []
    if blank:
        problems.append(Check("config", title, "fail", f"blank line(s) at line {_numbers(blank)}",
                              fix="Delete the blank lines (they break Excel's start of Python, xlwings "
                                  f"issue #1584), or: {RERUN}", symptom=COM_SYMPTOM))
    if bad:
        problems.append(Check("config", title, "fail",
                              f'line {_numbers(bad)} is not of the form "KEY","VALUE"',
                              fix=f'Correct or delete those lines (each line must be "KEY","VALUE"), or: {RERUN}'))
    return values, problems or [Check("config", title, "ok", f"{len(values)} setting(s), well formed")]


def _numbers(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")


def _probe(python: Path) -> dict:
    """Ask ``python`` for its version, xlwings and whether ``remanxl.udfs`` imports."""
    console = python.with_name("python.exe")  # pythonw.exe has no console to report through
    if python.name.lower() == "pythonw.exe" and console.exists():
        python = console
    try:
        proc = subprocess.run([str(python), "-I", "-B", "-c", _PROBE], capture_output=True,
                              text=True, timeout=120)
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        return {"error": f"it does not run ({exc.__class__.__name__})"}


def check_interpreter(os_name: str, values: dict[str, str], config_path: Path) -> tuple[Path | None, list[Check]]:
    key = "INTERPRETER_WIN" if os_name == "windows" else "INTERPRETER_MAC"
    raw = values.get(key) or values.get("INTERPRETER")
    title = "Interpreter for Excel"
    if not raw:
        return None, [Check("interpreter", title, "fail", f'no "{key}" line in {config_path}',
                            fix=RERUN, symptom='"Could not find Interpreter!"' if os_name == "windows" else "")]
    path = Path(os.path.expandvars(raw) if os_name == "windows" else raw)
    if not path.is_file():
        symptom = ('"Could not find Interpreter!" (ribbon) or ' + _dll_symptom(XLWINGS_VERSION) + " (formulas)"
                   if os_name == "windows" else "an error when you click a ribbon button")
        return path, [Check("interpreter", title, "fail", f"{path} does not exist",
                            fix=RERUN + " It writes the right path.", symptom=symptom)]
    checks = []
    if os_name == "windows" and is_store_python(path):
        checks.append(Check("interpreter", title, "fail", f"{path} is a Microsoft Store Python",
                            fix=STORE_FIX, symptom=COM_SYMPTOM))
    if os_name == "macos" and " " in str(path):
        checks.append(Check("interpreter", title, "fail",
                            f"the path contains a space, which xlwings' AppleScript cannot handle: {path}",
                            fix="Reinstall into a folder without spaces: python3 install.py --uninstall, then "
                                "python3 install.py --venv ~/.remanxl/venv"))
    if os_name == "windows" and not str(path).isascii():
        checks.append(Check("interpreter", title, "warn",
                            f"the path has non-English characters: {path}",
                            fix=r"If formulas fail, reinstall into a plain folder: python install.py --uninstall, "
                                r"then python install.py --venv C:\remanxl\venv",
                            symptom=COM_SYMPTOM + " (suspected with non-ASCII user names, xlwings issue #1934)"))
    info = _probe(path)
    if info.get("error") or info.get("xlwings") != XLWINGS_VERSION:
        problem = info.get("error") or f"it has xlwings {info.get('xlwings')}, not {XLWINGS_VERSION}"
        checks.append(Check("interpreter", title, "fail", f"{path}: {problem}",
                            fix="Run the installer again with --upgrade: python install.py --upgrade",
                            symptom=_dll_symptom(XLWINGS_VERSION) if "xlwings" in problem else
                            "formulas show a ModuleNotFoundError"))
    elif not checks:
        checks.append(Check("interpreter", title, "ok",
                            f"{path} has remanxl {info.get('remanxl')} and xlwings {info.get('xlwings')}"))
    return path, checks


def check_udf_modules(values: dict[str, str]) -> list[Check]:
    modules = [m.strip() for m in values.get("UDF MODULES", "").split(";") if m.strip()]
    if UDF_MODULE in modules:
        return [Check("udf-modules", "UDF MODULES", "ok", "; ".join(modules))]
    return [Check("udf-modules", "UDF MODULES", "fail",
                  f"{UDF_MODULE} is not listed ({'; '.join(modules) or 'no UDF MODULES line'})",
                  fix=f'Add the line "UDF MODULES","{UDF_MODULE}" to the settings file, or: {RERUN}')]


def check_addin(startup_dir: Path, packaged: Path) -> list[Check]:
    title = "Excel add-in"
    installed = startup_dir / ADDIN_PATH.name  # always remanxl.xlam, whatever file it came from
    if not packaged.is_file():
        return [Check("addin", title, "fail", f"the remanxl package has no add-in file: {packaged}",
                      fix="Install a released remanxl (python install.py --source pypi --upgrade) or build "
                          "the add-in: remanxl build-addin")]
    if not installed.is_file():
        return [Check("addin", title, "fail", f"not in Excel's startup folder: {installed}",
                      fix=RERUN, symptom="no Remanufacturing 再制造评价 tab; formulas show #NAME?")]
    if installed.read_bytes() != packaged.read_bytes():
        return [Check("addin", title, "fail", f"{installed} differs from the add-in of this remanxl ({packaged})",
                      fix="Quit Excel, then run the installer again: python install.py",
                      symptom="old functions or ribbon, or " + _dll_symptom(XLWINGS_VERSION))]
    return [Check("addin", title, "ok", f"{installed} matches the packaged add-in")]


def check_dll(interpreter: Path | None) -> list[Check]:
    """Mirror the VBA's XLPyLoadDLL: the DLL next to the interpreter, or one folder up."""
    python = interpreter or Path(sys.executable)
    folders = [python.parent, python.parent.parent]
    wanted = [f"xlwings64-{XLWINGS_VERSION}.dll", f"xlwings32-{XLWINGS_VERSION}.dll"]
    found = [folder / name for folder in folders for name in wanted if (folder / name).is_file()]
    if found:
        return [Check("dll", "xlwings DLL", "ok", ", ".join(str(f) for f in found))]
    others = sorted({p.name for folder in folders if folder.is_dir() for p in folder.glob("xlwings*.dll")})
    detail = f"{wanted[0]} is in neither {folders[0]} nor {folders[1]}"
    if others:
        detail += f" (found {', '.join(others)}: another xlwings version)"
    return [Check("dll", "xlwings DLL", "fail", detail,
                  fix="Run the installer again with --upgrade: python install.py --upgrade",
                  symptom=_dll_symptom(XLWINGS_VERSION))]


def check_applescript(applescript_dir: Path) -> list[Check]:
    script = applescript_dir / f"xlwings-{XLWINGS_VERSION}.applescript"
    if script.is_file():
        return [Check("applescript", "AppleScript for RunPython", "ok", str(script))]
    return [Check("applescript", "AppleScript for RunPython", "fail", f"missing: {script}",
                  fix=RERUN + " It installs this script.",
                  symptom="\"To enable RunPython, please run 'xlwings runpython install' in a terminal once\"")]


def check_udf_import() -> list[Check]:
    try:
        import remanxl.udfs  # noqa: F401
    except Exception as exc:  # what Excel would run into, whatever it is
        return [Check("udfs", "remanxl.udfs", "fail", f"cannot be imported: {exc.__class__.__name__}: {exc}",
                      fix="Run the installer again with --upgrade: python install.py --upgrade")]
    return [Check("udfs", "remanxl.udfs", "ok", "imports")]


def collect_checks(home=None, os_name: str | None = None, addin_path=None) -> list[Check]:
    """Run every check that applies to ``os_name`` (default: this computer's)."""
    os_name = os_name or current_os()
    checks = check_python() + check_store(os_name) + check_xlwings() + check_udf_import()
    if os_name == "linux":
        return checks
    paths = user_paths(os_name, Path(home) if home else None)
    values, config_checks = read_config(paths["config_file"])
    checks += config_checks
    interpreter = None
    if values is not None:
        interpreter, found = check_interpreter(os_name, values, paths["config_file"])
        checks += found + check_udf_modules(values)
    checks += check_addin(paths["startup_dir"], Path(addin_path) if addin_path else ADDIN_PATH)
    if os_name == "windows":
        checks += check_dll(interpreter)
    if os_name == "macos":
        checks += check_applescript(paths["applescript_dir"])
    return checks


# --------------------------------------------------------------------------- report

_LABELS = {"ok": "[ OK ]", "fail": "[FAIL]", "warn": "[WARN]", "skip": "[SKIP]"}

KNOWN_ERRORS = {
    "windows": [
        (COM_SYMPTOM,
         "Office or Python installed from the Microsoft Store, blank lines in remanxl.conf, or a user "
         "name with non-English characters. To see Python's own message, add the line "
         '"SHOW CONSOLE","True" to remanxl.conf, restart Excel and recalculate (Ctrl+Alt+F9).'),
        (_dll_symptom(XLWINGS_VERSION),
         "the interpreter path in remanxl.conf is wrong, or xlwings is not version "
         f"{XLWINGS_VERSION}: run the installer again with --upgrade."),
        ('"Could not find Interpreter!"', "the interpreter path in remanxl.conf is wrong: run the installer again."),
    ],
    "macos": [
        ("\"To enable RunPython, please run 'xlwings runpython install'\"",
         "the AppleScript is missing: run the installer again (no need to run that command)."),
        ("=REMAN_* formulas show #NAME?",
         "expected: Excel for Mac cannot run Python worksheet functions; use the ribbon's recompute button."),
    ],
}


def run_doctor(out=sys.stdout, home=None, os_name: str | None = None, *, addin_path=None) -> int:
    """Print every check with a fix for each problem; return 0 when nothing failed.

    ``home`` and ``os_name`` check another home folder or platform layout (for tests and
    support); ``addin_path`` compares against another add-in file than the packaged one.
    """
    os_name = os_name or current_os()
    where = f" (home {home})" if home else ""
    out.write(f"remanxl doctor: {OS_LABELS[os_name]}{where}\n")
    if os_name == "linux":
        out.write("Excel is not available on Linux: the add-in, its settings file, Excel's startup folder "
                  "and the xlwings DLL do not apply.\nChecking what does: Python, xlwings and remanxl.\n")
    checks = collect_checks(home=home, os_name=os_name, addin_path=addin_path)
    for check in checks:
        out.write(f"{_LABELS[check.status]} {check.title}: {check.detail}\n")
        if check.status in ("fail", "warn"):
            if check.symptom:
                out.write(f"       Excel shows: {check.symptom}\n")
            if check.fix:
                out.write(f"       Fix: {check.fix}\n")
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    if os_name in KNOWN_ERRORS:
        out.write("\nIf Excel shows one of these messages:\n")
        for message, cause in KNOWN_ERRORS[os_name]:
            out.write(f"  {message}\n")
            out.write(textwrap.fill(cause, width=92, initial_indent="      ", subsequent_indent="      ") + "\n")
    out.write("\n" + (f"{failed} check(s) failed" if failed else "All checks passed")
              + (f", {warned} warning(s)." if warned else ".") + "\n")
    return 1 if failed else 0
