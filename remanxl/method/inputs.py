"""The input tables of an evaluation, their columns, and parsing with every fault reported.

:data:`TABLES` is the one description of each input table: its columns, their
labels in English and Chinese, whether they are required, and where a column's
allowed values come from.  The workbook template, the workbook reader, the
JSON evaluation format and this parser all read it.

An evaluation outside Excel is a JSON document (see README, "Evaluation file")::

    {"format": "remanxl-evaluation", "version": 1,
     "settings": {"product": "…", "functional_unit_quantity": 1, …},
     "energy": [{"side": "reman", "energy_type": "electricity", "quantity": 950, "unit": "kWh",
                 "provenance": "measured"}, …],
     "materials": […], "water": […], "ghg": […], "air": […], "water_pollutants": […],
     "solid_waste": […], "parts": […],
     "factors": {"grid_emission_factors": [{"key": "my_supplier", "kgco2_per_kwh": 0.41, …}]}}
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from operator import itemgetter
from dataclasses import dataclass, field
from importlib import resources

from remanxl.method.errors import InputError, Problem
from remanxl.method.settings import parse_bool

SIDES = ("reman", "original")
PROVENANCE = ("measured", "oem_data", "estimated", "literature")

#: What users type for a choice, mapped to its canonical value.  Chinese and
#: common English spellings are accepted so the workbook reads naturally.
ALIASES = {
    "side": {"reman": "reman", "remanufacturing": "reman", "remanufactured": "reman", "r": "reman",
             "再制造": "reman", "original": "original", "new": "original", "m": "original",
             "original manufacturing": "original", "manufacturing": "original", "原制造": "original",
             "新品": "original", "原型新品": "original"},
    "provenance": {"measured": "measured", "实测": "measured", "oem_data": "oem_data", "oem": "oem_data",
                   "原厂数据": "oem_data", "estimated": "estimated", "estimate": "estimated", "估算": "estimated",
                   "literature": "literature", "文献": "literature"},
    "flow": {"consumed": "consumed", "消耗": "consumed", "purchased": "consumed", "emitted": "consumed",
             "排放": "consumed", "exported": "exported", "export": "exported", "外供": "exported",
             "输出": "exported"},
    "stream": {"fresh_water": "fresh_water", "fresh water": "fresh_water", "新水": "fresh_water",
               "取水": "fresh_water", "wastewater": "wastewater", "waste water": "wastewater",
               "废水": "wastewater"},
    "waste_category": {"general": "general", "一般": "general", "一般固废": "general",
                       "hazardous": "hazardous", "危险": "hazardous", "危废": "hazardous",
                       "危险废物": "hazardous"},
    "fate": {"reused": "reused", "reuse": "reused", "直接利用": "reused", "直接再利用": "reused",
             "remanufactured": "remanufactured", "再制造": "remanufactured", "修复": "remanufactured",
             "replaced": "replaced", "replace": "replaced", "更换": "replaced"},
    "treatment": {"recycled": "recycled", "回收": "recycled", "回收利用": "recycled",
                  "harmless_disposal": "harmless_disposal", "无害化处置": "harmless_disposal",
                  "无害化": "harmless_disposal", "other": "other", "其他": "other"},
    "material_category": {k: k for k in (
        "raw_material", "auxiliary_material", "repair_material", "replacement_part", "blank", "casting",
        "bar_stock", "purchased_part", "other", "core")} | {
        "原材料": "raw_material", "辅助材料": "auxiliary_material", "辅料": "auxiliary_material",
        "修复材料": "repair_material", "更换件": "replacement_part", "毛坯": "blank", "铸件": "casting",
        "棒料": "bar_stock", "外购件": "purchased_part", "其他": "other", "旧件": "core", "废旧件": "core"},
}

CHOICES = {name: tuple(dict.fromkeys(mapping.values())) for name, mapping in ALIASES.items()}


@dataclass(frozen=True)
class Column:
    key: str
    label_en: str
    label_zh: str
    kind: str  # choice | number | text | key | unit | bool
    required: bool = False
    choices: str | None = None  # a key of ALIASES for kind == "choice"
    source: str | None = None  # where the allowed keys come from, for kind == "key"
    help: str = ""
    width: int = 14

    @property
    def header(self) -> str:
        """The column's header in the workbook: ``English 中文``."""
        return f"{self.label_en} {self.label_zh}"


