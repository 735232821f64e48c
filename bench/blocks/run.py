#!/usr/bin/python3
"""Bayesian Blocks `measures`: nuflare vs astropy on the same random light curves.

Run with Debian's /usr/bin/python3 (python3-astropy):

    /usr/bin/python3 bench/blocks/run.py [--bench BUILD/bench/blocks/bench_blocks]

Makes one random light curve (unsorted times, red-noise flux, heteroscedastic
errors) per N, times astropy.stats.bayesian_blocks with timeit-style repeats
(median of repeats of the best loop count), runs the Google Benchmark program
on the same data in the same run, checks that the edges are identical (1e-9
relative) and prints median times and ratios.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import timeit

import numpy as np
from astropy.stats import bayesian_blocks


def light_curve(rng, n, shape):
    """Unsorted times over n days, heteroscedastic errors 0.05-0.15.

    red-noise: a random walk (blazar-like, many blocks);
    flare: flat at 1 with one flare of 3 on 5 % of the span (few blocks).
    """
    t = rng.uniform(0, n, n)
    sigma = 0.05 + 0.1 * rng.random(n)
    if shape == "red-noise":
        signal = 5 + np.cumsum(0.05 * rng.normal(size=n))
    else:
        signal = 1 + 2 * ((t > 0.40 * n) & (t < 0.45 * n))
    return t, signal + sigma * rng.normal(size=n), sigma


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", default=os.path.join(here, "../../build-lc/bench/blocks/bench_blocks"))
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(args.seed)
    shapes = ["red-noise", "flare"]
    curves = [(shape, n, light_curve(rng, n, shape)) for shape in shapes for n in sizes]

    with tempfile.TemporaryDirectory() as tmp:
        cases = os.path.join(tmp, "cases.txt")
        edges_out = os.path.join(tmp, "edges.txt")
        with open(cases, "w") as f:
            for shape, _, (t, x, s) in curves:
                f.write(f"{shape} {t.size}\n")
                for row in zip(t, x, s):
                    f.write(" ".join(repr(float(v)) for v in row) + "\n")

        # astropy forgets to sort sigma with t (docs/methods.md, Bayesian Blocks): give it sorted input.
        astropy_ms, astropy_edges = [], []
        for _, _, (t, x, s) in curves:
            o = np.argsort(t)
            ts, xs, ss = t[o], x[o], s[o]
            astropy_edges.append(bayesian_blocks(ts, xs, ss, fitness="measures"))
            timer = timeit.Timer(lambda: bayesian_blocks(ts, xs, ss, fitness="measures"))
            loops, _ = timer.autorange()
            repeats = 7 if t.size <= 2000 else 3
            per_call = [v / loops for v in timer.repeat(repeat=repeats, number=loops)]
            astropy_ms.append(1e3 * float(np.median(per_call)))

        out = subprocess.run([args.bench, cases, edges_out, "--benchmark_format=json"],
                             check=True, capture_output=True, text=True)
        report = json.loads(out.stdout)
        nuflare_ms = {}
        for b in report["benchmarks"]:
            if b.get("aggregate_name") == "median":
                _, shape, n, mode = b["run_name"].split("/")[:4]
                nuflare_ms[(shape, int(n[2:]), mode)] = b["real_time"]  # unit: ms
        with open(edges_out) as f:
            ours = [np.array([float(v) for v in line.split()[2:]]) for line in f]

    print(f"Bayesian Blocks 'measures', p0 = 0.05; astropy {__import__('astropy').__version__}, "
          f"numpy {np.__version__}; host {report['context'].get('host_name', '?')}, "
          f"{report['context'].get('num_cpus', '?')} CPUs")
    print(f"{'curve':>10} {'N':>6} {'blocks':>6} {'astropy':>10} {'nuflare':>10} {'ratio':>7}"
          f" {'no-prune':>10} {'ratio':>7}  edges")
    print(f"{'':>10} {'':>6} {'':>6} {'[ms]':>10} {'[ms]':>10} {'':>7} {'[ms]':>10}")
    ok = True
    for (shape, n, _), a_ms, a_edges, e in zip(curves, astropy_ms, astropy_edges, ours):
        same = a_edges.size == e.size and np.allclose(a_edges, e, rtol=1e-9, atol=0)
        ok &= same
        pruned = nuflare_ms[(shape, n, "pruned")]
        full = nuflare_ms[(shape, n, "full")]
        print(f"{shape:>10} {n:6d} {e.size - 1:6d} {a_ms:10.3f} {pruned:10.3f} "
              f"{a_ms / pruned:6.1f}x {full:10.3f} {a_ms / full:6.1f}x  "
              f"{'identical' if same else 'DIFFERENT'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
