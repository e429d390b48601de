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
from collections.abc import Sequence
from dataclasses import dataclass, field

from remanxl.i18n import Choice, Msg
from remanxl.method.data import read_data
from remanxl.method.errors import InputError, Problem
from remanxl.method.spread import parse_spread
from remanxl.method.values import MAX_NUMBER, is_blank, parse_bool, parse_number
from remanxl.method.vocabulary import ChoiceWords, choice_words

SIDES = ("reman", "original")
PROVENANCE = ("measured", "oem_data", "estimated", "literature")

@dataclass(frozen=True)
class Column:
    key: str
    label_en: str
    label_zh: str
    kind: str  # choice | number | text | key | unit | bool | spread (a GSD² or ± %)
    required: bool = False
    choices: str | None = None  # a field of the vocabulary's closed lists (data/choices.csv), for kind == "choice"
    source: str | None = None  # where the allowed keys come from, for kind == "key"
    help: str = ""
    help_zh: str = ""

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
    help_zh: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _side():
    return Column("side", "Side", "侧别", "choice", True, "side",
                  help="reman = remanufacturing; original = original manufacturing of a new product",
                  help_zh="reman 再制造;original 原制造(新品制造)")


def _qty(help_text, help_zh):
    return Column("quantity", "Quantity", "数量", "number", True, help=help_text, help_zh=help_zh)


def _unit(help_text, help_zh):
    return Column("unit", "Unit", "单位", "unit", True, help=help_text, help_zh=help_zh)


_PROV = Column("provenance", "Provenance", "数据来源", "choice", False, "provenance",
               help="measured, oem_data, estimated or literature; expected on every original-side row (an "
                    "independent remanufacturer's estimated rows need the estimation note)",
               help_zh="实测、原厂数据、估算或文献;原制造侧每行均应填写(独立再制造企业的估算数据须有估算说明)")
_NOTE = Column("note", "Note", "备注", "text", help="free text", help_zh="自由填写")
_SPREAD = Column("uncertainty", "Uncertainty (GSD² or ±%)", "不确定度", "spread", False,
                 help="optional: this row's spread, a GSD² (1.2) or a ± percentage (±15%); blank = the default "
                      "of its provenance (Factors sheet, provenance_uncertainty)",
                 help_zh="可选:本行数据的离散程度,填 GSD²(如 1.2)或 ± 百分比(如 ±15%);空白则按数据来源取缺省值"
                         "(系数表 provenance_uncertainty)")
_PROCESS = Column("process", "Process", "工序", "text", help="e.g. cleaning, machining, painting",
                  help_zh="如清洗、机加工、涂装")

