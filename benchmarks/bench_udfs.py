"""The bodies of the ``REMAN_*`` worksheet functions, as Excel calls them through xlwings.

Python time only (no Excel, no COM): a scalar call, and range calls over
100,000 cells, the size of a plant's energy table.  Ranges arrive as lists of
lists (one list per worksheet row), exactly as xlwings passes ``ndim=2``
arguments.  Targets: a scalar call under 5 µs, a 100,000-cell range call under
50 ms.

    python benchmarks/bench_udfs.py
    python benchmarks/bench_udfs.py --cells 2000 --json -
"""
from __future__ import annotations

import argparse
import math
import random
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


def timed(fn, number: int, repeat: int = 5) -> float:
    """Best seconds per call."""
    return min(timeit.Timer(fn).repeat(repeat, number)) / number


def run(cells: int = 100_000, scalar_calls: int = 200_000) -> dict:
    from remanxl import udfs

    r = ranges(cells)
    res = {"cells": cells}
    res["scalar_us"] = timed(lambda: udfs.REMAN_SW(1200.0, 6500.0), scalar_calls) * 1e6
    res["scalar_value"] = udfs.REMAN_SW(1200.0, 6500.0)
    calls = {
        "REMAN_SW(A, B), two ranges of cells/2": lambda: udfs.REMAN_SW(r["half_a"], r["half_b"]),
        "REMAN_TCE(q, energy type, unit)": lambda: udfs.REMAN_TCE(r["q"], r["energy_key"], r["energy_unit"]),
        "REMAN_CO2E(q, source, unit)": lambda: udfs.REMAN_CO2E(r["q"], r["ghg_key"], r["ghg_unit"]),
        "REMAN_PEQ(kg, pollutant)": lambda: udfs.REMAN_PEQ(r["q"], r["pollutant"]),
        "REMAN_TCE(..., spill=TRUE)": lambda: udfs.REMAN_TCE(r["q"], r["energy_key"], r["energy_unit"], None, True),
    }
    res["range_ms"], res["range_values"] = {}, {}
    for label, fn in calls.items():
        res["range_ms"][label] = timed(fn, 1) * 1e3
        value = fn()
        res["range_values"][label] = value if not isinstance(value, list) else len(value)
    # The sums must be numbers, not error texts: a fast wrong answer is no answer.
    res["all_numbers"] = all(isinstance(v, (int, float)) and math.isfinite(v) for v in res["range_values"].values())
    return res


def report(res: dict) -> None:
    print(f"scalar  REMAN_SW(1200.0, 6500.0) = {res['scalar_value']}: {res['scalar_us']:.2f} µs per call "
          f"(< 5 µs: {C.verdict(res['scalar_us'], 5.0)})")
    print(f"ranges over {res['cells']:,} cells (best of 5):")
    for label, ms in res["range_ms"].items():
        target = "" if "spill" in label else f"(< 50 ms: {C.verdict(ms, 50.0)})"
        print(f"  {label:<40} {ms:8.1f} ms  {target}")
    print(f"all range results are finite numbers: {res['all_numbers']}")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cells", type=int, default=100_000, help="cells per range call (default 100,000)")
    p.add_argument("--scalar-calls", type=int, default=200_000, help="calls per timing of the scalar call")
    return C.main(p, argv, lambda a: run(a.cells, a.scalar_calls), report)


if __name__ == "__main__":
    main()
