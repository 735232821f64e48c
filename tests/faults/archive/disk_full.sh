#!/usr/bin/env bash
# The disk fills up during a campaign, on 1 rank and on 2: the run stops
# within seconds (never hangs: under `timeout`) with exit 74 and one line,
# leaves its last checkpoint in the partial file, and once space is freed
# --resume ends with the same stdout and archive as an uninterrupted run.
# Needs to mount a small tmpfs (root, as in CI); skips otherwise.
source "$(dirname "$0")/lib.sh"
need_h5py
mnt=$tmp/disk
mkdir "$mnt"
mount -t tmpfs -o size=1m tmpfs "$mnt" 2>/dev/null || skip "cannot mount a tmpfs here (needs root)"
cleanup_hooks+=("umount '$mnt' 2>/dev/null")
n=40000

# The uninterrupted reference, in the same place (the archive records --output).
mount -o remount,size=64m "$mnt"
(cd "$mnt" && nuflare_on 2 $(spatial_args run.h5 $n) >"$tmp/ref.csv") || fail "reference run"
mv "$mnt/run.h5" "$tmp/ref.h5"

for np in 1 2; do
  rm -f "$mnt"/run.h5*
  mount -o remount,size=1m "$mnt"
  start=$(date +%s)
  (cd "$mnt" && nuflare_within 120 $np $(spatial_args run.h5 $n) --checkpoint-seconds 0.05 \
    >"$tmp/out" 2>"$tmp/err")
  status=$?
  elapsed=$(($(date +%s) - start))
  [[ $status != 124 ]] || fail "np $np: hung (killed by timeout)"
  expect_error "full disk, np $np" 74 $status "$tmp/err" \
    "run.h5.partial: disk full or quota exceeded: .* needed for the next write (No space left on device); /spatial/.*: the checkpoint of [0-9]* of $n trials is intact — free space and rerun with --resume"
  if [[ $np == 1 ]]; then
    [[ $(wc -l <"$tmp/err") == 1 ]] || fail "np 1: more than one stderr line: $(cat "$tmp/err")"
  fi
  ((elapsed < 60)) || fail "np $np: took $elapsed s to stop"
  [[ ! -s $tmp/out ]] || fail "np $np: printed results"
  [[ -e $mnt/run.h5.partial && ! -e $mnt/run.h5 ]] || fail "np $np: the partial archive is gone"

  # Free space and resume (on the other rank count).
  mount -o remount,size=64m "$mnt"
  (cd "$mnt" && nuflare_on $((3 - np)) $(spatial_args run.h5 $n) --resume >"$tmp/out2" 2>"$tmp/err2") ||
    fail "np $np: resume failed: $(cat "$tmp/err2")"
  cmp -s "$tmp/out2" "$tmp/ref.csv" || fail "np $np: resumed results differ"
  [[ -e $mnt/run.h5 ]] && same_archive "np $np" "$tmp/ref.h5" "$mnt/run.h5"
done
finish "disk full"
