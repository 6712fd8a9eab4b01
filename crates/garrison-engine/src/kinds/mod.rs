//! One module per kind: everything the engine does that depends on the kind (reading an
//! object, its observed attributes, waiting for it to settle, creating it from its config,
//! deleting it) behind [`EngineKind`], with the static dispatch in this file only. A kind
//! missing here fails to compile (every match below is exhaustive over `Kind` or the
//! wire-object enum).

use std::time::Duration;

use barrack_api::{Client, Error, Id, Named};
use garrison_config::model::{Kind, Resource, RuleSpec, Spec};
use garrison_plan::desired::Attrs;
use garrison_plan::Step;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::remote::{Inventory, RemoteObject};
use crate::steps::{CreateFailure, Ctx};

pub(crate) mod firewall;
pub(crate) mod image;
pub(crate) mod script;
pub(crate) mod snapshot;
pub(crate) mod ssh_key;
pub(crate) mod vm;
pub(crate) mod volume;

pub(crate) use script::request as script_request;

/// How long a read through the watcher's next round of lists may take (`fetch` of a kind a
/// list can answer): rounds are paced by the rate limit, so seconds, not this.
pub(crate) const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Everything kind-specific the engine does, for one kind.
pub(crate) trait EngineKind {
    /// The API's object.
    type Object: DeserializeOwned + Serialize + Named + Clone;
    /// The config's body of a resource of this kind.
    type Spec;
    /// The API operation that lists every object of the kind.
    const LIST: barrack_api::Op;

    /// The kind.
    const KIND: Kind;

    /// The object's remote id.
    fn id(object: &Self::Object) -> &Id;

    /// The object's region; empty when the API does not say (scripts) or the kind is
    /// account-wide (SSH keys).
    fn region(object: &Self::Object) -> &str;

    /// The objects of the kind a refresh listed.
    fn listed(inventory: &Inventory) -> &[Self::Object];

    /// The object as a member of the inventory's enum.
    fn wrap(object: Self::Object) -> RemoteObject;

    /// The object of this kind inside `object`, if it is one.
    fn pick(object: RemoteObject) -> Option<Self::Object>;

    /// Reads one object by id: the object as the cloud holds it now: the watcher's next round of lists for the
    /// kinds a list can answer (a GET only when the list does not show it), else a GET.
    async fn fetch(client: &Client, id: &Id) -> Result<Self::Object, Error>;

    /// The kind's own observed attributes (name, region and id are common; see `observe`).
    fn observe(object: &Self::Object, out: &mut Attrs);

    /// Whether the object is in a transitional status (being created, changing power, ...).
    fn is_transitional(object: &Self::Object) -> bool;

    /// The object once it left every transitional status (re-read); at once when steady.
    async fn settle(
        client: &Client,
        object: Self::Object,
        timeout: Duration,
    ) -> Result<Self::Object, Error>;

    /// Creates the object from its config and waits until it is ready and as configured.
    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &Self::Spec,
    ) -> Result<RemoteObject, CreateFailure>;

    /// The attributes fixed at creation, spelled as the wire spells them: what makes an
    /// object found by name the result of our create (the ownership rule, D3).
    fn expected(resource: &Resource, spec: &Self::Spec) -> Value;

    /// Deletes the object and waits until it is gone. `touched` is set when something
    /// already changed before the delete call (a firewall's members detached).
    async fn delete(ctx: &Ctx, step: &Step, id: &Id, touched: &mut bool) -> Result<(), Error>;
}

/// The members of [`EngineKind`] that only name the kind's variant, wire type and inventory
/// list (and whether its objects carry a region).
macro_rules! wire_members {
    ($variant:ident, $object:ty, $list:ident) => {
        $crate::kinds::wire_members!(@common $variant, $object, $list);
        fn region(object: &$object) -> &str {
            &object.region
        }
    };
    ($variant:ident, $object:ty, $list:ident, no_region) => {
        $crate::kinds::wire_members!(@common $variant, $object, $list);
        fn region(_: &$object) -> &str {
            ""
        }
    };
    (@common $variant:ident, $object:ty, $list:ident) => {
        const KIND: garrison_config::model::Kind = garrison_config::model::Kind::$variant;

        fn id(object: &$object) -> &barrack_api::Id {
            &object.id
        }

        fn listed(inventory: &$crate::remote::Inventory) -> &[$object] {
            &inventory.$list
        }

        fn wrap(object: $object) -> $crate::remote::RemoteObject {
            $crate::remote::RemoteObject::$variant(object)
        }

        fn pick(object: $crate::remote::RemoteObject) -> Option<$object> {
            match object {
                $crate::remote::RemoteObject::$variant(o) => Some(o),
                _ => None,
            }
        }
    };
}

/// Runs `$body` with `$k` bound to the module type of `$kind`.
macro_rules! by_kind {
    ($kind:expr, $k:ident => $body:expr) => {
        match $kind {
            Kind::Vm => {
                type $k = $crate::kinds::vm::Vm;
                $body
            }
            Kind::Volume => {
                type $k = $crate::kinds::volume::Volume;
                $body
            }
            Kind::Firewall => {
                type $k = $crate::kinds::firewall::Firewall;
                $body
            }
            Kind::SshKey => {
                type $k = $crate::kinds::ssh_key::SshKey;
                $body
            }
            Kind::Script => {
                type $k = $crate::kinds::script::Script;
                $body
            }
            Kind::Snapshot => {
                type $k = $crate::kinds::snapshot::Snapshot;
                $body
            }
            Kind::Image => {
                type $k = $crate::kinds::image::Image;
                $body
            }
        }
    };
}

