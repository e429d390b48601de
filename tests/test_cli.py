"""The command line: help, exit codes, formats."""
import json
import subprocess
import sys

import pytest

from remanxl.cli import main


def test_bundled_example_evaluates(capsys):
    assert main(["evaluate"]) == 0
    out = capsys.readouterr().out
    assert "Remanufactured heavy-duty diesel engine" in out
    for symbol in ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW", "RUP", "RND", "RWP", "RR", "RDH", "RRP", "RNR"):
        assert f"  {symbol} " in out


def test_json_schema(capsys):
    assert main(["evaluate", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out["indicators"]) == ["SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW", "RUP", "RND", "RWP", "RR",
                                       "RDH", "RRP", "RNR"]
    for r in out["indicators"].values():
        assert {"value", "numerator", "denominator", "unit", "basis", "status", "warnings"} <= set(r)
        assert r["status"] in ("confirmed", "interpreted")
    assert out["indicators"]["SW"]["status"] == "confirmed"
    assert out["settings"]["gwp_set"] == "AR5"
    assert out["factors_used"]["energy_conversion"]["electricity"]["value"] == 0.1229


@pytest.mark.parametrize("argv", [["--help"], ["evaluate", "--help"], ["factors", "--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "usage" in capsys.readouterr().out


def test_factors_lists_sources(capsys):
    assert main(["factors"]) == 0
    out = capsys.readouterr().out
    assert "GB/T 2589-2020" in out and "grid_emission_factors" in out
    assert main(["factors", "gwp"]) == 0
    assert "SF6 | 23900" in capsys.readouterr().out


def test_bad_input_exit_codes(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "missing.json")]) == 1
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["evaluate", str(bad)]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert main([]) == 2


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "remanxl", "evaluate", "--format", "json"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["valid"] is True


def test_build_addin_without_its_extra_says_what_to_install(monkeypatch, capsys):
    import sys

    monkeypatch.delitem(sys.modules, "remanxl.excel.addin", raising=False)
    monkeypatch.setitem(sys.modules, "pyopenvba", None)  # as if the [addin] extra were not installed
    assert main(["build-addin", "-o", "unused.xlam"]) == 2
    assert "pip install 'remanxl[addin]'" in capsys.readouterr().err
