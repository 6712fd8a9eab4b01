//! Pure planning: config + state + remote view to a Plan.
