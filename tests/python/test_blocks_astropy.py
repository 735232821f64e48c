#!/usr/bin/python3
"""nuflare.bayesian_blocks against astropy.stats.bayesian_blocks (blazar paper §4.2.2).

360 random curves over the three fitness functions and the three priors,
given to nuflare unsorted (lists, arrays, scalar sigma): the edges must be
identical to astropy's, bit for bit. Where astropy drops the first interior
edge because every cell is its own block (docs/methods.md, Bayesian Blocks,
fix 2), nuflare must give astropy's own loop run with one more change-point
slot (``fixed_fit`` of tests/unit/lightcurve/astropy_cases.py), i.e. every
cell edge; where event counts of 0 make astropy's fitness NaN (fix 3),
nuflare must give astropy's answer with 0 ln 0 = 0. The documented examples
and the block values are checked too.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import require, run  # noqa: E402

require("numpy", "astropy.stats", "nuflare")

import numpy as np  # noqa: E402
from astropy.stats import bayesian_blocks as astropy_blocks  # noqa: E402
from astropy.stats.bayesian_blocks import Events, PointMeasures, RegularEvents  # noqa: E402

import nuflare  # noqa: E402

sys.path.insert(0, os.path.join(os.environ.get("NUFLARE_SOURCE_DIR", ""), "tests/unit/lightcurve"))
try:
    from astropy_cases import fixed_fit  # astropy's loop with N + 1 change-point slots
except ImportError as exc:
    print(f"skipped: tests/unit/lightcurve/astropy_cases.py not found ({exc}); "
          "set NUFLARE_SOURCE_DIR")
    sys.exit(77)

N_CASES = 360
CLASSES = {"measures": PointMeasures, "events": Events, "regular_events": RegularEvents}


class LimitEvents(Events):
    """astropy's events fitness with 0 ln 0 = 0, its limit (docs/methods.md, fix 3)."""

    def fitness(self, N_k, T_k):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(N_k > 0, N_k * np.log(N_k / T_k), 0.0)


def prior(rng):
    u = rng.random()
    if u < 0.35:
        return {}  # astropy's default p0 = 0.05
    if u < 0.6:
        return {"p0": float(rng.choice([0.01, 0.05, 0.2]))}
    if u < 0.8:
        return {"gamma": float(10 ** rng.uniform(-3, -0.5))}
    return {"ncp_prior": float(rng.uniform(0.5, 8))}


def size(rng):
    return int(rng.integers(2, 120)) if rng.random() < 0.85 else int(rng.integers(120, 400))


def measures_case(rng):
    n = size(rng)
    span = 10 ** rng.uniform(0, 4)
    t = np.unique(rng.uniform(0, span, n))
    n = t.size
    if rng.random() < 0.5:
        cuts = np.sort(rng.uniform(0, span, int(rng.integers(0, 5))))
        signal = rng.normal(0, 1, cuts.size + 1)[np.searchsorted(cuts, t)] * 10 ** rng.uniform(-1, 1)
    else:
        signal = np.cumsum(rng.normal(0, 1, n)) * 10 ** rng.uniform(-2, 0)
    base = 10 ** rng.uniform(-1, 1)
    if rng.random() < 0.25:
        sigma = float(base)  # one error for every point
        x = 5 * base + signal + rng.normal(0, 1, n) * sigma
    else:
        sigma = base * 10 ** rng.uniform(-0.7, 0.7, n)
        x = 5 * base + signal + rng.normal(0, 1, n) * sigma
    if rng.random() < 0.08:  # tiny and spiky: one block per point, astropy's dropped edge
        m = int(rng.integers(2, 6))
        t, sigma = t[:m], 10 ** rng.uniform(-1, 0, m)
        x = rng.normal(0, 100, m) * sigma
    return t, x, sigma, {}


