#!/usr/bin/env python3
"""Usage: same_archive.py A.h5 B.h5 — exit 0 when the two nuflare archives hold
the same groups, datasets (values, dtype, shape, chunking) and attributes,
except the root attributes that describe the run rather than its results
(docs/archive-format.md)."""
import sys

import h5py
import numpy as np

RUN_ONLY = {"created_utc", "command_line", "slurm_job_id", "mpi_ranks"}


def walk(group, out):
    for value in group.values():
        out[value.name] = value
        if isinstance(value, h5py.Group):
            walk(value, out)
    return out


with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    na, nb = walk(a, {}), walk(b, {})
    if na.keys() != nb.keys():
        sys.exit(f"different members: {sorted(set(na) ^ set(nb))}")
    n = 0
    for name, obj in na.items():
        other = nb[name]
        if isinstance(obj, h5py.Dataset):
            if (obj.dtype, obj.shape, obj.chunks) != (other.dtype, other.shape, other.chunks):
                sys.exit(f"{name}: {obj.dtype} {obj.shape} {obj.chunks} vs "
                         f"{other.dtype} {other.shape} {other.chunks}")
            if not np.array_equal(obj[()], other[()]):
                sys.exit(f"{name}: values differ")
            n += 1
        if obj.attrs.keys() != other.attrs.keys():
            sys.exit(f"{name}: attributes {sorted(obj.attrs)} vs {sorted(other.attrs)}")
        for key, value in obj.attrs.items():
            if not np.array_equal(value, other.attrs[key]):
                sys.exit(f"{name}@{key} differs")
    for key, value in a.attrs.items():
        if key not in RUN_ONLY and not np.array_equal(value, b.attrs[key]):
            sys.exit(f"/@{key} differs")
print(f"same archive ({n} datasets)")
