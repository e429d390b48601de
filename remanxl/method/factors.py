"""Coefficient tables: standard-coal conversion, emission factors, GWP, pollution equivalents.

Every coefficient is data with a source, shipped in ``data/*.csv`` and listed in
``data/tables.csv`` (name, key column, version, title).  Nothing in the code
holds a coefficient.  A user overrides a row, or adds one, with
:meth:`FactorSet.with_rows`; the workbook's Factors sheet does exactly that.

>>> f = default_factors()
>>> f.value("energy_conversion", "electricity")
0.1229
>>> f.value("gwp", "SF6", "AR6")
25200.0
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache

from remanxl.i18n import Msg
from remanxl.method.data import read_data
from remanxl.method.errors import InputError, Problem, RemanxlError
from remanxl.method.units import UnitTable
from remanxl.method.values import fold, parse_number
from remanxl.method.vocabulary import aliases_of


class UnknownKeyError(RemanxlError, KeyError):
    """A key (energy type, pollutant, gas …) that no factor table holds."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def _number(text):
    """A cell of a numeric column: its number by the one number rule, None when blank, else the text
    (which :func:`check_rows` reports)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        return parse_number(text)
    except ValueError:
        return str(text).strip()


def _cell(column: str, value):
    """A factor-table cell: a number in a numeric column (see :data:`NUMERIC`), else text; None when blank."""
    if column in NUMERIC:
        return _number(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _fold(key) -> str:
    """How a key or name is compared: :func:`~remanxl.method.values.fold` (case, width and runs of spaces
    do not matter), as the workbook's native formulas compare words (TRIM, ASC, case-blind MATCH)."""
    return fold(key)


#: The vocabulary field whose words name each factor table's rows (see :mod:`remanxl.method.vocabulary`).
TABLE_FIELDS = {"energy_conversion": "energy_type", "fuel_emission_factors": "ghg_source", "gwp": "ghg_source",
                "pollution_equivalents": "pollutant", "lumped_pollutants": "pollutant",
                "grid_emission_factors": "grid_factor", "units": "unit"}


@dataclass
class FactorTable:
    """One coefficient table: rows keyed by ``key``, each a dict of its columns."""

    name: str
    key: str
    value_column: str | None
    columns: list[str]
    rows: dict[str, dict]
    version: str = ""
    title_en: str = ""
    title_zh: str = ""
    description: str = ""
    aliases: dict[str, str] = field(default_factory=dict, repr=False)  # folded word -> key (vocabulary)
    _index: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.reindex()

    def reindex(self) -> None:
        """Index rows by key, by Chinese and English name where the table has them, and by alias.

        A word may name rows of several media (氟化物 is an air and a water pollutant): each word
        keeps its rows in table order, and :meth:`resolve` can be told which rows to consider.
        """
        index: dict[str, list[str]] = {}
        for key in self.rows:  # keys first: a key always means its own row
            index.setdefault(_fold(key), []).append(key)
        for key, row in self.rows.items():
            caption = f"{key} {row['name_zh']}" if isinstance(row.get("name_zh"), str) and row["name_zh"] else None
            for name in (caption, row.get("name_en"), row.get("name_zh")):
                if isinstance(name, str) and name.strip():
                    keys = index.setdefault(_fold(name), [])
                    if key not in keys:
                        keys.append(key)
        for word, key in self.aliases.items():
            if key in self.rows:
                keys = index.setdefault(_fold(word), [])
                if key not in keys:
                    keys.append(key)
        self._index = index

    def resolve(self, key, what: str | None = None, where: dict | None = None) -> str:
        """The canonical key for ``key`` (case, width and spaces do not matter; Chinese or English
        names and the vocabulary's aliases are accepted); with ``where``, only rows whose columns
        hold those values (``{"medium": "water"}``)."""
        found = self._index.get(_fold(key)) if key is not None else None
        if found and where:
            found = [k for k in found if all(self.rows[k].get(c) == v for c, v in where.items())]
        if not found:
            words = [w for w, ks in self._index.items()
                     if not where or any(all(self.rows[k].get(c) == v for c, v in where.items()) for k in ks)]
            import difflib  # only for a key that is not found

            near = difflib.get_close_matches(_fold(key), words, n=3, cutoff=0.6)
            what = what or Msg("factors.key_of", table=self.name)
            if near:
                raise UnknownKeyError(Msg("factors.unknown_key_hint", what=what, text=str(key)[:40], table=self.name,
                                          hint=", ".join(repr(self._index[n][0]) for n in near)))
            raise UnknownKeyError(Msg("factors.unknown_key", what=what, text=str(key)[:40], table=self.name))
        return found[0]

    def __contains__(self, key) -> bool:
        return key is not None and _fold(key) in self._index

    def row(self, key, what: str | None = None) -> dict:
        return self.rows[self.resolve(key, what)]

    def value(self, key, column: str | None = None, what: str | None = None) -> float:
        column = column or self.value_column
        row = self.row(key, what)
        if column not in row:
            raise UnknownKeyError(f"table {self.name} has no column {column!r}; columns: {', '.join(self.columns)}")
        v = row[column]
        if not isinstance(v, float):
            raise UnknownKeyError(f"table {self.name}, row {self.resolve(key)!r}: no numeric value in column {column!r}")
        return v

    def keys(self) -> list[str]:
        return list(self.rows)


