"""``remanxl evaluate`` on a plant-scale workbook: stages, process time and memory, and two baselines.

Measured on one machine in one run:

1. in-process stages through the public functions, one after the other:
   safety pre-scan (``check_structure``), the checksum test
   (``verify_checksums``), the plan of the reading groups (``plan_groups``),
   and each group as ``remanxl evaluate`` reads it in a child process of its
   own: read (``read_blocks``, python-calamine), for a plant-size ledger its
   validation and sums (``assess_parts``), the fingerprint of the blocks it
   sends, and what it sends (pickled and unpickled); then this process's own validation and sums of the blocks
   sent (``assess_inventory``, or ``assess``), the join (``finish``), the
   summary model and the write (``write_sheet``).  The command runs the
   children side by side, so its critical path is the slower of them (with,
   beside a ledger's child, the assessment of the other's blocks), the join
   and the write;
2. the command a user runs, ``remanxl evaluate BOOK -o OUT``, as a fresh
   process: wall time and peak memory (interpreter start and imports
   included; memory sampled over the command and its child processes);
3. the floor: a fresh interpreter in which python-calamine merely reads the
   same Excel tables remanxl reads (inputs, settings, factor tables).  The
   command and the floor are run in turn, so that a machine whose speed
   drifts treats both alike;
4. the spreadsheet alternative: LibreOffice headless loading the evaluated
   workbook, recalculating every formula (the template's native row formulas
   and the Summary's SUMIFS/SUMPRODUCT subtotals, forced by the profile) and
   exporting it to xlsx, as one ``soffice --convert-to`` process.  The profile
   binds no ``REMAN_*`` function, so the few cells that call one (the Live
   sheet, the Summary's Live column) cost LibreOffice only a #NAME? error: the
   measured work is the native formulas a user would otherwise write.

It also checks that the workbook's evaluation equals ``remanxl.evaluate`` on
the same generated inputs.  All but LibreOffice is measured twice: on the plant
workbook and on an inventory-heavy one (few ledger rows, many inventory rows),
whose inventory sheets the two children share.

    python benchmarks/bench_evaluate.py                  # 50,000 parts + 20,000 inventory rows; 1,000 + 60,000
    python benchmarks/bench_evaluate.py --parts 200 --inventory 100 --heavy-inventory 0 --repeat 1 --no-libreoffice
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
    from remanxl.sheet.layout import FACTOR_TABLES, INPUT_SHEETS, SETTINGS_TABLE

    return [s.excel_table for s in INPUT_SHEETS] + [SETTINGS_TABLE] + list(FACTOR_TABLES.values())


def stages(path: Path, repeat: int) -> dict:
    """Best-of-``repeat`` time of each stage, in this process, through the public functions.

    As in ``remanxl evaluate``, the cyclic garbage collector is paused.  The tables are read in the
    groups :func:`~remanxl.workbook.io.plan_groups` makes (or all at once, for a workbook read by one
    child); what a child sends is timed as pickled here and unpickled again.
    """
    import pickle

    from remanxl.sheet import engine
    from remanxl.sheet.fingerprint import of_blocks
    from remanxl.workbook.io import _LEDGER_READS, _no_cyclic_gc, plan_groups, read_blocks
    from remanxl.sheet.layout import STYLE_NAMES, SUMMARY_SHEET
    from remanxl.sheet.reader import read_tables
    from remanxl.workbook.safety import check_structure, verify_checksums
    from remanxl.sheet.summary import build_summary
    from remanxl.workbook.xlsxpatch import write_sheet

    def sent(value):  # what crosses the pipe: pickled in the child, unpickled here
        return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    engine.prepare()
    out = {}
    with tempfile.TemporaryDirectory() as tmp, _no_cyclic_gc():
        dst = Path(tmp) / "evaluated.xlsx"
        out["safety_s"], _ = C.best_of(lambda: check_structure(path, scan_cells=False), repeat)
        out["checksums_s"], _ = C.best_of(lambda: verify_checksums(path), repeat)
        out["plan_s"], groups = C.best_of(lambda: plan_groups(path), repeat)
        out["groups"], blocks, prints, half = [], {}, {}, None
        for group in groups or [None]:
            reads = group.reads if group is not None else None
            stage = {"tables": sorted(group.tables) if group is not None else "all",
                     "xml_mib": group.size / 2**20 if group is not None else None,
                     "sums_ledger": bool(group is not None and group.sums_ledger), "assess_s": 0.0}
            stage["read_s"], read = C.best_of(lambda: read_blocks(path, False, reads), repeat)
            if group is None:  # one child reads and assesses everything, and sends the assessment
                stage["assess_s"], result = C.best_of(lambda: engine.assess(read, path.name), repeat)
                stage["send_s"], result = C.best_of(lambda: sent(result), repeat)
            elif group.sums_ledger:  # the ledger is summed where it is read; its rows stay there
                ledger = {k: b for k, b in read.items() if k in _LEDGER_READS}
                stage["assess_s"], whole = C.best_of(lambda: engine.assess_parts(ledger), repeat)
                read = {k: b for k, b in read.items() if k in group.tables and k != "Parts"}
                stage["fingerprint_s"], printed = C.best_of(lambda: of_blocks(read), repeat)
                stage["send_s"], (half, read, printed) = C.best_of(
                    lambda: sent((engine.portable(whole), read, printed)), repeat)
            else:
                stage["fingerprint_s"], printed = C.best_of(lambda: of_blocks(read), repeat)
                stage["send_s"], (read, printed) = C.best_of(lambda: sent((read, printed)), repeat)
            stage["child_s"] = stage["read_s"] + stage["assess_s"] + stage.get("fingerprint_s", 0.0) + stage["send_s"]
            blocks.update(read)
            prints.update(printed if group is not None else {})
            out["groups"].append(stage)
        out["rss_mib"] = C.self_peak_rss_mib()
        out["assess_here_s"] = 0.0
        if groups is not None and half is not None:  # the rest is assessed beside the ledger's child
            out["assess_here_s"], inventory = C.best_of(
                lambda: engine.assess_inventory(blocks, path.name, fingerprint=prints), repeat)
            out["finish_s"], result = C.best_of(lambda: engine.finish(inventory, half), repeat)
        elif groups is not None:
            out["assess_here_s"], result = C.best_of(lambda: engine.assess(blocks, path.name, prints), repeat)
            out["finish_s"] = 0.0
        else:
            out["finish_s"] = 0.0
        out["summary_s"], model = C.best_of(lambda: build_summary(result.evaluation, result.fingerprint), repeat)
        out["write_s"], _ = C.best_of(lambda: write_sheet(path, SUMMARY_SHEET, model, dst, STYLE_NAMES), repeat)
        tail = out["finish_s"] + out["summary_s"] + out["write_s"]
        children = [g["child_s"] for g in out["groups"]]
        out["one_process_s"] = out["safety_s"] + sum(children) + out["assess_here_s"] + tail
        if half is not None:  # the ledger's child, or the other child and this process's assessment
            rest = max((g["child_s"] for g in out["groups"] if not g["sums_ledger"]), default=0.0)
            middle = max(max(children), rest + out["assess_here_s"])
        else:
            middle = max(children) + out["assess_here_s"]
        out["critical_path_s"] = out["safety_s"] + out["plan_s"] + middle + tail
        out["rows"] = {name: len(rows) for name, rows in read_tables(read_blocks(path, False)).inputs.tables.items()}
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


def cli_and_floor(path: Path, repeat: int) -> dict[str, dict]:
    """``remanxl evaluate BOOK -o OUT`` and the floor (python-calamine reading the same tables), each as a
    fresh process, run in turn."""
    with tempfile.TemporaryDirectory() as tmp:
        return C.interleaved({
            "floor": [sys.executable, "-c", FLOOR, str(path), ",".join(wanted_tables())],
            "cli": C.remanxl_command() + ["evaluate", str(path), "-o", str(Path(tmp) / "out.xlsx"), "--force"],
        }, repeat)


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
        result = C.repeat_measured(cmd, repeat, memory=False, env=env)
        if not (outdir / book.name).exists():
            raise RuntimeError("LibreOffice wrote no file")
        start = C.repeat_measured(["timeout", "-k", "10", "120", soffice, f"-env:UserInstallation={profile.as_uri()}",
                                   "--headless", "--norestore", "--nolockcheck", "--terminate_after_init"],
                                  repeat, memory=False, env=env)
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
    res.update(cli_and_floor(path, repeat))
    res["interpreter"] = bare_interpreter(repeat)
    res["libreoffice"] = libreoffice(path, repeat) if with_lo else None
    res["ratio_vs_floor"] = res["cli"]["best_s"] / res["floor"]["best_s"]
    res["ratio_vs_floor_median"] = res["cli"]["median_s"] / res["floor"]["median_s"]
    if res["libreoffice"]:
        res["speedup_vs_libreoffice"] = res["libreoffice"]["best_s"] / res["cli"]["best_s"]
    return res


def run_both(args) -> dict:
    """The plant workbook (``--parts``, ``--inventory``), then an inventory-heavy one (``--heavy-parts``,
    ``--heavy-inventory``; 0 inventory rows skips it)."""
    res = run(args.parts, args.inventory, args.repeat, not args.no_libreoffice, args.out)
    if args.heavy_inventory:
        res["inventory_heavy"] = run(args.heavy_parts, args.heavy_inventory, args.repeat, False, args.out)
    return res


def report(res: dict, heading: str = "") -> None:
    s = res["stages"]
    if heading:
        print(f"\n{heading}")
    print(f"workbook: {res['workbook']} ({res['size_mib']:.1f} MiB; {res['parts']:,} parts rows, "
          f"{res['inventory']:,} inventory rows: {', '.join(f'{k} {v:,}' for k, v in s['rows'].items())})")
    a = res["agreement"]
    print(f"agrees with remanxl.evaluate on the same inputs: {a['agrees']}" +
          ("" if a["agrees"] else f"  {a.get('differences') or a.get('problems')}"))
    print("\nin-process stages, one after the other (best of runs):")
    rows = [("safety_s", "safety pre-scan"), ("checksums_s", "checksums (a thread, beside)"),
            ("plan_s", "plan the reading groups")]
    for key, label in rows:
        print(f"  {label:<40} {s[key] * 1000:9.1f} ms")
    for k, g in enumerate(s["groups"], 1):
        what = ("every table (one child)" if g["tables"] == "all" else
                f"{'ledger, summed there' if g['sums_ledger'] else ', '.join(t for t in g['tables'] if t in _INPUTS)}"
                f" ({g['xml_mib']:.1f} MiB XML)")
        print(f"  child {k}: {what}")
        print(f"    {'read':<38} {g['read_s'] * 1000:9.1f} ms")
        if g["assess_s"]:
            print(f"    {'validate, sum':<38} {g['assess_s'] * 1000:9.1f} ms")
        if "fingerprint_s" in g and not g["sums_ledger"]:  # (the ledger's child sends no other blocks)
            print(f"    {'fingerprint of the blocks sent':<38} {g['fingerprint_s'] * 1000:9.1f} ms")
        print(f"    {'send (pickle, unpickle)':<38} {g['send_s'] * 1000:9.1f} ms")
    for key, label in (("assess_here_s", "this process: validate, sum the blocks"),
                       ("finish_s", "join: indicators"), ("summary_s", "summary model"), ("write_s", "write: zip patch"),
                       ("one_process_s", "all in one process"), ("critical_path_s", "critical path (children beside)")):
        if s[key] or key in ("one_process_s", "critical_path_s"):
            print(f"  {label:<40} {s[key] * 1000:9.1f} ms")
    print(f"  peak RSS of this process {s['rss_mib']:.0f} MiB (every table read at once)")
    c, f, i = res["cli"], res["floor"], res["interpreter"]
    print("\nfresh processes (best / median of runs):")
    print(f"  remanxl evaluate BOOK -o OUT   {c['best_s']:7.3f} s / {c['median_s']:.3f} s   "
          f"peak memory {_memory(c):.0f} MiB (all its processes)")
    print(f"  floor: calamine reads tables   {f['best_s']:7.3f} s / {f['median_s']:.3f} s   "
          f"peak memory {_memory(f):.0f} MiB")
    print(f"  bare interpreter (python -c pass) {i['best_s']:.3f} s")
    lo = res.get("libreoffice")
    if lo:
        print(f"  LibreOffice load+recalc+export {lo['best_s']:7.3f} s / {lo['median_s']:.3f} s   "
              f"(soffice start alone {lo['start_only_best_s']:.2f} s)")
    print("\nratios (targets):")
    print(f"  remanxl / floor          {res['ratio_vs_floor']:5.2f}x best, {res['ratio_vs_floor_median']:.2f}x median  "
          f"(<= 1.2x median: {C.verdict(res['ratio_vs_floor_median'], 1.2)})")
    if lo:
        print(f"  LibreOffice / remanxl    {res['speedup_vs_libreoffice']:5.2f}x   (>= 3x: "
              f"{C.verdict(res['speedup_vs_libreoffice'], 3.0, lower_is_better=False)})")
    print(f"  peak memory              {_memory(c):5.0f} MiB (< 400 MB: "
          f"{C.verdict(_memory(c) * 1.048576, 400)})")
    if "inventory_heavy" in res:
        report(res["inventory_heavy"], "an inventory-heavy workbook (few ledger rows, many inventory rows):")


_INPUTS = ("Energy", "Materials", "Water", "GHG", "Air", "WaterPollutants", "SolidWaste", "Parts")


def _memory(measured: dict) -> float:
    """The sampled peak of a command's process tree, or its own ``ru_maxrss`` where /proc is missing."""
    return measured["tree_peak_rss_mib"] or measured["peak_rss_mib"]


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", type=int, default=50_000, help="parts-ledger rows (default 50,000)")
    p.add_argument("--inventory", type=int, default=20_000, help="energy/emission rows over 7 tables (default 20,000)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best is reported")
    p.add_argument("--heavy-parts", type=int, default=1_000, help="parts-ledger rows of the inventory-heavy "
                   "workbook (default 1,000)")
    p.add_argument("--heavy-inventory", type=int, default=60_000, help="inventory rows of the inventory-heavy "
                   "workbook (default 60,000; 0 skips it)")
    p.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice baseline")
    p.add_argument("--out", type=Path, default=C.OUT, help="cache folder of generated workbooks")
    return C.main(p, argv, run_both, report)


if __name__ == "__main__":
    main()
