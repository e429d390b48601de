"""Uncertainty: the spread of each row from its provenance, the Monte Carlo of the comparison rates
against closed forms and brute force, the variance ranking and the tornado."""
import csv
import math
from importlib import resources
from statistics import NormalDist

import pytest

np = pytest.importorskip("numpy")

from remanxl import evaluate, load_example  # noqa: E402
from remanxl.method.errors import InputError  # noqa: E402
from remanxl.method.factors import default_factors  # noqa: E402
from remanxl.method.montecarlo import band_rows, simulate  # noqa: E402
from remanxl.method.spread import parse_spread, pedigree_gsd2, sigma_of  # noqa: E402
from remanxl.method.uncertainty import build_models, first_order_variance, sensitivity, tornado  # noqa: E402

N = 20_000
Z = NormalDist()
#: Tolerances are this many standard errors of the estimate at the chosen N: a false alarm is rarer
#: than one in 10⁴ runs, and the seeds are fixed, so a test either always passes or always fails.
K = 4.0


def _row(side, qty, prov="measured", spread=None, **extra):
    r = {"side": side, "quantity": qty, "unit": "m3", "stream": "fresh_water", "provenance": prov, **extra}
    if spread is not None:
        r["uncertainty"] = spread
    return r


def _water(rows, **factors):
    return {"settings": {"product": "test", "remanufacturer_type": "oem"}, "water": rows,
            "factors": {k: v for k, v in factors.items()}}


def _quantile_se(p, n, slope):
    """Standard error of the sample p-quantile of Y = g(Z), Z standard normal, g' = slope at z_p."""
    z = Z.inv_cdf(p)
    return abs(slope) * math.sqrt(p * (1 - p) / n) / Z.pdf(z)


# --- the spread a user types -------------------------------------------------------------------------

@pytest.mark.parametrize("raw, gsd2", [(1.5, 1.5), ("1.5", 1.5), ("±20%", 1.2), ("20 %", 1.2), ("+/-20%", 1.2),
                                       ("±20％", 1.2), (0.2, 1.2), (0, 1.0), (1, 1.0), ("", None), (None, None)])
def test_spread_is_a_gsd2_or_a_plus_minus_percentage(raw, gsd2):
    assert parse_spread(raw) == pytest.approx(gsd2) if gsd2 is not None else parse_spread(raw) is None


@pytest.mark.parametrize("raw", ["abc", "150%", "-5%", -1.0, True, "nan"])
def test_a_spread_that_means_nothing_says_what_to_type(raw):
    with pytest.raises(ValueError, match="GSD²"):
        parse_spread(raw)


def test_a_bad_spread_cell_is_reported_with_its_row_and_column_by_a_plain_evaluation():
    with pytest.raises(InputError) as exc:
        evaluate(_water([_row("reman", 1), _row("original", 2, spread="lots")]))
    [p] = exc.value.problems
    assert (p.table, p.row, p.column) == ("water", 1, "uncertainty")
    assert "±15%" in p.message


def test_provenance_defaults_are_the_pedigree_formula_of_their_scores():
    """Each default GSD² is recomputed from its pedigree scores and the ecoinvent v3 factors shipped in
    pedigree_factors.csv: the table's number is derived, not typed."""
    text = resources.files("remanxl.method").joinpath("data", "pedigree_factors.csv").read_text(encoding="utf-8")
    factors = {r["indicator"]: [float(r[f"score_{i}"]) for i in range(1, 6)] for r in csv.DictReader(text.splitlines())}
    table = default_factors()["provenance_uncertainty"]
    assert set(table.rows) == {"measured", "oem_data", "literature", "estimated", "unspecified"}
    for key, row in table.rows.items():
        us = [factors[i][int(row[i]) - 1] for i in factors]
        assert row["gsd2"] == round(pedigree_gsd2(us, row["basic_gsd2"]), 4), key
    order = [table.value(k) for k in ("measured", "oem_data", "literature", "estimated", "unspecified")]
    assert order == sorted(order)


def test_a_gsd2_below_one_on_the_factors_sheet_is_refused():
    with pytest.raises(InputError) as exc:
        evaluate(_water([_row("reman", 1), _row("original", 2)],
                        provenance_uncertainty=[{"provenance": "measured", "gsd2": 0.5}]))
    assert [p.column for p in exc.value.problems] == ["gsd2"]


