#!/usr/bin/python3
"""Pins the rows of the report of tools/reproduce.sh (its CSV) — see
reproduce_check.sh. usage: check_report.py report.csv"""
import csv
import sys


def main(path):
    rows = list(csv.DictReader(open(path)))
    by_quantity = {r["quantity"]: r for r in rows}
    failures = []

    def value(quantity):
        row = by_quantity.get(quantity)
        if row is None:
            failures.append(f"no row {quantity!r}")
            return None
        if row["nuflare_value"] == "":
            failures.append(f"{quantity!r}: no value ({row['status']})")
            return None
        return float(row["nuflare_value"])

    def exact(quantity, expected):
        v = value(quantity)
        if v is not None and v != expected:
            failures.append(f"{quantity!r} = {v}, expected {expected}")
        elif v is not None:
            print(f"ok: {quantity} = {v:g}")

    def near(quantity, expected, rel=None, absolute=None):
        v = value(quantity)
        if v is None:
            return
        tol = rel * abs(expected) if rel is not None else absolute
        if not abs(v - expected) <= tol:
            failures.append(f"{quantity!r} = {v:.6g}, expected {expected:.6g} ± {tol:.2g}")
        else:
            print(f"ok: {quantity} = {v:.6g}")

    # Blazar paper Table 2 and eq. 2: the paper's numbers under its readings.
    exact("potential sources txs_like (of 32), paper reading", 4)
    exact("potential sources cfs (of 62), paper reading", 2)
    phi = "phi_nu(100 TeV) [GeV^-1 cm^-2 s^-1], log10 E {}, {}"
    near(phi.format("4.8-5.0", "paper reading"), 1.458e-18, rel=1e-3)
    near(phi.format("5.0-5.2", "paper reading"), 1.645e-18, rel=1e-3)
    near(phi.format("4.8-5.0", "paper reading"), 1.459e-18, rel=1e-3)
    near(phi.format("5.0-5.2", "paper reading"), 1.646e-18, rel=1e-3)
    # The default readings (docs/methods.md, Table 2 and eq. 2 sections).
    exact("potential sources txs_like (of 32), default reading", 6)
    exact("potential sources cfs (of 62), default reading", 8)
    near(phi.format("4.8-5.0", "default reading"), 1.589e-18, rel=1e-3)
    near(phi.format("5.0-5.2", "default reading"), 1.777e-18, rel=1e-3)
    exact("4FGL-DR2 sources in the time test (abs δ < 40°, abs b > 10°, VI > 18.48)", 992)
    # ZTF paper §6 (../shared/ORACLES.md, ZTF section; docs/methods.md).
    exact("alerts followed up", 24)
    for evolution, median in (("sfr", 0.636), ("grb", 1.340), ("blazar", 0.564)):
        near(f"median redshift, {evolution}, notebook grid", median, absolute=1e-3)
    for evolution, median in (("sfr", 0.625), ("grb", 1.331), ("blazar", 0.553)):
        near(f"median redshift, {evolution}, default (exact)", median, absolute=1e-3)
    for quantity, f90 in (("f90(-21), sfr", 0.868), ("f90(-22), sfr", 0.581),
                          ("f90(-26), blazar", 0.259)):
        near(quantity + ", notebook grid", f90, absolute=1e-3)
    for quantity, f90 in (("f90(-21), sfr", 0.858), ("f90(-22), sfr", 0.576),
                          ("f90(-26), blazar", 0.259)):
        near(quantity + ", default (exact)", f90, absolute=2e-3)
    for label, values in (("default ε0 = 0.95", (0.285, 0.172, 0.0451, 0.0353)),
                          ("notebook ε0 = 1", (0.300, 0.181, 0.0474, 0.0372))):
        for (evolution, mag), v in zip((("sfr", -21), ("grb", -21), ("sfr", -17), ("grb", -17)),
                                       values):
            near(f"P_det({mag}), {evolution}, {label}", v, absolute=1e-3)
    # ZTF §6 with the K-correction (followup --k-correction, ε0 = 1): the
    # printed 26/16/5/4 % (docs/methods.md: 26.00, 16.13, 4.57, 3.60).
    for (evolution, mag), v, printed in zip(
            (("sfr", -21), ("grb", -21), ("sfr", -17), ("grb", -17)),
            (0.2600, 0.1613, 0.0457, 0.0360), (26, 16, 5, 4)):
        quantity = f"P_det({mag}), {evolution}, K-corrected ε0 = 1"
        near(quantity, v, absolute=5e-4)
        x = value(quantity)
        if x is not None and round(100 * x) != printed:
            failures.append(f"{quantity!r} = {x:.4f} does not round to the printed {printed} %")

    # ZTF §2, Fig. 2-4 (docs/methods.md, "Counts and densities" and "Why 1.05"):
    # counts exact, densities to the paper's two decimals.
    for label, counts, density, faint, efficiency in (
            ("all alerts", (172, 17, 17, 84, 5, 12, 37, 54, 4, 2), 172 / 154.3278, 113, 77 / 113),
            ("≥ 3 per alert", (162, 16, 15, 78, 4, 12, 37, 53, 4, 2), 162 / 154.3278, 106,
             70 / 106)):
        for what, n in zip(("candidates", "Artefact", "Star", "AGN Variability", "AGN Flare",
                            "Transient", "Unclassified", "interesting candidates", "SNe Ia",
                            "TDEs"), counts):
            exact(f"{what}, {label}", n)
        near(f"observed area [deg²], {label}", 154.33, absolute=0.005)
        near(f"candidates per deg², {label}", density, rel=1e-4)
        exact(f"candidates fainter than 19.5 mag, {label}", faint)
        near(f"fraction of the fainter classified, {label}", efficiency, rel=1e-9)

    # Blazar §4.2, §6.1 on the shipped X-ray and radio curves: the values of
    # the flares_xray_radio references and of nuflare dcf (30-d bins: the peak
    # is a bin centre, exact; the fitted mean to 0.1 d).
    exact("flares of Mrk 421, fermi", 11)
    exact("flares of Mrk 421, ovro_15ghz", 5)
    near("simultaneity ratio rho of Mrk 421, fermi × ovro_15ghz", 0.41746338, rel=1e-6)
    exact("flares of OJ 287, xrt", 6)
    exact("flares of OJ 287, ovro_15ghz", 9)
    near("simultaneity ratio rho of OJ 287, xrt × ovro_15ghz", 0.09364285, rel=1e-6)
    for quantity, cls in (("class of Mrk 421, fermi × ovro_15ghz", "none"),
                          ("class of OJ 287, xrt × ovro_15ghz", "TXS-like")):
        row = by_quantity.get(quantity)
        if row is None or row["nuflare_value"] != cls:
            failures.append(f"{quantity!r} = {row and row['nuflare_value']!r}, expected {cls}")
        else:
            print(f"ok: {quantity} = {cls}")
    exact("DCF lag at the maximum, Mrk 421 γ-ray × 15 GHz [d]", 285)
    near("DCF Gaussian-fit lag, Mrk 421 γ-ray × 15 GHz [d]", 288.73, absolute=0.1)
    exact("DCF lag at the maximum, OJ 287 X-ray × 15 GHz [d]", 105)
    # Blazar §4.2.5, flux units: 3C 454.3's F_q with the unit rule and the
    # old reading (tests/unit/lightcurve/test_flux_units.cpp: 2.15e-7, 1.85e-7).
    lcr = "F_q of 3C 454.3 (Fermi LCR weekly), {}"
    near(lcr.format("photon flux, upper limits dropped (unit rule)"), 2.15156e-7, rel=1e-5)
    near(lcr.format("photon flux, 3e-14 written into upper limits (old)"), 1.85213e-7, rel=1e-5)
    near(lcr.format("energy flux 0.8-200 GeV [erg cm^-2 s^-1]"), 1.51913e-10, rel=1e-5)
    # No row is left pending.
    for r in rows:
        if r["status"].startswith("pending"):
            failures.append(f"{r['quantity']!r}: still {r['status']}")

    # Table 4 to the paper's two decimals.
    for r in rows:
        if r["section"] == "§6 Table 4":
            near(r["quantity"], float(r["paper_value"]), absolute=0.0051)
    # Every row either has a value or says why not.
    for r in rows:
        if r["nuflare_value"] == "" and not r["status"]:
            failures.append(f"{r['quantity']!r}: neither a value nor a reason")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
