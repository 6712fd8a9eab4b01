//! The flows that write config for existing objects: `garrison import --all` (every object
//! the state does not manage) and `garrison plan --generate-config-out` (the targets of
//! `import` blocks that have no config yet). Both read the state and the cloud, take no
//! lock and change nothing; what they write is [`generate::Generated`].
//!
//! Objects the config already claims are not generated again: an `import` block's object is
//! referenced at the block's address, and an object whose kind and cloud name a config
//! resource not yet applied declares gets an `import` line for that resource instead of a
//! second block.

use std::collections::BTreeSet;

use barrack_api::Client;
use garrison_config::model::{Address, Model, RemoteId};
use garrison_plan::ImportFound;
use garrison_state::{Backend, StateDoc, Store};

use crate::catalog::fetch_catalog;
use crate::error::EngineError;
use crate::generate::{self, Generated, ImportFilter};
use crate::record::resource_state;
use crate::refresh::refresh;
use crate::remote::{Inventory, RemoteObject};

/// `garrison import --all`: import blocks and config for every unmanaged object `filter`
/// admits; `model` is the directory's config, if it has one.
pub async fn import_all(
    model: &Model,
    backend: &dyn Backend,
    client: &Client,
    filter: &ImportFilter,
) -> Result<Generated, EngineError> {
    let state = Store::peek(backend)?.state;
    let refreshed = refresh(client).await?;
    let catalog = fetch_catalog(client).await?;
    let (claimed, declared) = claimed(model, &state, &refreshed.inventory, &BTreeSet::new());
    let mut generated = generate::import_all(
        &refreshed.inventory,
        &claimed,
        filter,
        &taken(model),
        &catalog,
    );
    prepend_declared(&mut generated, &declared);
    Ok(generated)
}

/// `garrison plan --generate-config-out`: config for every `import` block whose root address
/// has none (and imports for the unmanaged objects those use); `None` when there is none.
pub async fn config_for_imports(
    model: &Model,
    backend: &dyn Backend,
    client: &Client,
) -> Result<Option<Generated>, EngineError> {
    let state = Store::peek(backend)?.state;
    let refreshed = refresh(client).await?;
    let found = crate::imports::found(model, &refreshed.inventory);
    let targets: Vec<(Address, RemoteObject)> = model
        .imports
        .iter()
        .filter(|i| model.resource(&i.to).is_none())
        // config is written at the root: a module's resources are written in the module
        .filter(|i| i.to.module.is_empty())
        .filter_map(|i| match found.get(&i.to.to_string()) {
            Some(ImportFound::Object { remote_id, .. }) => refreshed
                .inventory
                .by_id(i.to.kind, remote_id)
                .map(|o| (i.to.clone(), o)),
            _ => None,
        })
        .collect();
    if targets.is_empty() {
        return Ok(None);
    }
    let targeted: BTreeSet<Address> = targets.iter().map(|(a, _)| a.clone()).collect();
    let catalog = fetch_catalog(client).await?;
    let (claimed, _) = claimed(model, &state, &refreshed.inventory, &targeted);
    Ok(Some(generate::config_for(
        &targets,
        &refreshed.inventory,
        &claimed,
        &taken(model),
        &catalog,
    )))
}

/// The config's addresses: never generated again.
fn taken(model: &Model) -> BTreeSet<Address> {
    model.resources.iter().map(|r| r.address.clone()).collect()
}

/// The state as if what the config claims were managed (so generated blocks reference it
/// at its config address), and the `import` lines for config resources whose object exists.
fn claimed(
    model: &Model,
    state: &StateDoc,
    inventory: &Inventory,
    targets: &BTreeSet<Address>,
) -> (StateDoc, Vec<(Address, RemoteObject)>) {
    let mut claimed = state.clone();
    let mut declared = Vec::new();
    let managed: BTreeSet<(String, String)> = state
        .resources
        .values()
        .map(|rs| (rs.kind.to_string(), rs.remote_id.to_string()))
        .collect();
    let mut claim = |address: &Address, object: RemoteObject| {
        let key = (object.kind().to_string(), object.id().as_str().to_string());
        if managed.contains(&key) || claimed.resources.contains_key(&address.to_string()) {
            return false;
        }
        let rs = resource_state(
            &address.clone().into(),
            &object,
            model.resource(address),
            None,
        );
        claimed.resources.insert(address.to_string(), rs);
        true
    };
    for (address, found) in crate::imports::found(model, inventory) {
        if let (Ok(address), ImportFound::Object { remote_id, .. }) =
            (address.parse::<Address>(), found)
        {
            if targets.contains(&address) {
                continue;
            }
            if let Some(object) = inventory.by_id(address.kind, &remote_id) {
                claim(&address, object);
            }
        }
    }
    for r in &model.resources {
        if state.resources.contains_key(&r.address.to_string()) {
            continue;
        }
        if let [object] = inventory.by_name(r.address.kind, &r.name).as_slice() {
            if claim(&r.address, object.clone()) {
                declared.push((r.address.clone(), object.clone()));
            }
        }
    }
    (claimed, declared)
}

/// `import` lines for config resources whose object already exists, before the rest.
fn prepend_declared(generated: &mut Generated, declared: &[(Address, RemoteObject)]) {
    if declared.is_empty() {
        return;
    }
    let mut head = String::from(
        "// Objects the config already declares (same kind and cloud name): imported into\n// its blocks, no new block written.\n",
    );
    for (address, object) in declared {
        head.push_str(&format!(
            "import to=\"{}\" id=\"{}\"\n",
            address
                .to_string()
                .replace('\\', "\\\\")
                .replace('"', "\\\""),
            object
                .id()
                .as_str()
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        ));
        generated
            .imports
            .push((address.clone(), RemoteId::new(object.id().as_str())));
        generated.notes.push(format!(
            "`{address}` is declared by the config and its {} `{}` (id {}) exists: imported into it",
            object.kind(),
            object.name(),
            object.id().as_str()
        ));
    }
    head.push('\n');
    generated.text.insert_str(0, &head);
}
