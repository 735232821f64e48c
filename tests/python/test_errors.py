#!/usr/bin/python3
"""Every ValueError of the Python module and its message.

Where the command line can be given the same bad input, the Python message
must be the one `nuflare blocks` / `nuflare followup` prints after
"nuflare: " (option names written as keywords: `--cl` -> `cl`); the other
messages are checked literally.
"""
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import env_path, expect_error, require, run, scratch  # noqa: E402

require("numpy", "nuflare")

import numpy as np  # noqa: E402

import nuflare  # noqa: E402

BIN = env_path("NUFLARE_BIN")
SRC = env_path("NUFLARE_SOURCE_DIR")
TMP = scratch("nuflare_py_errors_")
FOLLOWUP_TABLE = os.path.join(SRC, "inputs/demo/data/followup/ztf_overview.csv")


def cli_error(*args):
    """The one-line message of a failing `nuflare` command, without "nuflare: "."""
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, f"nuflare {' '.join(args)}: status {p.returncode}, {p.stderr}"
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nuflare: "), p.stderr
    return lines[0][len("nuflare: "):]


def csv(name, header, rows):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")
    return path


def same_as_cli(fn, cli_args, rename=()):
    """fn() raises ValueError whose message is the CLI's (options renamed)."""
    want = cli_error(*cli_args)
    for old, new in rename:
        want = want.replace(old, new)
    expect_error(ValueError, want, fn)


# --- bayesian_blocks: the messages `nuflare blocks` gives for the same input ---------------

def test_blocks_unknown_fitness_as_cli():
    path = csv("t.csv", "t", [[0], [1], [2]])
    same_as_cli(lambda: nuflare.bayesian_blocks([0, 1, 2], fitness="poisson"),
                ["blocks", "--input", path, "--fitness", "poisson"])


def test_blocks_repeated_times_with_x_as_cli():
    path = csv("rep.csv", "t,x,sigma", [[0, 1, 1], [1, 2, 1], [1, 3, 1]])
    same_as_cli(lambda: nuflare.bayesian_blocks([0, 1, 1], [1, 2, 3], 1.0, fitness="measures"),
                ["blocks", "--input", path])


def test_blocks_non_integer_counts_as_cli():
    path = csv("counts.csv", "t,x", [[0, 1], [1, 2.5], [2, 1]])
    same_as_cli(lambda: nuflare.bayesian_blocks([0, 1, 2], [1, 2.5, 1], fitness="events"),
                ["blocks", "--input", path, "--fitness", "events"])


def test_blocks_regular_events_not_binary_as_cli():
    path = csv("reg.csv", "t,x", [[0, 1], [1, 2], [2, 0]])
    same_as_cli(
        lambda: nuflare.bayesian_blocks([0, 1, 2], [1, 2, 0], fitness="regular_events", dt=1),
        ["blocks", "--input", path, "--fitness", "regular_events", "--dt", "1"])


