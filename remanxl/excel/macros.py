"""What the ribbon buttons run (``RunPython "import remanxl.excel.macros as m; m.recompute_workbook()"``).

Each function acts on the workbook that was active when the button was
pressed (``xlwings.Book.caller()``) and reports back with a message box.
"""
from __future__ import annotations

from pathlib import Path

TITLE = "remanxl"


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _alert(book, text: str) -> None:
    try:
        book.app.alert(text, title=TITLE)
    except Exception:  # noqa: BLE001 - an alert that cannot show must not hide the result
        print(text)


def _summary_text(outcome) -> str:
    from remanxl.i18n import tr
    from remanxl.method.indicators import SYMBOLS

    ev = outcome.evaluation
    lang = ev.settings.language
    lines = [f"{s}: {ev[s].value * 100:.2f} %" if ev[s].value is not None else f"{s}: n/a" for s in SYMBOLS]
    head = ("Evaluation valid 评价有效" if ev.valid
            else "INVALID 评价无效: " + "; ".join(tr(x, lang) for x in ev.invalid_reasons))
    return head + "\n\n" + "\n".join(lines)


def _show_dashboard(book) -> None:
    """After a recompute the reader starts on the Dashboard (a workbook made before it has none)."""
    from remanxl.sheet.layout import DASHBOARD_SHEET

    try:
        book.sheets[DASHBOARD_SHEET].activate()
    except Exception:  # noqa: BLE001 - no Dashboard in this workbook: stay where the user is
        pass


def _problem_text(outcome) -> str:
    shown = "\n".join(f"- {p.render('both')}" for p in outcome.problems[:12])
    more = f"\n… and {len(outcome.problems) - 12} more" if len(outcome.problems) > 12 else ""
    return (f"{len(outcome.problems)} problem(s); nothing was computed. See the Validation 校验 sheet.\n"
            f"{len(outcome.problems)} 处问题,未计算。详见“校验”工作表。\n\n{shown}{more}")


def recompute_workbook(book=None):
    """Validate, compute and rewrite the Summary sheet of the active workbook."""
    from remanxl.excel.xlwings_book import XlwingsWorkbook
    from remanxl.sheet.engine import recompute

    book = book or _caller()
    outcome = recompute(XlwingsWorkbook(book))
    if outcome.ok:
        _show_dashboard(book)
    _alert(book, ("Summary updated 汇总已更新.\n" + _summary_text(outcome)) if outcome.ok else _problem_text(outcome))
    return outcome


def validate_workbook(book=None):
    """Check the inputs and compute, without writing the summary."""
    from remanxl.excel.xlwings_book import XlwingsWorkbook
    from remanxl.sheet.engine import recompute

    book = book or _caller()
    outcome = recompute(XlwingsWorkbook(book), write=False)
    _alert(book, "Inputs are valid 输入有效.\n" + _summary_text(outcome) if outcome.ok else _problem_text(outcome))
    return outcome


def report_workbook(book=None, folder: str | Path | None = None, open_report=None):
    """Write the evaluation report of the active workbook and open it (the ribbon's *Report* button).

    The workbook as it is open in Excel is read and evaluated, nothing is written to it; the report
    goes beside the saved file (``BOOK_report.pdf``), or into Documents/remanxl for a workbook never
    saved.  A PDF where Edge, Chrome or Chromium is found (Edge ships with Windows), else the HTML
    with a note saying why.  Returns the report's path, or the outcome when the inputs have problems.
    """
    from remanxl.excel.xlwings_book import XlwingsWorkbook
    from remanxl.i18n import Msg, tr
    from remanxl.report.render import MissingPiece, render_product
    from remanxl.sheet.engine import recompute

    book = book or _caller()
    outcome = recompute(XlwingsWorkbook(book), write=False)
    if not outcome.ok:
        _alert(book, _problem_text(outcome))
        return outcome
    html = render_product(outcome.evaluation.to_dict())
    saved = Path(str(getattr(book, "fullname", "") or ""))
    if folder is None:
        folder = saved.parent if saved.is_absolute() and saved.parent.is_dir() else Path.home() / "Documents" / "remanxl"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(book.name).stem or "remanxl"
    note = ""
    from remanxl.report.pdf import PrintError, print_pdf

    try:
        path = print_pdf(html, folder / f"{stem}_report.pdf")
    except (MissingPiece, PrintError) as exc:
        note = tr(Msg("report.ribbon.html_only", reason=exc.args[0]), "both")
        path = folder / f"{stem}_report.html"
        path.write_text(html, encoding="utf-8")
    (open_report or _open_file)(path)
    _alert(book, tr(Msg("report.ribbon.done", path=path), "both") + (f"\n\n{note}" if note else ""))
    return path


def _open_file(path: Path) -> None:
    """Show the report in the program the system opens it with."""
    import os
    import subprocess
    import sys

    try:
        if os.name == "nt":
            os.startfile(str(path))  # noqa: S606 - the file remanxl has just written
        else:
            subprocess.Popen(["open" if sys.platform == "darwin" else "xdg-open", str(path)])
    except OSError:
        pass  # the message box names the file


def new_from_template(folder: str | Path | None = None):
    """Write a fresh template into Documents/remanxl and open it."""
    import datetime as dt

    import xlwings as xw

    from remanxl.workbook.template import build_template

    if not folder:  # where install.py puts the template: the real Documents folder, perhaps moved to OneDrive
        from remanxl.excel.doctor import documents_folder

        folder = documents_folder() / "remanxl"
    folder = Path(folder)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = build_template(folder / f"remanxl_evaluation_{stamp}.xlsx")
    return xw.Book(str(path))


def open_guide(book=None):
    """Show the Guide sheet of the active workbook, or open a fresh template at its guide."""
    from remanxl.sheet.layout import GUIDE_SHEET

    book = book or _caller()
    if GUIDE_SHEET in [s.name for s in book.sheets]:
        book.sheets[GUIDE_SHEET].activate()
        return book
    new = new_from_template()
    new.sheets[GUIDE_SHEET].activate()
    return new


def about(book=None):
    """Versions and a diagnostics summary."""
    import io

    from remanxl import METHOD_VERSION, __version__

    book = book or _caller()
    report = io.StringIO()
    try:
        from remanxl.excel.doctor import run_doctor

        run_doctor(out=report)
    except Exception as exc:  # noqa: BLE001 - About must always answer
        report.write(f"diagnostics unavailable: {exc}")
    _alert(book, f"remanxl {__version__}\n{METHOD_VERSION}\n\n{report.getvalue()[:1500]}")
    return report.getvalue()
