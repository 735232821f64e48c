"""Bayesian Blocks and flares of light curves (blazar paper §3.3, §4.2).

Thin front over the C++ library: arguments are checked and converted to
float64 numpy arrays here, the work happens in ``nuflare._nuflare`` with the
GIL released. Bad input raises ``ValueError`` with the one-line message of
the command line (``nuflare blocks``, ``nuflare flares``).
"""
import math

import numpy as np

from . import _nuflare

_FITNESS_KWARGS = ("p0", "gamma", "ncp_prior", "dt")


def _array(name, value, allow_scalar):
    """`value` as a 1-D float64 array (a scalar becomes one element when allowed)."""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0 and allow_scalar:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ValueError(f"bayesian_blocks: {name}: {name} must be a one-dimensional array")
    return np.ascontiguousarray(a)


def _fit(t, x, sigma, fitness, kwargs):
    if not isinstance(fitness, str):
        # astropy also takes FitnessFunc classes; nuflare has its three built in.
        raise ValueError(
            f'fitness: expected measures, events or regular_events, got "{fitness!r}"')
    for name in kwargs:
        if name not in _FITNESS_KWARGS:
            raise TypeError(f"bayesian_blocks() got an unexpected keyword argument '{name}'")
    dt = kwargs.get("dt")
    if dt is not None and fitness != "regular_events":
        # as astropy, whose Events and PointMeasures take no dt
        raise TypeError(f"bayesian_blocks() got dt, which only fitness='regular_events' takes")
    t = _array("t", t, allow_scalar=False)
    x = None if x is None else _array("x", x, allow_scalar=True)
    sigma = None if sigma is None else _array("sigma", sigma, allow_scalar=True)

    def optional_float(name):
        v = kwargs.get(name)
        return None if v is None else float(v)

    return _nuflare.bayesian_blocks(t, x, sigma, fitness, optional_float("p0"),
                                    optional_float("gamma"), optional_float("ncp_prior"),
                                    0.0 if dt is None else float(dt))


def bayesian_blocks(t, x=None, sigma=None, fitness="events", **kwargs):
    """Bayesian Blocks edges (Scargle et al. 2013), as astropy.stats.bayesian_blocks.

    Same signature and semantics as astropy (>= 5.2), and the same edges,
    except where astropy is wrong (see docs/methods.md, "Bayesian Blocks"):

    * astropy drops the first interior edge when the optimum gives every
      point its own block (``t=[0, 1, 2], x=[1, 5, 1], sigma=0.1`` with
      ``fitness='measures'`` gives ``[0, 1.5, 2]`` there); nuflare returns
      all of them, ``[0, 0.5, 1.5, 2]``;
    * astropy sorts ``x`` with ``t`` but not ``sigma``; nuflare sorts all three;
    * with ``fitness='events'`` and counts of 0 astropy's fitness is NaN
      (0 ln 0), which ``np.argmax`` then picks; nuflare takes 0 ln 0 = 0.

    Parameters
    ----------
    t : array-like
        Times (need not be sorted). Repeated times are counts for
        ``fitness='events'`` without ``x``, an error when ``x`` is given.
    x : array-like or float, optional
        Values at each time: measurements (``'measures'``), integer counts
        (``'events'``) or 0/1 (``'regular_events'``).
    sigma : array-like or float, optional
        Errors of ``x`` (``'measures'``); default 1.
    fitness : {'events', 'regular_events', 'measures'}
        The fitness function (Scargle 2013 eq. 19, C23, 41).
    p0 : float, optional
        False-alarm probability of the prior (default 0.05):
        ``ncp_prior = 4 - ln(73.53 p0 N^-0.478)`` with N unique times.
    gamma : float, optional
        Prior slope, ``ncp_prior = -ln(gamma)``; wins over ``p0``.
    ncp_prior : float, optional
        Prior charged once per block; wins over ``gamma`` and ``p0``.
    dt : float
        Tick length, required by ``fitness='regular_events'``.

    Returns
    -------
    edges : ndarray of float64
        Block edges (a single edge when ``t`` has one unique time).

    Raises
    ------
    ValueError
        Non-finite ``t`` or ``x``, ``sigma`` not finite and positive,
        lengths that do not match, repeated times with ``x``, counts that are
        not non-negative integers, an unknown fitness, ``p0`` outside (0, 1),
        non-positive ``gamma`` or ``dt``. The message is the command line's
        (``nuflare blocks``), e.g. ``bayesian_blocks: sigma: error must be
        finite and positive``.
    TypeError
        A keyword other than p0, gamma, ncp_prior and dt, or dt with a
        fitness other than 'regular_events' (as astropy).

    Examples
    --------
    >>> import numpy as np, nuflare
    >>> nuflare.bayesian_blocks([0, 1, 2], [1, 5, 1], 0.1, fitness="measures")
    array([0. , 0.5, 1.5, 2. ])
    """
    edges, _, _, _ = _fit(t, x, sigma, fitness, kwargs)
    return edges


