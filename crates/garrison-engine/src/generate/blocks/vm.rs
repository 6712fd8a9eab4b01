//! A `vm` block: GPU, boot source, keys, script, firewalls, volumes, public IP, power and
//! security rules. Cloud-init is never returned by the API: the block says so.

use barrack_api::wire::{instance_status as st, Instance};
use garrison_config::catalog;
use garrison_config::model::Power;
use garrison_core::attr::vm;

use super::{references, region, rules, settled, Body, Ctx};
use crate::generate::kdl::{quoted, string};
use crate::generate::notes::Note;
use crate::generate::refs::{targets, vm_links, Link};
use crate::observe::power_of;

/// The statuses a VM block describes (running, stopped, hibernated).
const STEADY: [&str; 3] = [st::ACTIVE, st::SHUTOFF, st::HIBERNATED];

pub(super) fn body(i: &Instance, ctx: &Ctx<'_>) -> Result<Body, String> {
    settled(&i.status, &STEADY, st::is_transitional(&i.status))?;
    let links = vm_links(i);
    let mut lines = vec![gpu(i, ctx)?, boot(i, &links, ctx)?];
    let keys = references(vm::SSH_KEYS, ctx, &targets(&links, vm::SSH_KEYS))?
        .ok_or("it has no SSH key, and a `vm` block needs `ssh-keys`")?;
    lines.push(keys);
    for attr in [vm::STARTUP_SCRIPT, vm::FIREWALLS, vm::VOLUMES] {
        lines.extend(references(attr, ctx, &targets(&links, attr))?);
    }
    if i.public_ip_enabled || i.public_ip.is_some() {
        lines.push(format!("{} #true", vm::PUBLIC_IP));
    }
    match power_of(&i.status) {
        Some(Power::Running) => {}
        Some(power) => lines.push(format!("{} {}", vm::POWER, string(power.as_str()))),
        None => {
            return Err(format!(
                "its status {} has no power state",
                quoted(&i.status)
            ))
        }
    }
    lines.extend(rules::lines("security-rule", &i.security_rules, ctx)?);
    Ok(Body {
        region: region(&i.region, ctx)?,
        lines,
        notes: vec![Note::CloudInit],
    })
}

/// `gpu "MODEL" count=N`. Any model the cloud runs is written: GPU models are the API's
/// catalog, not this Garrison's (one the built-in catalog lacks is an offline warning).
/// The count must be one the catalog allows for the model (1, 2, 4 or 8 when it lists none).
fn gpu(i: &Instance, ctx: &Ctx<'_>) -> Result<String, String> {
    let counts = ctx
        .catalog
        .gpu_models
        .iter()
        .find(|m| m.name == i.gpu_model)
        .map_or(catalog::GPU_COUNTS, |m| m.counts.as_slice());
    if !counts.contains(&i.gpu_count) {
        let allowed: Vec<String> = counts.iter().map(u32::to_string).collect();
        return Err(format!(
            "it has {} GPUs; a config says {}",
            i.gpu_count,
            allowed.join(", ")
        ));
    }
    Ok(format!(
        "gpu {} count={}",
        string(&i.gpu_model),
        i.gpu_count
    ))
}

/// `boot-volume (ref)...`, `image (ref)...` (a custom image) or `image "OS image"`.
fn boot(i: &Instance, links: &[Link], ctx: &Ctx<'_>) -> Result<String, String> {
    let linked = |attr: &str| -> Result<String, String> {
        references(attr, ctx, &targets(links, attr)).map(Option::unwrap_or_default)
    };
    match (&i.boot_volume_id, &i.image.id) {
        (Some(_), Some(_)) => Err("the API says it boots from both a volume and an image".into()),
        (Some(_), None) => linked(vm::BOOT_VOLUME),
        (None, Some(_)) => linked(vm::IMAGE),
        (None, None) if ctx.catalog.os_images.contains(&i.image.name) => {
            Ok(format!("{} {}", vm::IMAGE, string(&i.image.name)))
        }
        (None, None) => Err(format!(
            "it boots from OS image {}, which the config does not know",
            quoted(&i.image.name)
        )),
    }
}
