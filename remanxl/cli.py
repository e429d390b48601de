"""The ``remanxl`` command line."""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

EXIT_OK, EXIT_INPUT, EXIT_INVALID, EXIT_USAGE = 0, 1, 3, 2
#: The run could not finish for a reason outside the input (disk full, no permission, an internal fault);
#: every file is as it was.
EXIT_FAILED = 4
#: Stopped by Ctrl+C (128 + SIGINT, as a shell reports it); every file is as it was.
EXIT_INTERRUPTED = 130


def _say(msg) -> None:
    from remanxl.i18n import tr

    sys.stderr.write(f"remanxl: {tr(msg, 'both')}\n")


#: True in the ``remanxl`` command's own process (see :func:`run`), which ends when its command does.
_ENDS_PROCESS = False
MAX_PROBLEMS_SHOWN = 50  # a terminal full; the rest are counted (--all-problems lists them)


def _pad(text: str, width: int) -> str:
    """``text`` cut or padded to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def _both(en: str, zh: str, lang: str) -> str:
    return zh if lang == "zh" else en if lang == "en" else f"{en} {zh}"


def _print_table(ev, out, lang: str = "en") -> None:
    from remanxl.i18n import Msg, tr
    from remanxl.method.indicators import BY_SYMBOL, GROUPS

    s = ev.settings
    title = " / ".join(x for x in (s.product, s.model) if x) or ev.source or "evaluation"
    out.write(f"{title}\n")
    out.write(tr(Msg("cli.functional_unit", n=f"{s.functional_unit_quantity:g}", who=s.remanufacturer_type), lang)
              + "\n\n")
    group = None
    width = 44 if lang == "en" else 24 if lang == "zh" else 60
    for symbol, r in ev.indicators.items():
        info = BY_SYMBOL[symbol]
        if info.group != group:
            group = info.group
            out.write(_both(*GROUPS[group], lang) + "\n")
        value = f"{r.value * 100:9.2f} %" if r.value is not None else f"{tr(Msg('cli.not_available'), lang):>11}"
        num = ("" if r.numerator is None or r.denominator is None
               else f"{r.numerator:.6g} / {r.denominator:.6g} {r.unit}")
        name = _both(info.name_en, info.name_zh, lang)
        out.write(f"  {symbol:<5} {_pad(name, width)} {value}  {num}  [{_status(r.status, lang)}]\n")
        if r.value is None and r.reason:
            out.write(f"        {tr(r.reason, lang)}\n")
        for w in r.warnings:
            out.write(f"        ! {tr(w, lang)}\n")
    if ev.warnings:
        out.write("\n" + tr(Msg("cli.warnings"), lang) + "\n" + "".join(f"  ! {tr(w, lang)}\n" for w in ev.warnings))
    if not ev.valid:
        out.write("\n" + tr(Msg("cli.invalid"), lang) + "\n"
                  + "".join(f"  x {tr(w, lang)}\n" for w in ev.invalid_reasons))


def _status(status: str, lang: str) -> str:
    from remanxl.i18n import Msg, catalogue, tr

    key = f"report.status.{status}"
    return tr(Msg(key), lang) if key in catalogue() else status


def _problem_line(p, lang: str) -> str:
    from remanxl.i18n import tr

    render = getattr(p, "render", None)  # a problem located in a workbook says where in the user's language
    return render(lang) if render else f"{p.where()}: {tr(p.message, lang)}"


def _report_problems(source: str, problems, err, lang: str = "en", show_all: bool = False) -> None:
    from remanxl.i18n import Msg, tr

    err.write(tr(Msg("cli.problems", source=source, count=len(problems)), lang) + "\n")
    shown = problems if show_all else problems[:MAX_PROBLEMS_SHOWN]
    for p in shown:
        err.write(f"  - {_problem_line(p, lang)}\n")
    if len(shown) < len(problems):
        err.write("  " + tr(Msg("cli.more_problems", count=len(problems) - len(shown)), lang) + "\n")


def _emit(ev, fmt: str, lang: str = "en", uncertainty=None, simulation=None) -> None:
    """Print an evaluation; ``uncertainty`` = (draws, seed, in_workbook) adds the Monte Carlo (the one of
    ``simulation`` when the workbook's run made it already)."""
    extra = _simulate(ev, *uncertainty, simulation=simulation) if uncertainty else None
    if fmt == "json":
        out = ev.to_dict()
        for symbol, d in (extra or {}).items():
            out["indicators"][symbol].update(d)
        import json

        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_table(ev, sys.stdout, lang)
        if extra is not None:
            _print_bands(extra, sys.stdout)


def _simulate(ev, draws: int, seed, in_workbook: bool, simulation=None) -> dict:
    from remanxl.method.montecarlo import simulate
    from remanxl.sheet.bands import uncertainty_dict

    return uncertainty_dict(simulation or simulate(ev, draws, seed), in_workbook)


def _print_bands(extra: dict, out) -> None:
    if not extra:
        out.write("\nUncertainty 不确定度: no comparison rate has a value\n")
        return
    first = next(iter(extra.values()))["uncertainty"]
    out.write(f"\nUncertainty 不确定度 ({first['draws']:,} draws, seed {first['seed']}): "
              "P5 · P50 · P95, P(saving)\n")
    for symbol, d in extra.items():
        u = d["uncertainty"]
        if u["p50"] is None:
            out.write(f"  {symbol:<5} undefined in every draw\n")
            continue
        out.write(f"  {symbol:<5} {u['p5'] * 100:8.2f} % {u['p50'] * 100:8.2f} % {u['p95'] * 100:8.2f} %   "
                  f"P(saving) {u['p_positive'] * 100:.1f} %\n")
        for c in d["sensitivity"]["variance"][:3]:
            what = f"{c['key']} ({c['side']}, {c['provenance']})" if c["kind"] == "row" else "coefficient"
            out.write(f"        {c['share'] * 100:5.1f} % of the variance: {c['name']} {what}\n")


def _check_uncertainty(args) -> int | None:
    """Before any work: numpy is there and --uncertainty / --seed make sense (EXIT_USAGE if not)."""
    if isinstance(args.uncertainty, str):  # `--uncertainty BOOK`: the default N, and BOOK is a file
        args.paths.append(args.uncertainty)
        args.uncertainty = 10_000
    if args.uncertainty is None:
        if args.seed is not None:
            sys.stderr.write("remanxl: --seed goes with --uncertainty\n")
            return EXIT_USAGE
        return None
    from remanxl.i18n import tr
    from remanxl.method.montecarlo import MissingExtraError, _numpy, check_draws, check_seed

    try:
        _numpy()
        check_draws(args.uncertainty)
        if args.seed is not None:
            check_seed(args.seed)
    except (MissingExtraError, ValueError) as exc:
        sys.stderr.write(f"remanxl: {tr(exc.args[0], 'both')}\n")
        return EXIT_USAGE
    return None


def _evaluate_json(path: Path, fmt: str, lang: str = "en", show_all: bool = False, uncertainty=None) -> int:
    from remanxl import evaluate
    from remanxl.method.errors import InputError
    from remanxl.method.inputs import EvaluationInput

    try:
        ev = evaluate(EvaluationInput.from_json(path.read_text(encoding="utf-8-sig"), str(path)))
    except InputError as exc:
        _report_problems(str(path), exc.problems, sys.stderr, lang, show_all)
        return EXIT_INPUT
    _emit(ev, fmt, lang, uncertainty and (*uncertainty, False))
    return EXIT_OK if ev.valid else EXIT_INVALID


def _evaluate_book(path: Path, output, fmt: str, write: bool, lang: str = "en", show_all: bool = False,
                   uncertainty=None, ignore_lock: bool = False) -> int:
    from remanxl.workbook.io import evaluate_workbook
    from remanxl.workbook.isolation import keep_all_until_exit, keep_until_exit
    from remanxl.workbook.safety import UnsafeWorkbookError

    if _ENDS_PROCESS:  # one workbook, and the process ends with it: nothing it made is freed one by one
        keep_all_until_exit()
    try:
        outcome = evaluate_workbook(path, output, write=write, uncertainty=uncertainty,  # bands on the Dashboard
                                    ignore_lock=ignore_lock)
        keep_until_exit(outcome)
    except UnsafeWorkbookError as exc:
        from remanxl.i18n import tr

        sys.stderr.write(f"remanxl: refused: {tr(exc.args[0] if exc.args else str(exc), 'both')}\n")
        return EXIT_INPUT
    if not outcome.ok:
        _report_problems(str(path), outcome.problems, sys.stderr, lang, show_all)
        return EXIT_INPUT
    _emit(outcome.evaluation, fmt, lang, uncertainty and (*uncertainty, True), outcome.simulation)
    if outcome.written and fmt == "table":
        from remanxl.i18n import Msg, tr

        sys.stdout.write("\n" + tr(Msg("cli.written", path=outcome.written), lang) + "\n")
    return EXIT_OK if outcome.evaluation.valid else EXIT_INVALID


def _evaluate_example(fmt: str, lang: str = "en", show_all: bool = False, uncertainty=None) -> int:
    import tempfile

    from remanxl import load_example
    from remanxl.workbook.template import build_template

    with tempfile.TemporaryDirectory() as tmp:
        path = build_template(Path(tmp) / "remanxl_example.xlsx", load_example())
        if fmt == "table":
            from remanxl.i18n import Msg, tr

            sys.stdout.write(tr(Msg("cli.example"), lang) + "\n\n")
        return _evaluate_book(path, None, fmt, False, lang, show_all, uncertainty)


def _output_problem(src: Path, output, force: bool = False):
    """Why the evaluated workbook cannot be written where asked, before any work is done."""
    from remanxl.i18n import Msg

    dst = Path(output) if output else src
    if output:
        if dst.is_dir():
            return f"-o {dst}: a folder; give a file name such as {dst / src.name}"
        if not dst.parent.is_dir():
            return f"-o {dst}: the folder {dst.parent} does not exist"
        if dst.suffix.lower() != src.suffix.lower():
            return (f"-o {dst}: keep the suffix {src.suffix} of {src.name} ({'a macro workbook must stay .xlsm' if src.suffix.lower() == '.xlsm' else 'Excel checks the suffix against the content'})")
        if (dst.exists() or dst.is_symlink()) and not force and not _same_file(src, dst):
            return Msg("files.output_exists", path=dst)  # -o never replaces a file (or a link's target) unasked
    return _not_writable(dst)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _not_writable(dst: Path):
    """What keeps remanxl from replacing ``dst`` (it writes a temporary file beside it, then moves it over)."""
    import os

    from remanxl.i18n import Msg

    real = Path(os.path.realpath(dst))
    if not os.access(real.parent, os.W_OK | os.X_OK):
        return Msg("files.read_only", path=dst, why=Msg("files.folder_read_only", folder=real.parent))
    if real.exists() and not os.access(real, os.W_OK):
        return Msg("files.read_only", path=dst, why=Msg("files.file_read_only"))
    return None


def _rollup_problems(outputs, books: list[Path], force: bool) -> list:
    """The roll-up files may replace only earlier roll-ups (or anything, with --force), never a workbook
    being evaluated."""
    from remanxl.i18n import Msg
    from remanxl.workbook.batch import is_rollup

    problems = []
    inputs = {b.resolve() for b in books}
    for dst in outputs:
        if dst.resolve() in inputs:
            problems.append(Msg("files.is_input", path=dst))
        elif (dst.exists() or dst.is_symlink()) and not force and not is_rollup(dst):
            problems.append(Msg("files.exists", path=dst))
        elif (problem := _not_writable(dst)) is not None:
            problems.append(problem)
    return problems


#: The suffixes of a workbook (as remanxl.workbook.batch has them: a single workbook does not load the batch code).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def cmd_evaluate(args) -> int:
    from remanxl.i18n import resolve_lang

    lang = resolve_lang(args.lang)
    problem = _check_uncertainty(args)
    if problem is not None:
        return problem
    uncertainty = (args.uncertainty, args.seed) if args.uncertainty is not None else None
    if not args.paths:
        return _evaluate_example(args.format, lang, args.all_problems, uncertainty)
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        sys.stderr.write("".join(f"remanxl: cannot read {p}: no such file or folder\n" for p in missing))
        return EXIT_INPUT
    if len(paths) == 1 and not paths[0].is_dir():
        path = paths[0]
        if path.suffix.lower() == ".json":
            return _evaluate_json(path, args.format, lang, args.all_problems, uncertainty)
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            problem = _output_problem(path, args.output, args.force) if not args.dry_run else None
            if problem:
                _say(problem)
                return EXIT_USAGE
            return _evaluate_book(path, args.output, args.format, not args.dry_run, lang, args.all_problems,
                                  uncertainty, args.ignore_lock)
        sys.stderr.write(f"remanxl: {path}: expected an .xlsx/.xlsm workbook or a .json evaluation file\n")
        return EXIT_INPUT
    if args.output:
        sys.stderr.write("remanxl: -o/--output takes one workbook; for several, each is updated in place\n")
        return EXIT_USAGE
    if uncertainty:
        sys.stderr.write("remanxl: --uncertainty takes one workbook or evaluation file, not a folder or several\n")
        return EXIT_USAGE
    from remanxl.workbook.batch import ROLLUP_STEM, collect, run_batch, write_rollup

    base = Path(args.rollup) if args.rollup else (paths[0] if paths[0].is_dir() else Path.cwd()) / ROLLUP_STEM
    if base.suffix.lower() in (".csv", ".xlsx"):  # --rollup out.xlsx names the pair out.csv and out.xlsx
        base = base.with_suffix("")
    outputs = (base.parent / f"{base.name}.csv", base.parent / f"{base.name}.xlsx")  # a dot in the name stays
    books = collect(paths)
    if not books:
        sys.stderr.write("remanxl: no .xlsx/.xlsm workbooks found\n")
        return EXIT_INPUT
    if not args.dry_run:
        problems = _rollup_problems(outputs, books, args.force)
        for problem in problems:
            _say(problem)
        if problems:
            return EXIT_USAGE
    try:
        rows = run_batch(books, write=not args.dry_run, jobs=args.jobs, progress=not args.no_progress,
                         ignore_lock=args.ignore_lock)
    except KeyboardInterrupt:  # the workbooks finished before it were written: not "every file is as it was"
        from remanxl.i18n import Msg

        _say(Msg("files.interrupted_batch"))
        return EXIT_INTERRUPTED
    if not args.dry_run:
        write_rollup(rows, *outputs)
    if args.format == "json":
        import json

        from remanxl.workbook.batch import ROLLUP_HEADERS, rollup_rows

        json.dump([dict(zip(ROLLUP_HEADERS, r)) for r in rollup_rows(rows)], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    good = [r for r in rows if r.ok]
    bad = [r for r in rows if not r.ok]
    where = "nothing written (--dry-run)" if args.dry_run else (
        f"roll-up: {outputs[0]} and {outputs[1]}")
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
    if args.output and not args.force and (Path(args.output).exists() or Path(args.output).is_symlink()) \
            and not _is_remanxl_addin(Path(args.output)):
        from remanxl.i18n import Msg

        _say(Msg("files.exists", path=args.output))
        return EXIT_USAGE
    path = build_addin(Path(args.output) if args.output else ADDIN_PATH)
    print(f"wrote {path}")
    return EXIT_OK


def _is_remanxl_addin(path: Path) -> bool:
    """An add-in remanxl built: its ribbon (customUI) names remanxl."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("customUI/") and b"remanxl" in zf.read(n) for n in zf.namelist())
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, EOFError, ValueError):
        return False


def cmd_doctor(args) -> int:
    from remanxl.excel.doctor import run_doctor

    return run_doctor(out=sys.stdout, home=Path(args.home) if args.home else None, os_name=args.os)


def cmd_report(args) -> int:
    from remanxl.report.command import run

    problem = _check_uncertainty(args)
    if problem is not None:
        return problem
    uncertainty = (args.uncertainty, args.seed) if args.uncertainty is not None else None
    return run(args.paths, args.output, args.sort, args.jobs, args.browser, uncertainty=uncertainty,
               force=args.force)


def _draws_or_path(text: str):
    """``--uncertainty``'s optional N; anything else is the file that followed it (``--uncertainty BOOK``)."""
    try:
        return int(text)
    except ValueError:
        return text


def _uncertainty_arguments(p) -> None:
    p.add_argument("--uncertainty", nargs="?", type=_draws_or_path, const=10_000, metavar="N",
                   help="also a Monte Carlo of the comparison rates from each row's provenance: P5/P50/P95, "
                        "P(saving) and the inputs that matter most (N draws, default 10,000; needs "
                        "pip install \"remanxl[uncertainty]\")")
    p.add_argument("--seed", type=int, metavar="S", help="seed of the --uncertainty draws (default: a new one, "
                                                        "printed; the same seed gives the same figures)")


def _add_language(p) -> None:
    p.add_argument("--lang", choices=("en", "zh", "both"),
                   help="language of messages and results: en, zh (中文) or both (default: REMANXL_LANG, else "
                        "the system's language)")


COMMANDS = ("evaluate", "report", "template", "build-addin", "doctor", "factors")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only`` (one of :data:`COMMANDS`), that command's alone: what a
    run of it needs (each command's arguments cost argparse a millisecond or two to build)."""
    from remanxl import METHOD_VERSION, __version__

    parser = argparse.ArgumentParser(
        prog="remanxl",
        description="GB/T 41350-2022 remanufacturing energy-saving and emission-reduction indicators.",
    )
    parser.add_argument("--version", action="version", version=f"remanxl {__version__} ({METHOD_VERSION})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        if only is None or command == only:
            _ADD[command](sub)
    return parser


def _add_evaluate(sub) -> None:
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
    p.add_argument("--force", action="store_true",
                   help="replace an existing -o file or roll-up file that remanxl did not write")
    p.add_argument("--ignore-lock", action="store_true",
                   help="write a workbook even though a lock file says another program (Excel, WPS, LibreOffice) "
                        "has it open: only when that lock file was left by a crash")
    p.add_argument("--rollup", metavar="PATH", help="batch: roll-up file stem (default FOLDER/remanxl_rollup)")
    p.add_argument("--jobs", type=int, help="batch: parallel processes (default: one per core)")
    p.add_argument("--no-progress", action="store_true", help="batch: no progress bar")
    _add_language(p)
    p.add_argument("--all-problems", action="store_true",
                   help=f"list every problem of a workbook (default: the first {MAX_PROBLEMS_SHOWN} and a count)")
    _uncertainty_arguments(p)
    p.set_defaults(func=cmd_evaluate)


def _add_report(sub) -> None:
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
    _uncertainty_arguments(p)
    p.add_argument("--force", action="store_true", help="replace an existing file that is not a remanxl report")
    p.set_defaults(func=cmd_report)


def _add_template(sub) -> None:
    p = sub.add_parser("template", help="write the evaluation template (or the filled example)",
                       description="Write the bilingual evaluation template workbook.")
    p.add_argument("path", nargs="?", help="where to write it (default ./remanxl_template.xlsx)")
    p.add_argument("--example", action="store_true", help="write the filled example (heavy-duty diesel engine)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_template)


def _add_build_addin(sub) -> None:
    p = sub.add_parser("build-addin", help="build the Excel add-in remanxl.xlam (runs on any OS)",
                       description="Build remanxl.xlam from xlwings' add-in template: VBA wrappers for every "
                                   "REMAN_* function, Function Wizard help and the ribbon. Default: the packaged copy.")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write the add-in")
    p.add_argument("--check", action="store_true", help="only compare the packaged add-in with a fresh build")
    p.add_argument("--force", action="store_true", help="replace an existing file that is not a remanxl add-in")
    p.set_defaults(func=cmd_build_addin)


def _add_doctor(sub) -> None:
    p = sub.add_parser("doctor", help="check the Excel set-up and print the fix for each problem",
                       description="Check interpreter, xlwings version against the add-in, config file and add-in "
                                   "presence, and print the fix for each of xlwings' classic failures.")
    p.add_argument("--home", metavar="DIR", help="check the set-up of another home folder (support)")
    p.add_argument("--os", choices=("windows", "macos", "linux"), help="check another platform's layout")
    p.set_defaults(func=cmd_doctor)


def _add_factors(sub) -> None:
    p = sub.add_parser("factors", help="list the coefficient tables and their sources",
                       description="List the shipped coefficient tables with version and sources; "
                                   "name one to print all its rows.")
    p.add_argument("table", nargs="?", help="print every row of this table")
    p.set_defaults(func=cmd_factors)


_ADD = {"evaluate": _add_evaluate, "report": _add_report, "template": _add_template,
        "build-addin": _add_build_addin, "doctor": _add_doctor, "factors": _add_factors}


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:  # every write is to a temporary file first: nothing was changed
        from remanxl.i18n import Msg

        _say(Msg("files.interrupted"))
        return EXIT_INTERRUPTED
    except OSError as exc:
        _say(_os_message(exc))
        return EXIT_FAILED
    except (MemoryError, RecursionError) as exc:
        from remanxl.i18n import Msg

        _say(Msg("files.internal", why=f"{type(exc).__name__}: the input is too large or too deeply nested"))
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback; the line says what to report
        from remanxl.i18n import Msg

        _say(Msg("files.internal", why=f"{type(exc).__name__}: {str(exc)[:200]}"))
        return EXIT_FAILED


def run() -> None:
    """The ``remanxl`` command: :func:`main`, then leave without tearing the interpreter down.

    Python's own shutdown frees the objects of some 300 modules one by one: about 10 ms at the end of
    every run, which a user waits for (measured), while the operating system takes a process back
    at once.  What shutdown does that matters is done first: with a thread still working (none of
    remanxl's commands leaves one) the usual exit is taken; else the exit handlers run and both
    output streams are flushed (a stream that cannot be, closed or broken, is left to the usual exit,
    which reports it as always).
    """
    import atexit
    import os
    import signal
    import threading

    global _ENDS_PROCESS
    _ENDS_PROCESS = True
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command has ended: Ctrl+C now would only print a traceback
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()  # noqa: SLF001 - what the usual exit runs; the standard library's own tests call it
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # (None under pythonw.exe)
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def _run(argv) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    with _finished_once_written():
        return args.func(args)


@contextmanager
def _finished_once_written():
    """From the moment a file of this process is moved into place, the command finishes: Ctrl+C is
    ignored from there on (what is left is a few lines of report), so that an interrupt never says
    that every file is as it was about a file just written, nor leaves it unreported.  (Only the main
    thread can change how a signal is handled; elsewhere, nothing changes.)"""
    import signal
    import threading

    from remanxl.workbook import files

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    files.before_replace = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        files.before_replace = None
        if previous is not None:  # (None: a handler not set from Python, which cannot be put back)
            signal.signal(signal.SIGINT, previous)


def _os_message(exc: OSError):
    """One line for a failed read or write: disk full, no permission, or what the system said."""
    import errno

    from remanxl.i18n import Msg
    from remanxl.workbook.files import TEMP_PREFIX

    path = Path(exc.filename) if exc.filename else None
    if path is not None and path.name.startswith(TEMP_PREFIX):  # name the folder, not remanxl's temporary file
        path = path.parent
    where = str(path) if path is not None else "the output"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return Msg("files.disk_full", path=where)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        if path is not None and path.is_dir():
            return Msg("files.read_only", path=where, why=Msg("files.folder_read_only", folder=path))
        if sys.platform == "win32":  # Windows refuses to replace a file another program holds open
            return Msg("files.held_open", path=where)
        return Msg("files.read_only", path=where, why=exc.strerror or "permission denied")
    return Msg("files.os_error", path=where, why=exc.strerror or str(exc))