/// Runs `$body` with `$o` bound to the wire object inside `$object` and `$k` to its kind's
/// module type.
macro_rules! by_object {
    ($object:expr, $k:ident, $o:ident => $body:expr) => {
        match $object {
            RemoteObject::Vm($o) => {
                type $k = $crate::kinds::vm::Vm;
                $body
            }
            RemoteObject::Volume($o) => {
                type $k = $crate::kinds::volume::Volume;
                $body
            }
            RemoteObject::Firewall($o) => {
                type $k = $crate::kinds::firewall::Firewall;
                $body
            }
            RemoteObject::SshKey($o) => {
                type $k = $crate::kinds::ssh_key::SshKey;
                $body
            }
            RemoteObject::Script($o) => {
                type $k = $crate::kinds::script::Script;
                $body
            }
            RemoteObject::Snapshot($o) => {
                type $k = $crate::kinds::snapshot::Snapshot;
                $body
            }
            RemoteObject::Image($o) => {
                type $k = $crate::kinds::image::Image;
                $body
            }
        }
    };
}

pub(crate) use wire_members;
pub(crate) use {by_kind, by_object};

/// Reads one object of `kind` by id.
pub(crate) async fn fetch(client: &Client, kind: Kind, id: &Id) -> Result<RemoteObject, Error> {
    by_kind!(kind, K => K::fetch(client, id).await.map(K::wrap))
}

/// The kind's own observed attributes of `object`.
pub(crate) fn observe_into(object: &RemoteObject, out: &mut Attrs) {
    by_object!(object, K, o => K::observe(o, out))
}

/// Whether `object` is in a transitional status. A VM being deleted is not: it is not going
/// to settle into something usable.
pub(crate) fn is_transitional(object: &RemoteObject) -> bool {
    by_object!(object, K, o => K::is_transitional(o))
}

/// `object` once it has left every transitional status (re-read), or at once when it is
/// steady already. Fails when the wait times out or the object ends in a failed state.
pub(crate) async fn settle(
    client: &Client,
    object: RemoteObject,
    timeout: Duration,
) -> Result<RemoteObject, Error> {
    by_object!(object, K, o => K::settle(client, o, timeout).await.map(K::wrap))
}

/// Creates `resource` from its config.
pub(crate) async fn create(
    ctx: &Ctx,
    step: &Step,
    resource: &Resource,
) -> Result<RemoteObject, CreateFailure> {
    match &resource.spec {
        Spec::Vm(spec) => vm::Vm::create(ctx, step, resource, spec).await,
        Spec::Volume(spec) => volume::Volume::create(ctx, step, resource, spec).await,
        Spec::Firewall(spec) => firewall::Firewall::create(ctx, step, resource, spec).await,
        Spec::SshKey(spec) => ssh_key::SshKey::create(ctx, step, resource, spec).await,
        Spec::Script(spec) => script::Script::create(ctx, step, resource, spec).await,
        Spec::Snapshot(spec) => snapshot::Snapshot::create(ctx, step, resource, spec).await,
        Spec::Image(spec) => image::Image::create(ctx, step, resource, spec).await,
    }
}

/// Deletes the object `id` of the step's kind and waits until it is gone.
pub(crate) async fn delete(
    ctx: &Ctx,
    step: &Step,
    id: &Id,
    touched: &mut bool,
) -> Result<(), Error> {
    by_kind!(step.kind, K => K::delete(ctx, step, id, touched).await)
}

/// Every object of `kind` named `name` (one paginated list).
pub(crate) async fn find_named(
    client: &Client,
    kind: Kind,
    name: &str,
) -> Result<Vec<RemoteObject>, Error> {
    by_kind!(kind, K => Ok(client
        .find_by_name::<<K as EngineKind>::Object>(K::LIST, name)
        .await?
        .into_iter()
        .map(K::wrap)
        .collect()))
}

/// The object's wire JSON.
pub(crate) fn wire_json(object: &RemoteObject) -> Value {
    by_object!(object, K, o => serde_json::to_value::<&<K as EngineKind>::Object>(o))
        .unwrap_or(Value::Null)
}

/// The create-time attributes of `resource`, spelled as the wire spells them.
pub(crate) fn expected(resource: &Resource) -> Value {
    match &resource.spec {
        Spec::Vm(spec) => vm::Vm::expected(resource, spec),
        Spec::Volume(spec) => volume::Volume::expected(resource, spec),
        Spec::Firewall(spec) => firewall::Firewall::expected(resource, spec),
        Spec::SshKey(spec) => ssh_key::SshKey::expected(resource, spec),
        Spec::Script(spec) => script::Script::expected(resource, spec),
        Spec::Snapshot(spec) => snapshot::Snapshot::expected(resource, spec),
        Spec::Image(spec) => image::Image::expected(resource, spec),
    }
}

/// Each distinct rule once, in config order (a rule written twice is one rule, as the plan
/// sees it).
fn unique_rules(rules: &[RuleSpec]) -> impl Iterator<Item = &RuleSpec> {
    let mut seen = std::collections::HashSet::new();
    rules.iter().filter(move |r| seen.insert(*r))
}
