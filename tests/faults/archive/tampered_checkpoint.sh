#!/usr/bin/env bash
# A checkpoint changed behind the run's back is refused by --resume, before
# anything is allocated, with one line naming the dataset (exit 2), and the
# partial file is left as it was: edited trial values and done flags
# (checksum mismatch), a `done` replaced by a chunked (10^12, 1) dataset with
# and without data, a dataset of another type, an unknown member, a commit
# record beyond the rows. The untouched file resumes to the same archive.
source "$(dirname "$0")/lib.sh"
need_h5py
n=4000
mkdir "$tmp/ref" "$tmp/w"
(cd "$tmp/ref" && nuflare_on 1 $(spatial_args run.h5 $n) >out.csv) || fail "reference run"

tamper() { # MODE: edit w/run.h5.partial
  (cd "$tmp/w" && $py - "$1" <<'PY'
import sys
import h5py, numpy as np
mode = sys.argv[1]
with h5py.File("run.h5.partial", "r+") as f:
    g = f["spatial/TXS-like/trials"]
    if mode == "value":
        g["n_near"][5, 2] += 1
    elif mode == "done":
        g["done"][7, 0] = 0
    elif mode.startswith("huge"):
        del g["done"]
        d = g.create_dataset("done", shape=(10**12, 1), maxshape=(None, 1), chunks=(1000, 1),
                             dtype="uint8")
        if mode == "huge-written":
            d[0, 0] = 1
    elif mode == "type":
        old = g["n_near"]
        values, attrs = old[()], dict(old.attrs)
        del g["n_near"]
        new = g.create_dataset("n_near", data=values.astype("int64"), maxshape=(None, 7),
                               chunks=old.chunks, compression="gzip",
                               shuffle=True)
        for k, v in attrs.items():
            new.attrs[k] = v
    elif mode == "extra":
        g["notes"] = np.zeros((3, 1))
    elif mode == "rows":
        g.attrs["rows"] = np.int64(g.attrs["n_trials"] + 125)
PY
  )
}

check_refused() { # MODE NP PATTERN
  local mode=$1 np=$2 pattern=$3
  cp "$tmp/ref/run.h5" "$tmp/w/run.h5.partial"
  tamper "$mode"
  cp "$tmp/w/run.h5.partial" "$tmp/tampered"
  local before=$(du -k "$tmp/w/run.h5.partial" | cut -f1)
  (cd "$tmp/w" && nuflare_within 60 "$np" $(spatial_args run.h5 $n) --resume >"$tmp/out" 2>"$tmp/err")
  expect_error "$mode" 2 $? "$tmp/err" "$pattern"
  [[ ! -s $tmp/out ]] || fail "$mode: printed results"
  [[ ! -e $tmp/w/run.h5 ]] || fail "$mode: an archive was committed"
  cmp -s "$tmp/tampered" "$tmp/w/run.h5.partial" || fail "$mode: the partial file was changed"
  local after=$(du -k "$tmp/w/run.h5.partial" | cut -f1)
  ((after <= before + 64)) || fail "$mode: the partial file grew from $before to $after kB"
}

check_refused value 1 "run.h5.partial: /spatial/TXS-like/trials/n_near: checksum mismatch — the checkpoint was modified; rerun without --resume"
check_refused done 1 "/spatial/TXS-like/trials/done: checksum mismatch — the checkpoint was modified"
check_refused huge 2 "/spatial/TXS-like/trials/done: expected \[$n × 1\] uint8.*found \[1000000000000 × 1\]"
check_refused huge-written 1 "/spatial/TXS-like/trials/done: expected \[$n × 1\] uint8.*found \[1000000000000 × 1\]"
check_refused type 1 "/spatial/TXS-like/trials/n_near: expected \[$n × 7\] uint16.*found \[$n × 7\] int64"
check_refused extra 1 "/spatial/TXS-like/trials/notes: not a dataset this analysis writes"
check_refused rows 1 "/spatial/TXS-like/trials@rows: not a checkpoint of $n trials"

# Untouched, the same file resumes (nothing left to compute) to the same archive.
cp "$tmp/ref/run.h5" "$tmp/w/run.h5.partial"
(cd "$tmp/w" && nuflare_on 1 $(spatial_args run.h5 $n) --resume >"$tmp/out" 2>"$tmp/err") ||
  fail "untouched resume: $(cat "$tmp/err")"
cmp -s "$tmp/out" "$tmp/ref/out.csv" || fail "untouched resume: other results"
[[ -e $tmp/w/run.h5 ]] && same_archive untouched "$tmp/ref/run.h5" "$tmp/w/run.h5"
finish "tampered checkpoints"
