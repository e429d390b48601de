"""Monte Carlo of the comparison rates: bands (P5, P50, P95), the probability of a saving, the draws.

Each draw multiplies every input row and every coefficient by its lognormal multiplier (see
:mod:`remanxl.method.uncertainty`) and recomputes ``1 − R/M``.  Drawing every row of a plant
workbook 10,000 times would be 2·10⁸ draws, so each side of a rate is summed by group (side,
coefficient, sign): in a group, the :data:`EXACT_ROWS` rows with the largest variance are drawn one
by one and the rest, a sum of independent lognormals, is drawn as one lognormal with the same mean
and variance (Fenton–Wilkinson).  The mean and variance of every group are exact; its shape is
exact whenever the group has no more rows than :data:`EXACT_ROWS` (every group of a small
workbook), and the many small rows of a large group are close to normal, which a matched
lognormal follows well (``tests/test_uncertainty.py`` compares it with drawing every row).

Draws are reproducible: each row, coefficient and group has its own stream, seeded from the seed
and its name, so the figures do not depend on the order of the rows or on which entry point asks.

numpy is an optional extra (``pip install "remanxl[uncertainty]"``); it is imported here only.
"""
from __future__ import annotations

import math
import secrets
from hashlib import blake2b
from dataclasses import dataclass, field

from remanxl.i18n import Msg
from remanxl.method.uncertainty import RATES, RateModel, build_models, sensitivity, tornado

DEFAULT_DRAWS = 10_000
MAX_DRAWS = 1_000_000
#: Rows drawn one by one in each group (side, coefficient, sign) of a rate; the rest is moment-matched.
EXACT_ROWS = 24
PERCENTILES = (5, 50, 95)


class MissingExtraError(ImportError):
    """numpy (or pandas) is not installed: the message says how to install the extra."""


def _numpy():
    try:
        import numpy
    except ImportError:
        raise MissingExtraError(Msg("uncertainty.needs_numpy", package="numpy")) from None
    return numpy


def check_draws(draws) -> int:
    """The number of draws as an int, or ``ValueError`` with the bilingual message."""
    ok = isinstance(draws, int) and not isinstance(draws, bool) or (isinstance(draws, float) and draws.is_integer())
    if not ok or not 2 <= int(draws) <= MAX_DRAWS:
        raise ValueError(Msg("uncertainty.draws", low=2, high=f"{MAX_DRAWS:,}", value=draws))
    return int(draws)


def check_seed(seed) -> int:
    """The seed as an int ≥ 0 (a new random one for None), or ``ValueError``."""
    if seed is None:
        return secrets.randbelow(2 ** 32)
    ok = isinstance(seed, int) and not isinstance(seed, bool) or (isinstance(seed, float) and seed.is_integer())
    if not ok or seed < 0:
        raise ValueError(Msg("uncertainty.seed", value=seed))
    return int(seed)


@dataclass
class Band:
    """The distribution of one rate over the draws."""

    symbol: str
    value: float  # the plain evaluation's value
    mean: float
    p5: float
    p50: float
    p95: float
    p_positive: float  # share of draws with a saving (rate > 0)
    draws: int
    seed: int
    undefined: int = 0  # draws in which the original side was ≤ 0 (exports larger than use)

    def to_dict(self) -> dict:
        out = {"mean": self.mean, "p5": self.p5, "p50": self.p50, "p95": self.p95, "p_positive": self.p_positive,
               "draws": self.draws, "seed": self.seed}
        if self.undefined:
            out["undefined_draws"] = self.undefined
        return out


@dataclass
class Simulation:
    """The result of :func:`simulate`: per rate its band, draws, variance ranking and tornado."""

    seed: int
    draws: int
    bands: dict[str, Band]
    samples: dict = field(repr=False, default_factory=dict)  # symbol -> numpy array of the rate's draws
    contributors: dict = field(default_factory=dict)  # symbol -> [Contributor] (first-order variance share)
    tornado: dict = field(default_factory=dict)  # symbol -> [Contributor] (±10 % one at a time)

    def to_dict(self) -> dict:
        """Per rate: ``uncertainty`` (the band) and ``sensitivity`` (variance ranking and tornado)."""
        return {s: {"uncertainty": b.to_dict(),
                    "sensitivity": {"variance": [c.to_dict() for c in self.contributors.get(s, [])],
                                    "tornado": [c.to_dict() for c in self.tornado.get(s, [])]}}
                for s, b in self.bands.items()}

    def to_frame(self):
        """The draws as a pandas DataFrame: one column per rate, one row per draw."""
        from remanxl.method.frames import pandas

        return pandas().DataFrame({s: self.samples[s] for s in self.bands})


def _stream(np, seed: int, *tags):
    """A generator of its own for one named thing: its draws do not depend on what else is drawn.

    The name is hashed to 128 bits (two rows sharing a stream would be perfectly correlated; a 32-bit
    hash would let that happen about once in a few thousand plant workbooks)."""
    name = "\x1f".join(map(str, tags)).encode("utf-8")
    return np.random.default_rng(np.random.SeedSequence([seed, int.from_bytes(blake2b(name, digest_size=16).digest(),
                                                                               "little")]))


