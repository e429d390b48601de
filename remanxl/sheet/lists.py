"""The vocabulary as a workbook holds it: one list of words per field, for drop-downs and native formulas.

The *Lists* sheet has two columns per field: every word remanxl accepts for it, and the key each
word means.  The drop-down of an input column offers that list (captions such as ``reman 再制造``
first); a native formula reads a cell as ``INDEX(keys, MATCH(word, words, 0))``.  Words come from
three places, as in the core (:mod:`remanxl.method.vocabulary`):

* the shipped choices and aliases, written as constants;
* the factor tables' rows (keys, Chinese and English names, captions), written as formulas over
  each row of the table, so that a row a user adds to a factor table is a word at once;
* the Aliases table of the Factors sheet, one formula per row of it, so that a user's alias is
  read by the native formulas as by remanxl.
"""
from __future__ import annotations

from dataclasses import dataclass

from remanxl.method.values import fold
from remanxl.method.vocabulary import choice_words, shipped_aliases
from remanxl.sheet.layout import ALIASES_ROWS, ALIASES_TABLE, FACTOR_SPARE_ROWS, FACTOR_TABLES, LISTS_SHEET


@dataclass(frozen=True)
class Entry:
    """One word of a list: a constant, or formulas (file form, no ``=``) for the word and its key."""

    word: str
    key: str
    formula: bool = False


#: Choice fields of the input tables and settings whose words are constants (plus the user's aliases).
CHOICE_FIELDS = ("side", "provenance", "flow", "stream", "waste_category", "fate", "treatment", "material_category",
                 "remanufacturer_type", "electricity_basis", "gwp_set", "fuel_factor_method", "air_aggregation",
                 "effluent_basis", "oxygen_demand_parameter", "basis", "rwp_denominator", "language")
#: Fields whose words are rows of factor tables: field -> (table, row filter column, its value).
KEY_FIELDS = {
    "energy_type": (("energy_conversion", None, None),),
    "ghg_source": (("fuel_emission_factors", None, None), ("gwp", None, None)),
    "pollutant_air": (("pollution_equivalents", "medium", "air"), ("lumped_pollutants", "medium", "air")),
    "pollutant_water": (("pollution_equivalents", "medium", "water"), ("lumped_pollutants", "medium", "water")),
    "unit": (("units", None, None),),
    "grid_factor": (("grid_emission_factors", None, None),),
}
FIELDS = ("bool",) + CHOICE_FIELDS + tuple(KEY_FIELDS)
#: The vocabulary field of the aliases that extend a list (both pollutant lists take "pollutant" aliases).
ALIAS_FIELD = {"pollutant_air": "pollutant", "pollutant_water": "pollutant"}

TRUE_WORD, FALSE_WORD = "TRUE", "FALSE"


def _choice_entries(field: str) -> list[Entry]:
    words = choice_words()
    c = words.choices[field]
    entries = [Entry(x.caption, x.key) for x in c.values()]
    seen = {fold(e.word) for e in entries}
    for word, key in [(k, k) for k in c] + [(x.name_zh, x.key) for x in c.values()] + \
            [(x.name_en, x.key) for x in c.values()] + [(w, k) for w, k in words.spelled(field)]:
        if word and fold(word) not in seen:
            seen.add(fold(word))
            entries.append(Entry(word, key))
    return entries


def _bool_entries() -> list[Entry]:
    from remanxl.method.values import FALSE_WORDS, TRUE_WORDS

    entries = [Entry(TRUE_WORD, TRUE_WORD), Entry(FALSE_WORD, FALSE_WORD)]
    entries += [Entry(w, TRUE_WORD) for w in sorted(TRUE_WORDS - {"true"})]
    entries += [Entry(w, FALSE_WORD) for w in sorted(FALSE_WORDS - {"false"})]
    return entries


