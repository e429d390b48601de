"""The words users type, and what they mean: one vocabulary for every entry point.

Two data tables hold it (``data/choices.csv`` and ``data/aliases.csv``), beside the factor
tables whose keys and Chinese and English names are words too:

* **choices** — each closed list of the method (a row's side, its provenance, a part's fate,
  a setting such as the electricity basis …) with every choice's key, Chinese and English name
  and its other spellings;
* **aliases** — more spellings of any field (units such as 千瓦时 or 方, energy types such as
  电, refrigerants such as R134a), and a user's own, which add to the shipped ones and never
  remove one.

A word is compared in its :func:`~remanxl.method.values.fold` form (case, width and spaces do
not matter), except a unit symbol, whose case matters where it changes the unit: ``Mg``
(megagram) is not ``mg``, so only an exact, all-lower-case or all-upper-case spelling of a
symbol is taken (``kwh``, ``KWH``, ``kWh``; see :class:`remanxl.method.units.UnitTable`).

>>> words = choice_words()
>>> words.key("side", "再制造"), words.key("side", " Original  Manufacturing "), words.key("side", "sideways")
('reman', 'original', None)
>>> words.caption("provenance", "estimated")
'estimated 估算'
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

from remanxl.method.data import read_data
from remanxl.method.values import fold

#: Fields whose words name a row of a factor table (the rest of the vocabulary's fields are choices).
KEY_FIELDS = ("energy_type", "ghg_source", "pollutant", "unit", "grid_factor")


def _data(name: str) -> str:
    return read_data(name)


@dataclass(frozen=True)
class Choice:
    field: str
    key: str
    name_zh: str
    name_en: str
    source: str = ""

    @property
    def caption(self) -> str:
        """What a drop-down offers: the key and its Chinese name (``reman 再制造``)."""
        return f"{self.key} {self.name_zh}"


def _split(cell: str | None) -> list[str]:
    return [w.strip() for w in (cell or "").split(";") if w.strip()]


class ChoiceWords:
    """The closed lists of the method and every word that names one of their choices."""

    def __init__(self, choice_rows, alias_rows=()):
        self.choices: dict[str, dict[str, Choice]] = {}
        self._words: dict[str, dict[str, str]] = {}
        for r in choice_rows:
            c = Choice(r["field"].strip(), r["key"].strip(), (r.get("name_zh") or "").strip(),
                       (r.get("name_en") or "").strip(), (r.get("source") or "").strip())
            self.choices.setdefault(c.field, {})[c.key] = c
            words = self._words.setdefault(c.field, {})
            for w in (c.key, c.caption, c.name_zh, c.name_en, f"{c.key} {c.name_en}", *_split(r.get("aliases"))):
                if w:
                    words.setdefault(fold(w), c.key)
            words[fold(c.key)] = c.key  # a key always means itself
        self.aliases: list[dict] = []
        for r in alias_rows:
            self._add_alias(r)

    def _add_alias(self, row: dict) -> None:
        field, alias, key = (str(row.get(k) or "").strip() for k in ("field", "alias", "key"))
        if field and alias and key:
            self.aliases.append({"field": field, "alias": alias, "key": key})
            if field in self.choices and key in self.choices[field]:
                self._words[field].setdefault(fold(alias), key)

    def with_aliases(self, rows) -> ChoiceWords:
        """A copy that also knows the words of ``rows`` (``field``, ``alias``, ``key``); a built-in
        word keeps its meaning."""
        new = ChoiceWords.__new__(ChoiceWords)
        new.choices = self.choices
        new._words = {f: dict(w) for f, w in self._words.items()}
        new.aliases = list(self.aliases)
        for r in rows:
            new._add_alias(r)
        return new

    def key(self, field: str, text) -> str | None:
        """The choice ``text`` names in ``field``, or None."""
        words = self._words.get(field)
        return None if words is None or text is None else words.get(fold(text))

    def keys(self, field: str) -> tuple[str, ...]:
        return tuple(self.choices[field])

    def caption(self, field: str, key: str) -> str:
        return self.choices[field][key].caption

    def captions(self, field: str) -> list[str]:
        return [c.caption for c in self.choices[field].values()]

    def words(self, field: str) -> list[str]:
        """Every accepted spelling of ``field``'s choices, captions and keys first (drop-down order)."""
        c = self.choices[field]
        out = dict.fromkeys([x.caption for x in c.values()] + list(c))
        for x in c.values():
            out.update(dict.fromkeys(w for w in (x.name_zh, x.name_en) if w))
        for w, k in self._words[field].items():
            out.setdefault(w, None)
        return list(out)

    def spelled(self, field: str) -> list[tuple[str, str]]:
        """(word, key) for every word of ``field`` in its folded form (what native formulas look up)."""
        return list(self._words.get(field, {}).items())


@lru_cache(maxsize=1)
def choice_words() -> ChoiceWords:
    """The shipped vocabulary of closed lists (``data/choices.csv``, ``data/aliases.csv``)."""
    return ChoiceWords(csv.DictReader(io.StringIO(_data("choices.csv"))), shipped_aliases())


@lru_cache(maxsize=1)
def _alias_rows() -> tuple[dict, ...]:
    return tuple(csv.DictReader(io.StringIO(_data("aliases.csv"))))


def shipped_aliases() -> list[dict]:
    """The rows of ``data/aliases.csv``: field, alias, key, note."""
    return [dict(r) for r in _alias_rows()]


def aliases_of(field: str, rows=None) -> dict[str, str]:
    """Folded alias -> key for one field, from the shipped aliases and ``rows`` (a user's, added)."""
    out: dict[str, str] = {}
    for r in list(_alias_rows()) + list(rows or ()):
        if str(r.get("field") or "").strip() == field and r.get("alias") and r.get("key"):
            out.setdefault(fold(r["alias"]), str(r["key"]).strip())
    return out


__all__ = ["ChoiceWords", "Choice", "choice_words", "shipped_aliases", "aliases_of", "KEY_FIELDS"]
