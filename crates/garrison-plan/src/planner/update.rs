//! The change of a resource the state holds and the config still wants: update, replace,
//! wait or nothing.

use super::Changes;

use garrison_config::model::{Kind, Resource};
use garrison_state::ResourceState;
use serde_json::{json, Value};

use crate::action::{Action, After, AttrChange, ResourceChange};
use crate::desired::Attrs;
use crate::error::PlanError;
use crate::health::{self, Health};
use crate::keys;
use crate::schema::{self, vm, AttrSpec, Link, Update};
use crate::seal::same;
use crate::step::UpdateOp;

use super::{is_sensitive, Decision, IdIndex};
use crate::kinds::{self, InPlaceChange};

/// What the attribute diff found: the changed attributes, the in-place ops, and whether
/// (and why) the resource is replaced.
#[derive(Default)]
struct Diff {
    attrs: Vec<AttrChange>,
    reasons: Vec<String>,
    ops: Vec<UpdateOp>,
    replace: bool,
}

pub(super) fn update_change(
    resource: &Resource,
    desired: &Attrs,
    rs: &ResourceState,
    observed_raw: &Attrs,
    ids: &IdIndex,
    renewed: &Changes,
    errors: &mut Vec<PlanError>,
) -> (ResourceChange, Decision) {
    let kind = resource.address.kind;
    let address = resource.address.to_string();
    let observed = comparable(resource, rs, observed_raw, ids);
    let mut diff = Diff::default();

    let health = health::health(kind, observed_raw);
    if let Health::Broken(status) = &health {
        diff.replace = true;
        diff.reasons.push(health::broken_reason(status));
    }
    if let Some(reason) = keys::lost_private_key(resource, rs) {
        diff.replace = true;
        diff.reasons.push(reason);
    }
    if let Some(reason) = crate::not_ready::replace_reason(resource, rs) {
        diff.replace = true;
        diff.reasons.push(reason);
    }

    for spec in schema::attrs(kind) {
        diff_attr(
            &mut diff,
            spec,
            &Inputs {
                resource,
                desired,
                observed: &observed,
                observed_raw,
                ids,
                renewed,
                address: &address,
            },
            errors,
        );
    }
    let Diff {
        attrs,
        mut reasons,
        mut ops,
        replace,
    } = diff;

    let action = if replace {
        Action::Replace
    } else if let (true, Health::Busy(status)) = (attrs.is_empty(), &health) {
        reasons.push(health::busy_reason(status));
        Action::Wait
    } else if attrs.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    if action == Action::Replace {
        ops.clear();
    }
    (
        ResourceChange {
            address: resource.address.clone().into(),
            kind,
            action,
            name: resource.name.clone(),
            region: resource.region.clone(),
            remote_id: Some(rs.remote_id.to_string().into()),
            attrs,
            reasons,
            create_before_destroy: resource.lifecycle.create_before_destroy
                && !matches!(health, Health::Broken(_)),
            cost_before: None,
            cost_after: None,
            moved_from: None,
            imported: None,
        },
        Decision { ops },
    )
}

/// The observed attributes as the desired ones are written: links as addresses, and a VM's
/// cloud-init as the hash recorded at create.
fn comparable(
    resource: &Resource,
    rs: &ResourceState,
    observed_raw: &Attrs,
    ids: &IdIndex,
) -> Attrs {
    let kind = resource.address.kind;
    let mut observed = ids.to_addresses(kind, observed_raw);
    if kind == Kind::Vm {
        // The API never returns cloud-init: compare with the hash recorded at create.
        observed.insert(
            vm::CLOUD_INIT.into(),
            rs.input_hashes
                .get(vm::CLOUD_INIT)
                .map_or(Value::Null, |h| json!(h)),
        );
    }
    observed
}

/// What one attribute's diff reads.
struct Inputs<'a> {
    resource: &'a Resource,
    desired: &'a Attrs,
    observed: &'a Attrs,
    observed_raw: &'a Attrs,
    ids: &'a IdIndex,
    renewed: &'a Changes,
    address: &'a str,
}

/// Compares one attribute; records its change, and its ops when it changes in place.
fn diff_attr(diff: &mut Diff, spec: &AttrSpec, inputs: &Inputs<'_>, errors: &mut Vec<PlanError>) {
    let Inputs {
        resource,
        desired,
        observed,
        observed_raw,
        ids,
        renewed,
        address,
    } = *inputs;
    let kind = resource.address.kind;
    if spec.update == Update::Computed
        || resource
            .lifecycle
            .ignore_changes
            .iter()
            .any(|i| i == spec.name)
    {
        return;
    }
    let Some(want) = desired.get(spec.name) else {
        return; // not managed (e.g. a generated ssh public key)
    };
    let have = observed.get(spec.name);
    let relinked = relinked(spec, want, renewed);
    if same(Some(want), have) && relinked.is_empty() {
        return;
    }
    let forces = spec.update == Update::Replace;
    if forces {
        diff.replace = true;
        diff.reasons
            .push(format!("`{}` forces replacement", spec.name));
    }
    let after = if !relinked.is_empty() && spec.update == Update::Replace {
        After::Unknown
    } else {
        After::Known(want.clone())
    };
    let mut change = AttrChange::named(spec.name, have.cloned(), Some(after));
    change.forces_replacement = forces;
    change.sensitive = is_sensitive(resource, spec.name);
    change.multiline = spec.multiline;
    change.set_replaced(relinked.clone());
    diff.attrs.push(change);
    if spec.update == Update::InPlace {
        let change = InPlaceChange {
            want,
            have,
            observed_raw,
            relinked: &relinked,
            ids,
            address,
        };
        kinds::in_place(kind, spec.name, &change, errors, &mut diff.ops);
    }
}

/// Links to resources that get a new id in this plan change even if the address is the same.
fn relinked(spec: &AttrSpec, want: &Value, renewed: &Changes) -> Vec<String> {
    match spec.link {
        Link::None => Vec::new(),
        Link::One(_) => want
            .as_str()
            .filter(|a| renewed.renewed(a))
            .map(|a| vec![a.to_string()])
            .unwrap_or_default(),
        Link::Many(_) => want
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|a| renewed.renewed(a))
            .map(str::to_string)
            .collect(),
    }
}
