#!/usr/bin/env bash
# Issue 12, item 5: two runs with the same --output at once: one exited 0, the
# other failed at the rename, and the archive left was corrupt. Now the first
# run holds RUN.h5.lock (an exclusive flock, with its pid and host inside)
# from before RUN.h5.partial exists until after the rename, and a second run
# is refused at its start. No timing is assumed: the first run is paused
# (SIGSTOP) once it holds the lock, the second run is refused, then the first
# resumes and must finish with a valid archive.
# shellcheck source=tests/faults/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap '[[ -n ${first:-} ]] && kill -CONT "$first" 2>/dev/null; rm -rf "$tmp"' EXIT

cp "$demo/events/SIM01_exp.csv.xz" events.csv.xz
cp "$demo/catalog.csv" sources.csv
run=("$bin" spatial --events events.csv.xz --sources sources.csv --quiet --output run.h5)

"${run[@]}" --trials 50000 >first.csv 2>first.err &
first=$!
holder=""
for _ in $(seq 1 1000); do # up to 20 s for the first run to take the lock
  holder=$(cat run.h5.lock 2>/dev/null || true)
  [[ $holder == pid* ]] && break
  kill -0 "$first" 2>/dev/null || break
  sleep 0.02
done
if [[ $holder != "pid $first on host "* ]]; then
  fail lock-file "expected 'pid $first on host ...' in run.h5.lock, got '$holder'"
  finish "two writers"
fi
kill -STOP "$first"
echo "ok lock-file: $holder"

message="run.h5: another nuflare run is writing this output ($holder); wait for it or choose another --output"
refuse second-writer 2 "$message" "${run[@]}" --trials 20
refuse second-overwrite 2 "$message" "${run[@]}" --trials 20 --overwrite
refuse second-resume 2 "$message" "${run[@]}" --trials 20 --resume
refuse second-two-ranks 2 "$message" "$mpiexec" -np 2 "${run[@]}" --trials 20
refuse second-other-subcommand 2 "another nuflare run is writing this output" \
  "$bin" temporal --delta-t 30 --alerts a.csv --sources sources.csv --lightcurves l.csv --band b \
  --output run.h5
[[ ! -e run.h5 ]] || fail second-writer "run.h5 appeared while the first run was paused"

kill -CONT "$first"
wait "$first"
status=$?
first=""
[[ $status == 0 ]] || fail first-writer "exit $status: $(cat first.err)"
[[ ! -s first.err ]] || fail first-writer "stderr: $(cat first.err)"
absent first-writer run.h5.partial run.h5.lock
"$bin" table --archive run.h5 --analysis spatial >table.csv 2>err.txt ||
  fail first-archive "nuflare table: $(cat err.txt)"
[[ $(cut -d, -f1-3 table.csv) == $(cut -d, -f1-3 first.csv) && -s first.csv ]] ||
  fail first-archive "the archive's table differs from the run's output"
if /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  /usr/bin/python3 -c '
import h5py
done = []
h5py.File("run.h5", "r").visititems(
    lambda name, obj: done.append(obj[()]) if name.endswith("trials/done") else None)
assert done and all(d.all() for d in done), "unfinished trials"
print(f"ok first-archive: {len(done)} groups, every trial done")' || fail first-archive "h5py check"
fi

# A lock file left by a run that was killed (its flock died with it) is reused.
echo "pid 999999 on host gone" >stale.h5.lock
"$bin" spatial --events events.csv.xz --sources sources.csv --quiet --trials 20 --output stale.h5 \
  >/dev/null 2>err.txt || fail stale-lock "$(cat err.txt)"
[[ -s stale.h5 ]] || fail stale-lock "no archive"
absent stale-lock stale.h5.lock stale.h5.partial
finish "two writers"
