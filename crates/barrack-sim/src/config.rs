//! The emulator's configuration: timing, faults, rate limit, persistence, catalog.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use barrack_wire::Catalog;
use serde::{Deserialize, Serialize};

use crate::hostile::Hostile;
use crate::limits::Limits;

/// How a simulated Barrack behaves. `Default` gives the contract's behaviour with no faults.
#[derive(Clone)]
pub struct SimConfig {
    /// Accepted as `Authorization: Bearer`, `X-API-Key` or `api_key`. Default `sim-key`.
    pub api_key: String,
    /// Multiplies every life-cycle delay: 1.0 = contract delays, 0.001 for tests, 0.0 = instant.
    pub time_scale: f64,
    /// Added to every API request.
    pub latency_ms: u64,
    /// Fault injection (all rates 0.0 by default).
    pub faults: FaultConfig,
    /// Seeds the fault RNG: the same seed and request sequence give the same faults.
    pub seed: u64,
    /// Requests per sliding minute per client address; `None` turns the limit off.
    pub rate_limit_per_minute: Option<u32>,
    /// The window the rate limit counts in: a minute by default (the contract); tests
    /// shorten it to see a limit at work in seconds.
    pub rate_limit_window: Duration,
    /// Persist the account here after each mutation (atomically) and load it on start.
    pub state_file: Option<PathBuf>,
    /// Misbehave on every API request in this way (see [`Hostile`]); `None` serves the
    /// contract.
    pub hostile: Option<Hostile>,
    /// What the account is offered: regions, GPU models and prices, OS images, volume
    /// types, protocols (`--catalog FILE`; the built-in catalog by default).
    pub catalog: Catalog,
    /// GPU stock, balance and per-account caps of a fresh account (the contract's by
    /// default).
    pub limits: Limits,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            api_key: "sim-key".to_owned(),
            time_scale: 1.0,
            latency_ms: 0,
            faults: FaultConfig::default(),
            seed: 0,
            rate_limit_per_minute: Some(500),
            rate_limit_window: Duration::from_secs(60),
            state_file: None,
            hostile: None,
            catalog: Catalog::builtin(),
            limits: Limits::default(),
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("api_key", &"(redacted)")
            .field("time_scale", &self.time_scale)
            .field("latency_ms", &self.latency_ms)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("rate_limit_window", &self.rate_limit_window)
            .field("state_file", &self.state_file)
            .field("hostile", &self.hostile)
            .field("gpu_models", &self.catalog.gpu_model_names())
            .field("limits", &self.limits)
            .finish()
    }
}

/// Probabilities (0.0..=1.0) of each injected fault, drawn per API request from the seeded RNG.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    /// A random 500, 502 or 503 BEFORE the request is processed.
    pub error_5xx: f64,
    /// The request is processed, then the connection is closed without a response.
    pub drop_after_processing: f64,
    /// A 429 with `Retry-After: 1`, independent of the real rate limit.
    pub too_many_requests: f64,
    /// Extra delay added with probability `extra_latency_rate`.
    pub extra_latency_ms: u64,
    pub extra_latency_rate: f64,
    /// A create (instance, firewall) that ends in `ERROR` instead of its stable state.
    pub operation_error: f64,
    /// A mutation (POST, PUT, DELETE) is held `late_delivery_ms`, then applied whether or
    /// not its client is still connected (a load balancer that accepted it acts late).
    /// Not part of [`FaultConfig::uniform`]; drawn from its own seeded sequence.
    pub late_delivery: f64,
    /// How long a late mutation is held (wall-clock milliseconds, not time-scaled).
    pub late_delivery_ms: u64,
}

impl FaultConfig {
    /// Extra latency used by [`FaultConfig::uniform`].
    pub const UNIFORM_EXTRA_LATENCY_MS: u64 = 250;

    /// Every fault at rate `p` (what `--fault-rate P` sets).
    pub fn uniform(p: f64) -> Self {
        FaultConfig {
            error_5xx: p,
            drop_after_processing: p,
            too_many_requests: p,
            extra_latency_ms: Self::UNIFORM_EXTRA_LATENCY_MS,
            extra_latency_rate: p,
            operation_error: p,
            late_delivery: 0.0,
            late_delivery_ms: 0,
        }
    }
}
