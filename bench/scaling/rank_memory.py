#!/usr/bin/python3
"""What each rank holds at the node's memory peak (issue 17; docs/scaling.md,
"Build once per node").

Runs COMMAND (an mpiexec line, or one nuflare process), samples every
INTERVAL seconds the proportional set size (PSS) of its own processes named
NAME, and at the moment their sum peaks keeps every rank's /proc/PID/smaps.
Prints the node's peak, each rank's PSS at that moment, and for rank 0 and
for the median rank ≠ 0 the PSS by kind of mapping:

  heap, anonymous   malloc'd memory (the heap; mmap'd blocks, thread stacks
                    and the libraries' own anonymous maps under "anonymous")
  libraries, linked the shared libraries the executable needs (ldd), mostly
                    their relocated (private dirty) pages
  libraries, loaded the ones loaded at run time: Open MPI's components and
                    what they pull in (hwloc's plugins, ...)
  executable        nuflare itself
  node-shared data  MPI-3 shared windows (/dev/shm/osc_sm*): the index and
                    the interval tables, split over the ranks that touch them
  MPI segments      Open MPI's and PMIx's other shared-memory files

The node's peak is given twice: the largest sum of the ranks' PSS (what
bench/scaling/run.sh reports), and the largest sum with shared memory
(/dev/shm: the windows, Open MPI's segments) counted once from the files'
resident pages (fincore), which the first over-counts while ranks map the
same pages for the first time.

Only the command's own processes are counted (its descendants, or processes
whose environment carries the token this script sets), not every process of
that name on the machine: on a shared machine other users' runs would
otherwise add to the node's sum.

usage: bench/scaling/rank_memory.py [--name nuflare] [--interval 0.05]
                                    [--keep DIR] -- COMMAND...
"""
import argparse
import collections
import os
import statistics
import subprocess
import sys
import time
import uuid

RANK_VARIABLES = (b"OMPI_COMM_WORLD_RANK=", b"PMIX_RANK=", b"PMI_RANK=", b"SLURM_PROCID=")


def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def parent_of(pid):
    stat = read(f"/proc/{pid}/stat")
    # The command name may contain spaces: the fields start after its last ')'.
    return int(stat[stat.rindex(")") + 2 :].split()[1]) if stat else 0


def own_processes(root, name, token):
    """PID → rank of the processes named `name` that belong to this run."""
    parents, found = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parents[int(entry)] = parent_of(entry)
    for pid in parents:
        if (read(f"/proc/{pid}/comm") or "").strip() != name:
            continue
        environ = (read(f"/proc/{pid}/environ", "rb") or b"").split(b"\0")
        ancestor, mine = pid, token in environ
        while not mine and ancestor > 1:
            ancestor = parents.get(ancestor, 0)
            mine = ancestor == root
        if mine:
            found[pid] = next(
                (int(e.split(b"=", 1)[1]) for e in environ for v in RANK_VARIABLES if e.startswith(v)), 0
            )
    return found


def pss_kb(pid):
    """(PSS, its shared-memory part Pss_Shmem) of a process [kB]."""
    pss = shmem = 0
    for line in (read(f"/proc/{pid}/smaps_rollup") or "").splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1])
        elif line.startswith("Pss_Shmem:"):
            shmem = int(line.split()[1])
    return pss, shmem


def shared_files(pids):
    """A path that opens each shared-memory file the processes map, one per file."""
    files = {}
    for pid in pids:
        for line in (read(f"/proc/{pid}/maps") or "").splitlines():
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].startswith("/dev/shm/"):
                # map_files opens the file even after it was unlinked.
                files.setdefault(fields[4], f"/proc/{pid}/map_files/{fields[0]}")
    return list(files.values())


def resident_kb(paths):
    """The pages of these files in memory, each counted once [kB] (fincore)."""
    if not paths:
        return 0
    out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", *paths],
                         capture_output=True, text=True).stdout
    return sum(int(x) for x in out.split() if x.isdigit()) // 1024


def linked_libraries(executable):
    """The files (real paths) of the libraries the dynamic loader maps at start-up."""
    out = subprocess.run(["ldd", executable], capture_output=True, text=True).stdout
    files = set()
    for line in out.splitlines():
        fields = line.split()
        path = fields[2] if len(fields) > 2 and fields[1] == "=>" else (fields[0] if fields else "")
        if path.startswith("/"):
            files.add(os.path.realpath(path))
    return files


