//! `garrison sim`: run the Barrack emulator in the foreground.

use std::net::SocketAddr;
use std::path::PathBuf;

use barrack_sim::{FaultConfig, SimConfig};
use miette::miette;

use crate::exit::codes;

pub(crate) async fn run(
    addr: SocketAddr,
    state_file: Option<PathBuf>,
    time_scale: f64,
    fault_rate: f64,
    seed: u64,
) -> miette::Result<u8> {
    if !(0.0..=1.0).contains(&fault_rate) {
        return Err(miette!(
            "`--fault-rate` must be between 0 and 1, got {fault_rate}"
        ));
    }
    let config = SimConfig {
        time_scale,
        faults: FaultConfig::uniform(fault_rate),
        seed,
        state_file,
        ..SimConfig::default()
    };
    let handle = barrack_sim::spawn_on(addr, config).await.map_err(|e| {
        miette!(
            help = "pick another `--addr`",
            "could not start the emulator on {addr}: {e}"
        )
    })?;
    eprintln!(
        "Barrack emulator listening: API {} (key `{}`), admin {}",
        handle.base_url(),
        handle.api_key(),
        handle.admin_url()
    );
    eprintln!(
        "Try: BARRACK_API_KEY={} garrison --endpoint {} plan examples/dev-box",
        handle.api_key(),
        handle.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    eprintln!("Stopped.");
    Ok(codes::OK)
}