@dataclass(frozen=True)
class TableSchema:
    name: str
    label_en: str
    label_zh: str
    columns: tuple[Column, ...]
    help: str

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _side():
    return Column("side", "Side", "侧别", "choice", True, "side",
                  help="reman = remanufacturing (再制造); original = original manufacturing of a new product (原制造)",
                  width=11)


def _qty(help_text):
    return Column("quantity", "Quantity", "数量", "number", True, help=help_text, width=12)


def _unit(help_text):
    return Column("unit", "Unit", "单位", "unit", True, help=help_text, width=9)


_PROV = Column("provenance", "Provenance", "数据来源", "choice", False, "provenance",
               help="measured, oem_data, estimated or literature; expected on every original-side row (an "
                    "independent remanufacturer's estimated rows need the estimation note)", width=12)
_NOTE = Column("note", "Note", "备注", "text", help="free text", width=30)
_PROCESS = Column("process", "Process", "工序", "text", help="e.g. cleaning, machining, painting", width=16)

TABLES: dict[str, TableSchema] = {t.name: t for t in (
    TableSchema("energy", "Energy", "能源", (
        _side(), _PROCESS,
        Column("energy_type", "Energy type", "能源种类", "key", True, source="energy_conversion",
               help="a key of the energy_conversion factor table", width=20),
        _qty("quantity consumed (or exported)"), _unit("a unit of the energy type's dimension"),
        Column("flow", "Flow", "流向", "choice", False, "flow",
               help="consumed (default) or exported; exported energy is subtracted", width=10),
        _PROV, _NOTE),
        "Energy and energy-carrying media consumed, per process and energy type (GB/T 2589-2020)."),
    TableSchema("materials", "Materials", "物料", (
        _side(),
        Column("material", "Material", "物料名称", "text", help="name of the material or part", width=22),
        Column("category", "Category", "类别", "choice", False, "material_category",
               help="raw_material, auxiliary_material, repair_material, replacement_part, blank, casting, "
                    "bar_stock, purchased_part, other; core = used cores (not counted)", width=16),
        _qty("mass consumed"), _unit("a mass unit"), _PROV, _NOTE),
        "Materials consumed. Used cores are not a consumption."),
    TableSchema("water", "Water", "水", (
        _side(), _PROCESS,
        Column("stream", "Stream", "类型", "choice", True, "stream",
               help="fresh_water (withdrawn) or wastewater (discharged)", width=13),
        _qty("volume"), _unit("a volume unit"), _PROV, _NOTE),
        "Fresh water withdrawn and wastewater discharged."),
    TableSchema("ghg", "GHG sources", "温室气体排放源", (
        _side(), _PROCESS,
        Column("source", "Source", "排放源", "key", True,
               source="electricity | fuel_emission_factors | gwp",
               help="electricity, a key of fuel_emission_factors, or a gas of the gwp table", width=18),
        _qty("quantity consumed, emitted or exported"), _unit("a unit of the source's dimension"),
        Column("flow", "Flow", "流向", "choice", False, "flow",
               help="consumed/emitted (default) or exported; exported electricity and heat are subtracted",
               width=10),
        _PROV, _NOTE),
        "Greenhouse-gas sources (GB/T 32150-2015): fuels, purchased electricity and heat, process gases."),
    TableSchema("air", "Air pollutants", "大气污染物", (
        _side(), _PROCESS,
        Column("pollutant", "Air pollutant", "大气污染物", "key", True,
               source="pollution_equivalents (air) | lumped_pollutants",
               help="an air pollutant key of the pollution_equivalents table, or vocs", width=18),
        _qty("mass emitted"), _unit("a mass unit"), _PROV, _NOTE),
        "Air pollutants emitted, by species."),
    TableSchema("water_pollutants", "Water pollutants", "水污染物", (
        _side(), _PROCESS,
        Column("pollutant", "Water pollutant", "水污染物", "key", True, source="pollution_equivalents (water)",
               help="a water pollutant key of the pollution_equivalents table", width=18),
        _qty("mass discharged"), _unit("a mass unit"), _PROV, _NOTE),
        "Water pollutants discharged, by species."),
    TableSchema("solid_waste", "Solid waste", "固体废物", (
        _side(),
        Column("stream", "Waste stream", "废物名称", "text", help="e.g. grinding sludge, waste paint residue",
               width=22),
        Column("category", "Category", "类别", "choice", True, "waste_category", help="general or hazardous",
               width=11),
        _qty("mass generated"), _unit("a mass unit"), _PROV, _NOTE),
        "Solid waste generated, general and hazardous."),
    TableSchema("parts", "Parts ledger", "零件清单", (
        Column("part_id", "Part id", "零件编号", "text", width=11),
        Column("name", "Part name", "零件名称", "text", True, width=22),
        Column("quantity", "Qty per product", "单台数量", "number", True,
               help="how many of this part one product holds", width=10),
        Column("unit_mass_kg", "Unit mass (kg)", "单件质量 (kg)", "number", True, width=11),
        Column("fate", "Fate", "处置方式", "choice", True, "fate",
               help="reused, remanufactured or replaced (the used part is discarded and a new one fitted)",
               width=15),
        Column("intact_count", "Removed intact", "无损拆解数", "number",
               help="how many of the quantity came out without damage caused by dismantling", width=10),
        Column("washable_count", "Washable", "可清洗数", "number",
               help="how many can be cleaned to the reuse cleanliness requirement", width=10),
        Column("cleaned_count", "Sent to cleaning", "送清洗数", "number",
               help="how many were sent to cleaning (RWP denominator option)", width=10),
        Column("consumable", "Consumable", "一次性易耗件", "bool",
               help="TRUE for one-time consumables (gaskets, seals, lock washers)", width=10),
        Column("old_part_treatment", "Old part treatment", "旧件去向", "choice", False, "treatment",
               help="for a replaced part: recycled, harmless_disposal or other", width=17),
        Column("new_unit_mass_kg", "New part mass (kg)", "新件质量 (kg)", "number",
               help="unit mass of the new part where it differs from the old one", width=11),
        _NOTE),
        "One row per part type of the disassembled core / remanufactured product; quantities per product."),
)}

