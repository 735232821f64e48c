#!/usr/bin/python3
"""nuflare spatial on the real IC40 events and the paper's TXS-like and CFS
groups (blazar paper §6.3, Table 6): stdout equals the stored reference, and
stdout and the archive's per-trial datasets and tables are identical at 1, 2,
3 and 4 ranks (docs/cli.md). Skips (exit 77) without ../shared/data.

Regenerate the reference with --update (after checking the change is intended)."""
import os, subprocess, sys, tempfile

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
reference = os.path.join(here, "ic40_paper_groups_1000trials.csv")
binary = os.environ.get("NUFLARE_BIN", "nuflare")
shared = os.environ.get("NUFLARE_SHARED_DIR", os.path.join(here, "../../../../shared"))
mpiexec = os.environ.get("MPIEXEC", "mpiexec")
events = os.path.join(shared, "data/icecube_10year_ps/events/IC40_exp.csv")
sources = os.path.join(shared, "data/paper_groups/txs_like_and_cfs_4fgl.csv")
if not (os.path.exists(events) and os.path.exists(sources)):
    print("skipped: real data not found under", shared)
    sys.exit(77)


def run(np_, out):
    cmd = [binary, "spatial", "--events", events, "--sources", sources, "--trials", "1000",
           "--seed", "20240611", "--output", out, "--quiet"]
    if np_ > 0:
        cmd = [mpiexec, "-np", str(np_), "--oversubscribe"] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL", cmd, r.stderr)
        sys.exit(1)
    return r.stdout


def contents(path):
    """Every dataset under /spatial, by path."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f["spatial"].visititems(visit)
    return out


with tempfile.TemporaryDirectory() as tmp:
    serial = run(0, os.path.join(tmp, "serial.h5"))
    if "--update" in sys.argv:
        open(reference, "w").write(serial)
        print("reference written:", reference)
        sys.exit(0)
    fails = 0
    if serial != open(reference).read():
        print("FAIL stdout differs from", reference)
        print(serial)
        fails += 1
    base = contents(os.path.join(tmp, "serial.h5"))
    assert any(k.endswith("trials/n_near") for k in base), sorted(base)
    for k in sorted(base):
        if k.endswith("trials/n_near"):
            assert base[k].shape == (1000, 13), (k, base[k].shape)
    for np_ in (1, 2, 3, 4):
        path = os.path.join(tmp, "np%d.h5" % np_)
        if run(np_, path) != serial:
            print("FAIL stdout at", np_, "ranks differs")
            fails += 1
        other = contents(path)
        if sorted(other) != sorted(base):
            print("FAIL dataset list at", np_, "ranks")
            fails += 1
            continue
        for k in base:
            if not np.array_equal(np.asarray(base[k]), np.asarray(other[k])):
                print("FAIL", k, "differs at", np_, "ranks")
                fails += 1
    if fails == 0:
        print("stdout matches the reference; archive identical at 1, 2, 3, 4 ranks")
    sys.exit(1 if fails else 0)
