//! Cloud-init shown as text (U5): the API never returns it, so it is compared by hash, but a
//! reviewer reads the text: the config's on create, a unified diff against the text recorded
//! at the last apply on change (a state from before the text was recorded shows its hash).
//! Sensitive cloud-init stays `(sensitive)`.

use garrison_config::model::{Resource, Spec};
use garrison_state::ResourceState;
use serde_json::{json, Value};

use crate::action::{After, ResourceChange};
use crate::planner::is_sensitive;
use crate::schema::vm;
use crate::seal::is_sealed;

/// Replaces the hashes of a VM's `cloud-init` change by the texts.
pub(crate) fn show_text(
    change: &mut ResourceChange,
    resource: &Resource,
    previous: Option<&ResourceState>,
) {
    let Spec::Vm(spec) = &resource.spec else {
        return;
    };
    if is_sensitive(resource, vm::CLOUD_INIT) {
        return;
    }
    let Some(attr) = change.attrs.iter_mut().find(|a| a.name() == vm::CLOUD_INIT) else {
        return;
    };
    if let (Some(text), Some(After::Known(_))) = (&spec.cloud_init, &attr.after) {
        attr.after = Some(After::Known(json!(text)));
    }
    if attr.before().is_some() {
        if let Some(recorded @ Value::String(_)) =
            previous.and_then(|p| p.attributes.get(vm::CLOUD_INIT))
        {
            if !is_sealed(recorded) {
                attr.set_before(Some(recorded.clone()));
            }
        }
    }
    attr.multiline = true;
}
