"""Evaluate from raw 2-D blocks as a spreadsheet holds them (used by ``REMAN_EVALUATE``).

Each block's header row says what it is: an input table (see
:func:`remanxl.method.inputs.match_headers`), the settings (headers
``Setting``/``Value``), or a factor table (its CSV columns).
"""
from __future__ import annotations

from remanxl.method.errors import InputError
from remanxl.method.evaluate import Evaluation, evaluate
from remanxl.method.factors import default_factors, factor_rows
from remanxl.method.indicators import BY_SYMBOL
from remanxl.method.inputs import EvaluationInput, rows_from_grid

HEADER = ["Symbol 符号", "Indicator 指标", "指标名称", "Value 值", "Numerator 分子", "Denominator 分母",
          "Unit 单位", "Basis 基准", "Status 状态", "Warnings 提示"]


def _grid(block) -> list[list]:
    if not isinstance(block, (list, tuple)):
        return [[block]]
    return [list(r) if isinstance(r, (list, tuple)) else [r] for r in block]


def _settings_block(grid) -> dict | None:
    """A settings range: first header "Setting", and a header starting "Value" (the template's Settings table)."""
    head = [str(h).strip().casefold() if h is not None else "" for h in grid[0]]
    if not head or not head[0].startswith("setting"):
        return None
    value = next((i for i, h in enumerate(head) if h.startswith("value")), None)
    if value is None:
        return None
    return {str(r[0]).strip(): (r[value] if len(r) > value else None)
            for r in grid[1:] if r and r[0] not in (None, "")}


def _factor_block(grid) -> tuple[str, list[dict]] | None:
    head = [str(h).strip() if h is not None else "" for h in grid[0]]
    for name, table in default_factors().tables.items():
        if head[: len(table.columns)] == table.columns:
            return name, factor_rows(table.columns, grid[1:])
    return None


def evaluate_grids(blocks) -> Evaluation:
    """An :class:`Evaluation` from blocks of cells, each with its header row first."""
    settings, tables, factors, problems = {}, {}, {}, []
    for block in blocks:
        grid = _grid(block)
        if not grid or not grid[0]:
            continue
        s = _settings_block(grid)
        if s is not None:
            settings.update({k: v for k, v in s.items() if not k.startswith("#")})
            continue
        fb = _factor_block(grid)
        if fb is not None:
            factors[fb[0]] = fb[1]
            continue
        name, rows, probs = rows_from_grid(grid)
        problems += probs
        if name:
            tables.setdefault(name, []).extend(rows)
    if problems:
        raise InputError(problems)
    return evaluate(EvaluationInput(settings, tables, factors, source="worksheet ranges"))


def indicator_table(ev: Evaluation) -> list[list]:
    """The 14-row table a worksheet shows: header row, then one row per indicator."""
    rows = [list(HEADER)]
    for symbol, r in ev.indicators.items():
        info = BY_SYMBOL[symbol]
        value = r.value if r.value is not None else f"#DIV/0! {r.reason}"
        rows.append([symbol, info.name_en, info.name_zh, value, r.numerator if r.numerator is not None else "",
                     r.denominator if r.denominator is not None else "", r.unit, r.basis, r.status,
                     "; ".join(r.warnings)])
    # A fixed 16 rows, so a worksheet can hold the result in a fixed array range.
    status = "Valid 有效" if ev.valid else "INVALID 无效: " + "; ".join(ev.invalid_reasons)
    rows.append(["Status 状态", status, "", "", "", "", "", "", "", "; ".join(ev.warnings)])
    return rows


__all__ = ["evaluate_grids", "indicator_table"]
