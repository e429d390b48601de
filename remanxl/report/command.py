"""``remanxl report SOURCE… [-o REPORT.html|REPORT.pdf]``: the evaluation report of one product, or the
portfolio report of several.

One workbook, evaluation file or saved JSON output gives the product report; a folder or several
files give the portfolio report.  The output is written atomically (a failed run leaves any earlier
report as it was).  Messages are one line, in both languages.

Exit codes as ``remanxl evaluate``: 0 written; 1 a source could not be evaluated (a portfolio is still
written, listing it); 2 usage, or an optional piece missing (the PDF's browser or Chinese font);
3 written, but an evaluation is invalid (the report says why).
"""
from __future__ import annotations

import os
from pathlib import Path

from remanxl.i18n import Msg, tr

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3
SUFFIXES = (".html", ".htm", ".pdf")
PORTFOLIO_STEM = "remanxl_portfolio_report"


def _say(stream, msg) -> None:
    stream.write(f"remanxl: {tr(msg, 'both')}\n")


def default_output(paths: list[Path]) -> Path:
    """Beside the source: ``BOOK_report.html``, or ``FOLDER/remanxl_portfolio_report.html``."""
    if len(paths) == 1 and not paths[0].is_dir():
        return paths[0].with_name(paths[0].stem + "_report.html")
    base = paths[0] if paths[0].is_dir() else paths[0].parent
    return base / f"{PORTFOLIO_STEM}.html"


def run(paths, output=None, sort: str = "product", jobs: int | None = None, browser: str | None = None,
        out=None, err=None, uncertainty: tuple | None = None, force: bool = False) -> int:
    """The ``report`` command; returns its exit code.  ``uncertainty`` = (draws, seed) adds the section
    on how sure the savings are (one product only)."""
    import sys

    out, err = out or sys.stdout, err or sys.stderr
    paths = [Path(p) for p in paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            _say(err, Msg("report.cli.missing", path=p))
        return EXIT_INPUT
    dst = Path(output) if output else default_output(paths)
    problem = _output_problem(dst) or _replace_problem(dst, force)
    if problem:
        _say(err, problem)
        return EXIT_USAGE
    from remanxl.report.portfolio import sort_key_valid

    sort_key = sort_key_valid(sort)
    if sort_key is None:
        _say(err, Msg("report.cli.sort", value=sort))
        return EXIT_USAGE
    portfolio = len(paths) > 1 or paths[0].is_dir()
    if portfolio and uncertainty:
        _say(err, Msg("report.cli.unc_portfolio"))
        return EXIT_USAGE
    try:
        if portfolio:
            html, code = _portfolio(paths, dst, sort_key, jobs, err)
        else:
            html, code = _product(paths[0], err, uncertainty)
    except OSError as exc:  # a file that cannot be opened (locked, no permission)
        _say(err, Msg("report.cli.read", path=exc.filename or paths[0], why=exc.strerror or str(exc)))
        return EXIT_INPUT
    if html is None:
        return code
    try:
        _write(html, dst, browser)
    except Exception as exc:  # noqa: BLE001 - said in one line, never as a traceback
        return _failure(exc, dst, err)
    out.write(f"{tr(Msg('report.cli.wrote', path=dst), 'both')}\n")
    return code


def _output_problem(dst: Path):
    if dst.suffix.lower() not in SUFFIXES:
        return Msg("report.cli.suffix", path=dst)
    if not dst.parent.is_dir():
        return Msg("report.cli.no_folder", path=dst, folder=dst.parent)
    return None


def _replace_problem(dst: Path, force: bool):
    """remanxl replaces an earlier report of its own, and anything else only with --force (as every command)."""
    if force or not (dst.exists() or dst.is_symlink()) or written_by_remanxl(dst):
        return None
    return Msg("files.exists", path=dst)


def written_by_remanxl(path: Path) -> bool:
    """Whether ``path`` is a report remanxl wrote: HTML with remanxl's generator mark, or a PDF whose
    document title (UTF-16, as Chromium writes it) ends with a remanxl report's title."""
    import re

    from remanxl.i18n import catalogue

    try:
        if path.suffix.lower() == ".pdf":
            if path.stat().st_size > 64 << 20:
                return False
            titles = re.findall(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", path.read_bytes())
            ends = tuple(catalogue()[key][1] for key in ("report.title", "report.portfolio_title"))
            return any(bytes.fromhex(t.decode()).decode("utf-16-be", "replace").endswith(ends)
                       for t in titles if len(t) % 4 == 0)
        with open(path, "rb") as fh:
            return b'<meta name="generator" content="remanxl' in fh.read(4096)
    except OSError:
        return False


def _product(path: Path, err, uncertainty: tuple | None = None):
    from remanxl.report.render import render_product
    from remanxl.report.sources import load

    loaded = load(path, uncertainty=uncertainty)
    if not loaded.ok:
        _say(err, Msg("report.cli.problems", path=path, n=len(loaded.problems)))
        err.write("".join(f"  - {tr(p, 'both')}\n" for p in loaded.problems))
        return None, EXIT_INPUT
    html = render_product(loaded.evaluation)
    if not loaded.evaluation["valid"]:
        _say(err, Msg("report.cli.invalid"))
        return html, EXIT_INVALID
    return html, EXIT_OK


def _portfolio(paths: list[Path], dst: Path, sort: str, jobs, err):
    from remanxl.report.render import render_portfolio
    from remanxl.report.sources import collect, load_many

    skip = {dst.resolve()}
    files = []
    for p in paths:
        files += collect(p, skip) if p.is_dir() else [p]
    if not files:
        _say(err, Msg("report.cli.none_found", path=paths[0]))
        return None, EXIT_INPUT
    items = load_many(files, jobs)
    folder = str(paths[0]) if len(paths) == 1 else ""
    html = render_portfolio(items, sort, folder=folder)
    failed = [i for i in items if not i.ok]
    if failed:
        _say(err, Msg("report.cli.failed_files", n=len(failed), total=len(items)))
        for i in failed:
            err.write(f"  FAILED {i.path}:\n" + "".join(f"    - {tr(p, 'both')}\n" for p in i.problems[:8]))
        return html, EXIT_INPUT
    if any(not i.evaluation["valid"] for i in items):
        return html, EXIT_INVALID
    return html, EXIT_OK


def _write(html: str, dst: Path, browser: str | None) -> None:
    if dst.suffix.lower() == ".pdf":
        from remanxl.report.pdf import print_pdf

        print_pdf(html, dst, browser)
        return
    staged = dst.with_name(f".{dst.name}.remanxl-tmp")
    try:
        staged.write_text(html, encoding="utf-8")
        os.replace(staged, dst)
    finally:
        staged.unlink(missing_ok=True)


def _failure(exc: Exception, dst: Path, err) -> int:
    from remanxl.report.pdf import PrintError
    from remanxl.report.render import MissingPiece

    if isinstance(exc, MissingPiece):
        _say(err, exc.args[0])
        return EXIT_USAGE
    if isinstance(exc, PrintError):
        _say(err, exc.args[0])
        return EXIT_INPUT
    if isinstance(exc, OSError):
        _say(err, Msg("report.cli.write", path=dst, why=exc.strerror or str(exc)))
        return EXIT_INPUT
    raise exc
