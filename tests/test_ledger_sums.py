"""The parts ledger is summed column by column (a plant ledger has tens of thousands of rows); every
population and every fault must be what a plain reading, row by row, gives: the same exact sums, the same
problems in the same order (counts left blank while other rows give them, column by column; then each
row's own faults, in column order), for any ledger, N, gaps and faults."""
import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from remanxl.method.inputs import EvaluationInput, parse_tables
from remanxl.method.parts import _CORE_DERIVED, _HARMLESS, Amount, sum_parts
from remanxl.method.settings import settings_of
from remanxl.method.vocabulary import choice_words

WORDS = choice_words()


def reference(rows, n):
    """The ledger's sums and faults, row by row, from the definitions in remanxl/method/parts.py."""
    problems = []
    counts = ("intact_count", "washable_count", "cleaned_count")
    flags = {}
    for c in counts:
        given = [r for r in rows if r[c] is not None]
        flags[c] = bool(given)
        if given and len(given) != len(rows):
            problems += [(r.index, c, "parts.count_blank") for r in rows if r[c] is None]
    good = []
    for r in rows:
        if r["quantity"] is None or r["unit_mass_kg"] is None or r["fate"] is None:
            continue
        own = [(r.index, c, "parts.count_above_quantity") for c in counts
               if r[c] is not None and r[c] > r["quantity"]]
        replaced = r["fate"] == "replaced"
        if replaced and r["old_part_treatment"] is None:
            own.append((r.index, "old_part_treatment", "parts.treatment_required"))
        if not replaced and r["old_part_treatment"] is not None:
            own.append((r.index, "old_part_treatment", "parts.treatment_only_replaced"))
        if not replaced and r["new_unit_mass_kg"] is not None:
            own.append((r.index, "new_unit_mass_kg", "parts.new_mass_only_replaced"))
        problems += own
        if not own:
            good.append(r)

    def amount(population, count=lambda r: r["quantity"], mass=lambda r: r["unit_mass_kg"]):
        return Amount(math.fsum(count(r) * n for r in population),
                      math.fsum(count(r) * n * mass(r) for r in population))

    def new_mass(r):
        return r["unit_mass_kg"] if r["new_unit_mass_kg"] is None else r["new_unit_mass_kg"]

    keep = [r for r in good if not r["consumable"]]
    core = [r for r in good if r["fate"] in _CORE_DERIVED]
    replaced = [r for r in good if r["fate"] not in _CORE_DERIVED]
    sums = {
        "removed": amount(good), "removed_non_consumable": amount(keep),
        "intact": amount([r for r in good if r["intact_count"] is not None], lambda r: r["intact_count"]),
        "intact_non_consumable": amount([r for r in keep if r["intact_count"] is not None], lambda r: r["intact_count"]),
        "washable": amount([r for r in good if r["washable_count"] is not None], lambda r: r["washable_count"]),
        "cleaned": amount([r for r in good if r["cleaned_count"] is not None], lambda r: r["cleaned_count"]),
        "core_derived": amount(core), "new": amount(replaced, mass=new_mass),
        "product": Amount(math.fsum(r["quantity"] * n for r in core + replaced),
                          math.fsum([r["quantity"] * n * r["unit_mass_kg"] for r in core]
                                    + [r["quantity"] * n * new_mass(r) for r in replaced])),
        "discarded": amount(replaced),
        "harmless": amount([r for r in replaced if r["old_part_treatment"] in _HARMLESS]),
        "recycled": amount([r for r in replaced if r["old_part_treatment"] == "recycled"]),
    }
    return sums, flags, problems


NUMBER = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.0, 4.0, 0.1, 0.3, 1e-9, 7.25, 12345.678, 1e15]),
                   st.floats(min_value=0, max_value=1e6, allow_nan=False))
ROW = st.fixed_dictionaries({
    "name": st.sampled_from(["gear", "shaft", "bolt"]),
    "quantity": NUMBER.filter(lambda v: v is not None),
    "unit_mass_kg": NUMBER.filter(lambda v: v is not None),
    "fate": st.sampled_from(["reused", "remanufactured", "replaced"]),
    "intact_count": NUMBER, "washable_count": NUMBER, "cleaned_count": NUMBER,
    "consumable": st.sampled_from([None, True, False]),
    "old_part_treatment": st.sampled_from([None, "recycled", "harmless_disposal", "other"]),
    "new_unit_mass_kg": NUMBER,
})


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(ROW, max_size=14), n=st.sampled_from([1.0, 3.0, 0.5, 0.1]),
       all_counts=st.booleans(), no_new_mass=st.booleans())
# every count given (no blank to report), no new part mass anywhere: the ledger's usual shapes
@example(rows=[{"name": "gear", "quantity": 3.0, "unit_mass_kg": 0.1, "fate": "replaced", "intact_count": 1.0,
                "washable_count": 2.0, "cleaned_count": 3.0, "consumable": False, "old_part_treatment": "recycled",
                "new_unit_mass_kg": None}], n=3.0, all_counts=True, no_new_mass=True)
# a new part's own mass, N not 1: the product is (quantity × N) × new mass, in that order, as row by row
@example(rows=[{"name": "gear", "quantity": 7.25, "unit_mass_kg": 0.1, "fate": "replaced", "intact_count": None,
                "washable_count": None, "cleaned_count": None, "consumable": None, "old_part_treatment": "recycled",
                "new_unit_mass_kg": 0.3}], n=0.1, all_counts=False, no_new_mass=False)
def test_the_ledger_sums_are_the_row_by_row_sums(rows, n, all_counts, no_new_mass):
    for r in rows:
        if all_counts:  # the usual plant ledger: every count given
            for c in ("intact_count", "washable_count", "cleaned_count"):
                r[c] = r["quantity"] if r[c] is None else r[c]
        if no_new_mass:
            r["new_unit_mass_kg"] = None
    s, _ = settings_of({"functional_unit_quantity": n}, WORDS)
    out = sum_parts([dict(r) for r in rows], s, WORDS)
    tables, structural = parse_tables(EvaluationInput(tables={"parts": rows}), ("parts",), WORDS)
    assert out.structural == structural == []
    sums, flags, problems = reference(list(tables["parts"]), s.functional_unit_quantity)
    for name, want in sums.items():
        assert getattr(out.ledger, name) == want, name
    assert (out.ledger.has_intact, out.ledger.has_washable, out.ledger.has_cleaned) == tuple(flags.values())
    assert out.ledger.rows == len(rows)
    assert [(p.row, p.column, p.message.key) for p in out.problems] == problems
