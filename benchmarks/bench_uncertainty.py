"""The uncertainty analysis: Monte Carlo time and memory on the example and on the plant-size inputs.

Measured on one machine in one run:

1. the bundled example: the plain evaluation (``remanxl.evaluate``) and, beyond it, the Monte Carlo
   of its seven comparison rates (``simulate``: the model, the draws, the bands, the variance ranking
   and the tornado), best of ``--repeat``;
2. the plant-size inputs of ``generate.py`` (50,000 ledger rows, 20,000 inventory rows): the plain
   evaluation, the Monte Carlo, the peak of memory the Monte Carlo allocates (tracemalloc, which
   numpy reports to) and the peak resident memory of a fresh process that generates, evaluates and
   simulates; how many rows were drawn one by one and how many went into moment-matched sums;
3. the command a user runs on the example workbook, as a fresh process: ``remanxl evaluate BOOK
   --dry-run`` and the same with ``--uncertainty``, in turn, with the modules each one loaded
   (the plain command must load neither numpy nor pandas).

    python benchmarks/bench_uncertainty.py
    python benchmarks/bench_uncertainty.py --parts 200 --inventory 120 --draws 500 --repeat 1 --json -
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
import generate  # noqa: E402

#: A fresh process's peak memory for the plant case: generate, evaluate, simulate.
PLANT_PROCESS = """\
import resource, sys
sys.path.insert(0, sys.argv[1])
import generate
from remanxl import evaluate
from remanxl.method.montecarlo import simulate
ev = evaluate(generate.plant_input(int(sys.argv[2]), int(sys.argv[3])))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
simulate(ev, int(sys.argv[4]), seed=1)
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

#: The modules a command loaded: run remanxl's entry point in a fresh interpreter and list them.
MODULES = """\
import sys
from remanxl.cli import main
code = main(sys.argv[1:])
sys.stderr.write("LOADED=" + ",".join(m for m in ("numpy", "pandas") if m in sys.modules) + "\\n")
sys.exit(code)
"""


def _counts(ev) -> dict:
    """Rows drawn one by one and rows summed by moments, over the seven rates (as simulate groups them)."""
    from remanxl.method.montecarlo import EXACT_ROWS
    from remanxl.method.uncertainty import build_models

    exact = rest = 0
    for model in build_models(ev).values():
        groups: dict = {}
        for t in model.terms:
            if t.sigma > 0:
                groups[(t.side, t.coefficient, t.value < 0)] = groups.get((t.side, t.coefficient, t.value < 0), 0) + 1
        exact += sum(min(n, EXACT_ROWS) for n in groups.values())
        rest += sum(max(n - EXACT_ROWS, 0) for n in groups.values())
    return {"rows_drawn_one_by_one": exact, "rows_in_moment_matched_sums": rest}


def _case(inp_factory, draws: int, repeat: int) -> dict:
    from remanxl import evaluate
    from remanxl.method.montecarlo import simulate

    inp = inp_factory()
    plain_s, ev = C.best_of(lambda: evaluate(inp), repeat)
    mc_s, sim = C.best_of(lambda: simulate(ev, draws, seed=1), repeat)
    tracemalloc.start()
    simulate(ev, draws, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bands = {s: b.to_dict() for s, b in sim.bands.items()}
    return {"plain_s": plain_s, "monte_carlo_s": mc_s, "monte_carlo_alloc_peak_mib": peak / 2 ** 20,
            "draws": draws, "bands": bands, **_counts(ev)}


def _command(repeat: int) -> dict:
    from remanxl import load_example
    from remanxl.workbook.template import build_template

    with tempfile.TemporaryDirectory() as tmp:
        book = build_template(Path(tmp) / "example.xlsx", load_example())
        base = [sys.executable, "-c", MODULES, "evaluate", str(book), "--dry-run", "--format", "json"]
        timed = C.interleaved({"plain": base, "uncertainty": base + ["--uncertainty", "10000", "--seed", "1"]},
                              repeat, memory=False)
        loaded = {}
        for name, cmd in (("plain", base), ("uncertainty", base + ["--uncertainty", "100", "--seed", "1"])):
            err = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stderr
            loaded[name] = next((x[len("LOADED="):] for x in err.splitlines() if x.startswith("LOADED=")), "?")
    return {name: {"best_s": t["best_s"], "median_s": t["median_s"], "loaded": loaded[name]}
            for name, t in timed.items()}


def run(parts: int, inventory: int, draws: int, repeat: int) -> dict:
    from remanxl import load_example

    res = {"example": _case(load_example, draws, repeat),
           "plant": _case(lambda: generate.plant_input(parts, inventory), draws, repeat),
           "parts": parts, "inventory": inventory}
    out = subprocess.run([sys.executable, "-c", PLANT_PROCESS, str(Path(__file__).resolve().parent), str(parts),
                          str(inventory), str(draws)], capture_output=True, text=True, timeout=900, check=True)
    before, after = (int(x) / 1024 for x in out.stdout.split())
    res["plant"]["process_peak_before_mc_mib"], res["plant"]["process_peak_mib"] = before, after
    res["command"] = _command(repeat)
    return res


def report(res: dict) -> None:
    ex, pl = res["example"], res["plant"]
    print(f"example: plain evaluation {ex['plain_s'] * 1e3:.1f} ms; Monte Carlo of {ex['draws']:,} draws beyond it "
          f"{ex['monte_carlo_s'] * 1e3:.1f} ms (< 500 ms: {C.verdict(ex['monte_carlo_s'], 0.5)}); "
          f"it allocates at most {ex['monte_carlo_alloc_peak_mib']:.1f} MiB")
    print(f"plant ({res['parts']:,} ledger + {res['inventory']:,} inventory rows): plain evaluation "
          f"{pl['plain_s']:.2f} s; Monte Carlo of {pl['draws']:,} draws {pl['monte_carlo_s']:.2f} s "
          f"(< 5 s: {C.verdict(pl['monte_carlo_s'], 5.0)})")
    print(f"  memory: the Monte Carlo allocates at most {pl['monte_carlo_alloc_peak_mib']:.1f} MiB; a fresh process "
          f"that generates, evaluates and simulates peaks at {pl['process_peak_mib']:.0f} MiB "
          f"({pl['process_peak_before_mc_mib']:.0f} MiB before the Monte Carlo; < 500 MB: "
          f"{C.verdict(pl['process_peak_mib'], 500 / 1.048576)})")
    print(f"  rows drawn one by one: {pl['rows_drawn_one_by_one']:,}; rows in moment-matched sums: "
          f"{pl['rows_in_moment_matched_sums']:,} (over the seven rates)")
    for name, c in res["command"].items():
        print(f"command remanxl evaluate EXAMPLE --dry-run{' --uncertainty 10000' if name == 'uncertainty' else ''}: "
              f"best {c['best_s']:.2f} s, median {c['median_s']:.2f} s; numpy/pandas loaded: {c['loaded'] or 'none'}")
    print("bands of the example (P5 / P50 / P95, P(saving)):")
    for s, b in ex["bands"].items():
        print(f"  {s:<5} {b['p5'] * 100:6.2f} % {b['p50'] * 100:6.2f} % {b['p95'] * 100:6.2f} %  {b['p_positive']:.3f}")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", type=int, default=50_000, help="parts-ledger rows (default 50,000)")
    p.add_argument("--inventory", type=int, default=20_000, help="inventory rows over 7 tables (default 20,000)")
    p.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10,000)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is reported")
    return C.main(p, argv, lambda a: run(a.parts, a.inventory, a.draws, a.repeat), report)


if __name__ == "__main__":
    main()
