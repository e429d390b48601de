#!/usr/bin/env python3
r"""Set up remanxl and its Excel add-in for the current user.

Run it from the folder that holds this file::

    python install.py               install, or repair an existing installation
    python install.py --dry-run     show every step (paths, settings text) and change nothing
    python install.py --uninstall   remove what this installer created, and nothing else

On Windows and macOS it
  1. checks Python (3.11 or newer; on Windows not the Microsoft Store build),
  2. creates a private virtual environment for remanxl,
  3. installs remanxl into it (from this source folder, or from PyPI),
  4. writes the add-in's settings file, remanxl.conf,
  5. copies the add-in, remanxl.xlam, into Excel's startup folder,
  6. (macOS) installs xlwings' AppleScript, which the ribbon buttons need,
  7. writes the workbook template into Documents/remanxl,
  8. checks the result (the same checks as ``remanxl doctor``).
On Linux there is no Excel: it sets up the command line only (steps 1-3, plus a
``remanxl`` link in ~/.local/bin).

Where things go (``~`` is the home folder)::

    Windows  venv, record  %LOCALAPPDATA%\remanxl\venv, ...\remanxl\install-manifest.json
             settings      %USERPROFILE%\.remanxl\remanxl.conf
             add-in        %APPDATA%\Microsoft\Excel\XLSTART\remanxl.xlam
             template      Documents\remanxl\remanxl_template.xlsx
    macOS    venv          ~/.remanxl/venv  (no spaces: xlwings' AppleScript needs that)
             record        ~/Library/Application Support/remanxl/install-manifest.json
             settings      ~/Library/Containers/com.microsoft.Excel/Data/remanxl.conf
             add-in        ~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/
                               Startup.localized/Excel/remanxl.xlam
             AppleScript   ~/Library/Application Scripts/com.microsoft.Excel/xlwings-<version>.applescript
             template      ~/Documents/remanxl/remanxl_template.xlsx
    Linux    venv, record  ~/.local/share/remanxl/ (or $XDG_DATA_HOME/remanxl/), link ~/.local/bin/remanxl

Every file and folder it creates is listed in a manifest in remanxl's data folder;
``--uninstall`` removes exactly those, keeps files you changed since, and puts back
any file it had replaced.  Running it again changes nothing when all is in place.

Options for testing and power users: ``--home DIR`` treats DIR as the home folder
(every path, including AppData and Documents, is derived from it), ``--os`` plans for
another platform, ``--python PATH`` uses an existing interpreter that already has
remanxl instead of creating a virtual environment (fast: no pip), and
``--addin-file``/``--template-file`` use given files instead of the packaged add-in
and the generated template.  Run ``python install.py --help`` for the full list.

Exit status: 0 when everything is in place, 1 when a step failed (the problem and its
fix are printed), 2 for a command-line mistake.

This file uses the standard library only, and its syntax stays compatible with old
Pythons so that an old interpreter gets a clear message instead of a syntax error.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)
PROJECT = "remanxl"
ADDIN_NAME = "remanxl.xlam"
TEMPLATE_NAME = "remanxl_template.xlsx"
UDF_MODULE = "remanxl.udfs"
TAB_NAME = "Remanufacturing 再制造评价"
MANIFEST_NAME = "install-manifest.json"
MANIFEST_FORMAT = 1
OS_NAMES = ("windows", "macos", "linux")
OS_LABELS = {"windows": "Windows", "macos": "macOS", "linux": "Linux"}

HERE = Path(__file__).resolve().parent

# Runs inside the target interpreter (which may be old or broken), so it must not fail:
# it reports what is installed as one JSON line.
PROBE = r"""
import json, os, sys
info = {"version": list(sys.version_info[:3]), "executable": sys.executable,
        "prefix": sys.prefix, "base_prefix": getattr(sys, "base_prefix", sys.prefix)}
try:
    import sysconfig
    info["platform"] = sysconfig.get_platform()
except Exception:
    info["platform"] = None
try:
    from importlib import metadata
except ImportError:
    metadata = None
for dist in ("remanxl", "xlwings"):
    try:
        info[dist] = metadata.version(dist)
    except Exception:
        info[dist] = None
try:
    import importlib.util
    spec = importlib.util.find_spec("xlwings")
    info["xlwings_dir"] = os.path.dirname(spec.origin) if spec and spec.origin else None
except Exception:
    info["xlwings_dir"] = None
try:
    from remanxl.excel import ADDIN_PATH, XLWINGS_VERSION
    info["addin_path"] = str(ADDIN_PATH)
    info["xlwings_pinned"] = XLWINGS_VERSION
except Exception as exc:
    info["remanxl_error"] = "%s: %s" % (type(exc).__name__, exc)
print(json.dumps(info))
"""

# Runs the checks of ``remanxl doctor`` in the target interpreter after installing.
DOCTOR = r"""
import sys
try:
    from remanxl.excel.doctor import run_doctor
except ImportError:
    sys.exit(75)
sys.exit(run_doctor(home=sys.argv[1] or None, os_name=sys.argv[2], addin_path=sys.argv[3] or None))
"""
NO_DOCTOR = 75

# Writes the add-in with its settings sheet holding the given settings (a user folder VBA cannot
# spell: see Layout.settings_in_addin).  Runs in the target interpreter, which has remanxl.
ADDIN_SETTINGS = r"""
import json, sys
from remanxl.excel.addin import with_settings
with open(sys.argv[1], "rb") as src, open(sys.argv[3], "wb") as out:
    out.write(with_settings(src.read(), json.loads(sys.argv[2])))
"""


# --------------------------------------------------------------------------- language
# install.py runs before remanxl is installed, so it cannot use remanxl.i18n: it carries its own two
# languages.  The choice follows remanxl.i18n.resolve_lang: REMANXL_LANG (en, zh, both), else the locale.


def _language(environ=None, windows_ui_language=None) -> str:
    env = os.environ if environ is None else environ
    chosen = (env.get("REMANXL_LANG") or "").strip().lower()
    if chosen in ("en", "zh", "both"):
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if env.get(var):
            return "zh" if env[var].lower().startswith("zh") else "en"
    ui = windows_ui_language() if windows_ui_language else _windows_ui_language()
    return "zh" if ui is not None and ui & 0x3FF == 0x04 else "en"  # LANG_CHINESE


def _windows_ui_language():
    if os.name != "nt":
        return None
    try:
        import ctypes
        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())
    except Exception:
        return None


LANG = _language()


def T(en: str, zh: str) -> str:
    """A message in the user's language (both, English first, when REMANXL_LANG=both)."""
    if LANG == "zh":
        return zh
    if LANG == "both" and zh != en:
        return en + "\n" + zh
    return en


class InstallError(Exception):
    """A step failed: ``problem`` says what happened, ``fix`` what the user can do."""

    def __init__(self, problem: str, fix: str = ""):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


# --------------------------------------------------------------------------- platform


