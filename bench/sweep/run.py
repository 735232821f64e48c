#!/usr/bin/python3
"""Benchmark of `nuflare sweep` (bench/README.md "sweep"; docs/methods.md "Sweeps").

  /usr/bin/python3 bench/sweep/run.py BUILD_DIR [--trials N] [--sample K] [--ranks R]
                                               [--trials-1rank N1]

A simulated sky (`nuflare simulate`: 3000 sources, 300 alerts) with 4 bands
(two simulations with the same seed and different band labels, so the second
pair of bands repeats the first pair's light curves: same cost, as a real
band would have), then:

  1. the sweep: 4 bands x 10 ΔT x 3 factors x 3 flare cuts = 360 points, N
     trials, on R ranks (default 10^4 trials, 2 ranks);
  2. the same points as separate single-point campaigns (`nuflare scan` with
     one ΔT and one factor) with the same trials, timed on a random sample of
     K points (default 12) and extrapolated to 360;
  3. the trial-phase efficiency on R ranks from the runner's own timing (its
     last progress line: trials per second over the trial phase): the
     R-rank rate over R times the 1-rank rate, the 1-rank run taking N1
     trials (default N; a rate does not depend on N once the inputs are
     read, so N1 < N keeps the benchmark short).

Prints the wall times, the trial-phase rates, the ratio separate/sweep (wall
time and trial phase) and the efficiency.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("--trials", type=int, default=10000)
ap.add_argument("--sample", type=int, default=12)
ap.add_argument("--ranks", type=int, default=2)
ap.add_argument("--trials-1rank", type=int, default=0)
a = ap.parse_args()
nuflare = os.path.join(a.build, "src", "app", "nuflare")
if not os.path.exists(nuflare):
    nuflare = os.path.join(a.build, "nuflare")
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           PMIX_MCA_psec="native", OMPI_MCA_rmaps_base_oversubscribe="1")


def sim(d, seed, gamma, ir):
    deck = f"""[simulate]
output = {d}/{gamma}
seed = {seed}
events.seasons = 1
events.per_season = 100
alerts.count = 300
alerts.start_mjd = 55700
alerts.stop_mjd = 58900
catalog.count = 3000
catalog.min_abs_glat = 10
lightcurves.start_mjd = 54700
lightcurves.stop_mjd = 59000
lightcurves.gamma_band = {gamma}
lightcurves.ir_band = {ir}
inject.alert_flares = 20
"""
    with open(f"{d}/{gamma}.ini", "w") as f:
        f.write(deck)
    subprocess.run([nuflare, "simulate", "--config", f"{d}/{gamma}.ini"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return f"{d}/{gamma}"


def timed(cmd):
    """Wall time, the result, and the trial phase's rate [trials/s] from the
    runner's last progress line (`[...] N/N label  R/s  elapsed ...`)."""
    t0 = time.perf_counter()
    res = subprocess.run(cmd + ["--progress-seconds", "100000"], check=True, env=env,
                         capture_output=True, text=True)
    rates = re.findall(r"\]\s+(\d+)/(\d+) .*?\s(\d+)/s\s", res.stderr)
    rate = float(rates[-1][2]) if rates else float("nan")
    return time.perf_counter() - t0, res, rate


with tempfile.TemporaryDirectory() as d:
    s1 = sim(d, 7, "fermi", "wise_w2")
    s2 = sim(d, 7, "fermi_b", "wise_w1")
    lc = [f"{s}/{f}" for s in (s1, s2) for f in os.listdir(s) if f.startswith("lightcurves")]
    bands = ["fermi", "wise_w2", "fermi_b", "wise_w1"]
    delta_t = [100 * (i + 1) for i in range(10)]
    factors = [1.0, 1.3, 1.5]
    cuts = [0, 1, 2]
    with open(f"{d}/sweep.ini", "w") as f:
        f.write(f"[sweep]\ntest = scan\nalerts = {s1}/alerts.csv\nsources = {s1}/catalog.csv\n")
        f.write("lightcurves = " + " ".join(lc) + "\n")
        f.write(f"band = fermi\naxis = band: {', '.join(bands)}\naxis = delta_t: 100:1000:10\n"
                f"axis = factor: 1.0, 1.3, 1.5\naxis = flare_cut: 0, 1, 2\n")
    mpi = ["mpirun", "-np", str(a.ranks), nuflare]
    t_sweep, res, rate_r = timed(mpi + ["sweep", "--config", f"{d}/sweep.ini", "--trials",
                                        str(a.trials), "--output", f"{d}/sweep.h5"])
    last = res.stdout.strip().splitlines()[-1]
    phase_sweep = a.trials / rate_r
    print(f"sweep: 360 points x {a.trials} trials on {a.ranks} ranks: {t_sweep:.1f} s wall, "
          f"trial phase {phase_sweep:.1f} s ({rate_r:.0f} trials/s)  [{last}]", flush=True)

    random.seed(1)
    pts = random.sample([(b, t, f, c) for b in bands for t in delta_t for f in factors for c in cuts],
                        a.sample)
    t_sep = phase_sep = 0.0
    for i, (b, t, f, c) in enumerate(pts):
        dt, _, rate = timed(mpi + ["scan", "--alerts", f"{s1}/alerts.csv", "--sources",
                                   f"{s1}/catalog.csv", "--lightcurves", *lc, "--band", b,
                                   "--delta-t-grid", str(t), "--factor-grid", str(f),
                                   "--flare-cut", str(c), "--trials", str(a.trials), "--output",
                                   f"{d}/one{i}.h5"])
        t_sep += dt
        phase_sep += a.trials / rate
    t_sep_all = t_sep / len(pts) * 360
    phase_sep_all = phase_sep / len(pts) * 360
    print(f"separate single-point campaigns: {t_sep:.1f} s wall ({phase_sep:.1f} s trial phase) "
          f"for {len(pts)} sampled points, extrapolated to 360: {t_sep_all:.0f} s wall "
          f"({phase_sep_all:.0f} s trial phase); ratio {t_sep_all / t_sweep:.1f}x wall, "
          f"{phase_sep_all / phase_sweep:.1f}x trial phase (target >= 5x)", flush=True)

    # Trial-phase efficiency from the runner's rates at 1 and R ranks.
    n1 = a.trials_1rank or a.trials
    t1, _, rate_1 = timed([nuflare, "sweep", "--config", f"{d}/sweep.ini", "--trials", str(n1),
                           "--output", f"{d}/sweep1.h5"])
    print(f"1 rank, {n1} trials: {t1:.1f} s wall, trial phase {n1 / rate_1:.1f} s "
          f"({rate_1:.0f} trials/s); {a.ranks}-rank trial-phase efficiency "
          f"{rate_r / (a.ranks * rate_1):.2f} (target >= 0.9)")
