"""Errors with enough context for a user to find and fix the cell at fault."""
from __future__ import annotations

from dataclasses import dataclass


class RemanxlError(Exception):
    """Base class of every error remanxl raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``table`` and ``column`` are the method's own keys (``"energy"``,
    ``"unit"``); ``row`` is the 0-based index of the row within its table, or
    ``None`` for a problem with the table as a whole or with a setting.  The
    workbook layer maps these onto sheet, row number and column letter.
    """

    table: str
    row: int | None
    column: str | None
    message: str

    def where(self) -> str:
        parts = [self.table]
        if self.row is not None:
            parts.append(f"row {self.row + 1}")
        if self.column:
            parts.append(self.column)
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class InputError(RemanxlError, ValueError):
    """The input is wrong; ``problems`` lists every fault found, not only the first."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("input", None, None, problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UndefinedRateError(RemanxlError, ArithmeticError):
    """A rate whose denominator is zero or empty: undefined, never 0 % or 100 %."""


_INF = float("inf")


def excel_precision(x):
    """``x`` rounded to the 15 significant digits a spreadsheet shows and stores.

    Results are computed in double precision; what is written out (JSON, the summary
    sheet, a cell) is rounded once to 15 digits, so 1 MWh of electricity reads
    122.9 kgce and not 122.89999999999999.
    """
    if type(x) is float and -_INF < x < _INF:  # finite (NaN compares false)
        rounded = float(f"{x:.15g}")
        # Within 5e292 of the largest double, rounding up to 15 digits overflows to infinity: keep x.
        return rounded if -_INF < rounded < _INF else x
    return x
