#!/usr/bin/env bash
# Compressed inputs that end early or are damaged (issue 12): each is an
# input error "truncated compressed file" / "corrupt compressed file" naming
# the file and the last complete line, never a shorter data set and never a
# misleading column count. Uses the demo sky in inputs/demo/data.
. "${NUFLARE_SOURCE_DIR:?}/tests/faults/readers/lib.sh" gzip xz head
spatial=(spatial --sources "$D/catalog.csv" --trials 10 --quiet)

# The reproducer: 3000 events, gzip, the first 40470 bytes. Before the
# fix `nuflare spatial` exited 0 with the events of the readable part.
xz -dc "$D/events/SIM01_exp.csv.xz" | head -3001 | gzip >e.gz
head -c 40470 e.gz >t.csv.gz
n=$(gzip -dc t.csv.gz 2>/dev/null | wc -l) # complete lines in the readable part
expect_input_error gzip-events \
  "t.csv.gz:$n: truncated compressed file: the gzip stream ends early; line $n is the last complete line" \
  -- "${spatial[@]}" --events t.csv.gz
# The same under two ranks: one line, no archive.
expect_input_error gzip-events-2-ranks "t.csv.gz:$n: truncated compressed file" 2 \
  -- "${spatial[@]}" --events t.csv.gz

# A light curve cut inside a line used to report "expected 6 columns, found 4".
xz -dc "$D/lightcurves.csv.xz" | gzip >lc.gz
head -c 30000 lc.gz >tlc.csv.gz
n=$(gzip -dc tlc.csv.gz 2>/dev/null | wc -l)
expect_input_error gzip-lightcurve-mid-line \
  "tlc.csv.gz:$n: truncated compressed file: the gzip stream ends early; line $n is the last complete line" \
  -- flares --lightcurves tlc.csv.gz
grep -q columns err.txt && { echo "FAIL gzip-lightcurve-mid-line: a column count"; fails=$((fails + 1)); }

# xz: the demo season file itself, cut in half (liblzma's LZMA_BUF_ERROR).
size=$(stat -c %s "$D/events/SIM01_exp.csv.xz")
head -c $((size / 2)) "$D/events/SIM01_exp.csv.xz" >SIM01_exp.csv.xz
n=$(xz -dc SIM01_exp.csv.xz 2>/dev/null | wc -l)
expect_input_error xz-events \
  "SIM01_exp.csv.xz:$n: truncated compressed file: the xz stream ends early; line $n is the last complete line" \
  -- "${spatial[@]}" --events SIM01_exp.csv.xz
# Only the end-of-stream marker missing: all data there, still refused.
head -c $((size - 12)) "$D/events/SIM01_exp.csv.xz" >SIM02_exp.csv.xz
expect_input_error xz-without-stream-end "SIM02_exp.csv.xz" \
  -- "${spatial[@]}" --events SIM02_exp.csv.xz
grep -qF "truncated compressed file: the xz stream ends early" err.txt ||
  { echo "FAIL xz-without-stream-end: not reported truncated"; fails=$((fails + 1)); }

# Damaged data: a wrong gzip checksum, xz data with a flipped byte.
cp e.gz crc.csv.gz
printf '\xff' | dd of=crc.csv.gz bs=1 seek=$(($(stat -c %s e.gz) - 6)) conv=notrunc 2>/dev/null
expect_input_error gzip-checksum "crc.csv.gz" -- "${spatial[@]}" --events crc.csv.gz
grep -qF "corrupt compressed file (gzip: incorrect data check)" err.txt ||
  { echo "FAIL gzip-checksum: not reported corrupt"; fails=$((fails + 1)); }
cp "$D/events/SIM01_exp.csv.xz" flip_exp.csv.xz
printf '\x00' | dd of=flip_exp.csv.xz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_input_error xz-damaged "flip_exp.csv.xz:" -- "${spatial[@]}" --events flip_exp.csv.xz
grep -qF "corrupt compressed file (xz: " err.txt ||
  { echo "FAIL xz-damaged: not reported corrupt"; fails=$((fails + 1)); }

# Names that promise compression.
xz -dc "$D/events/SIM01_exp.csv.xz" | head -100 >plain_exp.csv.gz
expect_input_error not-gzip "plain_exp.csv.gz: not a gzip file" \
  -- "${spatial[@]}" --events plain_exp.csv.gz

# Other readers share the line reader: a truncated alert table and catalogue.
gzip -c "$D/alerts.csv" | head -c 1500 >alerts.csv.gz
n=$(gzip -dc alerts.csv.gz 2>/dev/null | wc -l)
expect_input_error gzip-alerts "alerts.csv.gz:$n: truncated compressed file" \
  -- "${spatial[@]}" --events "$D/events/SIM01_exp.csv.xz" --alerts alerts.csv.gz
xz -c "$D/catalog.csv" | head -c 2000 >catalog.csv.xz
n=$(xz -dc catalog.csv.xz 2>/dev/null | wc -l)
expect_input_error xz-catalogue "catalog.csv.xz:$n: truncated compressed file" \
  -- spatial --sources catalog.csv.xz --trials 10 --quiet --events "$D/events/SIM01_exp.csv.xz"
finish
