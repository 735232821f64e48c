#!/usr/bin/python3
"""nuflare.bayesian_blocks in-process against astropy.stats.bayesian_blocks.

Run by hand with Debian's python3 (python3-astropy) after a build:

    PYTHONPATH=build/python /usr/bin/python3 bench/python/run.py [--sizes 1000,10000] [--repeats 5]

For each fitness ('measures', 'events', 'regular_events'), each N and two
shapes of the signal — "variable" (a red-noise level: a variable source,
many blocks) and "flare" (flat with one flare of 4x: three blocks) — one
random curve: fluxes with heteroscedastic errors at random times
(measures), unbinned arrival times at that rate (events), or 0/1 ticks
with that probability (regular_events). Both functions get the same arguments from
the same Python process (nuflare's conversion of the arrays included); the
edges must be identical. Prints the median time of one call over the
repeats (nuflare: each repeat runs enough calls to last >= 50 ms) and the
ratio, against the targets of >= 200x at N = 1000 and >= 100x at N = 10 000.
Speed is never asserted by the test suite: run this on an idle machine
(the load average is printed) and quote the ratios, which share the load.
"""
import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np

try:
    from astropy.stats import bayesian_blocks as astropy_blocks
except ImportError as exc:
    sys.exit(f"bench/python/run.py needs astropy ({exc}); run it with /usr/bin/python3")
try:
    import nuflare
except ImportError as exc:
    sys.exit(f"cannot import nuflare ({exc}); set PYTHONPATH=build/python")

TARGETS = {1000: 200, 10000: 100}


def level(rng, n, shape):
    """A signal level per point: a red-noise walk (many blocks) or flat with one flare (few)."""
    if shape == "variable":
        # a blazar-like variable source: the log-level is red noise (an
        # Ornstein-Uhlenbeck walk, correlation length 50 points, spread 0.5 dex)
        # that changes every 10 points, so the level spans about a factor 10.
        m = n // 10 + 1
        walk = np.empty(m)
        walk[0] = rng.normal(0, 0.5)
        decay = np.exp(-10 / 50)
        for i in range(1, m):
            walk[i] = decay * walk[i - 1] + np.sqrt(1 - decay**2) * rng.normal(0, 0.5)
        return 10 ** np.repeat(walk, 10)[:n]
    flare = (np.arange(n) > 0.40 * n) & (np.arange(n) < 0.45 * n)
    return np.where(flare, 4.0, 1.0)


def curve(rng, fitness, n, shape):
    """(args, kwargs) of one random curve of `n` points for `fitness`."""
    lv = level(rng, n, shape)
    if fitness == "measures":
        t = np.sort(rng.uniform(0, n, n))  # sorted: astropy does not sort sigma with t
        sigma = 0.05 + 0.1 * rng.random(n)
        return (t, 5 * lv + sigma * rng.normal(size=n), sigma), {"fitness": "measures"}
    if fitness == "events":
        # arrival times: inter-arrival gaps shrink where the level (the rate) is high
        t = np.cumsum(rng.exponential(1.0 / lv))
        return (rng.permutation(t),), {"fitness": "events"}
    dt = 1.0
    p = np.clip(0.15 * lv, 0.01, 0.95)  # per-tick probability
    return (dt * np.arange(n), (rng.random(n) < p).astype(float)), \
        {"fitness": "regular_events", "dt": dt}


def time_once(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_call(fn, repeats, min_repeat_s):
    """Median over `repeats` of the mean time of one call in a repeat of >= min_repeat_s."""
    fn()  # warm-up
    loops = 1
    while time_once(lambda: [fn() for _ in range(loops)]) < min_repeat_s and loops < 1 << 20:
        loops *= 2
    return statistics.median(time_once(lambda: [fn() for _ in range(loops)]) / loops
                             for _ in range(repeats))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeats", type=int, default=5, help="repeats per timing (median)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--shapes", default="variable,flare",
                    help="variable: red-noise level, many blocks; flare: flat with one "
                         "flare, few blocks (the worst case of the pruning)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(args.seed)
    warnings.simplefilter("ignore")  # astropy's RuntimeWarnings

    print(f"nuflare {nuflare.__version__} ({nuflare.git_revision}); load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'shape':<9} {'fitness':<15} {'N':>6} {'astropy':>11} {'nuflare':>11} {'ratio':>8} "
          f"{'target':>7}  edges")
    failed = False
    for shape, fitness, n in [(s, f, n) for s in args.shapes.split(",")
                              for f in ("measures", "events", "regular_events") for n in sizes]:
        if True:
            a, kw = curve(rng, fitness, n, shape)
            want = astropy_blocks(*a, **kw)
            got = nuflare.bayesian_blocks(*a, **kw)
            same = np.array_equal(got, want)
            t_astropy = statistics.median(time_once(lambda: astropy_blocks(*a, **kw))
                                          for _ in range(args.repeats))
            t_nuflare = median_call(lambda: nuflare.bayesian_blocks(*a, **kw), args.repeats, 0.05)
            ratio = t_astropy / t_nuflare
            target = TARGETS.get(n)
            ok = same and (target is None or ratio >= target)
            failed |= not ok
            print(f"{shape:<9} {fitness:<15} {n:>6} {t_astropy * 1e3:>8.2f} ms {t_nuflare * 1e3:>8.3f} ms "
                  f"{ratio:>7.0f}x {'' if target is None else f'{target}x':>7}  "
                  f"{'identical' if same else 'DIFFER'} ({got.size} edges)"
                  f"{'' if ok else '  <- below target or different'}")
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
