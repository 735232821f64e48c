#!/usr/bin/python3
"""The side-by-side report of tools/reproduce.sh: one row per number the two
papers print, the paper's value next to nuflare's (read from the run
archives with h5py), their relative difference and the reading used
(docs/methods.md, "Reproducing the papers"). Rows the data in ../shared/data
cannot reproduce say which input is missing; rows of a number the paper does
not print (X-ray and radio flares, DCF lags, flux units of Mrk 421, OJ 287
and 3C 454.3) say "no printed value; nuflare's result".

usage: /usr/bin/python3 tools/paper_report.py --results DIR [--quick 0|1] [--csv FILE]
                                             [--figures DIR]
Prints Markdown on stdout; --csv also writes the rows as CSV (the regression
test reads it); --figures draws blazar Fig. 15 (the flux limits against the
diffuse flux) as DIR/fig15_flux_limit.png and ZTF Fig. 15 (the other figures
are drawn by tools/reproduce.sh with the plot_*.py tools). The paper values are transcribed
from the papers' text.
"""
import argparse
import csv
import math
import os
import sys

import h5py
import numpy as np

import archive_tables

BLAZAR = "blazar"
ZTF = "ZTF"
METHODS = "docs/methods.md#reproducing-the-papers"

# What ../shared/data lacks (its MANIFEST.md, "Not found").
MISSING_SEASONS = "nine of ten IceCube seasons (MANIFEST.md, Not found): IC40 only"
MISSING_LCR = "the Fermi LCR light curves of the ~2 700 blazars (MANIFEST.md)"
MISSING_WISE = "the WISE light curves of the paper's sample and WIBRaLS (MANIFEST.md)"
MISSING_NFS = "the NFS and ACC groups (paper_groups holds TXS-like and CFS only)"
MISSING_ZTF_AGN = "the ZTF light curves of the five AGN of Table 3 (nuztfpaper/)"
MISSING_TXS_CURVES = "the Fermi LCR and WISE light curves of TXS 0506+056 (MANIFEST.md, Not found)"
MISSING_XRAY_MM = ("the Swift-XRT and ALMA-calibrator (ACC) light curves of the paper's "
                   "X-ray/mm sample (§4.1)")
# Rows of nuflare's own result where the paper prints no number.
NO_PRINTED = "no printed value; nuflare's result"
MRK421 = "4FGL J1104.4+3812"

# Blazar paper Table 6 (all ten seasons), TXS-like and CFS columns:
# threshold -> (N_measured, N_expected) per group.
TABLE6 = {
    4.8: ((243, 232), (595, 610)), 4.9: ((223, 214), (551, 570)),
    5.0: ((209, 194), (505, 526)), 5.1: ((188, 173), (463, 480)),
    5.2: ((159, 153), (416, 430)), 5.3: ((135, 132), (366, 376)),
    5.4: ((108, 113), (304, 319)), 5.5: ((80, 92), (252, 258)),
    5.6: ((59, 70), (207, 202)), 5.7: ((46, 48), (131, 136)),
    5.8: ((25, 31), (82, 89)), 5.9: ((12, 20), (62, 56)), 6.0: ((7, 12), (39, 34)),
}
# ZTF paper Table 4: P_astro, P_obs, product.
TABLE4 = {
    "IC190503A": (0.36, 0.64, 0.23), "IC190619A": (0.55, 0.71, 0.39),
    "IC190730A": (0.67, 0.75, 0.50), "IC190922B": (0.51, 0.82, 0.42),
    "IC191001A": (0.59, 0.81, 0.48), "IC200107A": (0.50, 0.74, 0.37),
    "IC200109A": (0.77, 0.89, 0.69), "IC200117A": (0.38, 0.84, 0.32),
    "IC200512A": (0.32, 0.85, 0.27), "IC200530A": (0.59, 0.78, 0.46),
    "IC200620A": (0.32, 0.65, 0.21), "IC200916A": (0.32, 0.77, 0.25),
    "IC200926A": (0.44, 0.66, 0.29), "IC200929A": (0.47, 0.70, 0.33),
    "IC201007A": (0.88, 0.87, 0.77), "IC201021A": (0.30, 0.82, 0.25),
    "IC201130A": (0.15, 0.75, 0.11), "IC201209A": (0.19, 0.61, 0.12),
    "IC201222A": (0.53, 0.82, 0.43), "IC210210A": (0.65, 0.67, 0.43),
    "IC210510A": (0.28, 0.82, 0.23), "IC210629A": (0.35, 0.69, 0.24),
    "IC210811A": (0.66, 0.76, 0.50), "IC210922A": (0.93, 0.67, 0.62),
}


