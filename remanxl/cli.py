"""The ``remanxl`` command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_INPUT, EXIT_INVALID, EXIT_USAGE = 0, 1, 3, 2


def _print_table(ev, out) -> None:
    from remanxl.method.indicators import BY_SYMBOL, GROUPS

    s = ev.settings
    title = " / ".join(x for x in (s.product, s.model) if x) or ev.source or "evaluation"
    out.write(f"{title}\n")
    out.write(f"N = {s.functional_unit_quantity:g}; remanufacturer: {s.remanufacturer_type}\n\n")
    group = None
    for symbol, r in ev.indicators.items():
        info = BY_SYMBOL[symbol]
        if info.group != group:
            group = info.group
            out.write(f"{GROUPS[group][0]} {GROUPS[group][1]}\n")
        value = f"{r.value * 100:9.2f} %" if r.value is not None else "        n/a"
        num = ("" if r.numerator is None or r.denominator is None
               else f"{r.numerator:.6g} / {r.denominator:.6g} {r.unit}")
        out.write(f"  {symbol:<5} {info.name_en[:44]:<44} {value}  {num}  [{r.status}]\n")
        if r.value is None and r.reason:
            out.write(f"        {r.reason}\n")
        for w in r.warnings:
            out.write(f"        ! {w}\n")
    if ev.warnings:
        out.write("\nWarnings:\n" + "".join(f"  ! {w}\n" for w in ev.warnings))
    if not ev.valid:
        out.write("\nINVALID EVALUATION:\n" + "".join(f"  x {w}\n" for w in ev.invalid_reasons))


def _report_problems(source: str, problems, err) -> None:
    err.write(f"remanxl: {source}: {len(problems)} problem(s); nothing was written:\n")
    for p in problems:
        err.write(f"  - {p}\n")


def _emit(ev, fmt: str) -> None:
    if fmt == "json":
        json.dump(ev.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_table(ev, sys.stdout)


def _evaluate_json(path: Path, fmt: str) -> int:
    from remanxl import evaluate
    from remanxl.method.errors import InputError
    from remanxl.method.inputs import EvaluationInput

    try:
        ev = evaluate(EvaluationInput.from_json(path.read_text(encoding="utf-8-sig"), str(path)))
    except InputError as exc:
        _report_problems(str(path), exc.problems, sys.stderr)
        return EXIT_INPUT
    _emit(ev, fmt)
    return EXIT_OK if ev.valid else EXIT_INVALID


def _evaluate_book(path: Path, output, fmt: str, write: bool) -> int:
    from remanxl.workbook.io import evaluate_workbook
    from remanxl.workbook.safety import UnsafeWorkbookError

    try:
        outcome = evaluate_workbook(path, output, write=write)
    except UnsafeWorkbookError as exc:
        sys.stderr.write(f"remanxl: refused: {exc}\n")
        return EXIT_INPUT
    except PermissionError as exc:
        sys.stderr.write(f"remanxl: cannot write {exc.filename}: is it open in Excel? Close it or use -o OUT.xlsx\n")
        return EXIT_INPUT
    if not outcome.ok:
        _report_problems(str(path), outcome.problems, sys.stderr)
        return EXIT_INPUT
    _emit(outcome.evaluation, fmt)
    if outcome.written and fmt == "table":
        sys.stdout.write(f"\nSummary written to {outcome.written}\n")
    return EXIT_OK if outcome.evaluation.valid else EXIT_INVALID


def _evaluate_example(fmt: str) -> int:
    import tempfile

    from remanxl import load_example
    from remanxl.workbook.template import build_template

    with tempfile.TemporaryDirectory() as tmp:
        path = build_template(Path(tmp) / "remanxl_example.xlsx", load_example())
        if fmt == "table":
            sys.stdout.write("Bundled example workbook (remanxl template --example PATH writes a copy)\n\n")
        return _evaluate_book(path, None, fmt, write=False)


def _output_problem(src: Path, output) -> str | None:
    """Why the evaluated workbook cannot be written where asked, before any work is done."""
    import os

    dst = Path(output) if output else src
    if output:
        if dst.is_dir():
            return f"-o {dst}: a folder; give a file name such as {dst / src.name}"
        if not dst.parent.is_dir():
            return f"-o {dst}: the folder {dst.parent} does not exist"
        if dst.suffix.lower() != src.suffix.lower():
            return (f"-o {dst}: keep the suffix {src.suffix} of {src.name} ({'a macro workbook must stay .xlsm' if src.suffix.lower() == '.xlsm' else 'Excel checks the suffix against the content'})")
    target = dst if dst.exists() else dst.parent
    if not os.access(target, os.W_OK):
        return f"{dst}: not writable (read-only file or folder); use -o OUT{src.suffix}"
    return None


#: The suffixes of a workbook (as remanxl.workbook.batch has them: a single workbook does not load the batch code).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def cmd_evaluate(args) -> int:
    if not args.paths:
        return _evaluate_example(args.format)
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        sys.stderr.write("".join(f"remanxl: cannot read {p}: no such file or folder\n" for p in missing))
        return EXIT_INPUT
    if len(paths) == 1 and not paths[0].is_dir():
        path = paths[0]
        if path.suffix.lower() == ".json":
            return _evaluate_json(path, args.format)
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            problem = _output_problem(path, args.output) if not args.dry_run else None
            if problem:
                sys.stderr.write(f"remanxl: {problem}\n")
                return EXIT_USAGE
            return _evaluate_book(path, args.output, args.format, not args.dry_run)
        sys.stderr.write(f"remanxl: {path}: expected an .xlsx/.xlsm workbook or a .json evaluation file\n")
        return EXIT_INPUT
    if args.output:
        sys.stderr.write("remanxl: -o/--output takes one workbook; for several, each is updated in place\n")
        return EXIT_USAGE
    from remanxl.workbook.batch import ROLLUP_STEM, collect, run_batch, write_rollup

    base = Path(args.rollup) if args.rollup else (paths[0] if paths[0].is_dir() else Path.cwd()) / ROLLUP_STEM
    rollup_files = {base.with_suffix(".xlsx").resolve()}  # a roll-up is not a product workbook
    books = [b for b in collect(paths) if b.resolve() not in rollup_files]
    if not books:
        sys.stderr.write("remanxl: no .xlsx/.xlsm workbooks found\n")
        return EXIT_INPUT
    rows = run_batch(books, write=not args.dry_run, jobs=args.jobs, progress=not args.no_progress)
    if not args.dry_run:
        write_rollup(rows, base.with_suffix(".csv"), base.with_suffix(".xlsx"))
    if args.format == "json":
        from remanxl.workbook.batch import ROLLUP_HEADERS, rollup_rows

        json.dump([dict(zip(ROLLUP_HEADERS, r)) for r in rollup_rows(rows)], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    good = [r for r in rows if r.ok]
    bad = [r for r in rows if not r.ok]
    where = "nothing written (--dry-run)" if args.dry_run else (
        f"roll-up: {base.with_suffix('.csv')} and {base.with_suffix('.xlsx')}")
    sys.stderr.write(f"remanxl: {len(good)} of {len(rows)} workbook(s) evaluated; {where}\n")
    for r in bad:
        sys.stderr.write(f"  FAILED {r.path}:\n" + "".join(f"    - {e}\n" for e in r.errors or []))
    invalid = [r for r in good if r.valid is False]
    for r in invalid:
        sys.stderr.write(f"  INVALID {r.path}:\n" + "".join(f"    x {e}\n" for e in r.errors or []))
    return EXIT_INPUT if bad else EXIT_INVALID if invalid else EXIT_OK


def cmd_template(args) -> int:
    from remanxl import load_example
    from remanxl.workbook.template import build_template

    default = "remanxl_example.xlsx" if args.example else "remanxl_template.xlsx"
    path = Path(args.path or default)
    if path.exists() and not args.force:
        sys.stderr.write(f"remanxl: {path} exists; use --force to replace it\n")
        return EXIT_INPUT
    build_template(path, load_example() if args.example else None)
    print(f"wrote {path}")
    return EXIT_OK


def cmd_factors(args) -> int:
    from remanxl.method.factors import default_factors

    f = default_factors()
    if args.table and args.table not in f.tables:
        sys.stderr.write(f"remanxl: no factor table {args.table!r}; tables: {', '.join(f.tables)}\n")
        return EXIT_INPUT
    names = [args.table] if args.table else list(f.tables)
    for name in names:
        t = f[name]
        print(f"{t.name} — {t.title_en} {t.title_zh} (version {t.version}): {t.description}")
        if args.table:
            print("  " + " | ".join(t.columns))
            for row in t.rows.values():
                print("  " + " | ".join("" if row.get(c) is None else str(row.get(c)) for c in t.columns))
        else:
            sources = sorted({str(r.get("source")) for r in t.rows.values() if r.get("source")})
            print(f"  {len(t.rows)} rows; keys: {', '.join(t.keys()[:8])}{' …' if len(t.rows) > 8 else ''}")
            for src in sources[:4]:
                print(f"  source: {src}")
        print()
    return EXIT_OK


def cmd_build_addin(args) -> int:
    try:
        return _build_addin(args)
    except ModuleNotFoundError as exc:  # the builder's libraries are an extra
        if exc.name not in ("pyopenvba", "oletools", "olefile"):
            raise
        sys.stderr.write(f"remanxl: building the add-in needs {exc.name}: pip install 'remanxl[addin]'\n")
        return EXIT_USAGE


def _build_addin(args) -> int:
    from remanxl.excel import ADDIN_PATH
    from remanxl.excel.addin import build_addin, describe_addin

    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            fresh = build_addin(Path(tmp) / "remanxl.xlam")
            same = describe_addin(fresh) == describe_addin(ADDIN_PATH)
        print("the packaged add-in matches a fresh build" if same else "the packaged add-in differs from a fresh "
              "build: run `remanxl build-addin`")
        return EXIT_OK if same else EXIT_INPUT
    path = build_addin(Path(args.output) if args.output else ADDIN_PATH)
    print(f"wrote {path}")
    return EXIT_OK


def cmd_doctor(args) -> int:
    from remanxl.excel.doctor import run_doctor

    return run_doctor(out=sys.stdout, home=Path(args.home) if args.home else None, os_name=args.os)


def cmd_report(args) -> int:
    from remanxl.report.command import run

    return run(args.paths, args.output, args.sort, args.jobs, args.browser)


def build_parser() -> argparse.ArgumentParser:
    from remanxl import METHOD_VERSION, __version__

    parser = argparse.ArgumentParser(
        prog="remanxl",
        description="GB/T 41350-2022 remanufacturing energy-saving and emission-reduction indicators.",
    )
    parser.add_argument("--version", action="version", version=f"remanxl {__version__} ({METHOD_VERSION})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "evaluate", help="evaluate workbooks, folders of workbooks or evaluation files (JSON)",
        description="Compute the 14 GB/T 41350 indicators. A workbook (.xlsx/.xlsm made from the remanxl template) "
                    "gets its Summary sheet rewritten, in place or to -o OUT; nothing else in it changes. Several "
                    "files or a folder are evaluated in parallel with a roll-up table (CSV and xlsx). A .json "
                    "evaluation file is computed and printed. With no FILE, the bundled example workbook (a "
                    "remanufactured heavy-duty diesel engine) is evaluated and printed.")
    p.add_argument("paths", nargs="*", metavar="FILE", help="workbook, folder of workbooks, or .json evaluation file")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.add_argument("-o", "--output", metavar="OUT.xlsx", help="write the evaluated workbook here instead of in place")
    p.add_argument("--dry-run", action="store_true", help="validate and compute, write nothing")
    p.add_argument("--rollup", metavar="PATH", help="batch: roll-up file stem (default FOLDER/remanxl_rollup)")
    p.add_argument("--jobs", type=int, help="batch: parallel processes (default: one per core)")
    p.add_argument("--no-progress", action="store_true", help="batch: no progress bar")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser(
        "report", help="write the evaluation report (HTML or PDF) of a workbook, an evaluation file or a folder",
        description="Write the bilingual evaluation report an auditor reads: product and system boundary, method, "
                    "the 14 indicators with charts, inventory and provenance, factors, warnings and checks, sign-off. "
                    "SOURCE is a workbook (read, never written), an evaluation file, a saved `remanxl evaluate "
                    "--format json` output, or a folder of them (a portfolio report: one row per product). HTML is one "
                    "self-contained file; PDF is printed by Microsoft Edge, Google Chrome or Chromium.")
    p.add_argument("paths", nargs="+", metavar="SOURCE", help="workbook, .json evaluation or output, or folder")
    p.add_argument("-o", "--output", metavar="REPORT.html|REPORT.pdf",
                   help="where to write the report (default: BOOK_report.html beside the source)")
    p.add_argument("--sort", default="product", metavar="KEY",
                   help="portfolio order: product, file, valid, warnings, estimated or an indicator (SE … RNR)")
    p.add_argument("--jobs", type=int, help="portfolio: parallel processes (default: one per core)")
    p.add_argument("--browser", metavar="PATH", help="the Chromium-family browser that prints the PDF "
                                                     "(default: Edge, Chrome or Chromium; or REMANXL_BROWSER)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("template", help="write the evaluation template (or the filled example)",
                       description="Write the bilingual evaluation template workbook.")
    p.add_argument("path", nargs="?", help="where to write it (default ./remanxl_template.xlsx)")
    p.add_argument("--example", action="store_true", help="write the filled example (heavy-duty diesel engine)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("build-addin", help="build the Excel add-in remanxl.xlam (runs on any OS)",
                       description="Build remanxl.xlam from xlwings' add-in template: VBA wrappers for every "
                                   "REMAN_* function, Function Wizard help and the ribbon. Default: the packaged copy.")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write the add-in")
    p.add_argument("--check", action="store_true", help="only compare the packaged add-in with a fresh build")
    p.set_defaults(func=cmd_build_addin)

    p = sub.add_parser("doctor", help="check the Excel set-up and print the fix for each problem",
                       description="Check interpreter, xlwings version against the add-in, config file and add-in "
                                   "presence, and print the fix for each of xlwings' classic failures.")
    p.add_argument("--home", metavar="DIR", help="check the set-up of another home folder (support)")
    p.add_argument("--os", choices=("windows", "macos", "linux"), help="check another platform's layout")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("factors", help="list the coefficient tables and their sources",
                       description="List the shipped coefficient tables with version and sources; "
                                   "name one to print all its rows.")
    p.add_argument("table", nargs="?", help="print every row of this table")
    p.set_defaults(func=cmd_factors)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
