"""``remanxl doctor``: check that Excel can reach remanxl, and say how to fix what is wrong.

It looks at what ``install.py`` sets up and at what the add-in's VBA needs at run time:

* the interpreter running the doctor: Python version, Microsoft Store build, xlwings version
  (the add-in's VBA is generated for exactly :data:`~remanxl.excel.XLWINGS_VERSION`);
* the add-in's user settings file ``remanxl.conf``: present, one ``"KEY","VALUE"`` pair per
  line, no blank lines, an interpreter that exists and has remanxl, ``UDF MODULES``
  naming ``remanxl.udfs``;
* ``remanxl.xlam`` in Excel's startup folder, byte for byte the packaged one;
* Windows: the xlwings DLL next to the interpreter, where the VBA loads it from;
* macOS: xlwings' AppleScript, without which the ribbon buttons cannot run Python;
* Windows desktops as they are: Microsoft Excel present (not only WPS Office), a 64-bit x64
  interpreter (xlwings' DLL exists for no other), pywin32 loading in it (Excel reaches Python through
  its COM server), a user folder the ANSI code page can spell (else VBA reads "?"), the settings file
  in the encoding VBA reads, and the corporate policies that stop add-ins: the Defender attack surface
  reduction rules on Office child processes and Win32 calls, disabled Trusted Locations, AppData on a
  network share.

On Linux there is no Excel, so only the Python checks apply.  The facts of the computer (registry
values, the code page, an interpreter's platform) are read by small functions of their own, which the
tests replace; every decision on them runs for real.

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
from remanxl.i18n import Msg, resolve_lang, tr

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
    import sysconfig
    info["platform"] = sysconfig.get_platform()
except Exception:
    info["platform"] = None
if sys.platform.startswith("win"):
    try:  # Excel starts Python as a COM server through pywin32
        import pythoncom, pywintypes
        info["pythoncom"] = getattr(pythoncom, "__file__", "") or "loaded"
    except Exception as exc:
        info["pythoncom_error"] = "%s: %s" % (type(exc).__name__, exc)
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


# --------------------------------------------------------------------------- facts of this computer
# Thin readers, one fact each; tests replace them.  install.py has the same ones (it cannot import
# remanxl): tests/test_doctor.py checks that both decide alike.


def python_platform() -> str:
    import sysconfig

    return sysconfig.get_platform()


def registry_available() -> bool:
    return os.name == "nt"


def read_registry(root: str, path: str, name: str = ""):
    """A registry value (root "HKCR", "HKCU" or "HKLM"), or None."""
    try:
        import winreg
    except ImportError:
        return None
    roots = {"HKCR": winreg.HKEY_CLASSES_ROOT, "HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}
    try:
        with winreg.OpenKey(roots[root], path) as key:
            return winreg.QueryValueEx(key, name)[0]
    except OSError:
        return None


def registry_values(root: str, path: str) -> dict[str, object]:
    """Every value of a registry key, by name ({} when the key is absent)."""
    try:
        import winreg
    except ImportError:
        return {}
    roots = {"HKCR": winreg.HKEY_CLASSES_ROOT, "HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}
    values = {}
    try:
        with winreg.OpenKey(roots[root], path) as key:
            for i in range(winreg.QueryInfoKey(key)[1]):
                name, value, _type = winreg.EnumValue(key, i)
                values[name] = value
    except OSError:
        pass
    return values


def ansi_code_page() -> str | None:
    """Windows' ANSI code page as a codec name (cp1252, cp936 …), the one VBA reads files and paths in."""
    if os.name != "nt":
        return None
    try:
        import ctypes

        return f"cp{ctypes.windll.kernel32.GetACP()}"
    except Exception:  # noqa: BLE001 - no answer: nothing to check
        return None


