//! Volumes handed over by a create-before-destroy VM replacement (C3): a volume attaches to
//! one VM at a time, so those the old VM holds are detached from it once the new VM exists,
//! then attached to the new one, before the old VM is deleted.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Kind, Resource, Spec};

use crate::planner::{Current, IdIndex};
use crate::schema::vm;

/// Addresses of the volumes the new VM at `address` (the config's `resource`) wants that
/// its old VM holds now (and that are not themselves replaced by this plan).
pub(crate) fn volumes(
    address: &str,
    resource: Option<&Resource>,
    current: &BTreeMap<&str, Current<'_>>,
    ids: &IdIndex,
    changes: &crate::planner::Changes,
) -> Vec<String> {
    let Some(Spec::Vm(spec)) = resource.map(|r| &r.spec) else {
        return Vec::new();
    };
    let observed = current.get(address).and_then(|c| c.observed.as_ref());
    let held: BTreeSet<String> = ids
        .addresses_of(Kind::Volume, observed.and_then(|o| o.get(vm::VOLUMES)))
        .into_iter()
        .collect();
    let mut out: Vec<String> = spec
        .volumes
        .iter()
        .map(ToString::to_string)
        .filter(|v| held.contains(v) && !changes.renewed(v))
        .collect();
    out.sort();
    out.dedup();
    out
}
