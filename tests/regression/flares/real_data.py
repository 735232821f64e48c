#!/usr/bin/python3
"""Regression: `nuflare flares` on real light curves (issue 3 item 7).

* Fermi LCR monthly light curves of 3C 279 (4FGL J1256.1-0547) and 3C 454.3
  (4FGL J2253.9+1609);
* Mrk 421 over gamma-ray (Fermi LCR monthly) and radio (OVRO 15 GHz), and
  OJ 287 over X-ray (Swift-XRT QDP) and radio (OVRO): `--xrt-qdp`, `--ovro`
  (issue 14 item 6; references ref_mrk421_gamma_radio.csv, ref_oj287_xray_radio.csv);
* WISE W1/W2 single-exposure photometry of AT2019dsg and AT2019fdr from the
  timewise test data, run with --high-band wise_w1 --low-band wise_w2 (a
  machinery check: both bands are infrared).

Checks (1) the printed CSV against the stored references in this folder
(strings exact, numbers to 1e-9 relative), (2) every curve's Bayesian Blocks
against astropy.stats.bayesian_blocks (fitness "measures", the p0 the run
used) on the prepared points read back from the archive with h5py, and
(3) the flare intervals against the flaring blocks (blazar paper §4.2).

Arguments: the names of the runs to do (default: all).
Environment: NUFLARE_BIN, NUFLARE_SHARED_DIR (skips with 77 when the data are
absent). `--update` rewrites the references; `--check-archive RUN.h5` runs
checks (2) and (3) alone on any flares archive.
"""
import csv
import io
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from astropy.stats import bayesian_blocks

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def runs(data):
    lcr = os.path.join(data, "fermi_lcr_lightcurves")
    wise = os.path.join(data, "wise_neowise_photometry_timewise_testdata")
    fermi_files = [os.path.join(lcr, f) for f in (
        "4FGL_J1256.1-0547_monthly_2_20_2025.csv",   # 3C 279
        "4FGL_J2253.9+1609_monthly_2_20_2025.csv")]  # 3C 454.3
    wise_files = sorted(os.path.join(wise, f) for f in os.listdir(wise)
                        if f.startswith("raw_photometry_")) if os.path.isdir(wise) else []
    ovro = os.path.join(data, "radio_ovro_blazars")
    mrk421_lcr = os.path.join(lcr, "4FGL_J1104.4+3812_monthly_2_20_2025.csv")
    mrk421_ovro = os.path.join(ovro, "Mrk421_15GHz.csv")
    oj287_xrt = os.path.join(data, "swift_xrt_blazars", "OJ287_swift_xrt_curve.qdp")
    oj287_ovro = os.path.join(ovro, "OJ287_J0854+2006_15GHz.csv")
    return {
        "fermi_lcr": (fermi_files, ["--fermi-lcr", *fermi_files]),
        # Mrk 421 over gamma-ray (Fermi LCR, photon flux) and radio (OVRO 15 GHz, Jy):
        # the OVRO curve named as the LCR one so that both are one source.
        "mrk421_gamma_radio": ([mrk421_lcr, mrk421_ovro],
                               ["--fermi-lcr", mrk421_lcr, "--ovro", mrk421_ovro,
                                "--ovro-source", "4FGL J1104.4+3812",
                                "--high-band", "fermi", "--low-band", "ovro_15ghz"]),
        # OJ 287 over X-ray (Swift-XRT count rate, WT and PC merged) and radio.
        "oj287_xray_radio": ([oj287_xrt, oj287_ovro],
                             ["--xrt-qdp", oj287_xrt, "--xrt-source", "OJ 287",
                              "--ovro", oj287_ovro, "--ovro-source", "OJ 287",
                              "--high-band", "xrt", "--low-band", "ovro_15ghz"]),
        "wise": (wise_files + [os.path.join(wise, "test_sample.csv")],
                 ["--wise", *wise_files, "--wise-sample", os.path.join(wise, "test_sample.csv"),
                  "--select", "AT2019dsg", "AT2019fdr",
                  "--high-band", "wise_w1", "--low-band", "wise_w2"]),
    }


def same_field(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) and math.isnan(y):
        return True
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y))


def compare_csv(name, text, ref_path):
    got = list(csv.reader(io.StringIO(text)))
    with open(ref_path) as f:
        ref = list(csv.reader(f))
    errors = []
    if len(got) != len(ref):
        errors.append(f"{name}: {len(got)} rows, reference {len(ref)}")
    for r, (g, e) in enumerate(zip(got, ref)):
        if len(g) != len(e) or not all(same_field(a, b) for a, b in zip(g, e)):
            errors.append(f"{name}: row {r}: got {g}, reference {e}")
    return errors