def documents_folder() -> Path:
    """The user's Documents folder as Windows knows it (it may be moved to OneDrive), else ~/Documents.

    install.py puts the template there, and *New evaluation* writes there too.
    """
    if os.name == "nt":
        try:
            import ctypes
            import uuid
            from ctypes import wintypes

            class GUID(ctypes.Structure):
                _fields_ = [("Data1", wintypes.DWORD), ("Data2", wintypes.WORD),
                            ("Data3", wintypes.WORD), ("Data4", ctypes.c_ubyte * 8)]

            fid = uuid.UUID("{FDD39AD0-238F-46AF-ADB4-6C85480369C7}")  # FOLDERID_Documents
            guid = GUID(fid.fields[0], fid.fields[1], fid.fields[2],
                        (ctypes.c_ubyte * 8).from_buffer_copy(fid.bytes[8:]))
            buf = ctypes.c_wchar_p()
            if not ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(buf)):
                value = buf.value
                ctypes.windll.ole32.CoTaskMemFree(buf)
                if value:
                    return Path(value)
        except Exception:  # noqa: BLE001 - fall back to the profile's Documents
            pass
    return Path.home() / "Documents"


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
    try:
        data = path.read_bytes()
    except PermissionError:
        return None, [Check("config", title, "fail", Msg("doctor.mac.consent", path=path.parent),
                            fix=Msg("doctor.mac.consent_fix"))]
    encoding = config_encoding_problem(data, ansi_code_page())
    try:
        text = data.decode("utf-8-sig")
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
    if encoding:
        problems.append(Check("config", title, "fail", encoding, fix=Msg("doctor.encoding.fix"),
                              symptom='"Could not find Interpreter!"'))
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
    if os_name == "windows":
        checks += check_architecture(info.get("platform"), path) + check_com(info, path)
    if info.get("error") or info.get("xlwings") != XLWINGS_VERSION:
        problem = info.get("error") or f"it has xlwings {info.get('xlwings')}, not {XLWINGS_VERSION}"
        checks.append(Check("interpreter", title, "fail", f"{path}: {problem}",
                            fix="Run the installer again with --upgrade: python install.py --upgrade",
                            symptom=_dll_symptom(XLWINGS_VERSION) if "xlwings" in problem else
                            "formulas show a ModuleNotFoundError"))
    elif not any(c.status != "ok" for c in checks):
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


#: The add-in's settings sheet: install.py may write the interpreter there (see check_code_page).
SETTINGS_PARTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")


def _addin_parts(path: Path) -> dict[str, bytes] | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return {i.filename: z.read(i) for i in z.infolist()}
    except (OSError, zipfile.BadZipFile):
        return None


def check_addin(startup_dir: Path, packaged: Path) -> tuple[list[Check], dict[str, str]]:
    """The installed add-in against the packaged one (its settings sheet aside), and that sheet's settings."""
    title = "Excel add-in"
    installed = startup_dir / ADDIN_PATH.name  # always remanxl.xlam, whatever file it came from
    if not packaged.is_file():
        return [Check("addin", title, "fail", f"the remanxl package has no add-in file: {packaged}",
                      fix="Install a released remanxl (python install.py --source pypi --upgrade) or build "
                          "the add-in: remanxl build-addin")], {}
    if not installed.is_file():
        return [Check("addin", title, "fail", f"not in Excel's startup folder: {installed}",
                      fix=RERUN, symptom="no Remanufacturing 再制造评价 tab; formulas show #NAME?")], {}
    ours, theirs = _addin_parts(installed), _addin_parts(packaged)
    same = installed.read_bytes() == packaged.read_bytes()
    if not same and ours is not None and theirs is not None and set(ours) == set(theirs):
        same = all(ours[n] == theirs[n] for n in ours if n not in SETTINGS_PARTS)
    if not same:
        return [Check("addin", title, "fail", f"{installed} differs from the add-in of this remanxl ({packaged})",
                      fix="Quit Excel, then run the installer again: python install.py",
                      symptom="old functions or ribbon, or " + _dll_symptom(XLWINGS_VERSION))], {}
    settings = {}
    if ours is not None and all(n in ours for n in SETTINGS_PARTS):
        from remanxl.excel.addin import read_config_sheet

        try:
            settings = read_config_sheet(ours)[1]
        except Exception:  # noqa: BLE001 - an unreadable sheet is the packaged one's problem, not ours
            settings = {}
    return [Check("addin", title, "ok", f"{installed} matches the packaged add-in")], settings


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


# --------------------------------------------------------------------------- real desktops

#: HKCR\Excel.Application\CLSID of Microsoft Excel.
EXCEL_CLSID = "{00024500-0000-0000-C000-000000000046}"
#: WPS Spreadsheets' automation ProgIDs (registry keys ignore case).
WPS_PROGIDS = ("Ket.Application", "ET.Application")


def windows_spreadsheet(read=None) -> str:
    """``"excel"``, ``"wps"`` (WPS Office without Microsoft Excel) or ``"none"``, from the registry.

    Excel.Application's CLSID must start EXCEL.EXE (LocalServer32); WPS can take the ProgID over
    ("compatible with Microsoft Office"), and then xlwings would drive WPS, which it does not support.
    """
    read = read or read_registry
    clsid = read("HKCR", r"Excel.Application\CLSID")
    server = str(read("HKCR", rf"CLSID\{clsid or EXCEL_CLSID}\LocalServer32") or "").lower()
    if clsid and ("excel.exe" in server or not server):
        return "excel"
    if any(w in server for w in ("wps", "kingsoft", "\\et.exe")) or any(
            read("HKCR", rf"{progid}\CLSID") for progid in WPS_PROGIDS):
        return "wps"
    return "none"


