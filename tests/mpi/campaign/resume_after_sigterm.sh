#!/usr/bin/env bash
# Checkpoint and resume (docs/cli.md, issue 7): a 2-rank `nuflare spatial` run is
# sent SIGTERM mid-way (as Slurm does at preemption or the time limit), exits
# with status 75 leaving RUN.h5.partial, is resumed with --resume, and ends with
# the same stdout and the same archive contents as an uninterrupted run. A
# mismatched or corrupted partial archive is refused.
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh" h5py numpy
trap 'pkill -TERM -f "$tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Enough sources that the 2-rank run lasts several seconds, so the SIGTERM
# below always lands mid-way.
$py "$src/tests/support/synthetic_sky.py" --seed 7 --events 20000 --step 0.01 --log10e 3 6.5 \
  --angerr 0.2 3 --sources 800 --groups g1 g2

args=(spatial --events "$tmp/events.txt" --sources "$tmp/sources.csv" --trials 60000 --quiet)
run() { "$mpiexec" -np 2 --oversubscribe "$bin" "$@"; }

# The reference runs in its own folder under the same output name, so even
# /config (which records --output) must match.
mkdir ref
(cd ref && run "${args[@]}" --seed 5 --output run.h5 >../ref.csv)

# Interrupted run: wait for the first checkpoint, then SIGTERM the ranks.
set +e
run "${args[@]}" --seed 5 --output run.h5 --checkpoint-seconds 0.2 >run1.csv 2>run1.err &
pid=$!
for _ in $(seq 1 600); do
  [[ -f run.h5.partial ]] && break
  sleep 0.05
done
sleep 0.5
pkill -TERM -f "^$bin spatial --events $tmp/events.txt" || true
wait $pid
status=$?
set -e
if [[ $status != 75 ]]; then
  echo "FAIL: interrupted run exited with $status, expected 75; stderr:"; cat run1.err
  exit 1
fi
grep -q "rerun with --resume" run1.err
[[ -f run.h5.partial && ! -f run.h5 ]]
[[ ! -s run1.csv ]] || { echo "FAIL: the interrupted run printed results"; exit 1; }

# A partial archive made with other options or inputs is refused.
cp run.h5.partial saved.partial
set +e
run "${args[@]}" --output run.h5 --resume --seed 6 >/dev/null 2>mismatch.err
status=$?
set -e
[[ $status == 2 ]] && grep -q "seed = 5, this run has 6; refusing to resume" mismatch.err ||
  { echo "FAIL: mismatched resume: status $status: $(cat mismatch.err)"; exit 1; }
cp run.h5.partial broken.h5.partial
head -c 3000 saved.partial >broken.h5.partial
set +e
run "${args[@]}" --seed 5 --output broken.h5 --resume >/dev/null 2>broken.err
status=$?
set -e
[[ $status == 2 ]] && grep -q "broken.h5.partial" broken.err ||
  { echo "FAIL: corrupted partial: status $status: $(cat broken.err)"; exit 1; }

# Resume (at 1 rank: the split of work must not matter either).
"$mpiexec" -np 1 "$bin" "${args[@]}" --seed 5 --output run.h5 --resume >run2.csv
cmp ref.csv run2.csv

$py - ref/run.h5 run.h5 <<'PY'
import sys, h5py, numpy as np
run_only = {"created_utc", "command_line", "slurm_job_id", "mpi_ranks"}
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
def walk(g, out):
    for k, v in g.items():
        out[v.name] = v
        if isinstance(v, h5py.Group):
            walk(v, out)
    return out
na, nb = walk(a, {}), walk(b, {})
assert na.keys() == nb.keys(), set(na) ^ set(nb)
n = 0
for name, obj in na.items():
    if isinstance(obj, h5py.Dataset):
        assert np.array_equal(obj[()], nb[name][()]), name
        n += 1
    for k, v in obj.attrs.items():
        assert np.array_equal(v, nb[name].attrs[k]), (name, k)
for k, v in a.attrs.items():
    if k not in run_only:
        assert np.array_equal(v, b.attrs[k]), k
print(f"resumed archive equals the uninterrupted one ({n} datasets)")
PY
echo "resume after SIGTERM: ok"
