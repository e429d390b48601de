"""Native worksheet formulas of the template, as stored in the file (OOXML formula text).

They let a workbook compute every row's kgce, kgCO₂e and pollution equivalents, the Summary's ledger
populations and its 14 indicators with no Python at all — in Excel without the add-in, in WPS and in
LibreOffice — and they mirror the core operation for operation, so a spreadsheet engine agrees
with the core to the last few bits (the tests check 1e-9).

Every word a user types is first read as the core reads it: each row has *read as* columns holding
the key of its side, type, unit … looked up in the Lists sheet (:mod:`remanxl.sheet.lists`), so
再制造, ``REMAN`` and ``reman 再制造`` give the same numbers.  Settings are read the same way (the
Settings sheet's *Read as* column).  Structured references are written in file form
(``Energy[[#This Row],[Quantity 数量]]``), which Excel shows as ``[@[Quantity 数量]]``; functions
newer than Excel 2010 carry their ``_xlfn.`` prefix.  The cells of a computed column store this text
in A1 form (:func:`in_a1`), which LibreOffice computes as one group.
"""
from __future__ import annotations

import re

from remanxl.method.inputs import TABLES
from remanxl.sheet.layout import BY_TABLE, COMPUTED, setting_name
from remanxl.sheet.lists import KEY_FIELDS, keys_name, symbols_count, words_name

_ESCAPE = str.maketrans({"[": "'[", "]": "']", "#": "'#", "'": "''"})
Q = '"'


def header(table: str, key: str) -> str:
    """The header of an input or computed column."""
    for c in COMPUTED.get(table, ()):
        if c.key == key:
            return c.header
    return TABLES[table].column(key).header


def col(table: str, key: str) -> str:
    """Whole data column of an input table: ``Energy[kgce 折标煤]``."""
    return f"{BY_TABLE[table].excel_table}[{header(table, key).translate(_ESCAPE)}]"


def cols(table: str, first: str, last: str) -> str:
    """Data columns ``first`` … ``last`` of an input table: ``Energy[[Side 侧别]:[Note 备注]]``."""
    return (f"{BY_TABLE[table].excel_table}[[{header(table, first).translate(_ESCAPE)}]:"
            f"[{header(table, last).translate(_ESCAPE)}]]")


def this(table: str, key: str) -> str:
    """The current row's cell of a column: ``Energy[[#This Row],[Quantity 数量]]``."""
    return f"{BY_TABLE[table].excel_table}[[#This Row],[{header(table, key).translate(_ESCAPE)}]]"


def this_span(table: str, first: str, last: str) -> str:
    """The current row's cells of columns ``first`` … ``last``: ``Parts[[#This Row],[Part id 零件编号]:[Note 备注]]``."""
    return (f"{BY_TABLE[table].excel_table}[[#This Row],[{header(table, first).translate(_ESCAPE)}]:"
            f"[{header(table, last).translate(_ESCAPE)}]]")


def column_letter(table: str, key: str) -> str:
    """Sheet column of an input or computed column of an input table (every table starts in column A)."""
    keys = [c.key for c in TABLES[table].columns] + [c.key for c in COMPUTED.get(table, ())]
    n, out = keys.index(key) + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_HEADER_TEXT = r"((?:'.|[^\]'])+)"  # a column name inside [...], with ' escaping [ ] # '