def test_blocks_library_messages():
    bb = nuflare.bayesian_blocks
    cases = [
        ("bayesian_blocks: t: time is not finite", lambda: bb([0, math.nan, 2])),
        ("bayesian_blocks: t: time is not finite", lambda: bb([0, math.inf, 2])),
        ("bayesian_blocks: x: value is not finite",
         lambda: bb([0, 1, 2], [1, math.nan, 1], fitness="measures")),
        ("bayesian_blocks: sigma: error must be finite and positive",
         lambda: bb([0, 1, 2], [1, 2, 1], [1, 0, 1], fitness="measures")),
        ("bayesian_blocks: sigma: error must be finite and positive",
         lambda: bb([0, 1, 2], [1, 2, 1], -0.5, fitness="measures")),
        ("bayesian_blocks: sigma: error must be finite and positive",
         lambda: bb([0, 1, 2], [1, 2, 1], [1, math.inf, 1], fitness="measures")),
        ("bayesian_blocks: x: x does not match the shape of t",
         lambda: bb([0, 1, 2], [1, 2], fitness="measures")),
        ("bayesian_blocks: sigma: sigma does not match the shape of x",
         lambda: bb([0, 1, 2], [1, 2, 3], [1, 1], fitness="measures")),
        ("bayesian_blocks: sigma: if sigma is given, x must be given",
         lambda: bb([0, 1, 2], None, 1.0)),
        ("bayesian_blocks: x: x must be given for point measures",
         lambda: bb([0, 1, 2], fitness="measures")),
        ("bayesian_blocks: t: no data points", lambda: bb([])),
        ("bayesian_blocks: t: t must be a one-dimensional array", lambda: bb([[0, 1], [2, 3]])),
        ("bayesian_blocks: t: t must be a one-dimensional array", lambda: bb(1.0)),
        ("bayesian_blocks: x: x must be a one-dimensional array",
         lambda: bb([0, 1], [[1], [2]], fitness="measures")),
        ("p0: false-alarm probability must lie in (0, 1), got 1.500000",
         lambda: bb([0, 1, 2], p0=1.5)),
        ("p0: false-alarm probability must lie in (0, 1), got 0.000000",
         lambda: bb([0, 1, 2], p0=0)),
        ("gamma: must be positive and finite", lambda: bb([0, 1, 2], gamma=-1)),
        ("ncp_prior: must be finite", lambda: bb([0, 1, 2], ncp_prior=math.nan)),
        ("dt: regular_events needs a positive tick length",
         lambda: bb([0, 1, 2], [0, 1, 0], fitness="regular_events")),
        ("dt: regular_events needs a positive tick length",
         lambda: bb([0, 1, 2], [0, 1, 0], fitness="regular_events", dt=-1)),
        ('fitness: expected measures, events or regular_events, got "<class \'object\'>"',
         lambda: bb([0, 1, 2], fitness=object)),
    ]
    for message, fn in cases:
        expect_error(ValueError, message, fn)
    try:  # numpy's own conversion error (its wording is numpy's)
        bb(["a", "b"])
    except ValueError:
        pass
    else:
        raise AssertionError("no ValueError for non-numeric times")


def test_blocks_keywords_as_astropy():
    expect_error(TypeError, "bayesian_blocks() got an unexpected keyword argument 'p_0'",
                 nuflare.bayesian_blocks, [0, 1, 2], p_0=0.1)
    expect_error(TypeError,
                 "bayesian_blocks() got dt, which only fitness='regular_events' takes",
                 nuflare.bayesian_blocks, [0, 1, 2], dt=1.0)


# --- find_flares and flare_class ------------------------------------------------------------

def test_flares_messages():
    t = np.arange(10.0)
    f = np.ones(10)
    e = np.full(10, 0.1)
    ff = nuflare.find_flares
    cases = [
        ("light curve: flux: 9 values for 10 times", lambda: ff(t, f[:9], e)),
        ("light curve: flux_err: 9 values for 10 times", lambda: ff(t, f, e[:9])),
        ("light curve: upper_limit: 3 values for 10 times", lambda: ff(t, f, e, [0, 1, 0])),
        ("light curve: mjd: must be a one-dimensional array", lambda: ff([[1.0]], [1.0], [1.0])),
        ("light curve S/fermi:3: flux: not finite",
         lambda: ff(t, np.where(t == 2, np.nan, f), e, source="S")),
        ("light curve S/xrt:2: flux_err: not a finite non-negative number",
         lambda: ff(t, f, np.where(t == 1, -1.0, e), source="S", band="xrt")),
        ("light curve /fermi:1: mjd: not finite", lambda: ff(np.where(t == 0, np.inf, t), f, e)),
        ("p0 and p0_fallback must be in (0, 1)", lambda: ff(t, f, e, p0=1.0)),
        ("p0 and p0_fallback must be in (0, 1)", lambda: ff(t, f, e, p0_fallback=0.0)),
        ("quiescent_skip must be in [0, 1) and quiescent_fraction in (0, 1]",
         lambda: ff(t, f, e, quiescent_skip=1.0)),
        ("quiescent_fraction must be positive and finite",
         lambda: ff(t, f, e, quiescent_fraction=0.0)),
        ('ambiguous_when: expected greater or less, got "more"',
         lambda: ff(t, f, e, ambiguous_when="more")),
        ('upper_limits: expected replace, drop or keep, got "ignore"',
         lambda: ff(t, f, e, upper_limits="ignore")),
        ("ul_flux must be positive and finite", lambda: ff(t, f, e, ul_flux=-1.0)),
        ("merge_window must be positive and finite", lambda: ff(t, f, e, merge_window=math.inf)),
        ("clip_sigma must be positive and finite", lambda: ff(t, f, e, clip_sigma=0.0)),
    ]
    for message, fn in cases:
        expect_error(ValueError, message, fn)
    good = ff(t, f, e)
    expect_error(ValueError, "flare_class: high: span must be (first, last)",
                 nuflare.flare_class, dict(good, span=(1.0,)), good)


