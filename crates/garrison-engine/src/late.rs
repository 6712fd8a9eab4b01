//! A create answered "name taken" while an earlier run's create of the same address and name
//! is still pending (D2): that create may have landed late. The object holding the name is
//! looked up and adopted if it is ours by the ownership rule (D3), else it is a conflict
//! naming both.

use barrack_api::wire::{Firewall, Image, Instance, Script, Snapshot, SshKey, Volume};
use barrack_api::{Client, Error, Op};
use garrison_config::model::{JournalAction, Kind, Resource};
use garrison_state::{Intent, Store};

use crate::ownership::{self, describe};
use crate::remote::RemoteObject;

/// Every object of `kind` named `name` (one paginated list).
pub(crate) async fn find_named(
    client: &Client,
    kind: Kind,
    name: &str,
) -> Result<Vec<RemoteObject>, Error> {
    Ok(match kind {
        Kind::Vm => wrap(
            client
                .find_by_name::<Instance>(Op::ListInstances, name)
                .await?,
            RemoteObject::Vm,
        ),
        Kind::Volume => wrap(
            client.find_by_name::<Volume>(Op::ListVolumes, name).await?,
            RemoteObject::Volume,
        ),
        Kind::Firewall => wrap(
            client
                .find_by_name::<Firewall>(Op::ListFirewalls, name)
                .await?,
            RemoteObject::Firewall,
        ),
        Kind::SshKey => wrap(
            client.find_by_name::<SshKey>(Op::ListSshKeys, name).await?,
            RemoteObject::SshKey,
        ),
        Kind::Script => wrap(
            client.find_by_name::<Script>(Op::ListScripts, name).await?,
            RemoteObject::Script,
        ),
        Kind::Snapshot => wrap(
            client
                .find_by_name::<Snapshot>(Op::ListSnapshots, name)
                .await?,
            RemoteObject::Snapshot,
        ),
        Kind::Image => wrap(
            client.find_by_name::<Image>(Op::ListImages, name).await?,
            RemoteObject::Image,
        ),
    })
}

fn wrap<T>(items: Vec<T>, f: fn(T) -> RemoteObject) -> Vec<RemoteObject> {
    items.into_iter().map(f).collect()
}

/// The earliest create of `address`/`name`/`kind` that an EARLIER run left pending.
pub(crate) fn earliest_pending(
    store: &Store,
    address: &str,
    kind: Kind,
    name: &str,
) -> Option<Intent> {
    let run = store.run_id();
    store
        .unresolved()
        .iter()
        .filter(|i| {
            i.run_id != run
                && i.action == JournalAction::Create
                && i.address.to_string() == address
                && i.name == name
                && i.kind == kind
        })
        .min_by(|a, b| a.at.cmp(&b.at))
        .cloned()
}

/// The object a pending create `intent` made, found by name: `Ok(Some)` when ours,
/// `Ok(None)` when none holds the name, `Err` (naming both) when a foreign one does.
pub(crate) async fn adopt_late(
    client: &Client,
    intent: &Intent,
    kind: Kind,
    resource: &Resource,
) -> Result<Option<RemoteObject>, String> {
    let found = find_named(client, kind, &intent.name)
        .await
        .map_err(|e| format!("looking `{}` up failed: {e}", intent.name))?;
    let mut conflict = None;
    for object in found {
        match ownership::check(&object, Some(resource), &intent.at) {
            Ok(()) => return Ok(Some(object)),
            Err(reason) => {
                conflict = Some(format!(
                    "name conflict: `{}` (our pending create of {kind} `{}`, intent at {}) and {} which holds the name but {reason}; not adopted",
                    intent.address,
                    intent.name,
                    intent.at,
                    describe(&object)
                ))
            }
        }
    }
    match conflict {
        Some(message) => Err(message),
        None => Ok(None),
    }
}