def in_a1(table: str, text: str, row: int) -> str:
    """``text`` with each reference to the current row of ``table`` written as an A1 reference on ``row``:
    ``Parts[[#This Row],[Qty per product 单台数量]]`` → ``$C5``, ``Parts[[#This Row],[A]:[L]]`` → ``$A5:$L5``.

    Why: LibreOffice computes the same shared formula faster and in less memory this way (measured on
    the plant workbook, everything else equal: a fifth off soffice.bin's peak, a third off its time;
    README, Performance) — presumably as it resolves a structured reference for each cell, while plain
    relative references make one formula group.  The column stays absolute (``$C``),
    as a column name is, so a copied formula still reads its own row's columns.  The formula text of
    :func:`computed_column_formulas` keeps the structured form, which says what each reference means.
    """
    by_header = {header(table, k): k for k in
                 [c.key for c in TABLES[table].columns] + [c.key for c in COMPUTED.get(table, ())]}
    pattern = re.compile(re.escape(BY_TABLE[table].excel_table) + r"\[\[#This Row\],\[" + _HEADER_TEXT
                         + r"\](?::\[" + _HEADER_TEXT + r"\])?\]")

    def cell(name: str) -> str:
        key = by_header[re.sub(r"'(.)", r"\1", name)]  # KeyError: a column the table does not have
        return f"${column_letter(table, key)}{row}"

    def one(m: re.Match) -> str:
        return cell(m.group(1)) + (":" + cell(m.group(2)) if m.group(2) else "")

    out = pattern.sub(one, text)
    if "[#This Row]" in out:
        raise ValueError(f"{table}: a current-row reference to another table in {text[:80]}")
    return out


def s(key: str) -> str:
    """A setting as the native formulas read it (its Read-as cell)."""
    return setting_name(key)


def word_key(field: str, cell: str) -> str:
    """The key a typed word means in ``field``: trimmed, full-width folded (ASC), looked up case-blind in the
    field's list of words; ``""`` for a blank cell or a word remanxl does not know."""
    return f'IFERROR(INDEX({keys_name(field)},MATCH(TRIM(ASC({cell})),{words_name(field)},0)),"")'


def unit_key(cell: str) -> str:
    """The unit symbol a typed unit means, as :class:`remanxl.method.units.UnitTable` reads it.

    Spaces are dropped and ³ ² ℓ folded; a symbol must be spelled exactly or in one case (``kwh``,
    ``KWH``), since ``Mg`` is not ``mg``: MATCH is case-blind, so the word found is compared with
    EXACT.  Names and aliases (千瓦时, 方) are case-blind.
    """
    u = (f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM(ASC({cell}))," ",""),"³","3"),"²","2"),'
         f'"ℓ","L")')
    at = f"MATCH({u},{words_name('unit')},0)"
    n = symbols_count("unit")
    ok = f"OR({at}>{n},EXACT(INDEX({words_name('unit')},{at}),{u}),EXACT({u},LOWER({u})),EXACT({u},UPPER({u})))"
    return f'IFERROR(IF({ok},INDEX({keys_name("unit")},{at}),""),"")'


def number(cell: str) -> str:
    """A quantity by the one number rule: a number as it is, text such as ``1,500`` or ``１５`` read
    (NUMBERVALUE with a point for decimals and commas for thousands), ``""`` otherwise."""
    return f'IF(ISNUMBER({cell}),{cell},IFERROR(_xlfn.NUMBERVALUE(ASC({cell}),".",","),""))'


def uconv(unit: str, to_unit: str) -> str:
    """Multiplier from ``unit`` to ``to_unit`` through the Units factor table (same as the core)."""
    return (f"(INDEX(Units[to_base],MATCH({unit},Units[unit],0))"
            f"/INDEX(Units[to_base],MATCH({to_unit},Units[unit],0)))")


def dimension(unit: str) -> str:
    return f"INDEX(Units[dimension],MATCH({unit},Units[unit],0))"


