//! A `script` block: content (a multi-line string when it has lines) and description. The
//! API returns no region for scripts (one serves VMs in every region), yet a config gives
//! each a region: that of a VM using it, else the region most of the account is in.

use std::collections::BTreeMap;

use barrack_api::wire::Script;
use garrison_config::catalog;
use garrison_core::attr::{script, REGION};

use super::{Body, Ctx, INDENT};
use crate::generate::kdl::{quoted, string, text};
use crate::generate::notes::Note;
use crate::remote::Inventory;

pub(super) fn body(s: &Script, ctx: &Ctx<'_>) -> Result<Body, String> {
    if s.content.len() > catalog::SCRIPT_MAX_BYTES {
        return Err(format!(
            "its content is {} bytes; a config allows {}",
            s.content.len(),
            catalog::SCRIPT_MAX_BYTES
        ));
    }
    let mut lines = vec![format!("{} {}", script::CONTENT, text(&s.content, INDENT))];
    if !s.description.is_empty() {
        lines.push(format!(
            "{} {}",
            script::DESCRIPTION,
            string(&s.description)
        ));
    }
    let (region, why) = region_of(s, ctx.inventory, &ctx.catalog.regions);
    Ok(Body {
        region: Some(region.clone()),
        lines,
        notes: vec![Note::ScriptRegion { region, why }],
    })
}

/// The region written for `s`, and why: the region of the first VM (by name) that uses it,
/// else the region most objects of the account are in, else the catalog's first.
fn region_of(s: &Script, inventory: &Inventory, known: &[String]) -> (String, String) {
    let user = inventory
        .instances
        .iter()
        .filter(|i| i.startup_script_id.as_ref() == Some(&s.id))
        .filter(|i| known.contains(&i.region))
        .min_by(|a, b| (&a.name, &a.id.as_str()).cmp(&(&b.name, &b.id.as_str())));
    if let Some(vm) = user {
        let why = format!("that of VM {}, which uses it", quoted(&vm.name));
        return (vm.region.clone(), why);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let regions = inventory
        .instances
        .iter()
        .map(|o| &o.region)
        .chain(inventory.volumes.iter().map(|o| &o.region))
        .chain(inventory.firewalls.iter().map(|o| &o.region))
        .chain(inventory.snapshots.iter().map(|o| &o.region))
        .chain(inventory.images.iter().map(|o| &o.region));
    for region in regions {
        *counts.entry(region.as_str()).or_default() += 1;
    }
    // Most objects first; ties in catalog order.
    let most = known.iter().enumerate().max_by_key(|(at, r)| {
        (
            counts.get(r.as_str()).copied().unwrap_or_default(),
            std::cmp::Reverse(*at),
        )
    });
    match most {
        Some((_, r)) if counts.contains_key(r.as_str()) => (
            r.clone(),
            format!("the {REGION} most objects of the account are in (no VM uses it)"),
        ),
        _ => (
            known.first().cloned().unwrap_or_else(|| catalog::REGIONS[0].to_string()),
            format!("the first {REGION} of the catalog (no VM uses it, and the account holds nothing regional)"),
        ),
    }
}