class Report:
    def __init__(self):
        self.rows = []

    def add(self, paper, section, quantity, printed, value, reading, status=""):
        """A row; `value` None with a `status` saying why (missing input, no fit)."""
        rel = ""
        if value is not None and printed is not None and not status:
            p, v = float(printed), float(value)
            if p != 0 and math.isfinite(v):
                rel = (v - p) / abs(p)
        self.rows.append(dict(paper=paper, section=section, quantity=quantity,
                              paper_value=printed, nuflare_value=value, rel_diff=rel,
                              reading=reading, status=status))


def fmt(x):
    if x is None or x == "":
        return "—"
    if isinstance(x, str):
        return x
    x = float(x)
    if not math.isfinite(x):
        return "unconstrained"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5):
        return f"{x:.4g}"
    return f"{x:.4g}"


def table(f, path):
    """A table of an archive as {column: list} (the rows below look names up
    with list.index); text columns decoded."""
    return {k: list(v) for k, v in archive_tables.table(f, path).items()}


def open_archive(results, name):
    path = os.path.join(results, name)
    return h5py.File(path, "r") if os.path.exists(path) else None


def archive_table(results, name, path):
    """Table `path` of the run archive `name` (None when that run is absent)."""
    f = open_archive(results, name)
    if not f:
        return None
    with f:
        return table(f, path)


def blazar_spatial(r, results):
    paper_run = open_archive(results, "blazar_spatial.h5")
    default_run = open_archive(results, "blazar_spatial_defaults.h5")
    reading_t2 = ("alerts_mjd_max 59366, alerts_max_area 50 (rectangle), region rectangle "
                  f"[{METHODS}]")
    default_t2 = f"defaults: alerts_mjd_max 59366, no area cut, region ellipse [{METHODS}]"
    for label, run, reading in (("paper reading", paper_run, reading_t2),
                                ("default reading", default_run, default_t2)):
        t2 = table(run, "spatial/table2") if run else None
        for group, printed, n, fraction in (("txs_like", 4, 32, 0.1250), ("cfs", 2, 62, 0.0323)):
            value = None
            if t2:
                i = t2["group"].index(group)
                value = int(t2["n_potential"][i])
                assert int(t2["n_sources"][i]) == n, f"{group}: {t2['n_sources'][i]} sources"
            r.add(BLAZAR, "§6.3 Table 2", f"potential sources {group} (of {n}), {label}",
                  printed, value, reading)
            r.add(BLAZAR, "§6.3 Table 2", f"fraction of potential sources {group}, {label}",
                  fraction, None if value is None else value / n, reading)
    for quantity, printed in (("NFS (of 409)", 32), ("ACC-Fermi mm-γ (of 12)", 2)):
        r.add(BLAZAR, "§6.3 Table 2", f"potential sources {quantity}", printed, None, "",
              "not reproducible: " + MISSING_NFS)

    reading_flux = f"flux_livetime_days 3652.5, flux_area_season IC86_II [{METHODS}]"
    default_flux = f"defaults: good-run livetime per season, own effective area [{METHODS}]"
    for label, run, reading in (("paper reading", paper_run, reading_flux),
                                ("default reading", default_run, default_flux)):
        fl = table(run, "spatial/flux_limit") if run else None
        for k, printed in enumerate((1.459e-18, 1.646e-18)):
            value = float(fl["phi0"][k]) if fl else None
            lo = f"{fl['log10e_min'][k]:.1f}-{fl['log10e_max'][k]:.1f}" if fl else ""
            r.add(BLAZAR, "§7.4 eq. 2",
                  f"phi_nu(100 TeV) [GeV^-1 cm^-2 s^-1], log10 E {lo}, {label}", printed, value,
                  reading)
        if fl:
            frac = max(float(x) for x in fl["fraction_at_pivot"])
            r.add(BLAZAR, "§7.4 Fig. 15", f"share of the diffuse flux at 100 TeV, {label}",
                  0.10, frac, reading + "; the paper prints ≲ 10 %")

    s = table(paper_run, "spatial/summary") if paper_run else None
    for thr, cols in TABLE6.items():
        for (group, (n_meas, n_exp)) in zip(("txs_like", "cfs"), cols):
            for what, printed, column in (("N_measured", n_meas, "n_observed"),
                                          ("N_expected", n_exp, "n_expected")):
                value = None
                if s:
                    for i, g in enumerate(s["group"]):
                        if g == group and abs(float(s["log10e_min"][i]) - thr) < 1e-9:
                            value = float(s[column][i])
                r.add(BLAZAR, "§6.3 Table 6", f"{what} {group}, log10 E ≥ {thr:.1f} "
                      f"(nuflare: IC40 only)", printed, value,
                      "max_angerr 5, RA scrambles", "not reproducible: " + MISSING_SEASONS)
    for f in (paper_run, default_run):
        if f:
            f.close()


