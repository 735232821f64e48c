#!/usr/bin/python3
"""The module itself: importing starts no MPI, the Python signatures carry the
library's defaults, results do not depend on threads (the kernels run without
the GIL), and the public names are there.
"""
import inspect
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import require, run  # noqa: E402

require("numpy", "nuflare")

import numpy as np  # noqa: E402

import nuflare  # noqa: E402
from nuflare import _nuflare  # noqa: E402


def test_import_loads_no_mpi_and_no_parallel_hdf5():
    # The kernels the module calls use neither; linking with --as-needed
    # keeps libmpi and libhdf5_openmpi out of the process, so nothing can
    # call MPI_Init and h5py's own HDF5 is the only one loaded.
    with open("/proc/self/maps") as f:
        maps = f.read()
    assert "libmpi" not in maps, "libmpi is mapped after import nuflare"
    assert "hdf5_openmpi" not in maps, "parallel HDF5 is mapped after import nuflare"
    assert "mpi4py" not in sys.modules


def test_version_and_names():
    assert nuflare.__version__.count(".") == 2 and nuflare.git_revision
    for name in nuflare.__all__:
        assert hasattr(nuflare, name), name
        if callable(getattr(nuflare, name)) and not name.startswith("_"):
            assert getattr(nuflare, name).__doc__, f"{name} has no docstring"


def test_signature_defaults_are_the_librarys():
    lib = _nuflare.lightcurve_defaults()
    params = {**inspect.signature(nuflare.find_flares).parameters,
              **inspect.signature(nuflare.flare_class).parameters}
    for key, value in lib.items():
        assert key in params, f"{key} is not a keyword of find_flares / flare_class"
        assert params[key].default == value, (key, params[key].default, value)


def test_threads_give_the_same_edges():
    rng = np.random.default_rng(9)
    curves = []
    for _ in range(8):
        t = np.sort(rng.uniform(0, 1000, 3000))
        x = np.cumsum(rng.normal(0, 0.1, t.size)) + rng.normal(0, 0.05, t.size)
        curves.append((t, x, np.full(t.size, 0.05)))
    serial = [nuflare.bayesian_blocks(*c, fitness="measures") for c in curves]
    results = [None] * len(curves)

    def work(i):
        results[i] = nuflare.bayesian_blocks(*curves[i], fitness="measures")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(curves))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for a, b in zip(serial, results):
        assert np.array_equal(a, b)


if __name__ == "__main__":
    run(globals())
