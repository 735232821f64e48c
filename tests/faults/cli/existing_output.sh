#!/usr/bin/env bash
# shellcheck disable=SC2015 # "A && B || fail ...": fail unless both hold
# Issue 12, item 5 (second half): a run without --resume silently replaced an
# existing RUN.h5.partial, discarding checkpointed work. Now
#   - RUN.h5.partial exists: refused without --resume (continue it) or
#     --overwrite (start over); the partial file is left as it was;
#   - RUN.h5 exists: refused without --overwrite; with it, replaced only when
#     the new run succeeds;
#   - --resume without RUN.h5.partial starts a fresh run with one note.
# shellcheck source=tests/faults/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp "$demo/events/SIM01_exp.csv.xz" events.csv.xz
cp "$demo/catalog.csv" sources.csv
run=("$bin" spatial --events events.csv.xz --sources sources.csv --trials 20 --quiet)

# A checkpoint of earlier work (its content does not matter for the refusal).
echo "checkpointed trials" >run.h5.partial
refuse partial-without-resume 2 \
  "run.h5.partial exists: add --resume to continue it or --overwrite to start over" \
  "${run[@]}" --output run.h5
[[ $(cat run.h5.partial) == "checkpointed trials" ]] || fail partial-kept "run.h5.partial changed"
absent partial-without-resume run.h5 run.h5.lock
refuse partial-two-ranks 2 "run.h5.partial exists" "$mpiexec" -np 2 "${run[@]}" --output run.h5
[[ $(cat run.h5.partial) == "checkpointed trials" ]] || fail partial-kept "run.h5.partial changed"

# --overwrite starts over: the old partial file is replaced, the run commits.
"${run[@]}" --output run.h5 --overwrite >first.csv 2>err.txt || fail overwrite-partial "$(cat err.txt)"
[[ -s run.h5 ]] || fail overwrite-partial "no archive"
absent overwrite-partial run.h5.partial run.h5.lock
"$bin" table --archive run.h5 --analysis spatial >table.csv 2>err.txt &&
  [[ $(cut -d, -f1-3 table.csv) == $(cut -d, -f1-3 first.csv) ]] ||
  fail overwrite-partial "archive does not read back: $(cat err.txt)"
md5=$(md5sum <run.h5)

# A finished archive is not replaced without --overwrite, ...
refuse final-exists 2 "run.h5 exists: add --overwrite to replace it or choose another --output" \
  "${run[@]}" --output run.h5 --seed 2
refuse final-exists-resume 2 "run.h5 exists: add --overwrite" \
  "${run[@]}" --output run.h5 --seed 2 --resume
[[ $(md5sum <run.h5) == "$md5" ]] || fail final-kept "run.h5 changed"
absent final-exists run.h5.partial run.h5.lock
# ... nor by a failing run with --overwrite (the new archive would replace it
# only at the end) ...
refuse overwrite-then-fail 2 "nope.csv: no such file" \
  "$bin" spatial --events events.csv.xz --sources nope.csv --trials 20 --output run.h5 --overwrite
[[ $(md5sum <run.h5) == "$md5" ]] || fail final-kept "run.h5 changed by a failed run"
absent overwrite-then-fail run.h5.partial run.h5.lock
# ... and is replaced by a successful one.
"${run[@]}" --output run.h5 --seed 2 --overwrite >/dev/null 2>err.txt ||
  fail overwrite-final "$(cat err.txt)"
[[ $(md5sum <run.h5) != "$md5" ]] || fail overwrite-final "run.h5 not replaced"
absent overwrite-final run.h5.partial run.h5.lock

# --resume with nothing to resume: a fresh run and one note (job scripts may
# always pass --resume).
"${run[@]}" --output fresh.h5 --resume >/dev/null 2>err.txt || fail resume-fresh "$(cat err.txt)"
[[ $(wc -l <err.txt) == 1 ]] && grep -qF "nuflare: note: fresh.h5.partial does not exist; starting a fresh run" err.txt ||
  fail resume-fresh "stderr: $(cat err.txt)"
[[ -s fresh.h5 ]] || fail resume-fresh "no archive"
absent resume-fresh fresh.h5.partial fresh.h5.lock

# The reporter's case: checkpointed work in RUN.h5.partial from an
# interrupted campaign (SIGTERM, exit 75). The lock goes with the run; a
# plain rerun is refused and leaves the checkpoint as it was; --resume
# finishes it. The run is paused (SIGSTOP) at its first progress line, so the
# signal always lands mid-campaign, whatever the machine's speed.
"$bin" spatial --events events.csv.xz --sources sources.csv --trials 60000 --output cut.h5 \
  --progress-seconds 0 >/dev/null 2>cut.err &
pid=$!
for _ in $(seq 1 1000); do
  [[ -s cut.err ]] && break
  sleep 0.02
done
kill -STOP $pid
kill -TERM $pid
kill -CONT $pid
wait $pid
status=$?
[[ $status == 75 ]] && grep -q "rerun with --resume to continue" cut.err ||
  fail interrupted "exit $status, expected 75: $(tail -2 cut.err)"
[[ -s cut.h5.partial ]] || fail interrupted "no checkpoint"
absent interrupted cut.h5 cut.h5.lock
md5=$(md5sum <cut.h5.partial)
refuse checkpoint-kept 2 "cut.h5.partial exists: add --resume to continue it or --overwrite to start over" \
  "$bin" spatial --events events.csv.xz --sources sources.csv --trials 60000 --quiet --output cut.h5
[[ $(md5sum <cut.h5.partial) == "$md5" ]] || fail checkpoint-kept "cut.h5.partial changed"
"$bin" spatial --events events.csv.xz --sources sources.csv --trials 60000 --quiet --output cut.h5 \
  --resume >/dev/null 2>err.txt || fail resumed "$(cat err.txt)"
[[ -s cut.h5 ]] || fail resumed "no archive"
absent resumed cut.h5.partial cut.h5.lock

# Missing folders of --output are created, and removed again when the run fails.
refuse new-folder-fail 2 "nope.csv: no such file" \
  "$bin" spatial --events events.csv.xz --sources nope.csv --trials 20 --output new/dir/run.h5
absent new-folder-fail new
"${run[@]}" --output new/dir/run.h5 >/dev/null 2>err.txt || fail new-folder "$(cat err.txt)"
[[ -s new/dir/run.h5 ]] || fail new-folder "no archive"
finish "existing output"
