"""install.py: dry runs, install/uninstall round trips in a temporary home, safety rules.

Every run uses ``--home`` (a temporary folder) and, except the dry runs of the real
plan, ``--python`` with this test interpreter, so no virtual environment is created and
nothing is downloaded.  The add-in and template are stand-in files given with
``--addin-file``/``--template-file``: the real ones are built by other commands.
"""
from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "install.py"
PIN = "0.37.8"
STORE_PYTHON = ("AppData/Local/Microsoft/WindowsApps/"
                "PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0/python.exe")


def load_installer():
    spec = importlib.util.spec_from_file_location("remanxl_install", INSTALL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


installer = load_installer()


def run(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(INSTALL), "--no-pause", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    proc.output = proc.stdout + proc.stderr
    return proc


def tree(root: Path) -> dict[str, object]:
    """Every file (bytes), folder and link under ``root``, by relative path."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = path.read_bytes()
    return found


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home folder that already holds some files of the user's."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "notes.txt").write_text("mine")
    xlstart = home / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True)
    (xlstart / "PERSONAL.XLSB").write_bytes(b"user macros")
    return home


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "standin.xlam").write_bytes(b"stand-in add-in")
    (src / "template.xlsx").write_bytes(b"stand-in template")
    return {"addin": src / "standin.xlam", "template": src / "template.xlsx"}


def install_args(os_name: str, home: Path, files: dict[str, Path]) -> list[str]:
    if os_name == "macos":  # Excel for Mac has run once: its sandbox folder exists
        (home / "Library" / "Containers" / "com.microsoft.Excel").mkdir(parents=True, exist_ok=True)
    return ["--os", os_name, "--home", str(home), "--python", sys.executable,
            "--addin-file", str(files["addin"]), "--template-file", str(files["template"])]


def expected_paths(os_name: str, home: Path) -> dict[str, Path]:
    if os_name == "windows":
        return {"config": home / ".remanxl" / "remanxl.conf",
                "addin": home / "AppData/Roaming/Microsoft/Excel/XLSTART/remanxl.xlam",
                "template": home / "Documents/remanxl/remanxl_template.xlsx",
                "manifest": home / "AppData/Local/remanxl/install-manifest.json"}
    if os_name == "macos":
        return {"config": home / "Library/Containers/com.microsoft.Excel/Data/remanxl.conf",
                "addin": home / ("Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
                                 "Startup.localized/Excel/remanxl.xlam"),
                "template": home / "Documents/remanxl/remanxl_template.xlsx",
                "applescript": home / f"Library/Application Scripts/com.microsoft.Excel/xlwings-{PIN}.applescript",
                "manifest": home / "Library/Application Support/remanxl/install-manifest.json"}
    return {"manifest": home / ".local/share/remanxl/install-manifest.json"}


# --------------------------------------------------------------------------- dry runs


def test_dry_run_windows_prints_plan_and_writes_nothing(home: Path) -> None:
    before = tree(home)
    proc = run("--dry-run", "--os", "windows", "--home", str(home))
    assert proc.returncode == 0, proc.output
    venv = home / "AppData" / "Local" / "remanxl" / "venv"
    out = proc.output
    assert f"would create a virtual environment in {venv}" in out
    assert f"{venv / 'Scripts' / 'python.exe'} -m pip install" in out
    assert f'"INTERPRETER_WIN","{venv / "Scripts" / "pythonw.exe"}"' in out
    assert '"UDF MODULES","remanxl.udfs"' in out
    assert str(home / ".remanxl" / "remanxl.conf") in out
    assert str(home / "AppData/Roaming/Microsoft/Excel/XLSTART/remanxl.xlam") in out
    assert str(home / "Documents/remanxl/remanxl_template.xlsx") in out
    assert "Dry run: nothing was changed." in out
    assert tree(home) == before


def test_dry_run_macos_prints_plan_and_writes_nothing(home: Path) -> None:
    before = tree(home)
    proc = run("--dry-run", "--os", "macos", "--home", str(home))
    assert proc.returncode == 0, proc.output
    out = proc.output
    # Not under "Application Support": the AppleScript cannot handle spaces (see install.py).
    assert f'"INTERPRETER_MAC","{home / ".remanxl" / "venv" / "bin" / "python"}"' in out
    assert '"UDF MODULES","remanxl.udfs"' in out
    for path in expected_paths("macos", home).values():
        if path.name != "install-manifest.json":
            assert str(path) in out, path
    assert tree(home) == before


@pytest.mark.parametrize("os_name", ["windows", "macos", "linux"])
def test_dry_run_with_existing_interpreter_writes_nothing(os_name, home, files) -> None:
    args = install_args(os_name, home, files)
    before = tree(home)
    proc = run("--dry-run", *args)
    assert proc.returncode == 0, proc.output
    assert "would create" in proc.output or os_name == "linux"
    assert tree(home) == before


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("os_name", ["windows", "macos", "linux"])
def test_install_twice_then_uninstall_restores_home(os_name, home, files) -> None:
    args = install_args(os_name, home, files)
    before = tree(home)
    first = run(*args)
    assert first.returncode == 0, first.output
    paths = expected_paths(os_name, home)
    assert paths["manifest"].is_file()
    if os_name != "linux":
        config = paths["config"].read_bytes().decode("utf-8")
        key = "INTERPRETER_WIN" if os_name == "windows" else "INTERPRETER_MAC"
        newline = "\r\n" if os_name == "windows" else "\n"
        assert config == f'"{key}","{sys.executable}"{newline}"UDF MODULES","remanxl.udfs"{newline}'
        assert paths["addin"].read_bytes() == b"stand-in add-in"
        assert paths["template"].read_bytes() == b"stand-in template"
    if os_name == "macos":
        assert paths["applescript"].read_text().startswith("# Allows to run the script")
    if os_name == "linux":
        assert "Excel is not available on Linux" in first.output
        assert "All checks passed" in first.output  # the doctor ran in the same interpreter

    installed, stamps = tree(home), mtimes(home)
    second = run(*args)
    assert second.returncode == 0, second.output
    assert "Everything was already in place: nothing changed." in second.output
    assert tree(home) == installed and mtimes(home) == stamps

    removed = run("--uninstall", "--os", os_name, "--home", str(home))
    assert removed.returncode == 0, removed.output
    assert tree(home) == before


def test_edited_template_is_kept_on_uninstall(home, files) -> None:
    before = tree(home)
    assert run(*install_args("windows", home, files)).returncode == 0
    template = expected_paths("windows", home)["template"]
    template.write_bytes(b"my evaluation")

    again = run(*install_args("windows", home, files))
    assert "you have edited it; left as it is" in again.output
    assert template.read_bytes() == b"my evaluation"

    proc = run("--uninstall", "--os", "windows", "--home", str(home))
    assert proc.returncode == 0, proc.output
    assert "kept" in proc.output and template.read_bytes() == b"my evaluation"
    expected = dict(before, **{"Documents/remanxl": "dir",
                               "Documents/remanxl/remanxl_template.xlsx": b"my evaluation"})
    assert tree(home) == expected


def test_user_files_are_backed_up_merged_and_restored(home, files) -> None:
    paths = expected_paths("windows", home)
    paths["config"].parent.mkdir()
    original_config = b'"SHOW CONSOLE","True"\r\n\r\n"UDF MODULES","mymodule"\r\n'
    paths["config"].write_bytes(original_config)
    paths["addin"].write_bytes(b"an older add-in the user copied by hand")
    template = paths["template"]
    template.parent.mkdir()
    template.write_bytes(b"someone else's file")
    before = tree(home)

    proc = run(*install_args("windows", home, files))
    assert proc.returncode == 0, proc.output
    # Other settings kept, blank line dropped, our settings set, other UDF modules kept.
    assert paths["config"].read_bytes().decode() == (
        '"SHOW CONSOLE","True"\r\n"UDF MODULES","mymodule;remanxl.udfs"\r\n'
        f'"INTERPRETER_WIN","{sys.executable}"\r\n')
    assert paths["addin"].read_bytes() == b"stand-in add-in"
    assert template.read_bytes() == b"someone else's file"  # never overwritten

    proc = run("--uninstall", "--os", "windows", "--home", str(home))
    assert proc.returncode == 0, proc.output
    assert "restored" in proc.output
    assert tree(home) == before


def test_file_already_identical_is_not_claimed(home, files) -> None:
    """A file that was already there as wanted (e.g. the AppleScript) survives uninstall."""
    script = expected_paths("macos", home)["applescript"]
    script.parent.mkdir(parents=True)
    import xlwings
    script.write_bytes((Path(xlwings.__file__).parent / script.name).read_bytes())
    args = install_args("macos", home, files)
    before = tree(home)
    proc = run(*args)
    assert "already there; left as it is" in proc.output
    assert run("--uninstall", "--os", "macos", "--home", str(home)).returncode == 0
    assert tree(home) == before


def test_uninstall_without_record_does_nothing(home) -> None:
    before = tree(home)
    proc = run("--uninstall", "--os", "windows", "--home", str(home))
    assert proc.returncode == 0 and "Nothing to uninstall" in proc.output
    assert tree(home) == before


def test_dry_run_uninstall_changes_nothing(home, files) -> None:
    assert run(*install_args("macos", home, files)).returncode == 0
    installed = tree(home)
    proc = run("--uninstall", "--dry-run", "--os", "macos", "--home", str(home))
    assert proc.returncode == 0 and "would remove" in proc.output
    assert tree(home) == installed


# --------------------------------------------------------------------------- refusals


def test_store_python_is_refused(home, files) -> None:
    store = home / STORE_PYTHON
    before = tree(home)
    proc = run("--os", "windows", "--home", str(home), "--python", str(store),
               "--addin-file", str(files["addin"]))
    assert proc.returncode == 1
    assert "Microsoft Store version of Python" in proc.output
    assert "python.org" in proc.output and "FIX:" in proc.output
    assert tree(home) == before


@pytest.mark.parametrize("path, store", [
    (r"C:\Users\li\AppData\Local\Microsoft\WindowsApps\python.exe", True),
    (r"C:\Users\li\AppData\Local\Microsoft\WindowsApps\PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0"
     r"\python.exe", True),
    (r"C:\Program Files\WindowsApps\PythonSoftwareFoundation.Python.3.12_3.12.2800.0_x64__qbz5n2kfra8p0", True),
    (r"C:\Users\li\AppData\Local\Programs\Python\Python311\python.exe", False),
    ("/usr/bin/python3", False),
])
def test_store_python_detection(path, store) -> None:
    assert bool(installer.store_python_path(path)) is store


def test_missing_addin_is_a_clear_error(home, files) -> None:
    proc = run("--os", "windows", "--home", str(home), "--python", sys.executable,
               "--addin-file", str(home / "nope.xlam"), "--template-file", str(files["template"]))
    assert proc.returncode == 1
    assert "The add-in file is missing" in proc.output and "FIX:" in proc.output
    # What was done before the failure is recorded, so uninstall cleans it up.
    assert run("--uninstall", "--os", "windows", "--home", str(home)).returncode == 0


def test_other_platform_needs_dry_run(tmp_path) -> None:
    other = "windows" if installer.host_os() != "windows" else "macos"
    proc = run("--os", other)
    assert proc.returncode == 1 and "--dry-run" in proc.output


def test_mac_needs_excel_started_once(home, files) -> None:
    args = install_args("macos", home, files)
    (home / "Library" / "Containers" / "com.microsoft.Excel").rmdir()
    before = tree(home)
    proc = run(*args)
    assert proc.returncode == 1 and "Start Excel once" in proc.output
    assert tree(home) == before


def test_mac_interpreter_path_with_space_is_refused(home, files) -> None:
    proc = run("--dry-run", "--os", "macos", "--home", str(home), "--venv", str(home / "my env"))
    assert proc.returncode == 1 and "contains a space" in proc.output


# --------------------------------------------------------------------------- units


def test_merge_config_drops_blank_lines_and_keeps_other_keys() -> None:
    existing = '"INTERPRETER_WIN","C:\\old\\pythonw.exe"\n\n"Show Console","False"\n'
    text = installer.merge_config(existing, [("INTERPRETER_WIN", r"C:\new\pythonw.exe"),
                                             ("UDF MODULES", "remanxl.udfs")], "windows")
    assert text == ('"INTERPRETER_WIN","C:\\new\\pythonw.exe"\r\n"Show Console","False"\r\n'
                    '"UDF MODULES","remanxl.udfs"\r\n')
    assert installer.merge_config(text, [("udf modules", "remanxl.udfs")], "windows").count("remanxl.udfs") == 1


def test_mac_startup_folder_reuses_existing_variant(tmp_path) -> None:
    office = tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office"
    assert installer.mac_startup_dir(tmp_path) == office / "User Content.localized" / "Startup.localized" / "Excel"
    (office / "User Content" / "Startup").mkdir(parents=True)
    assert installer.mac_startup_dir(tmp_path) == office / "User Content" / "Startup" / "Excel"


def test_syntax_runs_on_old_pythons_to_show_the_message() -> None:
    """Old interpreters must reach the friendly version check, not a SyntaxError."""
    ast.parse(INSTALL.read_text(encoding="utf-8"), feature_version=(3, 7))


def _old_python() -> str | None:
    for version in ("3.9", "3.8", "3.7"):
        for candidate in sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")):
            return str(candidate)
    return None


@pytest.mark.skipif(_old_python() is None, reason="no Python 3.7-3.9 on this machine")
def test_old_python_gets_a_clear_message(tmp_path) -> None:
    proc = subprocess.run([_old_python(), str(INSTALL), "--dry-run", "--home", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "remanxl needs Python 3.11 or newer" in proc.stdout


# --------------------------------------------------------------------------- real desktops
# The facts (this interpreter's platform, the registry, the code page, ensurepip, a refused write) are
# replaced at the function that reads them; install.py's decisions run for real, in process.


def run_in_process(monkeypatch, capsys, *args: str, **facts) -> tuple[int, str]:
    for name, value in facts.items():
        monkeypatch.setattr(installer, name, value)
    monkeypatch.setattr(installer, "LANG", "en")
    status = installer.main(["--no-pause", *args])
    return status, capsys.readouterr().out


@pytest.mark.parametrize("tag, word", [("win32", "32-bit"), ("win-arm64", "ARM64")])
def test_32_bit_and_arm64_python_are_refused(monkeypatch, capsys, home, tag, word) -> None:
    before = tree(home)
    status, out = run_in_process(monkeypatch, capsys, "--dry-run", "--os", "windows", "--home", str(home),
                                 python_platform=lambda: tag)
    assert status == 1
    assert f"This is an {word} Python ({tag})" in out or f"This is a {word} Python ({tag})" in out
    assert "py -3.11-64 install.py" in out and "(64-bit)" in out
    assert tree(home) == before


def test_64_bit_python_passes(monkeypatch, capsys, home) -> None:
    status, _ = run_in_process(monkeypatch, capsys, "--dry-run", "--os", "windows", "--home", str(home),
                               python_platform=lambda: "win-amd64")
    assert status == 0


def registry(values):
    return lambda root, path, name="": values.get((root, path))


def test_wps_without_excel_is_said_plainly(monkeypatch, capsys, home) -> None:
    values = {("HKCR", r"Ket.Application\CLSID"): "{45540001-5750-5300-4B49-4E47534F4654}"}
    status, out = run_in_process(monkeypatch, capsys, "--dry-run", "--os", "windows", "--home", str(home),
                                 registry_available=lambda: True, read_registry=registry(values))
    assert status == 0  # the command line and the template still work
    assert "WPS Office is installed, but Microsoft Excel is not" in out
    assert "xlwings does not support WPS" in out and "remanxl evaluate" in out
    assert "Microsoft Excel is missing (see the note above)" in out
    values = {("HKCR", r"Excel.Application\CLSID"): installer.EXCEL_CLSID,
              ("HKCR", r"CLSID\%s\LocalServer32" % installer.EXCEL_CLSID): r"C:\Office16\EXCEL.EXE /automation"}
    status, out = run_in_process(monkeypatch, capsys, "--dry-run", "--os", "windows", "--home", str(home),
                                 registry_available=lambda: True, read_registry=registry(values))
    assert status == 0 and "Microsoft Excel is installed" in out and "WPS" not in out


def test_user_name_the_code_page_cannot_spell(monkeypatch, capsys, tmp_path, files) -> None:
    """A Chinese user name on an English Windows (code page 1252): VBA's Environ("USERPROFILE") reads "?",
    so the settings go into the installed add-in's own sheet and the venv into a folder cp1252 spells."""
    from remanxl.excel import ADDIN_PATH
    from remanxl.excel.addin import read_config_sheet

    home = tmp_path / "张伟"
    home.mkdir()
    status, out = run_in_process(monkeypatch, capsys, "--dry-run", "--os", "windows", "--home", str(home),
                                 ansi_code_page=lambda: "cp1252")
    assert status == 0
    venv = tmp_path / "ProgramData" / "remanxl" / "u-5F204F1F" / "venv"  # 张 U+5F20, 伟 U+4F1F
    assert f"would create a virtual environment in {venv}" in out
    assert not installer.ansi_unsafe(venv, "cp1252") and installer.ansi_unsafe(home, "cp1252")

    status, out = run_in_process(monkeypatch, capsys, "--os", "windows", "--home", str(home),
                                 "--python", sys.executable, "--addin-file", str(ADDIN_PATH),
                                 "--template-file", str(files["template"]), ansi_code_page=lambda: "cp1252")
    assert status == 0, out
    assert "settings sheet" in out
    xlam = home / "AppData/Roaming/Microsoft/Excel/XLSTART/remanxl.xlam"
    with __import__("zipfile").ZipFile(xlam) as z:
        sheet = read_config_sheet({n: z.read(n) for n in z.namelist()})[1]
    assert sheet == {"UDF MODULES": "remanxl.udfs", "INTERPRETER_WIN": sys.executable}
    assert not (home / ".remanxl" / "remanxl.conf").exists()  # VBA would never find it


def test_debian_python_without_ensurepip_gets_the_one_line_fix(monkeypatch, capsys, home) -> None:
    before = tree(home)
    status, out = run_in_process(monkeypatch, capsys, "--dry-run", "--os", "linux", "--home", str(home),
                                 has_ensurepip=lambda: False)
    assert status == 1
    assert "ensurepip" in out
    assert "sudo apt install python%d.%d-venv" % sys.version_info[:2] in out
    assert tree(home) == before


def test_refused_macos_consent_is_named(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(installer, "host_os", lambda: "macos")
    monkeypatch.setattr(installer, "LANG", "en")
    target = tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "remanxl.conf"
    target.parent.mkdir(parents=True)

    def refused(self, data):  # what macOS does when the user answered Don't Allow
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(installer.Path, "write_bytes", refused)
    with pytest.raises(installer.InstallError) as err:
        installer.atomic_write(target, b'"A","b"\n')
    assert "access data from other apps" in err.value.problem and "Don't Allow" in err.value.problem
    assert "Full Disk Access" in err.value.fix and "Quit Excel" not in err.value.fix


def test_messages_come_in_chinese_too(monkeypatch) -> None:
    assert installer._language({"REMANXL_LANG": "zh"}) == "zh"
    assert installer._language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert installer._language({}, windows_ui_language=lambda: 0x0804) == "zh"  # zh-CN Windows
    assert installer._language({}, windows_ui_language=lambda: 0x0409) == "en"
    monkeypatch.setattr(installer, "LANG", "zh")
    problem, fix = installer.interpreter_problem("win32")
    assert "32 位" in problem and "安装 64 位" in fix
    assert installer.too_old_message((3, 10, 13), "/usr/bin/python3").startswith("remanxl 需要 Python 3.11")


def test_python_3_10_gets_the_one_line_message(tmp_path) -> None:
    python = next(iter(sorted(Path.home().glob(".pyenv/versions/3.10.*/bin/python3.10"))), None)
    if python is None:
        pytest.skip("no Python 3.10 on this machine")
    proc = subprocess.run([str(python), str(INSTALL), "--home", str(tmp_path)], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, REMANXL_LANG="en"))
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.startswith("remanxl needs Python 3.11 or newer, but this is Python 3.10")
