//! What the entries a config uses resolve to in the catalog now.

use crate::pins::pin::{gpu_key, os_image_key, volume_type_key};
use crate::pins::{Catalog, Lock, Used, LOCK_FORMAT_VERSION};

/// The lock the config would get now, and the entries the cloud does not list.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Pins of every used entry the catalog lists, sorted.
    pub lock: Lock,
    /// Keys of the used entries the catalog does not list, sorted.
    pub unlisted: Vec<String>,
}

/// Pure: `used` looked up in `catalog`, with this Garrison's `state_format`.
pub fn resolve(used: &Used, catalog: &Catalog, state_format: u32) -> Resolved {
    let mut unlisted = Vec::new();
    let mut os_images = Vec::new();
    for (region, name) in &used.os_images {
        match catalog.os_image(region, name) {
            Some(pin) => os_images.push(pin.clone()),
            None => unlisted.push(os_image_key(region, name)),
        }
    }
    let mut gpu_models = Vec::new();
    for (region, model) in &used.gpu_models {
        match catalog
            .gpu_models
            .iter()
            .find(|g| &g.region == region && &g.model == model)
        {
            Some(pin) => gpu_models.push(pin.clone()),
            None => unlisted.push(gpu_key(region, model)),
        }
    }
    let mut volume_types = Vec::new();
    for name in &used.volume_types {
        match catalog.volume_types.iter().find(|v| &v.name == name) {
            Some(pin) => volume_types.push(pin.clone()),
            None => unlisted.push(volume_type_key(name)),
        }
    }
    unlisted.sort();
    Resolved {
        lock: Lock {
            format_version: LOCK_FORMAT_VERSION,
            state_format,
            os_images,
            gpu_models,
            volume_types,
        },
        unlisted,
    }
}