TABLES: dict[str, TableSchema] = {t.name: t for t in (
    TableSchema("energy", "Energy", "能源", (
        _side(), _PROCESS,
        Column("energy_type", "Energy type", "能源种类", "key", True, source="energy_conversion",
               help="a row of the energy_conversion factor table, by key or name (electricity, 电力, diesel …)",
               help_zh="能源折标准煤系数表中的一行,可填键或名称(electricity、电力、柴油等)"),
        _qty("quantity consumed (or exported)", "消耗量(或外供量)"),
        _unit("a unit of the energy type's dimension (kWh, t, m3 …)", "与能源种类量纲一致的单位(kWh、t、m3 等)"),
        Column("flow", "Flow", "流向", "choice", False, "flow",
               help="consumed (default) or exported; exported energy is subtracted",
               help_zh="消耗(缺省)或外供;外供能源从合计中扣除"),
        _PROV, _SPREAD, _NOTE),
        "Energy and energy-carrying media consumed, per process and energy type (GB/T 2589-2020). Fuel, "
        "electricity and heat rows also give the greenhouse-gas emissions (setting ghg_from_energy).",
        "按工序和能源种类填写消耗的能源和耗能工质(GB/T 2589-2020)。燃料、电力和热力同时用于计算温室气体排放"
        "(设置 ghg_from_energy)。"),
    TableSchema("materials", "Materials", "物料", (
        _side(),
        Column("material", "Material", "物料名称", "text", help="name of the material or part",
               help_zh="物料或零件名称"),
        Column("category", "Category", "类别", "choice", False, "material_category",
               help="raw_material, auxiliary_material, repair_material, replacement_part, blank, casting, "
                    "bar_stock, purchased_part, other; core = used cores (not counted)",
               help_zh="原材料、辅助材料、修复材料、更换件、毛坯、铸件、棒料、外购件、其他;旧件不计入消耗"),
        _qty("mass consumed", "消耗质量"), _unit("a mass unit (kg, t …)", "质量单位(kg、t 等)"), _PROV, _SPREAD, _NOTE),
        "Materials consumed. Used cores are not a consumption.", "消耗的物料。旧件(废旧产品)不计为消耗。"),
    TableSchema("water", "Water", "水", (
        _side(), _PROCESS,
        Column("stream", "Stream", "类型", "choice", True, "stream",
               help="fresh_water (withdrawn) or wastewater (discharged)", help_zh="新水(取用)或废水(排放)"),
        _qty("volume (or mass: 1 t of water = 1 m3)", "水量(也可按质量:1 吨水 = 1 m3)"),
        _unit("a volume unit (m3, L …) or t / 吨", "体积单位(m3、L 等)或 t / 吨"), _PROV, _SPREAD, _NOTE),
        "Fresh water withdrawn and wastewater discharged.", "新水取用量和废水排放量。"),
    TableSchema("ghg", "GHG sources", "温室气体排放源", (
        _side(), _PROCESS,
        Column("source", "Source", "排放源", "key", True,
               source="electricity | fuel_emission_factors | gwp",
               help="a process gas of the gwp table (SF6, HFC-134a …), CO2 shielding gas, or — with setting "
                    "ghg_from_energy = FALSE — electricity and fuels",
               help_zh="全球变暖潜势表中的工艺气体(SF6、HFC-134a 等)、二氧化碳保护气;设置 ghg_from_energy 为 "
                       "FALSE 时也可填电力和燃料"),
        _qty("quantity consumed, emitted or exported", "消耗量、排放量或外供量"),
        _unit("a unit of the source's dimension", "与排放源量纲一致的单位"),
        Column("flow", "Flow", "流向", "choice", False, "flow",
               help="consumed/emitted (default) or exported; exported electricity and heat are subtracted",
               help_zh="消耗/排放(缺省)或外供;外供电力和热力从合计中扣除"),
        _PROV, _SPREAD, _NOTE),
        "Greenhouse-gas sources the Energy sheet cannot give (GB/T 32150-2015): process gases, refrigerant and "
        "SF6 leaks, CO2 shielding gas. Fuels, purchased electricity and heat come from the Energy sheet.",
        "能源表无法给出的温室气体排放源(GB/T 32150-2015):工艺气体、制冷剂和 SF6 泄漏、二氧化碳保护气。燃料、"
        "外购电力和热力由能源表计算。"),
    TableSchema("air", "Air pollutants", "大气污染物", (
        _side(), _PROCESS,
        Column("pollutant", "Air pollutant", "大气污染物", "key", True,
               source="pollution_equivalents (air) | lumped_pollutants",
               help="an air pollutant of the pollution_equivalents table (key or name), or vocs",
               help_zh="污染当量值表中的大气污染物(键或名称),或挥发性有机物 vocs"),
        _qty("mass emitted", "排放质量"), _unit("a mass unit (kg, t …)", "质量单位(kg、t 等)"), _PROV, _SPREAD, _NOTE),
        "Air pollutants emitted, by species.", "按物种填写排放的大气污染物。"),
    TableSchema("water_pollutants", "Water pollutants", "水污染物", (
        _side(), _PROCESS,
        Column("pollutant", "Water pollutant", "水污染物", "key", True, source="pollution_equivalents (water)",
               help="a water pollutant of the pollution_equivalents table (key or name)",
               help_zh="污染当量值表中的水污染物(键或名称)"),
        _qty("mass discharged", "排放质量"), _unit("a mass unit (kg, t …)", "质量单位(kg、t 等)"), _PROV, _SPREAD, _NOTE),
        "Water pollutants discharged, by species.", "按物种填写排放的水污染物。"),
    TableSchema("solid_waste", "Solid waste", "固体废物", (
        _side(),
        Column("stream", "Waste stream", "废物名称", "text", help="e.g. grinding sludge, waste paint residue",
               help_zh="如磨削污泥、废漆渣"),
        Column("category", "Category", "类别", "choice", True, "waste_category", help="general or hazardous",
               help_zh="一般固废或危险废物"),
        _qty("mass generated", "产生质量"), _unit("a mass unit (kg, t …)", "质量单位(kg、t 等)"), _PROV, _SPREAD, _NOTE),
        "Solid waste generated, general and hazardous.", "产生的一般固体废物和危险废物。"),
    TableSchema("parts", "Parts ledger", "零件清单", (
        Column("part_id", "Part id", "零件编号", "text", help="your part number", help_zh="零件编号"),
        Column("name", "Part name", "零件名称", "text", True, help="name of the part", help_zh="零件名称"),
        Column("quantity", "Qty per product", "单台数量", "number", True,
               help="how many of this part one product holds", help_zh="每台产品中该零件的数量"),
        Column("unit_mass_kg", "Unit mass (kg)", "单件质量 (kg)", "number", True,
               help="mass of one part in kg", help_zh="单个零件质量(kg)"),
        Column("fate", "Fate", "处置方式", "choice", True, "fate",
               help="reused, remanufactured or replaced (the used part is discarded and a new one fitted)",
               help_zh="直接利用、再制造或更换(旧件废弃,装新件)"),
        Column("intact_count", "Removed intact", "无损拆解数", "number",
               help="how many of the quantity came out without damage caused by dismantling",
               help_zh="拆解中未受损的数量"),
        Column("washable_count", "Washable", "可清洗数", "number",
               help="how many can be cleaned to the reuse cleanliness requirement",
               help_zh="可清洗至再利用清洁度要求的数量"),
        Column("cleaned_count", "Sent to cleaning", "送清洗数", "number",
               help="how many were sent to cleaning (RWP denominator option)", help_zh="送清洗的数量(可清洗件率分母选项)"),
        Column("consumable", "Consumable", "一次性易耗件", "bool",
               help="TRUE for one-time consumables (gaskets, seals, lock washers)",
               help_zh="一次性易耗件(垫片、密封件、锁紧垫圈)填 TRUE"),
        Column("old_part_treatment", "Old part treatment", "旧件去向", "choice", False, "treatment",
               help="for a replaced part: recycled, harmless_disposal or other",
               help_zh="更换件的旧件去向:回收利用、无害化处置或其他"),
        Column("new_unit_mass_kg", "New part mass (kg)", "新件质量 (kg)", "number",
               help="unit mass of the new part where it differs from the old one", help_zh="新件单件质量(与旧件不同时填写)"),
        _NOTE),
        "One row per part type of the disassembled core / remanufactured product; quantities per product.",
        "每种零件一行(拆解的旧件 / 再制造产品);数量按每台产品计。"),
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
    """An input table held column by column, as a spreadsheet reader gets it; reads as a list of row dicts.

    ``columns`` maps column keys to equally long lists of raw cells and ``rows`` holds each
    row's ``_row`` (its 0-based position below the header row); a cell equal to ``empty`` (a
    reader's blank, such as calamine's ``""``) is blank.  Iterating or indexing gives one dict
    per row (blank cells as ``None``); :func:`parse_tables` reads the columns directly, which
    spares a dict per row on a plant-scale ledger.  :func:`remanxl.sheet.grid.columns_from_grid`
    makes one from a block of cells.
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
    #: A user's own words (``field``, ``alias``, ``key``): added to the vocabulary, never replacing a word.
    aliases: list[dict] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict, source: str = "") -> EvaluationInput:
        """An input from the JSON evaluation format (see module docstring)."""
        if not isinstance(data, dict):
            raise InputError(f"{source or 'evaluation'}: expected a JSON object at the top level")
        known = {"format", "version", "settings", "factors", "aliases", *TABLES}
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
        for name, rows in list(factors.items()):
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                problems.append(Problem("factors", None, name, "expected a list of objects (one per row)"))
                del factors[name]
        aliases = data.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(r, dict) for r in aliases):
            problems.append(Problem("aliases", None, None, "expected a list of objects (field, alias, key)"))
            aliases = []
        if problems:
            raise InputError(problems)
        return cls(settings=dict(settings), tables=tables, factors=dict(factors), source=source,
                   aliases=list(aliases))

    @classmethod
    def from_json(cls, text: str, source: str = "") -> EvaluationInput:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source or 'evaluation'}: not valid JSON: {exc}") from None
        except RecursionError:  # thousands of nested brackets: no evaluation file is more than a few deep
            raise InputError(f"{source or 'evaluation'}: nested too deeply to be an evaluation file") from None
        return cls.from_dict(data, source)

    def to_dict(self) -> dict:
        out = {"format": "remanxl-evaluation", "version": 1, "settings": dict(self.settings)}
        out.update({name: list(self.tables.get(name, [])) for name in TABLES})
        if self.factors:
            out["factors"] = dict(self.factors)
        if self.aliases:
            out["aliases"] = list(self.aliases)
        return out


def load_example() -> EvaluationInput:
    """The bundled example: a remanufactured heavy-duty diesel engine (see ``data/example_engine.json``)."""
    text = read_data("example_engine.json")
    return EvaluationInput.from_json(text, "example_engine.json")


def parse_value(column: Column, raw, words: ChoiceWords | None = None):
    """A cell's canonical value; ``ValueError`` says what was expected.

    Numbers follow the one number rule (:func:`remanxl.method.values.parse_number`) and must be
    ≥ 0; choices are read through the vocabulary (``words``, default the shipped one).
    """
    if is_blank(raw):
        return None
    if column.kind == "number":
        value = parse_number(raw)
        if value < 0:
            raise ValueError(Msg("value.negative", value=f"{value:g}"))
        return value
    if column.kind == "bool":
        return parse_bool(raw)
    if column.kind == "spread":
        return parse_spread(raw)
    text = str(raw).strip() if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
    if column.kind == "choice":
        words = words or choice_words()
        value = words.key(column.choices, text)
        if value is None:
            raise ValueError(Msg("choice.unknown", text=text[:40], choices="; ".join(words.captions(column.choices))))
        return value
    return text


class _Fault:
    """A cell that failed to parse, carried through a column without raising."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


def _parse_column(column: Column, raw: list, words: ChoiceWords | None = None) -> tuple[list, bool]:
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
            return parse_value(column, v, words)
        except ValueError as exc:
            fault = _Fault(exc.args[0] if exc.args else str(exc))  # keep a Msg: it speaks both languages
            faults.append(fault)
            return fault

    if column.kind == "number":
        top = MAX_NUMBER
        # ``0.0 <= v <= top`` is False for NaN, so NaN still goes through parse_value (blank), as does a
        # number too large (refused there, with its cell).
        values = [v if type(v) is float and 0.0 <= v <= top else None if v is None or v == "" else
                  float(v) if type(v) is int and 0 <= v <= top else slow(v) for v in raw]
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


def parse_tables(inp: EvaluationInput, names=None, words: ChoiceWords | None = None) -> tuple[dict[str, Rows], list[Problem]]:
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
        parsed_columns = [_parse_column(c, cells, words) for c, cells in zip(schema.columns, raw_columns)]
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
                    message = Msg("value.required", column=Choice(column.label_en, column.label_zh))
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
