"""Follow-up statistics of neutrino alerts (ZTF paper §2, §6, eq. 1-7, Fig. 14-19).

The same library calls as ``nuflare followup``: :func:`followup_limits` on
the same table and options gives the rows that command prints. Bad input
raises ``ValueError`` with the command line's message (with the keyword's
name in place of the option's).
"""
import os

import numpy as np

from . import _nuflare

EVOLUTIONS = ("sfr", "grb", "blazar", "madau")
"""Source evolutions R(z) (ZTF paper §6): Strolger et al. 2015 star formation,
Lien et al. 2014 GRBs, Ajello et al. 2015 blazar PDE, Madau & Dickinson 2014."""


def _floats(name, value):
    a = np.ascontiguousarray(np.atleast_1d(np.asarray(value, dtype=np.float64)))
    if a.ndim != 1:
        raise ValueError(f"{name}: must be a number or a one-dimensional array")
    return a


def _redshift_options(grid, gamma, blazar_log10_l_gamma):
    return {"grid": str(grid), "gamma": float(gamma),
            "blazar_log10_l_gamma": float(blazar_log10_l_gamma)}


def read_alerts(path, *, table_format="auto", missing_signalness=0.5, galactic_cut=False):
    """Reads an alert table and computes P_astro, P_obs per alert (eq. 1, Table 4).

    Parameters
    ----------
    path : str or os.PathLike
        The paper's ``OVERVIEW_FU.csv`` sheet, or a campaign CSV
        ``name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,
        signalness[,retracted][,latency_hours]`` (see ``nuflare followup --help``).
    table_format : {'auto', 'overview', 'campaign'}
        'auto' decides by the first line, as the command line.
    missing_signalness : float
        P_astro of an alert without signalness (the paper's 0.5).
    galactic_cut : bool
        Campaign tables: also reject alerts with |b| <= 10 deg (§2).

    Returns
    -------
    dict
        ``table_format`` (as resolved); ``alerts``: a dict of columns, one
        entry per alert of the file (``name``, ``alert_class``, ``ra``,
        ``dec``, the rectangle half-widths, ``area_rect``, ``area_obs``,
        ``signalness`` (NaN: unknown), ``retracted``, ``latency_hours``,
        ``rejection`` ('none' when used: the §2 selection of campaign tables)
        and ``selected``); ``table4``: ``name``, ``p_astro``, ``p_obs`` and
        ``product`` of the alerts used; campaign tables with latencies also
        ``latency_median_hours`` and ``latency_fraction_above_24h``.
    """
    out = _nuflare.read_alerts(os.fspath(path), str(table_format), float(missing_signalness),
                               bool(galactic_cut))
    for columns in (out["alerts"], out["table4"]):
        for key, value in columns.items():
            if isinstance(value, list):  # names as numpy string arrays, like the numbers
                columns[key] = np.array(value, dtype=str)
    return out