def bayesian_blocks_fit(t, x=None, sigma=None, fitness="events", **kwargs):
    """The fit behind :func:`bayesian_blocks`, with its blocks.

    Takes the same arguments. Returns a dict:

    ``edges``
        block edges, as :func:`bayesian_blocks`;
    ``values``
        one per block: the inverse-variance weighted mean of ``x``
        (``'measures'``, the maximum-likelihood block flux of blazar paper
        §4.2.2), or the event rate counts / block length (``'events'``,
        ``'regular_events'``; NaN for a block of zero length);
    ``ncp_prior``
        the prior that was charged per block;
    ``n_unique``
        the number of unique times (the N of the ``p0`` prior).
    """
    edges, values, ncp_prior, n_unique = _fit(t, x, sigma, fitness, kwargs)
    return {"edges": edges, "values": values, "ncp_prior": ncp_prior, "n_unique": n_unique}


def _column(name, value, n):
    if value is None:
        return None
    a = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
    if a.ndim != 1:
        raise ValueError(f"light curve: {name}: must be a one-dimensional array")
    if a.size != n:
        raise ValueError(f"light curve: {name}: {a.size} values for {n} times")
    return a


def find_flares(mjd, flux, flux_err, upper_limit=None, *, band="fermi", source="",
                variability_index=math.nan, potential_neutrino_source=False,
                ts=None, photon_index=None,
                p0=0.01, p0_fallback=0.05, fallback=True,
                s_factor=1.3, ir_factor=1.0, infrared=None,
                quiescent_skip=0.05, quiescent_fraction=0.30,
                max_variability_index=18.0, min_nxs=1e-4, min_block_ratio=1.7,
                ambiguous_ratio=0.9, ambiguous_when="greater",
                upper_limits="replace", ul_flux=3e-14, fermi_ts_min=5.0, fermi_max_index=5.5,
                snr_cut=None, min_snr=2.0, merge=None, merge_window=15.0, clip=True,
                clip_sigma=3.0, gap_fill=None, min_points=3):
    """Prepares one light curve and finds its flares, as ``nuflare flares`` does per band.

    Preparation (blazar paper §3.3, §4.2.5): upper limits, S/N cut, visit
    merging with sigma-clipping, WISE survey-gap points, "too short". Then
    Bayesian Blocks (``measures``) with ``p0``, rerun with ``p0_fallback``
    when no block flares; quiescent flux F_q, flaring blocks
    (flux > F_q + s_factor S; infrared bands also > F_avg + ir_factor S),
    flare intervals, flare levels, normalised excess variance and the
    non-variable and ambiguous filters (§4.2.2-4.2.3, §5.1). Every default
    is the command line's; docs/methods.md explains the choices.

    Parameters
    ----------
    mjd, flux, flux_err : array-like
        The light curve [MJD, flux unit, flux unit]; any order.
    upper_limit : array-like of bool, optional
        True where ``flux`` is an upper limit.
    band : str
        Band label. It selects the preparation defaults: ``wise*``/``neowise*``
        (S/N cut, visit merging, gap filling, and the infrared flare
        condition), ``alma*``/``acc*``/``mm*`` (visit merging), ``fermi*``
        (flux_err >= flux and, with ``ts``/``photon_index``, TS <=
        ``fermi_ts_min`` or |index| > ``fermi_max_index`` count as upper limits).
    source : str
        Name used in error messages.
    variability_index : float
        Catalogue (Fermi) variability index; the non-variable filter applies
        at or below ``max_variability_index``. NaN (default): unknown, filter off.
    potential_neutrino_source : bool
        Exempt from both filters (§4.2.3).
    ts, photon_index : array-like, optional
        Fermi likelihood TS and photon index per point.
    p0, p0_fallback, fallback
        Bayesian Blocks false-alarm probabilities and whether to rerun.
    s_factor, ir_factor, infrared
        Flaring-block thresholds; ``infrared`` None decides from ``band``.
    quiescent_skip, quiescent_fraction
        F_q: skip this fraction of the faintest points, average the next fraction.
    max_variability_index, min_nxs, min_block_ratio, ambiguous_ratio, ambiguous_when
        The §4.2.3 filters (``ambiguous_when='greater'``: see docs/methods.md).
    upper_limits : {'replace', 'drop', 'keep'}
        Replace by ``ul_flux`` (flux and error), drop, or leave as points.
    snr_cut, merge, gap_fill : bool or None
        Switch a preparation step on or off; None keeps the band's default.
    min_snr, merge_window, clip, clip_sigma, min_points
        Their parameters (``min_points`` is at least 3, as on the command line).

    Returns
    -------
    dict
        Preparation: ``n_input``, ``n_upper_limits``, ``n_low_snr``,
        ``n_clipped``, ``n_groups``, ``gap_filled``, ``notes``, and the
        prepared points ``mjd``, ``flux``, ``flux_err``, ``artificial``
        (bool, survey-gap points); ``n_points``, ``too_short``, ``span``.
        Blocks and flares: ``p0_used``, ``edges``, ``block_flux``,
        ``ncp_prior``, ``flaring_block`` (bool per block), ``f_quiescent``,
        ``f_avg``, ``s``, ``threshold``, ``flares`` ((n, 2) array of
        [start, stop] MJD), ``n_flares``, ``flare_days``, ``flare_level``
        (flux / F_q per prepared point). Variability and filters: ``nxs``,
        ``nxs_err``, ``fvar``, ``fvar_err``, ``non_variable``, ``ambiguous``,
        ``block_ratio``, ``std_ratio``, ``exempt``, ``dropped``. For a
        too-short curve the numbers are NaN and the arrays empty.

    Raises
    ------
    ValueError
        Columns of different lengths, non-finite values, negative errors, or
        an option out of range (message as ``nuflare flares``).
    """
    mjd = np.ascontiguousarray(np.asarray(mjd, dtype=np.float64))
    if mjd.ndim != 1:
        raise ValueError("light curve: mjd: must be a one-dimensional array")
    n = mjd.size
    flux = _column("flux", flux, n)
    flux_err = _column("flux_err", flux_err, n)
    upper_limit = _column("upper_limit", None if upper_limit is None
                          else np.asarray(upper_limit, dtype=bool), n)
    ts = _column("ts", ts, n)
    photon_index = _column("photon_index", photon_index, n)
    options = {
        "p0": float(p0), "p0_fallback": float(p0_fallback), "fallback": bool(fallback),
        "s_factor": float(s_factor), "ir_factor": float(ir_factor),
        "infrared": None if infrared is None else bool(infrared),
        "quiescent_skip": float(quiescent_skip), "quiescent_fraction": float(quiescent_fraction),
        "max_variability_index": float(max_variability_index), "min_nxs": float(min_nxs),
        "min_block_ratio": float(min_block_ratio), "ambiguous_ratio": float(ambiguous_ratio),
        "ambiguous_when": str(ambiguous_when),
        "upper_limits": str(upper_limits), "ul_flux": float(ul_flux),
        "fermi_ts_min": float(fermi_ts_min), "fermi_max_index": float(fermi_max_index),
        "snr_cut": None if snr_cut is None else bool(snr_cut), "min_snr": float(min_snr),
        "merge": None if merge is None else bool(merge), "merge_window": float(merge_window),
        "clip": bool(clip), "clip_sigma": float(clip_sigma),
        "gap_fill": None if gap_fill is None else bool(gap_fill),
        "min_points": int(min_points),
    }
    return _nuflare.find_flares(mjd, flux, flux_err, upper_limit, ts, photon_index, str(source),
                                str(band), float(variability_index),
                                bool(potential_neutrino_source), options)


