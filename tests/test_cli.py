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


def test_lang_zh_speaks_chinese_and_en_english(capsys):
    assert main(["evaluate", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "节能率" in out and "能源资源节约" in out and "Energy conservation rate" not in out
    assert main(["evaluate", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Energy conservation rate" in out and "节能率" not in out


def test_default_language_follows_remanxl_lang_then_the_locale(monkeypatch, capsys):
    monkeypatch.delenv("REMANXL_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert main(["evaluate"]) == 0
    assert "节能率" in capsys.readouterr().out
    monkeypatch.setenv("REMANXL_LANG", "en")
    assert main(["evaluate"]) == 0
    assert "节能率" not in capsys.readouterr().out


def test_hundreds_of_problems_are_capped_with_a_count_and_all_problems_lists_every_one(tmp_path, capsys):
    from remanxl import load_example
    from remanxl.cli import MAX_PROBLEMS_SHOWN
    from remanxl.method.inputs import EvaluationInput

    data = load_example().to_dict()
    rows = [{"side": "reman", "energy_type": "electricity", "quantity": -1, "unit": "kWh"}] * (MAX_PROBLEMS_SHOWN + 30)
    data["energy"] = rows
    path = tmp_path / "many.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    EvaluationInput.from_json(path.read_text(encoding="utf-8"))  # the file itself is well formed
    assert main(["evaluate", str(path), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert f"发现 {MAX_PROBLEMS_SHOWN + 30} 个问题" in err
    assert err.count("\n  - ") == MAX_PROBLEMS_SHOWN and "另有 30 个问题未列出" in err
    assert main(["evaluate", str(path), "--all-problems"]) == 1
    assert capsys.readouterr().err.count("\n  - ") == MAX_PROBLEMS_SHOWN + 30


def test_o_never_replaces_an_existing_file_unasked_and_says_so(tmp_path, capsys):
    from remanxl import load_example
    from remanxl.workbook.template import build_template

    book = build_template(tmp_path / "book.xlsx", load_example())
    out = tmp_path / "out.xlsx"
    assert main(["evaluate", str(book), "-o", str(out)]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["evaluate", str(book), "-o", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "-o never replaces a file unasked" in err and "--force" in err and out.read_bytes() == before
    assert main(["evaluate", str(book), "-o", str(out), "--force"]) == 0


def test_each_command_alone_parses_as_in_the_whole_parser():
    """A run builds only its command's parser: the same arguments come out as from the whole one."""
    from remanxl.cli import COMMANDS, build_parser

    argv = {"evaluate": ["evaluate", "a.xlsx", "-o", "b.xlsx", "--force", "--lang", "zh"],
            "report": ["report", "a.xlsx", "--sort", "SE"], "template": ["template", "t.xlsx", "--example"],
            "build-addin": ["build-addin", "--check"], "doctor": ["doctor", "--os", "linux"],
            "factors": ["factors", "GWP"]}
    assert sorted(argv) == sorted(COMMANDS)
    for command, words in argv.items():
        alone = build_parser(command)
        assert [a.dest for a in alone._subparsers._group_actions[0].choices[command]._actions] == \
            [a.dest for a in build_parser()._subparsers._group_actions[0].choices[command]._actions]
        assert vars(alone.parse_args(words)) == vars(build_parser().parse_args(words))


def test_a_mistyped_command_is_told_with_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluat"])
    assert exc.value.code == 2
    assert "'evaluate', 'report', 'template', 'build-addin', 'doctor', 'factors'" in capsys.readouterr().err


def _run_command(tmp_path, before: str, *argv: str) -> subprocess.CompletedProcess:
    """``remanxl ARGV`` as the console script runs it (:func:`remanxl.cli.run`), after ``before``."""
    import os

    code = f"import sys\n{before}\nfrom remanxl.cli import run\nrun()\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output buffered, as a user's is
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120, env=env)


def test_the_command_leaves_with_its_output_whole_and_its_exit_handlers_run(tmp_path):
    """The quick exit flushes everything written (a large JSON document, not ended by a newline
    flush) and runs what was registered to run at exit."""
    done = tmp_path / "atexit.txt"
    before = f"import atexit\natexit.register(lambda: open({str(done)!r}, 'w').write('ran'))"
    r = _run_command(tmp_path, before, "evaluate", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["indicators"]["SE"]["value"] is not None
    assert done.read_text() == "ran"
    r = _run_command(tmp_path, "", "evaluate", str(tmp_path / "missing.xlsx"))
    assert r.returncode == 1 and "no such file" in r.stderr


def test_the_command_waits_for_a_thread_still_working(tmp_path):
    """A thread still working at the end (none of remanxl's commands leaves one) is waited for: the
    usual exit is taken."""
    done = tmp_path / "thread.txt"
    before = ("import threading, time\n"
              f"threading.Thread(target=lambda: (time.sleep(1.0), open({str(done)!r}, 'w').write('done'))).start()")
    r = _run_command(tmp_path, before, "factors")
    assert r.returncode == 0, r.stderr
    assert done.read_text() == "done"


def test_the_command_leaves_cleanly_without_an_output_stream(tmp_path):
    """Under pythonw.exe there is no standard output (None): nothing to flush, the usual exit code."""
    r = _run_command(tmp_path, "sys.stdout = None", "factors")
    assert r.returncode == 0 and "Traceback" not in r.stderr


def test_the_command_keeps_what_one_workbook_made_until_it_leaves(tmp_path):
    """``remanxl evaluate BOOK`` ends with its workbook: the cyclic collector stays off and the outcome is
    held until the process leaves (nothing is freed one by one); the summary is written as always."""
    from remanxl import load_example
    from remanxl.workbook.template import build_template

    book = build_template(tmp_path / "book.xlsx", load_example())
    probe = tmp_path / "probe.json"
    before = ("import atexit, gc, json\n"
              "from remanxl.workbook import isolation\n"
              f"atexit.register(lambda: open({str(probe)!r}, 'w').write(json.dumps(\n"
              "    [gc.isenabled(), [type(o).__name__ for o in isolation._KEPT]])))")
    r = _run_command(tmp_path, before, "evaluate", str(book), "-o", str(tmp_path / "out.xlsx"))
    assert r.returncode == 0, r.stderr
    enabled, kept = json.loads(probe.read_text())
    assert enabled is False
    assert "Outcome" in kept
    assert (tmp_path / "out.xlsx").exists()


def test_main_in_a_process_that_goes_on_leaves_the_collector_and_memory_alone(tmp_path):
    """Called as a function (a test runner, a host that goes on), ``main`` changes nothing of the
    process: the collector stays on and nothing is held for the exit."""
    import gc

    from remanxl import load_example
    from remanxl.workbook import isolation
    from remanxl.workbook.template import build_template

    book = build_template(tmp_path / "book.xlsx", load_example())
    kept = len(isolation._KEPT)
    assert gc.isenabled()
    assert main(["evaluate", str(book), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert gc.isenabled()
    assert len(isolation._KEPT) == kept
