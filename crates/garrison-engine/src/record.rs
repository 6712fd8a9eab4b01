//! Building the [`ResourceState`] recorded for a resource from what the API returned.

use garrison_config::model::{RemoteId, StateKey};
use garrison_config::model::{Resource, Spec};
use garrison_plan::desired::hash_text;
use garrison_plan::graph::dependencies;
use garrison_plan::is_sensitive;
use garrison_plan::schema::vm;
use garrison_plan::seal::{is_legacy_seal, is_sealed, seal, verify};
use garrison_state::ResourceState;

use crate::observe::observe;
use crate::remote::RemoteObject;

/// The state of `object` at `address`: observed attributes, plus what only the config knows
/// (cloud-init hash, dependencies, protect) from `resource`, falling back to `previous`.
pub fn resource_state(
    address: &StateKey,
    object: &RemoteObject,
    resource: Option<&Resource>,
    previous: Option<&ResourceState>,
) -> ResourceState {
    let fallback_region = resource
        .map(|r| r.region.as_str())
        .or(previous.map(|p| p.region.as_str()))
        .unwrap_or_default();
    let mut attributes = observe(object, fallback_region);
    // Values from sensitive variables are sealed: the state never holds the secret, and a
    // plan still sees whether it changed.
    for (name, value) in attributes.iter_mut() {
        let sensitive = match resource {
            Some(resource) => is_sensitive(resource, name),
            None => previous
                .and_then(|p| p.attributes.get(name))
                .is_some_and(is_sealed),
        };
        if sensitive {
            // Keep the recorded seal while it still verifies (salted seals of one value
            // differ, so re-sealing would change the state on every run); replace a
            // legacy unsalted `sha256:` seal.
            let kept = previous
                .and_then(|p| p.attributes.get(name))
                .filter(|old| is_sealed(old) && !is_legacy_seal(old) && verify(value, old));
            *value = match kept {
                Some(old) => old.clone(),
                None => seal(value),
            };
        }
    }
    let region = if object.region().is_empty() {
        fallback_region.to_string()
    } else {
        object.region().to_string()
    };
    let mut input_hashes = previous.map(|p| p.input_hashes.clone()).unwrap_or_default();
    let mut dependencies_list = previous.map(|p| p.dependencies.clone()).unwrap_or_default();
    let mut protect = previous.is_some_and(|p| p.protect);
    if let Some(text) = previous.and_then(|p| p.attributes.get(vm::CLOUD_INIT)) {
        attributes.insert(vm::CLOUD_INIT.to_string(), text.clone());
    }
    if let Some(resource) = resource {
        if let Spec::Vm(spec) = &resource.spec {
            attributes.remove(vm::CLOUD_INIT);
            match &spec.cloud_init {
                Some(text) => {
                    input_hashes.insert(vm::CLOUD_INIT.to_string(), hash_text(text));
                    // The text too, unless sensitive: the next plan shows a diff (U5).
                    if !is_sensitive(resource, vm::CLOUD_INIT) {
                        attributes.insert(vm::CLOUD_INIT.to_string(), text.clone().into());
                    }
                }
                None => {
                    input_hashes.remove(vm::CLOUD_INIT);
                }
            }
        }
        dependencies_list = dependencies(resource).into_iter().collect();
        protect = resource.protect;
    }
    ResourceState {
        address: address.clone(),
        kind: object.kind(),
        remote_id: RemoteId::new(object.id().as_str()),
        name: object.name().to_string(),
        region,
        attributes,
        input_hashes,
        dependencies: dependencies_list,
        protect,
        private_key_lost: previous.is_some_and(|p| p.private_key_lost),
        not_ready: previous.is_some_and(|p| p.not_ready),
        created_at: previous.map(|p| p.created_at.clone()).unwrap_or_else(|| {
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        }),
    }
}

/// `previous` with each legacy `sha256:` seal that still matches what the cloud holds
/// replaced by an argon2id seal; `None` when there is none to replace. Other attributes stay
/// as recorded (drift is not absorbed).
pub fn reseal_legacy(
    previous: &ResourceState,
    object: &RemoteObject,
    resource: Option<&Resource>,
) -> Option<ResourceState> {
    if !previous.attributes.values().any(is_legacy_seal) {
        return None;
    }
    let observed = observe(object, &previous.region);
    let mut next = previous.clone();
    let mut changed = false;
    for (name, value) in next.attributes.iter_mut() {
        let Some(now) = observed.get(name) else {
            continue;
        };
        let sensitive = resource.is_none_or(|r| is_sensitive(r, name));
        if sensitive && is_legacy_seal(value) && verify(now, value) {
            *value = seal(now);
            changed = true;
        }
    }
    changed.then_some(next)
}
