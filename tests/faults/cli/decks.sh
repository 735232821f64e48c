#!/usr/bin/env bash
# shellcheck disable=SC2015 # "A && B || fail ...": fail unless both hold
# Issue 12, item 11: a deck starting with a UTF-8 byte-order mark gave
# "expected key = value"; deck errors named the key but not the line; a bad
# value could be reported as another key's error (`log10e_min = inf` gave
# "--log10e-max must be ≥ --log10e-min"). Now a BOM is accepted, every error
# caused by a deck value reads `deck.ini:LINE: key: ...` with the key as the
# deck spells it, each value is checked on its own before any comparison
# between options, and a comparison blames the value set last.
# shellcheck source=tests/faults/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp "$demo/events/SIM01_exp.csv.xz" events.csv.xz
cp "$demo/catalog.csv" sources.csv
deck() { # deck FILE LINES...: a spatial deck whose lines 3.. are LINES
  local file=$1
  shift
  printf '# a spatial deck\n[spatial]\n' >"$file"
  printf '%s\n' "$@" >>"$file"
}
base=("events = events.csv.xz" "sources = sources.csv" "trials = 20" "quiet = true")
bad_deck() { # bad_deck NAME FILE LINE MESSAGE: the base deck and LINE, in FILE, is refused
  deck "$2" "${base[@]}" "$3"
  refuse "$1" 2 "$4" "$bin" spatial --config "$2" --output run.h5
}

# A byte-order mark before the first line is not part of the key.
deck plain.ini "${base[@]}"
printf '\xef\xbb\xbf' | cat - plain.ini >bom.ini
"$bin" spatial --config bom.ini --output bom.h5 >bom.csv 2>err.txt || fail bom "$(cat err.txt)"
"$bin" spatial --config plain.ini --output plain.h5 >plain.csv 2>err.txt || fail bom "$(cat err.txt)"
cmp -s bom.csv plain.csv && [[ -s bom.csv ]] || fail bom "a BOM changed the run"
printf '\xef\xbb\xbftrials = 20\n' >bom_key.ini
"$bin" spatial --config bom_key.ini --config plain.ini --output bom_key.h5 >/dev/null 2>err.txt ||
  fail bom-on-key "$(cat err.txt)"
rm -f ./*.h5

bad_deck not-finite inf.ini "log10e_min = inf" 'inf.ini:7: log10e_min: not finite: "inf"'
deck negative.ini "${base[@]:0:2}" "trials = -5"
refuse negative-count 2 'negative.ini:5: trials: "-5" is not an integer in [1, 10^10]' \
  "$bin" spatial --config negative.ini --output run.h5
bad_deck own-range step.ini "log10e_step = 0" 'step.ini:7: log10e_step: must be > 0, got "0"'
bad_deck not-boolean bool.ini "resume = maybe" 'bool.ini:7: resume: not true or false: "maybe"'
bad_deck repeated-key repeated.ini "trials = 30" \
  'repeated.ini:7: trials: repeated key (first given on line 5)'
bad_deck unknown-key unknown.ini "log10_e_min = 5" \
  'unknown.ini:7: log10_e_min: unknown key for nuflare spatial'
printf '[spatial]\ntrials 20\n' >syntax.ini
refuse syntax 2 'syntax.ini:2: expected key = value' "$bin" spatial --config syntax.ini --output run.h5

# Comparisons: the value set last is blamed, with the other one quoted.
bad_deck order-min order.ini "log10e_min = 6.5" \
  'order.ini:7: log10e_min: 6.5 is above --log10e-max 6 (the default)'
deck order2.ini "${base[@]}" "log10e_min = 5.5" "log10e_max = 5"
refuse order-max 2 'order2.ini:8: log10e_max: 5 is below log10e_min = 5.5 (order2.ini:7)' \
  "$bin" spatial --config order2.ini --output run.h5
refuse order-command-line 2 '--log10e-max: 5 is below log10e_min = 6.5 (order.ini:7)' \
  "$bin" spatial --config order.ini --log10e-max 5 --output run.h5
# A later deck overrides an earlier one, and the error names the later deck.
deck over.ini "trials = -1"
refuse later-deck 2 'over.ini:3: trials: "-1" is not an integer' \
  "$bin" spatial --config plain.ini --config over.ini --output run.h5
# The command line wins over a deck: the deck's bad value is never used, but
# still refused (a deck is checked whole).
refuse deck-checked-whole 2 'negative.ini:5: trials: "-5"' \
  "$bin" spatial --config negative.ini --trials 20 --output run.h5
# A check made by the library ("must be after alerts.start-mjd") is placed at
# the deck line of the key it names.
printf '[simulate]\nalerts.start_mjd = 58000\nalerts.stop_mjd = 57000\n' >sim.ini
refuse library-check 2 'sim.ini:3: alerts.stop_mjd: must be after alerts.start-mjd' \
  "$bin" simulate --config sim.ini --output sky
deck two.ini "${base[@]}" "log10e_min = inf"
refuse two-ranks 2 'two.ini:7: log10e_min: not finite: "inf"' \
  "$mpiexec" -np 2 "$bin" spatial --config two.ini --output run.h5
absent nothing-written run.h5 run.h5.partial run.h5.lock sky sky.lock
finish "decks"
