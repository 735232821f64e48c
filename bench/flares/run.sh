#!/bin/bash
# Benchmark of `nuflare flares` (issue 3, second speed bullet): 3000 synthetic
# sources x 2 bands (~150 gamma-ray and ~25 infrared points each), wall time
# on 1 rank (target < 10 s) and the 2-rank speed-up; median of REPEATS runs.
# Also prints the per-phase medians from --timing (read, analyse+gather,
# archive) because only the analysis phase is split over ranks.
#
# usage: bench/flares/run.sh [SOURCES] [REPEATS]
# env:   NUFLARE_BIN (default: build/src/app/nuflare, then build-fl), MPIEXEC
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sources=${1:-3000}
repeats=${2:-3}
bin=${NUFLARE_BIN:-}
if [ -z "$bin" ]; then
  for b in "$root/build/src/app/nuflare" "$root/build-fl/src/app/nuflare"; do
    if [ -x "$b" ]; then bin=$b; break; fi
  done
fi
[ -x "${bin:-}" ] || { echo "nuflare not found: set NUFLARE_BIN" >&2; exit 1; }
MPIEXEC=${MPIEXEC:-mpiexec}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PMIX_MCA_psec=${PMIX_MCA_psec:-native} # no 2.3 s munge retry per mpiexec
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader} # one node: no UCX
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$here/make_lightcurves.py" --sources "$sources" --seed 1 "$tmp/lc.csv"
echo "input: $sources sources, $(($(wc -l <"$tmp/lc.csv") - 1)) points; nuflare: $bin"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

for np in 1 2; do
  for r in $(seq "$repeats"); do
    rm -f "$tmp/run.h5"
    start=$(date +%s%N)
    "$MPIEXEC" -np "$np" --oversubscribe "$bin" flares --lightcurves "$tmp/lc.csv" \
      --output "$tmp/run.h5" --timing >"$tmp/out$np.csv" 2>"$tmp/timing.txt"
    stop=$(date +%s%N)
    echo "$np total $(((stop - start) / 1000000))e-3" >>"$tmp/times.txt"
    sed -n "s/^timing: \(.*\) \([0-9.e-]*\) s$/$np \1 \2/p" "$tmp/timing.txt" >>"$tmp/times.txt"
  done
done
cmp -s "$tmp/out1.csv" "$tmp/out2.csv" || { echo "FAIL: 1- and 2-rank outputs differ"; exit 1; }

/usr/bin/python3 - "$tmp/times.txt" <<'PY'
import collections, statistics, sys
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    np_, *phase, sec = line.split()
    t[(int(np_), " ".join(phase))].append(float(sec))
med = {k: statistics.median(v) for k, v in t.items()}
print(f"{'phase':<16}{'1 rank [s]':>12}{'2 ranks [s]':>13}{'speed-up':>10}")
for phase in ("read", "analyse+gather", "archive", "total"):
    a, b = med[(1, phase)], med[(2, phase)]
    print(f"{phase:<16}{a:>12.3f}{b:>13.3f}{a / b:>10.2f}")
total = med[(1, "total")]
print(f"1-rank wall time {total:.2f} s (target < 10 s: {'met' if total < 10 else 'NOT met'}); "
      f"2-rank speed-up {total / med[(2, 'total')]:.2f}x "
      f"(median of {len(t[(1, 'total')])}; wall time includes mpiexec start-up)")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
