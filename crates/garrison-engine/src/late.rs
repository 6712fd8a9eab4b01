//! A create answered "name taken" while an earlier run's create of the same address and name
//! is still pending (D2): that create may have landed late. The object holding the name is
//! looked up and adopted if it is ours by the ownership rule (D3), else it is a conflict
//! naming both.

use barrack_api::Client;
use garrison_config::model::{JournalAction, Kind, Resource, StateKey};
use garrison_state::{Intent, Store};

use crate::ownership::{self, describe};
use crate::remote::RemoteObject;

/// The earliest create of `address`/`name`/`kind` that an EARLIER run left pending.
pub(crate) fn earliest_pending(
    store: &Store,
    address: &StateKey,
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
                && &i.address == address
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
    let found = crate::kinds::find_named(client, kind, &intent.name)
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
