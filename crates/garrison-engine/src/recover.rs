//! Recovery: intents an interrupted run left without a completion, resolved against a fresh
//! inventory. A create is adopted only when an object with its unique name is ours by the
//! ownership rule (`ownership.rs`, D3); when nothing of ours is there, it stays pending
//! (re-checked on later runs: a create the API accepted may land late, D2) until a re-check
//! later than [`crate::ownership::PENDING_BOUND`] after the intent records it as not having
//! happened. Deletes and updates record what the cloud now holds.

use barrack_api::wire::instance_status;
use chrono::{DateTime, Utc};
use garrison_config::model::{JournalAction, Kind, Model, Resource, Spec, StateKey};
use garrison_state::{Intent, Outcome, ResourceState, StateDoc};

use crate::ownership::{self, describe, past_bound};
use crate::record::resource_state;
use crate::remote::{Inventory, RemoteObject};

/// How one unresolved intent is settled.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The intent.
    pub intent: Intent,
    /// The completion to record for it; `None` keeps it pending for the next run.
    pub outcome: Option<Outcome>,
    /// A create found by its name and adopted.
    pub adopted: bool,
    /// For the user: a name held by an object that is not ours, or why it stays pending.
    pub note: Option<String>,
}

/// Pure: the completion for each intent, from the inventory (read AFTER the intents were
/// written, at about `now`) and the state. `model` supplies what the API does not return
/// (cloud-init hash, dependencies, protect) for adopted resources, and the attributes the
/// ownership rule compares.
pub fn resolve(
    intents: &[Intent],
    inventory: &Inventory,
    state: &StateDoc,
    model: Option<&Model>,
    now: DateTime<Utc>,
) -> Vec<Resolution> {
    intents
        .iter()
        .map(|intent| resolve_one(intent, inventory, state, model, now))
        .collect()
}

fn settled(intent: &Intent, outcome: Outcome, adopted: bool) -> Resolution {
    Resolution {
        intent: intent.clone(),
        outcome: Some(outcome),
        adopted,
        note: None,
    }
}

fn resolve_one(
    intent: &Intent,
    inventory: &Inventory,
    state: &StateDoc,
    model: Option<&Model>,
    now: DateTime<Utc>,
) -> Resolution {
    let kind = intent.kind;
    let resource = intent
        .address
        .live()
        .and_then(|a| model.and_then(|m| m.resource(a)));
    let previous = state.resources.get(&intent.address.to_string());
    if intent.action == JournalAction::Create {
        return resolve_create(intent, kind, inventory, state, resource, now);
    }
    let (outcome, adopted) = resolve_other(intent, kind, inventory, resource, previous);
    settled(intent, outcome, adopted)
}

/// A create: adopt what is ours; otherwise pending, or not happened past the bound.
fn resolve_create(
    intent: &Intent,
    kind: Kind,
    inventory: &Inventory,
    state: &StateDoc,
    resource: Option<&Resource>,
    now: DateTime<Utc>,
) -> Resolution {
    let previous = state.resources.get(&intent.address.to_string());
    let mut foreign: Option<String> = None;
    for object in inventory.by_name(kind, &intent.name) {
        let id = object.id().as_str();
        let known_here = previous.is_some_and(|p| p.kind == kind && p.remote_id == id);
        let claimed_by = claimed_elsewhere(state, &intent.address, kind, id);
        let verdict = match (known_here, claimed_by) {
            (true, _) => Ok(()),
            (false, Some(other)) => Err(format!("it is already `{other}` in this state")),
            (false, None) => ownership::check(&object, resource, &intent.at),
        };
        match verdict {
            Ok(()) => {
                let mut rs = resource_state(&intent.address, &object, resource, previous);
                // A generated key's private key came only in the create's answer (C7).
                rs.private_key_lost = matches!(
                    resource.map(|r| &r.spec),
                    Some(Spec::SshKey(spec)) if spec.public_key.is_none() && spec.private_key_file.is_some()
                );
                return settled(intent, Outcome::Upserted(rs), true);
            }
            Err(reason) => {
                foreign = Some(format!(
                    "`{}`: the interrupted create of {kind} `{}` (intent at {}) is not adopted: {} holds the name, but {reason}; it is left alone, never adopted or destroyed",
                    intent.address,
                    intent.name,
                    intent.at,
                    describe(&object)
                ));
            }
        }
    }
    if past_bound(&intent.at, now) {
        let message = format!(
            "interrupted create did not happen: no {kind} named `{}` of ours exists {} minutes after its intent ({})",
            intent.name,
            ownership::PENDING_BOUND.num_minutes(),
            intent.at
        );
        let mut r = settled(intent, Outcome::Failed { message }, false);
        r.note = foreign;
        return r;
    }
    Resolution {
        intent: intent.clone(),
        outcome: None,
        adopted: false,
        note: Some(foreign.unwrap_or_else(|| {
            format!(
                "`{}`: the interrupted create of {kind} `{}` (intent at {}) is not there yet; it stays pending (a create the API accepted may still land) and is checked again on the next run",
                intent.address, intent.name, intent.at
            )
        })),
    }
}

