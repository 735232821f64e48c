#!/usr/bin/python3
"""nuflare.open_archive round trip (docs/archive-format.md).

Runs a small spatial campaign of the demo sky with the `nuflare` executable
of the build tree, then requires open_archive to give: every table equal,
column by column and with the file's own dtypes, to h5py's reading and to
what `nuflare table` prints; the provenance (format, version, git revision,
seed, RNG scheme, resolved config, SHA-256 of every input); the per-trial
datasets on demand. An archive rewritten under format 2.0 — per-trial
integers as compressed int32, a uint16 column, variable-length strings, the
column order as a list — reads the same; a foreign HDF5 file and an
unknown major version are refused with one-line ValueErrors.
"""
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import env_path, expect_error, require, run, scratch  # noqa: E402

require("numpy", "h5py", "nuflare")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import nuflare  # noqa: E402

BIN = env_path("NUFLARE_BIN")
SRC = env_path("NUFLARE_SOURCE_DIR")
TMP = scratch("nuflare_py_archive_")
RUN = os.path.join(TMP, "spatial.h5")
TRIALS = 20


def nuflare_cli(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"nuflare {' '.join(args)}: status {p.returncode}: {p.stderr}"
    return p.stdout


def make_run():
    if not os.path.exists(RUN):
        nuflare_cli("spatial", "--config", os.path.join(SRC, "inputs/demo/spatial.ini"),
                    "--trials", str(TRIALS), "--output", RUN, "--quiet")
    return RUN


def h5_tables(path):
    """Every table as {name: {column: array}} read with plain h5py."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Group) and obj.attrs.get("kind") in (b"table", "table"):
                cols = obj.attrs["columns"]
                cols = (cols.decode() if isinstance(cols, bytes) else cols).split(",")
                out[name] = {c: obj[c][()] for c in cols}
        f.visititems(visit)
    return out


def test_tables_equal_h5py_and_nuflare_table():
    path = make_run()
    run_ = nuflare.open_archive(path, pandas=False)
    raw = h5_tables(path)
    assert set(run_.tables) == set(raw) and "spatial/summary" in raw, sorted(run_.tables)
    for name, cols in raw.items():
        t = run_.table(name)
        assert list(t.dtype.names) == list(cols), name
        for c, values in cols.items():
            if values.dtype.kind in "SO":
                assert t[c].tolist() == [v.decode() for v in values], (name, c)
            else:
                assert t[c].dtype == values.dtype, (name, c, t[c].dtype, values.dtype)
                assert np.array_equal(t[c], values, equal_nan=True), (name, c)
    # what `nuflare table` prints is the same table
    printed = list(csv.DictReader(io.StringIO(
        nuflare_cli("table", "--archive", path, "--analysis", "spatial"))))
    summary = run_.table("/spatial/summary")
    assert np.array_equal(summary, run_.summary)
    assert len(printed) == summary.size > 0
    for row, rec in zip(printed, summary):
        for c in summary.dtype.names:
            if summary.dtype[c].kind == "U":
                assert row[c] == rec[c], c
            else:
                assert float(row[c]) == rec[c] or (np.isnan(rec[c]) and row[c] in ("nan", "")), c
    assert run_.units("spatial/summary")["log10e_min"] is not None


def test_provenance():
    path = make_run()
    run_ = nuflare.open_archive(path, pandas=False)
    p = run_.provenance
    assert p["format"] == "nuflare-archive"
    assert int(p["format_version"].split(".")[0]) in (1, 2)
    assert p["git_revision"] == nuflare.git_revision
    assert p["nuflare_version"] == nuflare.__version__
    assert p["analysis"] == "spatial" and p["master_seed"] == 1
    assert "Philox" in p["rng_scheme"]
    assert p["config"]["trials"] == str(TRIALS) and p["config"] == run_.config
    assert len(p["inputs"]) >= 3
    for file, digest in p["inputs"]:
        with open(file if os.path.isabs(file) else os.path.join(SRC, "inputs/demo", file), "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == digest, file
    assert list(run_.inputs.dtype.names) == ["path", "sha256"]
    assert "spatial" in repr(run_)


def test_trial_datasets_on_demand():
    path = make_run()
    run_ = nuflare.open_archive(path, pandas=False)
    trials = [d for d in run_.datasets if d.endswith("/trials/n_near")]
    assert trials, run_.datasets
    with h5py.File(path, "r") as f:
        for d in trials:
            a = run_[d]
            assert a.shape[0] == TRIALS and a.dtype == f[d].dtype
            assert np.array_equal(a, f[d][()])
        first = run_.attributes(os.path.dirname(trials[0]))
        assert first["first_trial_index"] == 0
    expect_error(KeyError, repr(f"{path}: no dataset 'spatial/nothing'"),
                 run_.__getitem__, "spatial/nothing")


def test_format_2_with_other_integer_widths():
    # Another dtype and compression for the per-trial counts, format 2.0: read generically.
    src = make_run()
    path = os.path.join(TMP, "v2.h5")
    shutil.copy(src, path)
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.bytes_("2.0")
        names = []
        f.visititems(lambda n, o: names.append(n) if n.endswith("/trials/n_near") else None)
        for n in names:
            values = f[n][()]
            del f[n]
            f.create_dataset(n, data=values.astype(np.int32), compression="gzip", shuffle=True)
        summary = f["spatial/summary"]
        n_obs = summary["n_observed"][()]
        del summary["n_observed"]
        summary.create_dataset("n_observed", data=n_obs.astype(np.uint16), compression="gzip")
        # variable-length strings, and the column order as a list of names
        groups = [g.decode() for g in summary["group"][()]]
        del summary["group"]
        summary.create_dataset("group", data=groups, dtype=h5py.string_dtype())
        columns = summary.attrs["columns"].decode().split(",")
        summary.attrs["columns"] = np.array(columns, dtype=h5py.string_dtype())
    v1 = nuflare.open_archive(src, pandas=False)
    v2 = nuflare.open_archive(path, pandas=False)
    assert v2.provenance["format_version"] == "2.0"
    assert v2.table("spatial/summary")["n_observed"].dtype == np.uint16
    assert np.array_equal(v2.table("spatial/summary")["n_observed"],
                          v1.table("spatial/summary")["n_observed"])
    assert v2.summary.dtype.names == v1.summary.dtype.names
    assert v2.summary["group"].tolist() == v1.summary["group"].tolist()
    for n in names:
        assert v2[n].dtype == np.int32 and np.array_equal(v2[n], v1[n])


def test_pandas_frames():
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("     (pandas not installed: DataFrames not checked)")
        return
    path = make_run()
    frames = nuflare.open_archive(path)  # pandas by default when installed
    arrays = nuflare.open_archive(path, pandas=False)
    for name, df in frames.tables.items():
        assert list(df.columns) == list(arrays.tables[name].dtype.names)
        for c in df.columns:
            assert np.array_equal(df[c].to_numpy(), arrays.tables[name][c],
                                  equal_nan=df[c].dtype.kind == "f"), (name, c)
    assert list(frames.inputs.columns) == ["path", "sha256"]


def test_refuses_other_files():
    foreign = os.path.join(TMP, "foreign.h5")
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    expect_error(ValueError, f"{foreign}: format: not a nuflare archive (format attribute None, "
                 "expected 'nuflare-archive')", nuflare.open_archive, foreign)
    future = os.path.join(TMP, "future.h5")
    shutil.copy(make_run(), future)
    with h5py.File(future, "r+") as f:
        f.attrs["format_version"] = np.bytes_("3.0")
    expect_error(ValueError, f"{future}: format_version: '3.0' is not read by this nuflare module "
                 "(major versions (1, 2))", nuflare.open_archive, future)
    missing = os.path.join(TMP, "missing.h5")
    try:
        nuflare.open_archive(missing)
    except OSError:
        pass
    else:
        raise AssertionError("no OSError for a missing file")


if __name__ == "__main__":
    run(globals())
