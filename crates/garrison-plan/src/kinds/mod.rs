//! What is kind-specific on the plan side, one module per kind behind one trait
//! ([`PlanKind`]): the desired attributes a config spec gives, and the in-place update ops
//! each in-place attribute (per `schema.rs`) needs. The only dispatch from a kind (or a
//! spec) to its module is here.

mod firewall;
mod image;
mod rules;
mod script;
mod snapshot;
mod ssh_key;
mod vm;
mod volume;

use garrison_config::model::{Kind, Spec};
use serde_json::Value;

use crate::desired::Attrs;
use crate::error::PlanError;
use crate::planner::IdIndex;
use crate::remote::Prices;
use crate::step::UpdateOp;

/// One changed in-place attribute, as the diff found it.
pub(crate) struct InPlaceChange<'a> {
    /// Desired value (links as addresses).
    pub(crate) want: &'a Value,
    /// Observed value (links as addresses), if any.
    pub(crate) have: Option<&'a Value>,
    /// Every observed attribute as the API gave it (links as remote ids).
    pub(crate) observed_raw: &'a Attrs,
    /// Linked addresses that get a new remote id in this plan.
    pub(crate) relinked: &'a [String],
    pub(crate) ids: &'a IdIndex,
    /// The resource's address.
    pub(crate) address: &'a str,
}

/// The plan side of one resource kind.
pub(crate) trait PlanKind {
    /// The config spec of the kind.
    type Spec;

    /// Statuses of a transition in progress (compared without case): the resource will
    /// settle. Deleting is left out: a resource being deleted matters only once it is gone.
    const BUSY: &'static [&'static str];

    /// USD per hour of a resource with these attributes (desired or observed).
    fn hourly(attrs: &Attrs, prices: &Prices) -> f64;

    /// Adds the kind's own desired attributes (name and region are common).
    fn desired(spec: &Self::Spec, out: &mut Attrs);

    /// Adds the ops that change `attr` in place (or records why it cannot change). `false`:
    /// the kind has no in-place op for `attr` (by default none has).
    fn in_place(
        _attr: &str,
        _change: &InPlaceChange<'_>,
        _errors: &mut Vec<PlanError>,
        _ops: &mut Vec<UpdateOp>,
    ) -> bool {
        false
    }
}

/// Adds the desired attributes of `spec`'s kind.
pub(crate) fn desired(spec: &Spec, out: &mut Attrs) {
    match spec {
        Spec::Vm(spec) => vm::Vm::desired(spec, out),
        Spec::Volume(spec) => volume::Volume::desired(spec, out),
        Spec::Firewall(spec) => firewall::Firewall::desired(spec, out),
        Spec::SshKey(spec) => ssh_key::SshKey::desired(spec, out),
        Spec::Script(spec) => script::Script::desired(spec, out),
        Spec::Snapshot(spec) => snapshot::Snapshot::desired(spec, out),
        Spec::Image(spec) => image::Image::desired(spec, out),
    }
}

/// Runs `$body` with `$k` bound to the module type of `$kind`.
macro_rules! by_kind {
    ($kind:expr, $k:ident => $body:expr) => {
        match $kind {
            Kind::Vm => {
                type $k = vm::Vm;
                $body
            }
            Kind::Volume => {
                type $k = volume::Volume;
                $body
            }
            Kind::Firewall => {
                type $k = firewall::Firewall;
                $body
            }
            Kind::SshKey => {
                type $k = ssh_key::SshKey;
                $body
            }
            Kind::Script => {
                type $k = script::Script;
                $body
            }
            Kind::Snapshot => {
                type $k = snapshot::Snapshot;
                $body
            }
            Kind::Image => {
                type $k = image::Image;
                $body
            }
        }
    };
}

/// Statuses of a transition in progress of `kind`.
pub(crate) fn busy_statuses(kind: Kind) -> &'static [&'static str] {
    by_kind!(kind, K => K::BUSY)
}

/// USD per hour of a `kind` resource with these attributes.
pub(crate) fn hourly(kind: Kind, attrs: &Attrs, prices: &Prices) -> f64 {
    by_kind!(kind, K => K::hourly(attrs, prices))
}

/// Adds the ops that change `attr` of a `kind` resource in place; `false` if there are none.
pub(crate) fn in_place(
    kind: Kind,
    attr: &str,
    change: &InPlaceChange<'_>,
    errors: &mut Vec<PlanError>,
    ops: &mut Vec<UpdateOp>,
) -> bool {
    by_kind!(kind, K => K::in_place(attr, change, errors, ops))
}

/// The stored size of a snapshot or image in GB (0 until it exists).
fn stored_gb(attrs: &Attrs) -> f64 {
    attrs
        .get(crate::schema::snapshot::SIZE_GB)
        .and_then(Value::as_u64)
        .unwrap_or_default() as f64
}

#[cfg(test)]
mod tests {
    use garrison_state::StateDoc;
    use serde_json::json;

    use super::*;
    use crate::schema::{self, Update};

    #[test]
    fn every_in_place_attribute_of_the_schema_has_an_op() {
        let state = StateDoc::fresh();
        let ids = IdIndex::new(&state);
        let observed = Attrs::new();
        for kind in Kind::ALL {
            for spec in schema::attrs(kind)
                .iter()
                .filter(|s| s.update == Update::InPlace)
            {
                let change = InPlaceChange {
                    want: &json!(null),
                    have: None,
                    observed_raw: &observed,
                    relinked: &[],
                    ids: &ids,
                    address: "test.x",
                };
                let (mut errors, mut ops) = (Vec::new(), Vec::new());
                assert!(
                    in_place(kind, spec.name, &change, &mut errors, &mut ops),
                    "{kind}: `{}` is in place in the schema but has no in-place op",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn attributes_that_are_not_in_place_have_no_op() {
        let state = StateDoc::fresh();
        let ids = IdIndex::new(&state);
        let observed = Attrs::new();
        for kind in Kind::ALL {
            for spec in schema::attrs(kind)
                .iter()
                .filter(|s| s.update != Update::InPlace)
            {
                let change = InPlaceChange {
                    want: &json!(null),
                    have: None,
                    observed_raw: &observed,
                    relinked: &[],
                    ids: &ids,
                    address: "test.x",
                };
                let (mut errors, mut ops) = (Vec::new(), Vec::new());
                assert!(
                    !in_place(kind, spec.name, &change, &mut errors, &mut ops),
                    "{kind}: `{}` has an in-place op but the schema replaces it",
                    spec.name
                );
            }
        }
    }
}