# --- follow-up: the messages of `nuflare followup`, options renamed -------------------------

def test_followup_options_as_cli():
    table = ["followup", "--table", FOLLOWUP_TABLE]
    fl = nuflare.followup_limits
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, cl=1.5), table + ["--cl", "1.5"], [("--cl", "cl")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, evolution="agn"), table + ["--evolution", "agn"],
                [("--evolution", "evolution")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, grid="coarse"), table + ["--grid", "coarse"],
                [("--grid", "grid")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, survey="lsst"), table + ["--survey", "lsst"],
                [("--survey", "survey")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, epsilon0=2), table + ["--epsilon0", "2"],
                [("--epsilon0", "epsilon0")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, deep_efficiency=-0.5),
                table + ["--deep-efficiency", "-0.5"], [("--deep-efficiency", "deep_efficiency")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, alert_repeat=0), table + ["--alert-repeat", "0"],
                [("--alert-repeat", "alert_repeat")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, gamma=math.inf), table + ["--gamma", "inf"],
                [("--gamma", "gamma")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, mag_min=-10, mag_max=-20),
                table + ["--mag-min", "-10", "--mag-max", "-20"],
                [("--mag-min", "mag_min"), ("--mag-max", "mag_max")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, mag_step=0), table + ["--mag-step", "0"],
                [("--mag-step", "mag_step")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, missing_signalness=3),
                table + ["--missing-signalness", "3"], [("--missing-signalness", "missing_signalness")])
    same_as_cli(lambda: fl(FOLLOWUP_TABLE, table_format="xlsx"), table + ["--table-format", "xlsx"],
                [("--table-format", "table_format")])


def test_followup_bad_table_as_cli():
    bad = csv("alerts.csv", "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,"
              "signalness", [["IC1", 10, 95, 1, 1, 1, 1, 4, 2, 0.6]])
    same_as_cli(lambda: nuflare.followup_limits(bad), ["followup", "--table", bad])
    same_as_cli(lambda: nuflare.read_alerts(bad), ["followup", "--table", bad])
    missing = os.path.join(TMP, "missing.csv")
    same_as_cli(lambda: nuflare.read_alerts(missing, table_format="campaign"),
                ["followup", "--table", missing, "--table-format", "campaign"])


def test_followup_library_messages():
    p = [0.5, 0.2]
    cases = [
        ("followup_limits: give either table or p_astro_obs", lambda: nuflare.followup_limits()),
        ("followup_limits: give either table or p_astro_obs",
         lambda: nuflare.followup_limits(FOLLOWUP_TABLE, p_astro_obs=p)),
        ("p_astro_obs: no alerts", lambda: nuflare.followup_limits(p_astro_obs=[])),
        ("p_astro_obs: every P_astro * P_obs must be in [0, 1], got 1.5",
         lambda: nuflare.followup_limits(p_astro_obs=[0.5, 1.5])),
        ("abs_mag: magnitudes must be finite",
         lambda: nuflare.followup_limits(p_astro_obs=p, abs_mag=[math.nan])),
        ("evolution: no evolution given",
         lambda: nuflare.followup_limits(p_astro_obs=p, evolution=[])),
        ("x: f * P_det must be in [0, 1], got 2", lambda: nuflare.p_no_counterpart(p, [2.0])),
        ("repeat must be at least 1", lambda: nuflare.p_no_counterpart(p, [0.5], repeat=0)),
        ('cl: must be in (0, 1), got "1"', lambda: nuflare.f_limit(p, [0.5], cl=1.0)),
        ("p_detectable must be in [0, 1], got -0.5", lambda: nuflare.f_limit(p, [-0.5])),
    ]
    for message, fn in cases:
        expect_error(ValueError, message, fn)


if __name__ == "__main__":
    run(globals())
