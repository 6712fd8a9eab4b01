//! `garrison state list` and `garrison state show ADDR`.

use std::io::Write;
use std::path::PathBuf;

use garrison_state::Store;
use miette::miette;

use crate::cli::VarArgs;
use crate::exit::codes;

pub(crate) fn list(dir: Option<PathBuf>, vars: &VarArgs, no_color: bool) -> miette::Result<u8> {
    let backend =
        crate::context::backend_of_dir_with(&crate::context::dir_or_cwd(dir), vars, no_color)?;
    let replay = Store::peek(backend.as_ref())?;
    let mut out = std::io::stdout().lock();
    for (address, rs) in &replay.state.resources {
        let _ = writeln!(out, "{address}\t{}\t{}", rs.remote_id, rs.name);
    }
    if !replay.unresolved.is_empty() {
        eprintln!(
            "note: {} interrupted operation(s) will be resolved by the next `garrison apply`",
            replay.unresolved.len()
        );
    }
    Ok(codes::OK)
}

pub(crate) fn show(
    address: &str,
    dir: Option<PathBuf>,
    vars: &VarArgs,
    no_color: bool,
) -> miette::Result<u8> {
    let backend =
        crate::context::backend_of_dir_with(&crate::context::dir_or_cwd(dir), vars, no_color)?;
    let state = Store::peek(backend.as_ref())?.state;
    let Some(rs) = state.resources.get(address) else {
        return Err(miette!(
            help = "`garrison state list` shows every address",
            "`{address}` is not in the state"
        ));
    };
    let text = serde_json::to_string_pretty(rs).map_err(|e| miette!("{e}"))?;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(codes::OK)
}