def _parse_csv(text: str, name: str, key: str, value_column: str | None, **meta) -> FactorTable:
    reader = csv.DictReader(io.StringIO(text))
    columns = list(reader.fieldnames or [])
    rows = {}
    for r in reader:
        row = {c: _cell(c, v) for c, v in r.items()}
        row[key] = str(r[key]).strip()
        rows[row[key]] = row
    return FactorTable(name, key, value_column or None, columns, rows, **meta)


def _data(name: str) -> str:
    return read_data(name)


class FactorSet:
    """The coefficient tables in force for one evaluation.

    Immutable in use: :meth:`with_rows` returns a new set, so an evaluation's
    ``factors_used`` always describes exactly what it computed with.
    """

    def __init__(self, tables: dict[str, FactorTable], origin: str = "remanxl defaults", aliases=()):
        import copy

        self.aliases = list(aliases)  # a user's own words, on top of the shipped data/aliases.csv
        self.tables = {}
        for name, table in tables.items():
            field_ = TABLE_FIELDS.get(name)
            if field_ is not None:
                words = {w: k for w, k in aliases_of(field_, self.aliases).items()}
                if words != table.aliases:
                    table = copy.copy(table)
                    table.aliases = words
                    table.reindex()
            self.tables[name] = table
        self.origin = origin
        self.units = UnitTable(self.tables["units"].rows.values(), self.tables["units"].aliases)

    def __getitem__(self, name: str) -> FactorTable:
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownKeyError(f"unknown factor table {name!r}; tables: {', '.join(self.tables)}") from None

    def value(self, table: str, key, column: str | None = None) -> float:
        return self[table].value(key, column)

    def versions(self) -> dict[str, str]:
        return {name: t.version for name, t in self.tables.items()}

    def with_rows(self, table: str, rows: list[dict], origin: str | None = None) -> FactorSet:
        """A copy in which ``rows`` replace (same key) or extend the rows of ``table``.

        Raises :class:`~remanxl.method.errors.InputError` naming every row and column whose value is
        not a usable coefficient (text, zero or negative where a positive number is needed).
        """
        factors, problems = self.with_tables({table: rows}, origin, strict=True)
        if problems:
            raise InputError(problems)
        return factors

    def with_tables(self, edits: dict[str, list[dict]], origin: str | None = None,
                    strict: bool = False) -> tuple[FactorSet, list[Problem]]:
        """A copy with the rows of several tables applied as :meth:`with_rows` would, one table after
        the other, and the problems of every table whose rows were left out for them.

        One copy instead of one per table, and a table whose rows all equal its own (a workbook's
        Factors sheet as shipped) is kept as it is: building a set, with its unit table and word
        indexes, is most of what a product workbook's factor rows cost.  A table with unusable values
        is not applied; its problems are returned (with ``strict``, a table that does not exist or a
        row without its key column raises, as :meth:`with_rows` does).
        """
        import copy

        tables, problems, changed = dict(self.tables), [], False
        for table, rows in edits.items():
            try:
                t = tables[table] if table in tables else self[table]
                found = check_rows(t, rows) + _check_uncertainty_keys(tables, table, rows)
                if found:
                    problems += found
                    continue
                merged_rows = _merged(t, rows)
            except (UnknownKeyError, KeyError, TypeError) as exc:
                if strict:
                    raise
                problems.append(Problem("factors", None, table, f"cannot apply factor rows: {exc}"))
                continue
            if merged_rows is not None:
                t = copy.copy(t)
                t.rows = merged_rows
                t.reindex()
                tables[table], changed = t, True
        origin = origin or self.origin
        if changed:
            return FactorSet(tables, origin, self.aliases), problems
        same = copy.copy(self)  # nothing differs but the origin the set reports
        same.origin = origin
        return same, problems

    def with_aliases(self, rows) -> FactorSet:
        """A copy that also knows a user's words (rows of ``field``, ``alias``, ``key``); a built-in
        word keeps its meaning."""
        rows = [dict(r) for r in rows or ()]
        return self if not rows else FactorSet(self.tables, self.origin, self.aliases + rows)


