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

from remanxl.method.inputs import Row
from remanxl.method.settings import Settings

HARMLESS = ("recycled", "harmless_disposal")


@dataclass
class Amount:
    """A population of parts on both bases (sums exact to the last bit: ``math.fsum``)."""

    counts: list[float] = field(default_factory=list)
    masses: list[float] = field(default_factory=list)

    def add(self, count: float, unit_mass: float) -> None:
        self.counts.append(count)
        self.masses.append(count * unit_mass)

    @property
    def count(self) -> float:
        return math.fsum(self.counts)

    @property
    def mass(self) -> float:
        return math.fsum(self.masses)

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
        return Amount(self.core_derived.counts + self.new.counts, self.core_derived.masses + self.new.masses)

    def to_dict(self) -> dict:
        names = ("removed", "removed_non_consumable", "intact", "intact_non_consumable", "washable", "cleaned",
                 "core_derived", "new", "discarded", "harmless", "recycled", "product")
        return {n: getattr(self, n).to_dict() for n in names}


def sum_ledger(rows: list[Row], settings: Settings, problem) -> Ledger:
    """Sum the ledger for N products; ``problem(row, column, message)`` receives each fault."""
    n = settings.functional_unit_quantity
    ledger = Ledger(rows=len(rows))
    optional = {"intact_count": "has_intact", "washable_count": "has_washable", "cleaned_count": "has_cleaned"}
    given = {c: [r for r in rows if r[c] is not None] for c in optional}
    for column, flag in optional.items():
        if given[column]:
            setattr(ledger, flag, True)
            if len(given[column]) != len(rows):
                for r in rows:
                    if r[column] is None:
                        problem(r, column, "blank while other rows give it; enter 0 if none")
    for r in rows:
        q, m = r["quantity"], r["unit_mass_kg"]
        if q is None or m is None or r["fate"] is None:
            continue  # already reported as required
        bad = False
        for column in optional:
            if r[column] is not None and r[column] > q:
                problem(r, column, f"{r[column]:g} is more than the quantity per product {q:g}")
                bad = True
        if r["fate"] == "replaced" and r["old_part_treatment"] is None:
            problem(r, "old_part_treatment", "required for a replaced part: recycled, harmless_disposal or other")
            bad = True
        if r["fate"] != "replaced" and r["old_part_treatment"] is not None:
            problem(r, "old_part_treatment", f"only a replaced part has an old-part treatment; this part is {r['fate']}")
            bad = True
        if r["fate"] != "replaced" and r["new_unit_mass_kg"] is not None:
            problem(r, "new_unit_mass_kg", f"only a replaced part has a new part; this part is {r['fate']}")
            bad = True
        if bad:
            continue
        qn = q * n
        ledger.removed.add(qn, m)
        consumable = bool(r["consumable"])
        if not consumable:
            ledger.removed_non_consumable.add(qn, m)
        if r["intact_count"] is not None:
            ledger.intact.add(r["intact_count"] * n, m)
            if not consumable:
                ledger.intact_non_consumable.add(r["intact_count"] * n, m)
        if r["washable_count"] is not None:
            ledger.washable.add(r["washable_count"] * n, m)
        if r["cleaned_count"] is not None:
            ledger.cleaned.add(r["cleaned_count"] * n, m)
        if r["fate"] in ("reused", "remanufactured"):
            ledger.core_derived.add(qn, m)
        else:
            new_mass = r["new_unit_mass_kg"] if r["new_unit_mass_kg"] is not None else m
            ledger.new.add(qn, new_mass)
            ledger.discarded.add(qn, m)
            if r["old_part_treatment"] in HARMLESS:
                ledger.harmless.add(qn, m)
            if r["old_part_treatment"] == "recycled":
                ledger.recycled.add(qn, m)
    return ledger


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
