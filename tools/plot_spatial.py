#!/usr/bin/python3
"""Figures of the spatial test from a run archive (blazar paper §6.3):
Fig. 12, excess N_obs - N_exp vs energy threshold with the 1 sigma band of the
trials (16th-84th percentile minus N_exp), and Fig. 13, the pre-trial p-value
vs energy threshold, one line per source group.

usage: /usr/bin/python3 tools/plot_spatial.py RUN.h5 [--out-dir DIR] [--band sigma|percentile]
Writes DIR/spatial_fig12_excess.png and DIR/spatial_fig13_pvalue.png."""
import argparse, os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_summary(path):
    with h5py.File(path, "r") as f:
        t = f["spatial/summary"]
        cols = {k: t[k][()] for k in t.keys()}
    cols["group"] = np.array([g.decode() if isinstance(g, bytes) else str(g) for g in cols["group"]])
    return cols


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive")
    ap.add_argument("--out-dir", default=".")
    ap.add_argument("--band", choices=["sigma", "percentile"], default="percentile",
                    help="1 sigma band: +-sigma or the 16th/84th percentiles of the trials")
    a = ap.parse_args()
    s = read_summary(a.archive)
    os.makedirs(a.out_dir, exist_ok=True)
    groups = list(dict.fromkeys(s["group"]))

    fig, ax = plt.subplots(figsize=(6, 4))
    for g in groups:
        m = s["group"] == g
        e, exc = s["log10e_min"][m], s["excess"][m]
        if a.band == "sigma":
            lo, hi = -s["sigma"][m], s["sigma"][m]
        else:
            lo, hi = s["p16"][m] - s["n_expected"][m], s["p84"][m] - s["n_expected"][m]
        line, = ax.plot(e, exc, marker="o", label=g)
        ax.fill_between(e, lo, hi, color=line.get_color(), alpha=0.2)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel(r"$\log_{10}(E/\mathrm{GeV})$ threshold")
    ax.set_ylabel(r"$N_\mathrm{observed} - N_\mathrm{expected}$")
    ax.set_title("Excess of tracks around the groups (Fig. 12)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out_dir, "spatial_fig12_excess.png"), dpi=120)

    fig, ax = plt.subplots(figsize=(6, 4))
    for g in groups:
        m = s["group"] == g
        ax.plot(s["log10e_min"][m], s["p_value"][m], marker="o", label=g)
    ax.set_yscale("log")
    ax.set_xlabel(r"$\log_{10}(E/\mathrm{GeV})$ threshold")
    ax.set_ylabel("pre-trial p-value")
    ax.set_title("Right-tailed p-values (Fig. 13)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out_dir, "spatial_fig13_pvalue.png"), dpi=120)
    print("wrote", os.path.join(a.out_dir, "spatial_fig12_excess.png"), "and",
          os.path.join(a.out_dir, "spatial_fig13_pvalue.png"))


if __name__ == "__main__":
    main()
