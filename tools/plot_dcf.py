#!/usr/bin/python3
"""Fig. 9 of the blazar paper (§6.1) from a `nuflare dcf` archive: the
distribution of the infrared-after-γ-ray lags over the sources, from the bin
with the largest DCF (blue) and from the Gaussian fitted around it (orange);
and, with --source, one source's DCF with its error bars, peak and fit.

usage: /usr/bin/python3 tools/plot_dcf.py RUN.h5 [-o fig9.png] [--source NAME -s dcf.png]
       [--bins 20]
Lag convention: lag = t_b − t_a, positive when band_b lags band_a
(docs/methods.md, DCF). Layout of the archive: docs/archive-format.md, section dcf.
"""
import argparse
import math
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def text(a):
    return np.array([x.decode() if isinstance(x, bytes) else str(x) for x in a])


def load(path):
    with h5py.File(path, "r") as h:
        if "dcf" not in h:
            sys.exit(f"plot_dcf: {path} has no /dcf group (not a `nuflare dcf` archive)")
        s = {k: h["/dcf/summary"][k][()] for k in h["/dcf/summary"]}
        b = {k: h["/dcf/bins"][k][()] for k in h["/dcf/bins"]}
    s["source"], b["source"] = text(s["source"]), text(b["source"])
    s["band_a"], s["band_b"] = text(s["band_a"]), text(s["band_b"])
    return s, b


def fig9(s, out, nbins):
    peak, fit = s["peak_lag"], s["fit_lag"]
    finite = np.concatenate([peak[np.isfinite(peak)], fit[np.isfinite(fit)]])
    fig, ax = plt.subplots(figsize=(6, 4))
    if finite.size:
        edges = np.histogram_bin_edges(finite, bins=nbins)
        ax.hist(peak[np.isfinite(peak)], bins=edges, alpha=0.6, color="tab:blue",
                label="lag of the DCF maximum")
        ax.hist(fit[np.isfinite(fit)], bins=edges, alpha=0.6, color="tab:orange",
                label="Gaussian-fit mean")
    a, b = (s["band_a"][0], s["band_b"][0]) if len(s["source"]) else ("a", "b")
    ax.set_xlabel(f"time lag of {b} after {a} [days]")
    ax.set_ylabel("sources")
    ax.set_title(f"DCF lags of {len(s['source'])} sources (blazar paper Fig. 9)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


def one_source(s, b, name, out):
    if name not in set(s["source"]):
        sys.exit(f"plot_dcf: source {name!r} not in the archive")
    i = list(s["source"]).index(name)
    sel = b["source"] == name
    lag, dcf, err = b["lag"][sel], b["dcf"][sel], b["dcf_err"][sel]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.errorbar(lag, dcf, yerr=np.where(np.isfinite(err), err, 0), fmt="o", ms=3,
                color="k", label="DCF")
    if math.isfinite(s["peak_lag"][i]):
        ax.axvline(s["peak_lag"][i], color="tab:blue", label="maximum")
    if math.isfinite(s["fit_lag"][i]):
        ax.axvline(s["fit_lag"][i], color="tab:orange", ls="--",
                   label=f"fit {s['fit_lag'][i]:.1f} ± {s['fit_lag_err'][i]:.1f} d")
    ax.set_xlabel(f"lag of {s['band_b'][i]} after {s['band_a'][i]} [days]")
    ax.set_ylabel("DCF")
    ax.set_title(name)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("archive")
    p.add_argument("-o", "--out", default="fig9_dcf_lags.png")
    p.add_argument("--bins", type=int, default=20)
    p.add_argument("--source", help="also draw this source's DCF")
    p.add_argument("-s", "--source-out", default="dcf_source.png")
    a = p.parse_args()
    s, b = load(a.archive)
    fig9(s, a.out, a.bins)
    if a.source:
        one_source(s, b, a.source, a.source_out)


if __name__ == "__main__":
    main()