def events_case(rng):
    n = size(rng)
    t = rng.normal(0, 1, n) * 10 ** rng.uniform(-1, 2)
    if rng.random() < 0.3 and n > 4:  # a burst
        m = int(rng.integers(1, n // 2 + 1))
        t[:m] = rng.normal(t[0], 0.01 * t.std() + 1e-3, m)
    if rng.random() < 0.4:
        # counts given as x at unique times
        t = np.unique(np.round(t, 3))
        return t, rng.poisson(rng.uniform(0.5, 4), t.size).astype(float), None, {}
    if rng.random() < 0.5 and n > 4:  # repeated times without x: astropy counts them
        rep = int(rng.integers(1, n // 4 + 1))
        t[-rep:] = t[:rep]
    return t, None, None, {}


def regular_case(rng):
    n = size(rng) + 2
    dt = float(10 ** rng.uniform(-2, 0))
    t = dt * np.arange(n)
    rate = np.full(n, rng.uniform(0.05, 0.4))
    lo = int(rng.integers(0, n))
    rate[lo:lo + int(rng.integers(1, n + 1))] = rng.uniform(0.3, 0.95)
    return t, (rng.random(n) < rate).astype(float), None, {"dt": dt}


def expected_edges(fitness, t, x, sigma, kw):
    """astropy's edges on sorted input, or the corrected ones where astropy is wrong.

    Returns (edges, which fix applied: None, "dropped edge" or "0 ln 0").
    """
    order = np.argsort(t, kind="stable")
    ts = t[order]
    xs = None if x is None else x[order]
    ss = sigma if sigma is None or np.isscalar(sigma) else sigma[order]
    fitfunc = CLASSES[fitness](**kw)
    fix = None
    if fitness == "events" and xs is not None and (xs == 0).any():
        fitfunc, fix = LimitEvents(**kw), "0 ln 0"
    edges = astropy_blocks(ts, xs, ss, fitness=fitfunc)
    n_unique = np.unique(ts).size
    if n_unique > 1 and edges.size == n_unique:
        correct = fixed_fit(fitfunc, ts, xs, ss)
        if not np.array_equal(correct, edges):
            return correct, "dropped edge"
    return edges, fix


def test_random_curves_every_fitness():
    rng = np.random.default_rng(20250615)
    makers = [("measures", measures_case)] * 5 + [("events", events_case)] * 3 + \
             [("regular_events", regular_case)] * 2
    counts = {"measures": 0, "events": 0, "regular_events": 0}
    fixes = {"dropped edge": 0, "0 ln 0": 0}
    for case in range(N_CASES):
        fitness, make = makers[case % len(makers)]
        t, x, sigma, extra = make(rng)
        kw = dict(prior(rng), **extra)
        want, fixed = expected_edges(fitness, t, x, sigma, kw)
        if fixed:
            fixes[fixed] += 1
        perm = rng.permutation(t.size)  # nuflare gets the points unsorted
        tp = t[perm]
        xp = None if x is None else x[perm]
        sp = sigma if sigma is None or np.isscalar(sigma) else sigma[perm]
        if case % 7 == 0:  # plain lists work too
            tp = tp.tolist()
            xp = None if xp is None else xp.tolist()
        got = nuflare.bayesian_blocks(tp, xp, sp, fitness=fitness, **kw)
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        if not np.array_equal(got, want):
            raise AssertionError(f"case {case} ({fitness}, {kw}, n={t.size}, corrected={fixed}): "
                                 f"nuflare {got.tolist()} vs expected {want.tolist()}")
        counts[fitness] += 1
    print(f"     {counts} cases identical; astropy corrected in {fixes}")
    assert sum(counts.values()) >= 300
    assert all(fixes.values()), f"some fix of astropy was never exercised: {fixes}"


def test_documented_dropped_edge_case():
    t, x, sigma = [0, 1, 2], [1, 5, 1], 0.1
    assert astropy_blocks(t, x, sigma, fitness="measures").tolist() == [0, 1.5, 2]
    assert nuflare.bayesian_blocks(t, x, sigma, fitness="measures").tolist() == [0, 0.5, 1.5, 2]


def test_documented_zero_count_case():
    # docs/methods.md fix 3: t = 0..99, x[0] = 0, x[50] = 999
    t = np.arange(100.0)
    x = np.ones(100)
    x[0], x[50] = 0, 999
    with np.errstate(divide="ignore", invalid="ignore"):
        assert astropy_blocks(t, x, fitness="events").tolist() == [0, 0.5, 99]
    assert nuflare.bayesian_blocks(t, x, fitness="events").tolist() == [0, 49.5, 50.5, 99]


def test_astropy_sorts_sigma_wrongly_nuflare_does_not():
    # astropy sorts x with t but not sigma: on unsorted input its answer depends
    # on the order; nuflare's equals astropy's on sorted input whatever the order.
    rng = np.random.default_rng(3)
    t = np.arange(60.0)
    x = np.where((t > 20) & (t < 30), 4.0, 1.0) + rng.normal(0, 0.1, 60)
    sigma = np.where(t < 30, 0.1, 3.0)
    want = astropy_blocks(t, x, sigma, fitness="measures")
    perm = rng.permutation(60)
    got = nuflare.bayesian_blocks(t[perm], x[perm], sigma[perm], fitness="measures")
    assert np.array_equal(got, want)


def test_fit_values_and_prior():
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(0, 100, 200))
    x = np.where(t > 50, 3.0, 1.0) + rng.normal(0, 0.2, 200)
    sigma = np.full(200, 0.2)
    fit = nuflare.bayesian_blocks_fit(t, x, sigma, fitness="measures", p0=0.01)
    assert np.array_equal(fit["edges"], astropy_blocks(t, x, sigma, fitness="measures", p0=0.01))
    assert fit["n_unique"] == 200
    assert fit["ncp_prior"] == PointMeasures(p0=0.01).p0_prior(200)
    assert fit["values"].size == fit["edges"].size - 1
    for b in range(fit["values"].size):  # inverse-variance weighted mean of each block
        lo, hi = fit["edges"][b], fit["edges"][b + 1]
        inside = (t >= lo) & ((t < hi) | (b == fit["values"].size - 1))
        w = 1 / sigma[inside] ** 2
        assert abs(fit["values"][b] - np.sum(w * x[inside]) / np.sum(w)) < 1e-12


def test_single_time_gives_one_edge():
    assert nuflare.bayesian_blocks([3.0, 3.0, 3.0]).tolist() == astropy_blocks([3.0, 3.0, 3.0]).tolist()


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")  # astropy's own divide-by-zero warnings on 0 counts
    run(globals())
