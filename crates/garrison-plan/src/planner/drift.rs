//! Drift: attributes changed outside Garrison, observed now vs recorded at the last apply.

use garrison_config::model::Resource;
use garrison_state::ResourceState;

use crate::action::Drift;
use crate::desired::Attrs;
use crate::schema::{self, Update};
use crate::seal::same;

use super::{is_sensitive, IdIndex};

/// Attributes changed outside Garrison: observed now vs recorded at the last apply.
pub(super) fn drift_of(
    address: &str,
    resource: &Resource,
    rs: &ResourceState,
    observed: &Attrs,
    ids: &IdIndex,
) -> Vec<Drift> {
    let kind = resource.address.kind;
    let recorded_all = ids.to_addresses(kind, &rs.attributes);
    let observed = ids.to_addresses(kind, observed);
    schema::attrs(kind)
        .iter()
        .filter(|spec| spec.update != Update::Computed)
        .filter_map(|spec| {
            let recorded = recorded_all.get(spec.name);
            let actual = observed.get(spec.name);
            (recorded.is_some() && actual.is_some() && !same(recorded, actual)).then(|| Drift {
                address: address.to_string(),
                attr: Some(spec.name.to_string()),
                recorded: recorded.cloned(),
                actual: actual.cloned(),
                sensitive: is_sensitive(resource, spec.name),
            })
        })
        .collect()
}
