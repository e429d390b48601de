"""The pandas interface: an evaluation's input as a dict of DataFrames, and its results as a DataFrame.

The dict holds one DataFrame per input table (``energy`` … ``parts``, columns = the table's column
keys, index = the row as the workbook numbers it below its header), ``settings`` (columns ``setting``
and ``value``), ``aliases`` (``field``, ``alias``, ``key``) and one ``factors.<table>`` per factor table
the input edits.  :func:`remanxl.read_workbook` makes it from a workbook; :func:`remanxl.evaluate` takes
it as it is (a blank cell may be NaN or None).

pandas is an optional extra (``pip install "remanxl[uncertainty]"``), imported only here and only
when a DataFrame is made; reading a dict of DataFrames needs only their ``to_dict`` method.
"""
from __future__ import annotations

import math

from remanxl.i18n import Msg
from remanxl.method.inputs import TABLES, EvaluationInput

FACTORS_PREFIX = "factors."


def pandas():
    """The pandas module, or :class:`~remanxl.method.montecarlo.MissingExtraError` saying how to install it."""
    try:
        import pandas
    except ImportError:
        from remanxl.method.montecarlo import MissingExtraError

        raise MissingExtraError(Msg("uncertainty.needs_numpy", package="pandas")) from None
    return pandas


def is_frame(obj) -> bool:
    """Whether ``obj`` reads like a DataFrame (without importing pandas)."""
    return hasattr(obj, "to_dict") and hasattr(obj, "columns") and hasattr(obj, "index")


def _blank(v):
    """NaN, NaT and pandas' NA as None; numpy scalars as Python numbers."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and math.isnan(v):
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    return v


def _records(frame, with_row: bool = True) -> list[dict]:
    out = []
    for position, (index, rec) in enumerate(zip(frame.index, frame.to_dict("records"))):
        row = {str(k): _blank(v) for k, v in rec.items() if _blank(v) is not None}
        if with_row:
            index = _blank(index)
            row["_row"] = int(index) if isinstance(index, (int, float)) and float(index).is_integer() else position
        out.append(row)
    return out


def input_from_frames(data: dict, source: str = "") -> EvaluationInput:
    """An :class:`EvaluationInput` from a dict whose tables may be DataFrames (or lists of row dicts)."""
    plain: dict = {"format": "remanxl-evaluation", "version": 1}
    factors: dict = dict(data.get("factors") or {})
    for key, value in data.items():
        if key.startswith(FACTORS_PREFIX):
            factors[key[len(FACTORS_PREFIX):]] = _records(value) if is_frame(value) else value
        elif key == "settings" and is_frame(value):
            plain["settings"] = {r["setting"]: r.get("value") for r in _records(value, False) if "setting" in r}
        elif key in TABLES or key == "aliases":
            plain[key] = _records(value, key in TABLES) if is_frame(value) else value
        elif key != "factors":
            plain[key] = value
    if factors:
        plain["factors"] = factors
    return EvaluationInput.from_dict(plain, source)


def frames_of_input(inp: EvaluationInput) -> dict:
    """The dict of DataFrames of an input (see the module docstring)."""
    pd = pandas()
    out = {}
    for name, schema in TABLES.items():
        rows = list(inp.tables.get(name, []))
        index = [r.get("_row", k) for k, r in enumerate(rows)]
        frame = pd.DataFrame([{c: r.get(c) for c in schema.keys} for r in rows], columns=list(schema.keys),
                             index=pd.Index(index, name="row"))
        out[name] = frame
    out["settings"] = pd.DataFrame({"setting": list(inp.settings), "value": list(inp.settings.values())})
    out["aliases"] = pd.DataFrame(list(inp.aliases), columns=["field", "alias", "key"])
    for table, rows in (inp.factors or {}).items():
        rows = list(rows)
        out[FACTORS_PREFIX + table] = pd.DataFrame(
            [{k: v for k, v in r.items() if k != "_row"} for r in rows],
            index=pd.Index([r.get("_row", k) for k, r in enumerate(rows)], name="row"))
    return out


#: Columns of :func:`evaluation_frame`.
FRAME_COLUMNS = ("value", "numerator", "denominator", "unit", "basis", "status", "warnings", "reason")


def evaluation_frame(ev):
    """One row per indicator (index: the symbol) with value, numerator, denominator, unit, basis, status,
    warnings (joined by "; ") and the reason a value is missing."""
    pd = pandas()
    rows = [{"value": r.value, "numerator": r.numerator, "denominator": r.denominator, "unit": r.unit,
             "basis": r.basis, "status": r.status, "warnings": "; ".join(map(str, r.warnings)),
             "reason": str(r.reason)} for r in ev.indicators.values()]
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS), index=pd.Index(list(ev.indicators), name="symbol"))