def uconv_density(unit: str, to_unit: str, substance: str) -> str:
    """:func:`uconv`, or through the density of ``substance`` (kg/m3, the Densities table) when one unit
    is a mass and the other a volume (water typed in 吨), as ``UnitTable.factor`` does."""
    density = f"INDEX(Densities[kg_per_m3],MATCH({substance},Densities[substance],0))"
    mass_to_volume = (f"(INDEX(Units[to_base],MATCH({unit},Units[unit],0))/INDEX(Units[to_base],MATCH({Q}kg{Q},"
                      f"Units[unit],0))/{density}*INDEX(Units[to_base],MATCH({Q}m3{Q},Units[unit],0))"
                      f"/INDEX(Units[to_base],MATCH({to_unit},Units[unit],0)))")
    volume_to_mass = (f"(INDEX(Units[to_base],MATCH({unit},Units[unit],0))/INDEX(Units[to_base],MATCH({Q}m3{Q},"
                      f"Units[unit],0))*{density}*INDEX(Units[to_base],MATCH({Q}kg{Q},Units[unit],0))"
                      f"/INDEX(Units[to_base],MATCH({to_unit},Units[unit],0)))")
    return (f'IF({dimension(unit)}={dimension(to_unit)},{uconv(unit, to_unit)},'
            f'IF({dimension(unit)}="mass",{mass_to_volume},{volume_to_mass}))')


def _scale(t: str) -> str:
    return f"IF({this(t, 'side_k')}=\"reman\",{s('scale_reman')},{s('scale_original')})"


def _lookup(table: str, column: str, key: str, key_column: str = "key") -> str:
    return f"INDEX({table}[{column}],MATCH({key},{table}[{key_column}],0))"


def _fuel_factor(source: str) -> str:
    """kgCO2 per unit of a fuel of the FuelFactors table: derived (NCV × CC × OF × 44/12) or tabulated."""
    derived = _lookup("FuelFactors", "kgco2_per_unit_derived", source)
    return (f"IF(AND({s('fuel_factor_method')}=\"derived\",{derived}<>\"\"),{derived},"
            f"{_lookup('FuelFactors', 'kgco2_per_unit', source)})")


def _source_factor(source: str) -> str:
    """kgCO2e per unit of a GHG source: electricity at the grid factor in force, a fuel, or a gas × its GWP."""
    fuel = f"ISNUMBER(MATCH({source},FuelFactors[key],0))"
    gwp_index = f"MATCH({source},GWP[gas],0)"
    gwp = (f"CHOOSE(MATCH({s('gwp_set')},{{\"SAR\",\"AR4\",\"AR5\",\"AR6\"}},0),INDEX(GWP[SAR],{gwp_index}),"
           f"INDEX(GWP[AR4],{gwp_index}),INDEX(GWP[AR5],{gwp_index}),INDEX(GWP[AR6],{gwp_index}))")
    return f"IF({source}=\"electricity\",{s('grid_in_use')},IF({fuel},{_fuel_factor(source)},{gwp}))"


def _source_unit(source: str) -> str:
    fuel = f"ISNUMBER(MATCH({source},FuelFactors[key],0))"
    return f"IF({source}=\"electricity\",\"kWh\",IF({fuel},{_lookup('FuelFactors', 'unit', source)},\"kg\"))"


def _blank_row(t: str) -> str:
    """TRUE when every input cell of the row is blank (the pre-sized rows of a table)."""
    keys = TABLES[t].keys
    # One range, not a test per column: COUNTBLANK counts exactly the cells that ="" finds blank (empty, or
    # text ""), and a formula that reads a range listens to it once instead of once per cell (less memory).
    return f"COUNTBLANK({this_span(t, keys[0], keys[-1])})={len(keys)}"


def say(key: str, **params) -> str:
    """A catalogue message in both languages, as a formula's text literal."""
    from remanxl.i18n import Msg, tr

    return '"' + tr(Msg(key, **params), "both").replace('"', '""') + '"'


def _check(t: str, tests: list[tuple[str, str]]) -> str:
    """The Check column: the first failing test's reason (a formula literal, see :func:`say`), or blank."""
    out = '""'
    for condition, reason in reversed(tests):
        out = f"IF({condition},{reason},{out})"
    return f'IF({_blank_row(t)},"",{out})'


