"""The benchmark scripts run, at tiny sizes: correctness only, never timing.

Each script is run as a user runs it (``python benchmarks/NAME.py``) with small
arguments and ``--json -``; its JSON must parse and say the right things.  The
plant workbook's evaluation must equal ``remanxl.evaluate`` on the same
generated inputs.  Generated files go to a temporary folder, not to
``benchmarks/out``.
"""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def run_script(name: str, *args: str, timeout: float = 120) -> dict:
    proc = subprocess.run([sys.executable, str(BENCH / name), *args, "--json", "-"], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "machine:" in proc.stdout  # every script describes the machine first
    return json.loads(proc.stdout[proc.stdout.index("\n{") + 1:])


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(BENCH))
    try:
        import generate as module
    finally:
        sys.path.remove(str(BENCH))
    return module


def test_plant_workbook_evaluates_like_the_core(tmp_path, generate):
    from remanxl import evaluate
    from remanxl.workbook.io import evaluate_workbook

    inp = generate.plant_input(parts=200, inventory=120)
    assert len(inp.tables["parts"]) == 200
    assert sum(len(inp.tables[t]) for t in generate.INVENTORY_SPLIT) == 120
    path = generate.large_workbook(200, 120, out=tmp_path)
    outcome = evaluate_workbook(path, write=False)
    assert outcome.ok, outcome.problems
    direct = evaluate(generate.plant_input(parts=200, inventory=120))
    for symbol, r in direct.indicators.items():
        got = outcome.evaluation[symbol].value
        assert (got is None and r.value is None) or math.isclose(got, r.value, rel_tol=1e-12), symbol
    # every inventory row leaves its audit line (an energy row with an emission source leaves one in the
    # GHG lines too: the energy sheet gives the emissions of fuels, electricity and heat)
    lines = outcome.evaluation.breakdowns["lines"]  # one audit line per inventory row that counts
    own = [li for li in lines["ghg"] if li["table"] == "ghg"]
    from_energy = {li["row"] for li in lines["ghg"] if li["table"] == "energy"}
    assert from_energy and from_energy <= {li["row"] for li in lines["energy"]}
    assert sum(len(lines[k]) for k in ("energy", "fresh_water", "wastewater", "solid_waste", "air",
                                       "water_pollutants")) + len(own) + len(lines["materials"]) == 120


def test_bench_evaluate_runs(tmp_path):
    res = run_script("bench_evaluate.py", "--parts", "200", "--inventory", "100", "--heavy-parts", "20",
                     "--heavy-inventory", "300", "--repeat", "1", "--no-libreoffice", "--out", str(tmp_path))
    assert res["agreement"]["agrees"], res["agreement"]
    assert res["stages"]["rows"]["parts"] == 200
    assert res["cli"]["best_s"] > 0 and res["floor"]["best_s"] > 0 and res["cli"]["peak_rss_mib"] > 0
    assert res["ratio_vs_floor"] > 0 and res["libreoffice"] is None
    stages = res["stages"]  # a small workbook: one child reads every table
    assert [g["tables"] for g in stages["groups"]] == ["all"]
    heavy = res["inventory_heavy"]
    assert heavy["agreement"]["agrees"], heavy["agreement"]
    assert heavy["stages"]["rows"]["parts"] == 20 and sum(heavy["stages"]["rows"].values()) == 320
    assert heavy["ratio_vs_floor_median"] > 0


def test_bench_udfs_runs():
    res = run_script("bench_udfs.py", "--cells", "2000", "--scalar-calls", "1000")
    assert res["scalar_value"] == pytest.approx(1 - 1200 / 6500)
    assert res["all_numbers"]
    assert len(res["range_ms"]) == 8 and all(v > 0 for v in res["range_best_ms"].values())
    assert res["range_values"]["REMAN_TCE, a tenth of rows blank"] < res["range_values"]["REMAN_TCE(q, energy type, unit)"]


def test_bench_batch_runs(tmp_path):
    res = run_script("bench_batch.py", "--books", "5", "--repeat", "1", "--out", str(tmp_path))
    assert res["jobs1"]["evaluated"] == res["jobsN"]["evaluated"] == 5
    assert res["jobsN"]["workbooks_per_s"] > 0


def test_uncertainty_benchmark_prints_bands_that_equal_the_core():
    """bench_uncertainty.py at tiny sizes: its example bands are simulate()'s with seed 1, and the plain
    command loads neither numpy nor pandas."""
    pytest.importorskip("numpy")
    from remanxl import evaluate, load_example
    from remanxl.method.montecarlo import simulate

    res = run_script("bench_uncertainty.py", "--parts", "200", "--inventory", "120", "--draws", "500", "--repeat", "1")
    sim = simulate(evaluate(load_example()), 500, seed=1)
    assert set(res["example"]["bands"]) == set(sim.bands)
    for symbol, band in res["example"]["bands"].items():
        assert band["p50"] == sim.bands[symbol].p50 and band["draws"] == 500
    plant = res["plant"]
    assert plant["rows_drawn_one_by_one"] > 0 and all(b["p5"] <= b["p50"] <= b["p95"] for b in plant["bands"].values())
    assert res["command"]["plain"]["loaded"] == "" and "numpy" in res["command"]["uncertainty"]["loaded"]
def test_bench_product_runs():
    res = run_script("bench_product.py", "--repeat", "1")
    assert res["wrote_output"] and res["wrote_rollup"]
    assert set(res["figures"]) >= {"evaluate", "floor", "folder", "interpreter", "import remanxl.udfs"}
    assert all(m["best_s"] > 0 for m in res["figures"].values()) and res["ratio_vs_floor_median"] > 0


def test_bench_libreoffice_runs(tmp_path):
    import os
    import shutil

    if not shutil.which("soffice"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the LibreOffice benchmark's smoke test, but soffice is not on PATH")
        pytest.skip("LibreOffice is not installed")
    root = Path(__file__).resolve().parent.parent
    # The "before" template is built from git history; a shallow clone may lack it: then HEAD's own template
    # stands in for it, which still runs every step (archive, child build, recalculation, comparison).
    known = subprocess.run(["git", "-C", str(root), "cat-file", "-e", "576ef3a^{commit}"], capture_output=True)
    baseline = "576ef3a" if known.returncode == 0 else "HEAD"
    res = run_script("bench_libreoffice.py", "--parts", "60", "--inventory", "40", "--repeat", "1",
                     "--baseline", baseline, "--out", str(tmp_path), timeout=600)
    layouts = res["layouts"]
    per_row, before, now = (layouts[k] for k in ("per-row formulas (before)", "shared formulas (before)", "now"))
    assert now["sheet_xml_mib"] <= before["sheet_xml_mib"] < per_row["sheet_xml_mib"]
    if baseline != "HEAD":
        assert now["sheet_xml_mib"] < before["sheet_xml_mib"]  # fewer computed columns, shorter references
    for against, a in res["agreement"].items():  # the baseline's values are the template's values
        assert a["differences"] == 0, (against, a["first_differences"])
        assert a["numbers"] > 500  # the computed columns and the Summary did compute
    assert all(m["best_s"] > 0 and m["peak_rss_mib"] > 0 for m in layouts.values())