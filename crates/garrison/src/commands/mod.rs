//! One module per subcommand; each loads, calls one library function and prints.

mod apply;
mod fmt;
mod force_unlock;
mod lock_notice;
mod output;
mod plan;
mod refresh;
mod sim;
mod state;
mod summary;
pub(crate) mod validate;

use miette::miette;
pub(crate) use summary::{why_not_started, Ending};

use crate::cli::{Cli, Command, StateCommand};

/// Runs the chosen command; `Ok` carries the exit code.
pub(crate) fn dispatch(cli: Cli) -> miette::Result<u8> {
    let global = cli.global;
    let no_color = global.no_color;
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| miette!("could not start the async runtime: {e}"))
    };
    match cli.command {
        Command::Validate { dirs, vars, json } => validate::run(dirs, &vars, json, no_color),
        Command::Fmt { dir, check } => fmt::run(dir, check, no_color),
        Command::Plan {
            dir,
            vars,
            out,
            json,
            markdown,
            detailed_exitcode,
            refresh,
            destroy,
        } => runtime()?.block_on(plan::run(
            &global,
            plan::PlanArgs {
                dir,
                vars,
                out,
                json,
                markdown,
                detailed_exitcode,
                refresh,
                destroy,
            },
        )),
        Command::Apply {
            target,
            vars,
            auto_approve,
            parallelism,
        } => runtime()?.block_on(apply::run(
            &global,
            apply::ApplyArgs {
                target,
                vars,
                auto_approve,
                parallelism: usize::from(parallelism),
                destroy: false,
            },
        )),
        Command::Destroy {
            dir,
            vars,
            auto_approve,
            parallelism,
        } => runtime()?.block_on(apply::run(
            &global,
            apply::ApplyArgs {
                target: dir,
                vars,
                auto_approve,
                parallelism: usize::from(parallelism),
                destroy: true,
            },
        )),
        Command::Refresh { dir, vars } => runtime()?.block_on(refresh::run(&global, dir, &vars)),
        Command::Output {
            name,
            dir,
            dir_flag,
            vars,
            json,
        } => {
            let (name, dir) = output::name_and_dir(name, dir.or(dir_flag));
            output::run(name, dir, &vars, json, no_color)
        }
        Command::State { command } => match command {
            StateCommand::List {
                dir,
                dir_flag,
                vars,
            } => state::list(dir.or(dir_flag), &vars, no_color),
            StateCommand::Show {
                address,
                dir,
                dir_flag,
                vars,
            } => state::show(&address, dir.or(dir_flag), &vars, no_color),
        },
        Command::ForceUnlock { lock_id, dir, yes } => {
            force_unlock::run(lock_id, dir, yes, no_color)
        }
        Command::Sim {
            addr,
            state_file,
            time_scale,
            fault_rate,
            seed,
        } => runtime()?.block_on(sim::run(addr, state_file, time_scale, fault_rate, seed)),
    }
}
