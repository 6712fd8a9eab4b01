//! One resource block per object: every attribute the planner compares, with the object's
//! current value, or why the config language cannot express the object. One module per
//! kind; the dispatch (an exhaustive match, so a new kind fails to compile here) is in this
//! file with the checks every kind shares (name, region, status).

mod firewall;
mod image;
mod rules;
mod script;
mod snapshot;
mod ssh_key;
mod vm;
mod volume;

use barrack_api::wire::Catalog;
use garrison_config::catalog;
use garrison_config::model::Kind;

use super::kdl::quoted;
use super::notes::Note;
use super::refs::Resolver;
use crate::remote::{Inventory, RemoteObject};

/// What a block is written from besides its object.
pub(super) struct Ctx<'a> {
    /// Where links point.
    pub(super) resolver: &'a Resolver<'a>,
    /// Every object in the account (a script's region comes from the VMs that use it).
    pub(super) inventory: &'a Inventory,
    /// What the cloud offers (the API's catalog, read by the same run).
    pub(super) catalog: &'a Catalog,
}

/// A block's content besides its label and cloud name.
#[derive(Debug, Default)]
pub(super) struct Body {
    /// `region`, for the kinds that have one.
    pub(super) region: Option<String>,
    /// Attribute nodes as written one level deep (a multi-line string carries its own
    /// indentation).
    pub(super) lines: Vec<String>,
    /// What the comment above the block says.
    pub(super) notes: Vec<Note>,
}

/// One level of indentation, as `garrison fmt` writes it.
pub(super) const INDENT: &str = "    ";

/// The block of `object`, or why it cannot be written.
pub(super) fn render(object: &RemoteObject, ctx: &Ctx<'_>) -> Result<Body, String> {
    check_name(object)?;
    match object {
        RemoteObject::Vm(o) => vm::body(o, ctx),
        RemoteObject::Volume(o) => volume::body(o, ctx),
        RemoteObject::Firewall(o) => firewall::body(o, ctx),
        RemoteObject::SshKey(o) => ssh_key::body(o),
        RemoteObject::Script(o) => script::body(o, ctx),
        RemoteObject::Snapshot(o) => snapshot::body(o, ctx),
        RemoteObject::Image(o) => image::body(o, ctx),
    }
}

/// The cloud name follows the config's naming rules (the API's, so only a hand-edited or
/// foreign object breaks them).
fn check_name(object: &RemoteObject) -> Result<(), String> {
    let name = object.name();
    let ok_char = if object.kind() == Kind::SshKey {
        catalog::is_ssh_key_name_char
    } else {
        catalog::is_name_char
    };
    let length = name.chars().count();
    if length == 0 || length > catalog::NAME_MAX || !name.chars().all(ok_char) {
        return Err(format!(
            "its name {} breaks the config's naming rules (1-{} letters, digits, {}`_`, `.` and `-`)",
            quoted(name),
            catalog::NAME_MAX,
            if object.kind() == Kind::SshKey { "" } else { "spaces, " }
        ));
    }
    Ok(())
}

/// `region` when the cloud's catalog lists it.
fn region(region: &str, ctx: &Ctx<'_>) -> Result<Option<String>, String> {
    if ctx.catalog.regions.iter().any(|r| r == region) {
        Ok(Some(region.to_string()))
    } else {
        Err(format!(
            "it is in region {}, which the config does not know",
            quoted(region)
        ))
    }
}

/// The object is in one of its kind's `steady` statuses: a block imported in ERROR or in a
/// transition (`transitional`) would not plan clean.
fn settled(status: &str, steady: &[&str], transitional: bool) -> Result<(), String> {
    if steady.contains(&status) {
        return Ok(());
    }
    Err(if status.eq_ignore_ascii_case("error") {
        "it is in ERROR: the next plan would replace it (repair or delete it first)".to_string()
    } else if status.to_ascii_lowercase().starts_with("delet") {
        "it is being deleted".to_string()
    } else if transitional {
        format!(
            "it is {} (changing): import it once it settles",
            quoted(status)
        )
    } else {
        format!(
            "its status {} is not one a config describes",
            quoted(status)
        )
    })
}

/// `NAME (ref)"A" (ref)"B"` for the addresses of `links`, or `None` without any.
fn references(
    attr: &str,
    ctx: &Ctx<'_>,
    links: &[super::refs::Key],
) -> Result<Option<String>, String> {
    let addresses = ctx.resolver.references(links)?;
    if addresses.is_empty() {
        return Ok(None);
    }
    let values: Vec<String> = addresses.iter().map(super::kdl::reference).collect();
    Ok(Some(format!("{attr} {}", values.join(" "))))
}
