#!/usr/bin/python3
"""Random Bayesian Blocks cases with astropy's answers, for the nuflare check.

Run with Debian's /usr/bin/python3 (python3-astropy). Writes a text file:

    case <id> <fitness> <prior_kind> <prior_value> <dt> <n> <fixed>
    <n lines: t x sigma>   (x and sigma are "nan" for events without x)
    edges <m> e_1 ... e_m

The points are written in a shuffled (unsorted) order; astropy is called
with (t, x, sigma) pre-sorted because astropy.stats.bayesian_blocks sorts x
with t but forgets sigma (docs/methods.md, Bayesian Blocks), so its answer is the correct one only on
sorted input. When the optimum gives every cell its own block astropy drops
the first interior edge (docs/methods.md, Bayesian Blocks). Whenever astropy returns n_unique edges
(either that bug or a legitimate merge of the first two cells) the case is
rerun through `fixed_fit`, astropy's own loop with the change-point array one
longer; if that differs, its edges are written and the case marked fixed=1.

Exit status 77 when astropy is not importable (CTest SKIP_RETURN_CODE).
"""
import argparse
import sys
import time

try:
    import numpy as np
    from astropy.stats import bayesian_blocks
    from astropy.stats.bayesian_blocks import Events, PointMeasures, RegularEvents
except ImportError as exc:  # pragma: no cover
    print(f"skipped: astropy not available for {sys.executable}: {exc}")
    sys.exit(77)


def fixed_fit(fitfunc, t, x, sigma):
    """astropy's FitnessFunc.fit (5.2) with N + 1 change-point slots."""
    t, x, sigma = fitfunc.validate_input(t, x, sigma)
    args = fitfunc._fitness_args
    ak_raw = np.ones_like(x) / sigma**2
    bk_raw = x / sigma**2
    edges = np.concatenate([t[:1], 0.5 * (t[1:] + t[:-1]), t[-1:]])
    block_length = t[-1] - edges
    n = len(t)
    best = np.zeros(n, dtype=float)
    last = np.zeros(n, dtype=int)
    ncp_prior = fitfunc.ncp_prior
    if ncp_prior is None:
        ncp_prior = fitfunc.compute_ncp_prior(n)
    for r in range(n):
        kwds = {}
        if "T_k" in args:
            kwds["T_k"] = block_length[: (r + 1)] - block_length[r + 1]
        if "N_k" in args:
            kwds["N_k"] = np.cumsum(x[: (r + 1)][::-1])[::-1]
        if "a_k" in args:
            kwds["a_k"] = 0.5 * np.cumsum(ak_raw[: (r + 1)][::-1])[::-1]
        if "b_k" in args:
            kwds["b_k"] = -np.cumsum(bk_raw[: (r + 1)][::-1])[::-1]
        a_r = fitfunc.fitness(**kwds) - ncp_prior
        a_r[1:] += best[:r]
        last[r] = np.argmax(a_r)
        best[r] = a_r[last[r]]
    cps = [n]
    while cps[-1] > 0:
        cps.append(last[cps[-1] - 1])
    return edges[cps[::-1]]


def draw_size(rng):
    u = rng.random()
    if u < 0.85:
        return int(rng.integers(3, 150))
    if u < 0.97:
        return int(rng.integers(150, 800))
    return int(rng.integers(800, 2001))


def light_curve(rng, n):
    """Unique random times and a piecewise-constant or red-noise signal."""
    span = 10 ** rng.uniform(0, 4)
    t = np.unique(rng.uniform(0, span, n))
    while t.size < n:
        t = np.unique(np.concatenate([t, rng.uniform(0, span, n - t.size)]))
    t = np.sort(t)
    if rng.random() < 0.5:
        n_steps = int(rng.integers(0, 6))
        cuts = np.sort(rng.uniform(0, span, n_steps))
        levels = rng.normal(0, 1, n_steps + 1) * 10 ** rng.uniform(-1, 1)
        signal = levels[np.searchsorted(cuts, t)]
    else:
        signal = np.cumsum(rng.normal(0, 1, n)) * 10 ** rng.uniform(-2, 0)
    base = 10 ** rng.uniform(-1, 1)
    sigma = base * 10 ** rng.uniform(-0.7, 0.7, n)  # heteroscedastic
    x = 5 * base + signal + rng.normal(0, 1, n) * sigma
    return t, x, sigma