INVENTORY_TABLES = tuple(n for n in TABLES if n != "parts")


@dataclass
class Row:
    """A parsed input row: canonical values plus its position in its table."""

    table: str
    index: int
    values: dict

    def __getitem__(self, key):
        return self.values.get(key)


class ColumnTable(Sequence):
    """An input table held column by column, as a workbook reader gets it; reads as a list of row dicts.

    ``columns`` maps column keys to equally long lists of raw cells and ``rows`` holds each
    row's ``_row`` (its 0-based position below the header row); a cell equal to ``empty`` (a
    reader's blank, such as calamine's ``""``) is blank.  Iterating or indexing gives the same
    dicts :func:`records` makes (blank cells as ``None``); :func:`parse_tables` reads the
    columns directly, which spares a dict per row on a plant-scale ledger.
    """

    def __init__(self, columns: dict[str, list], rows: list[int], empty=None):
        self.columns, self.rows, self.empty = columns, rows, empty

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        empty = self.empty
        rec = {key: (None if empty is not None and cells[i] == empty else cells[i])
               for key, cells in self.columns.items()}
        rec["_row"] = self.rows[i]
        return rec

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self) -> str:
        return f"ColumnTable({len(self)} rows: {', '.join(self.columns)})"

    @classmethod
    def from_grid(cls, data: list, positions: dict[str, int], empty=None) -> ColumnTable:
        """The rows of ``data`` (a list of row lists) as columns, blank rows dropped as :func:`records` does."""
        width = max(positions.values(), default=-1) + 1
        if data and min(map(len, data)) < width:  # ragged: pad, so every column has every row
            data = [list(r) + [None] * (width - len(r)) for r in data]
        grid = list(zip(*data)) if data else [()] * width
        columns = {key: list(grid[i]) for key, i in positions.items()}
        # A row is blank when every picked cell is: look closer only where the first cell is blank.
        first = next(iter(columns.values()), [])
        maybe = [k for k, v in enumerate(first)
                 if v is None or v == empty or (not (type(v) is str and v.strip()) and _blank(v))]
        blank = {k for k in maybe
                 if all(cells[k] is None or cells[k] == empty or _blank(cells[k]) for cells in columns.values())}
        rows = list(range(len(data)))
        if blank:
            keep = [k for k in rows if k not in blank]
            n = len(keep)
            if keep == rows[:n]:  # the usual case: the empty rows a table is pre-sized with, at its end
                columns = {key: cells[:n] for key, cells in columns.items()}
            else:
                columns = {key: [cells[k] for k in keep] for key, cells in columns.items()}
            rows = keep
        return cls(columns, rows, empty)


