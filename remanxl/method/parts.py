"""The parts ledger: the seven remanufacturing implementation ratios (indicators 8–14).

One ledger row is one part type of the disassembled core and of the
remanufactured product, with its quantity per product.  Every ratio is
computed on both bases (part count and mass); the settings choose which one is
reported, and the other is kept in the breakdown.  Quantities are scaled by N,
the number of cores/products evaluated.

The population of each ratio:

========  ===============================================  ============================================
ratio     numerator                                        denominator
========  ===============================================  ============================================
RUP       parts reused or remanufactured                   all parts removed from the cores
RND       parts removed intact                             all parts removed (minus consumables, option)
RWP       parts washable to the reuse requirement          all parts removed, or those sent to cleaning
RR        core-derived parts in the product                the product (core-derived + new parts, or the
                                                           measured product mass when given)
RDH       discarded parts recycled or harmlessly disposed  all discarded parts (old parts replaced)
RRP       new replacement parts in the product             the product, as for RR
RNR       non-remanufacturable parts recycled              all non-remanufacturable parts (old parts
                                                           replaced)
========  ===============================================  ============================================
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import and_, eq, gt, is_, is_not, mul, not_

from remanxl.i18n import Msg
from remanxl.method.errors import Problem
from remanxl.method.inputs import EvaluationInput, Row, Rows, parse_tables
from remanxl.method.settings import Settings

HARMLESS = ("recycled", "harmless_disposal")
_HARMLESS = frozenset(HARMLESS)
_CORE_DERIVED = frozenset(("reused", "remanufactured"))


@dataclass(frozen=True)
class Amount:
    """A population of parts on both bases: its count and its mass, each summed exactly (``math.fsum``)."""

    count: float = 0.0
    mass: float = 0.0

    def on(self, basis: str) -> float:
        return self.count if basis == "count" else self.mass

    def to_dict(self) -> dict:
        return {"count": self.count, "mass_kg": self.mass}


@dataclass
class Ledger:
    """Sums of the parts ledger for N products."""

    removed: Amount = field(default_factory=Amount)
    removed_non_consumable: Amount = field(default_factory=Amount)
    intact: Amount = field(default_factory=Amount)
    intact_non_consumable: Amount = field(default_factory=Amount)
    washable: Amount = field(default_factory=Amount)
    cleaned: Amount = field(default_factory=Amount)
    core_derived: Amount = field(default_factory=Amount)
    new: Amount = field(default_factory=Amount)
    discarded: Amount = field(default_factory=Amount)
    harmless: Amount = field(default_factory=Amount)
    recycled: Amount = field(default_factory=Amount)
    product: Amount = field(default_factory=Amount)  # core-derived + new, summed exactly as one population
    has_intact: bool = False
    has_washable: bool = False
    has_cleaned: bool = False
    rows: int = 0

    def to_dict(self) -> dict:
        names = ("removed", "removed_non_consumable", "intact", "intact_non_consumable", "washable", "cleaned",
                 "core_derived", "new", "discarded", "harmless", "recycled", "product")
        return {n: getattr(self, n).to_dict() for n in names}


@dataclass
class PartsSums:
    """The parts ledger of an input, summed, and its faults: made by :func:`sum_parts`."""

    ledger: Ledger
    structural: list[Problem]  # cells that do not parse
    problems: list[Problem]  # faults of whole rows (counts above the quantity, treatment without a replacement)


def sum_parts(rows, settings: Settings, words=None) -> PartsSums:
    """Step 2 of :func:`~remanxl.method.evaluate.evaluate`: the parts ledger (rows as in
    ``EvaluationInput.tables["parts"]``) parsed and summed for the settings' N and bases.
    ``words`` is the vocabulary of choices (default the shipped one).  Faults are collected, not raised."""
    tables, structural = parse_tables(EvaluationInput(tables={"parts": rows}), ("parts",), words)
    bad = {p.row for p in structural}
    clean = [r for r in tables["parts"] if r.index not in bad] if bad else tables["parts"]
    problems: list[Problem] = []

    def problem(row, column: str, message: str) -> None:
        problems.append(Problem(row.table, row.index, column, message))

    return PartsSums(sum_ledger(clean, settings, problem), structural, problems)


def sum_ledger(rows: list[Row], settings: Settings, problem) -> Ledger:
    """Sum the ledger for N products; ``problem(row, column, message)`` receives each fault.

    Works column by column (a plant ledger has tens of thousands of rows); faults are
    reported in the same order as a row-by-row reading would: first the optional counts
    left blank while other rows give them (column by column), then each row's own faults.
    """
    n = settings.functional_unit_quantity
    ledger = Ledger(rows=len(rows))
    if isinstance(rows, Rows):  # parsed columns as they are: no Row objects needed
        column = rows.column
    else:
        cells = [r.values for r in rows]

        def column(key):
            return [c.get(key) for c in cells]

    q_, m_, fate_ = column("quantity"), column("unit_mass_kg"), column("fate")
    treat_, new_mass_, consumable_ = column("old_part_treatment"), column("new_unit_mass_kg"), column("consumable")
    optional = {"intact_count": "has_intact", "washable_count": "has_washable", "cleaned_count": "has_cleaned"}
    counts = {c: column(c) for c in optional}
    blanks = {c: counts[c].count(None) for c in optional}  # cells left blank, by column
    for name, flag in optional.items():
        given = len(rows) - blanks[name]
        if given:
            setattr(ledger, flag, True)
            if given != len(rows):
                for r, v in zip(rows, counts[name]):
                    if v is None:
                        problem(r, name, Msg("parts.count_blank"))

    # Rows lacking a required cell were reported by the parser; the others are checked, and a row
    # with a fault of its own is left out of every sum.  The checks and the sums run on whole
    # columns with C-level iteration (map, compress): a plant ledger has tens of thousands of rows,
    # and each pass over one of its columns costs a millisecond or more, so none is made twice.
    size = len(rows)
    q_blank = None in q_
    if q_blank or None in m_ or None in fate_:
        complete = {k for k, cells in enumerate(zip(q_, m_, fate_)) if None not in cells}
    else:
        complete = None  # every row
    replaced_ = list(map(eq, fate_, repeat("replaced")))
    faulty = set()
    for name, counts_of in counts.items():
        if blanks[name] or q_blank:
            faulty.update(k for k, (v, q) in enumerate(zip(counts_of, q_)) if v is not None and q is not None and v > q)
        elif any(map(gt, counts_of, q_)):
            faulty.update(compress(range(size), map(gt, counts_of, q_)))
    # a treatment if and only if replaced; a new part mass only if replaced
    no_treatment = list(map(is_, treat_, repeat(None)))
    faulty.update(k for k in compress(range(size), map(eq, replaced_, no_treatment)) if fate_[k] is not None)
    new_mass_given = None if new_mass_.count(None) == size else list(map(is_not, new_mass_, repeat(None)))
    if new_mass_given is not None:
        faulty.update(compress(range(size), map(and_, new_mass_given, map(not_, replaced_))))
    if complete is not None:
        faulty &= complete
    for k in sorted(faulty):
        _row_faults(rows[k], problem)
    if complete is None and not faulty:
        good = None  # every row
    else:
        good = [True] * size
        for k in faulty | (set(range(size)) - complete if complete is not None else set()):
            good[k] = False

    def both(a, b):
        return b if a is None else list(map(and_, a, b))

    def scaled(values):
        return values if n == 1.0 else list(map(mul, values, repeat(n)))  # x * 1.0 is x

    def pick(values, mask):
        return values if mask is None else compress(values, mask)

    def amount(mask, counted, masses) -> Amount:
        """The counts and masses of the rows ``mask`` selects (None: every row)."""
        return Amount(math.fsum(pick(counted, mask)), math.fsum(pick(masses, mask)))

    keep = both(good, list(map(not_, consumable_)))
    in_core = list(map(_CORE_DERIVED.__contains__, fate_))
    core = both(good, in_core)
    replaced = both(good, list(map(not_, in_core)))
    # Every population of whole parts sums the same per-row figures: worked out once (a row lacking
    # its quantity or mass gets 0 there; no mask selects it).
    q0, m0 = q_, m_
    if complete is not None:
        q0, m0 = [0.0 if v is None else v for v in q_], [0.0 if v is None else v for v in m_]
    qn = scaled(q0)
    old_mass = list(map(mul, qn, m0))
    new_mass = old_mass
    if new_mass_given is not None:  # a new part's own mass where one is given
        new_mass = old_mass[:]
        for k in compress(range(size), new_mass_given):
            new_mass[k] = qn[k] * new_mass_[k]

    per_row: dict = {}  # count column given in every row -> (its counts × N, their masses)

    def counted(name: str, mask) -> tuple:
        """(the rows ``mask`` selects that give count ``name``, their counts × N, their masses)."""
        values = counts[name]
        if not blanks[name]:  # every row gives it: worked out once for every population
            figures = per_row.get(name)
            if figures is None:
                cn = scaled(values)
                figures = per_row[name] = (cn, list(map(mul, cn, m0)))
            return mask, *figures
        selected = both(mask, list(map(is_not, values, repeat(None))))
        cn = scaled(list(compress(values, selected)))
        return None, cn, list(map(mul, cn, compress(m_, selected)))

    ledger.removed = amount(good, qn, old_mass)
    ledger.removed_non_consumable = amount(keep, qn, old_mass)
    ledger.intact = amount(*counted("intact_count", good))
    ledger.intact_non_consumable = amount(*counted("intact_count", keep))
    ledger.washable = amount(*counted("washable_count", good))
    ledger.cleaned = amount(*counted("cleaned_count", good))
    ledger.core_derived = amount(core, qn, old_mass)
    ledger.new = amount(replaced, qn, new_mass)
    ledger.product = Amount(math.fsum(chain(pick(qn, core), pick(qn, replaced))),  # one population, one sum
                            math.fsum(chain(pick(old_mass, core), pick(new_mass, replaced))))
    ledger.discarded = amount(replaced, qn, old_mass)
    ledger.harmless = amount(both(replaced, list(map(_HARMLESS.__contains__, treat_))), qn, old_mass)
    ledger.recycled = amount(both(replaced, list(map(eq, treat_, repeat("recycled")))), qn, old_mass)
    return ledger


def _row_faults(r: Row, problem) -> None:
    """Report every fault of one ledger row, in column order."""
    q = r["quantity"]
    for column in ("intact_count", "washable_count", "cleaned_count"):
        if r[column] is not None and r[column] > q:
            problem(r, column, Msg("parts.count_above_quantity", count=f"{r[column]:g}", quantity=f"{q:g}"))
    if r["fate"] == "replaced" and r["old_part_treatment"] is None:
        problem(r, "old_part_treatment", Msg("parts.treatment_required"))
    if r["fate"] != "replaced" and r["old_part_treatment"] is not None:
        problem(r, "old_part_treatment", Msg("parts.treatment_only_replaced", fate=r["fate"]))
    if r["fate"] != "replaced" and r["new_unit_mass_kg"] is not None:
        problem(r, "new_unit_mass_kg", Msg("parts.new_mass_only_replaced", fate=r["fate"]))


def ratio_terms(ledger: Ledger, settings: Settings) -> dict[str, tuple[float | None, float | None, str, str]]:
    """Numerator, denominator, basis and a note for each of RUP … RNR.

    A ``None`` numerator means the ledger lacks the data (e.g. no intact counts): the ratio is
    not available rather than zero.
    """
    s = settings
    out = {}
    b = s.basis_rup
    out["RUP"] = (ledger.core_derived.on(b), ledger.removed.on(b), b, "")
    b = s.basis_rnd
    if s.rnd_exclude_consumables:
        out["RND"] = (ledger.intact_non_consumable.on(b) if ledger.has_intact else None,
                      ledger.removed_non_consumable.on(b), b, Msg("basis.consumables_excluded"))
    else:
        out["RND"] = (ledger.intact.on(b) if ledger.has_intact else None, ledger.removed.on(b), b, "")
    b = s.basis_rwp
    if s.rwp_denominator == "cleaned":
        out["RWP"] = (ledger.washable.on(b) if ledger.has_washable else None,
                      ledger.cleaned.on(b) if ledger.has_cleaned else None, b, Msg("basis.denominator_cleaned"))
    else:
        out["RWP"] = (ledger.washable.on(b) if ledger.has_washable else None, ledger.removed.on(b), b, "")
    for symbol, part in (("RR", ledger.core_derived), ("RRP", ledger.new)):
        b = getattr(s, f"basis_{symbol.lower()}")
        if b == "mass" and s.product_mass_kg is not None:
            whole, note = s.product_mass_kg * s.functional_unit_quantity, Msg("basis.denominator_product_mass")
        else:
            whole, note = ledger.product.on(b), ""
        out[symbol] = (part.on(b), whole, b, note)
    b = s.basis_rdh
    out["RDH"] = (ledger.harmless.on(b), ledger.discarded.on(b), b, "")
    b = s.basis_rnr
    out["RNR"] = (ledger.recycled.on(b), ledger.discarded.on(b), b, "")
    return out


def mass_balance_gap(ledger: Ledger, settings: Settings) -> float | None:
    """Relative gap of RR + RRP from 1 on a mass basis against the measured product mass, if given."""
    if settings.product_mass_kg is None:
        return None
    whole = settings.product_mass_kg * settings.functional_unit_quantity
    return (ledger.core_derived.mass + ledger.new.mass) / whole - 1.0 if whole else None
