"""``remanxl evaluate`` on a plant-scale workbook: stages, process time and memory, and two baselines.

Measured on one machine in one run:

1. in-process stages through the public functions: safety pre-scan
   (``check_structure``; the checksum test ``verify_checksums`` runs beside
   the read), read (``read_blocks``, python-calamine), validate
   (``read_tables`` + ``parse_tables``), compute (``evaluate`` minus its own
   parse), write (``build_summary`` + ``write_sheet``);
2. the command a user runs, ``remanxl evaluate BOOK -o OUT``, as a fresh
   process: wall time and peak RSS (interpreter start and imports included);
3. the floor: a fresh interpreter in which python-calamine merely reads the
   same Excel tables remanxl reads (inputs, settings, factor tables);
4. the spreadsheet alternative: LibreOffice headless loading the evaluated
   workbook, recalculating every formula (the template's native row formulas
   and the Summary's SUMIFS/SUMPRODUCT subtotals, forced by the profile) and
   exporting it to xlsx, as one ``soffice --convert-to`` process.  The profile
   binds no ``REMAN_*`` function, so the few cells that call one (the Live
   sheet, the Summary's Live column) cost LibreOffice only a #NAME? error: the
   measured work is the native formulas a user would otherwise write.

It also checks that the workbook's evaluation equals ``remanxl.evaluate`` on
the same generated inputs.

    python benchmarks/bench_evaluate.py                  # 50,000 parts + 20,000 inventory rows
    python benchmarks/bench_evaluate.py --parts 200 --inventory 100 --repeat 1 --no-libreoffice --json -
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C  # noqa: E402
import generate  # noqa: E402

#: The floor: what python-calamine alone needs to read the tables remanxl reads.
FLOOR = """\
import sys
import python_calamine as pc
wanted = set(sys.argv[2].split(","))
wb = pc.CalamineWorkbook.from_path(sys.argv[1], load_tables=True)
n = 0
for name in wb.table_names:
    if name in wanted:
        n += len(wb.get_table_by_name(name).to_python())
wb.close()
"""


def wanted_tables() -> list[str]:
    from remanxl.workbook.layout import FACTOR_TABLES, INPUT_SHEETS, SETTINGS_TABLE

    return [s.excel_table for s in INPUT_SHEETS] + [SETTINGS_TABLE] + list(FACTOR_TABLES.values())


def stages(path: Path, repeat: int) -> dict:
    """Best-of-``repeat`` time of each stage, in this process, through the public functions.

    As in ``remanxl evaluate``, the cyclic garbage collector is paused.  The checksum test runs
    beside the read in the command (both release the GIL); here each is timed alone.
    """
    import contextlib

    import remanxl.workbook.io as io
    import remanxl.workbook.safety as safety
    from remanxl.method.evaluate import evaluate
    from remanxl.method.inputs import parse_tables
    from remanxl.workbook.io import read_blocks
    from remanxl.workbook.layout import STYLE_NAMES, SUMMARY_SHEET
    from remanxl.workbook.reader import read_tables
    from remanxl.workbook.summary import build_summary
    from remanxl.workbook.xlsxpatch import write_sheet

    # Older remanxl (for before/after figures) had one check_workbook and left the collector on.
    check_structure = getattr(safety, "check_structure", safety.check_workbook)
    verify_checksums = getattr(safety, "verify_checksums", lambda p: None)
    _no_cyclic_gc = getattr(io, "_no_cyclic_gc", contextlib.nullcontext)

    out = {}
    with tempfile.TemporaryDirectory() as tmp, _no_cyclic_gc():
        dst = Path(tmp) / "evaluated.xlsx"
        out["safety_s"], _ = C.best_of(lambda: check_structure(path), repeat)
        out["checksums_s"], _ = C.best_of(lambda: verify_checksums(path), repeat)
        out["read_s"], blocks = C.best_of(lambda: read_blocks(path), repeat)
        out["rss_after_read_mib"] = C.self_peak_rss_mib()
        out["read_tables_s"], data = C.best_of(lambda: read_tables(blocks), repeat)
        out["parse_s"], _ = C.best_of(lambda: parse_tables(data.inputs), repeat)
        out["validate_s"] = out["read_tables_s"] + out["parse_s"]
        out["evaluate_s"], ev = C.best_of(lambda: evaluate(data.inputs), repeat)
        out["compute_s"] = max(out["evaluate_s"] - out["parse_s"], 0.0)
        out["rss_after_compute_mib"] = C.self_peak_rss_mib()
        out["build_summary_s"], model = C.best_of(lambda: build_summary(ev), repeat)
        out["write_sheet_s"], _ = C.best_of(lambda: write_sheet(path, SUMMARY_SHEET, model, dst, STYLE_NAMES), repeat)
        out["write_s"] = out["build_summary_s"] + out["write_sheet_s"]
        out["total_s"] = out["safety_s"] + out["read_s"] + out["validate_s"] + out["compute_s"] + out["write_s"]
        out["rows"] = {name: len(rows) for name, rows in data.inputs.tables.items()}
    return out


def agreement(path: Path, parts: int, inventory: int) -> dict:
    """The workbook's evaluation against ``remanxl.evaluate`` on the generated inputs (rel. 1e-9)."""
    from remanxl import evaluate
    from remanxl.workbook.io import evaluate_workbook

    outcome = evaluate_workbook(path, write=False)
    if not outcome.ok:
        return {"agrees": False, "problems": [str(p) for p in outcome.problems[:5]]}
    direct = evaluate(generate.plant_input(parts, inventory))
    diffs = {}
    for symbol, r in direct.indicators.items():
        a, b = outcome.evaluation[symbol].value, r.value
        same = (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9,
                                                                                              abs_tol=1e-12))
        if not same:
            diffs[symbol] = (a, b)
    return {"agrees": not diffs, "differences": diffs,
            "values": {s: r.value for s, r in outcome.evaluation.indicators.items()}}