class Rows(Sequence):
    """Parsed rows of one table: a sequence of :class:`Row`, also readable column by column.

    The Row objects are made on first use; :meth:`column` gives a column of canonical values
    without them, which is how the parts ledger is summed.
    """

    def __init__(self, table: str, indices: list[int], columns: dict[str, list], faulty: dict[int, set] | None = None):
        self.table, self.indices, self._columns = table, indices, columns
        self._faulty = faulty or {}  # position -> keys whose cell failed to parse (left out of values)
        self._rows: list[Row] | None = None

    def _materialise(self) -> list[Row]:
        if self._rows is None:
            keys = list(self._columns)
            rows = [Row(self.table, index, dict(zip(keys, cells)))
                    for index, cells in zip(self.indices, zip(*self._columns.values()))] if keys else []
            for position, bad in self._faulty.items():
                for key in bad:
                    rows[position].values.pop(key, None)
            self._rows = rows
        return self._rows

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i):
        return self._materialise()[i]

    def __iter__(self):
        return iter(self._materialise())

    def column(self, key: str) -> list:
        """Canonical values of one column, aligned with the rows (``None`` where blank or faulty)."""
        return self._columns.get(key) or [None] * len(self.indices)


@dataclass
class EvaluationInput:
    """Everything one evaluation needs, as plain data (loosely typed until :func:`parse`)."""

    settings: dict = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=dict)
    factors: dict[str, list[dict]] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict, source: str = "") -> EvaluationInput:
        """An input from the JSON evaluation format (see module docstring)."""
        if not isinstance(data, dict):
            raise InputError(f"{source or 'evaluation'}: expected a JSON object at the top level")
        known = {"format", "version", "settings", "factors", *TABLES}
        unknown = sorted(set(data) - known)
        problems = [Problem(k, None, None, f"unknown top-level key {k!r}; expected one of "
                            + ", ".join(sorted(known))) for k in unknown]
        if data.get("format", "remanxl-evaluation") != "remanxl-evaluation":
            problems.append(Problem("format", None, None, "expected \"remanxl-evaluation\""))
        if data.get("version", 1) != 1:
            problems.append(Problem("version", None, None, f"unsupported version {data.get('version')!r}; expected 1"))
        tables = {}
        for name in TABLES:
            rows = data.get(name, [])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                problems.append(Problem(name, None, None, "expected a list of objects (one per row)"))
                continue
            tables[name] = rows
        settings = data.get("settings", {})
        if not isinstance(settings, dict):
            problems.append(Problem("settings", None, None, "expected an object of setting: value"))
            settings = {}
        factors = data.get("factors", {})
        if not isinstance(factors, dict):
            problems.append(Problem("factors", None, None, "expected an object of table: [rows]"))
            factors = {}
        if problems:
            raise InputError(problems)
        return cls(settings=dict(settings), tables=tables, factors=dict(factors), source=source)

    @classmethod
    def from_json(cls, text: str, source: str = "") -> EvaluationInput:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source or 'evaluation'}: not valid JSON: {exc}") from None
        return cls.from_dict(data, source)

    def to_dict(self) -> dict:
        out = {"format": "remanxl-evaluation", "version": 1, "settings": dict(self.settings)}
        out.update({name: list(self.tables.get(name, [])) for name in TABLES})
        if self.factors:
            out["factors"] = dict(self.factors)
        return out


def load_example() -> EvaluationInput:
    """The bundled example: a remanufactured heavy-duty diesel engine (see ``data/example_engine.json``)."""
    text = resources.files("remanxl.method").joinpath("data", "example_engine.json").read_text(encoding="utf-8")
    return EvaluationInput.from_json(text, "example_engine.json")


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_value(column: Column, raw):
    """A cell's canonical value; ``ValueError`` says what was expected."""
    if _blank(raw):
        return None
    if column.kind == "number":
        if isinstance(raw, bool):
            raise ValueError(f"expected a number, got {raw!r}")
        if isinstance(raw, str):
            text = raw.strip()
            if "_" in text or not text.isascii():  # float() reads "1_000" and "１５"; a spreadsheet does not
                raise ValueError(f"expected a number, got text {raw!r}")
            if "," in text:  # thousands separators only: "1,500" is 1500, "1,5" is refused
                if not _THOUSANDS.match(text):
                    raise ValueError(f"expected a number, got text {raw!r} (use a point for decimals)")
                text = text.replace(",", "")
            try:
                raw = float(text)
            except ValueError:
                raise ValueError(f"expected a number, got text {raw!r}") from None
        if not isinstance(raw, (int, float)):
            raise ValueError(f"expected a number, got {raw!r}")
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        if value < 0:
            raise ValueError(f"expected a number ≥ 0, got {value:g}")
        return value
    if column.kind == "bool":
        return parse_bool(raw)
    text = str(raw).strip() if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
    if column.kind == "choice":
        mapping = ALIASES[column.choices]
        value = mapping.get(text.casefold()) or mapping.get(text)
        if value is None:
            raise ValueError(f"expected one of {', '.join(CHOICES[column.choices])}; got {raw!r}")
        return value
    return text