def _common_checks(t: str, key_col: str, what: str, unit_dimension_ok: str | None) -> list[tuple[str, str]]:
    """Tests every inventory table shares: side, its own key, quantity, unit, provenance on the original side."""
    from remanxl.i18n import Msg

    qn = this(t, "qty_n")
    tests = [(f'{this(t, "side_k")}=""', say("check.side")),
             (f'{this(t, key_col)}=""', say("check.word", what=Msg(what))),
             (f'{qn}=""', say("check.quantity")),
             (f"{qn}<0", say("check.negative")),
             (f'{this(t, "unit_k")}=""', say("check.unit"))]
    if unit_dimension_ok:
        tests.append((f"NOT({unit_dimension_ok})", say("check.dimension")))
    tests.append((f'AND({this(t, "side_k")}="original",{this(t, "prov_k")}="")', say("check.provenance")))
    return tests


def computed_column_formulas(table: str) -> dict[str, str]:
    """Formula of each computed column of an input table (without the leading ``=``)."""
    t = table
    if t == "parts":
        return _parts_formulas()
    out = {"side_k": word_key("side", this(t, "side")), "unit_k": unit_key(this(t, "unit")),
           "qty_n": number(this(t, "quantity")), "prov_k": word_key("provenance", this(t, "provenance"))}
    qn, u = this(t, "qty_n"), this(t, "unit_k")
    if t == "energy":
        e = this(t, "type_k")
        fu = this(t, "factor_unit")
        gs, gu = this(t, "ghg_source"), this(t, "ghg_unit")
        duplicate = f'AND({e}="fresh_water",{s("fresh_water_in_energy")}="TRUE")'
        converted = f"({qn}*{uconv_density(u, fu, e)})"
        out.update({
            "type_k": word_key("energy_type", this(t, "energy_type")),
            "sign": f'IF({word_key("flow", this(t, "flow"))}="exported",-1,1)',
            "factor_unit": f'IFERROR(IF({e}="","",{_lookup("EnergyConversion", "unit", e)}),"")',
            "ghg_source": (f'IF(OR({e}="",{s("ghg_from_energy")}<>"TRUE"),"",'
                           f'IFERROR({_lookup("EnergyGhgSources", "ghg_source", e, "energy_type")}&"",""))'),
            "ghg_unit": f'IFERROR(IF({gs}="","",{_source_unit(gs)}),"")',
            "factor": (f'IFERROR(IF({e}="","",IF(AND({e}="electricity",{s("electricity_basis")}="equal"),'
                       f'{s("electricity_equal_value_kgce_per_kwh")},{_lookup("EnergyConversion", "kgce_per_unit", e)})),"")'),
            "kgce": (f'IFERROR(IF(OR({qn}="",{e}="",{u}="",{duplicate}),"",{this(t, "sign")}*{converted}'
                     f'*{this(t, "factor")}*{_scale(t)}),"")'),
            "ghg_factor": f'IFERROR(IF({gs}="","",{_source_factor(gs)}),"")',
            "kgco2e": (f'IFERROR(IF(OR({this(t, "kgce")}="",{gs}=""),"",{this(t, "sign")}*({converted}*{uconv(fu, gu)})'
                       f'*{this(t, "ghg_factor")}*{_scale(t)}),"")'),
        })
        dim_ok = f"OR({dimension(u)}={dimension(fu)},ISNUMBER(MATCH({e},Densities[substance],0)))"
        tests = _common_checks(t, "type_k", "what.energy_type_short", f"IFERROR({dim_ok},TRUE)")
        tests.insert(5, (duplicate, say("check.fresh_water")))
        out["check"] = _check(t, tests)
        return out
    if t == "ghg":
        src = this(t, "src_k")
        fu = this(t, "factor_unit")
        from_energy = f'AND({s("ghg_from_energy")}="TRUE",ISNUMBER(MATCH({src},EnergyGhgSources[ghg_source],0)))'
        out.update({
            "src_k": word_key("ghg_source", this(t, "source")),
            "sign": f'IF({word_key("flow", this(t, "flow"))}="exported",-1,1)',
            "factor_unit": f'IFERROR(IF({src}="","",{_source_unit(src)}),"")',
            "factor": f'IFERROR(IF({src}="","",{_source_factor(src)}),"")',
            "kgco2e": (f'IFERROR(IF(OR({qn}="",{src}="",{u}="",{from_energy},AND({this(t, "sign")}=-1,'
                       f'{src}<>"electricity",{src}<>"heat")),"",{this(t, "sign")}*({qn}*{uconv(u, fu)})'
                       f'*{this(t, "factor")}*{_scale(t)}),"")'),
        })
        tests = _common_checks(t, "src_k", "what.source_short", f"IFERROR({dimension(u)}={dimension(fu)},TRUE)")
        tests.insert(2, (from_energy, say("check.from_energy")))
        tests.insert(3, (f'AND({this(t, "sign")}=-1,{src}<>"electricity",{src}<>"heat")', say("check.export")))
        out["check"] = _check(t, tests)
        return out
    if t in ("air", "water_pollutants"):
        p = this(t, "pol_k")
        field = "pollutant_air" if t == "air" else "pollutant_water"
        kg_of = f'({qn}*{uconv(u, Q + "kg" + Q)})'
        skip = f"ISNUMBER(MATCH({p},LumpedPollutants[key],0))"
        if t == "water_pollutants":
            od = s("oxygen_demand_parameter")
            skip = f'AND(OR({p}="cod",{p}="bod5",{p}="toc"),{p}<>{od})'
        out.update({
            "pol_k": word_key(field, this(t, "pollutant")),
            "kg": f'IFERROR(IF(OR({qn}="",{p}="",{u}=""),"",IF({skip},"",{kg_of}*{_scale(t)})),"")',
            "pe": (f'IFERROR(IF({this(t, "kg")}="","",{kg_of}'
                   f'*(1/{_lookup("PollutionEquivalents", "kg_per_equivalent", p)})*{_scale(t)}),"")'),
        })
        out["check"] = _check(t, _common_checks(t, "pol_k", "what.pollutant_short",
                                                f'IFERROR({dimension(u)}="mass",TRUE)'))
        return out
    if t == "water":
        density = Q + "water" + Q
        out.update({
            "stream_k": word_key("stream", this(t, "stream")),
            "m3": f'IFERROR(IF(OR({qn}="",{u}=""),"",({qn}*{uconv_density(u, Q + "m3" + Q, density)})*{_scale(t)}),"")',
        })
        out["check"] = _check(t, _common_checks(t, "stream_k", "what.stream_short",
                                                f'IFERROR(OR({dimension(u)}="volume",{dimension(u)}="mass"),TRUE)'))
        return out
    if t in ("materials", "solid_waste"):
        field = "material_category" if t == "materials" else "waste_category"
        cat = this(t, "cat_k")
        core = f'{cat}="core"' if t == "materials" else "FALSE"
        out.update({
            "cat_k": word_key(field, this(t, "category")),
            "kg": (f'IFERROR(IF(OR({qn}="",{u}=""),"",IF({core},0,({qn}*{uconv(u, Q + "kg" + Q)})*{_scale(t)})),"")'),
        })
        tests = _common_checks(t, "cat_k", "what.stream_short", f'IFERROR({dimension(u)}="mass",TRUE)')
        tests[1] = (tests[1][0], say("check.category"))
        if t == "materials":  # the category may be left blank
            tests[1] = (f'AND({this(t, "category")}<>"",{cat}="")', say("check.category"))
        out["check"] = _check(t, tests)
        return out
    return {}


