#!/usr/bin/python3
"""ZTF paper Figs 2–4 from a `nuflare candidates --output RUN.h5` archive:
Fig. 2, the classes of the follow-up candidates; Fig. 3, their peak
magnitudes split into classified and unclassified, with the classification
efficiency per bin; Fig. 4, the subclasses of the classified transients.

usage: /usr/bin/python3 tools/plot_candidates.py RUN.h5 OUT_DIR
writes OUT_DIR/ztf_fig2_classes.png, ztf_fig3_magnitudes.png, ztf_fig4_transients.png.
Layout of the archive: docs/archive-format.md, section candidates.
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def text(a):
    return np.array([x.decode() if isinstance(x, bytes) else str(x) for x in a])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-3])
    path, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with h5py.File(path, "r") as h:
        if "candidates" not in h:
            sys.exit(f"plot_candidates: {path} has no /candidates group")
        s = {k: h["/candidates/summary"][k][()] for k in h["/candidates/summary"]}
        m = {k: h["/candidates/magnitudes"][k][()] for k in h["/candidates/magnitudes"]}
    section, label, count = text(s["section"]), text(s["label"]), s["count"]

    sel = (section == "fig2") & (count > 0)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.pie(count[sel], labels=[f"{l} ({c})" for l, c in zip(label[sel], count[sel])],
           startangle=90, counterclock=False)
    ax.set_title(f"{int(count[(section == 'summary') & (label == 'candidates')][0])} "
                 "candidates (ZTF paper Fig. 2)")
    fig.savefig(os.path.join(out, "ztf_fig2_classes.png"), dpi=120)

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(6, 5),
                                      gridspec_kw={"height_ratios": [2, 1]})
    centre, width = (m["lo"] + m["hi"]) / 2, m["hi"] - m["lo"]
    top.bar(centre, m["classified"], width=width, label="classified", color="tab:blue")
    top.bar(centre, m["total"] - m["classified"], width=width, bottom=m["classified"],
            label="unclassified", color="tab:gray")
    top.set_ylabel("candidates")
    top.legend()
    top.set_title("peak magnitudes (ZTF paper Fig. 3)")
    bottom.step(m["hi"], m["efficiency"], where="pre", color="k")
    bottom.set_ylim(0, 1.05)
    bottom.set_ylabel("classified fraction")
    bottom.set_xlabel("peak apparent magnitude")
    fig.savefig(os.path.join(out, "ztf_fig3_magnitudes.png"), dpi=120)

    sel = section == "fig4"
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(label[sel], count[sel], color="tab:orange")
    ax.set_ylabel("transients")
    ax.set_title("classified transients (ZTF paper Fig. 4)")
    fig.autofmt_xdate()
    fig.savefig(os.path.join(out, "ztf_fig4_transients.png"), dpi=120)
    print(f"wrote 3 figures to {out}")


if __name__ == "__main__":
    main()
