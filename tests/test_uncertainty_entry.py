"""Uncertainty and the pandas interface through every entry point: the command line, the workbook, the
dict of DataFrames; and the plain evaluation that must not load numpy or pandas."""
import json
import subprocess
import sys
import textwrap

import pytest

pd = pytest.importorskip("pandas")

import remanxl  # noqa: E402
from remanxl import evaluate, load_example  # noqa: E402
from remanxl.cli import main  # noqa: E402
from remanxl.method.montecarlo import simulate  # noqa: E402
from remanxl.workbook.template import build_template  # noqa: E402

BAND_KEYS = {"mean", "p5", "p50", "p95", "p_positive", "draws", "seed"}


@pytest.fixture(scope="module")
def example_book(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("book") / "example.xlsx", load_example())


def test_cli_json_has_the_bands_of_the_python_api_for_the_same_seed(example_book, capsys):
    before = example_book.read_bytes()
    assert main(["evaluate", str(example_book), "--dry-run", "--format", "json", "--uncertainty", "3000",
                 "--seed", "12"]) == 0
    out = json.loads(capsys.readouterr().out)
    sim = simulate(evaluate(load_example()), 3000, seed=12)
    for symbol in ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"):
        u = out["indicators"][symbol]["uncertainty"]
        assert set(u) == BAND_KEYS and u["draws"] == 3000 and u["seed"] == 12
        assert u["p50"] == pytest.approx(sim.bands[symbol].p50, rel=1e-14)
        top = out["indicators"][symbol]["sensitivity"]["variance"][0]
        assert top["sheet"].split()[0].lower().startswith(top["table"].split("_")[0][:3])
    assert "uncertainty" not in out["indicators"]["RUP"]
    assert example_book.read_bytes() == before
    # the first-ranked input of SE names a sheet and the row a user finds it on
    se = out["indicators"]["SE"]["sensitivity"]["variance"][0]
    assert se["name"] == f"{se['sheet']} row {se['sheet_row']}" and se["sheet_row"] == 5 + se["row"]


def test_cli_table_prints_bands_and_the_first_inputs_to_improve(capsys):
    assert main(["evaluate", "--uncertainty", "500", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Uncertainty 不确定度 (500 draws, seed 1)" in out
    assert "of the variance: Energy 能源 row" in out


def test_cli_json_evaluation_file(tmp_path, capsys):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(load_example().to_dict()), encoding="utf-8")
    assert main(["evaluate", str(path), "--format", "json", "--uncertainty", "--seed", "3"]) == 0
    u = json.loads(capsys.readouterr().out)["indicators"]["SW"]["uncertainty"]
    assert u["draws"] == 10_000 and u["seed"] == 3


@pytest.mark.parametrize("argv, message", [
    (["evaluate", "--uncertainty", "1"], "whole number from 2"),
    (["evaluate", "--uncertainty", "100", "--seed", "-4"], "seed must be"),
    (["evaluate", "--seed", "4"], "--seed goes with --uncertainty"),
])
def test_cli_bad_uncertainty_arguments(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_folder_with_uncertainty_is_refused_not_ignored(tmp_path, capsys):
    build_template(tmp_path / "a.xlsx", load_example())
    assert main(["evaluate", str(tmp_path), "--uncertainty"]) == 2
    assert "one workbook" in capsys.readouterr().err


_PROBE = textwrap.dedent("""
    import sys
    {block}
    from remanxl.cli import main
    code = main({argv!r})
    loaded = sorted(m for m in ("numpy", "pandas") if m in sys.modules)
    sys.stderr.write("LOADED=" + ",".join(loaded) + "\\n")
    sys.exit(code)
""")


def _probe(argv, block=""):
    run = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv, block=block)], capture_output=True,
                         text=True, timeout=120)
    loaded = [line for line in run.stderr.splitlines() if line.startswith("LOADED=")]
    return run, loaded[0][len("LOADED="):] if loaded else None


def test_plain_evaluate_imports_neither_numpy_nor_pandas(example_book, tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(load_example().to_dict()), encoding="utf-8")
    for argv in (["evaluate", str(example_book), "--dry-run"], ["evaluate", str(path), "--format", "json"]):
        run, loaded = _probe(argv)
        assert run.returncode == 0, run.stderr
        assert loaded == "", argv
    run, loaded = _probe(["evaluate", str(path), "--uncertainty", "100", "--seed", "1"])
    assert run.returncode == 0 and "numpy" in loaded  # the probe sees an import when there is one


def test_without_numpy_the_uncertainty_says_how_to_install_it_in_both_languages(example_book):
    before = example_book.read_bytes()
    run, _ = _probe(["evaluate", str(example_book), "--uncertainty"], block="sys.modules['numpy'] = None")
    assert run.returncode == 2
    assert 'pip install "remanxl[uncertainty]"' in run.stderr and "不确定度分析需要 numpy" in run.stderr
    assert "Traceback" not in run.stderr
    assert example_book.read_bytes() == before


