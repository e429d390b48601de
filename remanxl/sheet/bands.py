"""The uncertainty of a workbook's rates in the workbook's own terms: inputs named by sheet and row.

:func:`uncertainty_dict` is what ``remanxl evaluate --uncertainty`` prints under each rate;
:func:`band_table` gives a sheet writer the bands (one row per comparison rate) under their headers.
"""
from __future__ import annotations

from remanxl.method.errors import excel_precision
from remanxl.sheet.layout import BY_TABLE, HEADER_ROW


def where(table: str, row: int) -> tuple[str, int]:
    """The worksheet and the 1-based sheet row of an input row (``row`` = its position below the header)
    as the remanxl template lays the tables out."""
    return BY_TABLE[table].sheet, HEADER_ROW + 1 + row


def _named(c, in_workbook: bool) -> dict:
    d = c.to_dict()
    if in_workbook and c.kind == "row" and c.table in BY_TABLE and c.row >= 0:
        d["sheet"], d["sheet_row"] = where(c.table, c.row)
        d["name"] = f"{d['sheet']} row {d['sheet_row']}"
    return d


def uncertainty_dict(sim, in_workbook: bool) -> dict:
    """Per rate: ``uncertainty`` (mean, p5, p50, p95, p_positive, draws, seed) and ``sensitivity``
    (``variance``: the ten inputs with the largest first-order share of the variance; ``tornado``: the
    rate with each input 10 % lower and higher), rows named by sheet and row for a workbook."""
    out = {}
    for symbol, band in sim.bands.items():
        out[symbol] = _rounded({
            "uncertainty": band.to_dict(),
            "sensitivity": {"variance": [_named(c, in_workbook) for c in sim.contributors.get(symbol, [])],
                            "tornado": [_named(c, in_workbook) for c in sim.tornado.get(symbol, [])]}})
    return out


def _rounded(obj):
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    if isinstance(obj, float) and obj != obj:
        return None  # JSON has no NaN: a band with no defined draw
    return excel_precision(obj)


def band_table(sim) -> tuple[tuple[str, ...], list[tuple]]:
    """Headers and rows of the bands for a sheet (see :func:`remanxl.method.montecarlo.band_rows`)."""
    from remanxl.method.montecarlo import BAND_HEADERS, band_rows

    return BAND_HEADERS, band_rows(sim)
