"""Units of measure: every quantity is normalised before anything is added.

The unit table is data (``data/units.csv``): each unit names its dimension
(``mass``, ``energy``, ``volume``) and its factor to that dimension's base unit
(kg, MJ, m3).  Conversions between dimensions are refused; that is the error
that catches electricity typed in kg.
"""
from __future__ import annotations

from dataclasses import dataclass

from remanxl.method.errors import RemanxlError

#: Characters users type for the same unit: m³ for m3, ℓ for L and so on.
_FOLD = str.maketrans({"³": "3", "²": "2", "ℓ": "L", " ": "", "·": "", "⋅": ""})


class UnitError(RemanxlError, ValueError):
    """A unit that is unknown, or of the wrong dimension for the quantity."""


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    to_base: float
    base: str


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _norm(symbol) -> str:
    return str(symbol).strip().translate(_FOLD)


def _fold(symbol: str) -> str:
    return _norm(symbol).casefold()


class UnitTable:
    """Look-up and conversion over the rows of the units table."""

    def __init__(self, rows):
        self._units: dict[str, Unit] = {}
        self._folded: dict[str, list[Unit]] = {}
        for r in rows:
            unit = Unit(r["unit"], r["dimension"], float(r["to_base"]), r["base"])
            self._units[_norm(unit.symbol)] = unit
            self._folded.setdefault(_fold(unit.symbol), []).append(unit)

    def lookup(self, symbol) -> Unit | None:
        """The unit named ``symbol``: exact spelling, or a one-case spelling (kwh, KG, M3) of a single unit.

        Mixed-case variants are not guessed: ``Mg`` (megagram) is not ``mg``, ``mWh`` is not ``MWh``.
        """
        text = _norm(symbol)
        if text in self._units:
            return self._units[text]
        candidates = self._folded.get(text.casefold(), [])
        if len(candidates) == 1 and (text == text.lower() or text == text.upper()):
            return candidates[0]
        return None

    def get(self, symbol: str) -> Unit:
        unit = self.lookup(symbol)
        if unit is None:
            raise UnitError(f"unknown unit {symbol!r}; known units: {', '.join(self.symbols())}")
        return unit

    def __contains__(self, symbol) -> bool:
        return isinstance(symbol, str) and self.lookup(symbol) is not None

    def symbols(self, dimension: str | None = None) -> list[str]:
        return [u.symbol for u in self._units.values() if dimension in (None, u.dimension)]

    def factor(self, from_unit: str, to_unit: str) -> float:
        """Multiplier taking a quantity in ``from_unit`` to ``to_unit``."""
        src, dst = self.get(from_unit), self.get(to_unit)
        if src.dimension != dst.dimension:
            raise UnitError(
                f"unit {src.symbol!r} is {_a(src.dimension)} unit; expected {_a(dst.dimension)} unit "
                f"such as {', '.join(self.symbols(dst.dimension)[:5])}"
            )
        return src.to_base / dst.to_base

    def convert(self, value: float, from_unit: str, to_unit: str) -> float:
        return value * self.factor(from_unit, to_unit)
