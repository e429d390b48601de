"""Shared helpers of the benchmark scripts: machine description, timing, peak memory, printing.

Every script prints the machine first, so a figure is never read without it,
and can emit its results as one JSON object (``--json``) for the smoke test
and for keeping numbers between runs.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"


def machine() -> dict:
    """CPU, cores, memory, OS, Python and the versions of the libraries that matter here."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for dist in ("remanxl", "python-calamine", "openpyxl", "defusedxml", "xlwings", "numpy", "pandas"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    soffice = shutil.which("soffice")
    lo = None
    if soffice:
        try:
            lo = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            lo = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem, "os": platform.platform(),
            "python": platform.python_version(), "libraries": versions, "libreoffice": lo,
            "load_average": load_average()}


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages: other work on the machine, which every figure shares."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def print_machine(info: dict) -> None:
    libs = ", ".join(f"{k} {v}" for k, v in info["libraries"].items() if v)
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; {info['os']}")
    print(f"python {info['python']}; {libs}")
    if info.get("libreoffice"):
        print(f"{info['libreoffice']}")
    if info.get("load_average"):
        print(f"load average before: {' '.join(map(str, info['load_average']))} (1, 5, 15 min)")
    print()


#: Runs a command and reports its wall time and peak memory.  A child's ``ru_maxrss`` starts at the
#: resident size of whatever forked it (and, with vfork, at that process's peak), so measuring from
#: a large benchmark process would report the benchmark's own memory: a fresh, small launcher forks
#: the command instead.  ``ru_maxrss`` is one process's peak, and ``remanxl evaluate`` works in
#: child processes, so on request the launcher also samples (every 2 ms, from /proc) the resident
#: memory of the command and all its descendants together, and keeps the highest sum.  Sampling
#: takes CPU time from the command, so it is done in runs of its own, never in timed runs.
_LAUNCHER = """\
import json, os, subprocess, sys, threading, time

def tree_rss_kib(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for tid in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in open(f"/proc/{p}/task/{tid}/children").read().split()]
        except (OSError, ValueError):
            pass
    return total

t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak, done = [0], threading.Event()

def sample():
    while not done.wait(0.002):
        peak[0] = max(peak[0], tree_rss_kib(p.pid))

sampler = threading.Thread(target=sample, daemon=True)
if os.environ.get("REMANXL_BENCH_SAMPLE") and os.path.exists("/proc/self/status"):
    sampler.start()
err = p.stderr.read()
_, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
done.set()
p.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as fh:
    json.dump({"wall": wall, "maxrss_kib": usage.ru_maxrss, "tree_kib": peak[0] or None, "code": p.returncode,
               "stderr": err.decode(errors="replace")[-2000:]}, fh)
"""


def run_measured(cmd: list[str], timeout: float = 600, env: dict | None = None, cwd=None,
                 sample: bool = False) -> dict:
    """Run ``cmd``; return its wall seconds, peak RSS in MiB of its largest process (``ru_maxrss``), with
    ``sample`` the sampled peak of its whole process tree (MiB; else, or without /proc, None), exit code
    and stderr tail.
    """
    import tempfile

    launcher_env = {**(env if env is not None else os.environ), **({"REMANXL_BENCH_SAMPLE": "1"} if sample else {})}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), *map(str, cmd)], env=launcher_env, cwd=cwd,
                       timeout=timeout, check=True)
        r = json.loads(report.read_text())
    return {"wall": r["wall"], "peak": r["maxrss_kib"] / 1024, "tree": r["tree_kib"] and r["tree_kib"] / 1024,
            "code": r["code"], "stderr": r["stderr"]}


def _summary(runs: list[dict], cmd) -> dict:
    for r in runs:
        if r["code"] != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} exited with {r['code']}:\n{r['stderr']}")
    walls = [r["wall"] for r in runs]
    return {"best_s": min(walls), "median_s": statistics.median(walls), "walls_s": walls,
            "peak_rss_mib": max(r["peak"] for r in runs), "runs": len(runs)}


def repeat_measured(cmd: list[str], repeat: int, memory: bool = True, **kw) -> dict:
    """Best and median wall time of ``repeat`` runs of ``cmd`` (each must succeed), and its peak memory
    (``ru_maxrss`` of the timed runs; with ``memory``, the process tree's, sampled in one more run)."""
    return interleaved({"cmd": cmd}, repeat, memory, **kw)["cmd"]


def interleaved(commands: dict[str, list[str]], repeat: int, memory: bool = True, **kw) -> dict[str, dict]:
    """:func:`repeat_measured` of several commands, run in turn (A B A B …) so that a machine whose
    speed drifts during the measurement (a shared virtual machine does) treats them alike."""
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            runs[name].append(run_measured(cmd, **kw))
    out = {name: _summary(runs[name], commands[name]) for name in commands}
    for name, cmd in commands.items():
        out[name]["tree_peak_rss_mib"] = run_measured(cmd, sample=True, **kw)["tree"] if memory else None
    return out


def best_of(fn, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls of ``fn()`` and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def self_peak_rss_mib() -> float:
    """High-water mark of this process's resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def remanxl_command() -> list[str]:
    """The ``remanxl`` console script of this interpreter (or on the PATH), or ``python -m remanxl`` without one."""
    beside = Path(sys.executable).parent / ("remanxl.exe" if os.name == "nt" else "remanxl")
    exe = str(beside) if beside.exists() else shutil.which("remanxl")
    return [exe] if exe else [sys.executable, "-m", "remanxl"]


def verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    ok = value <= target if lower_is_better else value >= target
    return "meets" if ok else "MISSES"


def emit_json(results: dict, path: str | None) -> None:
    """Write ``results`` as JSON to ``path`` (``-`` for standard output)."""
    if not path:
        return
    text = json.dumps(results, indent=1, ensure_ascii=False, default=str)
    if path == "-":
        print(text)
    else:
        Path(path).write_text(text + "\n", encoding="utf-8")


def main(parser, argv, run, report) -> dict:
    """The shared body of every script: parse ``argv``, print the machine, ``run(args)``, report, JSON."""
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON (- for standard output)")
    args = parser.parse_args(argv)
    info = machine()
    print_machine(info)
    res = run(args)
    res["machine"] = info
    res["load_average_after"] = load_average()
    report(res)
    if res["load_average_after"]:
        print(f"load average after: {' '.join(map(str, res['load_average_after']))} (1, 5, 15 min)")
    emit_json(res, args.json)
    return res
