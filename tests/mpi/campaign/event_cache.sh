#!/usr/bin/env bash
# The binary event cache (docs/scaling.md, "Event cache") in whole spatial
# runs at 1, 2 and 4 ranks: the first run parses and writes one entry per
# season file, the next one loads them (NUFLARE_DEBUG_CACHE=1 says which it
# did), and every archive is the same as a run without a cache. A truncated,
# bit-flipped or other-version entry is rebuilt with the same results; two
# runs sharing an empty cache folder both succeed with the same results; a
# folder that cannot be created costs one warning line and nothing else.
command -v xz >/dev/null || { echo "skipped: xz not installed"; exit 77; }
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh" h5py
set +e # the cases read the exit statuses themselves
. "$src/tests/support/cases.sh"
D=$src/inputs/demo/data
same=$src/tests/faults/archive/same_archive.py

# Three seasons: one compressed, one plain, one a slice of the other.
mkdir ev
cp "$D/events/SIM01_exp.csv.xz" ev/
xz -dc "$D/events/SIM02_exp.csv.xz" >ev/SIM02_exp.csv
head -2000 ev/SIM02_exp.csv >ev/SIM03_exp.csv
# Every run works in a folder of its own, so that the paths its archive
# records (inputs, output) are the same for all.
args=(spatial --events ../ev/SIM01_exp.csv.xz ../ev/SIM02_exp.csv ../ev/SIM03_exp.csv
  --sources "$D/catalog.csv" --trials 20 --seed 3 --quiet --output run.h5)

# run TAG NP CACHE: one run in folder TAG; its archive TAG.h5, stdout TAG.out,
# stderr TAG.err
run() {
  local tag=$1 np=$2 cache=$3 got
  mkdir -p "$tag"
  (cd "$tag" && NUFLARE_CACHE_DIR=$cache NUFLARE_DEBUG_CACHE=1 timeout 120 \
    "$mpiexec" -np "$np" --oversubscribe "$bin" "${args[@]}" >../"$tag.out" 2>../"$tag.err")
  got=$?
  mv "$tag/run.h5" "$tag.h5" 2>/dev/null
  return $got
}
# expect TAG NP HITS MISSES: exit 0, results as the reference's, and the cache
# look-ups NUFLARE_DEBUG_CACHE reported
expect() {
  local tag=$1 np=$2 hits=$3 misses=$4 got=$5
  if [[ $got != 0 ]]; then
    fail "$tag np$np" "exit $got: $(cat "$tag.err")"
    return
  fi
  local h m
  h=$(grep -c '^nuflare: cache: hit' "$tag.err")
  m=$(grep -c '^nuflare: cache: miss' "$tag.err")
  if [[ $h != "$hits" || $m != "$misses" ]]; then
    fail "$tag np$np" "$h hits and $m misses, expected $hits and $misses: $(cat "$tag.err")"
  elif ! cmp -s ref.out "$tag.out"; then
    fail "$tag np$np" "stdout differs from the run without a cache"
  elif ! out=$($py "$same" ref.h5 "$tag.h5" 2>&1); then
    fail "$tag np$np" "archive differs from the run without a cache: $out"
  else
    echo "ok $tag np$np: $h hits, $m misses, $out"
  fi
}

mkdir ref
(cd ref && NUFLARE_CACHE_DIR=off timeout 120 "$bin" "${args[@]}" >../ref.out 2>../ref.err) ||
  { echo "FAIL: the run without a cache failed: $(cat ref.err)"; exit 1; }
mv ref/run.h5 ref.h5
[[ -s ref.err ]] && fail "no cache" "wrote to stderr: $(cat ref.err)"

for np in 1 2 4; do
  rm -rf cache
  run first$np "$np" "$tmp/cache"
  expect first$np "$np" 0 3 $?
  n=$(find cache -name 'events-*.bin' | wc -l)
  [[ $n == 3 ]] || fail "first$np np$np" "$n cache entries, expected 3: $(ls -A cache)"
  [[ -z $(find cache -name '*.tmp') ]] || fail "first$np np$np" "temporary files left: $(ls -A cache)"
  if [[ $np != 2 ]]; then # the 2-rank hits: in the runs below
    run again$np "$np" "$tmp/cache"
    expect again$np "$np" 3 0 $?
  fi
done

# Damage all three entries: truncated, a bit flipped in the columns, and
# another reader version in the header; each is rebuilt.
entries=(cache/events-*.bin)
truncate -s 500 "${entries[0]}"
printf '\x55' | dd of="${entries[1]}" bs=1 seek=200 conv=notrunc status=none
printf '\x63' | dd of="${entries[2]}" bs=1 seek=12 conv=notrunc status=none
run damaged 2 "$tmp/cache"
expect damaged 2 0 3 $?
run repaired 2 "$tmp/cache"
expect repaired 2 3 0 $?

# Two jobs at once on one empty cache folder.
rm -rf shared
run twoA 1 "$tmp/shared" &
a=$!
run twoB 1 "$tmp/shared" &
b=$!
wait $a
ra=$?
wait $b
rb=$?
for tag in twoA twoB; do
  got=$ra
  [[ $tag == twoB ]] && got=$rb
  # each job found the entries missing or the other's: hits + misses = 3
  h=$(grep -c '^nuflare: cache: hit' "$tag.err")
  expect $tag 1 "$h" $((3 - h)) "$got"
done
run afterTwo 1 "$tmp/shared"
expect afterTwo 1 3 0 $?

# A cache folder that cannot be created: one warning, the same results.
echo x >plain-file
for np in 4; do
  mkdir unusable$np
  (cd unusable$np && NUFLARE_CACHE_DIR=$tmp/plain-file/cache timeout 120 \
    "$mpiexec" -np "$np" --oversubscribe "$bin" "${args[@]}" \
    >../unusable$np.out 2>../unusable$np.err)
  got=$?
  mv unusable$np/run.h5 unusable$np.h5 2>/dev/null
  if [[ $got != 0 ]]; then
    fail "unusable np$np" "exit $got: $(cat unusable$np.err)"
  elif [[ $(wc -l <unusable$np.err) != 1 ]] ||
    ! grep -q "^nuflare: warning: event cache $tmp/plain-file/cache: cannot create the folder" \
      unusable$np.err; then
    fail "unusable np$np" "expected one warning line, got: $(cat unusable$np.err)"
  elif ! cmp -s ref.out unusable$np.out || ! $py "$same" ref.h5 unusable$np.h5 >/dev/null; then
    fail "unusable np$np" "results differ from the run without a cache"
  else
    echo "ok unusable np$np: $(cat unusable$np.err)"
  fi
done

finish
