//! `garrison workspace new|select|list|show|delete`: one config's isolated copies. The
//! storage is `garrison_state::workspaces`; this module selects (`.garrison/workspace`) and
//! prints.

use std::path::Path;

use garrison_core::Workspace;
use garrison_state::workspaces::{self, Deleted};
use garrison_state::{Store, Workspaces};
use miette::miette;
use serde_json::json;

use crate::cli::{Global, StateDirArgs, WorkspaceDeleteArgs, WorkspaceListArgs, WorkspaceNameArgs};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;
use crate::workspace::{recorded, selected, selected_file};

/// `workspace new NAME`: an empty state, then selected.
pub(crate) fn new(args: &WorkspaceNameArgs, console: &Console) -> Ended {
    let dir = args.state.path();
    let all = context::workspaces_of_dir(&dir, &args.state.vars, console)?;
    let location = workspaces::create(&all, &args.name)?;
    record(&dir, &args.name)?;
    errln!(
        console,
        "Created and selected workspace `{}` (state: {location}).",
        args.name
    );
    Ok(Outcome::Success)
}

/// `workspace select NAME`: refused for a workspace that does not exist.
pub(crate) fn select(args: &WorkspaceNameArgs, console: &Console) -> Ended {
    let dir = args.state.path();
    let all = context::workspaces_of_dir(&dir, &args.state.vars, console)?;
    if !all.exists(&args.name)? {
        return Err(crate::workspace::missing(&args.name));
    }
    record(&dir, &args.name)?;
    errln!(console, "Selected workspace `{}`.", args.name);
    Ok(Outcome::Success)
}

/// `workspace show`: the workspace commands work in, on stdout.
pub(crate) fn show(args: &StateDirArgs, console: &Console) -> Ended {
    outln!(console, "{}", selected(&args.path())?);
    Ok(Outcome::Success)
}

/// One row of `workspace list`.
struct Row {
    name: Workspace,
    resources: usize,
    usd_per_hour: Option<f64>,
}

/// `workspace list`: each workspace, its resources and their cost per hour (prices from the
/// API; without one the cost is `?`).
pub(crate) async fn list(global: &Global, args: &WorkspaceListArgs, console: &Console) -> Ended {
    let dir = args.state.path();
    let all = context::workspaces_of_dir(&dir, &args.state.vars, console)?;
    let current = selected(&dir)?;
    let prices = prices(global, &dir).await;
    let mut rows = Vec::new();
    for name in all.list()? {
        let state = Store::peek(all.backend(&name)?.as_ref())?.state;
        rows.push(Row {
            usd_per_hour: prices
                .as_ref()
                .ok()
                .map(|p| garrison_plan::cost::state_hourly(&state, p)),
            resources: state.resources.len(),
            name,
        });
    }
    if args.json {
        let doc: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "selected": r.name == current,
                    "resources": r.resources,
                    "usd_per_hour": r.usd_per_hour,
                })
            })
            .collect();
        outln!(console, "{:#}", serde_json::Value::Array(doc));
    } else {
        print_table(console, &rows, &current);
    }
    if let Err(why) = prices {
        errln!(console, "note: costs unknown ({why})");
    }
    Ok(Outcome::Success)
}

/// The table: `*` marks the selected workspace; a total line when there are several.
fn print_table(console: &Console, rows: &[Row], current: &Workspace) {
    let width = rows
        .iter()
        .map(|r| r.name.as_str().len())
        .max()
        .unwrap_or(0);
    let cost = |c: Option<f64>| c.map_or_else(|| "?".to_owned(), |c| format!("${c:.4}/h"));
    for r in rows {
        let mark = if &r.name == current { '*' } else { ' ' };
        outln!(
            console,
            "{mark} {:width$}  {:>4} resource{}  {}",
            r.name.as_str(),
            r.resources,
            if r.resources == 1 { " " } else { "s" },
            cost(r.usd_per_hour)
        );
    }
    if rows.len() > 1 {
        let total: usize = rows.iter().map(|r| r.resources).sum();
        let usd = rows.iter().map(|r| r.usd_per_hour).sum::<Option<f64>>();
        outln!(
            console,
            "  {:width$}  {total:>4} resource{}  {}",
            "total",
            if total == 1 { " " } else { "s" },
            cost(usd)
        );
    }
}

/// The account's prices, or why they could not be read.
async fn prices(global: &Global, dir: &Path) -> Result<garrison_plan::Prices, String> {
    let remote = context::connect(global, dir, None)
        .await
        .map_err(|f| crate::failure::one_line(&f.render()))?;
    let prices = garrison_engine::prices(&remote.client).await;
    remote.close().await;
    prices.map_err(|e| e.to_string())
}

/// `workspace delete NAME [--force]`; deleting the selected workspace selects `default`.
pub(crate) fn delete(args: &WorkspaceDeleteArgs, console: &Console) -> Ended {
    let dir = args.name.state.path();
    let all: Workspaces = context::workspaces_of_dir(&dir, &args.name.state.vars, console)?;
    let deleted = workspaces::delete(&all, &args.name.name, args.force)?;
    report_abandoned(console, &deleted);
    errln!(
        console,
        "Deleted workspace `{}` (state: {}).",
        args.name.name,
        deleted.location
    );
    if recorded(&dir)? == args.name.name {
        record(&dir, &Workspace::default())?;
        errln!(console, "Selected workspace `default`.");
    }
    Ok(Outcome::Success)
}

/// With `--force`: every object left in the cloud, unmanaged.
fn report_abandoned(console: &Console, deleted: &Deleted) {
    for r in &deleted.abandoned {
        errln!(
            console,
            "warning: abandoned {} `{}` (id {}, name `{}`): it stays in the cloud, unmanaged",
            r.kind,
            r.address,
            r.remote_id,
            r.name
        );
    }
    if deleted.unresolved > 0 {
        errln!(
            console,
            "warning: abandoned {} interrupted operation{} whose outcome is unknown",
            deleted.unresolved,
            if deleted.unresolved == 1 { "" } else { "s" }
        );
    }
}

/// Writes the selection (removing the file for `default`), atomically.
fn record(dir: &Path, ws: &Workspace) -> Result<(), Failure> {
    let file = selected_file(dir);
    let failed = |e: std::io::Error| {
        Failure::state(miette!(
            "could not record the selected workspace in `{}`: {e}",
            file.display()
        ))
    };
    if ws.is_default() {
        return match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(e)),
            _ => Ok(()),
        };
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, format!("{ws}\n")).map_err(failed)?;
    std::fs::rename(&tmp, &file).map_err(failed)
}
