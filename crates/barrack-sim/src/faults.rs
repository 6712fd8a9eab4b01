//! Fault injection: a seeded RNG per server decides each request's fate.

use std::time::Duration;

use axum::http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::FaultConfig;

/// The faults one request suffers.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Roll {
    pub(crate) extra_latency: Option<Duration>,
    pub(crate) too_many_requests: bool,
    pub(crate) error_5xx: Option<StatusCode>,
    /// A create made by this request ends in ERROR.
    pub(crate) doomed: bool,
    pub(crate) drop_after_processing: bool,
    /// A mutation is held this long, then applied (see [`FaultConfig::late_delivery`]).
    pub(crate) late_delivery: Option<Duration>,
}

/// The fault configuration and its RNG.
#[derive(Debug)]
pub(crate) struct Faults {
    config: FaultConfig,
    seed: u64,
    rng: StdRng,
    /// Late delivery draws from its own sequence, so adding it left the fates of the other
    /// faults for a given seed unchanged.
    late_rng: StdRng,
}

/// Mixed into the seed of the late-delivery sequence.
const LATE_SEED: u64 = 0x1a7e_de11_7e4e_0001;

impl Faults {
    pub(crate) fn new(config: FaultConfig, seed: u64) -> Self {
        Faults {
            config,
            seed,
            rng: StdRng::seed_from_u64(seed),
            late_rng: StdRng::seed_from_u64(seed ^ LATE_SEED),
        }
    }

    pub(crate) fn config(&self) -> &FaultConfig {
        &self.config
    }

    pub(crate) fn set(&mut self, config: FaultConfig) {
        self.config = config;
    }

    /// Restarts the random sequence from the seed.
    pub(crate) fn reseed(&mut self) {
        self.rng = StdRng::seed_from_u64(self.seed);
        self.late_rng = StdRng::seed_from_u64(self.seed ^ LATE_SEED);
    }

    /// Draws one request's fate. Always draws the same number of values, so the sequence
    /// of fates depends on the seed and the request count only.
    pub(crate) fn roll(&mut self) -> Roll {
        let draws: [f64; 6] = std::array::from_fn(|_| self.rng.gen::<f64>());
        let late = self.late_rng.gen::<f64>();
        let c = &self.config;
        Roll {
            extra_latency: (draws[0] < c.extra_latency_rate && c.extra_latency_ms > 0)
                .then(|| Duration::from_millis(c.extra_latency_ms)),
            too_many_requests: draws[1] < c.too_many_requests,
            error_5xx: (draws[2] < c.error_5xx).then(|| match (draws[3] * 3.0) as u32 {
                0 => StatusCode::INTERNAL_SERVER_ERROR,
                1 => StatusCode::BAD_GATEWAY,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            }),
            doomed: draws[4] < c.operation_error,
            drop_after_processing: draws[5] < c.drop_after_processing,
            late_delivery: (late < c.late_delivery)
                .then(|| Duration::from_millis(c.late_delivery_ms)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_fates() {
        let rolls = |seed| {
            let mut f = Faults::new(FaultConfig::uniform(0.3), seed);
            (0..200).map(|_| f.roll()).collect::<Vec<_>>()
        };
        assert_eq!(rolls(7), rolls(7));
        assert_ne!(rolls(7), rolls(8));
        let hits = rolls(7).iter().filter(|r| r.error_5xx.is_some()).count();
        assert!((30..90).contains(&hits), "{hits} 5xx of 200 at p=0.3");
    }

    #[test]
    fn late_delivery_leaves_the_other_fates_alone() {
        let rolls = |late| {
            let mut f = Faults::new(
                FaultConfig {
                    late_delivery: late,
                    late_delivery_ms: 5,
                    ..FaultConfig::uniform(0.3)
                },
                7,
            );
            (0..200).map(|_| f.roll()).collect::<Vec<_>>()
        };
        let without: Vec<_> = rolls(0.0);
        let with: Vec<_> = rolls(0.5);
        let strip = |r: &Roll| Roll {
            late_delivery: None,
            ..r.clone()
        };
        assert_eq!(
            without.iter().map(strip).collect::<Vec<_>>(),
            with.iter().map(strip).collect::<Vec<_>>()
        );
        let late = with.iter().filter(|r| r.late_delivery.is_some()).count();
        assert!((60..140).contains(&late), "{late} late of 200 at p=0.5");
    }

    #[test]
    fn zero_rates_never_fire() {
        let mut f = Faults::new(FaultConfig::default(), 1);
        assert!((0..500).all(|_| f.roll() == Roll::default()));
    }
}