def test_read_workbook_gives_frames_that_evaluate_as_the_workbook_does(example_book):
    frames = remanxl.read_workbook(example_book)
    assert {"energy", "materials", "water", "ghg", "air", "water_pollutants", "solid_waste", "parts", "settings",
            "aliases"} <= set(frames)
    assert any(k.startswith("factors.") for k in frames)
    assert all(isinstance(f, pd.DataFrame) for f in frames.values())
    assert "uncertainty" in frames["energy"].columns and "provenance" in frames["energy"].columns
    from remanxl.workbook.io import evaluate_workbook

    from_book = evaluate_workbook(example_book, write=False).evaluation
    from_frames = evaluate(frames)
    for symbol, r in from_book.indicators.items():
        assert from_frames[symbol].value == r.value, symbol
    # a row typed with a problem is reported at its workbook row (the frame's index)
    frames["energy"]["quantity"] = frames["energy"]["quantity"].astype(object)
    frames["energy"].loc[frames["energy"].index[2], "quantity"] = "lots"
    with pytest.raises(remanxl.InputError) as exc:
        evaluate(frames)
    [p] = exc.value.problems
    assert (p.table, p.row, p.column) == ("energy", int(frames["energy"].index[2]), "quantity")


def test_evaluate_takes_frames_made_by_hand():
    inp = load_example().to_dict()
    data = {name: pd.DataFrame(inp[name]) for name in ("energy", "materials", "water", "ghg", "air",
                                                       "water_pollutants", "solid_waste", "parts")}
    data["settings"] = pd.DataFrame({"setting": list(inp["settings"]), "value": list(inp["settings"].values())})
    ev = evaluate(data)
    plain = evaluate(load_example())
    assert [r.value for r in ev.indicators.values()] == [r.value for r in plain.indicators.values()]


def test_to_frame_and_draws_frame():
    ev = evaluate(load_example())
    frame = ev.to_frame()
    assert list(frame.index) == list(ev.indicators)
    assert list(frame.columns) == ["value", "numerator", "denominator", "unit", "basis", "status", "warnings", "reason"]
    assert frame.loc["SW", "value"] == ev["SW"].value and frame.loc["SW", "status"] == "confirmed"
    assert frame.loc["SE", "numerator"] == ev["SE"].numerator
    draws = ev.uncertainty(1000, seed=2).to_frame()
    assert draws.shape == (1000, 7) and list(draws.columns) == ["SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"]
    assert draws["SW"].median() == pytest.approx(simulate(ev, 1000, seed=2).bands["SW"].p50)


def test_the_udf_gives_the_figures_of_the_command_line_for_the_same_seed():
    from remanxl.functions import REGISTRY
    from remanxl.method.inputs import TABLES

    inp = load_example().to_dict()

    def grid(name):
        keys = TABLES[name].keys
        return [[TABLES[name].column(k).header for k in keys]] + [[r.get(k) for k in keys] for r in inp[name]]

    settings = [["Setting", "Label 名称", "Value 值"]] + [[k, "", v] for k, v in inp["settings"].items()]
    udf = REGISTRY["REMAN_UNCERTAINTY"].func
    out = udf(2000, 9, *(grid(n) for n in ("energy", "materials", "water", "ghg", "air", "water_pollutants",
                                           "solid_waste", "parts")), settings)
    sim = simulate(evaluate(load_example()), 2000, seed=9)
    assert len(out) == 8 and all(len(r) == 10 for r in out)
    for row in out[1:]:
        band = sim.bands[row[0]]
        assert row[2:5] == [pytest.approx(band.p5, rel=1e-14), pytest.approx(band.p50, rel=1e-14),
                            pytest.approx(band.p95, rel=1e-14)]
        assert row[7:9] == [2000, 9]
    assert udf("many", 1, grid("water")).startswith("#VALUE! draws")
    assert udf(100, -1, grid("water")).startswith("#VALUE! seed")


# --- the report ----------------------------------------------------------------------------------

