#!/usr/bin/python3
"""Figures of the time campaigns from nuflare archives (blazar paper §5, §6.2).

  plot_temporal.py scan RUN.h5 OUT.png          Fig. 3: pre-trial p vs ΔT per factor
  plot_temporal.py rt RUN.h5 OUT.png            Fig. 5/7: R(t) with the trial mean and 16/84 % band
  plot_temporal.py pvalue RUN.h5 OUT.png        Fig. 8: pre-trial p vs shift
  plot_temporal.py rho RUN.h5 OUT.png           Fig. 10: ρ histograms of the populations
  plot_temporal.py simtrials RUN.h5 OUT.png     Fig. 11: observed (stars) and per-trial (circles)
                                                mean ρ of the three subgroups, with Table 1's p

Needs matplotlib and h5py (/usr/bin/python3). Reads the datasets documented
in include/nuflare/campaign/temporal_campaign.hpp.
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def table(f, path):
    g = f[path]
    return {k: g[k][()] for k in g.keys()}


def scan(f, out):
    t = table(f, "/scan/summary")
    fig, ax = plt.subplots(figsize=(6, 4))
    for fac in np.unique(t["factor"]):
        m = t["factor"] == fac
        ax.plot(t["delta_t"][m], t["p_value"][m], "o-", label=f"factor {fac:g}")
    ax.set_xlabel("ΔT [days]")
    ax.set_ylabel("pre-trial p-value")
    ax.set_yscale("log")
    post = t["post_trial_p"][0]
    ax.set_title(f"ΔT × factor scan (post-trial p = {post:.3g})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def rt(f, out):
    t = table(f, "/temporal/summary")
    fig, ax = plt.subplots(figsize=(7, 4))
    s = t["shift_days"]
    ax.fill_between(s, t["r_trial_p16"], t["r_trial_p84"], color="0.8", label="trials 16–84 %")
    ax.plot(s, t["r_trial_mean"], color="0.4", label="trial mean")
    ax.plot(s, t["r_observed"], "o-", color="C3", ms=3, label="data")
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("time shift t [days]")
    ax.set_ylabel("R(t)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def pvalue(f, out):
    t = table(f, "/temporal/summary")
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(t["shift_days"], t["p_value"], "o-", ms=3)
    ax.set_yscale("log")
    ax.set_xlabel("time shift t [days]")
    ax.set_ylabel("pre-trial p-value")
    ax.set_title(f"post-trial p = {t['post_trial_p'][0]:.3g}")
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def rho(f, out):
    r = f["/simultaneity/rho"][()]
    pop = f["/simultaneity/population"][()]
    ok = np.isfinite(r)
    bins = np.linspace(0, 1, 21)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(r[ok], bins=bins, density=True, alpha=0.5, label=f"all ({ok.sum()})")
    for bit, name in ((1, "warm spots"), (6, "IceCube region")):
        m = ok & ((pop & bit) != 0)
        if m.any():
            ax.hist(r[m], bins=bins, density=True, histtype="step", lw=2, label=f"{name} ({m.sum()})")
    ax.set_xlabel("simultaneity ratio ρ")
    ax.set_ylabel("density")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def simtrials(f, out, max_points=2000):
    """Fig. 11: per subgroup, the mean simultaneity ratio of the data (star)
    and of the trials (circles, at most max_points, jittered sideways)."""
    observed = f["/simultaneity/rho_mean_observed"][()]
    trials = f["/simultaneity/trials/rho_mean"][()]
    names = ("warm spots", "region ≤ 1°", "region > 1°")
    colours = ("tab:red", "tab:green", "tab:blue")
    p = table(f, "/simultaneity/summary")["p_value"] # rows: warm_spot, region_near, region_far
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, (name, c) in enumerate(zip(names, colours)):
        t = trials[:, i]
        t = t[np.isfinite(t)][:max_points]
        if t.size:
            ax.scatter(i + rng.uniform(-0.25, 0.25, t.size), t, s=6, alpha=0.25, color=c,
                       edgecolors="none")
        if np.isfinite(observed[i]):
            label = f"{name} (p = {p[i]:.3g})"
            ax.scatter([i], [observed[i]], marker="*", s=250, color=c, edgecolors="k", zorder=3,
                       label=label)
    ax.set_xticks(range(3), names)
    ax.set_ylabel("mean simultaneity ratio ρ = |H∩L| / |H∪L|")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


if __name__ == "__main__":
    commands = {"scan": scan, "rt": rt, "pvalue": pvalue, "rho": rho, "simtrials": simtrials}
    if len(sys.argv) != 4 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    with h5py.File(sys.argv[2], "r") as f:
        commands[sys.argv[1]](f, sys.argv[3])