#: What a row of factor_uncertainty may name: a coefficient table (``table`` or ``table:key``) or a setting
#: that holds a coefficient (``settings:name``).
COEFFICIENT_TABLES = ("energy_conversion", "fuel_emission_factors", "grid_emission_factors", "gwp",
                      "pollution_equivalents")
COEFFICIENT_SETTINGS = ("grid_factor_kgco2_per_kwh", "electricity_equal_value_kgce_per_kwh")

#: Columns that must hold a positive number in every row that gives them (a coefficient of 0 would
#: divide by zero or silently drop a source).
POSITIVE = {"kgce_per_unit", "kgco2_per_unit", "kgco2_per_kwh", "kg_per_equivalent", "to_base", "amount", "kg_per_m3",
            "ncv", "carbon_content_tc_per_tj", "oxidation_rate", "gsd2", "basic_gsd2"}
#: Columns of a geometric standard deviation squared (the uncertainty tables): 1 means no spread, less is
#: meaningless.
SPREADS = {"gsd2", "basic_gsd2"}
#: Pedigree scores (1 to 5) of the provenance_uncertainty table: documentation of how its GSD2 was derived.
SCORES = {"reliability", "completeness", "temporal", "geographical", "technological"}
#: Columns that may be left blank (a gas without a GWP in an old set, a fuel without NCV parameters).
OPTIONAL = {"ncv", "carbon_content_tc_per_tj", "oxidation_rate", "ncv_unit", "SAR", "AR4", "AR5", "AR6",
            "kgco2_per_unit"}
NUMERIC = POSITIVE | SCORES | {"SAR", "AR4", "AR5", "AR6", "year"}


def factor_rows(columns: list, data: list, ignore=()) -> list[dict]:
    """A factor table's rows from the cells under its header ``columns`` (blank cells as None or "").

    A row counts when it holds any value outside the ``ignore``d columns (computed ones), so a
    value typed without its key is reported by :func:`check_rows`, not dropped.  Each row carries
    ``_row``, its 0-based position below the header, so a fault is reported at its cell.
    """
    rows = []
    for k, cells in enumerate(data):
        rec = {c: (None if v == "" else v) for c, v in zip(columns, cells)}
        if any(v is not None for c, v in rec.items() if c not in ignore):
            rec["_row"] = k
            rows.append(rec)
    return rows


def _merged(t: FactorTable, rows: list[dict]) -> dict | None:
    """The rows of ``t`` with ``rows`` replacing (same key) or extending them; None when every row is
    already there with the same values."""
    merged_rows, changed = t.rows, False
    for r in rows:
        key = str(r[t.key]).strip()
        existing = t.resolve(key) if key in t else key
        before = merged_rows.get(existing)
        merged = dict(before if before is not None else {c: None for c in t.columns})
        merged.update({c: _cell(c, v) for c, v in r.items() if c in t.columns and c != t.key})
        merged[t.key] = existing
        if merged != before:
            if not changed:
                merged_rows, changed = dict(merged_rows), True
            merged_rows[existing] = merged
    return merged_rows if changed else None


