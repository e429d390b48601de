"""Units of measure: every quantity is normalised before anything is added.

The unit table is data (``data/units.csv``): each unit names its dimension
(``mass``, ``energy``, ``volume``) and its factor to that dimension's base unit
(kg, MJ, m3).  Conversions between dimensions are refused; that is the error
that catches electricity typed in kg.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from remanxl.i18n import Msg
from remanxl.method.errors import RemanxlError
from remanxl.method.values import fold

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


#: The dimensions' names, for messages.
DIMENSIONS = {"mass": ("a mass", "质量"), "energy": ("an energy", "能量"), "volume": ("a volume", "体积")}


def _norm(symbol) -> str:
    return unicodedata.normalize("NFKC", str(symbol)).strip().translate(_FOLD)


def _word(text) -> str:
    """A unit's name or alias as compared: folded, without spaces (a symbol never has one: ``k Wh`` is kWh)."""
    return fold(text).replace(" ", "").translate(_FOLD)


class UnitTable:
    """Look-up and conversion over the rows of the units table.

    A unit is found by its symbol (exact, or spelled in one case: ``kwh``, ``KG``), by its Chinese
    or English name (千瓦时, kilogram) or by an alias of the vocabulary (``aliases``: folded word ->
    symbol, such as 方 for m3).  Mixed-case variants of a symbol are not guessed: ``Mg``
    (megagram) is not ``mg``, ``mWh`` is not ``MWh``.
    """

    def __init__(self, rows, aliases: dict[str, str] | None = None):
        self._units: dict[str, Unit] = {}
        self._folded: dict[str, list[Unit]] = {}
        self._words: dict[str, Unit] = {}
        rows = list(rows)
        for r in rows:
            unit = Unit(r["unit"], r["dimension"], float(r["to_base"]), r["base"])
            self._units[_norm(unit.symbol)] = unit
            self._folded.setdefault(_norm(unit.symbol).casefold(), []).append(unit)
        for r in rows:
            for name in (r.get("name_zh"), r.get("name_en")):
                if isinstance(name, str) and name.strip():
                    self._words.setdefault(_word(name), self._units[_norm(r["unit"])])
        for word, symbol in (aliases or {}).items():
            unit = self._units.get(_norm(symbol))
            if unit is not None:
                self._words.setdefault(_word(word), unit)

    def lookup(self, symbol) -> Unit | None:
        """The unit ``symbol`` names (see the class), or None."""
        text = _norm(symbol)
        if text in self._units:
            return self._units[text]
        candidates = self._folded.get(text.casefold(), [])
        if len(candidates) == 1 and (text == text.lower() or text == text.upper()):
            return candidates[0]
        return self._words.get(_word(symbol))

    def get(self, symbol: str) -> Unit:
        unit = self.lookup(symbol)
        if unit is None:
            raise UnitError(Msg("unit.unknown", text=str(symbol)[:40], known=", ".join(self.symbols())))
        return unit

    def __contains__(self, symbol) -> bool:
        return isinstance(symbol, str) and self.lookup(symbol) is not None

    def symbols(self, dimension: str | None = None) -> list[str]:
        return [u.symbol for u in self._units.values() if dimension in (None, u.dimension)]

    def factor(self, from_unit: str, to_unit: str, density: float | None = None) -> float:
        """Multiplier taking a quantity in ``from_unit`` to ``to_unit``.

        ``density`` (kg/m3) lets a mass be converted to a volume and back (water typed in 吨 on the
        Water sheet); without it, units of different dimensions are refused.
        """
        src, dst = self.get(from_unit), self.get(to_unit)
        if src.dimension == dst.dimension:
            return src.to_base / dst.to_base
        if density and {src.dimension, dst.dimension} == {"mass", "volume"}:
            kg, m3 = self.get("kg"), self.get("m3")
            if src.dimension == "mass":  # mass -> kg -> m3 -> dst
                return src.to_base / kg.to_base / density * m3.to_base / dst.to_base
            return src.to_base / m3.to_base * density * kg.to_base / dst.to_base
        raise UnitError(Msg("unit.dimension", unit=src.symbol, dimension=_dimension(src.dimension),
                            expected=_dimension(dst.dimension), examples=", ".join(self.symbols(dst.dimension)[:5])))

    def convert(self, value: float, from_unit: str, to_unit: str) -> float:
        return value * self.factor(from_unit, to_unit)


def _dimension(name: str):
    from remanxl.i18n import Choice

    en, zh = DIMENSIONS.get(name, (name, name))
    return Choice(en, zh)
