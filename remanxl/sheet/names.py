"""Human names, in both languages, for the codes an evaluation uses (the report, the Summary sheet).

Energy types and pollutants are named by the factor tables' ``name_en``/``name_zh`` columns (the
Factors sheet of the workbook shows the same names); codes no table names (material categories,
parts-ledger populations, provenance) are named in the message catalogue.  A code nobody names is
shown as it is (a row a user added to a factor table under a key of their own).
"""
from __future__ import annotations

from functools import lru_cache

from remanxl.i18n import Choice, catalogue


def Text(en: str, zh: str = "") -> Choice:  # noqa: N802 - reads like the constructor it stands for
    """A name in both languages (one spelling when ``zh`` is empty)."""
    return Choice(en, zh or en)


@lru_cache(maxsize=1)
def _tables():
    from remanxl.method.factors import default_factors

    return default_factors()


def _catalogued(key: str) -> Text | None:
    texts = catalogue().get(key)
    return Text(*texts) if texts else None


def _from_table(table: str, key: str) -> Text | None:
    t = _tables().tables.get(table)
    if t is None or key not in t:
        return None
    row = t.row(key)
    en, zh = row.get("name_en"), row.get("name_zh")
    return Text(str(en), str(zh or "")) if en else None


def energy(key: str) -> Text:
    return _catalogued(f"report.name.energy.{key}") or _from_table("energy_conversion", key) or Text(key)


def ghg_source(key: str) -> Text:
    """Electricity, a fuel (named like the energy type of the same key) or a gas (its formula)."""
    return (_catalogued(f"report.name.ghg.{key}") or _from_table("energy_conversion", key) or Text(key))


def pollutant(key: str) -> Text:
    return _from_table("pollution_equivalents", key) or _from_table("lumped_pollutants", key) or Text(key)


def code(group: str, key: str) -> Text:
    """A code named in the catalogue as ``report.name.<group>.<key>`` (material category, waste …)."""
    return _catalogued(f"report.name.{group}.{key}") or Text(str(key))


def factor_table(name: str) -> Text:
    t = _tables().tables.get(name)
    return Text(t.title_en, t.title_zh) if t is not None and t.title_en else Text(name)


def factor_entry(table: str, key: str) -> Text:
    """The row of a factor table a coefficient came from: ``HFC-134a (AR5)``, ``diesel``, a grid factor."""
    if table == "grid_emission_factors":
        t = _tables().tables[table]
        if key in t:
            region = t.row(key).get("region")
            return Text(f"{region} ({key})" if region else key)
        return Text(key)
    if table == "energy_conversion":  # "electricity (equal value)": the key and how it was priced
        base = key.split(" (")[0]
        if base not in _tables().tables[table]:
            return Text(key)
        name, rest = energy(base), key[len(base):]
        return Text(str.__str__(name) + rest, name.zh + rest)
    if table == "fuel_emission_factors":
        return ghg_source(key)
    if table == "pollution_equivalents":
        return pollutant(key)
    return Text(key)


def input_table(name: str) -> Text:
    from remanxl.method.inputs import TABLES

    t = TABLES.get(name)
    return Text(t.label_en, t.label_zh) if t else Text(name)