def _check_uncertainty_keys(tables: dict[str, FactorTable], table: str, rows: list[dict]) -> list[Problem]:
    """A row of an uncertainty table that names nothing would be silently unused: each one is a problem."""
    if table not in ("factor_uncertainty", "provenance_uncertainty"):
        return []
    from remanxl.method.inputs import PROVENANCE

    t, problems = tables[table], []
    for i, r in enumerate(rows):
        key = str(r.get(t.key) or "").strip()
        if not key:
            continue  # check_rows says a row needs a key
        if table == "provenance_uncertainty":
            ok, choices = key in (*PROVENANCE, "unspecified"), ", ".join((*PROVENANCE, "unspecified"))
            message = Msg("uncertainty.unknown_provenance", key=key[:40], choices=choices)
        else:
            name, _, row = key.partition(":")
            ok = (row in COEFFICIENT_SETTINGS if name == "settings" else
                  name in COEFFICIENT_TABLES and name in tables and (not row or row in tables[name].rows))
            message = Msg("uncertainty.unknown_coefficient", key=key[:60], tables=", ".join(COEFFICIENT_TABLES),
                          settings=", ".join(f"settings:{x}" for x in COEFFICIENT_SETTINGS))
        if not ok:
            index = r.get("_row", i) if isinstance(r.get("_row", i), int) else i
            problems.append(Problem(f"factors:{table}", index, t.key, message))
    return problems


def check_rows(table: FactorTable, rows: list[dict]) -> list[Problem]:
    """Every unusable value in user-supplied rows of ``table`` (``Problem.table`` = ``factors:<table>``)."""
    where = f"factors:{table.name}"
    problems = []
    for i, r in enumerate(rows):
        index = r.get("_row", i) if isinstance(r.get("_row", i), int) else i
        if not str(r.get(table.key) or "").strip():
            problems.append(Problem(where, index, table.key, "a row needs a key"))
            continue
        for column in (c for c in table.columns if c in NUMERIC and c in r):
            v = _number(r[column])
            if v is None:
                if column in OPTIONAL or column == "year":
                    continue
                problems.append(Problem(where, index, column, "a number is required"))
            elif isinstance(v, str):
                problems.append(Problem(where, index, column, f"expected a number, got text {v!r}"))
            elif v != v or v in (float("inf"), float("-inf")):
                problems.append(Problem(where, index, column, "expected a finite number"))
            elif column in SPREADS and not v >= 1:
                problems.append(Problem(where, index, column, Msg("uncertainty.gsd2_below_one", value=f"{v:g}")))
            elif column in SCORES and v not in (1, 2, 3, 4, 5):
                problems.append(Problem(where, index, column, Msg("uncertainty.score", value=f"{v:g}")))
            elif column in POSITIVE and not v > 0:
                problems.append(Problem(where, index, column, f"expected a number > 0, got {v:g}"))
            elif column in NUMERIC and v < 0:
                problems.append(Problem(where, index, column, f"expected a number ≥ 0, got {v:g}"))
    return problems


@lru_cache(maxsize=1)
def default_factors() -> FactorSet:
    """The coefficient tables shipped with remanxl (copies of the method specification's)."""
    tables = {}
    for meta in csv.DictReader(io.StringIO(_data("tables.csv"))):
        tables[meta["table"]] = _parse_csv(
            _data(meta["file"]), meta["table"], meta["key"], meta["value_column"],
            version=meta["version"], title_en=meta["title_en"], title_zh=meta["title_zh"],
            description=meta["description"],
        )
    return FactorSet(tables)


def table_files() -> dict[str, str]:
    """Table name → file name of the shipped CSV (the tests read the files themselves)."""
    return {m["table"]: m["file"] for m in csv.DictReader(io.StringIO(_data("tables.csv")))}
