"""remanxl doctor on temporary home folders laid out for Windows and macOS."""
from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest

from remanxl.excel import XLWINGS_VERSION, doctor

ROOT = Path(__file__).resolve().parent.parent


def load_installer():
    spec = importlib.util.spec_from_file_location("remanxl_install", ROOT / "install.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def report(home: Path, os_name: str, addin: Path | None = None) -> tuple[int, str]:
    out = io.StringIO()
    status = doctor.run_doctor(out=out, home=home, os_name=os_name, addin_path=addin)
    return status, out.getvalue()


def statuses(home: Path, os_name: str, addin: Path | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for check in doctor.collect_checks(home=home, os_name=os_name, addin_path=addin):
        found.setdefault(check.key, []).append(check.status)
    return found


@pytest.fixture
def addin(tmp_path: Path) -> Path:
    """A stand-in for the packaged remanxl.xlam (built elsewhere)."""
    path = tmp_path / "standin.xlam"
    path.write_bytes(b"stand-in add-in")
    return path


def lay_out(home: Path, os_name: str, addin: Path, config: str | None = None) -> dict[str, Path]:
    """Put what install.py writes into ``home``, with this interpreter as Excel's."""
    paths = doctor.user_paths(os_name, home)
    key = "INTERPRETER_WIN" if os_name == "windows" else "INTERPRETER_MAC"
    if config is None:
        config = f'"{key}","{sys.executable}"\n"UDF MODULES","remanxl.udfs"\n'
    paths["config_file"].parent.mkdir(parents=True, exist_ok=True)
    paths["config_file"].write_text(config, encoding="utf-8")
    paths["startup_dir"].mkdir(parents=True)
    (paths["startup_dir"] / "remanxl.xlam").write_bytes(addin.read_bytes())
    if paths["applescript_dir"]:
        paths["applescript_dir"].mkdir(parents=True)
        (paths["applescript_dir"] / f"xlwings-{XLWINGS_VERSION}.applescript").write_text("script")
    return paths


@pytest.mark.parametrize("os_name", ["windows", "macos"])
def test_empty_home_fails_with_fixes(tmp_path, addin, os_name) -> None:
    status, text = report(tmp_path, os_name, addin)
    assert status == 1
    assert "[FAIL] Settings file" in text and "missing" in text
    assert "[FAIL] Excel add-in: not in Excel's startup folder" in text
    assert text.count("Fix:") >= 2
    assert "python install.py" in text
    if os_name == "windows":
        assert f"Could not load xlwings64-{XLWINGS_VERSION}.dll" in text
        assert "Could not activate Python COM server" in text  # the known-errors list
    else:
        assert "[FAIL] AppleScript for RunPython" in text
        assert "xlwings runpython install" in text


@pytest.mark.parametrize("os_name", ["windows", "macos"])
def test_correct_layout_passes_config_and_addin_checks(tmp_path, addin, os_name) -> None:
    lay_out(tmp_path, os_name, addin)
    found = statuses(tmp_path, os_name, addin)
    for key in ("python", "xlwings", "udfs", "config", "interpreter", "udf-modules", "addin"):
        assert found[key] == ["ok"], (key, found)
    if os_name == "macos":
        assert found["applescript"] == ["ok"]
        assert report(tmp_path, os_name, addin)[0] == 0


def test_blank_and_malformed_lines_are_reported(tmp_path, addin) -> None:
    lay_out(tmp_path, "windows", addin,
            config=f'"INTERPRETER_WIN","{sys.executable}"\n\nUDF MODULES=remanxl.udfs\n')
    status, text = report(tmp_path, "windows", addin)
    assert status == 1
    assert "blank line(s) at line 2" in text and "#1584" in text
    assert 'line 3 is not of the form "KEY","VALUE"' in text
    assert "[FAIL] UDF MODULES" in text


def test_wrong_interpreter_path(tmp_path, addin) -> None:
    lay_out(tmp_path, "windows", addin,
            config=f'"INTERPRETER_WIN","{tmp_path / "gone" / "pythonw.exe"}"\n"UDF MODULES","remanxl.udfs"\n')
    status, text = report(tmp_path, "windows", addin)
    assert status == 1
    assert "does not exist" in text and '"Could not find Interpreter!"' in text


def test_store_interpreter_in_config(tmp_path, addin) -> None:
    store = tmp_path / "WindowsApps" / "PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0" / "python.exe"
    store.parent.mkdir(parents=True)
    store.write_text("not really python")
    lay_out(tmp_path, "windows", addin, config=f'"INTERPRETER_WIN","{store}"\n"UDF MODULES","remanxl.udfs"\n')
    status, text = report(tmp_path, "windows", addin)
    assert status == 1 and "is a Microsoft Store Python" in text and "python.org" in text


def test_changed_addin_is_reported(tmp_path, addin) -> None:
    paths = lay_out(tmp_path, "windows", addin)
    (paths["startup_dir"] / "remanxl.xlam").write_bytes(b"an older add-in")
    found = statuses(tmp_path, "windows", addin)
    assert found["addin"] == ["fail"]


def test_packaged_addin_missing_is_reported(tmp_path) -> None:
    checks, settings = doctor.check_addin(tmp_path, tmp_path / "remanxl.xlam")
    assert settings == {}
    assert checks[0].status == "fail" and "build-addin" in checks[0].fix


def test_dll_next_to_the_venv(tmp_path) -> None:
    venv = tmp_path / "venv"
    (venv / "Scripts").mkdir(parents=True)
    pythonw = venv / "Scripts" / "pythonw.exe"
    (venv / "xlwings64-0.0.1.dll").write_bytes(b"")
    [check] = doctor.check_dll(pythonw)
    assert check.status == "fail" and "another xlwings version" in check.detail
    (venv / f"xlwings64-{XLWINGS_VERSION}.dll").write_bytes(b"")
    assert doctor.check_dll(pythonw)[0].status == "ok"


def test_xlwings_version_mismatch(monkeypatch) -> None:
    monkeypatch.setattr(doctor.metadata, "version", lambda name: "0.30.0")
    [check] = doctor.check_xlwings()
    assert check.status == "fail"
    assert f"xlwings=={XLWINGS_VERSION}" in check.fix and "xlwings64" in check.symptom


def test_store_python_running_the_doctor(monkeypatch) -> None:
    fake = r"C:\Users\li\AppData\Local\Microsoft\WindowsApps\PythonSoftwareFoundation.Python.3.11_q\python.exe"
    monkeypatch.setattr(doctor.sys, "executable", fake)
    [check] = doctor.check_store("windows")
    assert check.status == "fail" and "Could not activate Python COM server" in check.symptom


def test_linux_says_excel_is_not_available(tmp_path) -> None:
    status, text = report(tmp_path, "linux")
    assert status == 0
    assert "Excel is not available on Linux" in text
    assert "Settings file" not in text


@pytest.mark.parametrize("os_name", ["windows", "macos"])
def test_paths_agree_with_installer(tmp_path, os_name) -> None:
    installer = load_installer()
    if os_name == "macos":  # an existing non-localized folder is reused by both
        (tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content/Startup").mkdir(parents=True)
    layout = installer.make_layout(os_name, tmp_path)
    paths = doctor.user_paths(os_name, tmp_path)
    assert paths["config_file"] == layout.config_file
    assert paths["startup_dir"] == layout.startup_dir
    assert paths["applescript_dir"] == layout.applescript_dir
    assert installer.config_entries(os_name, Path("x"))[1] == ("UDF MODULES", doctor.UDF_MODULE)


# --------------------------------------------------------------------------- real desktops
# Only the readers of facts (registry, code page, an interpreter's platform) are replaced; the
# decisions on them run for real, in the doctor and in install.py alike.

EXCEL_CLSID = "{00024500-0000-0000-C000-000000000046}"
REGISTRIES = {
    "excel": {("HKCR", r"Excel.Application\CLSID", ""): EXCEL_CLSID,
              ("HKCR", rf"CLSID\{EXCEL_CLSID}\LocalServer32", ""):
                  r"C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE /automation"},
    # WPS took Excel.Application over ("compatible with Microsoft Office"): its server is WPS's.
    "wps": {("HKCR", r"Excel.Application\CLSID", ""): EXCEL_CLSID,
            ("HKCR", rf"CLSID\{EXCEL_CLSID}\LocalServer32", ""):
                r"C:\Users\li\AppData\Local\Kingsoft\WPS Office\12.1.0\office6\et.exe /Automation",
            ("HKCR", r"Ket.Application\CLSID", ""): "{45540001-5750-5300-4B49-4E47534F4654}"},
    "wps-only": {("HKCR", r"Ket.Application\CLSID", ""): "{45540001-5750-5300-4B49-4E47534F4654}"},
    "none": {},
}


def fake_registry(monkeypatch, values: dict, lists: dict | None = None) -> None:
    monkeypatch.setattr(doctor, "registry_available", lambda: True)
    monkeypatch.setattr(doctor, "read_registry", lambda root, path, name="": values.get((root, path, name)))
    monkeypatch.setattr(doctor, "registry_values", lambda root, path: (lists or {}).get((root, path), {}))


@pytest.mark.parametrize("registry, kind", [("excel", "excel"), ("wps", "wps"), ("wps-only", "wps"),
                                            ("none", "none")])
def test_excel_or_wps_is_told_apart_alike_by_doctor_and_installer(monkeypatch, registry, kind) -> None:
    values = REGISTRIES[registry]
    fake_registry(monkeypatch, values)
    assert doctor.windows_spreadsheet() == kind
    installer = load_installer()
    assert installer.windows_spreadsheet(lambda root, path, name="": values.get((root, path, name))) == kind
    [check] = doctor.check_spreadsheet()
    assert check.status == ("ok" if kind == "excel" else "fail")
    if kind != "excel":
        assert "remanxl evaluate" in check.fix and "WPS" in check.fix


def test_wps_only_desktop_in_the_report(tmp_path, monkeypatch) -> None:
    fake_registry(monkeypatch, REGISTRIES["wps"])
    status, text = report(tmp_path, "windows")
    assert status == 1
    assert "[FAIL] Microsoft Excel: WPS Office is installed, but Microsoft Excel is not" in text
    assert "template's own formulas" in text


@pytest.mark.parametrize("tag, status", [("win-amd64", "ok"), ("win32", "fail"), ("win-arm64", "fail"),
                                         ("linux-x86_64", None)])
def test_interpreter_architecture(tag, status) -> None:
    checks = doctor.check_architecture(tag, r"C:\remanxl\venv\Scripts\pythonw.exe")
    assert [c.status for c in checks] == ([status] if status else [])
    if status == "fail":
        assert "win-amd64" in checks[0].detail and "64-bit" in checks[0].fix
    installer = load_installer()
    assert (installer.interpreter_problem(tag) is None) == (status != "fail")


def test_config_in_utf8_with_chinese_is_caught(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(doctor, "ansi_code_page", lambda: "cp936")
    text = f'"INTERPRETER_WIN","D:\\工具\\python.exe"\n"UDF MODULES","remanxl.udfs"\n'
    path = tmp_path / "remanxl.conf"
    path.write_bytes(text.encode("utf-8"))
    _values, checks = doctor.read_config(path)
    assert [c.status for c in checks] == ["fail"]
    assert "cp936" in checks[0].detail and "工具" in checks[0].detail
    path.write_bytes(text.encode("gbk"))  # as install.py writes it on a Chinese Windows (mbcs)
    assert [c.status for c in doctor.read_config(path)[1]] == ["ok"]
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("gbk"))
    assert any("byte-order mark" in c.detail for c in doctor.read_config(path)[1])


def test_user_folder_the_code_page_cannot_spell(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(doctor, "ansi_code_page", lambda: "cp1252")
    profile = tmp_path / "张伟"
    [bad] = doctor.check_code_page(profile, profile / ".remanxl" / "remanxl.conf", settings_in_addin=False)
    assert bad.status == "fail" and "cp1252" in bad.detail and "installer again" in bad.fix
    [moved] = doctor.check_code_page(profile, profile / ".remanxl" / "remanxl.conf", settings_in_addin=True)
    assert moved.status == "ok"
    [fine] = doctor.check_code_page(tmp_path / "li", tmp_path / "li" / "x.conf", settings_in_addin=False)
    assert fine.status == "ok"
    monkeypatch.setattr(doctor, "ansi_code_page", lambda: "cp936")  # a Chinese Windows spells it
    assert doctor.check_code_page(profile, profile / "x.conf", settings_in_addin=False)[0].status == "ok"


ASR = r"SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules"


def test_lockdown_policies_are_read(monkeypatch, tmp_path) -> None:
    fake_registry(monkeypatch, {}, {("HKLM", ASR): {"d4f940ab-401b-4efc-aadc-ad5f3c50688a": "1",
                                                    "92E97FA1-2EDF-4476-BDD6-9DD0B4DDDC7B": "2"}})
    checks = doctor.check_policies(Path(r"C:\remanxl\venv\Scripts\pythonw.exe"), tmp_path / "XLSTART")
    asr = [c for c in checks if c.key == "asr"]
    assert [c.status for c in asr] == ["fail"]  # the block rule; the audit one stops nothing
    assert "child processes" in asr[0].detail and "Block" in asr[0].detail and "pythonw.exe" in asr[0].fix
    trust = r"Software\Policies\Microsoft\Office\16.0\Excel\Security\Trusted Locations"
    fake_registry(monkeypatch, {("HKCU", trust, "AllLocationsDisabled"): 1}, {})
    checks = doctor.check_policies(None, Path(r"\\fileserver\profiles\li\AppData\Roaming\Microsoft\Excel\XLSTART"))
    assert {c.key: c.status for c in checks} == {"asr": "ok", "trust": "warn", "network": "warn"}


def test_pywin32_that_does_not_load() -> None:
    [bad] = doctor.check_com({"pythoncom_error": "ImportError: DLL load failed"}, "C:/v/pythonw.exe")
    assert bad.status == "fail" and "--force-reinstall pywin32" in bad.fix and "COM server" in bad.symptom
    assert doctor.check_com({"pythoncom": "x"}, "p")[0].status == "ok"
    assert doctor.check_com({}, "p") == []


def test_settings_in_the_installed_addin_are_used(tmp_path, monkeypatch) -> None:
    """A user folder VBA cannot spell: install.py writes the settings into the add-in's own sheet; the
    doctor reads them there, and the add-in still counts as the packaged one."""
    from remanxl.excel import ADDIN_PATH
    from remanxl.excel.addin import with_settings

    monkeypatch.setattr(doctor, "ansi_code_page", lambda: "cp1252")
    home = tmp_path / "张伟"
    paths = doctor.user_paths("windows", home)
    paths["startup_dir"].mkdir(parents=True)
    settings = {"INTERPRETER_WIN": sys.executable, "UDF MODULES": "remanxl.udfs"}
    (paths["startup_dir"] / "remanxl.xlam").write_bytes(with_settings(ADDIN_PATH.read_bytes(), settings))
    found = statuses(home, "windows", ADDIN_PATH)
    for key in ("codepage", "interpreter", "udf-modules", "addin"):
        assert found[key] == ["ok"], (key, found)
    assert "config" not in found  # no user file is needed, nor looked for