/// The address (other than `address`) that already holds remote object `id` of `kind`.
fn claimed_elsewhere(state: &StateDoc, address: &StateKey, kind: Kind, id: &str) -> Option<String> {
    state
        .resources
        .values()
        .find(|rs: &&ResourceState| rs.address != *address && rs.kind == kind && rs.remote_id == id)
        .map(|rs| rs.address.to_string())
}

fn resolve_other(
    intent: &Intent,
    kind: Kind,
    inventory: &Inventory,
    resource: Option<&Resource>,
    previous: Option<&ResourceState>,
) -> (Outcome, bool) {
    // Update, delete, attachment sync: re-read by id and record the truth.
    let Some(previous) = previous else {
        return (
            Outcome::Failed {
                message: format!("`{}` is not in the state any more", intent.address),
            },
            false,
        );
    };
    match inventory.by_id(kind, previous.remote_id.as_str()) {
        Some(RemoteObject::Vm(i))
            if intent.action == JournalAction::Delete && i.status == instance_status::DELETING =>
        {
            (Outcome::Deleted, false)
        }
        Some(object) => (
            Outcome::Upserted(resource_state(
                &intent.address,
                &object,
                resource,
                Some(previous),
            )),
            false,
        ),
        None => (Outcome::Deleted, false),
    }
}

/// Applies resolutions to an in-memory state (for plans made without the lock).
pub fn apply_in_memory(state: &mut StateDoc, resolutions: &[Resolution]) {
    for r in resolutions {
        let Some(outcome) = &r.outcome else {
            continue;
        };
        let op = r.intent.op_ref();
        state.pending.retain(|p| p.op_ref() != op);
        match outcome {
            Outcome::Upserted(rs) => {
                state
                    .resources
                    .insert(r.intent.address.to_string(), rs.clone());
            }
            Outcome::Deleted => {
                state.resources.remove(&r.intent.address.to_string());
            }
            Outcome::Failed { .. } | Outcome::Unchanged => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(at: &str) -> Intent {
        serde_json::from_value(serde_json::json!({
            "op_id": 1, "run_id": "d04a0000-0000-4000-8000-000000000000",
            "address": "volume.data", "kind": "volume", "action": "create",
            "name": "data", "region": "NORWAY-1", "at": at,
        }))
        .unwrap_or_else(|e| panic!("intent: {e}"))
    }

    /// D2: a create with nothing there stays pending until a re-check later than the bound
    /// after its intent; only then is it recorded as not having happened.
    #[test]
    fn nothing_there_is_pending_until_the_bound_passes() {
        let at = "2026-01-01T10:00:00Z";
        let t = |s: &str| barrack_api::ownership::parse_time(s).unwrap_or_default();
        let state = StateDoc::fresh();
        let inventory = Inventory::default();
        let early = resolve(
            &[intent(at)],
            &inventory,
            &state,
            None,
            t("2026-01-01T10:09:00Z"),
        );
        assert_eq!(early[0].outcome, None);
        assert!(early[0]
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("stays pending"));
        let late = resolve(
            &[intent(at)],
            &inventory,
            &state,
            None,
            t("2026-01-01T10:10:01Z"),
        );
        assert!(
            matches!(&late[0].outcome, Some(Outcome::Failed { message }) if message.contains("did not happen")),
            "{late:?}"
        );
    }
}
