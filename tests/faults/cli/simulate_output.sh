#!/usr/bin/env bash
# shellcheck disable=SC2015 # "A && B || fail ...": fail unless both hold
# Issue 12, item 4: `nuflare simulate --overwrite` with `output = .` in a deck
# deleted the deck's own folder and everything in it. Now simulate refuses an
# output folder that is, or contains, a deck's folder, the current folder, a
# git repository, $HOME or /; it replaces whole only a folder it wrote itself
# (marker file .nuflare-simulate), and in any other existing folder replaces
# only the files a sky consists of.
# shellcheck source=tests/faults/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir decks
sky=("seed = 5" "events.per_season = 300" "alerts.count = 6" "catalog.count = 15" "compress = none")
{
  printf '[simulate]\noutput = .\n'
  printf '%s\n' "${sky[@]}"
} >decks/sim.ini
echo "my notes" >decks/notes.txt
snapshot decks >"$tmp/decks.before"
snapshot . >"$tmp/work.before"

refuse deck-folder 2 "decks/sim.ini:2: output: decks/ is or contains the folder of deck decks/sim.ini" \
  "$bin" simulate --config decks/sim.ini --overwrite
refuse deck-folder-two-ranks 2 "output: decks/ is or contains the folder of deck" \
  "$mpiexec" -np 2 "$bin" simulate --config decks/sim.ini --overwrite
refuse current-folder 2 "--output: . is or contains the current folder" \
  "$bin" simulate --config decks/sim.ini --output . --overwrite
refuse parent-folder 2 "--output: .. is or contains the current folder" \
  "$bin" simulate --config decks/sim.ini --output .. --overwrite
refuse root 2 "--output: / is or contains" "$bin" simulate --config decks/sim.ini --output / --overwrite
mkdir -p "$tmp/home/me"
refuse home 2 "is or contains \$HOME" \
  env HOME="$tmp/home/me" "$bin" simulate --config decks/sim.ini --output "$tmp/home" --overwrite
mkdir -p repo/.git repo/data
refuse repository 2 "--output: repo is or contains a git repository" \
  "$bin" simulate --config decks/sim.ini --output repo --overwrite
snapshot decks >"$tmp/decks.after"
cmp -s "$tmp/decks.before" "$tmp/decks.after" || fail deck-untouched "the deck folder changed"
rm -rf repo
snapshot . >"$tmp/work.after"
cmp -s "$tmp/work.before" "$tmp/work.after" ||
  fail nothing-written "$(diff "$tmp/work.before" "$tmp/work.after")"

# A folder simulate wrote (it carries the marker) is replaced whole.
printf '[simulate]\n%s\n' "${sky[@]}" >sky.ini
"$bin" simulate --config sky.ini --output out/sky >/dev/null 2>err.txt || fail own "$(cat err.txt)"
[[ -f out/sky/.nuflare-simulate && -s out/sky/catalog.csv ]] || fail own "no marker or catalogue"
echo stale >out/sky/stale.csv
"$bin" simulate --config sky.ini --output out/sky --overwrite --seed 6 >/dev/null 2>err.txt ||
  fail own-replaced "$(cat err.txt)"
[[ ! -e out/sky/stale.csv && -s out/sky/catalog.csv ]] || fail own-replaced "not replaced whole"
[[ ! -s err.txt ]] || fail own-replaced "stderr: $(cat err.txt)"
absent own-replaced out/sky.lock

# Any other folder: only the sky's files are replaced, nothing else removed.
mkdir mine
echo "keep me" >mine/notes.txt
echo "old catalogue" >mine/catalog.csv
"$bin" simulate --config sky.ini --output mine --overwrite >/dev/null 2>err.txt ||
  fail foreign "$(cat err.txt)"
[[ $(cat mine/notes.txt) == "keep me" ]] || fail foreign "notes.txt changed"
[[ $(head -1 mine/catalog.csv) == name,* ]] || fail foreign "catalog.csv not replaced"
[[ ! -e mine/.nuflare-simulate ]] || fail foreign "the folder was claimed with a marker"
[[ $(wc -l <err.txt) == 1 ]] && grep -qF "mine was not written by nuflare simulate" err.txt ||
  fail foreign "expected one note, got: $(cat err.txt)"
# Without --overwrite an existing folder is refused as before.
refuse exists 2 "--output: mine already exists (remove it or pass --overwrite)" \
  "$bin" simulate --config sky.ini --output mine
absent no-lock mine.lock

# One simulate per folder at a time: a lock held by another process (here
# flock(1) stands in for a running simulate) refuses the second writer.
if command -v flock >/dev/null; then
  refuse locked 2 "out/sky2: another nuflare run is writing this output" \
    flock out/sky2.lock "$bin" simulate --config sky.ini --output out/sky2
  absent locked out/sky2
fi
finish "simulate output"