def prior(rng):
    u = rng.random()
    if u < 0.4:
        return "p0", 0.05
    if u < 0.75:
        return "p0", 0.01
    if u < 0.9:
        return "gamma", float(10 ** rng.uniform(-3, -0.5))
    return "ncp_prior", float(rng.uniform(1, 8))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    start = time.time()
    n_fixed = 0
    with open(args.out, "w") as out:
        for case in range(args.cases):
            n = draw_size(rng)
            u = rng.random()
            kind, value = prior(rng)
            kw = {kind: value}
            dt = 0.0
            if u < 0.7:
                fitness = "measures"
                t, x, sigma = light_curve(rng, n)
                if rng.random() < 0.05:  # tiny, spiky: one block per point is likely
                    t, x, sigma = t[: int(rng.integers(2, 7))], None, None
                    sigma = 10 ** rng.uniform(-1, 0, t.size)
                    x = rng.normal(0, 100, t.size) * sigma
                edges = bayesian_blocks(t, x, sigma, fitness=fitness, **kw)
                n_unique = t.size
                cell_edges = np.concatenate([t[:1], 0.5 * (t[1:] + t[:-1]), t[-1:]])
            elif u < 0.9:
                fitness = "events"
                # unbinned events, some of them at repeated times
                t = rng.normal(0, 1, n) * 10 ** rng.uniform(-1, 2)
                if rng.random() < 0.5 and n > 4:
                    rep = int(rng.integers(1, n // 4 + 1))
                    t[-rep:] = t[:rep]
                if rng.random() < 0.3:  # a burst
                    m = int(rng.integers(1, n // 2 + 1))
                    t[:m] = rng.normal(t[0], 0.01 * t.std() + 1e-3, m)
                x = sigma = None
                edges = bayesian_blocks(t, fitness=fitness, **kw)
                ut = np.unique(t)
                n_unique = ut.size
                cell_edges = np.concatenate([ut[:1], 0.5 * (ut[1:] + ut[:-1]), ut[-1:]])
            else:
                fitness = "regular_events"
                dt = float(10 ** rng.uniform(-2, 0))
                t = dt * np.arange(n)
                rate = np.full(n, rng.uniform(0.05, 0.4))
                lo = int(rng.integers(0, n))
                rate[lo:lo + int(rng.integers(1, n + 1))] = rng.uniform(0.3, 0.95)
                x = (rng.random(n) < rate).astype(float)
                sigma = None
                edges = bayesian_blocks(t, x, fitness=fitness, dt=dt, **kw)
                n_unique = t.size
                cell_edges = np.concatenate([t[:1], 0.5 * (t[1:] + t[:-1]), t[-1:]])
            fixed = 0
            if n_unique > 1 and edges.size == n_unique:
                cls = {"measures": PointMeasures, "events": Events,
                       "regular_events": RegularEvents}[fitness]
                fitfunc = cls(dt=dt, **kw) if fitness == "regular_events" else cls(**kw)
                correct = fixed_fit(fitfunc, t, x, sigma)
                if not np.array_equal(correct, edges):
                    # astropy's dropped-edge bug: the optimum is one block per cell
                    assert np.array_equal(correct, cell_edges)
                    edges = correct
                    fixed = 1
                    n_fixed += 1
            order = rng.permutation(t.size)
            out.write(f"case {case} {fitness} {kind} {value!r} {dt!r} {t.size} {fixed}\n")
            for i in order:
                xs = "nan" if x is None else repr(float(x[i]))
                ss = "nan" if sigma is None else repr(float(sigma[i]))
                out.write(f"{float(t[i])!r} {xs} {ss}\n")
            out.write(f"edges {edges.size} " + " ".join(repr(float(e)) for e in edges) + "\n")
    print(f"wrote {args.cases} cases ({n_fixed} with astropy's dropped edge fixed) "
          f"to {args.out} in {time.time() - start:.1f} s")


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    main()
