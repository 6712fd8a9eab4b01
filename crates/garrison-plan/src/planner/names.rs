//! Name conflicts: a create whose cloud name an object unknown to the state already holds.
//! In a workspace other than `default`, a name that does not carry the workspace's name is
//! most likely another workspace's object of the same config: the hint says to put
//! `${garrison.workspace}` in `name` (docs/environments.md).

use garrison_config::model::{JournalAction, Model, Resource};
use garrison_state::{ResourceState, StateDoc};

use crate::error::PlanError;
use crate::remote::RemoteView;

/// A create of `resource` whose name an object unknown to the state holds: the conflict,
/// naming both (our address, pending create or lost id; the other object's id and time).
pub(super) fn name_taken(
    resource: &Resource,
    model: &Model,
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
        workspace_hint: workspace_hint(resource, model),
        src: None,
        at: None,
    })
}

/// The hint for a name that every workspace of this config would ask for.
fn workspace_hint(resource: &Resource, model: &Model) -> String {
    if model.workspace.is_default() || resource.name.contains(model.workspace.as_str()) {
        return String::new();
    }
    format!(
        "; another workspace of this config may hold it (this is workspace `{}`): include `${{garrison.workspace}}` in `name` so each workspace's names differ, e.g. `name \"{}-${{garrison.workspace}}\"`",
        model.workspace, resource.address.name
    )
}
