"""In a workbook, values must be spelled as the drop-downs offer them.

The core is lenient: it reads 再制造 as ``reman``, ``kwh`` as ``kWh`` and 电力 as
``electricity``.  The template's native formulas are not: they compare text
(``side = "reman"``) and look keys up with MATCH.  A workbook that relied on
the core's leniency would show one figure in its native columns and another in
the Summary, so the workbook path asks for the canonical spelling instead, and
says which one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from remanxl.method.errors import Problem
from remanxl.method.inputs import ALIASES, TABLES

if TYPE_CHECKING:
    from remanxl.method.factors import FactorSet

#: Where the allowed keys of each key column come from.
KEY_TABLES = {"energy_type": ("energy_conversion",), "pollutant": ("pollution_equivalents", "lumped_pollutants"),
              "source": ("fuel_emission_factors", "gwp")}


#: The medium of the pollutant tables: a name both media share (苯, benzene) means the row of this one.
MEDIUM = {"air": "air", "water_pollutants": "water"}


def _canonical_key(column: str, text: str, factors: FactorSet, medium: str | None = None) -> str | None:
    if column == "source" and text.casefold() in ("electricity", "电力", "grid electricity"):
        return "electricity"
    for name in KEY_TABLES[column]:
        table = factors[name]
        if text in table:
            return table.resolve_where(text, "medium", medium) if medium and "medium" in table.columns \
                else table.resolve(text)
    return None


def _wanted(c, text: str, factors: FactorSet, extra_keys, medium: str | None = None) -> str | None:
    """The spelling the native formulas read for ``text`` in column ``c`` (None: leave to the core)."""
    if c.kind == "choice":
        return ALIASES[c.choices].get(text.casefold()) or ALIASES[c.choices].get(text)
    if c.kind == "unit":
        unit = factors.units.lookup(text)
        return unit.symbol if unit else None
    if c.kind == "key" and c.key in KEY_TABLES:
        return text if text in extra_keys else _canonical_key(c.key, text, factors, medium)
    return None


def needs_factors(table: str) -> bool:
    """Whether judging ``table``'s spellings needs the factor tables (units and keys are looked up there)."""
    return any(c.kind == "unit" or (c.kind == "key" and c.key in KEY_TABLES) for c in TABLES[table].columns)


def spelling_problems(table: str, rows, factors: FactorSet | None, extra_keys=frozenset()) -> list[Problem]:
    """Cells the core would accept but the native formulas would not read, with the spelling to use.

    ``rows`` is a :class:`~remanxl.method.inputs.ColumnTable`; each column is judged once per distinct
    value, so a 50,000-row ledger costs no more than its few distinct spellings.  ``factors`` may be
    None for a table that does not :func:`need <needs_factors>` them.
    """
    problems = []
    for c in TABLES[table].columns:
        cells = rows.columns.get(c.key)
        if cells is None or c.kind in ("text", "number"):
            continue
        verdict = {}
        for v in {v for v in set(cells) if type(v) is str}:
            text = v.strip()
            if not text:
                continue
            if c.kind == "bool":
                verdict[v] = (f"{text!r} is text; choose TRUE or FALSE from the drop-down (the sheet's formulas "
                              "read only those)")
                continue
            want = _wanted(c, text, factors, extra_keys, MEDIUM.get(table))
            if want is not None and want != v:
                verdict[v] = (f"write {want!r} (the drop-down's spelling) instead of {v!r}: the sheet's own "
                              "formulas read only that")
        if verdict:
            problems += [Problem(table, rows.rows[k], c.key, verdict[v]) for k, v in enumerate(cells) if v in verdict]
    return problems
