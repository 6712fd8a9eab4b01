//! A `snapshot` block: the VM it was taken of, and a description. A snapshot whose VM is
//! gone cannot be written (`vm` is required).

use barrack_api::wire::{snapshot_status, Snapshot};
use garrison_core::attr::snapshot;

use super::{references, region, settled, Body, Ctx};
use crate::generate::kdl::string;
use crate::generate::refs::{links, targets};
use crate::kinds::EngineKind;
use crate::remote::RemoteObject;

pub(super) fn body(s: &Snapshot, ctx: &Ctx<'_>) -> Result<Body, String> {
    let transitional = <crate::kinds::snapshot::Snapshot as EngineKind>::is_transitional(s);
    settled(&s.status, &[snapshot_status::SUCCESS], transitional)?;
    let links = links(&RemoteObject::Snapshot(s.clone()));
    let vm = references(snapshot::VM, ctx, &targets(&links, snapshot::VM))
        .map_err(|e| format!("{e}; a `snapshot` block needs the `vm` it was taken of"))?
        .ok_or(
            "the API names no VM for it, and a `snapshot` block needs the `vm` it was taken of",
        )?;
    let mut lines = vec![vm];
    if !s.description.is_empty() {
        lines.push(format!(
            "{} {}",
            snapshot::DESCRIPTION,
            string(&s.description)
        ));
    }
    Ok(Body {
        region: region(&s.region, ctx)?,
        lines,
        notes: Vec::new(),
    })
}
