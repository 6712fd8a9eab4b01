//! The change of a resource that is created: every attribute it will have.

use garrison_config::model::Resource;
use serde_json::json;

use crate::action::{Action, After, AttrChange, ResourceChange};
use crate::desired::Attrs;
use crate::schema::{self, Update};

use super::{is_sensitive, Decision};

/// Takes `desired` to move its values into the change (a copy of each was made and dropped
/// per attribute: a million at 100k creates). The attributes are gathered in `scratch`, then
/// copied into a list of exactly their length (one allocation per create, not a list
/// doubling and then shrunk).
pub(super) fn create_change(
    resource: &Resource,
    mut desired: Attrs,
    reasons: Vec<String>,
    scratch: &mut Vec<AttrChange>,
) -> (ResourceChange, Decision) {
    let kind = resource.address.kind;
    scratch.clear();
    scratch.extend(
        schema::attrs(kind)
            .iter()
            .enumerate()
            .filter_map(|(i, spec)| {
                let after = if spec.update == Update::Computed {
                    After::Unknown
                } else {
                    match desired.remove(spec.name) {
                        Some(v) if !v.is_null() && v != json!([]) => After::Known(v),
                        _ => return None,
                    }
                };
                let mut change = AttrChange::of_schema(kind, i, spec, Some(after));
                change.sensitive = is_sensitive(resource, spec.name);
                Some(change)
            }),
    );
    // A plan of 100k creates holds every one of these: no growth slack (docs/performance.md).
    let mut attrs = Vec::with_capacity(scratch.len());
    attrs.append(scratch);
    (
        ResourceChange {
            address: resource.address.clone().into(),
            kind,
            action: Action::Create,
            name: resource.name.clone(),
            region: resource.region.clone(),
            remote_id: None,
            attrs,
            reasons,
            create_before_destroy: resource.lifecycle.create_before_destroy,
            cost_before: None,
            cost_after: None,
            moved_from: None,
            imported: None,
        },
        Decision { ops: Vec::new() },
    )
}
