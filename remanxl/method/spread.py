"""How uncertain one number is, as a user types it: a GSD² or a ± percentage.

The spread of a lognormal quantity is given, as in the ecoinvent pedigree approach, by its
geometric standard deviation squared (GSD²): about 95 % of its values lie between
``median / GSD²`` and ``median × GSD²``.  A GSD² of 1 is no spread at all.

A row of an input table may override the default spread of its provenance in its
``uncertainty`` column, typed either way:

>>> parse_spread(1.2)        # a GSD²
1.2
>>> parse_spread("±15%")     # ± 15 %: the 95 % range is value / 1.15 … value × 1.15
1.15
>>> parse_spread(0.15)       # the same typed in a percent-formatted cell (Excel stores 15% as 0.15)
1.15
>>> parse_spread(None) is None
True

A ± percentage of 100 % or more would be ambiguous with a GSD² (``150%`` and ``1.5``): type a
GSD² instead (±100 % is GSD² 2).  This module is pure Python: numpy is needed only to draw.
"""
from __future__ import annotations

import math

from remanxl.i18n import Msg
from remanxl.method.values import is_blank, parse_number

_PLUS_MINUS = ("±", "+/-", "+-", "+")


def parse_spread(raw) -> float | None:
    """The GSD² a cell of the ``uncertainty`` column means; ``ValueError`` says what to type.

    Parameters
    ----------
    raw : str, float, int or None
        A GSD² (a number ≥ 1), a ± fraction (a number in [0, 1): 0.15 is ±15 %) or a text ± percentage
        (``"15%"``, ``"±15 %"``, ``"+/-15%"``; full-width ``％`` and ``±`` accepted).

    Returns
    -------
    float or None
        The GSD² (≥ 1); None for a blank cell (the provenance default applies).
    """
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(Msg("uncertainty.spread", text=str(raw)))
    if isinstance(raw, (int, float)):
        return _from_number(float(raw), raw)
    text = str(raw).strip().replace("％", "%").replace("＋", "+").replace("／", "/")
    for sign in _PLUS_MINUS:
        if text.startswith(sign):
            text = text[len(sign):].strip()
            break
    try:
        if text.endswith("%"):
            p = parse_number(text[:-1].strip()) / 100.0
            if not 0.0 <= p < 1.0:
                raise ValueError
            return 1.0 + p
        return _from_number(parse_number(text), raw)
    except ValueError:
        raise ValueError(Msg("uncertainty.spread", text=str(raw)[:40])) from None


def _from_number(v: float, raw) -> float:
    if not math.isfinite(v) or v < 0:
        raise ValueError(Msg("uncertainty.spread", text=str(raw)[:40]))
    return 1.0 + v if v < 1.0 else v


def sigma_of(gsd2: float) -> float:
    """σ of ln X for a lognormal of GSD² ``gsd2``: σ = ln(GSD²) / 2 (ecoinvent's convention, 2σ ≈ 95 %)."""
    return math.log(gsd2) / 2.0


def pedigree_gsd2(factors, basic: float = 1.0) -> float:
    """GSD² of a datum from its pedigree uncertainty factors (ecoinvent data quality guideline v3).

    GSD² = exp(√(ln(U_b)² + Σ ln(U_i)²)), U_b the basic uncertainty and U_i the factor of each
    pedigree indicator's score (Frischknecht et al. 2007, eq. 7.1; Weidema et al. 2013).

    >>> round(pedigree_gsd2([1.0, 1.02, 1.0, 1.0, 1.0], 1.05), 4)  # measured: reliability 1, completeness 2
    1.0541
    """
    return math.exp(math.sqrt(math.log(basic) ** 2 + sum(math.log(u) ** 2 for u in factors)))