def host_os() -> str:
    """The platform this installer runs on, as one of OS_NAMES."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def store_python_path(*paths) -> str | None:
    """Return the first of ``paths`` that belongs to a Microsoft Store Python, else None.

    Store Python lives under ``...\\WindowsApps\\PythonSoftwareFoundation.Python.3.x_...``
    (the ``python.exe`` in ``%LOCALAPPDATA%\\Microsoft\\WindowsApps`` is its alias).  Its
    sandbox stops Excel from starting it as a COM server (xlwings issue #2371).
    """
    for path in paths:
        if not path:
            continue
        low = str(path).replace("/", "\\").lower()
        if "\\windowsapps\\" in low or "pythonsoftwarefoundation.python" in low:
            return str(path)
    return None


STORE_FIX = (
    "Install Python 3.11 or newer from https://www.python.org/downloads/windows/ (in the\n"
    "installer, tick \"Add python.exe to PATH\"), then run:  py -3.11 install.py\n"
    "You may also switch off the Store shortcuts: Settings > Apps > Advanced app settings >\n"
    "App execution aliases > turn off python.exe and python3.exe.")


def too_old_message(version, executable: str) -> str:
    """One line that says this Python is too old, then how to get a suitable one."""
    have = ".".join(str(x) for x in version[:3])
    need = ".".join(str(x) for x in MIN_PYTHON)
    return T(
        "remanxl needs Python %s or newer, but this is Python %s (%s).\n"
        "Fix: install a current Python from https://www.python.org/downloads/ and run the\n"
        "installer with it:\n"
        "  Windows:  py -%s install.py   (tick \"Add python.exe to PATH\" when installing Python)\n"
        "  macOS:    python%s install.py   (the python3 that comes with Xcode is too old)\n"
        "  Linux:    python%s install.py   (e.g. apt install python%s, or Ubuntu 24.04's python3)"
        % (need, have, executable, need, need, need, need),
        "remanxl 需要 Python %s 或更高版本,当前为 Python %s(%s)。\n"
        "解决:从 https://www.python.org/downloads/ 安装新版 Python,再用它运行安装程序:\n"
        "  Windows:  py -%s install.py   (安装 Python 时勾选 \"Add python.exe to PATH\")\n"
        "  macOS:    python%s install.py   (Xcode 自带的 python3 版本过低)\n"
        "  Linux:    python%s install.py   (如 apt install python%s,或 Ubuntu 24.04 自带的 python3)"
        % (need, have, executable, need, need, need, need))


# --------------------------------------------------------------------------- facts of this computer
# Each reads one fact from the system and nothing else, so that tests can replace exactly these and
# run the decisions below them for real.


def python_platform() -> str:
    """This interpreter's platform tag: win-amd64, win32 (32-bit), win-arm64, linux-x86_64, macosx-…"""
    return sysconfig.get_platform()


def read_registry(root: str, path: str, name: str = ""):
    """A value from the Windows registry (root "HKCR", "HKCU" or "HKLM"), or None if it is not there."""
    try:
        import winreg
    except ImportError:
        return None
    roots = {"HKCR": winreg.HKEY_CLASSES_ROOT, "HKCU": winreg.HKEY_CURRENT_USER,
             "HKLM": winreg.HKEY_LOCAL_MACHINE}
    try:
        with winreg.OpenKey(roots[root], path) as key:
            return winreg.QueryValueEx(key, name)[0]
    except OSError:
        return None


def registry_available() -> bool:
    """Whether this computer has a Windows registry to read."""
    return os.name == "nt"


def ansi_code_page() -> str | None:
    """Windows' ANSI code page as a codec name (cp1252, cp936 …): what VBA's Environ, Open and the
    LoadLibraryA call of xlwings' VBA spell paths in.  None off Windows."""
    if os.name != "nt":
        return None
    try:
        import ctypes
        return "cp%d" % ctypes.windll.kernel32.GetACP()
    except Exception:
        return None


def has_ensurepip() -> bool:
    """Whether ``python -m venv`` can put pip into a new environment (stock Debian/Ubuntu leave
    ensurepip out of their Python until python3-venv is installed)."""
    spec = importlib.util.find_spec("ensurepip")
    return spec is not None and spec.origin is not None  # an empty folder would be a namespace package


# --------------------------------------------------------------------------- decisions on those facts

#: The CLSID of Excel.Application (the registry's HKCR\Excel.Application\CLSID).
EXCEL_CLSID = "{00024500-0000-0000-C000-000000000046}"
#: WPS Spreadsheets' automation ProgIDs ("Ket.Application"; registry keys ignore case).
WPS_PROGIDS = ("Ket.Application", "ET.Application")


def windows_spreadsheet(read=read_registry) -> str:
    """``"excel"``, ``"wps"`` (WPS Office without Microsoft Excel) or ``"none"``.

    Excel registers the ProgID Excel.Application whose CLSID's LocalServer32 starts EXCEL.EXE.
    WPS can take that ProgID over ("compatible with Microsoft Office" option): then the server is
    WPS's et.exe or wpsoffice.exe, and xlwings would drive WPS, which it does not support.
    """
    clsid = read("HKCR", r"Excel.Application\CLSID")
    server = str(read("HKCR", r"CLSID\%s\LocalServer32" % (clsid or EXCEL_CLSID)) or "").lower()
    if clsid and ("excel.exe" in server or not server):
        return "excel"
    wps_server = any(word in server for word in ("wps", "kingsoft", "\\et.exe"))
    if wps_server or any(read("HKCR", r"%s\CLSID" % progid) for progid in WPS_PROGIDS):
        return "wps"
    return "none"


def NO_ENSUREPIP():
    version = "%d.%d" % sys.version_info[:2]
    return (T("This Python cannot create a virtual environment with pip in it: its ensurepip module is\n"
              "missing (Debian and Ubuntu ship it separately, in python3-venv).",
              "此 Python 无法创建带 pip 的虚拟环境:缺少 ensurepip 模块(Debian 与 Ubuntu 将其单独放在\n"
              "python3-venv 软件包中)。"),
            T("Install it, then run this command again:  sudo apt install python%s-venv" % version,
              "安装后重新运行本命令:  sudo apt install python%s-venv" % version))


def no_excel_message(kind: str) -> str:
    """What works without Microsoft Excel (shown by the installer; the doctor says the same)."""
    found = T("WPS Office is installed, but Microsoft Excel is not" if kind == "wps" else
              "Microsoft Excel is not installed",
              "已安装 WPS Office,但未安装 Microsoft Excel" if kind == "wps" else "未安装 Microsoft Excel")
    return found + T(
        " (no Excel.Application in the registry).\n"
        "The ribbon tab and the =REMAN_* functions need Microsoft Excel: xlwings does not support WPS.\n"
        "What works without Excel: the template's own formulas (every input row and the Summary's totals\n"
        "compute in WPS and LibreOffice too) and the command line, which fills the Summary sheet:\n"
        "  remanxl evaluate 我的评价.xlsx",
        "(注册表中没有 Excel.Application)。\n"
        "功能区选项卡与 =REMAN_* 函数需要 Microsoft Excel:xlwings 不支持 WPS。\n"
        "没有 Excel 也可使用:模板自带公式(各输入行与汇总合计在 WPS、LibreOffice 中同样计算),\n"
        "以及命令行(写入汇总表):\n"
        "  remanxl evaluate 我的评价.xlsx")


def interpreter_problem(tag: str) -> tuple[str, str] | None:
    """(problem, fix) when Excel cannot use an interpreter of platform ``tag``, else None.

    xlwings 0.37.8 ships its DLL (xlwings64-0.37.8.dll) in the win_amd64 wheel only: with a 32-bit or
    an ARM64 Python every =REMAN_* formula and ribbon button fails.
    """
    if not tag.startswith("win") or tag == "win-amd64":
        return None
    kind = T("a 32-bit Python", "32 位 Python") if tag == "win32" else T("an ARM64 Python", "ARM64 版 Python")
    return (T("This is %s (%s). Excel cannot use it with remanxl: xlwings ships its DLL for 64-bit\n"
              "x64 Python (win-amd64) only, so every formula and ribbon button would fail." % (kind, tag),
              "当前为%s(%s)。remanxl 在 Excel 中无法使用它:xlwings 只为 64 位 x64 Python(win-amd64)\n"
              "提供 DLL,所有公式和功能区按钮都会失败。" % (kind, tag)),
            T("Install the 64-bit Python 3.11+ from https://www.python.org/downloads/windows/\n"
              "(\"Windows installer (64-bit)\"; on an ARM computer too: it runs under emulation), then run:\n"
              "  py -3.11-64 install.py",
              "从 https://www.python.org/downloads/windows/ 安装 64 位 Python 3.11 或更高版本\n"
              "(\"Windows installer (64-bit)\";ARM 电脑同样适用,以仿真方式运行),然后运行:\n"
              "  py -3.11-64 install.py"))


def ansi_unsafe(path, code_page: str | None) -> bool:
    """True when Windows' ANSI code page cannot spell ``path`` (a Chinese user name on an English
    Windows): VBA's Environ("USERPROFILE") then returns "?" in its place and its file functions and
    LoadLibraryA cannot reach the folder."""
    if not code_page:
        return False
    try:
        str(path).encode(code_page)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def ansi_safe_folder(profile: Path, program_data: Path) -> Path:
    """A per-user folder every code page can spell: %ProgramData%\\remanxl\\u-<the user folder's name
    as hexadecimal UTF-16 code units>."""
    units = str(profile.name).encode("utf-16-be")
    return program_data / PROJECT / ("u-" + units.hex().upper())


def _windows_known_documents() -> Path | None:
    """The user's Documents folder from Windows itself (it may be moved to OneDrive)."""
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
        if ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(buf)):
            return None
        value = buf.value
        ctypes.windll.ole32.CoTaskMemFree(buf)
        return Path(value) if value else None
    except Exception:  # any failure: fall back to %USERPROFILE%\Documents
        return None


