#!/usr/bin/env bash
# Scaling benchmark (issue 17; docs/scaling.md): the paper-scale spatial
# campaign on a simulated 10-season sky (1.13 M tracks; 32 TXS-like, 62 CFS
# and 409 NFS sources), then the ΔT × factor scan, at every rank count given.
# Prints per rank count: wall time, speed-up and parallel efficiency against
# the first rank count, the trial rate of each group (from the runner's last
# progress line), the fixed cost (a 1-trial run), the launch cost of a tiny
# 1-trial run, the peak memory of a rank (VmHWM) and of the node (the largest
# sum of the ranks' proportional set sizes, sampled every 0.2 s). Checks that
# every rank count prints the same results.
#
# usage: bench/scaling/run.sh RANKS...          e.g. bench/scaling/run.sh 1 2 4 8 16
# environment:
#   NUFLARE_BIN     the executable (default build/src/app/nuflare)
#   MPIEXEC         launcher (default mpiexec); MPIEXEC_FLAGS its flags
#                   (default --oversubscribe for Open MPI's mpiexec; "" for srun)
#   SCALE           events per season × SCALE (default 1: 113 445; 0.1 on a laptop)
#   TRIALS          spatial trials per group (default 200000)
#   SCAN_TRIALS     scan scrambles (default 100000)
#   REPEATS         1-trial runs per rank count, median taken (default 3)
#   SKY             folder for the simulated sky, kept and reused (default: a
#                   temporary folder, removed at the end)
#   SKIP_SCAN=1     spatial campaign only
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${NUFLARE_BIN:-$root/build/src/app/nuflare}
mpiexec=${MPIEXEC:-mpiexec}
mpiflags=${MPIEXEC_FLAGS---oversubscribe}
scale=${SCALE:-1}
trials=${TRIALS:-200000}
scan_trials=${SCAN_TRIALS:-100000}
repeats=${REPEATS:-3}
py=/usr/bin/python3
(($# > 0)) || { echo "usage: $0 RANKS... (e.g. 1 2 4 8 16)" >&2; exit 2; }
ranks=("$@")
[[ -x $bin ]] || { echo "no executable at $bin (set NUFLARE_BIN)" >&2; exit 2; }
# Open MPI on one node: no UCX start-up, no munge retry (tests/CMakeLists.txt).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PMIX_MCA_psec=${PMIX_MCA_psec:-native}
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sky=${SKY:-$work/sky}
per_season=$($py -c "print(max(1000, round(113445 * $scale)))")

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ ! -f $sky/.bench-$per_season ]]; then
  echo "== simulating the sky: 10 seasons x $per_season events, 2700 sources, 100 alerts"
  "$bin" simulate --overwrite --seed 7 --compress none --events.seasons 10 --events.per-season "$per_season" \
    --catalog.count 2700 --catalog.fraction-txs 0.01185 --catalog.fraction-cfs 0.02296 \
    --catalog.fraction-nfs 0.15148 --alerts.count 100 --output "$sky" >/dev/null
  touch "$sky/.bench-$per_season"
fi
# The paper's three groups (the simulator's "quiet" sources are left out).
awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "group") g = i } NR == 1 || $g != "quiet"' \
  "$sky/catalog.csv" >"$work/groups.csv"
events=("$sky"/events/*_exp.csv)
echo "== $(cat "${events[@]}" | wc -c | awk '{printf "%.0f MB", $1 / 1e6}') of event files, \
$(($(wc -l <"$work/groups.csv") - 1)) sources in $(cut -d, -f7 "$work/groups.csv" | sort -u | grep -vc group) groups"

# A tiny sky for the launch cost: the demo's.
tiny=("$root/inputs/demo/data/events/SIM01_exp.csv.xz")

# Peak memory of the node: the largest sum over the nuflare processes of
# their proportional set size (shared pages split between the ranks that map
# them), sampled every 0.2 s until stopped.
sampler() {
  exec "$py" - "$1" <<'PY'
import glob, signal, sys, time
out, peak = sys.argv[1], 0
def stop(*_):
    open(out, "w").write(str(peak))
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    total = 0
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            if open(comm).read().strip() != "nuflare":
                continue
            for line in open(comm[:-4] + "smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    peak = max(peak, total)
    time.sleep(0.2)
PY
}

# run TAG NP ARGS...: one job, each rank under /usr/bin/time -v; prints the wall time.
run() {
  local tag=$1 np=$2 start end
  shift 2
  rm -f "$work/$tag".*
  start=$(date +%s.%N)
  # shellcheck disable=SC2086 # the flags are words
  "$mpiexec" -np "$np" $mpiflags bash -c \
    'r=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-${SLURM_PROCID:-0}}}; exec /usr/bin/time -v -o "$0.$r.time" "$@"' \
    "$work/$tag" "$bin" "$@" --output "$work/$tag.h5" >"$work/$tag.out" 2>"$work/$tag.err"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
peak_rank_mb() { # the largest VmHWM among the ranks of run TAG [MB]
  grep -h "Maximum resident" "$work/$1".*.time | awk '{ if ($NF > m) m = $NF } END { printf "%.0f", m / 1024 }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { # the final trials/s of group G in run TAG
  grep "\[spatial/$2\]" "$work/$1.err" | tail -1 | grep -o '[0-9]*/s' | tr -d '/s'
}

