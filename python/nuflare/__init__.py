"""nuflare from Python: Bayesian Blocks, flares, follow-up limits and run archives.

The numbers come from the same C++ library as the ``nuflare`` command, so a
notebook and a campaign agree to the last bit. Importing starts nothing (no
MPI, no threads); the kernels release the GIL.

Light curves (blazar paper §3.3, §4.2):
    bayesian_blocks      astropy.stats.bayesian_blocks' signature and edges
    bayesian_blocks_fit  the same fit with block values and the prior used
    find_flares          preparation, blocks, flares, variability of one curve
    flare_class          multi-frequency stages, simultaneity ratio and class

Follow-up limits (ZTF paper §2, §6):
    read_alerts          an alert table with P_astro, P_obs (Table 4)
    followup_limits      P_detectable and the f limit per evolution and M
    redshift_pdf         P_dist(z) of a source evolution (eq. 3-4)
    p_no_counterpart     eq. 7;  f_limit: the f at a confidence level

Archives (docs/archive-format.md):
    open_archive         tables, datasets and provenance of a run archive

Guide with a worked example: docs/python.md.
"""
from ._nuflare import __version__, git_revision
from .archive import Archive, open_archive
from .followup import (
    f_limit,
    followup_limits,
    p_no_counterpart,
    read_alerts,
    redshift_pdf,
)
from .lightcurve import bayesian_blocks, bayesian_blocks_fit, find_flares, flare_class

__all__ = [
    "Archive",
    "bayesian_blocks",
    "bayesian_blocks_fit",
    "f_limit",
    "find_flares",
    "flare_class",
    "followup_limits",
    "git_revision",
    "open_archive",
    "p_no_counterpart",
    "read_alerts",
    "redshift_pdf",
    "__version__",
]