def blazar_time(r, results, quick):
    rt = open_archive(results, "blazar_temporal_4fgl.h5")
    # Every selected source is either paired with an alert (n_sources) or in
    # the control pool (outside every region): together, the selection.
    n_sel = (int(rt["temporal"].attrs["n_sources"]) + int(rt["temporal"].attrs["pool_size"])
             if rt else None)
    r.add(BLAZAR, "§4.1", "4FGL-DR2 sources in the time test (abs δ < 40°, abs b > 10°, VI > 18.48)",
          992, n_sel, "min_abs_glat 10, max_abs_dec 40, min_variability_index 18.48 "
          f"(inputs/paper/blazar_temporal_4fgl.ini) [{METHODS}]")
    r.add(BLAZAR, "§5.1.1 Fig. 3", "ΔT × factor scan, pre-trial p of the 4FGL sample", None, None,
          "4FGL yearly flux history in place of LCR; figures/fig3_scan_4fgl.png",
          "not reproducible: " + MISSING_LCR)
    r.add(BLAZAR, "§5 Fig. 4-8", "R(t) and control samples", None, None,
          "4FGL yearly flux history; figures/fig5_rt_4fgl.png, fig8_pvalue_4fgl.png",
          "not reproducible: " + MISSING_LCR + " and " + MISSING_WISE)
    r.add(BLAZAR, "§6.2 Table 1", "mean simultaneity ratios and p-values", None, None, "",
          "not reproducible: " + MISSING_WISE)
    r.add(BLAZAR, "§4.2 Fig. 1, 2", "example light curves, flares and classes", None, None, "",
          "not reproducible: " + MISSING_WISE)
    # Where the text contradicts itself, both readings get a row.
    for dt in (570, 630):
        r.add(BLAZAR, "§5 Fig. 7", f"WIBRaLS R(t) with ΔT = {dt} d (the text gives both)", None,
              None, f"temporal --delta-t {dt} [{METHODS}]", "not reproducible: " + MISSING_WISE)
    for cut, key in (("> 5", "min_detections 6"), ("≥ 5", "min_detections 5")):
        r.add(BLAZAR, "§4.1", f"X-ray/mm sources with {cut} detections (the text gives both)",
              None, None, f"{key} [{METHODS}]", "not reproducible: " + MISSING_XRAY_MM)
    if rt:
        rt.close()


