#!/usr/bin/env bash
# --trials 10^12 stops at once with one line (exit 2) instead of running out
# of memory, and leaves nothing behind.
source "$(dirname "$0")/lib.sh"
(cd "$tmp" && nuflare_within 60 1 $(spatial_args run.h5 1000000000000) >"$tmp/out" 2>"$tmp/err")
expect_error "10^12 trials" 2 $? "$tmp/err" "trials"
[[ $(wc -l <"$tmp/err") == 1 ]] || fail "more than one stderr line: $(cat "$tmp/err")"
[[ ! -e $tmp/run.h5 && ! -e $tmp/run.h5.partial ]] || fail "an archive was left behind"
finish "huge trial counts"