def kind(mapping, executable, linked):
    if mapping == "[heap]":
        return "heap"
    if mapping in ("", "[anon]") or mapping.startswith("[stack") or mapping.startswith("[anon:"):
        return "anonymous"
    if mapping.startswith("/dev/shm/osc_sm"):
        return "node-shared data"
    if mapping == executable:
        return "executable"
    if ".so" in mapping:
        return "libraries, linked" if os.path.realpath(mapping) in linked else "libraries, loaded"
    if mapping.startswith("/dev/shm") or "/ompi." in mapping or "pmix" in mapping:
        return "MPI segments"
    return "other"


def breakdown(smaps, executable, linked):
    """kind → PSS [kB], and the ten mappings of largest PSS."""
    kinds, mappings, current = collections.Counter(), collections.Counter(), ""
    for line in smaps.splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            current = fields[5] if len(fields) >= 6 else ""
        elif fields and fields[0] == "Pss:":
            kinds[kind(current, executable, linked)] += int(fields[1])
            mappings[os.path.basename(current) or "[anon]"] += int(fields[1])
    return kinds, mappings.most_common(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="nuflare", help="process name to count (default nuflare)")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between samples")
    parser.add_argument("--keep", help="folder for the smaps of every rank at the peak")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    marker = f"NUFLARE_RANK_MEMORY={uuid.uuid4().hex}"
    env = dict(os.environ)
    env[marker.split("=")[0]] = marker.split("=")[1]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peak, peak_once, at_peak = 0, 0, {}
    while child.poll() is None:
        ranks = own_processes(child.pid, args.name, marker.encode())
        both = {pid: pss_kb(pid) for pid in ranks}
        sizes = {pid: pss for pid, (pss, _) in both.items()}
        # The ranks are read one after the other: while they map the same
        # shared pages for the first time, a page read at a share of 1/2 in
        # one rank may already count 1/3 in the next, and the sum over-counts
        # it. Shared memory counted once, from the files' resident pages:
        once = sum(pss - shmem for pss, shmem in both.values()) + resident_kb(shared_files(ranks))
        peak_once = max(peak_once, once)
        if sum(sizes.values()) > peak:
            peak = sum(sizes.values())
            # Largest first: a rank's transient memory may be gone a few
            # milliseconds later, when the smaps of the others have been read.
            at_peak = {}
            for pid in sorted(ranks, key=sizes.get, reverse=True):
                at_peak[pid] = (ranks[pid], sizes[pid], read(f"/proc/{pid}/smaps") or "",
                                os.path.realpath(f"/proc/{pid}/exe"))
        time.sleep(args.interval)
    if not at_peak:
        sys.exit(f"rank_memory.py: no process named {args.name} seen (status {child.returncode})")
    by_rank = sorted(at_peak.values())
    print(f"command status {child.returncode}; node peak PSS {peak / 1024:.1f} MB over {len(by_rank)} ranks; "
          f"with shared memory counted once {peak_once / 1024:.1f} MB")
    print("PSS per rank at the peak [MB]: " + " ".join(f"{r}:{kb / 1024:.1f}" for r, kb, _, _ in by_rank))
    executable = by_rank[0][3]
    linked = linked_libraries(executable)
    shown = [by_rank[0]]
    largest = max(by_rank[1:], key=lambda x: x[1], default=None)
    if largest is not None and largest[1] > 1.5 * by_rank[0][1]:
        shown.append(largest)  # a rank holding far more than rank 0: show what
    if len(by_rank) > 1:
        others = by_rank[1:]
        median = statistics.median_low([kb for _, kb, _, _ in others])
        shown.append(next(x for x in others if x[1] == median))
    for rank, kb, smaps, _ in shown:
        kinds, top = breakdown(smaps, executable, linked)
        print(f"rank {rank}: {kb / 1024:.2f} MB")
        for k, v in kinds.most_common():
            print(f"  {v / 1024:7.2f} MB  {k}")
        print("  largest mappings: " + ", ".join(f"{m} {v / 1024:.2f}" for m, v in top))
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        for rank, _, smaps, _ in by_rank:
            with open(os.path.join(args.keep, f"smaps.rank{rank}"), "w") as f:
                f.write(smaps)
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
