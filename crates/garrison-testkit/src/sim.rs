//! An emulator in this process, on 127.0.0.1 on a free port, configured for tests.

use barrack_sim::{SimConfig, SimHandle};

/// A fault-free emulator whose life-cycles run at `time_scale`, without a rate limit.
pub fn quiet(time_scale: f64) -> SimConfig {
    SimConfig {
        time_scale,
        rate_limit_per_minute: None,
        ..SimConfig::default()
    }
}

/// Starts an emulator with `config` on 127.0.0.1 on a free port; panics (failing the test)
/// when it cannot start.
pub async fn start(config: SimConfig) -> SimHandle {
    barrack_sim::spawn(config)
        .await
        .unwrap_or_else(|e| panic!("the emulator starts: {e}"))
}
