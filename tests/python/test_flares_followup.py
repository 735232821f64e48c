#!/usr/bin/python3
"""nuflare.find_flares / flare_class and the follow-up functions against the command line.

The demo sky's light curves (inputs/demo/flares.ini) go through
`nuflare flares` and, curve by curve, through nuflare.find_flares and
nuflare.flare_class; every number of the CSV (n_points, p0_used,
f_quiescent, n_flares, flare_days, nxs, rho, class) must be the same double.
nuflare.followup_limits on the demo follow-up table must give the rows of
`nuflare followup` in both grid modes, and the redshift PDFs the medians of
ZTF paper §6 (SFR 0.625 exact, 0.64 on the paper's grid).
"""
import csv
import io
import lzma
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import env_path, require, run, scratch  # noqa: E402

require("numpy", "nuflare")

import numpy as np  # noqa: E402

import nuflare  # noqa: E402

BIN = env_path("NUFLARE_BIN")
SRC = env_path("NUFLARE_SOURCE_DIR")
DEMO = os.path.join(SRC, "inputs/demo")
TMP = scratch("nuflare_py_flares_")


def cli_csv(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"nuflare {' '.join(args)}: status {p.returncode}: {p.stderr}"
    return list(csv.DictReader(io.StringIO(p.stdout)))


def number(text):
    """A CSV field as the command line wrote it: '' is NaN (an empty field)."""
    return math.nan if text == "" else float(text)


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def read_demo_curves():
    curves = {}
    with lzma.open(os.path.join(DEMO, "data/lightcurves.csv.xz"), "rt") as f:
        for row in csv.DictReader(f):
            c = curves.setdefault((row["source"], row["band"]), {"mjd": [], "flux": [],
                                                                  "flux_err": [], "ul": []})
            c["mjd"].append(float(row["mjd"]))
            c["flux"].append(float(row["flux"]))
            c["flux_err"].append(float(row["flux_err"] or 0))  # empty for upper limits
            c["ul"].append(row["upper_limit"] == "1")
    catalog = {}
    with open(os.path.join(DEMO, "data/catalog.csv")) as f:
        for row in csv.DictReader(f):
            catalog[row["name"]] = (float(row["variability_index"]), row["warm_spot"] == "1")
    return curves, catalog


def test_flares_match_the_command_line():
    rows = cli_csv("flares", "--config", os.path.join(DEMO, "flares.ini"),
                   "--output", os.path.join(TMP, "flares.h5"))
    curves, catalog = read_demo_curves()
    results = {}
    for (source, band), c in curves.items():
        vi, warm = catalog.get(source, (math.nan, False))
        results[source, band] = nuflare.find_flares(
            c["mjd"], c["flux"], c["flux_err"], c["ul"], band=band, source=source,
            variability_index=vi if band == "fermi" else math.nan,
            potential_neutrino_source=warm)
    n_curves = n_multi = n_flaring = 0
    classes = set()
    for row in rows:
        source, band = row["source"], row["band"]
        if band == "multi":
            high, low = results[source, "fermi"], results[source, "wise_w2"]
            c = nuflare.flare_class(high, low)
            dropped = high["dropped"] or low["dropped"]
            printed = "none" if dropped else c["flare_class"]
            assert printed == row["class"], (source, printed, row["class"])
            assert same(c["rho"], number(row["rho"])), (source, c["rho"], row["rho"])
            classes.add(printed)
            n_multi += 1
            continue
        r = results[source, band]
        assert r["n_points"] == int(row["n_points"]), (source, band)
        for key in ("p0_used", "f_quiescent", "flare_days", "nxs"):
            assert same(r[key], number(row[key])), (source, band, key, r[key], row[key])
        if row["n_flares"]:
            assert r["n_flares"] == int(row["n_flares"]), (source, band)
            n_flaring += r["n_flares"] > 0
        assert r["flares"].shape == (r["n_flares"], 2)
        assert r["flare_level"].size == (0 if r["too_short"] else r["n_points"])
        n_curves += 1
    assert n_curves == len(curves) and n_multi > 0 and n_flaring > 0
    assert len(classes) >= 2, f"the demo sky should give several classes, got {classes}"
    print(f"     {n_curves} curves and {n_multi} sources identical to `nuflare flares` "
          f"(classes {sorted(classes)})")


def test_flare_result_is_self_consistent():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(55000, 56000, 200))
    f = 1e-11 * (1 + 3 * ((t > 55400) & (t < 55450))) + rng.normal(0, 5e-13, 200)
    e = np.full(200, 5e-13)
    r = nuflare.find_flares(t, f, e, band="xrt")
    assert r["n_flares"] == 1 and r["p0_used"] == 0.01
    start, stop = r["flares"][0]
    assert 55390 < start < 55410 and 55440 < stop < 55460
    fit = nuflare.bayesian_blocks_fit(t, f, e, fitness="measures", p0=0.01)
    assert np.array_equal(fit["edges"], r["edges"]) and np.array_equal(fit["values"], r["block_flux"])
    assert np.array_equal(r["flare_level"], r["flux"] / r["f_quiescent"])
    short = nuflare.find_flares([1.0, 2.0], [1.0, 2.0], [0.1, 0.1])
    assert short["too_short"] and math.isnan(short["f_quiescent"]) and short["edges"].size == 0
    assert nuflare.flare_class(short, r)["flare_class"] == "none"


