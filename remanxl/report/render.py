"""The report as one self-contained HTML file: Jinja2 templates, inline CSS and SVG, no outside files.

Everything a user typed (product names, notes, file names) goes through Jinja2's autoescaping, so it
is shown as text and never becomes markup; the one place where it goes into CSS (the page footer)
is escaped for CSS by :func:`css_string`.
"""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache

from markupsafe import Markup

from remanxl.report.cells import T


class MissingPiece(RuntimeError):
    """An optional piece the report needs is not installed or not found (the message says which)."""


@lru_cache(maxsize=1)
def _environment():
    """The templates' environment, made once: it keeps each template compiled."""
    try:
        import jinja2
    except ModuleNotFoundError as exc:
        from remanxl.i18n import Msg

        raise MissingPiece(Msg("report.missing.jinja2")) from exc
    env = jinja2.Environment(loader=jinja2.PackageLoader("remanxl.report", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["T"] = T
    return env


def css_string(text: str) -> Markup:
    """``text`` as a CSS string literal: every character that could end it, or the style element, escaped."""
    safe = "".join(c if c.isalnum() or c in " .,:;_-()·/" else f"\\{ord(c):x} " for c in str(text))
    return Markup(f'"{safe}"')


def now_stamp() -> str:
    """The local time, to the minute, as the report prints it."""
    return _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")


def _page(template: str, orientation: str, doc_title: str, footer: str, **context) -> str:
    from remanxl import __version__

    page = T("report.page")
    return _environment().get_template(template).render(
        orientation=orientation, doc_title=doc_title, footer_css=css_string(footer),
        page_word_css=Markup(css_string(f"{page.en} {page.zh}")[1:-1]), version=__version__, **context)


def render_product(ev: dict, generated: str | None = None) -> str:
    """The HTML report of one evaluation (its JSON form, ``Evaluation.to_dict()``)."""
    from remanxl.report.model import product_report

    r = product_report(ev, generated or now_stamp())
    word = T("report.footer")
    footer = " · ".join(x for x in (r.product, f"GB/T 41350-2022 {word.en} {word.zh}") if x)
    title = f"{r.product} — {r.title.zh}" if r.product else f"{r.title.en} {r.title.zh}"
    return _page("report.html.j2", "portrait", title, footer, r=r)


def render_portfolio(items, sort: str = "product", generated: str | None = None, folder: str = "") -> str:
    """The HTML portfolio report of several evaluations (see :mod:`remanxl.report.portfolio`)."""
    from remanxl.report.portfolio import portfolio_report

    p = portfolio_report(items, sort, generated or now_stamp(), folder)
    word = T("report.footer")
    return _page("portfolio.html.j2", "landscape", f"{p.title.en} {p.title.zh}",
                 f"remanxl · GB/T 41350-2022 {word.en} {word.zh}", p=p)
