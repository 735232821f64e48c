# A failure count for bash script tests that run many cases and report them
# all (sourced after script_test.sh):
#   fail NAME TEXT   print "FAIL NAME: TEXT" and count it
#   finish           print how many cases failed and exit 1, or "all cases
#                    passed" and exit 0
fails=0
fail() {
  echo "FAIL $1: $2"
  fails=$((fails + 1))
}
finish() {
  if ((fails > 0)); then
    echo "$fails case(s) failed"
    exit 1
  fi
  echo "all cases passed"
  exit 0
}
