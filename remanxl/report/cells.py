"""What a report's cells hold: bilingual text, and numbers that know where in the evaluation they come from.

Every number the report shows is a :class:`Num`: its value, the JSON pointer (RFC 6901) of that value
in the evaluation's JSON form (``remanxl evaluate --format json``), and how many decimals it is shown
with.  The HTML carries the pointer as ``data-src``, so a test (or an auditor) can check each shown
number against the evaluation it claims to come from.

>>> Num(0.8613029, "/indicators/SE/value", 2, percent=True).text
'86.13%'
>>> Num(-1234.5, "/x", 1).text
'−1,234.5'
>>> column_decimals([124.1068, 894.805, 0.83, 14.0])
3
>>> pointer("factors_used", "gwp", "HFC-134a (AR5)")
'/factors_used/gwp/HFC-134a (AR5)'
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from remanxl.i18n import Msg

#: Shown for a number that is absent (a rate that is undefined, a blank setting).
MISSING = "—"


@dataclass(frozen=True)
class Text:
    """A text in both languages (``zh`` empty or equal to ``en`` when it has one spelling only)."""

    en: str
    zh: str = ""

    @property
    def both(self) -> bool:
        return bool(self.zh) and self.zh != self.en


def T(key: str, **params) -> Text:
    """A catalogue message (:mod:`remanxl.i18n.report`) in both languages."""
    m = Msg(key, **params)
    return Text(m.render("en"), m.render("zh"))


def plain(text) -> Text:
    """Text that has one spelling (a product name, a file name, a key); a Msg keeps both languages."""
    if hasattr(text, "render"):
        return Text(text.render("en"), text.render("zh"))
    return Text("" if text is None else str(text))


@dataclass(frozen=True)
class Num:
    """A number shown in the report, with the JSON pointer of its source."""

    value: float | None
    src: str
    decimals: int = 2
    percent: bool = False

    @property
    def text(self) -> str:
        return format_number(self.value, self.decimals, self.percent)


def format_number(value, decimals: int, percent: bool = False) -> str:
    """Thousands separators, a fixed number of decimals, a true minus sign; percent as ``86.13%``."""
    if value is None:
        return MISSING
    v = value * 100 if percent else value
    text = f"{abs(v):,.{decimals}f}"
    negative = v < 0 and any(c not in "0.," for c in text)  # no "−0.00"
    return ("−" if negative else "") + text + ("%" if percent else "")


def column_decimals(values, minimum: int = 2, cap: int = 6) -> int:
    """Decimals that show the column's smallest non-zero magnitude with three significant digits.

    One count for the whole column, so its figures line up; at least ``minimum``, at most ``cap``.
    """
    small = min((abs(v) for v in values if isinstance(v, (int, float)) and v), default=None)
    if small is None:
        return minimum
    return max(minimum, min(cap, 2 - math.floor(math.log10(small))))


def count_decimals(values) -> int:
    """0 for counts that are whole numbers (all of them, usually); otherwise as :func:`column_decimals`."""
    numbers = [v for v in values if isinstance(v, (int, float))]
    if all(float(v).is_integer() for v in numbers):
        return 0
    return column_decimals(numbers)


def pointer(*parts) -> str:
    """The JSON pointer (RFC 6901) of a value: ``/a/b/0``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class Column:
    """A table column: its bilingual header and what it holds (``text``, ``num``, ``count``, ``pct``)."""

    header: Text
    kind: str = "text"
    minimum: int = 2  # least decimals of a ``num`` column
    share: str = ""  # columns with the same ``share`` (both sides of one quantity) get the same decimals


@dataclass(frozen=True)
class Heading:
    heading: Text


@dataclass
class Table:
    """A titled table; cells are :class:`Text`, :class:`Num` or None.  :meth:`add` takes raw numbers
    as ``(value, src)`` pairs and :meth:`rows` gives them the column's decimals."""

    title: Text | None
    columns: list[Column]
    raw: list[list] = field(default_factory=list)
    note: Text | None = None
    css: str = ""  # extra class of the table (its column widths)

    def add(self, *cells) -> None:
        self.raw.append(list(cells))

    def heading(self, text: Text) -> None:
        """A row across the table that names the rows below it."""
        self.raw.append(Heading(text))

    @property
    def rows(self) -> list:
        decimals = {}
        data = [r for r in self.raw if not isinstance(r, Heading)]
        for k, col in enumerate(self.columns):
            together = [j for j, c in enumerate(self.columns) if col.share and c.share == col.share] or [k]
            values = [r[j][0] for r in data for j in together if isinstance(r[j], tuple)]
            if col.kind == "num":
                decimals[k] = column_decimals(values, col.minimum)
            elif col.kind == "count":
                decimals[k] = count_decimals(values)
            elif col.kind == "pct":
                decimals[k] = 2
        out = []
        for r in self.raw:
            if isinstance(r, Heading):
                out.append(r)
                continue
            out.append([Num(c[0], c[1], decimals[k], self.columns[k].kind == "pct") if isinstance(c, tuple) else c
                        for k, c in enumerate(r)])
        return out

    def __bool__(self) -> bool:
        return bool(self.raw)

    @property
    def small(self) -> bool:
        """Short enough to keep on one page (a long table may break, its header repeated)."""
        return len(self.raw) <= 14
