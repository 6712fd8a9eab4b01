//! Refresh and the parallel, resumable apply executor.
