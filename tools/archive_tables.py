"""The tables of a nuflare run archive as the tools read them (h5py): a group
of one dataset per column (docs/archive-format.md), text columns decoded.

Imported by the tools beside it (paper_report.py, plot_sweep.py), which run
from tools/ with /usr/bin/python3.
"""
import numpy as np


def table(f, path):
    """Group `path` of the open archive `f` as {column: array}; text columns
    (fixed or variable-length strings) as arrays of str."""
    g = f[path]
    out = {}
    for k in g.keys():
        v = g[k][()]
        if v.dtype.kind in "SO":
            v = np.array([x.decode() if isinstance(x, bytes) else str(x) for x in v])
        out[k] = v
    return out