class _Fault:
    """A cell that failed to parse, carried through a column without raising."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


def _parse_column(column: Column, raw: list) -> tuple[list, bool]:
    """:func:`parse_value` over a whole column, and whether any cell failed (a :class:`_Fault` in its place).

    A plant ledger has tens of thousands of rows but few distinct texts per
    column, and its numbers arrive as floats: finite non-negative floats are
    taken as they are, choice texts are parsed once each, and everything else
    goes through :func:`parse_value`, so every cell gets exactly the same
    value or fault as cell by cell.
    """
    faults: list[_Fault] = []

    def slow(v):
        try:
            return parse_value(column, v)
        except ValueError as exc:
            fault = _Fault(str(exc))
            faults.append(fault)
            return fault

    if column.kind == "number":
        inf = math.inf
        # ``0.0 <= v < inf`` is False for NaN, so NaN still goes through parse_value (blank).
        values = [v if type(v) is float and 0.0 <= v < inf else None if v is None or v == "" else
                  float(v) if type(v) is int and v >= 0 else slow(v) for v in raw]
        return values, bool(faults)
    if column.kind in ("text", "key", "unit"):
        # A str cell parses to itself stripped (None when blank).
        values = [(v.strip() or None) if type(v) is str else None if v is None else slow(v) for v in raw]
        return values, bool(faults)
    memo: dict[str, object] = {}

    def text(v):
        memo[v] = slow(v)
        return memo[v]

    if column.kind == "bool":
        values = [v if type(v) is bool else None if v is None else (memo[v] if v in memo else text(v))
                  if type(v) is str else slow(v) for v in raw]
        return values, bool(faults)
    # Only exact ``str`` is memoised: 1, 1.0 and True are equal as dict keys but parse differently.
    values = [(memo[v] if v in memo else text(v)) if type(v) is str else None if v is None else slow(v)
              for v in raw]
    return values, bool(faults)


def parse_tables(inp: EvaluationInput, names=None) -> tuple[dict[str, Rows], list[Problem]]:
    """Typed rows of every table (or of the tables ``names``), and every structural fault (types,
    choices, required cells).

    Faults come out table by table, row by row, and within a row in column order (unknown columns
    first), whatever the size of the table.  The work is done column by column.
    """
    parsed: dict[str, Rows] = {}
    problems: list[Problem] = []
    for name, schema in TABLES.items():
        if names is not None and name not in names:
            continue
        raws = inp.tables.get(name, [])
        keys = schema.keys
        faults: dict[int, list[Problem]] = {}  # position -> its problems, in order
        if isinstance(raws, ColumnTable):
            indices = list(raws.rows)
            n = len(indices)
            extra = sorted(set(raws.columns) - set(keys))
            for position in range(n) if extra else ():
                faults[position] = [Problem(name, indices[position], key, f"unknown column {key!r}; columns: "
                                            f"{', '.join(keys)}") for key in extra]
            raw_columns = [raws.columns.get(c.key) or [None] * n for c in schema.columns]
        else:
            allowed = set(keys) | {"_row"}
            indices = [raw.get("_row", position) if isinstance(raw.get("_row", position), int) else position
                       for position, raw in enumerate(raws)]
            for position, raw in enumerate(raws):
                if not raw.keys() <= allowed:
                    for key in sorted(set(raw) - allowed):
                        faults.setdefault(position, []).append(Problem(
                            name, indices[position], key, f"unknown column {key!r}; columns: {', '.join(keys)}"))
            raw_columns = [[raw.get(c.key) for raw in raws] for c in schema.columns]
        parsed_columns = [_parse_column(c, cells) for c, cells in zip(schema.columns, raw_columns)]
        columns = [values for values, _ in parsed_columns]
        # A blank row (every cell blank) is not a fault; parse_value gives None exactly for blank cells.
        first = columns[0] if columns else []
        blank = {i for i, v in enumerate(first) if v is None and all(values[i] is None for values in columns)}
        faulty: dict[int, set] = {}
        for column, (values, faulted) in zip(schema.columns, parsed_columns):
            if column.required and None in values:
                bad = [i for i, v in enumerate(values) if (v is None and i not in blank) or type(v) is _Fault]
            elif faulted:
                bad = [i for i, v in enumerate(values) if type(v) is _Fault]
            else:
                continue
            for i in bad:
                v = values[i]
                if type(v) is _Fault:
                    faulty.setdefault(i, set()).add(column.key)
                    message = v.message
                else:
                    message = f"{column.label_en} is required"
                faults.setdefault(i, []).append(Problem(name, indices[i], column.key, message))
        if faulty:  # a cell that failed to parse has no value
            for i, bad_keys in faulty.items():
                for k, column in enumerate(schema.columns):
                    if column.key in bad_keys:
                        columns[k][i] = None
        if blank:
            keep = [i for i in range(len(indices)) if i not in blank]
            where = {i: p for p, i in enumerate(keep)}
            columns = [[values[i] for i in keep] for values in columns]
            faulty = {where[i]: bad_keys for i, bad_keys in faulty.items() if i in where}
            kept = [indices[i] for i in keep]
        else:
            kept = indices
        parsed[name] = Rows(name, kept, dict(zip(keys, columns)), faulty)
        for position in sorted(faults):
            problems += faults[position]
    return parsed, problems


def _norm_header(text) -> str:
    return " ".join(str(text).split()).casefold() if text is not None else ""


def header_names(column: Column) -> set[str]:
    """Every header a column is recognised by: ``English 中文``, either language alone, or its key."""
    return {_norm_header(n) for n in (column.header, column.label_en, column.label_zh, column.key)}


def match_headers(headers: list, table: str | None = None) -> tuple[str | None, dict[str, int], list[str]]:
    """Which input table a header row belongs to, and the position of each of its columns.

    Returns ``(table name or None, {column key: position}, missing required column headers)``;
    the table is the one whose required columns are all found, or else the one with most found.
    With ``table``, only that table's columns are looked for (a reader that knows the table).
    """
    normed = [_norm_header(h) for h in headers]
    best = (None, {}, [], -1 if table is None else -math.inf)
    tied = []
    for name, schema in (TABLES.items() if table is None else [(table, TABLES[table])]):
        found = {}
        for column in schema.columns:
            names = header_names(column)
            for i, h in enumerate(normed):
                if h in names:
                    found[column.key] = i
                    break
        missing = [c.header for c in schema.columns if c.required and c.key not in found]
        score = len(found) - 100 * len(missing)
        if score > best[3]:
            best, tied = (name, found, missing, score), [name]
        elif score == best[3]:
            tied.append(name)
    name, found, missing, score = best
    if table is None and (not found or len(tied) > 1):  # no table, or two alike (air / water pollutants by key)
        return None, {}, []
    return name, found, missing


def rows_from_grid(grid: list[list], table: str | None = None):
    """Rows of an input table from a 2-D block whose first row holds the headers.

    Returns ``(table name, rows as dicts, problems)``.  Blank rows are dropped; each dict carries
    ``_row``, its 0-based position below the header row, so faults can point at the right cell.
    """
    if not grid or not grid[0]:
        return table, [], [Problem(table or "range", None, None, "empty range: expected a header row")]
    name, positions, missing = match_headers(list(grid[0]))
    if table is not None and name != table:
        missing = [c.header for c in TABLES[table].columns if c.required]
        name = table
    if name is None:
        return None, [], [Problem("range", None, None, "the first row's headers name no input table, or fit two "
                                  "alike (air and water pollutants share their column keys: use the template's "
                                  "headers, such as 'Air pollutant 大气污染物')")]
    if missing:
        return name, [], [Problem(name, None, None, "header row lacks required column(s): " + ", ".join(missing))]
    return name, records(grid[1:], positions), []


def records(data: list, positions: dict[str, int], empty=None) -> list[dict]:
    """One dict per non-blank row of ``data``: ``{column key: cell}`` plus ``_row``, its 0-based position.

    Cells equal to ``empty`` (a reader's blank, e.g. ``""``) become ``None``.
    """
    keys, where = list(positions), list(positions.values())
    if not where:
        return []
    width = max(where) + 1
    pick = itemgetter(*where) if len(where) > 1 else (lambda values: (values[where[0]],))
    rows = []
    for offset, values in enumerate(data):
        cells = pick(values) if len(values) >= width else [values[i] if i < len(values) else None for i in where]
        if empty is not None and empty in cells:
            cells = [None if v == empty else v for v in cells]
        if all(_blank(v) for v in cells):
            continue
        rec = dict(zip(keys, cells))
        rec["_row"] = offset
        rows.append(rec)
    return rows
