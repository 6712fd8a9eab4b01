//! Name conflicts: a create whose cloud name an object unknown to the state already holds.

use garrison_config::model::{JournalAction, Resource};
use garrison_state::{ResourceState, StateDoc};

use crate::error::PlanError;
use crate::remote::RemoteView;

/// A create of `resource` whose name an object unknown to the state holds: the conflict,
/// naming both (our address, pending create or lost id; the other object's id and time).
pub(super) fn name_taken(
    resource: &Resource,
    remote: &RemoteView,
    state: &StateDoc,
    lost: Option<&ResourceState>,
) -> Option<PlanError> {
    let kind = resource.address.kind;
    let id = remote.unmanaged.get(&kind)?.get(&resource.name)?;
    let created = remote
        .unmanaged_created_at
        .get(&kind)
        .and_then(|names| names.get(&resource.name))
        .map(|at| format!(", created {at}"))
        .unwrap_or_default();
    let address = resource.address.to_string();
    let pending = state
        .pending
        .iter()
        .filter(|i| {
            i.action == JournalAction::Create
                && i.address.live() == Some(&resource.address)
                && i.name == resource.name
        })
        .map(|i| i.at.as_str())
        .min();
    let detail = match (pending, lost) {
        (Some(at), _) => format!("; our interrupted create of `{}` (intent at {at}) is still pending and did not make it, so it is not adopted", resource.name),
        (None, Some(rs)) => format!("; the state's `{address}` was id {} (gone), and nothing shows the other one is ours, so it is not adopted", rs.remote_id),
        (None, None) => String::new(),
    };
    Some(PlanError::NameTaken {
        address,
        kind: kind.to_string(),
        name: resource.name.clone(),
        remote_id: id.clone(),
        created,
        detail,
        src: None,
        at: None,
    })
}
