#!/usr/bin/python3
"""Straightforward numpy reference of the spatial count (blazar paper §6.3): for each
source, the events inside the declination band of the widest circle, dot
products, mark hits; then cumulative counts per threshold. Prints one CSV line
per source file: file,seconds,n_obs(4.8),...,n_obs(6.0).
usage: numpy_reference.py EVENTS SOURCES.csv..."""
import sys, time
import numpy as np

ev = np.loadtxt(sys.argv[1], comments="#")
thr = np.round(4.8 + 0.1 * np.arange(13), 9)
keep = (ev[:, 2] <= 5.0) & (ev[:, 1] >= thr[0])
ev = ev[keep]
order = np.argsort(ev[:, 4])
ev = ev[order]
e, err, ra, dec = ev[:, 1], ev[:, 2], np.radians(ev[:, 3]), np.radians(ev[:, 4])
xyz = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=1)
cosr = np.cos(np.radians(err))
dec_deg = ev[:, 4]
rmax = err.max()
ebin = np.searchsorted(thr, e, side="right") - 1


def count(src_ra, src_dec):
    hit = np.zeros(len(e), dtype=bool)
    sx = np.cos(np.radians(src_dec)) * np.cos(np.radians(src_ra))
    sy = np.cos(np.radians(src_dec)) * np.sin(np.radians(src_ra))
    sz = np.sin(np.radians(src_dec))
    for a, b, c, d in zip(sx, sy, sz, src_dec):
        lo, hi = np.searchsorted(dec_deg, [d - rmax, d + rmax])
        dots = xyz[lo:hi] @ np.array([a, b, c])
        hit[lo:hi] |= dots >= cosr[lo:hi]
    h = np.bincount(ebin[hit], minlength=len(thr))
    return np.cumsum(h[::-1])[::-1]


for path in sys.argv[2:]:
    src = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding=None)
    t0 = time.perf_counter()
    n = count(src["ra"], src["dec"])
    dt = time.perf_counter() - t0
    print(",".join([path, "%.6f" % dt] + [str(int(x)) for x in n]))