def _parts_formulas() -> dict[str, str]:
    t = "parts"
    q, m = this(t, "quantity"), this(t, "unit_mass_kg")
    fate, treat = this(t, "fate_k"), this(t, "treat_k")
    tests = [(f'{this(t, "name")}=""', say("check.part_name")),
             (f"NOT(ISNUMBER({q}))", say("check.part_quantity")),
             (f"NOT(ISNUMBER({m}))", say("check.unit_mass")),
             (f'{fate}=""', say("check.fate")),
             (f'AND({fate}="replaced",{treat}="")', say("check.treatment")),
             (f'AND({fate}<>"replaced",{treat}<>"")', say("check.treatment_only")),
             (f'AND({this(t, "consumable")}<>"",{this(t, "cons_k")}="")', say("check.consumable"))]
    for c in ("intact_count", "washable_count", "cleaned_count"):
        tests.append((f'AND(ISNUMBER({this(t, c)}),ISNUMBER({q}),{this(t, c)}>{q})', say("check.count")))
    return {
        "fate_k": word_key("fate", this(t, "fate")),
        "treat_k": word_key("treatment", this(t, "old_part_treatment")),
        "cons_k": word_key("bool", this(t, "consumable")),
        "check": _check(t, tests),
    }


def derived_fuel_factor_formula() -> str:
    """FuelFactors[kgco2_per_unit_derived]: NCV × CC × OF × 44/12 per the row's unit (as the core)."""
    r = "FuelFactors[[#This Row],[{}]]".format
    spec = "NcvUnits[{}],MATCH(" + r("ncv_unit") + ",NcvUnits[ncv_unit],0)"
    energy_unit = "INDEX(" + spec.format("energy_unit") + ")"
    amount = "INDEX(" + spec.format("amount") + ")"
    per_unit = "INDEX(" + spec.format("per_unit") + ")"
    return (f"IFERROR(IF(OR({r('ncv')}=\"\",{r('carbon_content_tc_per_tj')}=\"\",{r('oxidation_rate')}=\"\"),\"\","
            f"{r('ncv')}*{uconv(energy_unit, chr(34) + 'GJ' + chr(34))}/({amount}*{uconv(per_unit, r('unit'))})"
            f"*{r('carbon_content_tc_per_tj')}*{r('oxidation_rate')}*(44/12)),\"\")")


