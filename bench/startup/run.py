#!/usr/bin/python3
"""Start-up: `nuflare --version` and `nuflare blocks` as whole processes (issue 15).

Run with Debian's /usr/bin/python3 (python3-astropy) after a build with
-DNUFLARE_BUILD_BENCH=ON:

    /usr/bin/python3 bench/startup/run.py [--build build] [--repeats 15]

Measures, in one run, the median wall time of
  - a program that loads nuflare's libraries and does nothing (bench_startup_noop);
  - `nuflare --version`, as now (no MPI_Init outside a launcher) and as before
    (NUFLARE_FORCE_MPI=1 with OMPI_MCA_ess_singleton_isolated=0: Open MPI's
    singleton start, with its daemon);
  - `nuflare blocks` on a light curve of N = 1000 and 10 000 points, now and before;
  - astropy.stats.bayesian_blocks on the same curve, called in this process;
  - a 10-trial `nuflare spatial` of the demo sky: one process without MPI now;
    before, MPI as a singleton without daemon (NUFLARE_FORCE_MPI=1, as trial
    campaigns started until they ran without MPI) and with it (as before issue 15).
Prints the ratios of the targets: nuflare --version within 3x of the no-op,
`nuflare blocks` faster than astropy's in-process call by >= 2x at N = 1000
and >= 20x at N = 10 000.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np
from astropy.stats import bayesian_blocks


def light_curve(rng, n):
    """A variable blazar: n days, red-noise flux, errors 0.05-0.15.

    Times sorted: astropy sorts t and x but not sigma (its unsorted-sigma bug,
    tests/unit/app/cli_blocks.py), so only sorted curves compare.
    """
    t = np.sort(rng.uniform(0, n, n))
    sigma = 0.05 + 0.1 * rng.random(n)
    x = 5 + np.cumsum(0.05 * rng.normal(size=n)) + sigma * rng.normal(size=n)
    return t, x, sigma


def wall(cmd, env, repeats):
    """Median wall time of running cmd (stdout discarded); one warm-up run first."""
    times = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.decode()}")
        if i > 0:
            times.append(elapsed)
    return statistics.median(times)


def in_process(fn, repeats):
    """Median time of one call (timeit-style: best loop count, median of repeats)."""
    timer = timeit.Timer(fn)
    loops, _ = timer.autorange()
    return statistics.median(t / loops for t in timer.repeat(repeat=repeats, number=loops))


def libraries(path):
    out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if "=>" in line}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(here, "../../build"))
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()
    nuflare = os.path.join(args.build, "src/app/nuflare")
    noop = os.path.join(args.build, "bench/startup/bench_startup_noop")
    for p in (nuflare, noop):
        if not os.access(p, os.X_OK):
            sys.exit(f"{p} missing: build with -DNUFLARE_BUILD_BENCH=ON")
    missing = libraries(nuflare) - libraries(noop)
    if missing:
        print(f"note: the no-op does not load {sorted(missing)}")

    # Outside any launcher; "before" is MPI_Init as every run did until issue 15.
    now = {k: v for k, v in os.environ.items()
           if k not in ("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                        "NUFLARE_FORCE_MPI", "OMPI_MCA_ess_singleton_isolated")}
    # MPI_Init as every run did before issue 15: a singleton with its daemon.
    before = dict(now, NUFLARE_FORCE_MPI="1", OMPI_MCA_ess_singleton_isolated="0")
    # MPI_Init as a singleton without daemon (NUFLARE_FORCE_MPI=1 now): how
    # trial campaigns started outside a launcher until they ran without MPI.
    isolated = dict(now, NUFLARE_FORCE_MPI="1")
    r = args.repeats
    load = os.getloadavg()[0]
    print(f"median of {r} runs each; load average {load:.1f} on {os.cpu_count()} cores\n")

    t_noop = wall([noop], now, r)
    t_version = wall([nuflare, "--version"], now, r)
    t_version_before = wall([nuflare, "--version"], before, max(3, r // 3))
    print(f"{'no-op with the same libraries':40s} {1e3 * t_noop:8.1f} ms")
    print(f"{'nuflare --version':40s} {1e3 * t_version:8.1f} ms   "
          f"{t_version / t_noop:5.2f}x the no-op (target <= 3x)")
    print(f"{'nuflare --version, before (MPI_Init)':40s} {1e3 * t_version_before:8.1f} ms   "
          f"{t_version_before / t_noop:5.2f}x the no-op\n")

    # A trial campaign outside a launcher: one process without MPI now; its
    # fixed cost on the demo sky with 10 trials, against the two MPI starts.
    demo = os.path.join(here, "../../inputs/demo/spatial.ini")
    with tempfile.TemporaryDirectory() as tmp:
        spatial = [nuflare, "spatial", "--config", demo, "--trials", "10", "--quiet",
                   "--overwrite", "--output", os.path.join(tmp, "s.h5")]
        t_spatial = wall(spatial, now, max(3, r // 3))
        t_spatial_isolated = wall(spatial, isolated, max(3, r // 3))
        t_spatial_before = wall(spatial, before, max(3, r // 3))
    print(f"{'nuflare spatial, 10 demo trials':40s} {1e3 * t_spatial:8.1f} ms   "
          f"MPI singleton without daemon {1e3 * t_spatial_isolated:8.1f} ms   "
          f"with daemon {1e3 * t_spatial_before:8.1f} ms\n")

    rng = np.random.default_rng(args.seed)
    targets = {1000: 2.0, 10000: 20.0}
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            t, x, sigma = light_curve(rng, n)
            path = os.path.join(tmp, f"lc{n}.csv")
            np.savetxt(path, np.column_stack([t, x, sigma]), delimiter=",", fmt="%.17g",
                       header="t,x,sigma", comments="")
            t_astropy = in_process(lambda: bayesian_blocks(t, x, sigma, fitness="measures"),
                                   max(3, r // 3))
            t_cli = wall([nuflare, "blocks", "--input", path], now, r)
            t_cli_before = wall([nuflare, "blocks", "--input", path], before, max(3, r // 3))
            got = subprocess.run([nuflare, "blocks", "--input", path], env=now,
                                 capture_output=True, text=True, check=True).stdout
            edges = np.array([float(v) for v in got.split()])
            want = bayesian_blocks(t, x, sigma, fitness="measures")
            same = len(edges) == len(want) and np.allclose(edges, want, rtol=1e-9, atol=0)
            target = targets.get(n)
            print(f"N = {n:6d}: astropy in-process {1e3 * t_astropy:8.1f} ms; "
                  f"edges {'identical' if same else 'DIFFER'} ({len(want)})")
            print(f"  nuflare blocks (process) now    {1e3 * t_cli:8.1f} ms   astropy/nuflare "
                  f"{t_astropy / t_cli:6.2f}x" + (f" (target >= {target:g}x)" if target else ""))
            print(f"  nuflare blocks (process) before {1e3 * t_cli_before:8.1f} ms   "
                  f"astropy/nuflare {t_astropy / t_cli_before:6.2f}x")


if __name__ == "__main__":
    main()
