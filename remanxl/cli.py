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
        num = "" if r.numerator is None else f"{r.numerator:.6g} / {r.denominator:.6g} {r.unit}"
        out.write(f"  {symbol:<5} {info.name_en[:44]:<44} {value}  {num}  [{r.status}]\n")
        if r.value is None and r.reason:
            out.write(f"        {r.reason}\n")
        for w in r.warnings:
            out.write(f"        ! {w}\n")
    if ev.warnings:
        out.write("\nWarnings:\n" + "".join(f"  ! {w}\n" for w in ev.warnings))
    if not ev.valid:
        out.write("\nINVALID EVALUATION:\n" + "".join(f"  x {w}\n" for w in ev.invalid_reasons))


def cmd_evaluate(args) -> int:
    from remanxl import evaluate, load_example
    from remanxl.method.errors import InputError
    from remanxl.method.inputs import EvaluationInput

    paths = args.paths
    try:
        if not paths:
            inp = load_example()
        else:
            path = Path(paths[0])
            inp = EvaluationInput.from_json(path.read_text(encoding="utf-8"), str(path))
        ev = evaluate(inp)
    except InputError as exc:
        sys.stderr.write(f"remanxl: {len(exc.problems)} problem(s) in the input:\n")
        for p in exc.problems:
            sys.stderr.write(f"  - {p}\n")
        return EXIT_INPUT
    except OSError as exc:
        sys.stderr.write(f"remanxl: cannot read {exc.filename}: {exc.strerror}\n")
        return EXIT_INPUT
    if args.format == "json":
        json.dump(ev.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_table(ev, sys.stdout)
    return EXIT_OK if ev.valid else EXIT_INVALID


def cmd_factors(args) -> int:
    from remanxl.method.factors import default_factors

    f = default_factors()
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


def build_parser() -> argparse.ArgumentParser:
    from remanxl import METHOD_VERSION, __version__

    parser = argparse.ArgumentParser(
        prog="remanxl",
        description="GB/T 41350-2022 remanufacturing energy-saving and emission-reduction indicators.",
    )
    parser.add_argument("--version", action="version", version=f"remanxl {__version__} ({METHOD_VERSION})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("evaluate", help="evaluate an evaluation file (JSON); with no file, the bundled example",
                       description="Compute the 14 indicators of an evaluation file. With no FILE, evaluates the "
                                   "bundled example (a remanufactured heavy-duty diesel engine).")
    p.add_argument("paths", nargs="*", metavar="FILE", help="evaluation file (.json)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.set_defaults(func=cmd_evaluate)

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
    return args.func(args)
