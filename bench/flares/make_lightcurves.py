#!/usr/bin/python3
"""Synthetic long-format light curves for `nuflare flares` (bench and tests).

Per source: a `fermi` curve of ~150 monthly points (MJD 54700-59200) and a
`wise_w2` curve of ~25 half-yearly visits (MJD 55200-60500, none inside the
AllWISE/NEOWISE gap 55600-56500, so the survey-gap step of the preparation (blazar paper §4.2.5) adds its two points).
Each curve is a quiescent level with noise plus 0-3 Gaussian flares; some
infrared flares follow a gamma-ray flare by ~300 days (blazar paper Fig. 1).
Deterministic for a given --seed and --sources.

usage: make_lightcurves.py --sources N [--seed S] OUT.csv
"""
import argparse

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gamma-points", type=int, default=150)
    ap.add_argument("--ir-points", type=int, default=25)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    rows = []
    for s in range(a.sources):
        name = f"SYN{s:05d}"
        # gamma rays: monthly bins with jitter
        n = a.gamma_points + int(rng.integers(-10, 11))
        t = 54700.0 + 30.0 * np.arange(n) + rng.uniform(-3, 3, n)
        base = 10 ** rng.uniform(-7.5, -6.5)
        model = np.full(n, base)
        flares = []
        for _ in range(int(rng.integers(0, 4))):
            t0 = rng.uniform(t[0], t[-1])
            w = rng.uniform(20, 120)
            amp = base * rng.uniform(1, 8)
            flares.append(t0)
            model += amp * np.exp(-0.5 * ((t - t0) / w) ** 2)
        err = 0.1 * model * rng.uniform(0.7, 1.3, n)
        flux = model + err * rng.standard_normal(n)
        ul = (flux < 2 * err).astype(int)
        for k in range(n):
            rows.append(f"{name},fermi,{t[k]:.6f},{flux[k]:.6e},{err[k]:.6e},{ul[k]}")
        # infrared: half-yearly visits outside the survey gap
        m = a.ir_points + int(rng.integers(-3, 4))
        ti = np.sort(np.concatenate([
            rng.uniform(55200, 55600, 2),
            np.linspace(56600, 60500, m - 2) + rng.uniform(-20, 20, m - 2)]))
        ibase = rng.uniform(0.5, 5.0)
        imodel = np.full(m, ibase)
        for t0 in flares[:1]:
            if rng.uniform() < 0.5:  # delayed long infrared flare (Fig. 1)
                imodel += ibase * rng.uniform(0.5, 3) * np.exp(
                    -0.5 * ((ti - t0 - 300) / rng.uniform(150, 400)) ** 2)
        ierr = 0.05 * imodel * rng.uniform(0.7, 1.3, m)
        iflux = imodel + ierr * rng.standard_normal(m)
        for k in range(m):
            rows.append(f"{name},wise_w2,{ti[k]:.6f},{iflux[k]:.6e},{ierr[k]:.6e},0")
    with open(a.out, "w") as f:
        f.write("source,band,mjd,flux,flux_err,upper_limit\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
