#!/usr/bin/python3
"""Figures of the ZTF follow-up limits from a `nuflare followup --output` archive
(ZTF paper §6, Fig. 14, 16-19).

  plot_followup.py pdist  RUN.h5 OUT.png    Fig. 14: P_dist(z) and its CDF per evolution
  plot_followup.py pno    RUN.h5 OUT.png    Fig. 16: P_no_counterpart(M, f = 1)
  plot_followup.py f90    RUN.h5 OUT.png    Fig. 17: f limit vs M, nu L_nu on the top axis
  plot_followup.py repeat RUN.h5 OUT.png    Fig. 18: ZTF with the alerts x1, x2, x4
  plot_followup.py survey RUN.h5 OUT.png    Fig. 19: ZTF vs a deeper survey
  plot_followup.py all    RUN.h5 OUTDIR     all five as OUTDIR/fig14_pdist.png ...

Needs matplotlib and h5py (/usr/bin/python3). Reads the /followup datasets
documented in docs/archive-format.md; NaN in an f-limit curve means
"unconstrained" (no f <= 1 reaches the confidence level) and leaves a gap.
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

LABEL = {
    "sfr": "SFR (Strolger+15)",
    "grb": "GRB (Lien+14)",
    "blazar": "Blazar PDE (Ajello+15)",
    "madau": "SFR (Madau & Dickinson 14)",
}
ORDER = ["sfr", "grb", "blazar", "madau"]
COLOR = {e: f"C{i}" for i, e in enumerate(ORDER)}


def evolutions(g):
    return [e for e in ORDER if e in g]


def cl_percent(f):
    return f"{100 * f['/followup'].attrs['cl']:g} %"


def finish(fig, ax, out, legend_loc="best", **legend):
    ax.legend(loc=legend_loc, **{"fontsize": 8, **legend})
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)


def mag_axis(ax, mags):
    ax.set_xlim(mags.max(), mags.min())  # brighter to the right, as the paper
    ax.set_xlabel("absolute magnitude M [AB]")


def f_limit_axes(ax, f, mags):
    """The f limit from 0 to 1 over the absolute magnitude (ZTF paper Fig. 17-19)."""
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(f"upper limit on f at {cl_percent(f)} CL")
    mag_axis(ax, mags)


def pdist(f, out):
    g = f["/followup/pdist"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for e in evolutions(g):
        z, d, c = g[e]["z"][()], g[e]["density"][()], g[e]["cdf"][()]
        med = g[e].attrs["median"]
        a1.plot(z, d, color=COLOR[e], label=f"{LABEL[e]}, median z = {med:.3f}")
        a1.axvline(med, color=COLOR[e], ls=":", lw=1)
        a2.plot(z, c, color=COLOR[e], label=LABEL[e])
    a1.set_xlabel("redshift z")
    a1.set_ylabel("P_dist(z)  [per unit z]")
    a1.set_title(f"neutrino-source redshift distribution (γ = {f['/followup'].attrs['gamma']:g})")
    a1.set_xlim(0, 5)
    a2.axhline(0.5, color="k", lw=0.5)
    a2.set_xlabel("redshift z")
    a2.set_ylabel("cumulative P_dist")
    a2.set_xlim(0, 5)
    a2.set_ylim(0, 1.02)
    for a in (a1, a2):
        a.legend(fontsize=8)
        a.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)


def pno(f, out):
    g = f["/followup/curves"]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for e in evolutions(g):
        ax.plot(g[e]["abs_mag"][()], g[e]["p_no_f1"][()], color=COLOR[e], label=LABEL[e])
    ax.axhline(1 - f["/followup"].attrs["cl"], color="k", ls="--", lw=1, label=f"1 − CL ({cl_percent(f)})")
    ax.set_yscale("log")
    ax.set_ylabel("P_no counterpart (f = 1)")
    mag_axis(ax, g[evolutions(g)[0]]["abs_mag"][()])
    ax.set_title(f"no counterpart in {f['/followup'].attrs['n_alerts']} alerts if all sources had M")
    finish(fig, ax, out, "lower left")


def f90(f, out):
    g = f["/followup/curves"]
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    mags = None
    for e in evolutions(g):
        mags = g[e]["abs_mag"][()]
        ax.plot(mags, g[e]["f_limit"][()], color=COLOR[e], label=LABEL[e])
    f_limit_axes(ax, f, mags)
    # Top axis: nu L_nu at the archive's wavelength (AB, 10 pc), ZTF paper Fig. 17.
    lam = f["/followup"].attrs["wavelength_nm"]
    nu = 2.99792458e17 / lam
    ten_pc = 3.0856775814913673e19

    def lum(m):
        return 4 * np.pi * ten_pc**2 * 10 ** (-0.4 * (m + 48.6)) * nu

    top = ax.twiny()
    top.set_xlim(ax.get_xlim())
    lo, hi = np.log10(lum(mags.max())), np.log10(lum(mags.min()))
    decades = np.arange(np.ceil(lo), np.floor(hi) + 1)
    ticks = [-2.5 * (d - np.log10(4 * np.pi * ten_pc**2 * nu)) - 48.6 for d in decades]
    top.set_xticks(ticks)
    top.set_xticklabels([f"$10^{{{int(d)}}}$" for d in decades])
    top.set_xlabel(f"νL_ν at {lam:g} nm [erg/s]")
    finish(fig, ax, out, "upper left")


def repeat(f, out):
    g = f["/followup/fig18"]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    styles = {1: "-", 2: "--", 4: ":"}
    mags = None
    for e in evolutions(g):
        mags = g[e]["abs_mag"][()]
        for k, ls in styles.items():
            ax.plot(mags, g[e][f"f_limit_x{k}"][()], color=COLOR[e], ls=ls,
                    label=f"{LABEL[e]}, alerts ×{k}")
    f_limit_axes(ax, f, mags)
    ax.set_title("ZTF, the same alert sample repeated ×1, ×2, ×4")
    finish(fig, ax, out, "upper left", fontsize=6.5, ncol=2)


def survey(f, out):
    g = f["/followup/fig19"]
    a = f["/followup"].attrs
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    mags = None
    for e in evolutions(g):
        mags = g[e]["abs_mag"][()]
        ax.plot(mags, g[e]["f_limit_ztf"][()], color=COLOR[e], label=f"{LABEL[e]}, ZTF")
        ax.plot(mags, g[e]["f_limit_deep"][()], color=COLOR[e], ls="--",
                label=f"{LABEL[e]}, {a['deep_limit_mag']:g} mag / {a['deep_efficiency']:g}")
    f_limit_axes(ax, f, mags)
    ax.set_title("ZTF vs a deeper survey")
    finish(fig, ax, out, "upper left", fontsize=6.5, ncol=2)


FIGURES = {"pdist": (pdist, "fig14_pdist.png"), "pno": (pno, "fig16_pno.png"),
           "f90": (f90, "fig17_f90.png"), "repeat": (repeat, "fig18_repeat.png"),
           "survey": (survey, "fig19_survey.png")}


def main(argv):
    if len(argv) != 4 or argv[1] not in list(FIGURES) + ["all"]:
        sys.stderr.write(__doc__)
        return 2
    with h5py.File(argv[2], "r") as f:
        if "/followup" not in f:
            sys.stderr.write(f"{argv[2]}: no /followup group (run nuflare followup --output)\n")
            return 2
        if argv[1] == "all":
            os.makedirs(argv[3], exist_ok=True)
            for fn, name in FIGURES.values():
                fn(f, os.path.join(argv[3], name))
                print(os.path.join(argv[3], name))
        else:
            FIGURES[argv[1]][0](f, argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