def setting_read_formula(spec, value_cell: str) -> str:
    """The Settings sheet's *Read as* cell of a setting: what the native formulas use."""
    default = spec.default
    if spec.kind == "bool":
        d = "TRUE" if default else "FALSE"
        return f'IF({value_cell}="","{d}",{word_key("bool", value_cell)})'
    if spec.kind == "choice":
        return f'IF({value_cell}="","{default}",{word_key(spec.choice_field, value_cell)})'
    if spec.kind == "key":
        return f'IF({value_cell}="","{default}",{word_key("grid_factor", value_cell)})'
    if spec.kind == "number":
        d = '""' if default is None else repr(float(default)).rstrip("0").rstrip(".")
        return f'IF({value_cell}="",{d},{number(value_cell)})'
    return f'IF({value_cell}="","",{value_cell}&"")'


# ---------------------------------------------------------------- the Summary's native figures


def _sumifs(table: str, key: str, side: str, extra: str = "") -> str:
    return f"SUMIFS({col(table, key)},{col(table, 'side_k')},\"{side}\"{extra})"


def _both(table: str, key: str, extra: str = "") -> tuple[str, str]:
    return _sumifs(table, key, "reman", extra), _sumifs(table, key, "original", extra)


def _fresh_water_kgce(side: str) -> str:
    """The Water sheet's fresh water in kgce (setting fresh_water_in_energy), as the core's
    ``fresh_water_energy``: m3 → t through the density of fresh water × its coefficient."""
    m3 = _sumifs("water", "m3", side, f",{col('water', 'stream_k')},\"fresh_water\"")
    unit = _lookup("EnergyConversion", "unit", '"fresh_water"')
    coef = _lookup("EnergyConversion", "kgce_per_unit", '"fresh_water"')
    return (f'IF({s("fresh_water_in_energy")}="TRUE",{m3}*{uconv_density(Q + "m3" + Q, unit, Q + "fresh_water" + Q)}'
            f"*{coef},0)")


