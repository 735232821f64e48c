#!/usr/bin/env bash
# Scaling benchmark (issue 17; docs/scaling.md): the paper-scale spatial
# campaign on a simulated 10-season sky (1.13 M tracks; 32 TXS-like, 62 CFS
# and 409 NFS sources), then the ΔT × factor scan, at every rank count given.
# Prints per rank count: wall time, speed-up and parallel efficiency against
# the first rank count, the trial rate of each group (from the runner's last
# progress line), the peak memory of a rank (VmHWM) and of the node (the
# largest sum of the ranks' proportional set sizes, sampled every 0.05 s: a
# lower bound, loose for runs of a second or less), all medians of REPEATS
# runs, and the efficiency of the trial phase alone (the three groups' trials
# at their measured rates); then the fixed cost (a 1-trial run) and the
# launch cost (a 1-trial run on the demo's tiny sky) with the node's memory
# in both and the CPU time summed over the ranks (which the load of other
# work disturbs far less than the wall time),
# also for the rank counts of ONE_TRIAL_RANKS (e.g. 16 oversubscribed on a
# small machine, where a full run would measure only the oversubscription).
# Then the node's own efficiency h: as many independent one-process runs at
# once as the largest rank count, against one alone (SKIP_NODE_H=1 skips it).
# Checks that every rank count prints the same results.
# Last, `nuflare flares` on the sky's 2700 sources (32 MB of long CSV, read in
# parts by all ranks, docs/scaling.md "Read once per job"): wall time,
# speed-up and the CPU time summed over the ranks, medians of REPEATS runs,
# with the same check of stdout.
#
# usage: bench/scaling/run.sh RANKS...          e.g. bench/scaling/run.sh 1 2 4 8 16
#        ONE_TRIAL_RANKS="1 16" bench/scaling/run.sh   (the fixed cost alone)
# environment:
#   NUFLARE_BIN     the executable, named nuflare (default build/src/app/nuflare)
#   MPIEXEC         launcher (default mpiexec); MPIEXEC_FLAGS its flags
#                   (default --oversubscribe for Open MPI's mpiexec; "" for srun)
#   SCALE           events per season × SCALE (default 1: 113 445; 0.1 on a laptop)
#   TRIALS          spatial trials per group (default 200000)
#   SCAN_TRIALS     scan scrambles (default 100000; one run per rank count)
#   REPEATS         runs per rank count, medians taken (default 3)
#   ONE_TRIAL_RANKS further rank counts measured on the 1-trial runs only
#   SKY             folder for the simulated sky, kept and reused (default: a
#                   temporary folder, removed at the end)
#   SKIP_SCAN=1     skip the scan
#   SKIP_FLARES=1   skip nuflare flares
#   SKIP_NODE_H=1   skip the node's own efficiency h (NP independent 1-process
#                   runs at once against one alone, NP the largest rank count;
#                   H_TRIALS trials per group each, default TRIALS / 4)
#   NUFLARE_CACHE_DIR  the event cache (docs/input-formats.md, "Event cache"):
#                   default a temporary folder, filled by an unmeasured run
#                   first, so every measured run is a repeated run; "off"
#                   measures runs that parse the event CSVs
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
(($# > 0)) || [[ -n ${ONE_TRIAL_RANKS:-} ]] ||
  { echo "usage: $0 RANKS... (e.g. 1 2 4 8 16), or ONE_TRIAL_RANKS=\"1 16\" $0" >&2; exit 2; }
ranks=("$@")
[[ -x $bin ]] || { echo "no executable at $bin (set NUFLARE_BIN)" >&2; exit 2; }
# The node's memory is sampled from the processes named nuflare.
[[ $(basename "$bin") == nuflare ]] ||
  { echo "NUFLARE_BIN must end in /nuflare (the node's memory is read from processes of that name)" >&2; exit 2; }
# Open MPI on one node: no UCX start-up, no munge retry (tests/CMakeLists.txt).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PMIX_MCA_psec=${PMIX_MCA_psec:-native}
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUFLARE_CACHE_DIR=${NUFLARE_CACHE_DIR:-$work/cache}
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

# Peak memory of the node: the largest sum over this benchmark's nuflare
# processes of their proportional set size (shared pages split between the
# ranks that map them), sampled every 0.05 s until stopped. Only processes
# whose environment carries this run's token count, not other users' runs of
# nuflare on a shared machine. Ranks are read one after the other, so a page
# that more ranks map during one sweep is counted a little more than once: an
# upper bound, which bench/scaling/rank_memory.py tightens (shared memory
# counted once) and breaks down by rank and kind of mapping.
export NUFLARE_BENCH_TOKEN="scaling-$$-$RANDOM"
sampler() {
  exec "$py" - "$1" <<'PY'
import glob, os, signal, sys, time
out, peak = sys.argv[1], 0
token = ("NUFLARE_BENCH_TOKEN=" + os.environ["NUFLARE_BENCH_TOKEN"]).encode()
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
            if token not in open(comm[:-4] + "environ", "rb").read().split(b"\0"):
                continue
            for line in open(comm[:-4] + "smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    peak = max(peak, total)
    time.sleep(0.05)
PY
}

# run TAG NP ARGS...: one job, each rank under /usr/bin/time -v; prints the wall time.
run() {
  local tag=$1 np=$2 start end
  shift 2
  rm -f "$work/$tag".*
  start=$(date +%s.%N)
  # shellcheck disable=SC2086,SC2016 # the flags are words; the rank expands in the child
  "$mpiexec" -np "$np" $mpiflags bash -c \
    'r=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-${SLURM_PROCID:-0}}}; exec /usr/bin/time -v -o "$0.$r.time" "$@"' \
    "$work/$tag" "$bin" "$@" --output "$work/$tag.h5" >"$work/$tag.out" 2>"$work/$tag.err"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
peak_rank_mb() { # the largest VmHWM among the ranks of run TAG [MB]
  grep -h "Maximum resident" "$work/$1".*.time | awk '{ if ($NF > m) m = $NF } END { printf "%.0f", m / 1024 }'
}
cpu_s() { # the user + system time summed over the ranks of run TAG [s]
  grep -hE "(User|System) time" "$work/$1".*.time | awk '{ s += $NF } END { printf "%.2f", s }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { # the final trials/s of group G in run TAG
  grep "\[spatial/$2\]" "$work/$1.err" | tail -1 | grep -o '[0-9]*/s' | tr -d '/s'
}

spatial=(spatial --events "${events[@]}" --sources "$work/groups.csv" --seed 7 --progress-seconds 100000)
tiny_run=(spatial --events "${tiny[@]}" --sources "$root/inputs/demo/data/catalog.csv" --trials 1 --quiet)
declare -A wall fixed fixed_cpu tiny_cost tiny_cpu mem_rank mem_node one_node tiny_node txs cfs nfs
echo "== event cache: $NUFLARE_CACHE_DIR"
if [[ $NUFLARE_CACHE_DIR != off ]]; then # fill it: the measured runs are repeated runs
  "$bin" "${spatial[@]}" --trials 1 --output "$work/warm.h5" >/dev/null
  "$bin" "${tiny_run[@]}" --output "$work/warm_tiny.h5" >/dev/null
fi
# sampled TAG NP ARGS...: run() with the node's memory sampled into $work/TAG.node [MB]
sampled() {
  local pid t
  sampler "$work/$1.node" &
  pid=$!
  t=$(run "$@")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  awk '{ printf "%.0f", $1 / 1e6 }' "$work/$1.node" >"$work/$1.node.mb"
  echo "$t"
}
for np in "${ranks[@]}"; do
  echo "== $np rank(s): spatial, $trials trials per group, $repeats run(s)"
  w=() a=() b=() c=() m=() n=()
  for ((k = 0; k < repeats; ++k)); do
    w+=("$(sampled "full$np" "$np" "${spatial[@]}" --trials "$trials")")
    grep -q . "$work/full$np.out" || { echo "the $np-rank run failed:"; cat "$work/full$np.err"; exit 1; }
    cp "$work/full$np.out" "$work/result$np.out"
    a+=("$(rate "full$np" TXS-like)") b+=("$(rate "full$np" CFS)") c+=("$(rate "full$np" NFS)")
    m+=("$(peak_rank_mb "full$np")") n+=("$(cat "$work/full$np.node.mb")")
  done
  wall[$np]=$(printf '%s\n' "${w[@]}" | median)
  txs[$np]=$(printf '%s\n' "${a[@]}" | median) cfs[$np]=$(printf '%s\n' "${b[@]}" | median)
  nfs[$np]=$(printf '%s\n' "${c[@]}" | median)
  mem_rank[$np]=$(printf '%s\n' "${m[@]}" | median) mem_node[$np]=$(printf '%s\n' "${n[@]}" | median)
done
# The fixed cost: 1-trial runs on the same sky and on the demo's tiny one
# (what launching NP ranks costs by itself), with the node's memory.
read -ra extra <<<"${ONE_TRIAL_RANKS:-}"
for np in "${ranks[@]}" "${extra[@]}"; do
  echo "== $np rank(s): 1-trial runs, $repeats of each"
  t=() u=() m=() n=() c=() d=()
  for ((k = 0; k < repeats; ++k)); do
    t+=("$(sampled "one$np" "$np" "${spatial[@]}" --trials 1)")
    grep -q . "$work/one$np.out" || { echo "the $np-rank 1-trial run failed:"; cat "$work/one$np.err"; exit 1; }
    c+=("$(cpu_s "one$np")")
    u+=("$(sampled "tiny$np" "$np" "${tiny_run[@]}")")
    d+=("$(cpu_s "tiny$np")")
    m+=("$(cat "$work/one$np.node.mb")") n+=("$(cat "$work/tiny$np.node.mb")")
  done
  fixed[$np]=$(printf '%s\n' "${t[@]}" | median) tiny_cost[$np]=$(printf '%s\n' "${u[@]}" | median)
  fixed_cpu[$np]=$(printf '%s\n' "${c[@]}" | median) tiny_cpu[$np]=$(printf '%s\n' "${d[@]}" | median)
  one_node[$np]=$(printf '%s\n' "${m[@]}" | median) tiny_node[$np]=$(printf '%s\n' "${n[@]}" | median)
done

num() { printf '%.*f' "$1" "$2"; }
# same_everywhere TAG LABEL: the runs' stdout ($work/TAG<ranks>.out) is the
# same at every rank count, or the benchmark fails.
same_everywhere() {
  local np same=yes
  for np in "${ranks[@]}"; do cmp -s "$work/$1${ranks[0]}.out" "$work/$1$np.out" || same=no; done
  echo
  echo "${2}stdout identical at every rank count: $same"
  [[ $same == yes ]] || exit 1
}
if ((${#ranks[@]} > 0)); then
  base=${ranks[0]}
  echo
  echo "spatial campaign, $trials trials per group ($(($(wc -l <"$work/groups.csv") - 1)) sources," \
    "$per_season events per season), $(nproc) cores; medians of $repeats runs"
  echo
  echo "| ranks | wall [s] | speed-up | efficiency | TXS-like / CFS / NFS trials/s | efficiency of the trial phase | peak MB per rank | peak MB per node |"
  echo "|---|---|---|---|---|---|---|---|"
  # the trial phase of NP ranks per trial: the three groups' trials one after the other
  phase() { echo "1 / ${txs[$1]} + 1 / ${cfs[$1]} + 1 / ${nfs[$1]}" | bc -l; }
  for np in "${ranks[@]}"; do
    # speed-up against the first rank count, counted as that many ranks' worth
    speed=$(echo "${wall[$base]} / ${wall[$np]} * $base" | bc -l)
    trial_eff=$(echo "$(phase "$base") * $base / ($(phase "$np") * $np)" | bc -l)
    echo "| $np | $(num 1 "${wall[$np]}") | $(num 1 "$speed") | $(num 2 "$(echo "$speed / $np" | bc -l)") |" \
      "${txs[$np]} / ${cfs[$np]} / ${nfs[$np]} | $(num 2 "$trial_eff") | ${mem_rank[$np]} | ${mem_node[$np]} |"
  done
  same_everywhere result ""
fi
read -ra extra <<<"${ONE_TRIAL_RANKS:-}"
counts=("${ranks[@]}" "${extra[@]}")
first=${counts[0]} last=${counts[-1]}
echo
echo "fixed cost: 1-trial runs, medians of $repeats (tiny: the demo's sky, what launching the ranks costs)"
echo
echo "| ranks | 1-trial run [s] | CPU [s] | tiny 1-trial run [s] | CPU [s] | peak MB per node (1-trial) | peak MB per node (tiny) |"
echo "|---|---|---|---|---|---|---|"
for np in "${counts[@]}"; do
  echo "| $np | $(num 2 "${fixed[$np]}") | ${fixed_cpu[$np]} | $(num 2 "${tiny_cost[$np]}") | ${tiny_cpu[$np]} |" \
    "${one_node[$np]} | ${tiny_node[$np]} |"
done
echo
echo "fixed-cost growth from $first to $last ranks: $(num 2 "$(echo "${fixed[$last]} - ${fixed[$first]}" | bc -l)") s" \
  "(tiny input: $(num 2 "$(echo "${tiny_cost[$last]} - ${tiny_cost[$first]}" | bc -l)") s)"
echo "peak memory per node of the 1-trial run, $last against $first rank(s):" \
  "$(num 2 "$(echo "${one_node[$last]} / ${one_node[$first]}" | bc -l)")x" \
  "(beyond the tiny run's: $((one_node[$last] - tiny_node[$last])) MB against $((one_node[$first] - tiny_node[$first])) MB)"

# The node's own efficiency h (docs/scaling.md, "Cost model"): NP independent
# one-process runs at once (no launcher, no communication) against one alone,
# for the largest rank count NP; what memory bandwidth, shared caches and
# clocks leave of NP cores for the trials, whatever the code's communication.
if ((${#ranks[@]} > 0)) && [[ ${SKIP_NODE_H:-0} != 1 ]]; then
  h_np=${ranks[-1]}
  h_trials=${H_TRIALS:-$((trials / 4))}
  # independent TAG K: K one-process runs at once; prints each one's trial phase [s per trial]
  independent() {
    local k pids=()
    rm -f "$work/$1".*
    for ((k = 0; k < $2; ++k)); do
      "$bin" "${spatial[@]}" --trials "$h_trials" --output "$work/$1.$k.h5" \
        >/dev/null 2>"$work/$1.$k.err" &
      pids+=($!)
    done
    for ((k = 0; k < $2; ++k)); do
      wait "${pids[k]}" || { echo "an independent run failed:" >&2; cat "$work/$1.$k.err" >&2; exit 1; }
    done
    for ((k = 0; k < $2; ++k)); do
      echo "1 / $(rate "$1.$k" TXS-like) + 1 / $(rate "$1.$k" CFS) + 1 / $(rate "$1.$k" NFS)" | bc -l
    done
  }
  echo "== the node's own efficiency: $h_np independent 1-process runs at once, $h_trials trials per group"
  alone=$(for ((k = 0; k < repeats; ++k)); do independent alone 1; done | median)
  together=$(for ((k = 0; k < repeats; ++k)); do independent together "$h_np"; done | median)
  echo
  echo "node's own efficiency h at $h_np processes (trial phase of one alone against the median of" \
    "$h_np at once, medians of $repeats): $(num 2 "$(echo "$alone / $together" | bc -l)")"
fi

if [[ ${SKIP_SCAN:-0} != 1 ]] && ((${#ranks[@]} > 0)); then
  # shellcheck disable=SC2054 # the grids are comma-separated values
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
  same_everywhere scan "scan "
fi
if [[ ${SKIP_FLARES:-0} != 1 ]] && ((${#ranks[@]} > 0)); then
  flares=(flares --lightcurves "$sky/lightcurves.csv" --sources "$sky/catalog.csv")
  declare -A flares_wall flares_cpu
  for np in "${ranks[@]}"; do
    echo "== $np rank(s): flares, $repeats run(s)"
    w=() c=()
    for ((k = 0; k < repeats; ++k)); do
      w+=("$(run "flares$np" "$np" "${flares[@]}")")
      grep -q . "$work/flares$np.out" || { echo "the $np-rank flares run failed:"; cat "$work/flares$np.err"; exit 1; }
      c+=("$(cpu_s "flares$np")")
    done
    flares_wall[$np]=$(printf '%s\n' "${w[@]}" | median)
    flares_cpu[$np]=$(printf '%s\n' "${c[@]}" | median)
  done
  echo
  echo "flares: $(($(wc -l <"$sky/catalog.csv") - 1)) sources," \
    "$(wc -c <"$sky/lightcurves.csv" | awk '{printf "%.0f MB", $1 / 1e6}') of long CSV; medians of $repeats runs"
  echo
  echo "| ranks | wall [s] | speed-up | CPU [s], all ranks |"
  echo "|---|---|---|---|"
  for np in "${ranks[@]}"; do
    echo "| $np | $(num 2 "${flares_wall[$np]}") |" \
      "$(num 2 "$(echo "${flares_wall[$base]} / ${flares_wall[$np]}" | bc -l)") | ${flares_cpu[$np]} |"
  done
  same_everywhere flares "flares "
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
