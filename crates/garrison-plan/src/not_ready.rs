//! VMs whose `ready-when` did not succeed after their create (recorded `not_ready`, what
//! Terraform calls tainted): the plan replaces them while the config still asks for
//! readiness, so what depends on them (a snapshot of a provisioned builder) is never made
//! from an unready one.

use garrison_config::model::{Resource, Spec};
use garrison_state::ResourceState;

/// Why `resource` must be replaced, when it never became ready.
pub(crate) fn replace_reason(resource: &Resource, rs: &ResourceState) -> Option<String> {
    let Spec::Vm(vm) = &resource.spec else {
        return None;
    };
    (rs.not_ready && vm.ready_when.is_some()).then(|| {
        "its `ready-when` command did not succeed after it was created: replaced by a new VM,          checked again"
            .to_owned()
    })
}
