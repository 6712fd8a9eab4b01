//! Garrison-only settings: `protect` is the one the state records (the others,
//! `lifecycle`/`timeouts`, are read from the config by every plan). A change to it is
//! planned like any other, without a cloud call, and every delete is checked against the
//! config's word as well as the state's.

use garrison_config::model::{Model, Resource};
use garrison_state::ResourceState;
use serde_json::json;

use crate::action::{Action, After, AttrChange, ResourceChange};

/// The name `protect` changes are shown under.
pub(crate) const PROTECT: &str = "protect";

/// Adds `protect: old -> new` to `change` when the config's `protect` differs from the
/// state's; a resource with nothing else to change becomes an update without any step
/// (apply records it).
pub(crate) fn settings_change(
    resource: &Resource,
    rs: &ResourceState,
    change: &mut ResourceChange,
) {
    if resource.protect == rs.protect || change.action == Action::Replace {
        return;
    }
    change.attrs.push(AttrChange::named(
        PROTECT,
        Some(json!(rs.protect)),
        Some(After::Known(json!(resource.protect))),
    ));
    change.reasons.push(format!(
        "{PROTECT}: {} -> {} (Garrison only, no cloud call)",
        rs.protect, resource.protect
    ));
    if change.action == Action::NoOp {
        change.action = Action::Update;
    }
}

/// Whether deleting the state resource `rs` is refused. While the address is in
/// the config, the config's word wins (`protect #false` just written lets `destroy`
/// through); an instance the config no longer has (a lowered `count`, a removed `for-each`
/// key) is protected when its block still says `protect #true` or the state does.
pub(crate) fn on_delete(model: &Model, rs: &ResourceState) -> bool {
    let Some(parsed) = rs.address.live() else {
        return rs.protect;
    };
    if let Some(resource) = model.resource(parsed) {
        return resource.protect;
    }
    let block_protected = model
        .resources
        .iter()
        .any(|r| r.address.same_block(parsed) && r.protect);
    block_protected || rs.protect
}
