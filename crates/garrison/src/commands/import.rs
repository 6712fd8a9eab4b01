//! `garrison import ADDRESS ID [DIR]` (one object, recorded in the state) and `garrison
//! import --all [--out FILE] [DIR]` (import blocks and config for every unmanaged object).

use std::path::PathBuf;

use garrison_config::model::Address;
use garrison_engine::import_one;
use miette::miette;

use crate::cli::{DirArg, Global, ImportArgs};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) async fn run(global: &Global, console: &Console, args: &ImportArgs) -> Ended {
    if args.all {
        return super::import_all::run(global, console, args).await;
    }
    let (to, id, dir) = one_args(&args.args)?;
    let model = context::load_model(&dir, &args.vars, console)?;
    let backend = context::backend(&model)?;
    let remote = context::connect(global, &dir, model.rate_limit_per_minute).await?;
    let result = import_one(&model, &remote.client, backend, to.clone(), id.clone()).await;
    remote.close().await;
    let done = result?;
    if done.already {
        errln!(
            console,
            "`{to}` already holds {} {id}: nothing to import.",
            to.kind
        );
        return Ok(Outcome::Success);
    }
    errln!(
        console,
        "Imported {} `{}` (id {id}) as `{to}`: recorded in the state; nothing in the cloud changed.",
        to.kind,
        done.name
    );
    if done.differences.is_empty() {
        errln!(
            console,
            "Its config matches: `garrison plan` shows no change for it."
        );
    } else {
        errln!(
            console,
            "Its config differs in {}: `garrison plan` shows the {} that follows.",
            done.differences.join(", "),
            done.then.verb()
        );
    }
    Ok(Outcome::Success)
}

/// `ADDRESS ID [DIR]`.
fn one_args(args: &[String]) -> Result<(Address, String, PathBuf), Failure> {
    let usage = |what: &str| {
        Failure::usage(miette!(
            help = "write `garrison import ADDRESS ID [DIR]`, e.g. `garrison import 'vm.trainer[0]' 123`, or `garrison import --all`",
            "{what}"
        ))
    };
    let [address, id, rest @ ..] = args else {
        return Err(usage("`garrison import` needs an ADDRESS and an ID"));
    };
    let to: Address = address
        .parse()
        .map_err(|e| usage(&format!("`{address}` is not an address: {e}")))?;
    let dir = DirArg {
        dir: rest.first().map(PathBuf::from),
    };
    Ok((to, id.clone(), dir.path()))
}
