"""Run archives from Python (docs/archive-format.md).

:func:`open_archive` reads the layout generically through h5py: every table
(a group with ``kind = "table"``) becomes a numpy structured array, or a
pandas DataFrame when pandas is installed, with each column's own HDF5 type
(float64, any integer width, strings decoded to ``str``); every other
dataset is read on demand with ``archive[path]``. Nothing is assumed about
integer widths or compression, so archives of format 1.x and 2.x both read.
"""
import os

import numpy as np

FORMAT = "nuflare-archive"
"""The root attribute ``format`` of every archive."""

SUPPORTED_MAJOR_VERSIONS = (1, 2)
"""Major numbers of ``format_version`` this module reads (a reader checks the major number)."""

PROVENANCE_ATTRIBUTES = ("format", "format_version", "nuflare_version", "git_revision",
                         "analysis", "master_seed", "rng_scheme", "created_utc",
                         "slurm_job_id", "command_line", "mpi_ranks")
"""Root attributes that describe the run (docs/archive-format.md, "Root attributes")."""


def _h5py():
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover - h5py is a dependency
        raise ImportError("nuflare.open_archive needs h5py (Debian: python3-h5py)") from exc
    return h5py


def _value(v):
    """An attribute or scalar as plain Python: bytes decoded, numpy scalars unboxed."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return _decoded(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _decoded(a):
    """An array with byte strings (fixed-length or variable-length) as ``str``."""
    a = np.asarray(a)
    if a.dtype.kind == "S":
        return np.char.decode(a, "utf-8")
    if a.dtype.kind == "O":
        return np.array([x.decode("utf-8") if isinstance(x, bytes) else x for x in a.ravel()],
                        dtype=str).reshape(a.shape)
    return a


def _attrs(obj):
    return {k: _value(v) for k, v in obj.attrs.items()}


def _structured(columns):
    """Equal-length 1-D columns as a numpy structured array, each with its own dtype."""
    names = list(columns)
    n = len(next(iter(columns.values()))) if names else 0
    out = np.empty(n, dtype=[(c, columns[c].dtype) for c in names])
    for c in names:
        out[c] = columns[c]
    return out


class Archive:
    """One nuflare run archive, read from ``path`` (see :func:`open_archive`).

    Attributes
    ----------
    path : str
    attrs : dict
        Every root attribute, decoded (``format``, ``format_version``,
        ``git_revision``, ``master_seed``, ``rng_scheme``, ...).
    config : dict
        The run's fully resolved options (``/config``), as strings.
    inputs : structured array or DataFrame
        ``path`` and ``sha256`` of every input file.
    provenance : dict
        The root attributes that describe the run, plus ``config`` and
        ``inputs`` (a list of ``(path, sha256)``).
    tables : dict
        Every table, by its path without the leading '/' (``'spatial/summary'``).
    summary : structured array or DataFrame
        The table the command printed (``<analysis>/summary``).
    datasets : list of str
        Paths of the datasets that are not table columns (read with ``archive[path]``).
    """

    def __init__(self, path, pandas=None):
        h5py = _h5py()
        self.path = os.fspath(path)
        self._pandas = _pandas_module(pandas)
        self.tables = {}
        self.datasets = []
        self._units = {}
        with h5py.File(self.path, "r") as f:
            self.attrs = _attrs(f)
            fmt = self.attrs.get("format")
            if fmt != FORMAT:
                raise ValueError(f"{self.path}: format: not a nuflare archive "
                                 f"(format attribute {fmt!r}, expected {FORMAT!r})")
            version = str(self.attrs.get("format_version", ""))
            major = version.split(".")[0]
            if not major.isdigit() or int(major) not in SUPPORTED_MAJOR_VERSIONS:
                raise ValueError(f"{self.path}: format_version: {version!r} is not read by this "
                                 f"nuflare module (major versions {SUPPORTED_MAJOR_VERSIONS})")
            self.config = _attrs(f["config"]) if "config" in f else {}
            inputs = {}
            if "inputs" in f:
                for name in ("path", "sha256"):
                    if name in f["inputs"]:
                        inputs[name] = _decoded(f["inputs"][name][()])
            self.inputs = self._frame(inputs)
            f.visititems(self._visit)
        self.provenance = {k: self.attrs[k] for k in PROVENANCE_ATTRIBUTES if k in self.attrs}
        self.provenance["config"] = dict(self.config)
        self.provenance["inputs"] = list(zip(inputs.get("path", []), inputs.get("sha256", [])))

    def _visit(self, name, obj):
        h5py = _h5py()
        if isinstance(obj, h5py.Group) and _value(obj.attrs.get("kind")) == "table":
            # the column order: "a,b,c" (format 1), or a list of names
            columns_attr = _value(obj.attrs.get("columns", ""))
            if isinstance(columns_attr, str):
                names = [c for c in columns_attr.split(",") if c]
            else:
                names = [str(c) for c in np.ravel(columns_attr)]
            names = names or list(obj)
            columns, units = {}, {}
            for c in names:
                columns[c] = _decoded(obj[c][()])
                units[c] = _value(obj[c].attrs.get("unit", ""))
            self.tables[name] = self._frame(columns)
            self._units[name] = units
        elif isinstance(obj, h5py.Dataset):
            parent = obj.parent
            if _value(parent.attrs.get("kind")) != "table" and not name.startswith("inputs/"):
                self.datasets.append(name)

    def _frame(self, columns):
        if self._pandas is not None:
            return self._pandas.DataFrame({c: columns[c] for c in columns})
        return _structured(columns)

    def table(self, name):
        """The table at ``name`` (``'spatial/summary'``; a leading '/' is allowed)."""
        key = name.lstrip("/")
        if key not in self.tables:
            raise KeyError(f"{self.path}: no table {name!r} (tables: {', '.join(self.tables)})")
        return self.tables[key]

    @property
    def summary(self):
        """The table the command printed: ``<analysis>/summary``."""
        return self.table(f"{self.attrs.get('analysis', '')}/summary")

    def units(self, name):
        """Unit of each column of table ``name`` ('' when dimensionless)."""
        self.table(name)
        return dict(self._units[name.lstrip("/")])

    def __getitem__(self, path):
        """The dataset at ``path`` as a numpy array (strings decoded), read now."""
        with _h5py().File(self.path, "r") as f:
            if path not in f or not isinstance(f[path], _h5py().Dataset):
                raise KeyError(f"{self.path}: no dataset {path!r}")
            return _decoded(f[path][()])

    def attributes(self, path="/"):
        """The attributes of the group or dataset at ``path``, decoded."""
        with _h5py().File(self.path, "r") as f:
            if path not in f:
                raise KeyError(f"{self.path}: no group or dataset {path!r}")
            return _attrs(f[path])

    def __repr__(self):
        return (f"<nuflare.Archive {self.path!r}: {self.attrs.get('analysis', '?')}, format "
                f"{self.attrs.get('format_version', '?')}, {len(self.tables)} tables, "
                f"{len(self.datasets)} datasets>")


def _pandas_module(pandas):
    """pandas when asked for (True), when installed (None), or not at all (False)."""
    if pandas is False:
        return None
    try:
        import pandas as pd
    except ImportError:
        if pandas:
            raise ImportError("open_archive(pandas=True) needs pandas (Debian: python3-pandas)")
        return None
    return pd


def open_archive(path, *, pandas=None):
    """Reads a nuflare run archive (``nuflare ... --output RUN.h5``).

    Parameters
    ----------
    path : str or os.PathLike
        ``RUN.h5`` (or an interrupted run's ``RUN.h5.partial``).
    pandas : bool or None
        Tables as pandas DataFrames (True), numpy structured arrays (False),
        or DataFrames when pandas is installed (None, the default).

    Returns
    -------
    Archive
        ``tables`` (every table), ``provenance`` (format, version, git
        revision, seed, RNG scheme, resolved config, input hashes),
        ``archive[path]`` for the per-trial and other datasets.

    Raises
    ------
    OSError
        The file cannot be opened as HDF5.
    ValueError
        It is not a nuflare archive, or its format's major version is not
        one this module reads.

    Examples
    --------
    >>> run = nuflare.open_archive("run.h5")                    # doctest: +SKIP
    >>> run.provenance["git_revision"], run.provenance["master_seed"]  # doctest: +SKIP
    >>> run.table("spatial/summary")                             # doctest: +SKIP
    >>> run["spatial/all/trials/n_near"].shape                   # doctest: +SKIP
    """
    return Archive(path, pandas=pandas)