def flare_class(high, low, *, cfs_min_rho=0.5, txs_max_lag=500.0, txs_max_overlap=0.25,
                txs_max_gamma_in_low=1, txs_max_rho=0.25):
    """Multi-frequency stages, simultaneity ratio and class of one source.

    Blazar paper §4.2.2, §4.2.4 (Fig. 1, 2, 10): with H the γ-ray and L the
    infrared or millimetre flare intervals, clipped to the common time span,
    the stages H ∩ L, H \\ L, L \\ H, the ratio rho = |H ∩ L| / |H ∪ L| and
    the class tested in the order TXS-like, CFS, NFS.

    Parameters
    ----------
    high, low : dict
        :func:`find_flares` results of the high-energy and the low-energy
        band of the source (or any dict with ``flares``, an (n, 2) array of
        [start, stop], and ``span``, the curve's (first, last) time).
    cfs_min_rho, txs_max_lag, txs_max_overlap, txs_max_gamma_in_low, txs_max_rho
        The class thresholds (days for ``txs_max_lag``), defaults as ``nuflare flares``.

    Returns
    -------
    dict
        ``rho``, ``flare_class`` ('TXS-like', 'CFS', 'NFS' or 'none'),
        ``common_span`` and the stages ``high``, ``low``, ``simultaneous``,
        ``high_only``, ``low_only`` as (n, 2) arrays. A band that was too
        short to analyse gives class 'none' and rho NaN, as on the command
        line. ``nuflare flares`` also prints 'none' for a source that a
        §4.2.3 filter dropped (``high['dropped'] or low['dropped']``).
    """
    options = {"cfs_min_rho": float(cfs_min_rho), "txs_max_lag": float(txs_max_lag),
               "txs_max_overlap": float(txs_max_overlap),
               "txs_max_gamma_in_low": int(txs_max_gamma_in_low),
               "txs_max_rho": float(txs_max_rho)}
    if high.get("too_short") or low.get("too_short"):
        empty = np.empty((0, 2))
        return {"rho": math.nan, "flare_class": "none", "common_span": (math.nan, math.nan),
                "high": empty, "low": empty.copy(), "simultaneous": empty.copy(),
                "high_only": empty.copy(), "low_only": empty.copy()}

    def intervals(result, which):
        a = np.ascontiguousarray(np.asarray(result["flares"], dtype=np.float64).reshape(-1, 2))
        span = tuple(float(v) for v in result["span"])
        if len(span) != 2:
            raise ValueError(f"flare_class: {which}: span must be (first, last)")
        return a, span

    h, h_span = intervals(high, "high")
    lo, lo_span = intervals(low, "low")
    return _nuflare.flare_class(h, h_span, lo, lo_span, options)
