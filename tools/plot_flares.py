#!/usr/bin/python3
"""Light curves, Bayesian blocks and flaring stages of one source from a
`nuflare flares` archive, in the manner of the blazar paper's Fig. 1: the
high-energy (gamma-ray) and low-energy (infrared) light curves with their
blocks, quiescent level and flare threshold, flare intervals shaded, and below
them the flaring stages (H, L, H n L, H only, L only; blazar paper §4.2).

usage: /usr/bin/python3 tools/plot_flares.py RUN.h5 [--source NAME] [-o OUT.png]
Without --source the first source with both bands (or else the first source)
is drawn. Layout of the archive: docs/archive-format.md, section flares.
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

STAGES = [("high", "high-energy flares (H)", "tab:blue"),
          ("low", "low-energy flares (L)", "tab:red"),
          ("simultaneous", "simultaneous (H ∩ L)", "tab:purple"),
          ("high_only", "high-energy only (H \\ L)", "tab:cyan"),
          ("low_only", "low-energy only (L \\ H)", "tab:orange")]


def text(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in a]


def load(path, name):
    with h5py.File(path, "r") as h:
        g = h["/flares/sources"]
        s = {k: g["sources"][k][:] for k in g["sources"].keys()}
        c = {k: g["curves"][k][:] for k in g["curves"].keys()}
        p = {k: g["points"][k][:] for k in g["points"].keys()}
        b = {k: g["blocks"][k][:] for k in g["blocks"].keys()}
        f = {k: g["flares"][k][:] for k in g["flares"].keys()}
        st = {k: g["stages"][k][:] for k in g["stages"].keys()}
    names = text(s["source"])
    if name is None:
        multi = [i for i, m in enumerate(s["multi"]) if m]
        i = multi[0] if multi else 0
    elif name in names:
        i = names.index(name)
    else:
        sys.exit(f"plot_flares: source {name!r} not in {path} (has {len(names)} sources)")
    src = {k: (v[i].decode() if isinstance(v[i], bytes) else v[i]) for k, v in s.items()}
    bands = {}
    for k in range(src["curve_begin"], src["curve_end"]):
        band = c["band"][k].decode()
        sel = lambda d, a, z: {kk: vv[c[a][k]:c[z][k]] for kk, vv in d.items()}  # noqa: E731
        bands[band] = {"curve": {kk: vv[k] for kk, vv in c.items()},
                       "points": sel(p, "point_begin", "point_end"),
                       "blocks": sel(b, "block_begin", "block_end"),
                       "flares": sel(f, "flare_begin", "flare_end")}
    stages = {key: [] for key, _, _ in STAGES}
    for k in range(src["stage_begin"], src["stage_end"]):
        stages[st["stage"][k].decode()].append((st["start"][k], st["stop"][k]))
    return src, bands, stages


def draw_band(ax, band, data, colour):
    cu, pts, blk, fl = data["curve"], data["points"], data["blocks"], data["flares"]
    art = pts["artificial"].astype(bool)
    ax.errorbar(pts["mjd"][~art], pts["flux"][~art], pts["flux_err"][~art], fmt="o", ms=3,
                color=colour, alpha=0.6, lw=0.8, label=f"{band} (prepared points)")
    if art.any():
        ax.errorbar(pts["mjd"][art], pts["flux"][art], pts["flux_err"][art], fmt="s", ms=4,
                    mfc="none", color="grey", lw=0.8, label="survey-gap points")
    if len(blk["flux"]):
        x = np.append(blk["start"], blk["stop"][-1])
        y = np.append(blk["flux"], blk["flux"][-1])
        ax.step(x, y, where="post", color="k", lw=1.4,
                label=f"Bayesian blocks (p0 = {cu['p0_used']:g})")
    for j, (a, z) in enumerate(zip(fl["start"], fl["stop"])):
        ax.axvspan(a, z, color=colour, alpha=0.15, lw=0, label="flares" if j == 0 else None)
    if cu["too_short"]:
        ax.text(0.5, 0.5, "too short: not analysed", transform=ax.transAxes, ha="center")
    else:
        ax.axhline(cu["f_quiescent"], color="green", ls="--", lw=1, label="quiescent $F_q$")
        ax.axhline(cu["threshold"], color="grey", ls=":", lw=1, label="flare threshold")
    ax.set_ylabel(f"{band} flux")
    ax.legend(fontsize=7, loc="upper left", ncol=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("archive")
    ap.add_argument("--source")
    ap.add_argument("-o", "--output", default="flares.png")
    a = ap.parse_args()
    src, bands, stages = load(a.archive, a.source)
    order = [b for b in (src["high_band"], src["low_band"]) if b in bands]
    order += [b for b in bands if b not in order]
    with_stages = bool(src["multi"])
    n = len(order) + (1 if with_stages else 0)
    ratios = [3] * len(order) + ([1.6] if with_stages else [])
    fig, axes = plt.subplots(n, 1, figsize=(9, 2.4 * len(order) + (1.6 if with_stages else 0)),
                             sharex=True, gridspec_kw={"height_ratios": ratios})
    axes = np.atleast_1d(axes)
    colours = ["tab:blue", "tab:red", "tab:green", "tab:olive"]
    for ax, band, colour in zip(axes, order, colours):
        draw_band(ax, band, bands[band], colour)
    title = src["source"]
    if with_stages:
        ax = axes[-1]
        for row, (key, label, colour) in enumerate(STAGES):
            y = len(STAGES) - 1 - row
            for start, stop in stages[key]:
                ax.broken_barh([(start, stop - start)], (y - 0.35, 0.7), color=colour)
        ax.set_yticks(range(len(STAGES)))
        ax.set_yticklabels([lab for _, lab, _ in STAGES][::-1], fontsize=7)
        ax.set_ylim(-0.6, len(STAGES) - 0.4)
        ax.axvline(src["common_start"], color="k", lw=0.5, ls="--")
        ax.axvline(src["common_stop"], color="k", lw=0.5, ls="--")
        ax.set_ylabel("stages")
        title += f" — class {src['class']}, ρ = {src['rho']:.3g}"
    axes[-1].set_xlabel("MJD")
    axes[0].set_title(title)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(a.output)


if __name__ == "__main__":
    main()