def blazar_dcf(r, results):
    """§6.1, Fig. 9: the lag of the infrared after the γ-ray flares."""
    r.add(BLAZAR, "§6.1 Fig. 9", "infrared lag of TXS 0506+056 after its γ-ray flares [d]", 300,
          None, "the paper: ~300 d", "not reproducible: " + MISSING_TXS_CURVES)
    r.add(BLAZAR, "§6.1 Fig. 9", "max-DCF lags of the FIBS sources (centred at 0-30 d)", None,
          None, "figures/fig9_dcf_lags_*.png: the two sources below",
          "not reproducible: " + MISSING_WISE)
    for name, source, bands, reading in (
            ("blazar_dcf_mrk421.h5", "Mrk 421", "γ-ray × 15 GHz",
             "dcf: Fermi LCR monthly × OVRO, 30-d bins on ±450 d (inputs/paper/blazar_dcf.ini)"),
            ("blazar_dcf_oj287.h5", "OJ 287", "X-ray × 15 GHz",
             "dcf: Swift-XRT × OVRO, --band-a xrt (inputs/paper/blazar_dcf.ini)")):
        t = archive_table(results, name, "dcf/summary")
        peak = float(t["peak_lag"][0]) if t else None
        fit = float(t["fit_lag"][0]) if t else None
        err = float(t["fit_lag_err"][0]) if t else None
        r.add(BLAZAR, "§6.1 Fig. 9", f"DCF lag at the maximum, {source} {bands} [d]", None, peak,
              f"{reading} [{METHODS}]", NO_PRINTED)
        if fit is not None and math.isfinite(fit):
            r.add(BLAZAR, "§6.1 Fig. 9", f"DCF Gaussian-fit lag, {source} {bands} [d]", None, fit,
                  f"{reading}; ± {err:.3g} d", NO_PRINTED)
        else:
            r.add(BLAZAR, "§6.1 Fig. 9", f"DCF Gaussian-fit lag, {source} {bands} [d]", None,
                  None, reading, NO_PRINTED + ": the fit does not resolve the peak "
                  "(docs/methods.md, DCF from the command line)")


def blazar_bands(r, results):
    """§4.2: flares and classes of the two blazars with X-ray or radio curves
    here (the paper names Mrk 421 and OJ 287 in §1 and prints no number for them)."""
    for name, source, label, bands in (
            ("blazar_flares_mrk421.h5", MRK421, "Mrk 421", ("fermi", "ovro_15ghz")),
            ("blazar_flares_oj287.h5", "OJ 287", "OJ 287", ("xrt", "ovro_15ghz"))):
        t = archive_table(results, name, "flares/summary")
        reading = (f"flares --high-band {bands[0]} --low-band {bands[1]} "
                   "(inputs/paper/blazar_flares_bands.ini)")

        def row(band):
            if not t:
                return None
            for i, (s_, b_) in enumerate(zip(t["source"], t["band"])):
                if s_ == source and b_ == band:
                    return i
            return None
        for band in bands:
            i = row(band)
            r.add(BLAZAR, "§4.2", f"flares of {label}, {band}", None,
                  None if i is None else int(t["n_flares"][i]), reading, NO_PRINTED)
        i = row("multi")
        r.add(BLAZAR, "§4.2.4", f"simultaneity ratio rho of {label}, {bands[0]} × {bands[1]}",
              None, None if i is None else float(t["rho"][i]), reading, NO_PRINTED)
        r.add(BLAZAR, "§4.2.4", f"class of {label}, {bands[0]} × {bands[1]}", None,
              None if i is None else t["class"][i], reading, NO_PRINTED)


def blazar_lcr_units(r, results):
    """§4.2.5: 3e-14 erg cm^-2 s^-1 for upper limits, and the Fermi LCR photon fluxes."""
    for name, label, reading in (
            ("blazar_lcr_units.h5", "photon flux, upper limits dropped (unit rule)",
             "flares default: 3e-14 is an energy flux, the LCR curve a photon flux"),
            ("blazar_lcr_units_old.h5", "photon flux, 3e-14 written into upper limits (old)",
             "--ul-flux 3e-14 --ul-flux-unit 'ph cm^-2 s^-1' (the behaviour before the rule)"),
            ("blazar_lcr_units_energy.h5", "energy flux 0.8-200 GeV [erg cm^-2 s^-1]",
             "--fermi-lcr-energy 0.8,200: the paper's unit, 3e-14 applies")):
        t = archive_table(results, name, "flares/summary")
        value = None
        if t:
            i = [k for k, b in enumerate(t["band"]) if b == "fermi"][0]
            value = float(t["f_quiescent"][i])
        r.add(BLAZAR, "§4.2.5", f"F_q of 3C 454.3 (Fermi LCR weekly), {label}", None, value,
              f"{reading} [docs/methods.md#flux-units]", NO_PRINTED)


def curve_at(f, evolution, mag, column):
    g = f[f"followup/curves/{evolution}"]
    m = g["abs_mag"][()]
    i = int(np.argmin(np.abs(m - mag)))
    if abs(m[i] - mag) > 1e-6:
        return None
    return float(g[column][i])