def mac_startup_dir(home: Path) -> Path:
    """Excel's user startup folder on macOS (Excel 2016 and later, sandboxed).

    ``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/
    Startup.localized/Excel`` -- this is what ``Application.StartupPath`` reports.  The
    folders may also exist without ``.localized``; an existing variant is reused.
    """
    path = home / "Library" / "Group Containers" / "UBF8T346G9.Office"
    for name in ("User Content", "Startup"):
        localized = path / (name + ".localized")
        plain = path / name
        path = plain if plain.is_dir() and not localized.is_dir() else localized
    return path / "Excel"


@dataclass
class Layout:
    """Every path the installer touches, for one platform and home folder."""

    os: str
    home: Path
    data_dir: Path                      # manifest, backups, and (Windows/Linux) the venv
    venv_dir: Path
    documents: Path
    config_file: Path | None = None     # the add-in's user settings file
    startup_dir: Path | None = None     # Excel loads every add-in in here at start
    applescript_dir: Path | None = None  # macOS: where AppleScriptTask finds scripts
    bin_dir: Path | None = None         # Linux: where the ``remanxl`` link goes
    # Windows, a user folder the ANSI code page cannot spell: VBA cannot read remanxl.conf there, so
    # the settings go into the installed add-in's own settings sheet, and the venv is moved.
    settings_in_addin: bool = False

    @property
    def manifest_file(self) -> Path:
        return self.data_dir / MANIFEST_NAME

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backup"

    @property
    def template_file(self) -> Path:
        return self.documents / PROJECT / TEMPLATE_NAME

    @property
    def addin_file(self) -> Path | None:
        return self.startup_dir / ADDIN_NAME if self.startup_dir else None


def make_layout(os_name: str, home: Path | None = None, venv: Path | None = None) -> Layout:
    """Derive every path for ``os_name``; with ``home`` set, derive all of them from it.

    Without ``home``, on the platform itself, Windows paths come from %USERPROFILE%,
    %APPDATA%, %LOCALAPPDATA% and the Documents known folder, as Excel sees them.
    """
    native = home is None and os_name == host_os()
    home = Path(home) if home is not None else Path.home()
    if os_name == "windows":
        env = os.environ if native else {}
        profile = Path(env.get("USERPROFILE") or home)
        roaming = Path(env.get("APPDATA") or profile / "AppData" / "Roaming")
        local = Path(env.get("LOCALAPPDATA") or profile / "AppData" / "Local")
        documents = (_windows_known_documents() if native else None) or profile / "Documents"
        data = local / PROJECT
        unsafe = ansi_unsafe(profile, ansi_code_page())
        default_venv = data / "venv"
        if unsafe:  # LoadLibraryA in xlwings' VBA could not load the DLL from a venv in the profile
            # With --home (tests, planning), a ProgramData folder beside that home stands in.
            program_data = Path(env.get("ProgramData") or (Path(home).parent / "ProgramData"))
            default_venv = ansi_safe_folder(profile, program_data) / "venv"
        return Layout(
            os=os_name, home=profile, data_dir=data, venv_dir=Path(venv) if venv else default_venv,
            documents=documents, settings_in_addin=unsafe,
            # Mirrors the add-in's VBA: Environ("USERPROFILE") & "\.remanxl\remanxl.conf".
            config_file=profile / ("." + PROJECT) / (PROJECT + ".conf"),
            startup_dir=roaming / "Microsoft" / "Excel" / "XLSTART")
    if os_name == "macos":
        library = home / "Library"
        return Layout(
            os=os_name, home=home, data_dir=library / "Application Support" / PROJECT,
            # Not under "Application Support": xlwings' AppleScript puts the interpreter
            # path into a shell command without quotes, so it must not contain a space.
            venv_dir=Path(venv) if venv else home / ("." + PROJECT) / "venv",
            documents=home / "Documents",
            # The sandboxed Excel's $HOME: GetMacDir("$HOME") & "/remanxl.conf" in the VBA.
            config_file=library / "Containers" / "com.microsoft.Excel" / "Data" / (PROJECT + ".conf"),
            startup_dir=mac_startup_dir(home),
            applescript_dir=library / "Application Scripts" / "com.microsoft.Excel")
    xdg = os.environ.get("XDG_DATA_HOME") if native else None
    data = (Path(xdg) if xdg else home / ".local" / "share") / PROJECT
    return Layout(os=os_name, home=home, data_dir=data, venv_dir=Path(venv) if venv else data / "venv",
                  documents=home / "Documents", bin_dir=home / ".local" / "bin")


def venv_python(os_name: str, venv: Path) -> Path:
    """The interpreter inside a virtual environment (the console one on Windows)."""
    return venv / "Scripts" / "python.exe" if os_name == "windows" else venv / "bin" / "python"


def excel_interpreter(os_name: str, python: Path) -> Path:
    """The interpreter Excel should start: ``pythonw.exe`` on Windows (no console window)."""
    if os_name == "windows" and python.name.lower() == "python.exe":
        pythonw = python.with_name("pythonw.exe")
        # Only a real Windows can tell whether it exists; when planning, assume it does.
        if host_os() != "windows" or pythonw.exists():
            return pythonw
    return python


# --------------------------------------------------------------------------- config file

_CONFIG_LINE = re.compile(r'^"([^"]*)","([^"]*)"\s*$')


def interpreter_key(os_name: str) -> str:
    """The config key the add-in's VBA reads the interpreter from on this platform."""
    return "INTERPRETER_WIN" if os_name == "windows" else "INTERPRETER_MAC"


def config_entries(os_name: str, interpreter: Path) -> list[tuple[str, str]]:
    """The settings remanxl needs in remanxl.conf."""
    return [(interpreter_key(os_name), str(interpreter)), ("UDF MODULES", UDF_MODULE)]


def merge_config(existing: str | None, entries, os_name: str) -> str:
    """Return the config text with ``entries`` set and every other line kept.

    The format is one ``"KEY","VALUE"`` pair per line, read by VBA's ``Input #``.  Blank
    lines are dropped because they broke COM activation (xlwings issue #1584).  Keys
    match case-insensitively, as in the VBA.  Existing UDF modules are kept.
    """
    wanted = {key.upper(): (key, value) for key, value in entries}
    lines, done = [], set()
    for raw in (existing or "").splitlines():
        if not raw.strip():
            continue
        match = _CONFIG_LINE.match(raw)
        key = match.group(1).upper() if match else None
        if key in wanted and key not in done:
            name, value = wanted[key]
            if key == "UDF MODULES":
                modules = [m.strip() for m in match.group(2).split(";") if m.strip()]
                value = ";".join(modules + [UDF_MODULE] if UDF_MODULE not in modules else modules)
            lines.append('"%s","%s"' % (name, value))
            done.add(key)
        elif key not in done:
            lines.append(raw)
    for key, (name, value) in wanted.items():
        if key not in done:
            lines.append('"%s","%s"' % (name, value))
    newline = "\r\n" if os_name == "windows" else "\n"
    return newline.join(lines) + newline


