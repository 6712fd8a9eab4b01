//! CI versus soak sizes: `GARRISON_SOAK=1` runs the long version of every test.

/// Whether `GARRISON_SOAK=1` (or any value but `0`/empty) is set.
pub fn soak() -> bool {
    std::env::var("GARRISON_SOAK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A size for CI and one for soak runs.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub ci: usize,
    pub soak: usize,
}

impl Budget {
    /// The size to use now; `GARRISON_RELIABILITY_N` overrides both (for measuring).
    pub fn get(self) -> usize {
        if let Some(n) = std::env::var("GARRISON_RELIABILITY_N")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            return n;
        }
        if soak() {
            self.soak
        } else {
            self.ci
        }
    }
}
