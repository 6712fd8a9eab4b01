//! The simulated clock: real time since start plus any `clock/advance`, in milliseconds.

use std::time::Instant;

/// Milliseconds of simulated time. Life-cycle deadlines and billing use it.
pub(crate) type SimMs = u64;

/// Simulated time runs at real speed; `advance` jumps it forward (for billing tests).
#[derive(Debug)]
pub(crate) struct Clock {
    base: Instant,
    offset_ms: u64,
}

impl Clock {
    /// A clock that reads `start_ms` now.
    pub(crate) fn starting_at(start_ms: SimMs) -> Self {
        Clock {
            base: Instant::now(),
            offset_ms: start_ms,
        }
    }

    pub(crate) fn now(&self) -> SimMs {
        let elapsed = u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.offset_ms.saturating_add(elapsed)
    }

    pub(crate) fn advance(&mut self, ms: u64) {
        self.offset_ms = self.offset_ms.saturating_add(ms);
    }
}

/// A contract delay in seconds, scaled by `time_scale`, in simulated milliseconds.
pub(crate) fn scaled(seconds: f64, time_scale: f64) -> SimMs {
    let ms = seconds * 1000.0 * time_scale;
    if ms.is_finite() && ms > 0.0 {
        ms.round() as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now() {
        let mut clock = Clock::starting_at(1_000);
        let before = clock.now();
        clock.advance(60_000);
        assert!(clock.now() >= before + 60_000);
        assert_eq!(scaled(30.0, 0.001), 30);
        assert_eq!(scaled(30.0, 0.0), 0);
        assert_eq!(scaled(30.0, f64::NAN), 0);
    }
}