def followup_limits(table=None, *, p_astro_obs=None, evolution=EVOLUTIONS, abs_mag=None,
                    mag_min=-27.0, mag_max=-15.0, mag_step=0.5, cl=0.9, grid="exact",
                    gamma=2.0, blazar_log10_l_gamma=46.0, epsilon0=0.95, survey="ztf",
                    deep_limit_mag=24.0, deep_efficiency=0.6, alert_repeat=1,
                    table_format="auto", missing_signalness=0.5, galactic_cut=False):
    """P_detectable and the limit on the fraction f of sources brighter than M.

    For each evolution and absolute magnitude M: P_detectable(M) (eq. 5, with
    the selection efficiency of eq. 2 and m = M + 5 log10(D_L/10 pc)),
    P_no_counterpart at f = 1 (eq. 7, Fig. 16) and the f at which
    P_no_counterpart = 1 - cl (Fig. 17), NaN when no f <= 1 reaches it
    ("unconstrained", an empty field in ``nuflare followup``'s CSV).

    Parameters
    ----------
    table : str or os.PathLike, optional
        An alert table (see :func:`read_alerts`); or give ``p_astro_obs``.
    p_astro_obs : array-like, optional
        P_astro * P_obs per alert, instead of a table.
    evolution : str or sequence of str
        'sfr', 'grb', 'blazar', 'madau' (default: all four, in that order).
    abs_mag : array-like, optional
        Absolute magnitudes [AB]; default the grid mag_min ... mag_max in
        steps of mag_step (both ends included), as the command line.
    cl : float
        Confidence level of the limit.
    grid : {'exact', 'stein2023'}
        Redshift integrals by quadrature, or on the paper's notebook grid
        (reproduces its printed numbers; docs/methods.md).
    gamma, blazar_log10_l_gamma
        Neutrino spectral index (eq. 3) and log10 L_gamma [erg/s] of the blazar evolution.
    epsilon0, survey, deep_limit_mag, deep_efficiency
        Pipeline efficiency (eq. 2); 'ztf' (eq. 2) or 'deep' (Fig. 19: the
        deep survey's limit and efficiency).
    alert_repeat : int
        The alert sample repeated N times (Fig. 18 extrapolation).
    table_format, missing_signalness, galactic_cut
        As :func:`read_alerts`.

    Returns
    -------
    dict of arrays, one row per (evolution, M), evolution-major:
        ``evolution``, ``abs_mag``, ``p_detectable``, ``p_no_counterpart``
        (f = 1), ``f_limit`` (NaN: unconstrained), ``nu_l_nu`` (nu L_nu at
        470 nm [erg/s], Fig. 17's top axis); with a table also ``table4``
        (see :func:`read_alerts`).
    """
    if (table is None) == (p_astro_obs is None):
        raise ValueError("followup_limits: give either table or p_astro_obs")
    out = {}
    if table is not None:
        alerts = read_alerts(table, table_format=table_format,
                             missing_signalness=missing_signalness, galactic_cut=galactic_cut)
        p_astro_obs = alerts["table4"]["product"]
    p_astro_obs = _floats("p_astro_obs", p_astro_obs)
    if isinstance(evolution, str):
        evolution = [evolution]
    if abs_mag is None:
        abs_mag = _nuflare.magnitude_grid(float(mag_min), float(mag_max), float(mag_step))
    options = _redshift_options(grid, gamma, blazar_log10_l_gamma)
    options.update({"cl": float(cl), "epsilon0": float(epsilon0), "survey": str(survey),
                    "deep_limit_mag": float(deep_limit_mag),
                    "deep_efficiency": float(deep_efficiency),
                    "alert_repeat": int(alert_repeat)})
    rows = _nuflare.limit_curve(p_astro_obs, [str(e) for e in evolution],
                                _floats("abs_mag", abs_mag), options)
    rows["evolution"] = np.array(rows["evolution"])
    out.update(rows)
    if table is not None:
        out["table4"] = alerts["table4"]
    return out


def redshift_pdf(evolution, z=None, *, grid="exact", gamma=2.0, blazar_log10_l_gamma=46.0):
    """P_dist(z), the redshift distribution of the neutrino flux (eq. 3-4, Fig. 14).

    dF/dz ∝ R(z) (1+z)^(2-gamma) (dV_c/dz) / D_L^2, normalised on [0, 8].

    Parameters
    ----------
    evolution : {'sfr', 'grb', 'blazar', 'madau'}
    z : array-like, optional
        Redshifts; default 801 points on [0, 8] (the archive's Fig. 14 grid).
    grid, gamma, blazar_log10_l_gamma
        As :func:`followup_limits`.

    Returns
    -------
    dict
        ``evolution``, ``z``, ``density`` (P_dist at z), ``cdf``, ``median``, ``z_max``.
    """
    if z is None:
        z = np.linspace(0.0, 8.0, 801)
    return _nuflare.redshift_pdf(str(evolution), _floats("z", z),
                                 _redshift_options(grid, gamma, blazar_log10_l_gamma))


def p_no_counterpart(p_astro_obs, x, *, repeat=1):
    """Eq. 7: prod_i (1 - P_astro,i P_obs,i x)^repeat at each x = f * P_detectable."""
    return _nuflare.p_no_counterpart(_floats("p_astro_obs", p_astro_obs), _floats("x", x),
                                     int(repeat))


def f_limit(p_astro_obs, p_detectable, *, cl=0.9, repeat=1):
    """The f with P_no_counterpart = 1 - cl for each P_detectable; NaN when unconstrained."""
    return _nuflare.f_limit(_floats("p_astro_obs", p_astro_obs),
                            _floats("p_detectable", p_detectable), float(cl), int(repeat))