def check_archive(name, path):
    """astropy blocks and flare intervals for every analysed curve."""
    errors, n_checked = [], 0
    with h5py.File(path, "r") as h:
        c = h["/flares/sources/curves"]
        p = h["/flares/sources/points"]
        b = h["/flares/sources/blocks"]
        fl = h["/flares/sources/flares"]
        mjd, flux, err = p["mjd"][:], p["flux"][:], p["flux_err"][:]
        bstart, bstop, bflux, bflaring = b["start"][:], b["stop"][:], b["flux"][:], b["flaring"][:]
        fstart, fstop = fl["start"][:], fl["stop"][:]
        for k in range(len(c["band"])):
            label = f"{name}: {c['source'][k].decode()} {c['band'][k].decode()}"
            if c["too_short"][k]:
                continue
            p0, p1 = c["point_begin"][k], c["point_end"][k]
            b0, b1 = c["block_begin"][k], c["block_end"][k]
            t, x, s = mjd[p0:p1], flux[p0:p1], err[p0:p1]
            ours = np.append(bstart[b0:b1], bstop[b1 - 1])
            ref = bayesian_blocks(t, x, s, fitness="measures", p0=float(c["p0_used"][k]))
            n_checked += 1
            if len(ours) != len(ref) or np.max(np.abs(ours - ref)) > 1e-9:
                errors.append(f"{label}: edges {list(ours)} vs astropy {list(ref)}")
                continue
            # block flux = inverse-variance weighted mean (docs/methods.md, Bayesian Blocks)
            idx = np.searchsorted(ref, t, side="right") - 1
            idx[idx == len(ref) - 1] = len(ref) - 2
            w = 1 / s**2
            want = np.bincount(idx, w * x, len(ref) - 1) / np.bincount(idx, w, len(ref) - 1)
            if not np.allclose(bflux[b0:b1], want, rtol=1e-10, atol=0):
                errors.append(f"{label}: block fluxes differ from the weighted means")
            # flare intervals = runs of adjacent flaring blocks (blazar paper §4.2)
            runs_, cur = [], None
            for j in range(b0, b1):
                if bflaring[j]:
                    cur = [bstart[j], bstop[j]] if cur is None else [cur[0], bstop[j]]
                elif cur is not None:
                    runs_.append(cur)
                    cur = None
            if cur is not None:
                runs_.append(cur)
            f0, f1 = c["flare_begin"][k], c["flare_end"][k]
            have = [[fstart[j], fstop[j]] for j in range(f0, f1)]
            if not np.array_equal(np.array(have).reshape(-1, 2), np.array(runs_).reshape(-1, 2)):
                errors.append(f"{label}: flare intervals {have} vs flaring-block runs {runs_}")
    return errors, n_checked


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check-archive":
        # the astropy / flare-interval checks alone, on any flares archive
        errors, n = check_archive(sys.argv[2], sys.argv[2])
        for e in errors:
            print("FAIL:", e)
        print(f"{n} curves compared with astropy; {len(errors)} problems")
        return 1 if errors else 0
    update = "--update" in sys.argv
    binary = os.environ.get("NUFLARE_BIN", "nuflare")
    data = os.path.join(os.environ.get("NUFLARE_SHARED_DIR", "/work/shared"), "data")
    errors, total = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        only = [a for a in sys.argv[1:] if not a.startswith("--")]
        for name, (needed, args) in runs(data).items():
            if only and name not in only:
                continue
            if not needed or not all(os.path.exists(f) for f in needed):
                print(f"SKIP: {name}: real data not found under {data}")
                return SKIP
            out = os.path.join(tmp, name + ".h5")
            r = subprocess.run([binary, "flares", *args, "--output", out],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL: {name}: exit {r.returncode}: {r.stderr.strip()}")
                return 1
            ref = os.path.join(HERE, f"ref_{name}.csv")
            if update:
                with open(ref, "w") as f:
                    f.write(r.stdout)
            errors += compare_csv(name, r.stdout, ref)
            e, n = check_archive(name, out)
            errors += e
            total += n
            print(r.stdout, end="")
    for e in errors:
        print("FAIL:", e)
    print(f"{total} curves compared with astropy; {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