def native_terms(symbol: str) -> tuple[str, str]:
    """Native formulas of an indicator's numerator and denominator; every setting is read natively, so a
    change of setting shows at once."""
    n = s("functional_unit_quantity")
    if symbol == "SE":
        r, m = _both("energy", "kgce")
        return f"{r}+{_fresh_water_kgce('reman')}", f"{m}+{_fresh_water_kgce('original')}"
    if symbol == "SM":
        r, m = _both("materials", "kg")
        extra = f'IF({s("materials_include_ledger_new_parts")}="TRUE",{ledger_mass("new", True)}*{n},0)'
        return f"{r}+{extra}", m
    if symbol == "SW":
        return _both("water", "m3", f",{col('water', 'stream_k')},\"fresh_water\"")
    if symbol == "RGHG":
        (er, em), (gr, gm) = _both("energy", "kgco2e"), _both("ghg", "kgco2e")
        return f"{er}+{gr}", f"{em}+{gm}"
    if symbol == "RAP":
        (pr, pm), (kr, km) = _both("air", "pe"), _both("air", "kg")
        mass = f'{s("air_aggregation")}="mass"'
        return f"IF({mass},{kr},{pr})", f"IF({mass},{km},{pm})"
    if symbol == "REF":
        (pr, pm) = _both("water_pollutants", "pe")
        (vr, vm) = _both("water", "m3", f",{col('water', 'stream_k')},\"wastewater\"")
        pe = f'{s("effluent_basis")}="pollution_equivalent"'
        return f"IF({pe},{pr},{vr})", f"IF({pe},{pm},{vm})"
    if symbol == "RSW":
        return _both("solid_waste", "kg")
    return _ledger_terms(symbol)


def _population(name: str) -> str:
    """0/1 per ledger row: whether the row belongs to a population of the ledger (an array, for SUMPRODUCT).

    These were once columns of every row (core-derived qty, new qty …); summing them here gives the very
    same products row by row (a 0 or 1 times the row's count times its mass), with 350,000 fewer formula
    cells on a 50,000-row ledger.  SUMPRODUCT reads its arguments as arrays in every spreadsheet, so no
    array entry is needed, and it counts a blank or text cell as 0, as SUM skipped the blanks before.
    """
    fate, treat = col("parts", "fate_k"), col("parts", "treat_k")
    return {"core": f'({fate}="reused")+({fate}="remanufactured")',
            "new": f'--({fate}="replaced")',
            "harmless": f'({fate}="replaced")*(({treat}="recycled")+({treat}="harmless_disposal"))',
            "recycled": f'({fate}="replaced")*({treat}="recycled")'}[name]


def ledger_count(population: str) -> str:
    """Parts of a ledger population, per product (before × N)."""
    return f"SUMPRODUCT({_population(population)},{col('parts', 'quantity')})"


def ledger_mass(population: str, new_parts: bool = False) -> str:
    """kg of a ledger population per product; ``new_parts``: at the new part's mass where one is typed (else
    the old part's), as the core weighs new parts.  Exactly one of the two terms is the row's mass, the
    other 0; a text mass gives an error value, as it did."""
    m = col("parts", "unit_mass_kg")
    if new_parts:
        nm = col("parts", "new_unit_mass_kg")
        m = f'{m}*({nm}="")+{nm}*({nm}<>"")'
    return f"SUMPRODUCT({_population(population)},{col('parts', 'quantity')},{m})"


