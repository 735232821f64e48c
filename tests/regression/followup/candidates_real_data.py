#!/usr/bin/python3
"""Regression: `nuflare candidates` on the paper's candidate tables (ZTF paper
§2-3, Figs 2-4; nuztfpaper/followup_xlsx_as_csv).

Checks the paper's numbers in the printed table (172 candidates, 1.11 per
deg², Fig. 2: Artefact 17, Star 17, AGN variability 84, 54 interesting;
Fig. 4: four SNe Ia of 12 transients; Fig. 3: 113 faint at 68.1 %, and with
--min-candidates-per-alert 3 the paper's 162 candidates, 1.05 per deg², 106
faint), the whole table against ref_candidates.csv, the archive's tables, and
that tools/plot_candidates.py draws the three figures.

Environment: NUFLARE_BIN, NUFLARE_SHARED_DIR, NUFLARE_SOURCE_DIR (skips with
77 when the data are absent). `--update` rewrites the reference.
"""
import csv
import io
import math
import os
import subprocess
import sys
import tempfile

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))


def run(args):
    r = subprocess.run([os.environ["NUFLARE_BIN"], "candidates", *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: candidates {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r.stdout, {(row["section"], row["label"]): row
                      for row in csv.DictReader(io.StringIO(r.stdout))}


def main():
    data = os.path.join(os.environ.get("NUFLARE_SHARED_DIR", "/work/shared"), "data",
                        "nuztfpaper", "followup_xlsx_as_csv")
    overview = os.path.join(data, "OVERVIEW_FU.csv")
    if not os.path.exists(overview):
        print(f"SKIP: {overview} not found")
        return 77
    failures = []

    def expect(rows, key, count, value=None, rel=1e-3):
        row = rows.get(key)
        if row is None:
            failures.append(f"{key}: missing")
            return
        if count is not None and int(row["count"]) != count:
            failures.append(f"{key}: count {row['count']}, want {count}")
        if value is not None and not math.isclose(float(row["value"]), value, rel_tol=rel):
            failures.append(f"{key}: value {row['value']}, want {value}")

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cand.h5")
        text, rows = run(["--overview", overview, "--output", out])
        expect(rows, ("summary", "candidates"), 172, 1.1145107161061754, 1e-12)
        expect(rows, ("summary", "alerts"), 24)
        expect(rows, ("summary", "alerts_without_candidates"), 4)
        expect(rows, ("summary", "observed_area_deg2"), None, 154.3278117602363, 1e-12)
        expect(rows, ("summary", "interesting"), 54, 54 / 154.3278117602363, 1e-12)
        for label, n in (("Artefact", 17), ("Star", 17), ("AGN Variability", 84),
                         ("AGN Flare", 5), ("Transient", 12), ("Unclassified", 37)):
            expect(rows, ("fig2", label), n, n / 172, 1e-12)
        for label, n in (("SN Ia", 4), ("SN II", 2), ("TDE", 2), ("Dwarf Nova", 1)):
            expect(rows, ("fig4", label), n)
        expect(rows, ("fig3_split", "faint"), 113, 77 / 113, 1e-12)
        expect(rows, ("fig3_split", "bright"), 55, 54 / 55, 1e-12)
        expect(rows, ("alert", "IC200530A"), 41)
        # the paper's printed 1.05 per deg² and 106 faint: alerts with more than two candidates
        _, early = run(["--overview", overview, "--min-candidates-per-alert", "3"])
        expect(early, ("summary", "candidates"), 162, 1.0497135814488396, 1e-12)
        expect(early, ("fig3_split", "faint"), 106, 70 / 106, 1e-12)

        ref = os.path.join(HERE, "ref_candidates.csv")
        if "--update" in sys.argv:
            with open(ref, "w") as f:
                f.write(text)
        with open(ref) as f:
            if f.read() != text:
                failures.append("printed table differs from ref_candidates.csv")
        with h5py.File(out, "r") as h:
            if int(h["/candidates/per_alert/candidates"][()].sum()) != 172:
                failures.append("archive per_alert does not sum to 172")
            if int(h["/candidates/magnitudes/total"][()].sum()) != 168:  # 4 outside [14, 22]
                failures.append("archive magnitudes do not sum to 168")
        figs = os.path.join(tmp, "figs")
        tool = os.path.join(os.environ.get("NUFLARE_SOURCE_DIR", os.path.join(HERE, "../../..")),
                            "tools", "plot_candidates.py")
        r = subprocess.run([sys.executable, tool, out, figs], capture_output=True, text=True)
        pngs = sorted(os.listdir(figs)) if os.path.isdir(figs) else []
        if r.returncode != 0 or len(pngs) != 3:
            failures.append(f"plot_candidates.py: exit {r.returncode}, {pngs}: {r.stderr}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ZTF candidate statistics reproduce the paper's numbers")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
