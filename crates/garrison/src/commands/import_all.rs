//! `garrison import --all [--out FILE] [--kind K]... [--region R]... [DIR]`: import blocks
//! and config for every object of the account the state does not manage, on stdout or in
//! a new file; what could not be written and why on stderr.

use std::io::Write;
use std::path::{Path, PathBuf};

use garrison_engine::generate::{Generated, ImportFilter};
use garrison_engine::generate_flows;
use miette::miette;

use crate::cli::{DirArg, Global, ImportArgs};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) async fn run(global: &Global, console: &Console, args: &ImportArgs) -> Ended {
    let dir = match args.args.as_slice() {
        [] => DirArg::default().path(),
        [dir] => PathBuf::from(dir),
        _ => {
            return Err(Failure::usage(miette!(
                help = "`garrison import --all [--out FILE] [DIR]`; to import one object: `garrison import ADDRESS ID [DIR]`",
                "`--all` takes no ADDRESS or ID"
            )))
        }
    };
    if let Some(out) = &args.out {
        refuse_existing(out)?;
    }
    let model = model_or_empty(&dir, args, console)?;
    let backend = context::backend(&model)?;
    let remote = context::connect(global, &dir, model.rate_limit_per_minute).await?;
    let filter = ImportFilter {
        kinds: args.kinds.clone(),
        regions: args.regions.clone(),
    };
    let result =
        generate_flows::import_all(&model, backend.as_ref(), &remote.client, &filter).await;
    remote.close().await;
    let generated = result?;
    match &args.out {
        Some(out) => write_new(out, &generated.text)?,
        None => outln!(console, "{}", generated.text.trim_end()),
    }
    report(console, &generated, args.out.as_deref());
    Ok(Outcome::Success)
}

/// The directory's config; a directory with no `*.kdl` file yet (the first step of bringing
/// an account under Garrison) is an empty config with the default local state.
fn model_or_empty(
    dir: &Path,
    args: &ImportArgs,
    console: &Console,
) -> Result<garrison_config::Model, Failure> {
    let has_config = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "kdl"))
        })
        .unwrap_or(true);
    if has_config {
        return context::load_model(dir, &args.vars, console);
    }
    let inputs = crate::commands::validate::var_inputs_in(dir, &args.vars)?;
    let loaded = garrison_config::load_str("(empty)", "", &inputs)
        .map_err(|_| Failure::internal(miette!("an empty config did not load")))?;
    Ok(garrison_config::Model {
        dir: dir.to_path_buf(),
        ..loaded.model
    })
}

/// What was written, what the reader must know, and what to run next.
pub(crate) fn report(console: &Console, generated: &Generated, out: Option<&Path>) {
    notes(console, generated);
    let n = generated.imports.len();
    let whereto = out.map_or_else(|| "above".to_string(), |o| format!("in `{}`", o.display()));
    errln!(
        console,
        "{n} object{} to import {whereto}; `garrison plan` shows {} import{} and no other change, and `garrison apply` records {} in the state without changing the cloud.",
        if n == 1 { "" } else { "s" },
        n,
        if n == 1 { "" } else { "s" },
        if n == 1 { "it" } else { "them" },
    );
}

/// The generator's notes and what it skipped, one line each.
pub(crate) fn notes(console: &Console, generated: &Generated) {
    for note in &generated.notes {
        errln!(console, "note: {note}");
    }
    for s in &generated.skipped {
        errln!(
            console,
            "skipped: {} `{}` (id {}): {}",
            s.kind,
            s.name,
            s.id,
            s.reason
        );
    }
}

/// A file Garrison writes must not exist yet (nothing of the user's is overwritten).
pub(crate) fn refuse_existing(path: &Path) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::usage(miette!(
            help = "choose a new file name, or remove the file first",
            "`{}` exists: Garrison does not overwrite it",
            path.display()
        )));
    }
    Ok(())
}

/// Creates `path` (refusing an existing one) with `text`.
pub(crate) fn write_new(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::config(miette!("writing `{}`: {e}", path.display()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)
}