def config_encoding(os_name: str) -> str:
    """Encoding of remanxl.conf: VBA reads text files in the Windows ANSI code page."""
    return "mbcs" if os_name == "windows" and host_os() == "windows" else "utf-8"


def decode_config(data: bytes, os_name: str) -> str:
    """Read remanxl.conf bytes written by this installer, xlwings or a text editor."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("mbcs" if config_encoding(os_name) == "mbcs" else "latin-1")


# --------------------------------------------------------------------------- helpers


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def probe(python: Path) -> dict | None:
    """Ask ``python`` what it has installed (None when it does not run)."""
    try:
        proc = subprocess.run([str(python), "-I", "-B", "-c", PROBE], capture_output=True,
                              text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return None
    try:
        return json.loads(lines[-1])
    except ValueError:
        return None


def checkout_version() -> str | None:
    """The version of the remanxl source tree this file sits in, or None if it isn't one."""
    pyproject = HERE / "pyproject.toml"
    if not pyproject.is_file() or not (HERE / PROJECT / "__init__.py").is_file():
        return None
    try:
        import tomllib
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (ValueError, OSError):
        return None
    if project.get("name") != PROJECT:
        return None
    return str(project.get("version") or "unknown")


def checkout_xlwings_pin() -> str | None:
    """The pinned xlwings version read from the source tree (for --dry-run before install)."""
    try:
        text = (HERE / PROJECT / "excel" / "__init__.py").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'^XLWINGS_VERSION\s*=\s*"([^"]+)"', text, re.M)
    return match.group(1) if match else None


def show_command(cmd) -> str:
    return " ".join('"%s"' % c if " " in str(c) else str(c) for c in cmd)


# --------------------------------------------------------------------------- manifest


