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
from itertools import repeat
from operator import mul

from remanxl.method.inputs import Row, Rows
from remanxl.method.settings import Settings

HARMLESS = ("recycled", "harmless_disposal")


@dataclass
class Amount:
    """A population of parts on both bases (sums exact to the last bit: ``math.fsum``)."""

    counts: list[float] = field(default_factory=list)
    masses: list[float] = field(default_factory=list)
    # fsum of a 50,000-part population is asked for many times; it is kept until a list grows.
    _sums: dict = field(default_factory=dict, repr=False, compare=False)

    def add(self, count: float, unit_mass: float) -> None:
        self.counts.append(count)
        self.masses.append(count * unit_mass)

    def _fsum(self, which: str, values: list[float]) -> float:
        stamp = (id(values), len(values))  # a list that grew or was replaced is summed again
        cached = self._sums.get(which)
        if cached is None or cached[0] != stamp:
            cached = self._sums[which] = (stamp, math.fsum(values))
        return cached[1]

    @property
    def count(self) -> float:
        return self._fsum("count", self.counts)

    @property
    def mass(self) -> float:
        return self._fsum("mass", self.masses)

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
    has_intact: bool = False
    has_washable: bool = False
    has_cleaned: bool = False
    rows: int = 0

    @property
    def product(self) -> Amount:
        parts = (self.core_derived, self.new)
        key = tuple((len(a.counts), len(a.masses)) for a in parts)
        cached = self.__dict__.get("_product")
        if cached is None or cached[0] != key:
            cached = (key, Amount(self.core_derived.counts + self.new.counts,
                                  self.core_derived.masses + self.new.masses))
            self.__dict__["_product"] = cached
        return cached[1]

    def to_dict(self) -> dict:
        names = ("removed", "removed_non_consumable", "intact", "intact_non_consumable", "washable", "cleaned",
                 "core_derived", "new", "discarded", "harmless", "recycled", "product")
        return {n: getattr(self, n).to_dict() for n in names}


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
    for name, flag in optional.items():
        given = len(rows) - counts[name].count(None)
        if given:
            setattr(ledger, flag, True)
            if given != len(rows):
                for r, v in zip(rows, counts[name]):
                    if v is None:
                        problem(r, name, "blank while other rows give it; enter 0 if none")
    i_, w_, c_ = counts["intact_count"], counts["washable_count"], counts["cleaned_count"]

    # Rows lacking a required cell were reported by the parser; the others are checked, and a row
    # with a fault of its own is left out of every sum.  The checks run a column pair at a time.
    if None in q_ or None in m_ or None in fate_:
        complete = {k for k, cells in enumerate(zip(q_, m_, fate_)) if None not in cells}
    else:
        complete = None  # every row
    faulty = set()
    for counts_of in (i_, w_, c_):
        faulty.update(k for k, (v, q) in enumerate(zip(counts_of, q_)) if v is not None and q is not None and v > q)
    faulty.update(k for k, (fate, treat) in enumerate(zip(fate_, treat_))  # a treatment if and only if replaced
                  if fate is not None and (fate == "replaced") == (treat is None))
    faulty.update(k for k, (fate, nm) in enumerate(zip(fate_, new_mass_)) if nm is not None and fate != "replaced")
    if complete is not None:
        faulty &= complete
    for k in sorted(faulty):
        _row_faults(rows[k], problem)
    if complete is None and not faulty:
        good = range(len(rows))
    else:
        good = [k for k in (range(len(rows)) if complete is None else sorted(complete)) if k not in faulty]

    def amount(ks, count_of, mass_of=None) -> Amount:
        """Counts of the rows ``ks`` (already × N) and their masses: count × unit mass, as Amount.add does."""
        mass_of = mass_of or m_
        if len(ks) == len(rows):  # every row: the columns as they are
            qn = list(count_of) if n == 1.0 else list(map(mul, count_of, repeat(n)))  # x * 1.0 is x
            return Amount(qn, list(map(mul, qn, mass_of)))
        qn = list(map(count_of.__getitem__, ks))
        if n != 1.0:
            qn = list(map(mul, qn, repeat(n)))
        return Amount(qn, list(map(mul, qn, map(mass_of.__getitem__, ks))))

    keep = [k for k in good if not consumable_[k]]
    ledger.removed = amount(good, q_)
    ledger.removed_non_consumable = amount(keep, q_)
    ledger.intact = amount([k for k in good if i_[k] is not None], i_)
    ledger.intact_non_consumable = amount([k for k in keep if i_[k] is not None], i_)
    ledger.washable = amount([k for k in good if w_[k] is not None], w_)
    ledger.cleaned = amount([k for k in good if c_[k] is not None], c_)
    ledger.core_derived = amount([k for k in good if fate_[k] in ("reused", "remanufactured")], q_)
    replaced = [k for k in good if fate_[k] not in ("reused", "remanufactured")]
    ledger.new = amount(replaced, q_, [m if nm is None else nm for m, nm in zip(m_, new_mass_)])
    ledger.discarded = amount(replaced, q_)
    ledger.harmless = amount([k for k in replaced if treat_[k] in HARMLESS], q_)
    ledger.recycled = amount([k for k in replaced if treat_[k] == "recycled"], q_)
    return ledger


def _row_faults(r: Row, problem) -> None:
    """Report every fault of one ledger row, in column order."""
    q = r["quantity"]
    for column in ("intact_count", "washable_count", "cleaned_count"):
        if r[column] is not None and r[column] > q:
            problem(r, column, f"{r[column]:g} is more than the quantity per product {q:g}")
    if r["fate"] == "replaced" and r["old_part_treatment"] is None:
        problem(r, "old_part_treatment", "required for a replaced part: recycled, harmless_disposal or other")
    if r["fate"] != "replaced" and r["old_part_treatment"] is not None:
        problem(r, "old_part_treatment", f"only a replaced part has an old-part treatment; this part is {r['fate']}")
    if r["fate"] != "replaced" and r["new_unit_mass_kg"] is not None:
        problem(r, "new_unit_mass_kg", f"only a replaced part has a new part; this part is {r['fate']}")


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
                      ledger.removed_non_consumable.on(b), b, "consumables excluded")
    else:
        out["RND"] = (ledger.intact.on(b) if ledger.has_intact else None, ledger.removed.on(b), b, "")
    b = s.basis_rwp
    if s.rwp_denominator == "cleaned":
        out["RWP"] = (ledger.washable.on(b) if ledger.has_washable else None,
                      ledger.cleaned.on(b) if ledger.has_cleaned else None, b, "denominator: parts sent to cleaning")
    else:
        out["RWP"] = (ledger.washable.on(b) if ledger.has_washable else None, ledger.removed.on(b), b, "")
    for symbol, part in (("RR", ledger.core_derived), ("RRP", ledger.new)):
        b = getattr(s, f"basis_{symbol.lower()}")
        if b == "mass" and s.product_mass_kg is not None:
            whole, note = s.product_mass_kg * s.functional_unit_quantity, "denominator: measured product mass"
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


def is_close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