# --- the Monte Carlo against closed forms ------------------------------------------------------------

def test_one_lognormal_row_per_side_matches_its_closed_form():
    """SW = 1 − (r/m)·exp(σ_r Z₁ − σ_m Z₂) = 1 − c·exp(σY) with σ² = σ_r² + σ_m²: quantiles, mean and
    P(saving) are known exactly; the simulation matches them within K standard errors at N draws."""
    r, m, gr, gm = 350.0, 400.0, 1.3, 1.5
    ev = evaluate(_water([_row("reman", r, spread=gr), _row("original", m, spread=gm)]))
    band = simulate(ev, N, seed=11).bands["SW"]
    c, s = r / m, math.hypot(sigma_of(gr), sigma_of(gm))
    for p, got in ((0.05, band.p5), (0.50, band.p50), (0.95, band.p95)):
        z = Z.inv_cdf(1 - p)  # the rate falls as Y rises
        exact = 1 - c * math.exp(s * z)
        assert abs(got - exact) < K * _quantile_se(1 - p, N, c * s * math.exp(s * z))
    mean = 1 - c * math.exp(s * s / 2)
    sd = c * math.sqrt(math.exp(s * s) * math.expm1(s * s))
    assert abs(band.mean - mean) < K * sd / math.sqrt(N)
    p_pos = Z.cdf(-math.log(c) / s)
    assert abs(band.p_positive - p_pos) < K * math.sqrt(p_pos * (1 - p_pos) / N)
    assert band.draws == N and band.seed == 11


def test_every_row_measured_at_zero_spread_collapses_every_band_to_the_plain_value():
    f = default_factors()
    inp = load_example().to_dict()
    inp["factors"] = {
        "provenance_uncertainty": [{"provenance": k, "gsd2": 1} for k in f["provenance_uncertainty"].rows],
        "factor_uncertainty": [{"coefficient": k, "gsd2": 1} for k in f["factor_uncertainty"].rows]}
    ev = evaluate(inp)
    sim = simulate(ev, 1000, seed=3)
    assert set(sim.bands) == {"SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"}
    for s, b in sim.bands.items():
        assert b.p5 == b.p50 == b.p95 == b.mean == ev[s].value, s
        assert b.p_positive == 1.0
        assert sim.contributors[s] == []


def test_a_factor_shared_by_both_sides_leaves_the_rate_band_unchanged():
    """Diesel on both sides, rows exact, only the diesel kgce coefficient uncertain: it multiplies R and M
    alike, so SE does not move, and the ranking gives it no share; GHG gets the same from its factor."""
    rows = [{"side": s, "energy_type": "diesel", "quantity": q, "unit": "kg", "provenance": "measured",
             "uncertainty": 1} for s, q in (("reman", 120.0), ("original", 800.0))]
    ev = evaluate({"settings": {"product": "t", "remanufacturer_type": "oem"}, "energy": rows,
                   "factors": {"factor_uncertainty": [{"coefficient": "energy_conversion:diesel", "gsd2": 1.5},
                                                      {"coefficient": "fuel_emission_factors:diesel", "gsd2": 1.5}]}})
    sim = simulate(ev, 5000, seed=5)
    for symbol in ("SE", "RGHG"):
        draws = sim.samples[symbol]
        assert np.ptp(draws) < 1e-15 and abs(np.median(draws) - ev[symbol].value) < 1e-15
        assert sim.contributors[symbol] == []
    # the same coefficient on one side only does move the rate: the test above is not vacuous
    rows[0]["energy_type"] = "gasoline"
    ev = evaluate({"settings": {"product": "t", "remanufacturer_type": "oem"}, "energy": rows,
                   "factors": {"factor_uncertainty": [{"coefficient": "energy_conversion:diesel", "gsd2": 1.5}]}})
    assert np.ptp(simulate(ev, 5000, seed=5).samples["SE"]) > 0.01


# --- reproducibility ---------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_figures_and_other_seeds_agree_within_error():
    ev = evaluate(load_example())
    a, b = simulate(ev, N, seed=7), simulate(ev, N, seed=7)
    assert a.to_dict() == b.to_dict()
    assert evaluate(load_example()).uncertainty(N, 7).to_dict() == a.to_dict()
    c = simulate(ev, N, seed=8)
    for s in a.bands:
        sd = float(np.std(a.samples[s]))
        se_median = math.sqrt(math.pi / 2) * sd / math.sqrt(N)  # of a near-normal sample median
        assert abs(a.bands[s].p50 - c.bands[s].p50) < K * math.sqrt(2) * se_median, s
        assert a.bands[s].p50 != c.bands[s].p50