def check_spreadsheet() -> list[Check]:
    kind = windows_spreadsheet()
    if kind == "excel":
        return [Check("excel", "Microsoft Excel", "ok", Msg("doctor.excel.ok"))]
    return [Check("excel", "Microsoft Excel", "fail", Msg(f"doctor.excel.{kind}"), fix=Msg("doctor.excel.fix"),
                  symptom="no Remanufacturing 再制造评价 tab")]


def check_architecture(tag: str | None, python) -> list[Check]:
    """xlwings 0.37.8 ships its DLL in the win_amd64 wheel only: refuse 32-bit and ARM64 interpreters."""
    if not tag or not tag.startswith("win"):
        return []  # planning for Windows from another system: nothing to judge
    title = f"Python for Excel ({python})"
    if tag == "win-amd64":
        return [Check("arch", title, "ok", Msg("doctor.arch.ok", tag=tag))]
    return [Check("arch", title, "fail", Msg("doctor.arch.bad", tag=tag, pin=XLWINGS_VERSION),
                  fix=Msg("doctor.arch.fix"), symptom=_dll_symptom(XLWINGS_VERSION))]


def ansi_unsafe(path, code_page: str | None) -> bool:
    """True when the ANSI code page cannot spell ``path`` (VBA then sees "?" in its place)."""
    if not code_page:
        return False
    try:
        str(path).encode(code_page)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def check_code_page(profile: Path, config_file: Path, settings_in_addin: bool) -> list[Check]:
    cp = ansi_code_page()
    if not cp:
        return []
    title = "User folder and code page"
    if not ansi_unsafe(profile, cp):
        return [Check("codepage", title, "ok", Msg("doctor.codepage.ok", path=profile, cp=cp))]
    if settings_in_addin:
        return [Check("codepage", title, "ok", Msg("doctor.codepage.moved", path=profile, cp=cp))]
    return [Check("codepage", title, "fail", Msg("doctor.codepage.bad", path=profile, cp=cp, config=config_file),
                  fix=Msg("doctor.codepage.fix"), symptom='"Could not find Interpreter!"')]


def config_encoding_problem(data: bytes, code_page: str | None) -> Msg | None:
    """Why VBA's ``Input #`` (which reads the ANSI code page) would misread remanxl.conf, or None."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Msg("doctor.encoding.bom")
    if not code_page or data.isascii():
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # not UTF-8: written in the code page, as install.py writes it
    if data.decode(code_page, errors="replace") == text:
        return None
    word = re.search(r"[^\x00-\x7f]+", text).group(0)[:8]  # the first non-English characters
    return Msg("doctor.encoding.utf8", cp=code_page, sample=word,
               seen=word.encode("utf-8").decode(code_page, errors="replace"))


ASR_KEYS = (  # Group Policy, then the local setting (Set-MpPreference): value name = rule GUID, data = mode
    ("HKLM", r"SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules"),
    ("HKLM", r"SOFTWARE\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules"),
)
#: The attack surface reduction rules that stop remanxl (Microsoft's "Attack surface reduction rules
#: reference"): Excel starts pythonw.exe (RunPython, the UDF COM server), and xlwings' VBA declares and
#: calls its DLL's functions (Declare PtrSafe Function … Lib "xlwings64-0.37.8.dll").
ASR_RULES = {
    "d4f940ab-401b-4efc-aadc-ad5f3c50688a": "Block all Office applications from creating child processes",
    "92e97fa1-2edf-4476-bdd6-9dd0b4dddc7b": "Block Win32 API calls from Office macros",
}
ASR_MODES = {"1": "Block", "6": "Warn", "2": "Audit", "0": "Off", "5": "Not configured"}
#: Office's policy that turns every Trusted Location off (Excel 2016 and later: version key 16.0).
TRUSTED_LOCATIONS_POLICY = ("HKCU", r"Software\Policies\Microsoft\Office\16.0\Excel\Security\Trusted Locations",
                            "AllLocationsDisabled")


def check_policies(python, startup_dir: Path | None) -> list[Check]:
    """Corporate lockdown that stops the add-in, read where Windows keeps it."""
    checks = []
    found = {}
    for root, path in ASR_KEYS:
        for name, value in registry_values(root, path).items():
            found.setdefault(str(name).strip("{}").lower(), str(value).strip())
    active = [(g, found[g]) for g in ASR_RULES if found.get(g) in ("1", "6")]
    for guid, mode in active:
        checks.append(Check("asr", "Defender attack surface reduction", "fail",
                            Msg("doctor.asr.on", rule=ASR_RULES[guid], mode=ASR_MODES[mode], guid=guid),
                            fix=Msg("doctor.asr.fix", python=python or sys.executable),
                            symptom="formulas and buttons do nothing; Windows Security reports a blocked action"))
    if not active:
        checks.append(Check("asr", "Defender attack surface reduction", "ok", Msg("doctor.asr.off")))
    root, path, name = TRUSTED_LOCATIONS_POLICY
    if str(read_registry(root, path, name) or "0") == "1":
        checks.append(Check("trust", "Trusted Locations", "warn", Msg("doctor.trust.off"), fix=Msg("doctor.trust.fix")))
    else:
        checks.append(Check("trust", "Trusted Locations", "ok", Msg("doctor.trust.ok")))
    if startup_dir is not None and str(startup_dir).startswith(("\\\\", "//")):
        checks.append(Check("network", "Excel's startup folder", "warn", Msg("doctor.network.bad", path=startup_dir),
                            fix=Msg("doctor.network.fix", path=startup_dir)))
    return checks


def check_com(info: dict, python) -> list[Check]:
    """pywin32 in the interpreter Excel starts: xlwings' UDF server is a pywin32 COM server."""
    if "pythoncom" in info:
        return [Check("com", "Python COM server (pywin32)", "ok", Msg("doctor.com.ok", python=python,
                                                                       version=XLWINGS_VERSION))]
    if "pythoncom_error" in info:
        return [Check("com", "Python COM server (pywin32)", "fail",
                      Msg("doctor.com.bad", python=python, error=info["pythoncom_error"]),
                      fix=Msg("doctor.com.fix", python=python), symptom=COM_SYMPTOM)]
    return []