def cli(path: Path, repeat: int) -> dict:
    """``remanxl evaluate BOOK -o OUT`` as a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        return C.repeat_measured(C.remanxl_command() + ["evaluate", str(path), "-o", str(Path(tmp) / "out.xlsx")],
                                 repeat)


def floor(path: Path, repeat: int) -> dict:
    """python-calamine reading the same tables in a fresh interpreter."""
    return C.repeat_measured([sys.executable, "-c", FLOOR, str(path), ",".join(wanted_tables())], repeat)


def bare_interpreter(repeat: int) -> dict:
    return C.repeat_measured([sys.executable, "-c", "pass"], repeat)


def libreoffice(path: Path, repeat: int) -> dict | None:
    """``soffice --convert-to xlsx`` of the evaluated workbook with recalculation on load forced."""
    soffice = shutil.which("soffice")
    if not soffice:
        return None
    from remanxl.testing.libreoffice import soffice_env
    from remanxl.testing.lo_profile import build_profile
    from remanxl.workbook.io import evaluate_workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = tmp / "evaluated.xlsx"
        evaluate_workbook(path, book)  # what a user would open: the workbook with its Summary formulas
        profile = tmp / "profile"
        env = soffice_env()
        t0 = time.perf_counter()
        build_profile(profile, soffice, {}, env=env, timeout=180)  # recalculation forced; no REMAN_* shims
        profile_s = time.perf_counter() - t0
        outdir = tmp / "lo"
        cmd = ["timeout", "-k", "10", "300", soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "xlsx", "--outdir", str(outdir), str(book)]
        result = C.repeat_measured(cmd, repeat, env=env)
        if not (outdir / book.name).exists():
            raise RuntimeError("LibreOffice wrote no file")
        start = C.repeat_measured(["timeout", "-k", "10", "120", soffice, f"-env:UserInstallation={profile.as_uri()}",
                                   "--headless", "--norestore", "--nolockcheck", "--terminate_after_init"],
                                  repeat, env=env)
        result["profile_build_s"] = profile_s
        result["start_only_best_s"] = start["best_s"]
        # LibreOffice forks soffice.bin; ru_maxrss of the wrapper is not its memory, so it is not reported.
        result.pop("peak_rss_mib", None)
    return result


def run(parts: int, inventory: int, repeat: int, with_lo: bool = True, out: Path = C.OUT) -> dict:
    t0 = time.perf_counter()
    path = generate.large_workbook(parts, inventory, out=out)
    res = {"workbook": str(path), "size_mib": path.stat().st_size / 2**20, "generate_s": time.perf_counter() - t0,
           "parts": parts, "inventory": inventory}
    res["agreement"] = agreement(path, parts, inventory)
    res["stages"] = stages(path, repeat)
    res["cli"] = cli(path, repeat)
    res["floor"] = floor(path, repeat)
    res["interpreter"] = bare_interpreter(repeat)
    res["libreoffice"] = libreoffice(path, repeat) if with_lo else None
    res["ratio_vs_floor"] = res["cli"]["best_s"] / res["floor"]["best_s"]
    if res["libreoffice"]:
        res["speedup_vs_libreoffice"] = res["libreoffice"]["best_s"] / res["cli"]["best_s"]
    return res


def report(res: dict) -> None:
    s = res["stages"]
    print(f"workbook: {res['workbook']} ({res['size_mib']:.1f} MiB; {res['parts']:,} parts rows, "
          f"{res['inventory']:,} inventory rows: {', '.join(f'{k} {v:,}' for k, v in s['rows'].items())})")
    a = res["agreement"]
    print(f"agrees with remanxl.evaluate on the same inputs: {a['agrees']}" +
          ("" if a["agrees"] else f"  {a.get('differences') or a.get('problems')}"))
    print("\nin-process stages (best of runs):")
    for key, label in (("safety_s", "safety pre-scan"), ("checksums_s", "checksums (beside the read)"),
                       ("read_s", "read (calamine, 2 threads)"),
                       ("read_tables_s", "validate: tables -> inputs"), ("parse_s", "validate: parse rows"),
                       ("compute_s", "compute (evaluate - parse)"), ("build_summary_s", "write: summary model"),
                       ("write_sheet_s", "write: zip patch"), ("total_s", "total (checksums overlapped)")):
        print(f"  {label:<30} {s[key] * 1000:9.1f} ms")
    print(f"  peak RSS of this process after read {s['rss_after_read_mib']:.0f} MiB, "
          f"after compute {s['rss_after_compute_mib']:.0f} MiB")
    c, f, i = res["cli"], res["floor"], res["interpreter"]
    print("\nfresh processes (best / median of runs):")
    print(f"  remanxl evaluate BOOK -o OUT   {c['best_s']:7.3f} s / {c['median_s']:.3f} s   "
          f"peak RSS {c['peak_rss_mib']:.0f} MiB")
    print(f"  floor: calamine reads tables   {f['best_s']:7.3f} s / {f['median_s']:.3f} s   "
          f"peak RSS {f['peak_rss_mib']:.0f} MiB")
    print(f"  bare interpreter (python -c pass) {i['best_s']:.3f} s")
    lo = res.get("libreoffice")
    if lo:
        print(f"  LibreOffice load+recalc+export {lo['best_s']:7.3f} s / {lo['median_s']:.3f} s   "
              f"(soffice start alone {lo['start_only_best_s']:.2f} s)")
    print("\nratios (targets):")
    print(f"  remanxl / floor          {res['ratio_vs_floor']:5.2f}x   (<= 1.5x: "
          f"{C.verdict(res['ratio_vs_floor'], 1.5)})")
    if lo:
        print(f"  LibreOffice / remanxl    {res['speedup_vs_libreoffice']:5.2f}x   (>= 3x: "
              f"{C.verdict(res['speedup_vs_libreoffice'], 3.0, lower_is_better=False)})")
    print(f"  peak memory              {c['peak_rss_mib']:5.0f} MiB (< 400 MB: "
          f"{C.verdict(c['peak_rss_mib'] * 1.048576, 400)})")


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", type=int, default=50_000, help="parts-ledger rows (default 50,000)")
    p.add_argument("--inventory", type=int, default=20_000, help="energy/emission rows over 7 tables (default 20,000)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best is reported")
    p.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice baseline")
    p.add_argument("--out", type=Path, default=C.OUT, help="cache folder of generated workbooks")
    return C.main(p, argv, lambda a: run(a.parts, a.inventory, a.repeat, not a.no_libreoffice, a.out), report)


if __name__ == "__main__":
    main()