spatial=(spatial --events "${events[@]}" --sources "$work/groups.csv" --seed 7 --progress-seconds 100000)
declare -A wall fixed tiny_cost mem_rank mem_node txs cfs nfs
for np in "${ranks[@]}"; do
  echo "== $np rank(s): spatial, $trials trials per group"
  sampler "$work/node.$np" &
  pid=$!
  wall[$np]=$(run "full$np" "$np" "${spatial[@]}" --trials "$trials")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  mem_node[$np]=$(awk '{ printf "%.0f", $1 / 1e6 }' "$work/node.$np")
  mem_rank[$np]=$(peak_rank_mb "full$np")
  txs[$np]=$(rate "full$np" TXS-like) cfs[$np]=$(rate "full$np" CFS) nfs[$np]=$(rate "full$np" NFS)
  grep -q . "$work/full$np.out" || { echo "the $np-rank run failed:"; cat "$work/full$np.err"; exit 1; }
  times=()
  for ((k = 0; k < repeats; ++k)); do
    times+=("$(run "one$np" "$np" "${spatial[@]}" --trials 1)")
    times+=("tiny $(run "tiny$np" "$np" spatial --events "${tiny[@]}" \
      --sources "$root/inputs/demo/data/catalog.csv" --trials 1 --quiet)")
  done
  fixed[$np]=$(printf '%s\n' "${times[@]}" | grep -v tiny | median)
  tiny_cost[$np]=$(printf '%s\n' "${times[@]}" | grep tiny | cut -d' ' -f2 | median)
done

base=${ranks[0]}
echo
echo "spatial campaign, $trials trials per group ($(wc -l <"$work/groups.csv") - 1 sources), $(nproc) cores"
echo
echo "| ranks | wall [s] | speed-up | efficiency | TXS-like / CFS / NFS trials/s | 1-trial run [s] | tiny 1-trial run [s] | peak MB per rank | peak MB per node |"
echo "|---|---|---|---|---|---|---|---|---|"
for np in "${ranks[@]}"; do
  $py - "$np" "$base" "${wall[$np]}" "${wall[$base]}" "${txs[$np]}" "${cfs[$np]}" "${nfs[$np]}" \
    "${fixed[$np]}" "${tiny_cost[$np]}" "${mem_rank[$np]}" "${mem_node[$np]}" <<'PY'
import sys
np_, base, wall, wall0, txs, cfs, nfs, fixed, tiny, mem_rank, mem_node = sys.argv[1:]
speed = float(wall0) / float(wall) * (int(base) if int(base) > 1 else 1)
eff = speed / int(np_)
print(f"| {np_} | {float(wall):.1f} | {speed:.1f} | {eff:.2f} | {txs} / {cfs} / {nfs} | "
      f"{float(fixed):.2f} | {float(tiny):.2f} | {mem_rank} | {mem_node} |")
PY
done
same=yes
for np in "${ranks[@]}"; do cmp -s "$work/full$base.out" "$work/full$np.out" || same=no; done
echo
echo "stdout identical at every rank count: $same"
echo "fixed-cost growth from $base to ${ranks[-1]} ranks: $(echo "${fixed[${ranks[-1]}]} - ${fixed[$base]}" | bc -l | xargs printf '%.2f') s" \
  "(tiny input: $(echo "${tiny_cost[${ranks[-1]}]} - ${tiny_cost[$base]}" | bc -l | xargs printf '%.2f') s)"
echo "peak memory per node, ${ranks[-1]} against $base rank(s): $(echo "${mem_node[${ranks[-1]}]} / ${mem_node[$base]}" | bc -l | xargs printf '%.2f')x"
[[ $same == yes ]] || exit 1

if [[ ${SKIP_SCAN:-0} != 1 ]]; then
  scan=(scan --alerts "$sky/alerts.csv" --sources "$sky/catalog.csv" --lightcurves "$sky/lightcurves.csv"
    --band wise_w2 --delta-t-grid 180,365,730 --factor-grid 1.1,1.3,1.5 --seed 7 --progress-seconds 100000)
  declare -A scan_wall scan_rate
  for np in "${ranks[@]}"; do
    echo "== $np rank(s): scan, $scan_trials scrambles"
    scan_wall[$np]=$(run "scan$np" "$np" "${scan[@]}" --trials "$scan_trials")
    scan_rate[$np]=$(grep '\[scan\]' "$work/scan$np.err" | tail -1 | grep -o '[0-9]*/s' | tr -d '/s')
  done
  echo
  echo "scan: 3 ΔT x 3 factors, $scan_trials alert-RA scrambles, 2700 sources, 100 alerts"
  echo
  echo "| ranks | wall [s] | speed-up | efficiency | trials/s (trial phase) | efficiency of the trial phase |"
  echo "|---|---|---|---|---|---|"
  for np in "${ranks[@]}"; do
    $py - "$np" "$base" "${scan_wall[$np]}" "${scan_wall[$base]}" "${scan_rate[$np]}" "${scan_rate[$base]}" <<'PY'
import sys
np_, base, wall, wall0, rate, rate0 = sys.argv[1:]
k = int(base) if int(base) > 1 else 1
speed = float(wall0) / float(wall) * k
print(f"| {np_} | {float(wall):.1f} | {speed:.1f} | {speed / int(np_):.2f} | {rate} | "
      f"{float(rate) / float(rate0) * k / int(np_):.2f} |")
PY
  done
  same=yes
  for np in "${ranks[@]}"; do cmp -s "$work/scan$base.out" "$work/scan$np.out" || same=no; done
  echo
  echo "scan stdout identical at every rank count: $same"
  [[ $same == yes ]] || exit 1
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
