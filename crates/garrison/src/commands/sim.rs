//! `garrison sim`: run the Barrack emulator in the foreground.

use barrack_sim::{Catalog, FaultConfig, SimConfig};
use miette::miette;

use crate::cli::SimArgs;
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) async fn run(args: &SimArgs, console: &Console) -> Ended {
    let (addr, fault_rate) = (args.addr, args.fault_rate);
    if !(0.0..=1.0).contains(&fault_rate) {
        return Err(Failure::usage(miette!(
            "`--fault-rate` must be between 0 and 1, got {fault_rate}"
        )));
    }
    let catalog = match &args.catalog {
        Some(path) => barrack_sim::read_catalog(path).map_err(|e| {
            Failure::usage(miette!(
                help = "see docs/sim.md \"Catalog file\" for the format",
                "{e}"
            ))
        })?,
        None => Catalog::builtin(),
    };
    let config = SimConfig {
        catalog,
        time_scale: args.time_scale,
        faults: FaultConfig::uniform(fault_rate),
        seed: args.seed,
        state_file: args.state_file.clone(),
        ..SimConfig::default()
    };
    let handle = barrack_sim::spawn_on(addr, config).await.map_err(|e| {
        Failure::usage(miette!(
            help = "pick another `--addr`",
            "could not start the emulator on {addr}: {e}"
        ))
    })?;
    errln!(
        console,
        "Barrack emulator listening: API {} (key `{}`), admin {}",
        handle.base_url(),
        handle.api_key(),
        handle.admin_url()
    );
    errln!(
        console,
        "Try: BARRACK_API_KEY={} garrison --endpoint {} plan examples/dev-box",
        handle.api_key(),
        handle.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    errln!(console, "Stopped.");
    Ok(Outcome::Success)
}
