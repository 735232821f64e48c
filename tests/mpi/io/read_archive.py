#!/usr/bin/env python3
"""Reads a nuflare archive with h5py (Debian's python3-h5py) and checks the
layout documented in docs/archive-format.md. Usage: read_archive.py RUN.h5"""
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover
    print(f"skipped: {e}")
    sys.exit(77)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


with h5py.File(sys.argv[1], "r") as f:
    assert text(f.attrs["format"]) == "nuflare-archive", f.attrs["format"]
    assert text(f.attrs["format_version"]) == "2.0"
    for key in ("nuflare_version", "git_revision", "rng_scheme", "created_utc", "analysis"):
        assert key in f.attrs, key
    assert int(f.attrs["master_seed"]) == 5
    assert text(f["config"].attrs["trials"]) == "64"
    assert f["inputs/sha256"].shape == (1,)
    assert len(text(f["inputs/sha256"][0])) == 64
    values = f["toy/trials/values"]
    assert values.shape == (64, 2) and values.dtype == np.float64
    assert np.allclose(values[:, 0], np.arange(64))
    assert np.allclose(values[:, 1], np.arange(64) ** 2)
    assert text(values.attrs["unit"]) == "deg"
    # Format 2.0: per-trial datasets are chunked, shuffled and deflated, and
    # extendible in rows (docs/archive-format.md, "Per-trial datasets").
    assert values.chunks is not None and values.chunks[1] == 2, values.chunks
    assert values.compression == "gzip" and values.shuffle, (values.compression, values.shuffle)
    assert values.maxshape == (None, 2), values.maxshape
    assert len(text(values.attrs["checksum"])) == 64
    t = f["toy/summary"]
    assert text(t.attrs["kind"]) == "table"
    assert text(t.attrs["columns"]).split(",") == ["name", "value"]
    assert [text(x) for x in t["name"][:]] == ["a", "bb"]
    assert list(t["value"][:]) == [1.5, 2.5]
print("h5py read the archive: ok")
