"""The portfolio report: one row per product with its 14 rates, validity, estimated share and warnings.

Rows are sorted by the user's choice (product, file, validity, warning count, estimated share, or an
indicator, highest first); the HTML can be re-sorted by clicking a column header.  A chart per Class I
group shows the spread of each indicator across the products (lowest to highest, median marked).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from remanxl.report.cells import Num, T, Text, plain, pointer
from remanxl.report.charts import GROUP_COLOURS, Spread, spread_chart

SORT_KEYS = ("product", "file", "valid", "warnings", "estimated")


@dataclass
class ProductRow:
    file: str
    product: Text
    model: str
    valid: bool
    values: list[Num]
    estimated: Num
    warnings: Num


@dataclass
class PortfolioGroup:
    name: Text
    colour: str
    symbols: list[str]
    chart: str


@dataclass
class PortfolioReport:
    title: Text
    summary: Text
    generated: Text
    folder: str
    groups: list[PortfolioGroup]
    rows: list[ProductRow]
    failed: list[tuple[str, list[str]]] = field(default_factory=list)


def warning_count(ev: dict) -> int:
    """Warnings of the evaluation and of its indicators (the roll-up's ``warnings`` column)."""
    return len(ev.get("warnings", [])) + sum(len(r.get("warnings", [])) for r in ev["indicators"].values())


def sort_key_valid(word: str) -> str | None:
    """The canonical sort key for what a user typed (``se`` → ``SE``), or None."""
    from remanxl.method.indicators import SYMBOLS

    w = word.strip()
    if w.casefold() in SORT_KEYS:
        return w.casefold()
    return next((s for s in SYMBOLS if s.casefold() == w.casefold()), None)


def portfolio_report(items, sort: str, generated: str, folder: str = "") -> PortfolioReport:
    """The portfolio of ``items`` (:class:`remanxl.report.sources.Loaded`), sorted by ``sort``."""
    from remanxl import __version__
    from remanxl.i18n import Msg
    from remanxl.method.indicators import GROUPS, INDICATORS, SYMBOLS

    good = [i for i in items if i.ok]
    rows = []
    for item in good:
        ev, s = item.evaluation, item.evaluation["settings"]
        rows.append(ProductRow(
            item.path.name, plain(s.get("product") or "—"), str(s.get("model") or ""), bool(ev["valid"]),
            [Num(ev["indicators"][sym]["value"], pointer("indicators", sym, "value"), 1, True) for sym in SYMBOLS],
            Num(ev["provenance"].get("share_estimated"), pointer("provenance", "share_estimated"), 1, True),
            Num(warning_count(ev), "#warnings", 0),
        ))
    rows.sort(key=_sorter(sort))
    groups = []
    for key, (en, zh) in GROUPS.items():
        infos = [i for i in INDICATORS if i.group == key]
        spreads = []
        for info in infos:
            values = [i.evaluation["indicators"][info.symbol]["value"] for i in good]
            values = [v for v in values if v is not None]
            spreads.append(Spread(info.symbol, info.name_zh, min(values, default=None),
                                  statistics.median(values) if values else None, max(values, default=None),
                                  len(values)))
        groups.append(PortfolioGroup(Text(en, zh), GROUP_COLOURS[key], [i.symbol for i in infos],
                                     spread_chart(spreads, GROUP_COLOURS[key], f"{en} {zh}")))
    sort_name = (Msg(f"report.pf.sort.{sort}") if sort in SORT_KEYS else Msg("report.pf.sort.symbol", symbol=sort))
    return PortfolioReport(
        T("report.portfolio_title"),
        T("report.pf.summary", good=len(good), total=len(items), invalid=sum(not r.valid for r in rows),
          sort=sort_name),
        T("report.generated", when=generated, version=__version__), folder, groups, rows,
        [(i.path.name, [str(p) for p in i.problems]) for i in items if not i.ok])


def _sorter(sort: str):
    from remanxl.method.indicators import SYMBOLS

    if sort == "file":
        return lambda r: r.file.casefold()
    if sort == "valid":
        return lambda r: (r.valid, r.product.en.casefold(), r.file.casefold())
    if sort == "warnings":
        return lambda r: (-r.warnings.value, r.product.en.casefold())
    if sort == "estimated":
        return lambda r: (r.estimated.value is None, -(r.estimated.value or 0), r.product.en.casefold())
    if sort in SYMBOLS:
        k = SYMBOLS.index(sort)
        return lambda r: (r.values[k].value is None, -(r.values[k].value or 0), r.product.en.casefold())
    return lambda r: (r.product.en.casefold(), r.model.casefold(), r.file.casefold())
