#!/usr/bin/python3
"""A synthetic IceCube-like sky for the script tests, in the current folder:

  events.txt   N events isotropic on the sky, one every STEP days from MJD 54562,
               log10(E/GeV) and AngErr uniform in the ranges given (the IceCube
               public-data columns, docs/input-formats.md)
  sources.csv  M sources isotropic on the sky (name,ra,dec), with --groups a
               group column alternating between the two names given

  /usr/bin/python3 tests/support/synthetic_sky.py --seed S --events N --step STEP \\
      --log10e LO HI --angerr LO HI --sources M [--groups ODD EVEN]

The same arguments give the same files, byte for byte (numpy's default_rng).
"""
import argparse

import numpy as np

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--seed", type=int, required=True)
ap.add_argument("--events", type=int, required=True)
ap.add_argument("--step", type=float, required=True, help="days between events")
ap.add_argument("--log10e", type=float, nargs=2, required=True, metavar=("LO", "HI"))
ap.add_argument("--angerr", type=float, nargs=2, required=True, metavar=("LO", "HI"))
ap.add_argument("--sources", type=int, required=True)
ap.add_argument("--groups", nargs=2, metavar=("ODD", "EVEN"),
                help="group of the odd- and even-numbered sources")
a = ap.parse_args()

rng = np.random.default_rng(a.seed)
with open("events.txt", "w") as f:
    f.write("# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]\n")
    for i in range(a.events):
        dec = np.degrees(np.arcsin(rng.uniform(-1, 1)))
        f.write(f"{54562 + i * a.step:.5f} {rng.uniform(*a.log10e):.2f} "
                f"{rng.uniform(*a.angerr):.2f} {rng.uniform(0, 360):.3f} {dec:.3f} 0 0\n")
with open("sources.csv", "w") as f:
    f.write("name,ra,dec,group\n" if a.groups else "name,ra,dec\n")
    for i in range(a.sources):
        dec = np.degrees(np.arcsin(rng.uniform(-1, 1)))
        group = f",{a.groups[0] if i % 2 else a.groups[1]}" if a.groups else ""
        f.write(f"S{i},{rng.uniform(0, 360):.4f},{dec:.4f}{group}\n")
