#!/usr/bin/env bash
# Archives of format 1.0 (contiguous int64 per-trial datasets) stay readable:
# `nuflare table` prints their tables exactly as the nuflare that wrote them
# did (CSV); Markdown shows numbers without a stored display precision to 6
# significant digits (docs/archive-format.md). The fixture is a 20-trial demo
# spatial run made by nuflare at commit ca40f09 (format 1.0), xz-compressed;
# its CSV summary was printed by the same build. A 1.0 partial archive cannot
# be resumed: one line, exit 2, untouched.
source "$(dirname "$0")/lib.sh"
xz -dc "$here/format_1_0_spatial.h5.xz" >"$tmp/old.h5" || fail "cannot unpack the fixture"

"$bin" table --archive "$tmp/old.h5" --analysis spatial >"$tmp/summary.csv" 2>"$tmp/err" ||
  fail "table summary: $(cat "$tmp/err")"
cmp -s "$tmp/summary.csv" "$here/format_1_0_spatial.summary.csv" ||
  fail "table summary differs: $(diff "$tmp/summary.csv" "$here/format_1_0_spatial.summary.csv" | head)"
"$bin" table --archive "$tmp/old.h5" --analysis spatial --table table6 --format markdown \
  >"$tmp/table6.md" 2>"$tmp/err" || fail "table table6: $(cat "$tmp/err")"
cmp -s "$tmp/table6.md" "$here/format_1_0_spatial.table6.md" || fail "table6 differs"

if $py -c "import h5py" 2>/dev/null; then
  $py - "$tmp/old.h5" <<'PY' || fail "the fixture is not format 1.0"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["format_version"] == b"1.0"
    d = f["spatial/TXS-like/trials/n_near"]
    assert d.dtype == "int64" and d.chunks is None and d.shape == (20, 7)
PY
fi

# Resuming it as a partial archive is refused before it is opened for writing.
mkdir "$tmp/w"
cp "$tmp/old.h5" "$tmp/w/run.h5.partial"
(cd "$tmp/w" && "$bin" spatial --config "$deck" --trials 20 --output run.h5 --quiet --resume \
  >"$tmp/out" 2>"$tmp/err")
expect_error "resume 1.0" 2 $? "$tmp/err" \
  "run.h5.partial: format_version: partial archive of format 1.0, this nuflare writes 2.0; it cannot be resumed — rerun without --resume"
cmp -s "$tmp/old.h5" "$tmp/w/run.h5.partial" || fail "resume 1.0: the partial file was changed"
[[ ! -e $tmp/w/run.h5 ]] || fail "resume 1.0: an archive was committed"
finish "format 1.0"
