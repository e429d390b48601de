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
import difflib
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from remanxl.method.errors import InputError, Problem, RemanxlError
from remanxl.method.units import UnitTable


class UnknownKeyError(RemanxlError, KeyError):
    """A key (energy type, pollutant, gas …) that no factor table holds."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def _number(text):
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    text = str(text).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _fold(key) -> str:
    return str(key).strip().casefold().replace(" ", "_")


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
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.reindex()

    def reindex(self) -> None:
        """Index rows by key, and by Chinese and English name where the table has them."""
        self._index = {}
        for key, row in self.rows.items():
            for alias in (row.get("name_en"), row.get("name_zh")):
                if isinstance(alias, str) and alias.strip():
                    self._index.setdefault(_fold(alias), key)
        for key in self.rows:  # keys win over names
            self._index[_fold(key)] = key

    def resolve(self, key, what: str | None = None) -> str:
        """The canonical key for ``key`` (case-insensitive; Chinese or English names accepted)."""
        found = self._index.get(_fold(key)) if key is not None else None
        if found is None:
            what = what or f"key of table {self.name}"
            near = difflib.get_close_matches(_fold(key), list(self._index), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(self._index[n]) for n in near)}?" if near else ""
            raise UnknownKeyError(
                f"unknown {what} {key!r}{hint} (the keys are listed in the factor table {self.name})"
            )
        return found

    def resolve_where(self, key, column: str, value, what: str | None = None) -> str:
        """Like :meth:`resolve`, but a name several rows share (苯 is an air and a water pollutant) picks
        the row whose ``column`` holds ``value``; raises :class:`UnknownKeyError` as :meth:`resolve` does."""
        found = self.resolve(key, what)
        if self.rows[found].get(column) == value:
            return found
        folded = _fold(key)
        for other, row in self.rows.items():
            names = (other, row.get("name_en"), row.get("name_zh"))
            if row.get(column) == value and any(isinstance(n, str) and _fold(n) == folded for n in names):
                return other
        return found

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
        row = {c: (_number(v) if c != key else str(v).strip()) for c, v in r.items()}
        # Descriptive columns stay text even when they look like numbers.
        for c in ("source", "note", "name_zh", "name_en", "region", "scope", "unit", "kind", "medium",
                  "dimension", "base", "ncv_unit", "energy_unit", "per_unit"):
            if c in row and row[c] is not None and not isinstance(row[c], str):
                row[c] = r[c].strip()
        rows[row[key]] = row
    return FactorTable(name, key, value_column or None, columns, rows, **meta)


def _data(name: str) -> str:
    return resources.files("remanxl.method").joinpath("data", name).read_text(encoding="utf-8")


class FactorSet:
    """The coefficient tables in force for one evaluation.

    Immutable in use: :meth:`with_rows` returns a new set, so an evaluation's
    ``factors_used`` always describes exactly what it computed with.
    """

    def __init__(self, tables: dict[str, FactorTable], origin: str = "remanxl defaults"):
        self.tables = tables
        self.origin = origin
        self.units = UnitTable(tables["units"].rows.values())

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
        import copy

        problems = check_rows(self[table], rows)
        if problems:
            raise InputError(problems)
        tables = dict(self.tables)
        t = copy.copy(self[table])
        t.rows = dict(t.rows)
        for r in rows:
            key = str(r[t.key]).strip()
            existing = t.resolve(key) if key in t else key
            merged = dict(t.rows.get(existing, {c: None for c in t.columns}))
            merged.update({c: (_number(v) if c != t.key else key) for c, v in r.items() if c in t.columns})
            merged.pop("_row", None)
            for c in ("source", "note", "name_zh", "name_en", "unit", "region", "scope", "kind", "medium"):
                if c in r and r[c] is not None:
                    merged[c] = str(r[c]).strip()
            t.rows[existing] = merged
        t.reindex()
        tables[table] = t
        return FactorSet(tables, origin or self.origin)


#: Columns that must hold a positive number in every row that gives them (a coefficient of 0 would
#: divide by zero or silently drop a source).
POSITIVE = {"kgce_per_unit", "kgco2_per_unit", "kgco2_per_kwh", "kg_per_equivalent", "to_base", "amount",
            "ncv", "carbon_content_tc_per_tj", "oxidation_rate"}
#: Columns that may be left blank (a gas without a GWP in an old set, a fuel without NCV parameters).
OPTIONAL = {"ncv", "carbon_content_tc_per_tj", "oxidation_rate", "ncv_unit", "SAR", "AR4", "AR5", "AR6",
            "kgco2_per_unit"}
NUMERIC = POSITIVE | {"SAR", "AR4", "AR5", "AR6", "year"}


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
    """Table name → file name of the shipped CSV (used by tests and the CLI)."""
    return {m["table"]: m["file"] for m in csv.DictReader(io.StringIO(_data("tables.csv")))}
