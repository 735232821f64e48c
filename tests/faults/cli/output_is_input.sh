#!/usr/bin/env bash
# Issue 12, item 3: an output path equal to an input path overwrote the input
# (`--events in.h5 --output in.h5`). Output paths (RUN.h5, RUN.h5.partial and
# the lock RUN.h5.lock) are compared with every input file and deck by file
# identity, so other spellings and links are caught too. Each case: exit 2,
# one line naming both options, the input untouched, nothing left behind.
# shellcheck source=tests/faults/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

xz -dc "$demo/events/SIM01_exp.csv.xz" >in.h5
cp "$demo/catalog.csv" sources.csv
cp "$demo/catalog.csv" run.h5.partial
ln -s in.h5 link.h5
mkdir sub
printf '[spatial]\nevents = in.h5\nsources = sources.csv\ntrials = 20\noutput = in.h5\n' >deck.ini
printf 'sources = sources.csv\ntrials = 20\n' >deck.h5
snapshot . >"$tmp/before.txt"
run=("$bin" spatial --trials 20 --quiet)

refuse same-path 2 "--output: in.h5 is the same file as --events in.h5; refusing to write over an input" \
  "${run[@]}" --events in.h5 --sources sources.csv --output in.h5
refuse other-spelling 2 "is the same file as --events in.h5" \
  "${run[@]}" --events in.h5 --sources sources.csv --output sub/../in.h5
refuse symlink 2 "--output: link.h5 is the same file as --events in.h5" \
  "${run[@]}" --events in.h5 --sources sources.csv --output link.h5
refuse deck-is-output 2 "--output: deck.h5 is the same file as --config deck.h5" \
  "${run[@]}" --config deck.h5 --events in.h5 --output deck.h5
refuse partial-is-input 2 \
  "--output: run.h5.partial (the partial archive) is the same file as --sources run.h5.partial" \
  "${run[@]}" --events in.h5 --sources run.h5.partial --output run.h5
refuse from-deck 2 "deck.ini:5: output: in.h5 is the same file as events = in.h5 (deck.ini:2)" \
  "$bin" spatial --config deck.ini
refuse two-ranks 2 "--output: in.h5 is the same file as --events in.h5" \
  "$mpiexec" -np 2 "$bin" spatial --events in.h5 --sources sources.csv --trials 20 --output in.h5

snapshot . >"$tmp/after.txt"
cmp -s "$tmp/before.txt" "$tmp/after.txt" ||
  fail untouched "files changed: $(diff "$tmp/before.txt" "$tmp/after.txt")"
absent left-behind in.h5.partial in.h5.lock link.h5.partial link.h5.lock deck.h5.partial \
  deck.h5.lock run.h5 run.h5.lock
finish "output is input"
