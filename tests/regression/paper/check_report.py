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
