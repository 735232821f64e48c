#!/usr/bin/env bash
# Reproduces every result of the two papers that the data in ../shared/data
# allow, from the decks in inputs/paper/ (one per table or figure), and writes
# the side-by-side report results/paper/REPORT.md (tools/paper_report.py reads
# the archives) with its figures under results/paper/figures/.
#
#   tools/reproduce.sh [--quick]
#
# Environment: NUFLARE_SHARED_DIR (default ../shared beside the repository),
# NUFLARE_BIN (default build/src/app/nuflare), NUFLARE_OUTPUT_DIR (default
# results/paper), NUFLARE_RANKS (default 2), MPIEXEC (default mpirun).
# --quick runs the campaigns with few trials (the regression test uses it);
# every printed number that does not come from trials is the same.
# The decks use the paper's trial counts (about 20 s on 2 cores). Exit
# status: 0 done, 2 not built or bad argument, 77 no data.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reproduce.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
shared=${NUFLARE_SHARED_DIR:-$here/../shared}
data=$shared/data
bin=${NUFLARE_BIN:-$here/build/src/app/nuflare}
out=${NUFLARE_OUTPUT_DIR:-$here/results/paper}
ranks=${NUFLARE_RANKS:-2}
mpiexec=${MPIEXEC:-mpirun}
py=/usr/bin/python3
decks=$here/inputs/paper

if [ ! -d "$data" ]; then
  echo "reproduce.sh: skipped: no data at $data (set NUFLARE_SHARED_DIR)" >&2
  exit 77
fi
[ -x "$bin" ] || { echo "reproduce.sh: $bin: not built (tools/build.sh)" >&2; exit 2; }
mkdir -p "$out/figures"
# Open MPI on one node, as root in containers (README, jobs/README.md).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 PMIX_MCA_psec=native
mpi() { "$mpiexec" --oversubscribe -np "$ranks" "$bin" "$@"; }
trials() { if [ "$quick" = 1 ]; then echo --trials "$1"; fi; }

ic=$data/icecube_10year_ps
alerts=$data/icecube_alerts_icecat1/IceCube_Gold_Bronze_Tracks.csv
seasons="IC40 IC59 IC79 IC86_I IC86_II IC86_III IC86_IV IC86_V IC86_VI IC86_VII"
uptime=() irfs=()
for s in $seasons; do uptime+=("$ic/uptime/${s}_exp.csv"); done
for s in IC40 IC59 IC79 IC86_I IC86_II; do irfs+=("$ic/irfs/${s}_effectiveArea.csv"); done
spatial_data=(--events "$ic/events/IC40_exp.csv"
  --sources "$data/paper_groups/txs_like_and_cfs_4fgl.csv" --alerts "$alerts"
  --flux-uptime "${uptime[@]}" --flux-irfs "${irfs[@]}")
fgl=(--alerts "$alerts" --sources "$data/fermi_4fgl_dr2/4fgl_dr2_v27_main.csv"
  --lightcurves "$data/fermi_4fgl_dr2/4fgl_dr2_v27_flux_history_yearly.csv")
fu=$data/nuztfpaper/followup_xlsx_as_csv
lcr=$data/fermi_lcr_lightcurves
ovro=$data/radio_ovro_blazars
mrk421=(--fermi-lcr "$lcr/4FGL_J1104.4+3812_monthly_2_20_2025.csv"
  --ovro "$ovro/Mrk421_15GHz.csv" --ovro-source "4FGL J1104.4+3812")
oj287=(--xrt-qdp "$data/swift_xrt_blazars/OJ287_swift_xrt_curve.qdp" --xrt-source "OJ 287"
  --ovro "$ovro/OJ287_J0854+2006_15GHz.csv" --ovro-source "OJ 287")
lcr_3c454=(--fermi-lcr "$lcr/4FGL_J2253.9+1609_weekly_2_20_2025.csv")

step() { echo "reproduce.sh: $*" >&2; }
step "blazar Table 6 (IC40), Table 2, eq. 2 — paper readings"
mpi spatial --config "$decks/blazar_spatial.ini" "${spatial_data[@]}" $(trials 200) \
  --output "$out/blazar_spatial.h5" --overwrite > /dev/null
step "blazar Table 2, eq. 2 — default readings"
"$bin" spatial --config "$decks/blazar_spatial_defaults.ini" "${spatial_data[@]}" \
  --output "$out/blazar_spatial_defaults.h5" --overwrite > /dev/null
step "blazar Fig. 3 scan (4FGL yearly)"
mpi scan --config "$decks/blazar_scan_4fgl.ini" "${fgl[@]}" $(trials 20) \
  --output "$out/blazar_scan_4fgl.h5" --overwrite > /dev/null
step "blazar R(t) (4FGL yearly)"
mpi temporal --config "$decks/blazar_temporal_4fgl.ini" "${fgl[@]}" $(trials 20) \
  --output "$out/blazar_temporal_4fgl.h5" --overwrite > /dev/null
