"""Archives written by one process without MPI equal those written under mpiexec.

Issue 15, item 1 (docs/cli.md, "When nuflare starts MPI"): outside a launcher
every subcommand, the trial campaigns included, runs as one process without
MPI and writes its archive through HDF5's default driver; under `mpiexec`
every subcommand writes through MPI-IO. Every group, dataset (type, shape,
layout, chunks, filters, fill value, bytes) and attribute must be the same as
under `mpiexec -np 1` — and for the trial campaigns as under `mpiexec -np 2`,
the rank count aside — the run's date aside, and so must stdout;
`simulate`'s sky folder must be the same file for file.
"""
import filecmp
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

BIN = os.environ["NUFLARE_BIN"]
SRC = os.environ.get("NUFLARE_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../../.."))
DEMO = os.path.join(SRC, "inputs/demo")
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
# The run's date differs between any two runs.
VARYING = {"created_utc"}
failures = []


def run(cwd, ranks, *args):
    """nuflare ARGS in cwd: without a launcher (ranks 0) or under mpiexec -np RANKS.

    Returns what it says about MPI (its last stderr line) and its stdout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                        "NUFLARE_FORCE_MPI")}
    env["NUFLARE_DEBUG_MPI"] = "1"
    cmd = ([MPIEXEC, "-np", str(ranks)] if ranks else []) + [BIN, *args]
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        sys.exit(f"FAIL {' '.join(cmd)}: exit {p.returncode}: {p.stderr}")
    return p.stderr.strip().splitlines()[-1], p.stdout


def layout(ds):
    plist = ds.id.get_create_plist()
    filters = [plist.get_filter(i)[:3] for i in range(plist.get_nfilters())]
    # A campaign's per-trial rows are resumed, perhaps on another rank count:
    # their chunks are allocated as parallel HDF5 allocates them (early), or a
    # resume under MPI of a run without it hangs in HDF5 1.10.
    alloc = plist.get_alloc_time() if "/trials/" in ds.name else None
    return (ds.dtype, ds.shape, ds.maxshape, ds.chunks, plist.get_layout(), filters,
            ds.fillvalue if ds.dtype.kind != "O" else None, alloc)


def content(ds):
    """The dataset's bytes as stored (or its strings, for variable-length ones)."""
    values = ds[()]
    return list(values) if ds.dtype.kind == "O" else np.asarray(values).tobytes()


def attributes(obj, varying):
    return {k: (v.tobytes() if isinstance(v, np.ndarray) else v)
            for k, v in obj.attrs.items() if k not in varying}


def compare(name, a_path, b_path, ranks=1):
    # The rank count is recorded (mpi_ranks): one process writes 1, as -np 1 does.
    varying = VARYING | ({"mpi_ranks"} if ranks != 1 else set())
    checked = 0
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names_a, names_b = [], []
        a.visit(names_a.append)
        b.visit(names_b.append)
        if names_a != names_b:
            failures.append(f"{name}: objects differ: {sorted(set(names_a) ^ set(names_b))}")
            return
        for path in ["/"] + names_a:
            x, y = a[path], b[path]
            if attributes(x, varying) != attributes(y, varying):
                failures.append(f"{name}: {path}: attributes differ")
            if isinstance(x, h5py.Dataset):
                if layout(x) != layout(y):
                    failures.append(f"{name}: {path}: layout {layout(x)} != {layout(y)}")
                elif content(x) != content(y):
                    failures.append(f"{name}: {path}: values differ")
                checked += 1
    print(f"     {name}: {checked} datasets identical without MPI and under mpiexec -np {ranks}")


with tempfile.TemporaryDirectory() as tmp:
    serial, launched = os.path.join(tmp, "serial"), os.path.join(tmp, "mpi")
    os.mkdir(serial)
    os.mkdir(launched)
    def demo(name, *extra):
        return [name, "--config", os.path.join(DEMO, f"{name}.ini"), *extra]

    trials = ["--trials", "40", "--quiet"]
    # NAME: (ARGS, the rank counts under mpiexec to compare with).
    runs = {
        "followup": (demo("followup"), (1,)),
        "flares": (demo("flares"), (1,)),
        "spatial": (demo("spatial", *trials), (1, 2)),
        "temporal": (demo("temporal", *trials), (1, 2)),
        "scan": (demo("scan", *trials), (1, 2)),
        "sweep": (demo("sweep", *trials), (1, 2)),
        # The per-source ratios are what `flares` prints (inputs/demo/simultaneity.ini).
        "simultaneity": (demo("simultaneity", *trials, "--rho", os.path.join(tmp, "rho.csv")),
                         (1, 2)),
        "sensitivity": (demo("sensitivity", *trials, "--signal-trials", "5",
                             "--strengths", "0,40"), (1, 2)),
    }
    for name, (args, ranks) in runs.items():
        out = ["--output", f"{name}.h5"]
        got, stdout = run(serial, 0, *args, *out)
        if name == "flares":
            with open(os.path.join(tmp, "rho.csv"), "w") as f:
                f.write(stdout)
        if got != "mpi: not initialised":
            failures.append(f"{name}: expected 'mpi: not initialised' without a launcher, "
                            f"got {got!r}")
        for np_ in ranks:
            where = os.path.join(launched, f"np{np_}")
            os.makedirs(where, exist_ok=True)
            got, launched_stdout = run(where, np_, *args, *out)
            if got != "mpi: initialised":
                failures.append(f"{name}: expected 'mpi: initialised' under mpiexec -np {np_}, "
                                f"got {got!r}")
            if launched_stdout != stdout:
                failures.append(f"{name}: stdout differs without MPI and under mpiexec -np {np_}")
            compare(name, os.path.join(serial, f"{name}.h5"),
                    os.path.join(where, f"{name}.h5"), np_)

    deck = "[simulate]\nseed = 5\nevents.per_season = 300\nalerts.count = 6\ncatalog.count = 15\n"
    for where, launcher in ((serial, 0), (launched, 1)):
        with open(os.path.join(where, "sky.ini"), "w") as f:
            f.write(deck)
        run(where, launcher, "simulate", "--config", "sky.ini", "--output", "sky")
    def files_under(root):
        return sorted(os.path.relpath(os.path.join(d, f), root)
                      for d, _, names in os.walk(root) for f in names)

    a, b = os.path.join(serial, "sky"), os.path.join(launched, "sky")
    files = files_under(a)
    if files != files_under(b):
        failures.append(f"simulate: sky folders hold other files: {files} {files_under(b)}")
    else:
        differ = [f for f in files
                  if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False)]
        if differ:
            failures.append(f"simulate: files differ: {differ}")
        else:
            print(f"     simulate: {len(files)} files identical")

for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