def collect_checks(home=None, os_name: str | None = None, addin_path=None) -> list[Check]:
    """Run every check that applies to ``os_name`` (default: this computer's)."""
    os_name = os_name or current_os()
    checks = check_python() + check_store(os_name) + check_xlwings() + check_udf_import()
    if os_name == "linux":
        return checks
    paths = user_paths(os_name, Path(home) if home else None)
    windows = os_name == "windows" and registry_available()
    if windows:
        checks += check_spreadsheet()
    addin_checks, sheet = check_addin(paths["startup_dir"], Path(addin_path) if addin_path else ADDIN_PATH)
    sheet_settings = {k.upper(): v for k, v in sheet.items() if k.upper() != "UDF MODULES"}
    if os_name == "windows":
        profile = paths["config_file"].parent.parent
        checks += check_code_page(profile, paths["config_file"], bool(sheet_settings))
    if sheet_settings:  # install.py put the settings into the add-in: VBA reads them there first
        values, config_checks = {k.upper(): v for k, v in sheet.items()}, []
    else:
        values, config_checks = read_config(paths["config_file"])
    checks += config_checks
    interpreter = None
    if values is not None:
        interpreter, found = check_interpreter(os_name, values, paths["config_file"])
        checks += found + check_udf_modules(values)
    checks += addin_checks
    if os_name == "windows":
        checks += check_dll(interpreter)
    if windows:
        checks += check_policies(interpreter, paths["startup_dir"])
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


def run_doctor(out=sys.stdout, home=None, os_name: str | None = None, *, addin_path=None, lang=None) -> int:
    """Print every check with a fix for each problem; return 0 when nothing failed.

    ``home`` and ``os_name`` check another home folder or platform layout (for tests and
    support); ``addin_path`` compares against another add-in file than the packaged one.
    """
    os_name = os_name or current_os()
    lang = resolve_lang(lang)
    where = f" (home {home})" if home else ""
    out.write(f"remanxl doctor: {OS_LABELS[os_name]}{where}\n")
    if os_name == "linux":
        out.write("Excel is not available on Linux: the add-in, its settings file, Excel's startup folder "
                  "and the xlwings DLL do not apply.\nChecking what does: Python, xlwings and remanxl.\n")
    checks = collect_checks(home=home, os_name=os_name, addin_path=addin_path)
    for check in checks:
        out.write(f"{_LABELS[check.status]} {check.title}: {tr(check.detail, lang)}\n")
        if check.status in ("fail", "warn"):
            if check.symptom:
                out.write(f"       Excel shows: {tr(check.symptom, lang)}\n")
            if check.fix:
                out.write(f"       Fix: {tr(check.fix, lang)}\n")
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
