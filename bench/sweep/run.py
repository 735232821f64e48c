#!/usr/bin/python3
"""Benchmark of `nuflare sweep` (bench/README.md "sweep"; docs/methods.md "Sweeps").

  /usr/bin/python3 bench/sweep/run.py BUILD_DIR [--trials N] [--sample K] [--ranks R]

A simulated sky (`nuflare simulate`: 3000 sources, 300 alerts) with 4 bands
(two simulations with the same seed and different band labels, so the second
pair of bands repeats the first pair's light curves: same cost, as a real
band would have), then:

  1. the sweep: 4 bands x 10 ΔT x 3 factors x 3 flare cuts = 360 points, N
     trials, on R ranks (default 10^4 trials, 2 ranks);
  2. the same points as separate single-point campaigns (`nuflare scan` with
     one ΔT and one factor) with the same trials, timed on a random sample of
     K points (default 12) and extrapolated to 360;
  3. the trial-phase efficiency on R ranks: the sweep's "sweep trials"
     progress time at 1 rank over R times that at R ranks.

Prints the wall times, the ratio separate/sweep and the efficiency.
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
    t0 = time.perf_counter()
    res = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)
    return time.perf_counter() - t0, res


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
    t_sweep, res = timed(mpi + ["sweep", "--config", f"{d}/sweep.ini", "--trials", str(a.trials),
                                "--quiet", "--output", f"{d}/sweep.h5"])
    last = res.stdout.strip().splitlines()[-1]
    print(f"sweep: 360 points x {a.trials} trials on {a.ranks} ranks: {t_sweep:.1f} s  [{last}]")

    random.seed(1)
    pts = random.sample([(b, t, f, c) for b in bands for t in delta_t for f in factors for c in cuts],
                        a.sample)
    t_sep = 0.0
    for i, (b, t, f, c) in enumerate(pts):
        dt, _ = timed(mpi + ["scan", "--alerts", f"{s1}/alerts.csv", "--sources", f"{s1}/catalog.csv",
                             "--lightcurves", *lc, "--band", b, "--delta-t-grid", str(t),
                             "--factor-grid", str(f), "--flare-cut", str(c), "--trials",
                             str(a.trials), "--quiet", "--output", f"{d}/one{i}.h5"])
        t_sep += dt
    t_sep_all = t_sep / len(pts) * 360
    print(f"separate single-point campaigns: {t_sep:.1f} s for {len(pts)} sampled points, "
          f"extrapolated to 360: {t_sep_all:.0f} s; ratio {t_sep_all / t_sweep:.1f}x (target >= 5x)")

    # Trial-phase efficiency: the runner's phase time from 1 and R ranks.
    t1, _ = timed([nuflare, "sweep", "--config", f"{d}/sweep.ini", "--trials", str(a.trials),
                   "--quiet", "--output", f"{d}/sweep1.h5"])
    print(f"1 rank: {t1:.1f} s; {a.ranks}-rank efficiency (whole run) "
          f"{t1 / (a.ranks * t_sweep):.2f} (target >= 0.9 on the trial phase)")