class Manifest:
    """The record of what the installer created, kept as JSON in the data folder.

    Entries, in creation order: ``{"path", "kind": "dir"|"file"|"tree"|"symlink", ...}``;
    files carry the ``sha256`` written and, when they replaced a file of the user's,
    the ``backup`` holding the original.
    """

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[dict] = []
        self.exists = path.is_file()
        if self.exists:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.entries = list(data["entries"])
            except (ValueError, KeyError, TypeError, OSError) as exc:
                raise InstallError(
                    "The installation record %s cannot be read (%s)." % (path, exc),
                    "Rename or delete that file and run the installer again.") from exc

    def find(self, path: Path) -> dict | None:
        for entry in self.entries:
            if entry["path"] == str(path):
                return entry
        return None

    def put(self, entry: dict) -> None:
        old = self.find(Path(entry["path"]))
        if old is None:
            self.entries.append(entry)
        else:
            old.clear()
            old.update(entry)

    def drop(self, entry: dict) -> None:
        self.entries = [e for e in self.entries if e is not entry]

    def save(self) -> None:
        data = {"format": MANIFEST_FORMAT, "tool": "remanxl install.py",
                "note": "Files and folders created by install.py; used by install.py --uninstall.",
                "entries": self.entries}
        atomic_write(self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        self.exists = True


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` so that it is never left half-written."""
    tmp = path.with_name(path.name + ".remanxl-tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except PermissionError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if macos_consent_refused(path):
            raise InstallError(*CONSENT_REFUSED(path)) from exc
        raise InstallError(
            T("Cannot write %s: it is in use or protected (%s)." % (path, exc.strerror),
              "无法写入 %s:文件正被使用或受保护(%s)。" % (path, exc.strerror)),
            T("Quit Excel completely (all windows) and run the installer again.",
              "完全退出 Excel(所有窗口)后重新运行安装程序。")) from exc


def macos_consent_refused(path: Path) -> bool:
    """A write refused inside another app's container on macOS: since macOS 14 that needs the user's
    consent ("... would like to access data from other apps"), and a refusal looks like EPERM."""
    return host_os() == "macos" and any(part in ("Containers", "Group Containers") for part in Path(path).parts)


def CONSENT_REFUSED(path: Path):
    folder = Path(path).parent
    return (T("macOS did not let the installer into Excel's folder %s: the prompt \"... would like to\n"
              "access data from other apps\" was answered Don't Allow, or closed." % folder,
              "macOS 不允许安装程序访问 Excel 的文件夹 %s:“想要访问其他 App 的数据”提示被选择了\n"
              "“不允许”或被关闭。" % folder),
            T("Run the installer again and click Allow. If macOS does not ask again: System Settings >\n"
              "Privacy & Security > Full Disk Access, switch on Terminal, then run the installer again.",
              "请重新运行安装程序并点击“允许”。如果 macOS 不再询问:系统设置 > 隐私与安全性 >\n"
              "完全磁盘访问权限,打开“终端”,然后重新运行安装程序。"))


# --------------------------------------------------------------------------- output


class UI:
    """Numbered, indented, plain-text progress output."""

    def __init__(self, out):
        self.out = out

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def title(self, text: str) -> None:
        self.line(text)
        self.line("=" * len(text))

    def step(self, number: int, total: int, text: str) -> None:
        self.line()
        self.line(T("Step %d of %d: %s", "第 %d 步(共 %d 步):%s") % (number, total, text))

    def say(self, text: str) -> None:
        for i, part in enumerate(text.splitlines() or [""]):
            self.line(("  - " if i == 0 else "    ") + part)

    def block(self, text: str) -> None:
        for part in text.splitlines():
            self.line(("      " + part).rstrip())

    def problem(self, err: InstallError) -> None:
        self.line()
        both = LANG == "both"
        problem = "PROBLEM 问题: " if both else T("PROBLEM: ", "问题:")
        fix = "FIX 解决:     " if both else T("FIX:     ", "解决:")
        lines = err.problem.splitlines() or [""]
        self.line(problem + lines[0])
        for part in lines[1:]:
            self.line(" " * len("PROBLEM: ") + part)
        if err.fix:
            lines = err.fix.splitlines()
            self.line(fix + lines[0])
            for part in lines[1:]:
                self.line(" " * len("FIX:     ") + part)


# --------------------------------------------------------------------------- installer


class Installer:
    """Carries out (or, with --dry-run, describes) the installation steps."""

    def __init__(self, args, layout: Layout, out):
        self.args = args
        self.layout = layout
        self.dry = args.dry_run
        self.ui = UI(out)
        self.manifest = Manifest(layout.manifest_file)
        self.changes = 0
        self.excel_missing: str | None = None   # "wps" or "none" when Microsoft Excel is absent
        self.addin_settings: dict | None = None  # settings to put into the add-in's own sheet
        self.python: Path | None = None   # the interpreter that has remanxl
        self.info: dict | None = None     # what that interpreter reported (probe)

    # -- recording helpers ------------------------------------------------------------

    def _save(self) -> None:
        if not self.layout.data_dir.is_dir():
            self._mkdirs(self.layout.data_dir)
        self.manifest.save()

    def _mkdirs(self, path: Path) -> bool:
        """Create ``path`` and its missing parents, recording each one created."""
        missing = []
        while not path.exists():
            missing.append(path)
            path = path.parent
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except PermissionError as exc:
                if macos_consent_refused(folder):
                    raise InstallError(*CONSENT_REFUSED(folder / "x")) from exc
                raise
            self.manifest.put({"path": str(folder), "kind": "dir"})
        return bool(missing)

    def ensure_dir(self, path: Path) -> None:
        if not self.dry and self._mkdirs(path):
            self._save()

    def put_file(self, dest: Path, data: bytes, what: str) -> None:
        """Make ``dest`` hold ``data``; a file of the user's is backed up first."""
        entry = self.manifest.find(dest)
        if dest.is_file():
            current = dest.read_bytes()
            if current == data:
                note = "" if entry else " (it was already there; left as it is)"
                self.ui.say("%s is up to date: %s%s" % (what, dest, note))
                return
            if self.dry:
                self.ui.say("would update %s: %s" % (what, dest))
                return
            if entry is None:
                # Not ours: keep the original so that --uninstall can put it back.
                entry = {"path": str(dest), "kind": "file", "backup": str(self._backup(dest, current))}
            entry["sha256"] = sha256(data)
            atomic_write(dest, data)
            self.ui.say("updated %s: %s" % (what, dest))
        else:
            if self.dry:
                self.ui.say("would create %s: %s" % (what, dest))
                return
            self.ensure_dir(dest.parent)
            atomic_write(dest, data)
            entry = dict(entry or {}, path=str(dest), kind="file", sha256=sha256(data))
            self.ui.say("created %s: %s" % (what, dest))
        self.manifest.put(entry)
        self._save()
        self.changes += 1

    def _backup(self, path: Path, data: bytes) -> Path:
        self.ensure_dir(self.layout.backup_dir)
        backup = self.layout.backup_dir / ("%s-%s" % (sha256(data)[:12], path.name))
        atomic_write(backup, data)
        self.ui.say("kept a copy of your previous %s in %s" % (path.name, backup))
        return backup

    # -- steps ------------------------------------------------------------------------

    def steps(self):
        """The steps for the target platform, as (title, method) pairs."""
        steps = [(T("Check Python", "检查 Python"), self.step_python),
                 (T("Python environment for remanxl", "remanxl 的 Python 环境"), self.step_environment),
                 (T("Install remanxl", "安装 remanxl"), self.step_package)]
        if self.layout.os == "linux":
            steps.append((T("The remanxl command", "remanxl 命令"), self.step_command_link))
        else:
            steps.append((T("Excel add-in settings (%s.conf)", "Excel 加载项设置(%s.conf)") % PROJECT,
                          self.step_config))
            steps.append((T("Excel add-in (%s)", "Excel 加载项(%s)") % ADDIN_NAME, self.step_addin))
            if self.layout.os == "macos":
                steps.append((T("AppleScript for the ribbon buttons (RunPython)",
                                "功能区按钮所需的 AppleScript(RunPython)"), self.step_applescript))
            steps.append((T("Workbook template", "工作簿模板"), self.step_template))
        steps.append((T("Check the installation", "检查安装结果"), self.step_check))
        return steps

    def step_python(self) -> None:
        self.ui.say("installer running on Python %s: %s" % (sys.version.split()[0], sys.executable))
        if self.layout.os == "windows":
            self._refuse_store_python()
        if self.args.python:
            self._check_given_python(Path(self.args.python))
        else:
            self.ui.say("Python %s is recent enough (%d.%d or newer is needed)"
                        % ((sys.version.split()[0],) + MIN_PYTHON))
        if self.layout.os == "windows":
            tag = (self.info or {}).get("platform") if self.args.python else python_platform()
            problem = interpreter_problem(tag or "")
            if problem:
                raise InstallError(*problem)
            self._check_spreadsheet()
        if self.layout.os != "linux":
            self._check_excel_interpreter_path(excel_interpreter(self.layout.os, self.target_python()))
        if self.layout.os == "macos":
            self._check_excel_started()
        if self.layout.os == "linux" and not self.args.python and not has_ensurepip():
            raise InstallError(*NO_ENSUREPIP())

    def _check_spreadsheet(self) -> None:
        """Say plainly when Microsoft Excel is absent (WPS only): what the add-in needs, what works anyway."""
        if not registry_available():
            return  # planning for Windows from another system: nothing to read
        kind = windows_spreadsheet(read_registry)
        if kind == "excel":
            self.ui.say(T("Microsoft Excel is installed", "已安装 Microsoft Excel"))
            return
        self.excel_missing = kind
        self.ui.say(T("note: ", "注意:") + no_excel_message(kind))

    def _refuse_store_python(self) -> None:
        candidates = [self.args.python] if self.args.python else [
            sys.executable, getattr(sys, "_base_executable", None), sys.base_prefix]
        store = store_python_path(*candidates)
        if store:
            raise InstallError(
                "This is the Microsoft Store version of Python (%s). Excel cannot start Python "
                "from it: formulas would show \"Could not activate Python COM server\"." % store,
                STORE_FIX)

    def _check_given_python(self, python: Path) -> None:
        info = probe(python) if python.exists() else None
        if info is None:
            raise InstallError("The interpreter given with --python does not run: %s" % python,
                               "Give the full path of a working python (python.exe on Windows).")
        if tuple(info["version"]) < MIN_PYTHON:
            raise InstallError(too_old_message(info["version"], str(python)).split("\n")[0],
                               "Give --python an interpreter of Python %d.%d or newer." % MIN_PYTHON)
        self.info = info  # reused by the next steps: probing costs a second
        self.ui.say("using Python %s: %s" % (".".join(map(str, info["version"])), python))

    def _check_excel_started(self) -> None:
        """macOS creates Excel's sandbox folders when Excel first starts; never pre-empt that."""
        container = self.layout.config_file.parent.parent  # ~/Library/Containers/com.microsoft.Excel
        if container.is_dir():
            return
        message = "Excel has not been started on this Mac yet (%s does not exist)." % container
        fix = "Start Excel once, quit it (Cmd-Q), then run the installer again."
        if self.dry:
            self.ui.say("note: " + message + "\n" + fix)
        else:
            raise InstallError(message, fix)

    def _check_excel_interpreter_path(self, interp: Path) -> None:
        """Refuse paths the add-in cannot start Python from."""
        if self.layout.os == "macos" and " " in str(interp):
            raise InstallError(
                "The interpreter path for Excel contains a space: %s\nxlwings' AppleScript runs it "
                "without quotes, so the ribbon buttons would fail." % interp,
                "Choose a folder without spaces, for example:  python3 install.py --venv ~/.remanxl/venv")
        if self.layout.os == "windows" and not str(interp).isascii():
            self.ui.say("note: the interpreter path has non-English characters (%s). If Excel shows\n"
                        "\"Could not activate Python COM server\", reinstall into a plain folder:\n"
                        "python install.py --uninstall, then python install.py --venv C:\\remanxl\\venv"
                        % interp)

    def target_python(self) -> Path:
        """The interpreter remanxl runs in: --python, or the virtual environment's."""
        if self.args.python:
            return Path(self.args.python)
        return venv_python(self.layout.os, self.layout.venv_dir)

    def step_environment(self) -> None:
        lay = self.layout
        if self.args.python:
            self.python = Path(self.args.python)
            self.ui.say("using the existing interpreter %s (--python: no virtual environment)" % self.python)
            return
        python = venv_python(lay.os, lay.venv_dir)
        entry = self.manifest.find(lay.venv_dir)
        info = probe(python) if python.exists() else None
        if info and tuple(info["version"]) >= MIN_PYTHON:
            self.python, self.info = python, info
            self.ui.say("virtual environment is in place: %s" % lay.venv_dir)
            return
        if lay.venv_dir.exists():
            if entry is None:
                raise InstallError(
                    "The folder %s exists but is not a working remanxl environment, and this "
                    "installer did not create it." % lay.venv_dir,
                    "Delete that folder, or choose another one with --venv DIR, and run the installer again.")
            self.ui.say("the virtual environment in %s does not work any more (was Python moved or\n"
                        "upgraded?); it will be created again" % lay.venv_dir)
        if self.dry:
            self.ui.say("would create a virtual environment in %s\nwith %s" % (lay.venv_dir, sys.executable))
            self.python = python
            return
        if lay.os != host_os():
            raise InstallError("Cannot create a %s environment on %s." % (OS_LABELS[lay.os], OS_LABELS[host_os()]),
                               "Use --dry-run to see the plan, or --python PATH with --home DIR for tests.")
        if lay.venv_dir.exists():
            shutil.rmtree(lay.venv_dir)
        self.ensure_dir(lay.venv_dir.parent)
        # Recorded first, so that a half-made environment is ours to redo or remove.
        self.manifest.put({"path": str(lay.venv_dir), "kind": "tree"})
        self._save()
        self.ui.say("creating a virtual environment in %s (this takes a minute)" % lay.venv_dir)
        import venv
        try:
            venv.EnvBuilder(with_pip=True, clear=False).create(str(lay.venv_dir))
        except SystemExit as exc:  # Debian's venv exits when ensurepip is missing, after its own message
            shutil.rmtree(lay.venv_dir, ignore_errors=True)
            raise InstallError(*NO_ENSUREPIP()) from exc
        except (OSError, subprocess.CalledProcessError) as exc:
            raise InstallError("Creating the virtual environment failed: %s" % exc,
                               "Check that %s is writable and has free space, then run the installer "
                               "again." % lay.venv_dir.parent) from exc
        self.changes += 1
        self.python = python

    def step_package(self) -> None:
        assert self.python is not None
        info = self.info or (probe(self.python) if self.python.exists() else None)
        if self.args.python:
            if not info or not info.get("addin_path"):
                error = (info or {}).get("remanxl_error", "it does not run")
                raise InstallError("remanxl cannot be imported by %s (%s)." % (self.python, error),
                                   "Install it there first:  \"%s\" -m pip install remanxl" % self.python)
            self.info = info
            self.ui.say("remanxl %s is installed in %s" % (info.get("remanxl"), self.python))
        else:
            self._pip_install(info)
        self._check_xlwings()

    def _pip_install(self, info: dict | None) -> None:
        source = self.args.source
        version = checkout_version()
        if source == "auto":
            source = "checkout" if version else "pypi"
        if source == "checkout" and not version:
            raise InstallError("%s is not a remanxl source folder (no pyproject.toml for remanxl)." % HERE,
                               "Run the installer from the remanxl source folder, or use --source pypi.")
        target = str(HERE) if source == "checkout" else PROJECT
        installed = (info or {}).get("remanxl") if (info or {}).get("addin_path") else None
        if installed and not self.args.upgrade and (source == "pypi" or installed == version):
            self.ui.say("remanxl %s is already installed (use --upgrade to reinstall)" % installed)
            return
        cmd = [str(self.python), "-m", "pip", "install", "--disable-pip-version-check"]
        if self.args.upgrade or installed:
            cmd.append("--upgrade")
        if self.args.index_url:
            cmd += ["--index-url", self.args.index_url]
        cmd.append(target)
        origin = "this source folder" if source == "checkout" else "PyPI"
        if self.dry:
            self.ui.say("would install remanxl from %s:\n%s" % (origin, show_command(cmd)))
            return
        self.ui.say("installing remanxl and its dependencies from %s (this takes a few minutes):\n%s"
                    % (origin, show_command(cmd)))
        if subprocess.run(cmd).returncode != 0:
            raise InstallError(
                "pip could not install remanxl (see its messages above).",
                "Check the internet connection. Behind a company proxy, set HTTPS_PROXY; if PyPI is\n"
                "slow or blocked, add a mirror, e.g.  --index-url https://pypi.tuna.tsinghua.edu.cn/simple\n"
                "Then run the installer again.")
        self.info = probe(self.python)
        if not self.info or not self.info.get("addin_path"):
            raise InstallError("remanxl was installed but cannot be imported: %s"
                               % (self.info or {}).get("remanxl_error", "the interpreter does not run"),
                               "Run the installer again with --upgrade; if that fails, report this message.")
        self.changes += 1
        self.ui.say("installed remanxl %s" % self.info.get("remanxl"))

    def _check_xlwings(self) -> None:
        """The add-in's VBA loads xlwings64-<version>.dll: the versions must match exactly."""
        if not self.info:
            pin = checkout_xlwings_pin()
            if pin:
                self.ui.say("xlwings %s will come with remanxl (the version the add-in is made for)" % pin)
            return
        have, want = self.info.get("xlwings"), self.info.get("xlwings_pinned")
        if have != want:
            raise InstallError(
                "xlwings %s is installed, but the remanxl add-in needs exactly xlwings %s.\n"
                "Excel would show \"Could not load xlwings64-%s.dll\"." % (have, want, want),
                "Run:  \"%s\" -m pip install xlwings==%s  (or run the installer again with --upgrade)"
                % (self.python, want))
        self.ui.say("xlwings %s matches the add-in" % have)

    def step_config(self) -> None:
        lay = self.layout
        interp = excel_interpreter(lay.os, self.python)
        if lay.os == "windows" and ansi_unsafe(interp, ansi_code_page()):
            raise InstallError(
                T("Excel cannot start %s: this Windows' language setting (code page %s) cannot spell\n"
                  "that path." % (interp, ansi_code_page()),
                  "Excel 无法启动 %s:此 Windows 的语言设置(代码页 %s)无法表示该路径。" % (interp, ansi_code_page())),
                T("Install into a plain folder:  python install.py --venv C:\\remanxl\\venv",
                  "安装到纯英文路径:  python install.py --venv C:\\remanxl\\venv"))
        if lay.settings_in_addin:
            self.addin_settings = dict(config_entries(lay.os, interp))
            self.ui.say(T(
                "your user folder %s has characters this Windows' code page (%s) cannot spell, so the\n"
                "add-in could not read %s; its settings go into the add-in's own settings sheet\n"
                "instead, and the Python environment into %s:"
                % (lay.home, ansi_code_page(), lay.config_file, lay.venv_dir),
                "用户文件夹 %s 含有此 Windows 代码页(%s)无法表示的字符,加载项读不到 %s;\n"
                "因此设置写入加载项自带的设置表,Python 环境放在 %s:"
                % (lay.home, ansi_code_page(), lay.config_file, lay.venv_dir)))
            self.ui.block("\n".join('"%s","%s"' % kv for kv in self.addin_settings.items()))
            return
        dest = lay.config_file
        existing = decode_config(dest.read_bytes(), lay.os) if dest.is_file() else None
        text = merge_config(existing, config_entries(lay.os, interp), lay.os)
        self.ui.say("settings for the add-in, in %s:" % dest)
        self.ui.block(text)
        try:
            data = text.encode(config_encoding(lay.os))
        except UnicodeEncodeError as exc:
            raise InstallError(
                "The path %s cannot be written in this Windows' language setting, so Excel could "
                "not read it." % interp,
                "Install into a plain folder:  python install.py --venv C:\\remanxl\\venv") from exc
        self.put_file(dest, data, "settings file")

    def step_addin(self) -> None:
        lay = self.layout
        if self.args.addin_file:
            source = Path(self.args.addin_file)
        elif self.info:
            source = Path(self.info["addin_path"])
        else:
            self.ui.say("would copy the add-in shipped in the remanxl package (%s/excel/data/%s)\nto %s"
                        % (PROJECT, ADDIN_NAME, lay.addin_file))
            return
        if not source.is_file():
            raise InstallError(
                "The add-in file is missing: %s\n(a development copy of remanxl whose add-in was not built)." % source,
                "Install a released remanxl:  python install.py --source pypi --upgrade\n"
                "or build the add-in first:   \"%s\" -m remanxl build-addin" % self.python)
        self.ui.say("Excel opens every file in %s when it starts" % lay.startup_dir)
        data = source.read_bytes()
        if self.addin_settings and not self.dry:
            data = self._addin_with_settings(source)
        self.put_file(lay.addin_file, data, "add-in")

    def _addin_with_settings(self, source: Path) -> bytes:
        """The add-in with ``self.addin_settings`` in its settings sheet, made by the target interpreter."""
        out = self.layout.data_dir / (ADDIN_NAME + ".settings-tmp")
        self.ensure_dir(out.parent)
        cmd = [str(self.python), "-I", "-B", "-c", ADDIN_SETTINGS, str(source),
               json.dumps(self.addin_settings), str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        try:
            if proc.returncode != 0:
                tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
                raise InstallError(T("Writing the settings into the add-in failed:\n%s" % tail,
                                     "将设置写入加载项失败:\n%s" % tail),
                                   T("Run the installer again with --upgrade.", "请加 --upgrade 重新运行安装程序。"))
            return out.read_bytes()
        finally:
            if out.exists():
                out.unlink()

    def step_applescript(self) -> None:
        lay = self.layout
        version = (self.info or {}).get("xlwings") or checkout_xlwings_pin() or "VERSION"
        name = "xlwings-%s.applescript" % version
        dest = lay.applescript_dir / name
        if not self.info or not self.info.get("xlwings_dir"):
            self.ui.say("would copy %s from the xlwings package to\n%s" % (name, dest))
            return
        source = Path(self.info["xlwings_dir"]) / name
        if not source.is_file():
            raise InstallError("xlwings' AppleScript %s is missing." % source,
                               "Reinstall:  python3 install.py --upgrade")
        self.put_file(dest, source.read_bytes(), "AppleScript")

    def step_template(self) -> None:
        dest = self.layout.template_file
        entry = self.manifest.find(dest)
        if dest.exists():
            if entry and file_sha256(dest) == entry.get("sha256"):
                self.ui.say("template is in place: %s" % dest)
            elif entry:
                self.ui.say("template is in place and you have edited it; left as it is: %s" % dest)
            else:
                self.ui.say("a file with this name is already there; left as it is: %s" % dest)
            return
        if self.args.template_file:
            how = "copy %s" % self.args.template_file
            cmd = None
        else:
            cmd = [str(self.python), "-I", "-B", "-m", PROJECT, "template", str(dest)]
            how = "run: %s" % show_command(cmd)
        if self.dry:
            self.ui.say("would write the template %s\n(%s)" % (dest, how))
            return
        self.ensure_dir(dest.parent)
        if cmd is None:
            atomic_write(dest, Path(self.args.template_file).read_bytes())
        else:
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0 or not dest.is_file():
                if dest.is_file():  # a half-written file of ours: do not leave it behind
                    dest.unlink()
                tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
                raise InstallError("Writing the template failed:\n%s" % tail,
                                   "Run the installer again with --upgrade; if it still fails, report "
                                   "this message.")
        self.manifest.put({"path": str(dest), "kind": "file", "sha256": file_sha256(dest)})
        self._save()
        self.changes += 1
        self.ui.say("created the template: %s" % dest)

    def step_command_link(self) -> None:
        lay = self.layout
        target = self.python.parent / PROJECT
        link = lay.bin_dir / PROJECT
        if not self.dry and not target.exists():
            self.ui.say("no remanxl command next to %s; skipped" % self.python)
            return
        if link.is_symlink() and os.readlink(link) == str(target):
            self.ui.say("%s -> %s is in place" % (link, target))
        elif link.exists() or link.is_symlink():
            self.ui.say("%s already exists and is not remanxl's; left as it is" % link)
            return
        elif self.dry:
            self.ui.say("would link %s -> %s" % (link, target))
        else:
            self.ensure_dir(link.parent)
            link.symlink_to(target)
            self.manifest.put({"path": str(link), "kind": "symlink", "target": str(target)})
            self._save()
            self.changes += 1
            self.ui.say("linked %s -> %s" % (link, target))
        if str(lay.bin_dir) not in os.environ.get("PATH", "").split(os.pathsep):
            self.ui.say("%s is not on your PATH: run remanxl as %s" % (lay.bin_dir, link))

    def step_check(self) -> None:
        if self.dry:
            self.ui.say("would run the checks of \"remanxl doctor\"")
            return
        if self.layout.os != host_os():
            self.ui.say("skipped: the checks run only on %s itself" % OS_LABELS[self.layout.os])
            return
        cmd = [str(self.python), "-I", "-B", "-X", "utf8", "-c", DOCTOR,
               str(self.args.home or ""), self.layout.os, str(self.args.addin_file or "")]
        proc = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace")
        if proc.returncode == NO_DOCTOR:
            self.ui.say("skipped: this remanxl version has no doctor")
            return
        self.ui.block(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise InstallError("Some checks failed (see the FIX lines above).",
                               "Follow the fixes, then run the installer again.")

    # -- the whole run ----------------------------------------------------------------

    def install(self) -> int:
        lay = self.layout
        self.ui.title(T("remanxl installer%s: %s", "remanxl 安装程序%s:%s")
                      % (T(" (dry run: nothing is changed)", "(演练:不做任何更改)") if self.dry else "",
                         OS_LABELS[lay.os]))
        if lay.os == "linux":
            self.ui.line(T("Excel is not available on Linux: this sets up the remanxl command line only.",
                           "Linux 上没有 Excel:只安装 remanxl 命令行。"))
        steps = self.steps()
        for number, (title, run) in enumerate(steps, 1):
            self.ui.step(number, len(steps), title)
            run()
        self.ui.line()
        if self.dry:
            self.ui.line(T("Dry run: nothing was changed.", "演练:未做任何更改。"))
        elif self.changes:
            self.ui.line(T("Done: %d change(s) made. The record of what was installed is in %s",
                           "完成:共 %d 处更改。安装记录保存在 %s") % (self.changes, lay.manifest_file))
        else:
            self.ui.line(T("Everything was already in place: nothing changed.", "一切已就绪:未做更改。"))
        self._next_steps()
        return 0

    def _next_steps(self) -> None:
        lay = self.layout
        self.ui.line()
        self.ui.line(T("What to do next:", "下一步:"))
        if lay.os == "linux":
            command = self.python.parent / PROJECT if self.python else PROJECT
            self.ui.line(T("  Excel integration is not available on Linux. Use the command line, e.g.",
                           "  Linux 上没有 Excel 集成。请使用命令行,例如"))
            self.ui.line("    %s evaluate" % command)
        else:
            if self.excel_missing:
                self.ui.line(T("  Microsoft Excel is missing (see the note above): open the template in WPS or\n"
                               "  LibreOffice and fill the Summary with:  remanxl evaluate FILE.xlsx",
                               "  未安装 Microsoft Excel(见上文说明):可在 WPS 或 LibreOffice 中打开模板,\n"
                               "  并用以下命令写入汇总表:  remanxl evaluate 文件.xlsx"))
            quit_hint = T("quit Excel (Cmd-Q)", "退出 Excel(Cmd-Q)") if lay.os == "macos" else \
                T("close all Excel windows", "关闭所有 Excel 窗口")
            self.ui.line(T("  1. If Excel is open, %s. Then start Excel.", "  1. 如果 Excel 已打开,请%s,然后启动 Excel。")
                         % quit_hint)
            self.ui.line(T("  2. You should see the \"%s\" tab in the ribbon.", "  2. 功能区中应出现“%s”选项卡。")
                         % TAB_NAME)
            self.ui.line(T("  3. Open your template: %s", "  3. 打开模板:%s") % lay.template_file)
            if lay.os == "macos":
                self.ui.line(T("  Note: Excel for Mac cannot run the =REMAN_* worksheet formulas; use the\n"
                               "  ribbon's recompute button, which writes the results as values.",
                               "  注意:Mac 版 Excel 不能运行 =REMAN_* 工作表函数;请使用功能区的“重新计算”,\n"
                               "  结果以数值写入。"))
        self.ui.line(T("  If something does not work, run this installer again: it repairs what is missing\n"
                       "  and checks the installation. To remove remanxl: python install.py --uninstall",
                       "  如有问题,请再次运行本安装程序:它会修复缺失部分并检查安装。\n"
                       "  卸载 remanxl:python install.py --uninstall"))

    def uninstall(self) -> int:
        lay = self.layout
        self.ui.title("remanxl uninstaller%s: %s" % (" (dry run: nothing is changed)" if self.dry else "",
                                                    OS_LABELS[lay.os]))
        if not self.manifest.exists:
            self.ui.line("Nothing to uninstall: there is no installation record at %s" % lay.manifest_file)
            return 0
        if lay.os != "linux":
            self.ui.line("Quit Excel first: Excel keeps the add-in open while it runs.")
        self.ui.step(1, 2, "Remove files")
        for entry in reversed(list(self.manifest.entries)):
            if entry["kind"] != "dir":
                self._remove(entry)
        self.ui.step(2, 2, "Remove folders")
        if not self.dry:
            self.manifest.path.unlink()
        folders = [e for e in self.manifest.entries if e["kind"] == "dir"]
        for entry in sorted(folders, key=lambda e: -len(Path(e["path"]).parts)):
            self._remove_dir(Path(entry["path"]))
        self.ui.line()
        self.ui.line("Dry run: nothing was changed." if self.dry else "remanxl has been removed.")
        return 0

    def _forget(self, entry: dict) -> None:
        if not self.dry:
            self.manifest.drop(entry)
            self.manifest.save()

    def _remove(self, entry: dict) -> None:
        path, kind = Path(entry["path"]), entry["kind"]
        verb = "would remove" if self.dry else "removed"
        try:
            if kind == "tree":
                if not path.exists():
                    self.ui.say("already gone: %s" % path)
                elif (path / "pyvenv.cfg").is_file():
                    if not self.dry:
                        shutil.rmtree(path)
                    self.ui.say("%s the virtual environment %s" % (verb, path))
                else:
                    self.ui.say("kept %s: it does not look like remanxl's virtual environment" % path)
            elif kind == "symlink":
                if path.is_symlink() and os.readlink(path) == entry.get("target"):
                    if not self.dry:
                        path.unlink()
                    self.ui.say("%s %s" % (verb, path))
                else:
                    self.ui.say("kept %s: it was changed after installation" % path)
            else:
                self._remove_file(entry, path)
        except PermissionError as exc:
            raise InstallError("Cannot remove %s: it is in use (%s)." % (path, exc.strerror),
                               "Quit Excel completely and run:  python install.py --uninstall") from exc
        self._forget(entry)

    def _remove_file(self, entry: dict, path: Path) -> None:
        backup = Path(entry["backup"]) if entry.get("backup") else None
        current = file_sha256(path)
        unchanged = current is not None and current == entry.get("sha256")
        if backup and backup.is_file() and (unchanged or current is None):
            if not self.dry:
                atomic_write(path, backup.read_bytes())
                backup.unlink()
            self.ui.say("%s your previous %s" % ("would restore" if self.dry else "restored", path))
        elif current is None:
            self.ui.say("already gone: %s" % path)
        elif unchanged:
            if not self.dry:
                path.unlink()
            self.ui.say("%s %s" % ("would remove" if self.dry else "removed", path))
        else:
            note = " (your earlier version is in %s)" % backup if backup and backup.is_file() else ""
            self.ui.say("kept %s: it was changed after installation%s" % (path, note))

    def _remove_dir(self, path: Path) -> None:
        if not path.is_dir():
            return
        if self.dry:
            self.ui.say("would remove the folder %s if it is empty" % path)
        elif any(path.iterdir()):
            self.ui.say("kept the folder %s: it is not empty" % path)
        else:
            path.rmdir()
            self.ui.say("removed the folder %s" % path)


# --------------------------------------------------------------------------- command line


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python install.py",
        description="Install remanxl and its Excel add-in for the current user (Windows, macOS); "
                    "on Linux, the command line only.",
        epilog="Run it again at any time: it repairs what is missing and changes nothing else.")
    parser.add_argument("--uninstall", action="store_true",
                        help="remove what this installer created (files you changed are kept)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print every step, with paths and settings text, and change nothing")
    parser.add_argument("--source", choices=("auto", "checkout", "pypi"), default="auto",
                        help="where to install remanxl from: this source folder (checkout), PyPI, or "
                             "auto = the source folder when install.py sits in one (default)")
    parser.add_argument("--upgrade", action="store_true",
                        help="install the newest remanxl from PyPI, or reinstall it from the source "
                             "folder even when its version is already installed")
    parser.add_argument("--index-url", metavar="URL", help="package index for pip (e.g. a mirror)")
    parser.add_argument("--venv", metavar="DIR", help="where to create the virtual environment")
    parser.add_argument("--python", metavar="PATH",
                        help="use this existing interpreter, which must already have remanxl, instead "
                             "of creating a virtual environment and running pip (for tests and power users)")
    parser.add_argument("--home", metavar="DIR",
                        help="treat DIR as the home folder and derive every path from it, including "
                             "AppData and Documents (for tests)")
    parser.add_argument("--os", choices=OS_NAMES, default=host_os(),
                        help="plan for this platform (default: this computer's); with another platform, "
                             "use --dry-run, or --home with --python")
    parser.add_argument("--addin-file", metavar="PATH",
                        help="install this add-in file instead of the one packaged with remanxl")
    parser.add_argument("--template-file", metavar="PATH",
                        help="install this workbook as the template instead of running 'remanxl template'")
    parser.add_argument("--no-pause", action="store_true",
                        help="on Windows, do not wait for Enter before closing the window")
    return parser.parse_args(argv)


def _make_output_safe() -> None:
    """Never crash on a console that cannot show a character (e.g. the Chinese tab name)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def _window_closes_on_exit() -> bool:
    """True when this process owns its console window (double-clicked on Windows)."""
    if host_os() != "windows" or not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        import ctypes
        ids = (ctypes.c_uint * 4)()
        # Just this process (and the py launcher): the window goes away when we exit.
        return ctypes.windll.kernel32.GetConsoleProcessList(ids, 4) <= 2
    except Exception:
        return False


def _check_platform_options(args) -> None:
    """Installing for another platform can only be planned, or tried in a test home."""
    planned = args.dry_run or args.uninstall or (args.home and args.python)
    if args.os != host_os() and not planned:
        raise InstallError("--os %s on %s needs --dry-run, or --home with --python."
                           % (args.os, OS_LABELS[host_os()]),
                           "Add --dry-run to see what would be done on %s." % OS_LABELS[args.os])


def main(argv=None) -> int:
    _make_output_safe()
    if sys.version_info < MIN_PYTHON:
        print(too_old_message(sys.version_info, sys.executable))
        return 1
    args = parse_args(argv)
    ui = UI(sys.stdout)
    status = 1
    try:
        _check_platform_options(args)
        # Absolute paths: they are written into settings and handed to subprocesses.
        home = Path(args.home).expanduser().resolve() if args.home else None
        args.home = str(home) if home else None
        args.addin_file = str(Path(args.addin_file).resolve()) if args.addin_file else None
        if args.python:  # a bare name is looked up on PATH; symlinks stay (a venv's python is one)
            args.python = os.path.abspath(shutil.which(args.python) or args.python)
        venv = Path(args.venv).expanduser().resolve() if args.venv else None
        installer = Installer(args, make_layout(args.os, home, venv), sys.stdout)
        status = installer.uninstall() if args.uninstall else installer.install()
    except InstallError as err:
        ui.problem(err)
    except KeyboardInterrupt:
        ui.line("\nStopped. Run the installer again to finish, or with --uninstall to undo.")
    if not args.no_pause and _window_closes_on_exit():
        input("\nPress Enter to close this window.")
    return status


if __name__ == "__main__":
    sys.exit(main())