def ztf(r, results):
    default = open_archive(results, "ztf_followup.h5")
    grid = open_archive(results, "ztf_followup_notebook_grid.h5")
    eps1 = open_archive(results, "ztf_followup_epsilon1.h5")
    if default:
        a = default["followup"].attrs
        r.add(ZTF, "§2 Table 1", "alerts followed up", 24, int(a["n_alerts"]), "OVERVIEW_FU.csv")
        t4 = table(default, "followup/table4")
        for name, (pa, po, prod) in TABLE4.items():
            i = t4["name"].index(name) if name in t4["name"] else None
            for what, printed, col in (("P_astro", pa, "p_astro"), ("P_obs", po, "p_obs"),
                                       ("P_astro × P_obs", prod, "product")):
                value = None if i is None else float(t4[col][i])
                r.add(ZTF, "§6 Table 4", f"{what} {name}", printed, value,
                      "eq. 1: P_obs = 0.9 A_ZTF / A_IC")
    for label, run, reading in (("default (exact)", default, f"exact integration [{METHODS}]"),
                                ("notebook grid", grid, f"followup grid stein2023 [{METHODS}]")):
        if not run:
            continue
        for evolution, printed in (("sfr", 0.64), ("grb", 1.34), ("blazar", 0.57)):
            value = float(run[f"followup/pdist/{evolution}"].attrs["median"])
            r.add(ZTF, "§6 Fig. 14", f"median redshift, {evolution}, {label}", printed, value,
                  reading)
        for evolution, mag, printed in (("sfr", -21, 0.87), ("sfr", -22, 0.58),
                                        ("blazar", -26, 0.26)):
            value = curve_at(run, evolution, mag, "f_limit")
            r.add(ZTF, "§6 Fig. 17", f"f90({mag}), {evolution}, {label}", printed, value,
                  reading)
    for label, run, reading in (("default ε0 = 0.95", default, f"eq. 2 as printed [{METHODS}]"),
                                ("notebook ε0 = 1", eps1, f"epsilon0 1 [{METHODS}]")):
        for evolution, mag, printed in (("sfr", -21, 0.26), ("grb", -21, 0.16),
                                        ("sfr", -17, 0.05), ("grb", -17, 0.04)):
            value = curve_at(run, evolution, mag, "p_detectable") if run else None
            r.add(ZTF, "§6", f"P_det({mag}), {evolution}, {label}", printed, value, reading)
    kcorr = open_archive(results, "ztf_followup_kcorr.h5")
    for evolution, mag, printed in (("sfr", -21, 0.26), ("grb", -21, 0.16),
                                    ("sfr", -17, 0.05), ("grb", -17, 0.04)):
        value = curve_at(kcorr, evolution, mag, "p_detectable") if kcorr else None
        r.add(ZTF, "§6", f"P_det({mag}), {evolution}, K-corrected ε0 = 1", printed, value,
              f"followup --epsilon0 1 --k-correction: +2.5 log10(1+z) [{METHODS}]")
    if kcorr:
        kcorr.close()
    r.add(ZTF, "§6 Fig. 15", "cumulative P_det against redshift", None, None,
          "figures/ztf_fig15_cumulative_pdet.png", "figure only: no printed number")
    r.add(ZTF, "§4 Table 3", "AGN flare ratios (13 values)", None, None, "",
          "not reproducible: " + MISSING_ZTF_AGN)
    ztf_candidates(r, results)
    r.add(ZTF, "§2 Fig. 1", "median latency 12.2 h", 12.2,
          float(default["followup"].attrs["latency_median_hours"])
          if default and "latency_median_hours" in default["followup"].attrs else None, "",
          "" if default and "latency_median_hours" in default["followup"].attrs
          else "not reproducible: OVERVIEW_FU.csv carries no latencies")
    for f in (default, grid, eps1):
        if f:
            f.close()


