"""One line per group, dataset and attribute of a run archive, with a digest
of every value: what must not change when an analysis moves to other code.
Left out: the run's own provenance (time, version, git revision, ranks,
command line, the output path) and the input paths, which differ from
machine to machine; the inputs' hashes stay.
Usage: archive_digest.py RUN.h5 [GROUP ...]"""
import hashlib
import sys

import h5py
import numpy as np

SKIP_ROOT = {"command_line", "created_utc", "git_revision", "mpi_ranks", "hostname",
             "nuflare_version", "slurm_job_id"}
SKIP_CONFIG = {"output", "alerts", "sources", "lightcurves"}


def digest(value):
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return "str:" + hashlib.sha1(value.encode()).hexdigest()[:12]
    a = np.asarray(value)
    return f"{a.dtype.str}{list(a.shape)}:" + hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest()[:12]


def main():
    f = h5py.File(sys.argv[1], "r")
    groups = sys.argv[2:] or ["/"]
    out = []
    for k in sorted(f.attrs):
        if k not in SKIP_ROOT and "/" in groups:
            out.append(f"/ @{k} {digest(f.attrs[k])}")

    def visit(name, obj):
        path = "/" + name
        if not any(path.startswith(g) for g in groups) and "/" not in groups:
            return
        if path == "/inputs/path":
            return
        kind = "dataset" if isinstance(obj, h5py.Dataset) else "group"
        line = f"{path} {kind}"
        if kind == "dataset":
            line += f" {obj.dtype.str} {list(obj.shape)} chunks={obj.chunks} {digest(obj[()])}"
        out.append(line)
        for k in sorted(obj.attrs):
            if path == "/config" and k in SKIP_CONFIG:
                continue
            if k in ("inputs", "input_hashes") or path.startswith("/inputs"):
                continue
            out.append(f"{path} @{k} {digest(obj.attrs[k])}")

    f.visititems(visit)
    print("\n".join(out))


main()
