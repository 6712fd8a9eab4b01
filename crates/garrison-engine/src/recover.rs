//! Recovery: intents an interrupted run left without a completion, resolved against a fresh
//! inventory. A create is adopted when its unique name exists (no duplicate, no orphan) or
//! recorded as not having happened; deletes and updates record what the cloud now holds.

use barrack_api::wire::instance_status;
use garrison_config::model::{Address, Kind, Model, Spec};
use garrison_state::{Intent, Outcome, StateDoc};

use crate::record::resource_state;
use crate::remote::{Inventory, RemoteObject};

/// How one unresolved intent is settled.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The intent.
    pub intent: Intent,
    /// The completion to record for it.
    pub outcome: Outcome,
    /// A create found by its name and adopted.
    pub adopted: bool,
}

/// Pure: the completion for each intent, from the inventory (read AFTER the intents were
/// written) and the state. `model` supplies what the API does not return (cloud-init hash,
/// dependencies, protect) for adopted resources.
pub fn resolve(
    intents: &[Intent],
    inventory: &Inventory,
    state: &StateDoc,
    model: Option<&Model>,
) -> Vec<Resolution> {
    intents
        .iter()
        .map(|intent| {
            let (outcome, adopted) = resolve_one(intent, inventory, state, model);
            Resolution {
                intent: intent.clone(),
                outcome,
                adopted,
            }
        })
        .collect()
}

fn resolve_one(
    intent: &Intent,
    inventory: &Inventory,
    state: &StateDoc,
    model: Option<&Model>,
) -> (Outcome, bool) {
    let Ok(kind) = intent.kind.parse::<Kind>() else {
        return (
            Outcome::Failed {
                message: format!("unknown resource kind `{}`", intent.kind),
            },
            false,
        );
    };
    let resource = intent
        .address
        .parse::<Address>()
        .ok()
        .and_then(|a| model.and_then(|m| m.resource(&a)));
    let previous = state.resources.get(&intent.address);
    if intent.action == "create" {
        let found = inventory.by_name(kind, &intent.name);
        return match found.first() {
            Some(object) => {
                let mut rs = resource_state(&intent.address, object, resource, previous);
                // A generated key's private key came only in the create's answer (C7).
                rs.private_key_lost = matches!(
                    resource.map(|r| &r.spec),
                    Some(Spec::SshKey(spec)) if spec.public_key.is_none() && spec.private_key_file.is_some()
                );
                (Outcome::Upserted(rs), true)
            }
            None => (
                Outcome::Failed {
                    message: format!(
                        "interrupted create did not happen: no {kind} named `{}` exists",
                        intent.name
                    ),
                },
                false,
            ),
        };
    }
    // Update, delete, attachment sync: re-read by id and record the truth.
    let Some(previous) = previous else {
        return (
            Outcome::Failed {
                message: format!("`{}` is not in the state any more", intent.address),
            },
            false,
        );
    };
    match inventory.by_id(kind, &previous.remote_id) {
        Some(RemoteObject::Vm(i))
            if intent.action == "delete" && i.status == instance_status::DELETING =>
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
        let op = r.intent.op_ref();
        state.pending.retain(|p| p.op_ref() != op);
        match &r.outcome {
            Outcome::Upserted(rs) => {
                state.resources.insert(r.intent.address.clone(), rs.clone());
            }
            Outcome::Deleted => {
                state.resources.remove(&r.intent.address);
            }
            Outcome::Failed { .. } => {}
        }
    }
}