def test_followup_matches_the_command_line():
    table = os.path.join(DEMO, "data/followup/ztf_overview.csv")
    for grid in ("exact", "stein2023"):
        rows = cli_csv("followup", "--table", table, "--grid", grid, "--mag-step", "1")
        got = nuflare.followup_limits(table, grid=grid, mag_step=1)
        assert len(rows) == got["abs_mag"].size == 4 * 13
        for i, row in enumerate(rows):
            assert got["evolution"][i] == row["evolution"]
            assert got["abs_mag"][i] == float(row["abs_mag"])
            assert got["p_detectable"][i] == float(row["p_detectable"]), (grid, i)
            assert same(got["f_limit"][i], number(row["f_limit"])), (grid, i)
        assert np.isnan(got["f_limit"]).any() and not np.isnan(got["f_limit"]).all()
    # the same numbers from the products alone, and eq. 7 / the f limit one by one
    alerts = nuflare.read_alerts(table)
    p = alerts["table4"]["product"]
    assert alerts["table_format"] == "overview" and p.size == alerts["alerts"]["selected"].sum()
    assert np.allclose(p, alerts["table4"]["p_astro"] * alerts["table4"]["p_obs"], rtol=0, atol=0)
    again = nuflare.followup_limits(p_astro_obs=p, evolution="sfr", abs_mag=[-22.0, -18.0])
    ref = nuflare.followup_limits(table, evolution="sfr", abs_mag=[-22.0, -18.0])
    for key in ("p_detectable", "f_limit", "p_no_counterpart"):
        assert np.array_equal(again[key], ref[key], equal_nan=True)
    assert np.array_equal(nuflare.p_no_counterpart(p, ref["p_detectable"]), ref["p_no_counterpart"])
    assert np.array_equal(nuflare.f_limit(p, ref["p_detectable"]), ref["f_limit"], equal_nan=True)


def test_redshift_medians_of_the_paper():
    # ZTF paper §6 / docs/methods.md: SFR median 0.625 exactly, 0.64 on the paper's grid
    exact = nuflare.redshift_pdf("sfr")
    assert abs(exact["median"] - 0.625) < 5e-4, exact["median"]
    assert exact["z"].size == 801 and abs(exact["cdf"][-1] - 1) < 1e-9
    assert abs(np.interp(exact["median"], exact["z"], exact["cdf"]) - 0.5) < 1e-3
    paper = nuflare.redshift_pdf("sfr", [0.5, 1.0], grid="stein2023")
    assert round(paper["median"], 2) == 0.64, paper["median"]


if __name__ == "__main__":
    run(globals())
