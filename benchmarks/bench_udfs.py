"""The bodies of the ``REMAN_*`` worksheet functions, as Excel calls them through xlwings.

Python time only (no Excel, no COM): a scalar call, and range calls over
100,000 cells, the size of a plant's energy table, with and without empty
cells.  Ranges arrive as lists of lists (one list per worksheet row), exactly as
xlwings passes ``ndim=2`` arguments.  Targets: a scalar call under 2 µs, a
100,000-cell range call under 30 ms; the median and the best of 9 calls are
printed.

    python benchmarks/bench_udfs.py
    python benchmarks/bench_udfs.py --cells 2000 --json -
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402

ENERGY = (("electricity", "kWh"), ("electricity", "MWh"), ("diesel", "kg"), ("diesel", "t"),
          ("natural_gas_gasfield", "m3"), ("steam_low_pressure", "t"), ("heat", "GJ"))
GHG = (("electricity", "kWh"), ("diesel", "kg"), ("natural_gas", "m3"), ("SF6", "kg"), ("HFC-134a", "g"))
POLLUTANTS = ("so2", "nox", "general_dust", "cod", "ss", "ammonia_nitrogen")


def ranges(cells: int, seed: int = 1):
    """Worksheet-like columns of ``cells`` rows: quantities, keys and units."""
    rng = random.Random(seed)
    q = [[round(rng.uniform(0.1, 5000), 3)] for _ in range(cells)]
    energy = [rng.choice(ENERGY) for _ in range(cells)]
    ghg = [rng.choice(GHG) for _ in range(cells)]
    return {
        "q": q,
        "energy_key": [[k] for k, _ in energy], "energy_unit": [[u] for _, u in energy],
        "ghg_key": [[k] for k, _ in ghg], "ghg_unit": [[u] for _, u in ghg],
        "pollutant": [[rng.choice(POLLUTANTS)] for _ in range(cells)],
        "half_a": q[: cells // 2], "half_b": [[round(rng.uniform(5000, 9000), 3)] for _ in range(cells // 2)],
    }


def timed(fn, number: int, repeat: int = 9) -> tuple[float, float]:
    """(median, best) seconds per call."""
    times = [t / number for t in timeit.Timer(fn).repeat(repeat, number)]
    return statistics.median(times), min(times)


def with_blanks(column: list, every: int, offset: int = 0) -> list:
    """``column`` (rows of one cell) with every ``every``-th cell empty, as a range with gaps arrives."""
    return [[None] if (i + offset) % every == 0 else row for i, row in enumerate(column)]


def run(cells: int = 100_000, scalar_calls: int = 200_000) -> dict:
    from remanxl import udfs

    r = ranges(cells)
    res = {"cells": cells}
    median, best = timed(lambda: udfs.REMAN_SW(1200.0, 6500.0), scalar_calls)
    res["scalar_us"], res["scalar_best_us"] = median * 1e6, best * 1e6
    res["scalar_value"] = udfs.REMAN_SW(1200.0, 6500.0)
    sides = [with_blanks(r[k], len(r[k]) // 2 + 1, 1) for k in ("half_a", "half_b")]  # one empty cell in each
    one_blank = [row[:] for row in r["q"]]
    one_blank[len(one_blank) // 2] = [None]
    # a tenth of the rows empty in both quantity and key (a range selected past its table's rows)
    gaps = with_blanks(r["q"], 10), with_blanks(r["energy_key"], 10), with_blanks(r["energy_unit"], 10)
    calls = {
        "REMAN_SW(A, B), two ranges of cells/2": lambda: udfs.REMAN_SW(r["half_a"], r["half_b"]),
        "REMAN_SW(A, B), a blank in each": lambda: udfs.REMAN_SW(*sides),
        "REMAN_TCE(q, energy type, unit)": lambda: udfs.REMAN_TCE(r["q"], r["energy_key"], r["energy_unit"]),
        "REMAN_TCE, one quantity blank": lambda: udfs.REMAN_TCE(one_blank, r["energy_key"], r["energy_unit"]),
        "REMAN_TCE, a tenth of rows blank": lambda: udfs.REMAN_TCE(*gaps),
        "REMAN_CO2E(q, source, unit)": lambda: udfs.REMAN_CO2E(r["q"], r["ghg_key"], r["ghg_unit"]),
        "REMAN_PEQ(kg, pollutant)": lambda: udfs.REMAN_PEQ(r["q"], r["pollutant"]),
        "REMAN_TCE(..., spill=TRUE)": lambda: udfs.REMAN_TCE(r["q"], r["energy_key"], r["energy_unit"], None, True),
    }
    res["range_ms"], res["range_best_ms"], res["range_values"] = {}, {}, {}
    for label, fn in calls.items():
        median, best = timed(fn, 1)
        res["range_ms"][label], res["range_best_ms"][label] = median * 1e3, best * 1e3
        value = fn()
        res["range_values"][label] = value if not isinstance(value, list) else len(value)
    # The sums must be numbers, not error texts: a fast wrong answer is no answer.
    res["all_numbers"] = all(isinstance(v, (int, float)) and math.isfinite(v) for v in res["range_values"].values())
    return res


def report(res: dict) -> None:
    print(f"scalar  REMAN_SW(1200.0, 6500.0) = {res['scalar_value']}: {res['scalar_us']:.2f} µs median, "
          f"{res['scalar_best_us']:.2f} µs best per call (< 2 µs: {C.verdict(res['scalar_us'], 2.0)})")
    print(f"ranges over {res['cells']:,} cells (median / best of 9 calls):")
    for label, ms in res["range_ms"].items():
        target = (" (a spilled column: each of its values rounded to 15 digits)" if "spill" in label
                  else f"(< 30 ms: {C.verdict(ms, 30.0)})")
        print(f"  {label:<40} {ms:8.1f} / {res['range_best_ms'][label]:6.1f} ms  {target}")
    print(f"all range results are finite numbers: {res['all_numbers']}")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cells", type=int, default=100_000, help="cells per range call (default 100,000)")
    p.add_argument("--scalar-calls", type=int, default=200_000, help="calls per timing of the scalar call")
    return C.main(p, argv, lambda a: run(a.cells, a.scalar_calls), report)


if __name__ == "__main__":
    main()