def test_row_order_does_not_change_the_draws():
    rows = [_row("reman", 10 + k, spread=1.2) for k in range(5)] + [_row("original", 50 + k, "estimated")
                                                                    for k in range(5)]
    ev1 = evaluate(_water([dict(r, _row=k) for k, r in enumerate(rows)]))
    ev2 = evaluate(_water([dict(r, _row=k) for k, r in reversed(list(enumerate(rows)))]))
    assert simulate(ev1, 2000, seed=1).bands["SW"].p50 == simulate(ev2, 2000, seed=1).bands["SW"].p50


# --- the grouped shortcut against brute force --------------------------------------------------------

def _many_rows(n_orig=300, n_reman=120):
    rnd = np.random.default_rng(42)
    rows = [_row("reman", float(q), spread=float(g)) for q, g in zip(rnd.uniform(1, 30, n_reman),
                                                                       rnd.uniform(1.05, 2.5, n_reman))]
    rows += [_row("original", float(q), spread=float(g)) for q, g in zip(rnd.lognormal(3, 1, n_orig),
                                                                          rnd.uniform(1.05, 3.0, n_orig))]
    return evaluate(_water(rows))


def test_grouped_sums_match_drawing_every_row():
    """With 2 exact rows per group, the moment-matched rest gives the brute-force distribution within
    Monte Carlo error (the two differ in the draws of the rest)."""
    ev = _many_rows()
    brute, grouped = simulate(ev, N, seed=21, exact_rows=None), simulate(ev, N, seed=21, exact_rows=2)
    b, g = brute.samples["SW"], grouped.samples["SW"]
    sd = float(np.std(b))
    for p in (5, 50, 95):
        se = _quantile_se(p / 100, N, sd)  # near-normal: slope ≈ sd
        assert abs(np.percentile(b, p) - np.percentile(g, p)) < K * math.sqrt(2) * se, p
    assert abs(b.mean() - g.mean()) < K * math.sqrt(2) * sd / math.sqrt(N)
    assert abs(np.std(g) / sd - 1) < K * math.sqrt(1 / N)  # SE of a ratio of standard deviations ≈ √(1/N)


def test_groups_no_larger_than_the_exact_rows_are_drawn_exactly():
    ev = _many_rows(20, 10)
    a, b = simulate(ev, 3000, seed=2, exact_rows=None), simulate(ev, 3000, seed=2, exact_rows=24)
    assert np.array_equal(a.samples["SW"], b.samples["SW"])


# --- sensitivity -------------------------------------------------------------------------------------

def test_sensitivity_ranks_the_dominant_row_first():
    rows = [_row("reman", 100.0, spread=1.05), _row("reman", 40.0, spread=1.05),
            _row("original", 300.0, spread=1.1), _row("original", 200.0, "estimated", spread=3.0),
            _row("original", 50.0, spread=1.1)]
    ev = evaluate(_water(rows))
    model = build_models(ev)["SW"]
    ranked = sensitivity(model)
    assert (ranked[0].table, ranked[0].row, ranked[0].provenance) == ("water", 3, "estimated")
    assert ranked[0].share > 0.9 and math.isclose(sum(c.share for c in ranked), 1.0)
    # first-order shares against the simulation: the dominant row explains most of the variance
    sim = simulate(ev, N, seed=4)
    assert sim.contributors["SW"][0].name == "water table, row 4"
    swings = tornado(model)
    # at ±10 %, the largest remanufacturing row (±10/550) swings the rate more than the largest original
    # row (140/520 − 140/580)
    assert [(c.table, c.row) for c in swings[:2]] == [("water", 0), ("water", 2)]
    M, R = 550.0, 140.0
    assert swings[0].low == pytest.approx(1 - (R - 10) / M) and swings[0].high == pytest.approx(1 - (R + 10) / M)
    assert swings[1].low == pytest.approx(1 - R / (M - 30)) and swings[1].high == pytest.approx(1 - R / (M + 30))