step "ZTF §6 limits"
"$bin" followup --config "$decks/ztf_followup.ini" --table "$fu/OVERVIEW_FU.csv" \
  --not-followed-up "$fu/OVERVIEW_NOT_FU.csv" --output "$out/ztf_followup.h5" --overwrite \
  > /dev/null
"$bin" followup --config "$decks/ztf_followup.ini" --table "$fu/OVERVIEW_FU.csv" \
  --grid stein2023 --output "$out/ztf_followup_notebook_grid.h5" --overwrite > /dev/null
"$bin" followup --config "$decks/ztf_followup.ini" --table "$fu/OVERVIEW_FU.csv" \
  --epsilon0 1 --output "$out/ztf_followup_epsilon1.h5" --overwrite > /dev/null
"$bin" followup --config "$decks/ztf_followup.ini" --table "$fu/OVERVIEW_FU.csv" \
  --epsilon0 1 --k-correction --output "$out/ztf_followup_kcorr.h5" --overwrite > /dev/null
step "ZTF §2-3 candidates (all alerts; at least 3 per alert)"
"$bin" candidates --config "$decks/ztf_candidates.ini" --overview "$fu/OVERVIEW_FU.csv" \
  --output "$out/ztf_candidates.h5" --overwrite > /dev/null
"$bin" candidates --config "$decks/ztf_candidates.ini" --overview "$fu/OVERVIEW_FU.csv" \
  --min-candidates-per-alert 3 --output "$out/ztf_candidates_min3.h5" --overwrite > /dev/null
step "blazar §6.1 Fig. 9 DCF (Mrk 421 gamma x radio, OJ 287 X-ray x radio)"
"$bin" dcf --config "$decks/blazar_dcf.ini" "${mrk421[@]}" \
  --output "$out/blazar_dcf_mrk421.h5" --overwrite > /dev/null
"$bin" dcf --config "$decks/blazar_dcf.ini" "${oj287[@]}" --band-a xrt \
  --output "$out/blazar_dcf_oj287.h5" --overwrite > /dev/null
step "blazar §4.2 flares and classes in X-ray and radio"
"$bin" flares --config "$decks/blazar_flares_bands.ini" "${mrk421[@]}" --high-band fermi \
  --output "$out/blazar_flares_mrk421.h5" --overwrite > /dev/null
"$bin" flares --config "$decks/blazar_flares_bands.ini" "${oj287[@]}" --high-band xrt \
  --output "$out/blazar_flares_oj287.h5" --overwrite > /dev/null
step "blazar §4.2.5 Fermi LCR flux units (3C 454.3)"
"$bin" flares --config "$decks/blazar_flares_lcr_units.ini" "${lcr_3c454[@]}" \
  --output "$out/blazar_lcr_units.h5" --overwrite > /dev/null
"$bin" flares --config "$decks/blazar_flares_lcr_units.ini" "${lcr_3c454[@]}" \
  --ul-flux 3e-14 --ul-flux-unit "ph cm^-2 s^-1" \
  --output "$out/blazar_lcr_units_old.h5" --overwrite > /dev/null
"$bin" flares --config "$decks/blazar_flares_lcr_units.ini" "${lcr_3c454[@]}" \
  --fermi-lcr-energy 0.8,200 --output "$out/blazar_lcr_units_energy.h5" --overwrite > /dev/null

step "figures"
f=$out/figures
"$py" "$here/tools/plot_spatial.py" "$out/blazar_spatial.h5" --out-dir "$f" > /dev/null
"$py" "$here/tools/plot_temporal.py" scan "$out/blazar_scan_4fgl.h5" "$f/fig3_scan_4fgl.png"
"$py" "$here/tools/plot_temporal.py" rt "$out/blazar_temporal_4fgl.h5" "$f/fig5_rt_4fgl.png"
"$py" "$here/tools/plot_temporal.py" pvalue "$out/blazar_temporal_4fgl.h5" "$f/fig8_pvalue_4fgl.png"
"$py" "$here/tools/plot_followup.py" all "$out/ztf_followup.h5" "$f" > /dev/null
"$py" "$here/tools/plot_candidates.py" "$out/ztf_candidates.h5" "$f" > /dev/null
"$py" "$here/tools/plot_dcf.py" "$out/blazar_dcf_mrk421.h5" -o "$f/fig9_dcf_lags_mrk421.png" \
  --source "4FGL J1104.4+3812" -s "$f/fig9_dcf_mrk421.png" > /dev/null
"$py" "$here/tools/plot_dcf.py" "$out/blazar_dcf_oj287.h5" -o "$f/fig9_dcf_lags_oj287.png" \
  --source "OJ 287" -s "$f/fig9_dcf_oj287.png" > /dev/null

step "report"
"$py" "$here/tools/paper_report.py" --results "$out" --quick "$quick" --csv "$out/report.csv" \
  --figures "$f" \
  > "$out/REPORT.md"
step "wrote $out/REPORT.md"
