//! The `barrack-sim` binary: a local Barrack API emulator for demos, tests and benchmarks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use barrack_sim::{Catalog, FaultConfig, Hostile, Limits, SimConfig};
use clap::Parser;

/// Serves the Barrack API contract on a local address (API under `/v1`, admin under `/_sim`).
#[derive(Debug, Parser)]
#[command(name = "barrack-sim", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8780")]
    addr: SocketAddr,
    /// Persist the account here (atomically, after each change) and load it on start.
    #[arg(long)]
    state_file: Option<PathBuf>,
    /// Multiplies life-cycle delays: 1.0 = contract delays, 0 = instant.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Latency added to every API request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Probability of each injected fault (5xx, dropped connection, 429, extra latency,
    /// operation ending in ERROR).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Probability that a mutation is held `--late-delivery-ms` and then applied even if
    /// its client has gone (not part of `--fault-rate`).
    #[arg(long, default_value_t = 0.0)]
    late_delivery: f64,
    /// How long a late mutation is held, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    late_delivery_ms: u64,
    /// Seed of the fault RNG.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Requests per minute per client before 429; 0 turns the limit off.
    #[arg(long, default_value_t = 500)]
    rate_limit: u32,
    /// The API key to accept.
    #[arg(
        long,
        env = "BARRACK_SIM_API_KEY",
        default_value = "sim-key",
        hide_env_values = true
    )]
    api_key: String,
    /// Misbehave on purpose on every API request: `malformed-json`, `endless-body`,
    /// `bogus-count[=N]`, `redirect=URL`, `key-echo[=STATUS]` or `slow-drip[=MS]`.
    #[arg(long, value_name = "MODE")]
    hostile: Option<Hostile>,
    /// Serve this catalog (regions, GPU models with prices and counts, OS images, volume
    /// types, protocols; JSON, see docs/sim.md "Catalog file") instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// GPUs of each model in each region of a fresh account.
    #[arg(long, default_value_t = Limits::default().gpu_stock)]
    gpu_stock: u32,
    /// Firewalls an account may hold.
    #[arg(long, default_value_t = Limits::default().firewalls)]
    max_firewalls: usize,
    /// Ssh keys an account may hold (every key is in every region).
    #[arg(long, default_value_t = Limits::default().ssh_keys)]
    max_ssh_keys: usize,
    /// The balance of a fresh account, USD.
    #[arg(long, default_value_t = Limits::default().balance)]
    balance: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.fault_rate) {
        tracing::error!(
            fault_rate = args.fault_rate,
            "--fault-rate must be between 0 and 1"
        );
        return ExitCode::from(2);
    }
    if !(0.0..=1.0).contains(&args.late_delivery) {
        tracing::error!(
            late_delivery = args.late_delivery,
            "--late-delivery must be between 0 and 1"
        );
        return ExitCode::from(2);
    }
    let catalog = match &args.catalog {
        Some(path) => match barrack_sim::read_catalog(path) {
            Ok(catalog) => catalog,
            Err(error) => {
                tracing::error!(%error, "--catalog");
                return ExitCode::from(2);
            }
        },
        None => Catalog::builtin(),
    };
    let config = SimConfig {
        api_key: args.api_key,
        time_scale: args.time_scale,
        latency_ms: args.latency_ms,
        faults: FaultConfig {
            late_delivery: args.late_delivery,
            late_delivery_ms: args.late_delivery_ms,
            ..FaultConfig::uniform(args.fault_rate)
        },
        seed: args.seed,
        rate_limit_per_minute: (args.rate_limit > 0).then_some(args.rate_limit),
        rate_limit_window: std::time::Duration::from_secs(60),
        state_file: args.state_file,
        hostile: args.hostile,
        catalog,
        limits: Limits {
            gpu_stock: args.gpu_stock,
            balance: args.balance,
            firewalls: args.max_firewalls,
            ssh_keys: args.max_ssh_keys,
        },
    };
    let handle = match barrack_sim::spawn_on(args.addr, config).await {
        Ok(handle) => handle,
        Err(error) => {
            tracing::error!(addr = %args.addr, %error, "could not start barrack-sim");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        api = %handle.base_url(),
        admin = %handle.admin_url(),
        "barrack-sim listening"
    );
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "cannot wait for Ctrl-C");
    }
    tracing::info!("shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}
