"""What a report is made from: a workbook, an evaluation file, a saved JSON output, or a folder of them.

Each source becomes the evaluation's JSON form (``Evaluation.to_dict()``, what ``remanxl evaluate
--format json`` prints), or the problems that kept it from being evaluated.  A workbook is read as
``remanxl evaluate --dry-run`` reads it: nothing is written to it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from remanxl.i18n import Msg

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: What a saved evaluation output must hold for the report to be made from it.
OUTPUT_KEYS = ("indicators", "settings", "breakdowns", "provenance", "factors_used", "valid")


@dataclass
class Loaded:
    """One source: its evaluation (JSON form), or the problems that kept it from being evaluated."""

    path: Path
    evaluation: dict | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.evaluation is not None


def load(path: str | Path, split: bool = True, uncertainty: tuple | None = None) -> Loaded:
    """The evaluation of one file (``split`` as in :func:`remanxl.workbook.io.evaluate_workbook`);
    ``uncertainty`` = (draws, seed) adds the Monte Carlo (``remanxl evaluate --uncertainty``)."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _workbook(path, split, uncertainty)
    if path.suffix.lower() == ".json":
        return _json(path, uncertainty)
    return Loaded(path, problems=[Msg("report.cli.kind", path=path.name)])


def _workbook(path: Path, split: bool, uncertainty: tuple | None = None) -> Loaded:
    from remanxl.workbook.io import evaluate_workbook

    outcome = evaluate_workbook(path, write=False, split=split)
    if not outcome.ok:
        return Loaded(path, problems=[str(p) for p in outcome.problems])
    return Loaded(path, _with_uncertainty(outcome.evaluation, uncertainty, True))


def _with_uncertainty(ev, uncertainty: tuple | None, in_workbook: bool) -> dict:
    """The JSON form, with each rate's band and sensitivity when asked (as ``remanxl evaluate`` prints them)."""
    out = ev.to_dict()
    if uncertainty:
        from remanxl.method.montecarlo import simulate
        from remanxl.sheet.bands import uncertainty_dict

        for symbol, d in uncertainty_dict(simulate(ev, *uncertainty), in_workbook).items():
            out["indicators"][symbol].update(d)
    return out


def _json(path: Path, uncertainty: tuple | None = None) -> Loaded:
    """An evaluation file (``"format": "remanxl-evaluation"``) is evaluated; a saved output is taken as it is."""
    from remanxl.method.errors import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Loaded(path, problems=[Msg("report.cli.json", path=path.name, why=str(exc))])
    if isinstance(data, dict) and ("indicators" in data or "breakdowns" in data):
        missing = [k for k in OUTPUT_KEYS if k not in data]
        symbols = _missing_symbols(data.get("indicators"))
        if missing or symbols:
            why = ", ".join(missing + [f"indicators/{s}" for s in symbols])
            return Loaded(path, problems=[Msg("report.cli.json", path=path.name, why=f"missing {why}")])
        if uncertainty:  # a saved output has no rows to draw from: its own bands, if any, are shown
            return Loaded(path, problems=[Msg("report.cli.unc_saved", path=path.name)])
        return Loaded(path, data)
    from remanxl import evaluate
    from remanxl.method.inputs import EvaluationInput

    try:
        return Loaded(path, _with_uncertainty(evaluate(EvaluationInput.from_dict(data, path.name)), uncertainty,
                                              False))
    except InputError as exc:
        return Loaded(path, problems=[str(p) for p in exc.problems])


def _missing_symbols(indicators) -> list[str]:
    from remanxl.method.indicators import SYMBOLS

    if not isinstance(indicators, dict):
        return list(SYMBOLS)
    return [s for s in SYMBOLS if not isinstance(indicators.get(s), dict)]


def collect(folder: Path, skip: set[Path] = frozenset()) -> list[Path]:
    """The workbooks and .json files of a folder (not its subfolders), as ``remanxl evaluate FOLDER`` takes
    them: Excel's lock files, remanxl's temporary files and its roll-up left out."""
    from remanxl.workbook.batch import collect as collect_workbooks

    books = collect_workbooks([folder])
    jsons = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith((".", "~$")))
    return [p for p in books + jsons if p.resolve() not in skip]


def load_many(paths: list[Path], jobs: int | None = None) -> list[Loaded]:
    """Every file's evaluation, in parallel processes when there are several; one broken file stops nothing."""
    jobs = jobs or min(len(paths), os.cpu_count() or 1)
    if jobs <= 1 or len(paths) <= 1:
        return [_safe_load(p) for p in paths]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:  # every core has a file of its own: no split
            return list(pool.map(_safe_load, paths, [False] * len(paths)))
    except BrokenProcessPool:  # a file that crashed a reader outright: one at a time, to name it
        return [_safe_load(p, False) for p in paths]


def _safe_load(path: Path, split: bool = True) -> Loaded:
    try:
        return load(path, split)
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop a portfolio
        return Loaded(Path(path), problems=[f"{type(exc).__name__}: {exc}"])
