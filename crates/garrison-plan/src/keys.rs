//! Generated ssh keys whose private key was lost (C7): the create's answer, the only place
//! the cloud ever shows it, never reached Garrison, and the key was adopted by name. Nobody
//! can log in with it, and the API refuses to delete a key a VM uses, so "delete the key"
//! is no way out. The plan replaces the key (deleted after the VMs that use it, created
//! before their replacements: ssh keys force a VM's replacement), writing the new private
//! key to `private-key-file`.

use garrison_config::model::{Resource, Spec};
use garrison_state::ResourceState;

/// Why `resource` must be replaced, when its private key was lost.
pub(crate) fn lost_private_key(resource: &Resource, rs: &ResourceState) -> Option<String> {
    let Spec::SshKey(spec) = &resource.spec else {
        return None;
    };
    if !rs.private_key_lost || spec.public_key.is_some() {
        return None;
    }
    let file = spec
        .private_key_file
        .as_ref()
        .map_or_else(String::new, |f| format!(" (written to `{}`)", f.display()));
    Some(format!(
        "its generated private key was lost when the create was adopted, so nobody can log \
         in with it: replaced with a new key{file}, and so are the VMs that use it"
    ))
}

/// Whether any resource that uses the key at `address` is replaced create-before-destroy:
/// the key must then be too (the new VMs need the new key while the old VMs hold the old).
pub(crate) fn used_create_before_destroy(wanted: &[&Resource], address: &str) -> bool {
    wanted.iter().any(|r| {
        r.lifecycle.create_before_destroy
            && crate::graph::dependencies(r).iter().any(|d| d == address)
    })
}
