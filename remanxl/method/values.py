"""How remanxl reads a value a user typed: one rule for numbers, one for yes/no, one for words.

Every entry point — a Settings cell, an input-table cell, a Factors cell, a worksheet-function
argument, a JSON value — reads through these functions, so ``1,500`` means the same everywhere.

The number rule
---------------
A number is a number.  Text is read as a number when, after Unicode NFKC normalisation (which
turns full-width digits, signs, points and commas typed with a Chinese input method into their
ASCII forms: ``１５`` is ``15``, ``１，５００`` is ``1,500``) and trimming, it is

* an optional sign, digits, an optional decimal part with a point, and an optional exponent
  (``1500``, ``-3``, ``0.25``, ``1.2e3``), or
* the same with a comma between every group of three digits before the point (``1,500``,
  ``12,345.5``).

Everything else is refused with what was found: ``1,5`` (a decimal comma), ``1_000`` (a Python
spelling no spreadsheet reads), ``15%``, ``1 500``, ``twelve``.  Non-finite values are refused.
A boolean is not a number.

>>> parse_number("１，５００")
1500.0
>>> parse_number("1_000")
Traceback (most recent call last):
...
ValueError: expected a number, got text '1_000'
"""
from __future__ import annotations

import math
import re
import unicodedata

from remanxl.i18n import Msg

_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")

#: The words read as TRUE and FALSE wherever remanxl takes a yes/no value.
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "是", "真", "对", "x", "✓", "√"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "否", "假", "不"})


def fold(text) -> str:
    """A typed word in the form remanxl compares words in: NFKC, trimmed, case-folded, single spaces.

    >>> fold("  Ｒeman   Side ")
    'reman side'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def is_blank(value) -> bool:
    """An empty cell: None, text of spaces only, or NaN (what some readers give for an empty cell)."""
    return (value is None or (isinstance(value, str) and not value.strip())
            or (type(value) is float and value != value))


#: The largest number an input cell may hold.  No plant quantity in any unit remanxl knows comes near
#: it (a large plant's yearly electricity is about 4e16 kJ), and it keeps every product and sum of an
#: evaluation (quantity × N × unit mass × factor, over a million rows) far below a double's 1.8e308,
#: so a sum never overflows into an error without a cell to name.
MAX_NUMBER = 1e20


def parse_number(raw) -> float:
    """The number a cell or argument holds, by the number rule above; ``ValueError`` says what was found.

    Blank cells are not numbers here: callers decide what blank means.
    """
    if type(raw) is float:
        value = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond a double's range
            raise ValueError(Msg("value.not_finite", text=str(raw)[:40])) from None
    elif isinstance(raw, bool):
        raise ValueError(Msg("value.bool_not_number", value=str(raw).upper()))
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if _PLAIN.fullmatch(text):
            value = float(text)
        elif _GROUPED.fullmatch(text):
            value = float(text.replace(",", ""))
        elif "," in text and re.fullmatch(r"[+-]?[\d,]*\d,\d{1,2}", text):
            raise ValueError(Msg("value.decimal_comma", text=raw))
        else:
            raise ValueError(Msg("value.not_number", text=raw[:40]))
    else:
        raise ValueError(Msg("value.not_number", text=str(raw)[:40]))
    if not math.isfinite(value):
        raise ValueError(Msg("value.not_finite", text=str(raw)[:40]))
    if abs(value) > MAX_NUMBER:
        raise ValueError(Msg("value.too_large", text=str(raw)[:40], limit=f"{MAX_NUMBER:g}"))
    return value


def parse_bool(raw) -> bool:
    """TRUE/FALSE, 1/0 or one of :data:`TRUE_WORDS` / :data:`FALSE_WORDS`; ValueError otherwise."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = fold(raw)
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(Msg("value.not_bool", text=str(raw)[:40]))


__all__ = ["parse_number", "parse_bool", "fold", "is_blank", "TRUE_WORDS", "FALSE_WORDS"]