def ztf_candidates(r, results):
    """§2, Fig. 2-4: the candidates, read two ways (docs/methods.md, "Why 1.05")."""
    for name, label, reading in (
            ("ztf_candidates.h5", "all alerts",
             "candidates: every candidate (the notebook; inputs/paper/ztf_candidates.ini)"),
            ("ztf_candidates_min3.h5", "≥ 3 per alert",
             "candidates --min-candidates-per-alert 3 (the paper's earlier loader)")):
        t = archive_table(results, name, "candidates/summary")

        def get(section, lab, column="count"):
            if not t:
                return None
            for i, (s_, l_) in enumerate(zip(t["section"], t["label"])):
                if s_ == section and l_ == lab:
                    v = t[column][i]
                    return int(v) if column == "count" else float(v)
            return None
        reading = f"{reading} [{METHODS}]"
        r.add(ZTF, "§2", f"candidates, {label}", 172, get("summary", "candidates"), reading)
        r.add(ZTF, "§2", f"observed area [deg²], {label}", 154.33,
              get("summary", "observed_area_deg2", "value"), reading)
        r.add(ZTF, "§2", f"candidates per deg², {label}", 1.05,
              get("summary", "candidates", "value"), reading)
        for cls, printed in (("Artefact", 17), ("Star", 17), ("AGN Variability", 84),
                             ("AGN Flare", 5), ("Transient", 12), ("Unclassified", 37)):
            r.add(ZTF, "§2 Fig. 2", f"{cls}, {label}", printed, get("fig2", cls), reading)
        r.add(ZTF, "§2 Fig. 2", f"interesting candidates, {label}", 54,
              get("summary", "interesting"), reading)
        r.add(ZTF, "§2 Fig. 3", f"candidates fainter than 19.5 mag, {label}", 106,
              get("fig3_split", "faint"), reading + "; the notebook's bins (centre ≥ 19.5)")
        r.add(ZTF, "§2 Fig. 3", f"fraction of the fainter classified, {label}", 0.68,
              get("fig3_split", "faint", "value"), reading)
        r.add(ZTF, "§2 Fig. 4", f"SNe Ia, {label}", 4, get("fig4", "SN Ia"), reading)
        r.add(ZTF, "§2 Fig. 4", f"TDEs, {label}", 2, get("fig4", "TDE"), reading)


