#!/usr/bin/env bash
# Spatial benchmark (issue 4): numpy reference vs nuflare per trial (identical
# N_obs required), and the full-size campaign (10^5 trials, 409 sources,
# 250 000 simulated events) at 1 and 2 ranks with time, trials/s and peak
# memory per rank (/usr/bin/time -v). Prints medians and ratios.
# With LONG_TRIALS (e.g. 1000000) given, also the wall-clock efficiency of a
# run that long, where the fixed start-up weighs less.
# usage: bench/spatial/run_bench.sh [NUFLARE_BIN] [TRIALS=100000] [LONG_TRIALS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${NUFLARE_BIN:-$here/../../build/src/app/nuflare}}
trials=${2:-100000}
long_trials=${3:-}
shared=${NUFLARE_SHARED_DIR:-$here/../../../shared}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PMIX_MCA_psec=${PMIX_MCA_psec:-native} # no 2.3 s munge retry per mpiexec
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader} # one node: no UCX
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/make_sky.py" "$work" "$shared/data/icecube_10year_ps/events/IC40_exp.csv" 250000 409 5
ev="$work/SIM_exp.csv"

echo "== numpy reference vs nuflare, N_obs on 5 scrambled skies"
/usr/bin/python3 "$here/numpy_reference.py" "$ev" "$work"/scrambled_*.csv >"$work/numpy.csv"
for f in "$work"/scrambled_*.csv; do
  "$bin" spatial --events "$ev" --sources "$f" --trials 1 --seed 1 --output "$work/one.h5" --quiet |
    awk -F, 'NR>1{printf "%s%s", (NR>2?",":""), $3} END{print ""}' >>"$work/nuflare_nobs.csv"
  rm -f "$work/one.h5"
done
cut -d, -f3- "$work/numpy.csv" >"$work/numpy_nobs.csv"
if cmp -s "$work/numpy_nobs.csv" "$work/nuflare_nobs.csv"; then echo "N_obs identical on all 5 skies"; else
  echo "N_obs DIFFER"; paste -d' ' "$work/numpy_nobs.csv" "$work/nuflare_nobs.csv"; exit 1; fi
numpy_median=$(cut -d, -f2 "$work/numpy.csv" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')

run_timed() { # run_timed NP TRIALS TAG -> prints wall seconds; memory in $work/TAG.time
  local np=$1 n=$2 tag=$3 start end
  start=$(date +%s.%N)
  mpiexec -np "$np" --oversubscribe bash -c '/usr/bin/time -v -o "$0.$OMPI_COMM_WORLD_RANK.time" "${@}"' "$work/$tag" \
    "$bin" spatial --events "$ev" --sources "$work/sources.csv" --trials "$n" --seed 7 \
    --output "$work/$tag.h5" >"$work/$tag.out" 2>"$work/$tag.err" || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
echo "== nuflare per trial on 1 rank"
# In-process (bench_spatial: scramble + count, median of 7 blocks of 2000
# trials), and through the whole command ((T(20000 trials) - T(1)) / 19999,
# each pair timed back to back, median of 3: adds the runner and the archive
# rows; enough trials that start-up noise does not swamp the difference).
bench_bin=${NUFLARE_BENCH_SPATIAL:-$(dirname "$bin")/../../bench/spatial/bench_spatial}
kernel_median=$("$bench_bin" "$ev" "$work/sources.csv" 2000 | awk '$1=="seconds_per_trial"{printf "%.9f", $2}')
per=()
for r in 1 2 3; do
  t1=$(run_timed 1 1 load$r)
  t=$(run_timed 1 20000 per$r)
  per+=("$(echo "($t - $t1) / 19999" | bc -l)")
done
nuflare_median=$(printf '%s\n' "${per[@]}" | sort -g | sed -n 2p)
printf 'numpy per trial            (median of 5): %.6f s\n' "$numpy_median"
printf 'nuflare kernel per trial   (median of 7): %.6f s  ratio %.0fx (target >= 100x)\n' \
  "$kernel_median" "$(echo "$numpy_median / $kernel_median" | bc -l)"
printf 'nuflare command per trial  (median of 3): %.6f s  ratio %.0fx\n' \
  "$nuflare_median" "$(echo "$numpy_median / $nuflare_median" | bc -l)"

echo "== full size: $trials trials, 409 sources, 250000 events"
for np in 2 1; do
  t=$(run_timed $np "$trials" full$np)
  eval "wall$np=$t"
  mem=$(grep -h "Maximum resident" "$work"/full$np.*.time 2>/dev/null | awk '{print $NF}' | sort -n | tail -1)
  printf '%d rank(s): wall %.1f s, %.0f trials/s, peak RSS per rank %.1f MB\n' "$np" "$t" \
    "$(echo "$trials / $t" | bc -l)" "$(echo "$mem / 1024" | bc -l)"
done
cmp -s "$work/full1.out" "$work/full2.out" && echo "stdout identical at 1 and 2 ranks"
printf '2-rank parallel efficiency, wall clock: %.2f\n' "$(echo "$wall1 / (2 * $wall2)" | bc -l)"
# The runner's final progress line gives the trial phase's rate (trials/s):
# start-up (MPI, reading, index and tables) is left out.
rate() { grep -o '[0-9]*/s' "$work/full$1${2:-}.err" | tail -1 | tr -d '/s'; }
r1=$(rate 1) r2=$(rate 2)
printf 'trial phase: %s trials/s on 1 rank, %s on 2; efficiency %.2f\n' "$r1" "$r2" \
  "$(echo "$r2 / (2 * $r1)" | bc -l)"
# What the machine itself gives two processes: two independent 1-rank runs
# at once (not bound to one core), no communication between them.
for k in a b; do
  mpiexec --bind-to none -np 1 "$bin" spatial --events "$ev" --sources "$work/sources.csv" \
    --trials "$trials" --seed 7 --output "$work/solo$k.h5" >/dev/null 2>"$work/fullsolo$k.err" &
done
wait
ra=$(rate solo a) rb=$(rate solo b)
printf 'machine: two independent 1-rank runs at once: %s + %s trials/s, efficiency %.2f\n' \
  "$ra" "$rb" "$(echo "($ra + $rb) / (2 * $r1)" | bc -l)"
# Fixed start-up and wind-down (mpiexec, MPI_Init, reading, index, tables,
# archive, MPI_Finalize): a 1-trial run, paid whatever the trial count.
s1=$(run_timed 1 1 start1) s2=$(run_timed 2 1 start2)
printf 'fixed cost (1-trial run): %.2f s on 1 rank, %.2f s on 2\n' "$s1" "$s2"
# Amdahl: with these fixed costs, perfectly parallel trials would give
# wall1 / (2 s2 + wall1 - s1) on wall clock.
printf 'wall-clock ceiling at %s trials with perfectly parallel trials: %.2f\n' "$trials" \
  "$(echo "$wall1 / (2 * $s2 + $wall1 - $s1)" | bc -l)"

if [ -n "$long_trials" ]; then
  echo "== wall-clock efficiency at $long_trials trials"
  l2=$(run_timed 2 "$long_trials" long2) l1=$(run_timed 1 "$long_trials" long1)
  cmp -s "$work/long1.out" "$work/long2.out" && echo "stdout identical at 1 and 2 ranks"
  printf '1 rank %.1f s, 2 ranks %.1f s: efficiency %.2f\n' "$l1" "$l2" \
    "$(echo "$l1 / (2 * $l2)" | bc -l)"
fi
