"""Seeded fuzz of every ``REMAN_*`` function: how many calls, how fast, and how many misbehaved.

Each call gets random arguments a worksheet can produce (see :mod:`remanxl.testing.udf_fuzz`);
a call misbehaves when an exception escapes, a number is infinite, NaN or beyond what a cell
holds, an undefined rate gets a number, or an error text is longer than 255 characters or names
no argument.  The suite runs 12,000 calls; this script 100,000 by default.

    python benchmarks/bench_fuzz.py
    python benchmarks/bench_fuzz.py --calls 1000000 --seed 7
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402


def run(calls: int, seed: int) -> dict:
    from remanxl.testing.udf_fuzz import run as fuzz

    t0 = time.perf_counter()
    per, failed = fuzz(calls, seed)
    elapsed = time.perf_counter() - t0
    return {"calls": calls, "seed": seed, "seconds": elapsed, "calls_per_second": calls / elapsed,
            "per_function": per, "violations": len(failed),
            "examples": [f"{n}{repr(a)[:160]}: {v}" for n, a, v in failed[:10]]}


def report(res: dict) -> None:
    print(f"{res['calls']:,} calls (seed {res['seed']}) in {res['seconds']:.1f} s, "
          f"{res['calls_per_second']:,.0f} calls/s, over {len(res['per_function'])} functions")
    print(f"misbehaving calls: {res['violations']}")
    for line in res["examples"]:
        print(f"  {line}")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--calls", type=int, default=100_000, help="random calls (default 100,000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    return C.main(p, argv, lambda a: run(a.calls, a.seed), report)


if __name__ == "__main__":
    main()