def test_the_report_section_shows_the_bands_of_evaluate_json_and_names_inputs_by_sheet_and_row(example_book,
                                                                                                tmp_path):
    from report_helpers import cli, matches, resolve, shown_numbers

    expected = json.loads(cli("evaluate", example_book, "--dry-run", "--format", "json", "--uncertainty", "2000",
                              "--seed", "5", check_rc=0).stdout)
    out = tmp_path / "r.html"
    cli("report", example_book, "-o", out, "--uncertainty", "2000", "--seed", "5", check_rc=0)
    html = out.read_text(encoding="utf-8")
    shown = shown_numbers(html).numbers
    unc = [(src, text) for _, src, text in shown if "/uncertainty/" in src or "/sensitivity/" in src]
    for src, text in unc:
        assert matches(text, resolve(expected, src)), (src, text)
    for symbol in ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"):
        for key in ("p5", "p50", "p95", "p_positive"):
            assert f"/indicators/{symbol}/uncertainty/{key}" in {s for s, _ in unc}
    assert 'id="uncertainty"' in html and "Energy 能源 row " in html and "节约概率" in html
    assert html.count('class="chart tornado"') == 7
    # the saved output with its bands gives the same section; without --uncertainty there is none
    saved = tmp_path / "out.json"
    saved.write_text(json.dumps(expected), encoding="utf-8")
    again = tmp_path / "again.html"
    cli("report", saved, "-o", again, check_rc=0)
    assert [n for n in shown_numbers(again.read_text(encoding="utf-8")).numbers if "/uncertainty/" in n[1]] == \
        [n for n in shown if "/uncertainty/" in n[1]]
    plain = tmp_path / "plain.html"
    cli("report", example_book, "-o", plain, check_rc=0)
    assert 'id="uncertainty"' not in plain.read_text(encoding="utf-8")


def test_report_uncertainty_refuses_what_it_cannot_do(tmp_path, example_book):
    from report_helpers import cli

    saved = tmp_path / "out.json"
    saved.write_text(cli("evaluate", example_book, "--dry-run", "--format", "json").stdout, encoding="utf-8")
    run = cli("report", saved, "-o", tmp_path / "x.html", "--uncertainty")
    assert run.returncode == 1 and "saved evaluation output" in run.stderr and not (tmp_path / "x.html").exists()
    run = cli("report", tmp_path, "--uncertainty")
    assert run.returncode == 2 and "one product" in run.stderr


def test_a_workbook_carries_its_factors_sheet_edits_and_row_spreads_into_the_simulation(tmp_path):
    """The Factors sheet's uncertainty tables and the input tables' Uncertainty column, as a user edits
    them in the workbook, are what the simulation draws from."""
    from remanxl.method.factors import default_factors
    from remanxl.method.inputs import EvaluationInput
    from remanxl.workbook.io import evaluate_workbook

    f = default_factors()
    data = load_example().to_dict()
    data["factors"] = {
        "provenance_uncertainty": [{"provenance": k, "gsd2": 1} for k in f["provenance_uncertainty"].rows],
        "factor_uncertainty": [{"coefficient": k, "gsd2": 1} for k in f["factor_uncertainty"].rows]}
    exact = build_template(tmp_path / "exact.xlsx", EvaluationInput.from_dict(data))
    ev = evaluate_workbook(exact, write=False).evaluation
    sim = simulate(ev, 500, seed=1)
    assert all(b.p5 == b.p95 == ev[s].value for s, b in sim.bands.items())
    # one original water row typed ±50 % is now the only spread of SW, named by its sheet row
    row = next(k for k, r in enumerate(data["water"]) if r["side"] == "original" and r["stream"] == "fresh_water")
    data["water"][row]["uncertainty"] = "±50%"
    spread = build_template(tmp_path / "spread.xlsx", EvaluationInput.from_dict(data))
    ev = evaluate_workbook(spread, write=False).evaluation
    sim = simulate(ev, 2000, seed=1)
    [top] = sim.contributors["SW"]
    assert (top.table, top.row, top.gsd2, top.share) == ("water", row, 1.5, 1.0)
    assert sim.bands["SW"].p5 < ev["SW"].value < sim.bands["SW"].p95


def test_the_ledger_new_parts_line_is_exact_and_named_as_such():
    from remanxl.sheet.bands import uncertainty_dict

    data = load_example().to_dict()
    data["settings"]["materials_include_ledger_new_parts"] = True
    ev = evaluate(data)
    sim = simulate(ev, 500, seed=1)
    d = uncertainty_dict(sim, in_workbook=True)["SM"]["sensitivity"]
    ledger = [c for c in d["tornado"] if c["table"] == "parts"]
    assert ledger and ledger[0]["name"] == "parts: new parts (ledger)" and "sheet" not in ledger[0]
    assert ledger[0]["gsd2"] == 1.0 and all(c["table"] != "parts" for c in d["variance"])


def test_uncertainty_without_n_before_the_file_takes_the_default_and_the_file(example_book, capsys):
    assert main(["evaluate", "--uncertainty", str(example_book), "--dry-run", "--format", "json", "--seed", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["indicators"]["SE"]["uncertainty"]["draws"] == 10_000


def test_without_pandas_read_workbook_says_how_to_install_it(example_book):
    code = ("import sys; sys.modules['pandas'] = None\n"
            "import remanxl\n"
            "from remanxl.method.montecarlo import MissingExtraError\n"
            "from remanxl.i18n import tr\n"
            "try:\n"
            f"    remanxl.read_workbook({str(example_book)!r})\n"
            "except MissingExtraError as exc:\n"
            "    print(tr(exc.args[0], 'both'))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert 'pip install "remanxl[uncertainty]"' in run.stdout and "pandas" in run.stdout and "需要" in run.stdout
