#!/usr/bin/env python3
"""Size and write time of a large spatial campaign's archive (docs/archive-format.md,
"Per-trial datasets").

Runs `nuflare spatial` on the IC40 season of the IceCube 10-year release with
the paper's TXS-like and CFS groups and the 13 Table 6 thresholds
(inputs/spatial/paper.ini without the flux limit), 5 x 10^6 trials by default,
and prints the archive's size, the wall time, and for every group the time
between the trials' end and the group's final progress line — the final
write of its per-trial rows (the time the remaining trials of the last
progress interval take, at the group's rate, is subtracted). Give several
binaries to compare builds, e.g. one of the format 1.0 commit:

    bench/archive/archive_size.py build/src/app/nuflare OLD/nuflare --trials 5000000 --ranks 2
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("NUFLARE_SHARED_DIR", os.path.join(here, "..", "..", "..", "shared"))
data = os.path.join(shared, "data")
p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
p.add_argument("binaries", nargs="+")
p.add_argument("--trials", type=int, default=5_000_000)
p.add_argument("--ranks", type=int, default=2)
p.add_argument("--dir", default=None, help="where the archives go (default: a temporary folder)")
args = p.parse_args()
events = os.path.join(data, "icecube_10year_ps", "events", "IC40_exp.csv")
sources = os.path.join(data, "paper_groups", "txs_like_and_cfs_4fgl.csv")
if not os.path.exists(events) or not os.path.exists(sources):
    print(f"skipped: IC40 events or paper groups not found under {data}")
    sys.exit(77)

line = re.compile(r"\[(\S+)\] (\d+)/(\d+) .*?(\d+)/s")
work = args.dir or tempfile.mkdtemp(prefix="nuflare_archive_size_")
for k, binary in enumerate(args.binaries):
    out = os.path.join(work, f"run{k}.h5")
    for stale in (out, out + ".partial"):
        if os.path.exists(stale):
            os.remove(stale)
    cmd = ["mpiexec", "-np", str(args.ranks), "--oversubscribe", binary, "spatial",
           "--events", events, "--sources", sources, "--seed", "20240611",
           "--log10e-min", "4.8", "--log10e-max", "6.0", "--log10e-step", "0.1",
           "--max-angerr", "5", "--trials", str(args.trials), "--output", out,
           "--progress-seconds", "0.5"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = {}  # group -> list of (time, done, total, rate)
    for text in proc.stderr:
        m = line.search(text)
        if m:
            seen.setdefault(m[1], []).append((time.monotonic() - start, int(m[2]), int(m[3]),
                                              int(m[4])))
    if proc.wait() != 0:
        sys.exit(f"{binary}: exit {proc.returncode}")
    wall = time.monotonic() - start
    print(f"{binary}: {os.path.getsize(out)} bytes, wall {wall:.1f} s")
    for group, points in seen.items():
        if len(points) < 2 or points[-1][1] != points[-1][2]:
            continue
        (t0, d0, n, rate), (t1, *_rest) = points[-2], points[-1]
        write = t1 - t0 - (n - d0) / max(rate, 1)
        print(f"  {group}: final write of {n} rows about {max(write, 0):.1f} s")
