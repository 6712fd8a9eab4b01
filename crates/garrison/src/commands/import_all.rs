//! `garrison import --all [--out FILE] [--kind K]... [--region R]... [DIR]`: import blocks
//! and config for every object of the account the state does not manage.

use crate::cli::{Global, ImportArgs};
use crate::console::Console;
use crate::exit::Ended;
use crate::failure::Failure;

pub(crate) async fn run(_global: &Global, _console: &Console, _args: &ImportArgs) -> Ended {
    Err(Failure::usage(miette::miette!(
        "`garrison import --all` is not wired yet"
    )))
}
