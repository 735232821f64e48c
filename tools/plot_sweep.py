#!/usr/bin/python3
"""Heat map of a sweep's pre-trial p over two of its axes (docs/methods.md "Sweeps").

  plot_sweep.py RUN.h5 X Y OUT.png [--fix KEY=VALUE ...]

X and Y are axis keys of the sweep (its /sweep attribute `axes`) or the
columns that tell a point's statistics apart (temporal: shift_days; spatial:
group, log10e_min; simultaneity: subgroup). Every other axis is fixed at the value --fix gives, or else minimised over: each cell shows
the smallest pre-trial p over the points with that (X, Y). The title carries the
best point's post-trial p, Šidák's value and the effective number of trials.

Needs matplotlib and h5py (/usr/bin/python3). Reads /sweep/points and
/sweep/summary (include/nuflare/campaign/sweep_campaign.hpp).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from archive_tables import table


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive")
    ap.add_argument("x")
    ap.add_argument("y")
    ap.add_argument("out")
    ap.add_argument("--fix", action="append", default=[], metavar="KEY=VALUE",
                    help="hold another axis at this value (default: minimise over it)")
    a = ap.parse_args(argv)
    with h5py.File(a.archive, "r") as f:
        if "sweep" not in f:
            sys.exit(f"{a.archive}: not a nuflare sweep archive (no /sweep)")
        raw = f["sweep"].attrs["axes"]
        raw = raw.decode() if isinstance(raw, bytes) else str(raw)
        axes = [k.strip() for k in raw.split(",") if k.strip()]
        pts = table(f, "/sweep/points")
        summ = table(f, "/sweep/summary")
    # The columns within a point behave as axes here.
    axes += [c for c in ("shift_days", "group", "log10e_min", "subgroup")
             if c in pts and c not in axes]
    for key in (a.x, a.y):
        if key not in axes:
            sys.exit(f"{key}: not an axis of this sweep (axes: {', '.join(axes) or 'none'})")
    if a.x == a.y:
        sys.exit("X and Y must be two different axes")
    keep = np.ones(len(pts["p_value"]), bool)
    for fix in a.fix:
        key, _, value = fix.partition("=")
        if key not in axes or key in (a.x, a.y):
            sys.exit(f"--fix {fix}: {key} is not another axis of this sweep")
        col = pts[key]
        keep &= np.isclose(col, float(value)) if col.dtype.kind == "f" else (col == value)
        if not keep.any():
            sys.exit(f"--fix {fix}: no point has this value")

    def levels(col):
        _, idx = np.unique(col, return_index=True)
        return col[np.sort(idx)]  # the axis's own order

    xs, ys = levels(pts[a.x]), levels(pts[a.y])
    grid = np.full((len(ys), len(xs)), np.nan)
    for i in np.flatnonzero(keep):
        ix = int(np.flatnonzero(xs == pts[a.x][i])[0])
        iy = int(np.flatnonzero(ys == pts[a.y][i])[0])
        p = pts["p_value"][i]
        if np.isnan(grid[iy, ix]) or p < grid[iy, ix]:
            grid[iy, ix] = p
    fig, ax = plt.subplots(figsize=(1.2 + 0.45 * len(xs), 1.2 + 0.4 * len(ys)))
    im = ax.imshow(np.log10(grid), origin="lower", aspect="auto", cmap="viridis_r")
    ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, float) else str(v) for v in xs],
                  rotation=90)
    ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, float) else str(v) for v in ys])
    ax.set_xlabel(a.x)
    ax.set_ylabel(a.y)
    fig.colorbar(im, ax=ax, label="log10 pre-trial p")
    others = [k for k in axes if k not in (a.x, a.y)]
    fixed = {f.partition("=")[0] for f in a.fix}
    note = ", ".join(f"{k} fixed" if k in fixed else f"min over {k}" for k in others)
    ax.set_title(f"post-trial p = {summ['post_trial_p'][0]:.3g}, Šidák {summ['sidak_p'][0]:.3g}, "
                 f"N_eff = {summ['n_eff'][0]:.3g}" + (f"\n({note})" if note else ""), fontsize=8)
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)


if __name__ == "__main__":
    main(sys.argv[1:])
