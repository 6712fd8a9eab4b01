//! A `volume` block: size, type, bootable with its OS image, description.

use barrack_api::wire::{volume_status, Volume};
use garrison_config::catalog;
use garrison_core::attr::volume;

use super::{region, settled, Body, Ctx};
use crate::generate::kdl::{quoted, string};
use crate::kinds::EngineKind;

/// The statuses a volume block describes (free, or attached).
const STEADY: [&str; 2] = [volume_status::AVAILABLE, volume_status::IN_USE];

pub(super) fn body(v: &Volume, ctx: &Ctx<'_>) -> Result<Body, String> {
    let transitional = <crate::kinds::volume::Volume as EngineKind>::is_transitional(v);
    settled(&v.status, &STEADY, transitional)?;
    let mut lines = vec![format!("{} {}", volume::SIZE_GB, size(v)?)];
    if v.volume_type != catalog::DEFAULT_VOLUME_TYPE {
        if !ctx.catalog.volume_types.contains(&v.volume_type) {
            return Err(format!(
                "its type {} is not one the config knows",
                quoted(&v.volume_type)
            ));
        }
        lines.push(format!("{} {}", volume::TYPE, string(&v.volume_type)));
    }
    let image = v.image_name.as_deref().filter(|n| !n.is_empty());
    match (v.bootable, image) {
        (true, Some(image)) if ctx.catalog.os_images.iter().any(|o| o == image) => {
            lines.push(format!("{} #true", volume::BOOTABLE));
            lines.push(format!("{} {}", volume::IMAGE, string(image)));
        }
        (true, Some(image)) => {
            return Err(format!(
                "it holds OS image {}, which the config does not know",
                quoted(image)
            ))
        }
        (true, None) => return Err("it is bootable but the API names no OS image".into()),
        (false, Some(image)) => {
            return Err(format!(
                "it is a data volume holding OS image {}; a config gives images to bootable volumes only",
                quoted(image)
            ))
        }
        (false, None) => {}
    }
    if !v.description.is_empty() {
        lines.push(format!(
            "{} {}",
            volume::DESCRIPTION,
            string(&v.description)
        ));
    }
    Ok(Body {
        region: region(&v.region, ctx)?,
        lines,
        notes: Vec::new(),
    })
}

/// The size, within the config's bounds.
fn size(v: &Volume) -> Result<u64, String> {
    let min = if v.bootable {
        catalog::BOOTABLE_VOLUME_MIN_GB
    } else {
        catalog::VOLUME_SIZE_MIN_GB
    };
    if v.size < min || v.size > catalog::VOLUME_SIZE_MAX_GB {
        return Err(format!(
            "its size {} GB is outside what a config accepts ({min}..={})",
            v.size,
            catalog::VOLUME_SIZE_MAX_GB
        ));
    }
    Ok(v.size)
}
