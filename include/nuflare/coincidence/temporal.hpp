#pragma once
//! Flares around alert times: the R(t) statistic of the blazar paper (§5,
//! eq. 1, Fig. 3–8; docs/methods.md "Time campaigns") for one trial, from plain data. One header
//! per job, all included here:
//!  - temporal_selection.hpp — selection cuts, flare series, shift grid, pairs;
//!  - temporal_kernel.hpp — RKernel, the reference R(t) (one shift or a grid);
//!  - temporal_scan.hpp — ScanEngine, the ΔT × containment-factor scan;
//!  - temporal_control.hpp — ControlEngine, control-sample trials from tables;
//!  - temporal_simd.hpp — the vector loop the control engine uses.
//!
//! Every path adds the same numbers in the same order as RKernel::r(), so all
//! agree bit for bit, and none allocates per call. Random numbers are drawn by
//! the caller (campaign/), which keeps this module free of RNG streams, MPI
//! and files.
#include "nuflare/coincidence/temporal_control.hpp"
#include "nuflare/coincidence/temporal_kernel.hpp"
#include "nuflare/coincidence/temporal_scan.hpp"
#include "nuflare/coincidence/temporal_selection.hpp"
#include "nuflare/coincidence/temporal_simd.hpp"
