#!/usr/bin/python3
"""`nuflare blocks` as scripts outside the project call it (README.md): the
oracle cases of ../shared/ORACLES.md, random light curves against astropy
(when Debian's python3-astropy is installed), and bad input."""
import os
import subprocess
import sys
import tempfile

import numpy as np

BIN = os.environ["NUFLARE_BIN"]
SHARED = os.environ.get("NUFLARE_SHARED_DIR", "")
failures = []


def run(csv_text, *args):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write(csv_text)
        name = f.name
    try:
        p = subprocess.run([BIN, "blocks", "--input", name, *args], capture_output=True, text=True)
    finally:
        os.unlink(name)
    return p


def edges(csv_text, *args):
    p = run(csv_text, *args)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return np.array([float(v) for v in p.stdout.split()])


def csv(t, x=None, sigma=None):
    cols = [np.asarray(t, float)]
    head = ["t"]
    if x is not None:
        cols.append(np.broadcast_to(np.asarray(x, float), cols[0].shape))
        head.append("x")
    if sigma is not None:
        cols.append(np.broadcast_to(np.asarray(sigma, float), cols[0].shape))
        head.append("sigma")
    lines = [",".join(head)] + [",".join(repr(float(c[i])) for c in cols) for i in range(len(t))]
    return "\n".join(lines) + "\n"


def check(name, got, want, rtol=1e-9):
    if len(got) != len(want) or not np.allclose(got, want, rtol=rtol, atol=1e-12):
        failures.append(f"{name}: got {list(got)}, want {list(want)}")


# ORACLES.md, Bayesian Blocks edges.
t20 = np.arange(20.0)
step = np.array([1.0] * 10 + [3.0] * 5 + [1.0] * 5)
check("step", edges(csv(t20, step, 0.1)), [0, 9.5, 14.5, 19])
check("step sigma 1", edges(csv(t20, step, 1.0)), [0, 19])
check("flat", edges(csv(t20, np.ones(20), 0.1)), [0, 19])
check("unsorted", edges(csv([5, 1, 3, 2, 4, 0], [10, 1, 1, 1, 10, 1], 0.1)), [0, 3.5, 5])
check("astropy drops an edge", edges(csv([0, 1, 2], [1, 5, 1], 0.1)), [0, 0.5, 1.5, 2])
check("two points", edges(csv([0, 1], [1, 5], 0.1)), [0, 0.5, 1])
check("one point", edges(csv([3], [1], 0.1)), [3])
# ORACLES.md lists astropy's [1, 2]: its dropped-edge bug again (each unique
# time is its own block at the optimum; see tests/unit/lightcurve).
check("repeated events", edges(csv([1, 1, 1, 1, 1, 1, 1, 1, 2])), [1, 1.5, 2])
check("events 0..3", edges(csv([0, 0, 0, 1, 2, 3, 3])), [0, 3])
gauss_t = np.linspace(0, 1, 11)
check("gaussian", edges(csv(gauss_t, np.exp(-0.5 * (gauss_t - 0.5) ** 2 / 0.01**2), 0.05)),
      [0, 0.45, 0.55, 1])
oracles = os.path.join(SHARED, "oracles")
if os.path.isdir(oracles):
    ev = np.loadtxt(os.path.join(oracles, "events_rng42.txt"))
    check("events_rng42", edges(csv(ev), "--fitness", "events", "--p0", "0.05"),
          [-1.95103519, -1.01861547, 0.95442154, 2.1416476], rtol=1e-8)
    m = np.loadtxt(os.path.join(oracles, "measures_rng42.txt"))
    check("measures_rng42", edges(csv(m[:, 0], m[:, 1], 0.1), "--ncp-prior", "4.129998814105"),
          [1.39362877, 44.30811196, 49.46626158, 54.37232704, 92.7562551], rtol=1e-8)
    rx = np.loadtxt(os.path.join(oracles, "regular_rng42_x.txt"))
    check("regular", edges(csv(0.01 * np.arange(1000), rx), "--fitness", "regular_events",
                           "--dt", "0.01"), [0, 4.365, 4.995, 9.99], rtol=1e-8)
else:
    print(f"note: {oracles} absent; oracle-file cases skipped")

# Random light curves against astropy (sorted input with per-point errors, so
# astropy's unsorted-sigma bug does not apply).
try:
    from astropy.stats import bayesian_blocks
except ImportError:
    bayesian_blocks = None
    print("note: astropy not installed for /usr/bin/python3; random comparison skipped")
if bayesian_blocks is not None:
    rng = np.random.default_rng(2026)
    compared = 0
    for case in range(60):
        n = int(rng.integers(4, 300))
        t = np.sort(rng.uniform(0, 1000, n))
        if len(np.unique(t)) != n:
            continue
        x = rng.normal(10, 1, n) + 5 * (np.abs(t - rng.uniform(0, 1000)) < 50)
        s = rng.uniform(0.3, 2.0, n)
        p0 = float(rng.choice([0.01, 0.05]))
        want = bayesian_blocks(t, x, s, fitness="measures", p0=p0)
        # astropy drops an interior edge when every point is its own block.
        if len(want) == n:
            continue
        check(f"astropy case {case} (n={n}, p0={p0})", edges(csv(t, x, s), "--p0", str(p0)), want)
        compared += 1
    print(f"compared {compared} random light curves with astropy")

# Bad input: one line naming file, line and field; exit status 2.
for name, text, pattern in [
    ("bad number", "t,x,sigma\n1,2,0.1\n2,3x,0.1\n", ":3: column 2 (x): not a number"),
    ("nan", "t,x,sigma\n1,nan,0.1\n", ":2: column 2 (x): not a finite number"),
    ("negative sigma", "t,x,sigma\n1,2,-0.1\n", ":2: column 3 (sigma)"),
    ("column count", "t,x,sigma\n1,2\n", "expected 3 columns, found 2"),
    ("empty", "", "empty file"),
    ("no rows", "t,x\n", "no data rows"),
]:
    p = run(text)
    lines = p.stderr.strip().splitlines()
    if p.returncode != 2 or len(lines) != 1 or pattern not in lines[0] or p.stdout:
        failures.append(f"bad input '{name}': status {p.returncode}, stderr {p.stderr!r}")
p = subprocess.run([BIN, "blocks", "--input", "/nonexistent.csv"], capture_output=True, text=True)
if p.returncode != 2 or "/nonexistent.csv: no such file" not in p.stderr:
    failures.append(f"missing file: {p.returncode} {p.stderr!r}")
p = run("t,x\n1,2\n2,3\n", "--fitness", "bogus")
if p.returncode != 2 or "bogus" not in p.stderr:
    failures.append(f"bad fitness: {p.returncode} {p.stderr!r}")

for f in failures:
    print("FAIL", f)
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
