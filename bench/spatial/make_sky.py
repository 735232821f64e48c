#!/usr/bin/python3
"""Simulated full-size sky for the spatial benchmark (issue 4): N events drawn
from the real IC40 events with log10E >= 4.8 (their declination, energy and
AngErr together; Dec jittered by 0.5 deg, RA uniform), and S sources uniform on
the sphere, plus K source files with scrambled RAs for the numpy comparison.
usage: make_sky.py OUTDIR IC40_exp.csv [N=250000] [S=409] [K=5]"""
import os, sys
import numpy as np

out, ic40 = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 250000
s = int(sys.argv[4]) if len(sys.argv) > 4 else 409
k = int(sys.argv[5]) if len(sys.argv) > 5 else 5
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(12345)
real = np.loadtxt(ic40, comments="#")
real = real[real[:, 1] >= 4.8]
pick = real[rng.integers(0, len(real), n)]
dec = np.round(np.clip(pick[:, 4] + rng.normal(0, 0.5, n), -89.99, 89.99), 3)
ra = np.round(rng.uniform(0, 360, n), 3) % 360.0  # as written (3 decimals)
mjd = np.sort(rng.uniform(54562.4, 54971.1, n))
with open(os.path.join(out, "SIM_exp.csv"), "w") as f:
    f.write("#     MJD[days]  log10(E/GeV)   AngErr[deg]       RA[deg]      Dec[deg]  Azimuth[deg]   Zenith[deg]\n")
    for row in zip(mjd, pick[:, 1], pick[:, 2], ra, dec):
        f.write("%17.8f %13.2f %13.2f %13.3f %13.3f %13.3f %13.3f\n" % (*row, 0.0, 90.0))
src_dec = np.degrees(np.arcsin(rng.uniform(-1, 1, s)))
src_ra = rng.uniform(0, 360, s)
def write(name, ras):
    with open(os.path.join(out, name), "w") as f:
        f.write("name,ra,dec,group\n")
        for i, (a, d) in enumerate(zip(ras, src_dec)):
            f.write("S%04d,%.6f,%.6f,nfs_like\n" % (i, a, d))
write("sources.csv", src_ra)
for t in range(k):
    write("scrambled_%d.csv" % t, rng.uniform(0, 360, s))
print("wrote", n, "events and", s, "sources to", out)
