#!/usr/bin/env bash
# Fuzzes the nuflare text readers with libFuzzer for a bounded time.
#
#   tests/fuzz/run_fuzz.sh [seconds=60] [build-dir=<source>/build-fuzz]
#
# Configures a clang build (whole library with -fsanitize=fuzzer-no-link,address),
# builds fuzz_readers, writes a small seed corpus (one valid file per reader),
# runs the fuzzer for <seconds> and exits non-zero if it found a crash, a
# sanitizer error or an exception other than core::InputError (crash inputs
# are kept in <build-dir>/fuzz-artifacts/).
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-60}"
build="${2:-$src/build-fuzz}"
jobs="${NUFLARE_FUZZ_BUILD_JOBS:-2}"

export CC=clang CXX=clang++
mkdir -p "$build"
cmake -S "$src" -B "$build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNUFLARE_BUILD_FUZZ=ON -DNUFLARE_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address" >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target fuzz_readers

corpus="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
mkdir -p "$corpus" "$artifacts"
# Seeds: byte 0 = reader (low 4 bits) + container (high 4 bits), byte 1 = the
# container's parameter, then the text (see fuzz_readers.cpp).
seed() { printf "$1" >"$corpus/seed_$2"; }
events='# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]\n 54562.37911273 3.31 0.48 203.024 16.760 218.374 106.712\n 54562.38662244 5.17 0.62 75.024 -13.371 349.100 76.646\n'
lightcurve='source,band,mjd,flux,flux_err,upper_limit\nA,fermi,58003,3.0,0.3,0\nA,fermi,58001,1.0,,1\nB,wise_w2,58001,-0.5,0.2,false\n'
seed "\x00\x00$events" events
seed '\x01\x00#  MJD_start[days]  MJD_stop[days]\n 54562.37203080 54562.70626163\n 54562.70812230 54563.04198119\n' uptime
seed '\x02\x00# log10(E_nu/GeV)_min log10(E_nu/GeV)_max Dec_nu_min[deg] Dec_nu_max[deg] A_Eff[cm^2]\n 2.00 2.20 -90.00 -73.74 0.00\n 2.20 2.40 -90.00 -73.74 1.5e3\n' aeff
seed '\x03\x00NAME,RUNID,EVENTID,START,EVENTMJD,I3TYPE,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,DEC_ERR_PLUS,DEC_ERR_MINUS,ENERGY,FAR,SIGNAL\r\nIC170922A,130033,50579430,2017-09-22 20:54:30.436262,58018.87118560489,gfu-gold,77.43,5.79,1.14,0.75,0.64,0.41,264.0,0.6,0.631\r\nIC231103A,138515,8773328,2023-11-03 09:17:35.29,None,gfu-gold,105.67,47.85,1.15,1.13,1.35,1.26,180.34,0.1472,None\r\n' alerts
seed '\x04\x00\xef\xbb\xbfSource_Name,RAJ2000,DEJ2000,Variability_Index,GLON,GLAT,group,warm_spot\n4FGL J0509.4+0542,77.3593,5.7014,1140.2,195.405,-19.636,bll,1\n"5BZB J0955+3551",148.783,35.85,nan,,,,0\n' catalog
seed "\x05\x00$lightcurve" lightcurve
seed '\x06\x00"Date(UTC)","Julian Date","MET","TS","Photon Flux [0.1-100 GeV](photons cm-2 s-1)","Photon Flux Error(photons cm-2 s-1)","Photon Index","Photon Index Error","Sun Distance","Fit Tolerance","MINUIT Return Code","Analysis Log"\n"Aug 08 2008","2454687","239889601","138.65","2.67e-7","4.00e-8","-2.2","-","58.82","1e-8","0","bin1.log"\n"Nov 03 2011","2455868.499988426","341971201","0.96","< 2.96e-8","-","-","-","118.36","1e-8","0","bin40.log"\n' lcr
seed '\x07\x00,ra,dec,mjd,cntr_mf,W1_mag,W1_mag_error,W2_mag,W2_mag_error,W1_flux,W1_flux_error,W2_flux,W2_flux_error,orig_id\n0,257.2798745,26.8545501,55257.6669545,2569127201351021166,14.098,0.056,13.888,0.118,363.593,18.846,175.753,19.164,1\n1,257.28,26.85,55257.6669545,2,14.1,,,,363.0,18.8,,,1\n' wise
seed '\x08\x00Source_Name,bin,MET_start,MET_stop,Flux_History,Unc_Flux_History_lo,Unc_Flux_History_hi,Sqrt_TS_History\n4FGL J0000.3-7355,0,239557417.5,270890000.0,5.8015e-13,nan,1.34204e-09,0\n4FGL J0000.3-7355,1,270890000.0,302450000.0,2.4752e-09,-1.48187e-09,1.64601e-09,1.757\n' history
seed '\x09\x00OVERVIEW,,,,,,,,,\n,,,,,,,,,\nEvent,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),Area (rectangle),Observed area (from Healpix),Observed area (corrected for chip gaps),Signalness\nIC190730A,GOLD,225.79,"[1.28, -1.43]",10.47,"[1.14, -0.89]",5.40751052686515,4.96035658283006,4.52103881541484,0.67\nALL,,,,,,5.4,4.9,4.5,\n' overview_fu
seed '\x0a\x00OVERVIEW NOT FOLLOWED UP,,,,,,,,,\nEvent,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),Signalness,Energy estimate [TeV],Rejection reason,Code\nIC160427A,HESE,240.57,"[0.6, -0.6]",9.34,"[0.6, -0.6]",,,Pre-ZTF,0.0\n' overview_not_fu
seed '\x0b\x00name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness,retracted,latency_hours\nIC1,120.28,6.35,0.57,-0.77,0.76,-0.7,1.944,1.374,0.36,0,10.2\n' campaign
# Compressed containers: text compressed by the target (0x3_ gzip, 0x4_ xz),
# cut (0x5_, 0x6_: the second byte says where) or damaged (0x7_).
seed "\x30\x00$events" events_gzip
seed "\x45\x00$lightcurve" lightcurve_xz
seed "\x50\x80$events" events_gzip_cut
seed "\x65\xc0$lightcurve" lightcurve_xz_cut
seed "\x70\x90$events" events_gzip_damaged
seed "\x75\x91$lightcurve" lightcurve_xz_damaged
# Real compressed files as raw bytes under a .gz (0x1_) / .xz (0x2_) name.
{ printf '\x10\x00'; printf "$events" | gzip -c; } >"$corpus/seed_events_raw_gz"
{ printf '\x25\x00'; printf "$lightcurve" | xz -c; } >"$corpus/seed_lightcurve_raw_xz"

log="$build/fuzz.log"
set +e
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
  "$build/tests/fuzz/fuzz_readers" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 ]]; then
  echo "run_fuzz.sh: the fuzzer found a problem (exit $status); inputs in $artifacts" >&2
  exit 1
fi
grep -E '^Done [0-9]+ runs' "$log" || true
echo "run_fuzz.sh: no crash in ${seconds} s"