def _ledger_terms(symbol: str) -> tuple[str, str]:
    n = s("functional_unit_quantity")
    mass = col("parts", "unit_mass_kg")
    qty = col("parts", "quantity")
    not_consumable = f'--({col("parts", "cons_k")}<>"TRUE")'

    def amount(count_col: str, basis: str, exclude_consumables: str | None = None) -> str:
        """Count (× N) or mass of the parts counted in an input column; ``exclude_consumables`` a condition
        that leaves them out."""
        c = col("parts", count_col) if count_col != "quantity" else qty
        by_mass = f"SUMPRODUCT({c},{mass})*{n}"
        by_count = f"SUM({c})*{n}"
        if exclude_consumables:
            by_mass = f"IF({exclude_consumables},SUMPRODUCT({c},{mass},{not_consumable})*{n},{by_mass})"
            by_count = f"IF({exclude_consumables},SUMPRODUCT({c},{not_consumable})*{n},{by_count})"
        expr = f'IF({basis}="mass",{by_mass},{by_count})'
        if count_col in ("intact_count", "washable_count", "cleaned_count"):
            # an optional ledger column left blank everywhere: not available (the core says so), never 0 %
            expr = f'IF(COUNT({c})=0,"",{expr})'
        return expr

    def of(population: str, b: str, new_parts: bool = False) -> str:
        """Count (× N) or mass (× N) of a ledger population."""
        return (f'IF({b}="mass",{ledger_mass(population, new_parts)}*{n},'
                f"{ledger_count(population)}*{n})")

    def basis(x: str) -> str:
        return s(f"basis_{x}")

    def product_whole(b: str) -> str:
        measured = s("product_mass_kg")
        return f'IF(AND({b}="mass",{measured}<>""),{measured}*{n},{of("core", b)}+{of("new", b, True)})'

    if symbol == "RUP":
        return of("core", basis("rup")), amount("quantity", basis("rup"))
    if symbol == "RND":
        ex = f'{s("rnd_exclude_consumables")}="TRUE"'
        return amount("intact_count", basis("rnd"), ex), amount("quantity", basis("rnd"), ex)
    if symbol == "RWP":
        b = basis("rwp")
        cleaned = f'{s("rwp_denominator")}="cleaned"'
        return amount("washable_count", b), f"IF({cleaned},{amount('cleaned_count', b)},{amount('quantity', b)})"
    if symbol == "RR":
        b = basis("rr")
        return of("core", b), product_whole(b)
    if symbol == "RRP":
        b = basis("rrp")
        return of("new", b, True), product_whole(b)
    if symbol == "RDH":
        b = basis("rdh")
        return of("harmless", b), of("new", b)  # the discarded old parts: the replaced ones, at the old mass
    if symbol == "RNR":
        b = basis("rnr")
        return of("recycled", b), of("new", b)
    raise KeyError(symbol)


COMPARISON = ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW")


def estimated_rows(side: str = "original", provenance: str | None = "estimated") -> str:
    """Native count of inventory rows of ``side`` (with ``provenance``; None: any row)."""
    terms = []
    for t in TABLES:
        if t == "parts":
            continue
        if provenance is None:
            terms.append(f"COUNTIFS({col(t, 'side_k')},\"{side}\")")
        else:
            terms.append(f"COUNTIFS({col(t, 'side_k')},\"{side}\",{col(t, 'prov_k')},\"{provenance}\")")
    return "+".join(terms)


def withheld() -> str:
    """Native form of the general rule: an independent remanufacturer's estimated original-side rows need the
    estimation note, or the comparison rates are withheld (as the core's ``invalid_reasons``)."""
    return (f'AND({s("remanufacturer_type")}="independent",{s("estimation_note")}="",'
            f"({estimated_rows()})>0)")


def value_formula(symbol: str, num_cell: str, den_cell: str) -> str:
    """The Summary's value of an indicator from its native numerator and denominator: the rate, or words
    saying why there is none (never an error value, never 0 %)."""
    if symbol in COMPARISON:
        rate = (f"IF(AND(ISNUMBER({den_cell}),{den_cell}>0),1-{num_cell}/{den_cell},"
                f"{say('summary.undefined_comparison')})")
        return f"IF({withheld()},{say('summary.withheld')},{rate})"
    return (f"IF(AND(ISNUMBER({num_cell}),ISNUMBER({den_cell}),{den_cell}>0),{num_cell}/{den_cell},"
            f"{say('summary.undefined_share')})")


__all__ = ["computed_column_formulas", "native_terms", "value_formula", "derived_fuel_factor_formula",
           "setting_read_formula", "word_key", "unit_key", "col", "cols", "this", "this_span", "header", "in_a1",
           "column_letter", "withheld",
           "estimated_rows", "COMPARISON", "KEY_FIELDS", "say"]
