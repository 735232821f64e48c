#!/usr/bin/python3
"""Exit 0 when two nuflare archives hold the same groups, datasets (bit for bit,
NaN equal to NaN) and attributes, ignoring the root attributes that describe
the run rather than its results (created_utc, command_line, mpi_ranks,
slurm_job_id; docs/archive-format.md). usage: compare_archives.py A.h5 B.h5"""
import sys

import h5py
import numpy as np

RUN_ATTRS = {"created_utc", "command_line", "mpi_ranks", "slurm_job_id"}


def items(path):
    out = {}
    with h5py.File(path, "r") as h:
        out["/"] = {k: v for k, v in h.attrs.items() if k not in RUN_ATTRS}

        def visit(name, obj):
            attrs = dict(obj.attrs.items())
            if isinstance(obj, h5py.Dataset):
                out[name] = (obj[()], attrs)
            else:
                out[name] = attrs
        h.visititems(visit)
    return out


def same(a, b):
    if isinstance(a, tuple):
        return isinstance(b, tuple) and same(a[0], b[0]) and same(a[1], b[1])
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return a.tobytes() == b.tobytes() or np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def main():
    a, b = items(sys.argv[1]), items(sys.argv[2])
    bad = sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b) if not same(a[k], b[k]))
    for k in bad:
        print(f"differs: {k}")
    n = sum(isinstance(v, tuple) for v in a.values())
    print(f"{n} datasets compared, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
