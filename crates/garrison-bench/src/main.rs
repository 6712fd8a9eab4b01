//! `garrison-bench`: benchmarks against the emulator, baselines measured in the same run.
//!
//! `cargo run --release -p garrison-bench [-- --json] [--only b1,b2,...]`. Each scenario
//! prints `name value unit baseline ratio`; see `docs/performance.md`.

mod alloc;
mod b1;
mod b2;
mod b3;
mod b4;
mod b5;
mod b5_limits;
mod b6;
mod env;
mod report;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "garrison-bench", about = "Garrison benchmarks (B1-B6)")]
struct Args {
    /// Print one JSON document instead of lines.
    #[arg(long)]
    json: bool,
    /// Scenarios to run (comma separated): b1, b2, b3, b4, b5, b5-limits, b6.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "b1,b2,b3,b4,b5,b5-limits,b6"
    )]
    only: Vec<String>,
    /// Internal: measure one size in this process (used for per-size peak RSS).
    #[arg(hide = true)]
    internal: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.internal.first().map(String::as_str) == Some("internal-b1") {
        let n = args
            .internal
            .get(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        let counted = args.internal.get(2).map(String::as_str) == Some("counted");
        return match b1::measure(n, counted) {
            Ok((secs, rss, load, plan)) => {
                let _ = writeln!(std::io::stdout(), "{secs} {rss} {load} {plan}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut lines = Vec::new();
    let mut failed = false;
    for scenario in &args.only {
        let result = match scenario.as_str() {
            "b1" => b1::run(&[1_000, 10_000, 100_000]),
            "b2" => b2::run(&sizes("GARRISON_BENCH_B2_SIZES", &[10_000]), b2_runs()),
            "b3" => b3::run(500),
            "b5" => b5::run(500),
            "b5-limits" => b5_limits::run(&limits_sizes()),
            "b4" => b4::run(&[250, 500, 1_000]),
            "b6" => b6::run(1_000),
            other => Err(format!("scenario `{other}` is not available in this build")),
        };
        match result {
            Ok(mut l) => {
                if !args.json {
                    for line in &l {
                        let _ = writeln!(std::io::stdout(), "{}", line.text());
                    }
                }
                lines.append(&mut l);
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "{scenario}: error: {e}");
                failed = true;
            }
        }
    }
    if args.json {
        let doc = serde_json::json!({ "format_version": 1, "results": lines });
        let _ = writeln!(std::io::stdout(), "{doc:#}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Sizes from the environment variable `var` (`10000,100000`), else `default`.
fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(var)
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

/// B2's runs per size (`GARRISON_BENCH_B2_RUNS`, default 5): the lines are their medians.
fn b2_runs() -> usize {
    std::env::var("GARRISON_BENCH_B2_RUNS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(b2::RUNS)
}

/// B5-limits' fleet sizes: `GARRISON_BENCH_LIMITS_SIZES=120,600` to run fewer (each size
/// applies three times; 2,000 resources take minutes under the limit).
fn limits_sizes() -> Vec<usize> {
    sizes("GARRISON_BENCH_LIMITS_SIZES", &[120, 600, 2_000])
}
