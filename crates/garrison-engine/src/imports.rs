//! What the config's `import` blocks find in the inventory a refresh read: each target
//! address with its object observed (or missing). Pure; the planner decides what may be
//! imported.

use std::collections::BTreeMap;

use garrison_config::model::{ImportBy, Model};
use garrison_plan::ImportFound;

use crate::observe::observe;
use crate::remote::{Inventory, RemoteObject};

/// Target address -> what its `import` block found.
pub fn found(model: &Model, inventory: &Inventory) -> BTreeMap<String, ImportFound> {
    model
        .imports
        .iter()
        .map(|import| {
            let kind = import.to.kind;
            let object = match &import.by {
                ImportBy::Id(id) => inventory.by_id(kind, id),
                ImportBy::Name(name) => inventory.by_name(kind, name).into_iter().next(),
            };
            let region = model
                .resource(&import.to)
                .map(|r| r.region.clone())
                .unwrap_or_default();
            let found = object.map_or(ImportFound::Missing, |o| describe(&o, &region));
            (import.to.to_string(), found)
        })
        .collect()
}

/// An object as the planner sees an import.
pub fn describe(object: &RemoteObject, fallback_region: &str) -> ImportFound {
    let region = match object.region() {
        "" => fallback_region,
        r => r,
    };
    ImportFound::Object {
        remote_id: object.id().as_str().to_string(),
        name: object.name().to_string(),
        region: region.to_string(),
        created_at: crate::kinds::wire_json(object)["created_at"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        attrs: observe(object, region),
    }
}