def draw_fig15(results, out_dir):
    """Blazar Fig. 15: E^2 phi of the limits per bin (both readings) against the
    diffuse astrophysical nu_mu flux, 4 pi * 1.44e-18 (E / 100 TeV)^-2.37 (§7.4)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2))
    e = np.logspace(4.5, 5.5, 50)
    ax.plot(e, e**2 * 4 * np.pi * 1.44e-18 * (e / 1e5) ** -2.37, "k-",
            label="diffuse ν_μ (Abbasi et al. 2021), 4π sr")
    for name, label, style in (("blazar_spatial.h5", "limit, paper reading", "C0-"),
                               ("blazar_spatial_defaults.h5", "limit, default reading", "C1--")):
        f = open_archive(results, name)
        if not f:
            continue
        fl = table(f, "spatial/flux_limit")
        f.close()
        for k in range(len(fl["phi0"])):
            lo, hi = 10 ** fl["log10e_min"][k], 10 ** fl["log10e_max"][k]
            x = np.array([lo, hi])
            ax.plot(x, x**2 * fl["phi0"][k] * (x / 1e5) ** -2, style, lw=2,
                    label=label if k == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("E_ν [GeV]")
    ax.set_ylabel("E² φ [GeV cm⁻² s⁻¹]")
    ax.set_title("Blazar paper Fig. 15: TXS-like limit (N = 10) vs diffuse flux")
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(out_dir, exist_ok=True)
    fig.savefig(os.path.join(out_dir, "fig15_flux_limit.png"), dpi=120)
    plt.close(fig)


def draw_ztf_fig15(results, out_dir):
    """ZTF Fig. 15: cumulative P_det(< z) of eq. 5 for SFR- and GRB-like
    populations at M = -21 and -17: the archive's P_dist(z) times the step
    efficiency of eq. 2 (epsilon0 below 19.5 mag, 0.68 epsilon0 to 21 mag) at
    m = M + distance modulus (WMAP9, as nuflare followup), integrated on the
    archive's z grid and scaled so that its end is the archive's P_det(M)
    (the grid's trapezoid error, < 1 %)."""
    f = open_archive(results, "ztf_followup.h5")
    if not f:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from astropy.cosmology import WMAP9

    eps0 = float(f["followup"].attrs["epsilon0"])
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for k, evolution in enumerate(("sfr", "grb")):
        if f"followup/pdist/{evolution}" not in f:
            continue
        g = f[f"followup/pdist/{evolution}"]
        z, density = g["z"][()], g["density"][()]
        mu = WMAP9.distmod(np.where(z > 0, z, 1e-9)).value
        for mag, style in ((-21, "-"), (-17, "--")):
            m = mag + mu
            eps = eps0 * np.where(m < 19.5, 1.0, np.where(m < 21, 0.68, 0.0))
            y = density * eps
            cum = np.concatenate([[0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(z))])
            end = curve_at(f, evolution, mag, "p_detectable")
            if end is not None and cum[-1] > 0:
                cum *= end / cum[-1]
            ax.plot(z, cum, f"C{k}{style}", label=f"{evolution.upper()}, M = {mag}")
    f.close()
    ax.set_xlabel("redshift z")
    ax.set_ylabel("cumulative P_detectable(< z)")
    ax.set_xlim(0, 1)
    ax.set_title("ZTF paper Fig. 15: cumulative P_det (eq. 2, 5)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "ztf_fig15_cumulative_pdet.png"), dpi=120)
    plt.close(fig)
    return True


def summary(rows):
    within1 = within10 = beyond = nuflare_only = 0
    reasons = {}
    for row in rows:
        if row["status"].startswith(NO_PRINTED):
            nuflare_only += 1
            continue
        if row["status"]:
            reasons[row["status"]] = reasons.get(row["status"], 0) + 1
            continue
        if row["rel_diff"] == "":
            continue
        d = abs(row["rel_diff"])
        if d <= 0.01:
            within1 += 1
        elif d <= 0.10:
            within10 += 1
        else:
            beyond += 1
    return within1, within10, beyond, nuflare_only, reasons


def markdown(rows, quick):
    within1, within10, beyond, nuflare_only, reasons = summary(rows)
    out = ["# nuflare against the papers' printed numbers", "",
           "Generated by `tools/reproduce.sh` (tools/paper_report.py) from the archives in "
           "this folder; do not edit. Readings: docs/methods.md, \"Reproducing the papers\".",
           "", "## Summary", "",
           f"- rows within 1 %: **{within1}**",
           f"- rows within 10 % (but not 1 %): **{within10}**",
           f"- rows further off: **{beyond}** (each names its reading; see docs/methods.md)",
           f"- rows where the paper prints no number (nuflare's result only): **{nuflare_only}**",
           f"- rows not reproducible here: **{sum(reasons.values())}**"]
    for why, n in sorted(reasons.items()):
        out.append(f"  - {n} × {why}")
    trials = ("--quick: 200 spatial and 20 time-test trials" if quick else
              "the paper's: 10⁵ spatial RA scrambles, 10⁴ scan and 10⁴ R(t) "
              "control trials")
    out += ["", f"Trial counts: {trials}; N_expected and p-values carry their "
            "Monte-Carlo error, all other rows are exact.", ""]
    for paper, title in ((BLAZAR, "Blazar-flare paper"), (ZTF, "ZTF paper (Stein et al. 2023)")):
        out += [f"## {title}", "",
                "| section | quantity | paper | nuflare | rel. diff | reading | status |",
                "|---|---|---|---|---|---|---|"]
        for row in rows:
            if row["paper"] != paper:
                continue
            rel = "" if row["rel_diff"] == "" else f"{100 * row['rel_diff']:+.2f} %"
            cells = (row["section"], row["quantity"], fmt(row["paper_value"]),
                     fmt(row["nuflare_value"]), rel, row["reading"], row["status"])
            out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", required=True, help="folder of the archives of reproduce.sh")
    ap.add_argument("--quick", default="0", choices=["0", "1"])
    ap.add_argument("--csv", help="also write the rows as CSV to this file")
    ap.add_argument("--figures", help="draw blazar Fig. 15 into this folder")
    args = ap.parse_args()
    if args.figures:
        draw_fig15(args.results, args.figures)
        draw_ztf_fig15(args.results, args.figures)
    r = Report()
    blazar_spatial(r, args.results)
    blazar_time(r, args.results, args.quick == "1")
    blazar_dcf(r, args.results)
    blazar_bands(r, args.results)
    blazar_lcr_units(r, args.results)
    ztf(r, args.results)
    print(markdown(r.rows, args.quick == "1"))
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(r.rows[0].keys()))
            w.writeheader()
            for row in r.rows:
                w.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