def _table_entries(field: str) -> list[Entry]:
    """Formulas over every row (shipped and spare) of the field's factor tables: captions first, then keys
    and names, so a drop-down offers the captions."""
    from remanxl.method.factors import default_factors

    f = default_factors()
    groups: list[list[Entry]] = [[], [], []]  # captions / keys, Chinese names, English names
    for name, col, value in KEY_FIELDS[field]:
        t = f[name]
        excel = FACTOR_TABLES[name]
        n = len(t.rows) + FACTOR_SPARE_ROWS
        for i in range(1, n + 1):
            key = f"INDEX({excel}[{t.key}],{i})"
            ok = f'AND({key}<>"",INDEX({excel}[{col}],{i})="{value}")' if col else f'{key}<>""'
            if field == "unit":  # symbols stand for themselves; names may carry spaces a symbol never has
                groups[0].append(Entry(f'IF({ok},{key},"")', f'IF({ok},{key},"")', True))
            elif "name_zh" in t.columns:
                groups[0].append(Entry(f'IF({ok},{key}&" "&INDEX({excel}[name_zh],{i}),"")',
                                       f'IF({ok},{key},"")', True))
                groups[0].append(Entry(f'IF({ok},{key},"")', f'IF({ok},{key},"")', True))
            else:
                groups[0].append(Entry(f'IF({ok},{key},"")', f'IF({ok},{key},"")', True))
            for g, column in ((1, "name_zh"), (2, "name_en")):
                if column in t.columns:
                    word = f"INDEX({excel}[{column}],{i})"
                    if field == "unit":
                        word = f'SUBSTITUTE({word}," ","")'
                    groups[g].append(Entry(f'IF(AND({ok},INDEX({excel}[{column}],{i})<>""),{word},"")',
                                           f'IF({ok},{key},"")', True))
    entries = [e for g in groups for e in g]
    if field == "ghg_source":
        entries.insert(0, Entry("electricity 电力", "electricity"))
        entries.insert(1, Entry("electricity", "electricity"))
    return entries


def _alias_entries(field: str) -> list[Entry]:
    """The shipped aliases of the field (constants), then a formula per row of the Aliases table."""
    vocab_field = ALIAS_FIELD.get(field, field)
    out = []
    if field in KEY_FIELDS:
        for r in shipped_aliases():
            if r["field"] == vocab_field:
                word = r["alias"].replace(" ", "") if field == "unit" else r["alias"]
                out.append(Entry(word, r["key"]))
    for i in range(1, ALIASES_ROWS + 1):
        hit = f'INDEX({ALIASES_TABLE}[field],{i})="{vocab_field}"'
        word = f"INDEX({ALIASES_TABLE}[alias],{i})"
        if field == "unit":
            word = f'SUBSTITUTE({word}," ","")'
        out.append(Entry(f'IF({hit},{word},"")', f'IF({hit},INDEX({ALIASES_TABLE}[key],{i}),"")', True))
    return out


def entries(field: str) -> list[Entry]:
    """Every word of ``field`` in list order (what a drop-down shows), with its key."""
    if field == "bool":
        return _bool_entries() + _alias_entries(field)
    if field in KEY_FIELDS:
        return _table_entries(field) + _alias_entries(field)
    return _choice_entries(field) + _alias_entries(field)


def words_name(field: str) -> str:
    """Defined name of a field's words (the drop-down source and the MATCH range)."""
    return f"rx_words_{field}"


def keys_name(field: str) -> str:
    return f"rx_keys_{field}"


def symbols_count(field: str) -> int:
    """How many of the unit list's first words are symbols (their case matters: see :func:`unit_key`)."""
    from remanxl.method.factors import default_factors

    return len(default_factors()["units"].rows) + FACTOR_SPARE_ROWS if field == "unit" else 0


def lists_sheet_columns() -> list[tuple[str, list[Entry]]]:
    """The Lists sheet, left to right: (field, its entries); each field takes two columns (word, key)."""
    return [(field, entries(field)) for field in FIELDS]


__all__ = ["entries", "words_name", "keys_name", "lists_sheet_columns", "FIELDS", "CHOICE_FIELDS", "KEY_FIELDS",
           "LISTS_SHEET", "Entry", "symbols_count", "TRUE_WORD", "FALSE_WORD"]