class _Draws:
    """Standard normal draws of rows and coefficients, each made once and shared by every rate."""

    def __init__(self, np, seed: int, n: int):
        self.np, self.seed, self.n = np, seed, n
        self.cache: dict = {}

    def normal(self, *tags):
        z = self.cache.get(tags)
        if z is None:
            z = self.cache[tags] = _stream(self.np, self.seed, *tags).standard_normal(self.n)
        return z


def _side_draws(np, model: RateModel, side: str, draws: _Draws, exact_rows: int | None):
    """The draws of one side's sum (R or M): exact rows share their draws with other rates."""
    constant: list[float] = []
    groups: dict[tuple, list] = {}
    for t in model.terms:
        if t.side != side:
            continue
        coef_sigma = model.coefficients.get(t.coefficient, 0.0) if t.coefficient else 0.0
        if t.sigma == 0 and coef_sigma == 0:
            constant.append(t.value)
        else:
            groups.setdefault((t.coefficient or "", t.value < 0), []).append(t)
    total = np.full(draws.n, math.fsum(constant))
    for (coef, negative), terms in sorted(groups.items()):
        part = np.zeros(draws.n)
        fixed = [t.value for t in terms if t.sigma == 0 or t.value == 0]  # a zero row draws nothing
        random = sorted((t for t in terms if t.sigma > 0 and t.value != 0),
                        key=lambda t: -(t.value ** 2) * _variance(t.sigma))
        exact = random if exact_rows is None else random[:exact_rows]
        rest = [] if exact_rows is None else random[exact_rows:]
        part += math.fsum(fixed)
        for t in exact:
            part += t.value * np.exp(t.sigma * draws.normal("row", t.table, t.row))
        if rest:
            mean = math.fsum(t.value * math.exp(t.sigma ** 2 / 2) for t in rest)
            var = math.fsum(t.value ** 2 * _variance(t.sigma) for t in rest)
            s2 = math.log1p(var / (mean * mean))
            mu = math.log(abs(mean)) - s2 / 2
            z = _stream(np, draws.seed, "rest", model.symbol, side, coef, negative).standard_normal(draws.n)
            part += math.copysign(1.0, mean) * np.exp(mu + math.sqrt(s2) * z)
        sigma = model.coefficients.get(coef, 0.0) if coef else 0.0
        if sigma > 0:
            part *= np.exp(sigma * draws.normal("coefficient", coef))
        total += part
    return total


def _variance(sigma: float) -> float:
    """Variance of a lognormal multiplier of median 1: e^{σ²}(e^{σ²} − 1)."""
    return math.exp(sigma ** 2) * math.expm1(sigma ** 2)


def simulate(ev, draws: int = DEFAULT_DRAWS, seed: int | None = None, exact_rows: int | None = EXACT_ROWS,
             models: dict[str, RateModel] | None = None) -> Simulation:
    """Monte Carlo of the comparison rates of an evaluation.

    Parameters
    ----------
    ev : Evaluation
        A plain evaluation (:func:`remanxl.evaluate`).
    draws : int
        Number of draws (default 10,000).
    seed : int, optional
        Seed of the draws; the same seed gives the same figures.  Default: a new random one (reported).
    exact_rows : int or None
        Rows drawn one by one per group; the rest is moment-matched.  None draws every row (brute force).

    Returns
    -------
    Simulation
        Bands, draws, first-order variance ranking and ±10 % tornado of every rate with a value.
    """
    np = _numpy()
    n, seed = check_draws(draws), check_seed(seed)
    models = build_models(ev) if models is None else models
    shared = _Draws(np, seed, n)
    sim = Simulation(seed, n, {})
    for symbol in RATES:
        model = models.get(symbol)
        if model is None:
            continue
        r = _side_draws(np, model, "reman", shared, exact_rows)
        m = _side_draws(np, model, "original", shared, exact_rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(m > 0, 1.0 - r / m, np.nan)
        sim.samples[symbol] = rate
        sim.bands[symbol] = _band(np, symbol, model.value, rate, seed)
        sim.contributors[symbol] = sensitivity(model)
        sim.tornado[symbol] = tornado(model)
    return sim


def _band(np, symbol: str, value: float, rate, seed: int) -> Band:
    ok = rate[~np.isnan(rate)]
    if ok.size == 0:
        return Band(symbol, value, math.nan, math.nan, math.nan, math.nan, math.nan, rate.size, seed, rate.size)
    p5, p50, p95 = (float(x) for x in np.percentile(ok, PERCENTILES))
    mean = value + float(np.mean(ok - value))  # centred: draws that all equal the value give it exactly
    return Band(symbol, value, mean, p5, p50, p95, float((ok > 0).mean()), int(rate.size), seed,
                int(rate.size - ok.size))


def band_rows(sim: Simulation) -> list[tuple]:
    """The bands as rows a sheet writer can put under a header (see :data:`BAND_HEADERS`): one per rate,
    in indicator order; values are fractions (format as %)."""
    return [(b.symbol, b.value, b.p5, b.p50, b.p95, b.mean, b.p_positive, b.draws, b.seed)
            for s in RATES if (b := sim.bands.get(s)) is not None]


BAND_HEADERS = ("Symbol 符号", "Value 值", "P5", "P50", "P95", "Mean 均值", "P(saving) 节约概率", "Draws 抽样数",
                "Seed 随机种子")
