//! One module per subcommand; each loads, calls one library function and prints.

mod apply;
mod events;
mod fmt;
mod force_unlock;
mod graph;
mod import;
mod import_all;
mod lock;
mod lock_notice;
mod lsp;
mod output;
mod plan;
mod policy;
mod refresh;
mod rehearse;
mod show;
mod sim;
mod state;
mod summary;
mod surgery;
pub(crate) mod validate;
mod workspace;

pub(crate) use summary::{why_not_started, Ending};

use crate::cli::{Cli, Command, StateCommand, WorkspaceCommand};
use crate::console::Console;
use crate::exit::Ended;
use crate::failure::Failure;

/// Runs the chosen command.
pub(crate) fn dispatch(cli: Cli, console: &Console) -> Ended {
    let global = &cli.global;
    match cli.command {
        Command::Validate(args) => validate::run(&args, console),
        Command::Fmt(args) => fmt::run(&args, console),
        Command::Plan(args) => runtime()?.block_on(plan::run(global, console, &args)),
        Command::Apply(args) => {
            let run = apply::Run::apply(args);
            runtime()?.block_on(apply::run(global, console, run))
        }
        Command::Destroy(args) => {
            let run = apply::Run::destroy(args);
            runtime()?.block_on(apply::run(global, console, run))
        }
        Command::Refresh(args) => runtime()?.block_on(refresh::run(global, console, &args)),
        Command::Import(args) => runtime()?.block_on(import::run(global, console, &args)),
        Command::Output(args) => output::run(&args, console),
        Command::Show(args) => show::run(&args, console),
        Command::Graph(args) => graph::run(global, console, &args),
        Command::State { command } => match command {
            StateCommand::List(args) => state::list(&args, console),
            StateCommand::Show(args) => state::show(&args, console),
            StateCommand::Rm(args) => surgery::rm::run(&args, console),
            StateCommand::Mv(args) => surgery::mv::run(&args, console),
            StateCommand::Pull(args) => surgery::pull::run(&args, console),
            StateCommand::Push(args) => surgery::push::run(&args, console),
            StateCommand::Rekey(args) => surgery::rekey::run(&args, console),
            StateCommand::Keygen => surgery::rekey::keygen(console),
        },
        Command::Lock(args) => runtime()?.block_on(lock::run(global, console, &args)),
        Command::ForceUnlock(args) => force_unlock::run(&args, console),
        Command::Workspace { command } => match command {
            WorkspaceCommand::New(args) => workspace::new(&args, console),
            WorkspaceCommand::Select(args) => workspace::select(&args, console),
            WorkspaceCommand::List(args) => {
                runtime()?.block_on(workspace::list(global, &args, console))
            }
            WorkspaceCommand::Show(args) => workspace::show(&args, console),
            WorkspaceCommand::Delete(args) => workspace::delete(&args, console),
        },
        Command::Lsp(args) => lsp::run(&args),
        Command::Sim(args) => runtime()?.block_on(sim::run(&args, console)),
    }
}

/// The async runtime of the commands that talk to an API.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::internal(miette::miette!("could not start the async runtime: {e}")))
}