def test_band_rows_for_a_sheet_writer():
    ev = evaluate(load_example())
    sim = simulate(ev, 2000, seed=1)
    rows = band_rows(sim)
    assert [r[0] for r in rows] == ["SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"]
    for symbol, value, p5, p50, p95, mean, p_pos, draws, seed in rows:
        assert p5 <= p50 <= p95 and 0 <= p_pos <= 1 and draws == 2000 and seed == 1
        assert value == ev[symbol].value


def test_an_invalid_evaluation_has_no_bands():
    inp = load_example().to_dict()
    inp["settings"]["estimation_note"] = ""
    ev = evaluate(inp)
    assert not ev.valid
    assert simulate(ev, 100, seed=1).bands == {}


def test_exports_and_zero_rows_are_drawn_with_their_sign_and_grouped_like_brute_force():
    """Exported electricity counts negative: its group is summed apart from consumption, and a row of
    quantity 0 draws nothing (it would make a moment-matched sum of zero mean)."""
    rows = [{"side": "reman", "energy_type": "electricity", "quantity": 100.0 + k, "unit": "kWh",
             "provenance": "estimated"} for k in range(12)]
    rows += [{"side": "reman", "energy_type": "electricity", "quantity": 20.0 + k, "unit": "kWh", "flow": "exported",
              "provenance": "literature"} for k in range(12)]
    rows += [{"side": "reman", "energy_type": "diesel", "quantity": 0, "unit": "kg", "provenance": "estimated"}
             for _ in range(5)]
    rows += [{"side": "original", "energy_type": "electricity", "quantity": 900.0, "unit": "kWh",
              "provenance": "oem_data"}]
    ev = evaluate({"settings": {"product": "t", "remanufacturer_type": "oem"}, "energy": rows})
    brute, grouped = simulate(ev, N, seed=8, exact_rows=None), simulate(ev, N, seed=8, exact_rows=2)
    b, g = brute.samples["SE"], grouped.samples["SE"]
    sd = float(np.std(b))
    for p in (5, 50, 95):
        assert abs(np.percentile(b, p) - np.percentile(g, p)) < K * math.sqrt(2) * _quantile_se(p / 100, N, sd)
    # the exports lower R: the median rate is above what the consumption alone would give
    consumed = sum(100.0 + k for k in range(12))
    assert np.median(b) > 1 - consumed / 900.0
    assert abs(np.median(b) - ev["SE"].value) < 0.05


def test_an_uncertainty_row_that_names_nothing_is_reported_not_ignored():
    with pytest.raises(InputError) as exc:
        evaluate(_water([_row("reman", 1), _row("original", 2)],
                        provenance_uncertainty=[{"provenance": "measurd", "gsd2": 1.1, "_row": 3}],
                        factor_uncertainty=[{"coefficient": "energy_convertion:coke", "gsd2": 1.2},
                                            {"coefficient": "energy_conversion:cokes", "gsd2": 1.2},
                                            {"coefficient": "settings:grid", "gsd2": 1.2},
                                            {"coefficient": "gwp:SF6", "gsd2": 1.2},
                                            {"coefficient": "settings:grid_factor_kgco2_per_kwh", "gsd2": 1.2}]))
    where = [(p.table, p.row, p.column) for p in exc.value.problems]
    assert where == [("factors:provenance_uncertainty", 3, "provenance"),
                     ("factors:factor_uncertainty", 0, "coefficient"), ("factors:factor_uncertainty", 1, "coefficient"),
                     ("factors:factor_uncertainty", 2, "coefficient")]
    assert "measured" in exc.value.problems[0].message and "table:key" in exc.value.problems[1].message


def test_the_first_order_variance_behind_the_shares_is_the_simulated_variance():
    """The shares divide a first-order variance; on the example (spreads of up to GSD² 1.31) it is the
    simulated variance within 5 %: the linearisation is good enough to rank inputs by it.  (The standard
    error of a sample standard deviation is about 1/√(2N) = 0.5 % at this N.)"""
    ev = evaluate(load_example())
    sim = simulate(ev, N, seed=13)
    for symbol, model in build_models(ev).items():
        ratio = math.sqrt(first_order_variance(model)) / float(np.std(sim.samples[symbol]))
        assert abs(ratio - 1) < 0.05, (symbol, ratio)
