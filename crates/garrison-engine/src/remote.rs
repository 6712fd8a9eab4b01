//! [`RemoteObject`]: one wire object of any kind, and [`Inventory`]: everything in the
//! account as one refresh listed it.

use barrack_api::wire::{Firewall, Image, Instance, Script, Snapshot, SshKey, Volume};
use barrack_api::Id;
use garrison_config::model::Kind;
use std::collections::HashMap;

/// One resource as the API returned it. (Unboxed: these are few and short-lived.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteObject {
    Vm(Instance),
    Volume(Volume),
    Firewall(Firewall),
    SshKey(SshKey),
    Script(Script),
    Snapshot(Snapshot),
    Image(Image),
}

impl RemoteObject {
    /// Its kind.
    pub fn kind(&self) -> Kind {
        match self {
            RemoteObject::Vm(_) => Kind::Vm,
            RemoteObject::Volume(_) => Kind::Volume,
            RemoteObject::Firewall(_) => Kind::Firewall,
            RemoteObject::SshKey(_) => Kind::SshKey,
            RemoteObject::Script(_) => Kind::Script,
            RemoteObject::Snapshot(_) => Kind::Snapshot,
            RemoteObject::Image(_) => Kind::Image,
        }
    }

    /// Its remote id.
    pub fn id(&self) -> &Id {
        match self {
            RemoteObject::Vm(o) => &o.id,
            RemoteObject::Volume(o) => &o.id,
            RemoteObject::Firewall(o) => &o.id,
            RemoteObject::SshKey(o) => &o.id,
            RemoteObject::Script(o) => &o.id,
            RemoteObject::Snapshot(o) => &o.id,
            RemoteObject::Image(o) => &o.id,
        }
    }

    /// Its unique name.
    pub fn name(&self) -> &str {
        match self {
            RemoteObject::Vm(o) => &o.name,
            RemoteObject::Volume(o) => &o.name,
            RemoteObject::Firewall(o) => &o.name,
            RemoteObject::SshKey(o) => &o.name,
            RemoteObject::Script(o) => &o.name,
            RemoteObject::Snapshot(o) => &o.name,
            RemoteObject::Image(o) => &o.name,
        }
    }

    /// Its region (empty when the API does not say, e.g. scripts, or the kind is
    /// account-wide: SSH keys).
    pub fn region(&self) -> &str {
        match self {
            RemoteObject::Vm(o) => &o.region,
            RemoteObject::Volume(o) => &o.region,
            RemoteObject::Firewall(o) => &o.region,
            RemoteObject::SshKey(_) | RemoteObject::Script(_) => "",
            RemoteObject::Snapshot(o) => &o.region,
            RemoteObject::Image(o) => &o.region,
        }
    }
}

/// Every resource in the account, per kind, from one list call per kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inventory {
    pub instances: Vec<Instance>,
    pub volumes: Vec<Volume>,
    pub firewalls: Vec<Firewall>,
    /// Never carries a private key.
    pub ssh_keys: Vec<SshKey>,
    pub scripts: Vec<Script>,
    pub snapshots: Vec<Snapshot>,
    pub images: Vec<Image>,
}

impl Inventory {
    /// Every object of `kind`.
    pub fn objects(&self, kind: Kind) -> Vec<RemoteObject> {
        match kind {
            Kind::Vm => self
                .instances
                .iter()
                .cloned()
                .map(RemoteObject::Vm)
                .collect(),
            Kind::Volume => self
                .volumes
                .iter()
                .cloned()
                .map(RemoteObject::Volume)
                .collect(),
            Kind::Firewall => self
                .firewalls
                .iter()
                .cloned()
                .map(RemoteObject::Firewall)
                .collect(),
            Kind::SshKey => self
                .ssh_keys
                .iter()
                .cloned()
                .map(RemoteObject::SshKey)
                .collect(),
            Kind::Script => self
                .scripts
                .iter()
                .cloned()
                .map(RemoteObject::Script)
                .collect(),
            Kind::Snapshot => self
                .snapshots
                .iter()
                .cloned()
                .map(RemoteObject::Snapshot)
                .collect(),
            Kind::Image => self
                .images
                .iter()
                .cloned()
                .map(RemoteObject::Image)
                .collect(),
        }
    }

    /// The object of `kind` with remote id `id` (a scan of that kind; for many look-ups
    /// build [`Inventory::index`] once).
    pub fn by_id(&self, kind: Kind, id: &str) -> Option<RemoteObject> {
        fn find<T: Clone>(
            items: &[T],
            id: impl Fn(&T) -> bool,
            wrap: fn(T) -> RemoteObject,
        ) -> Option<RemoteObject> {
            items.iter().find(|o| id(o)).cloned().map(wrap)
        }
        match kind {
            Kind::Vm => find(&self.instances, |o| o.id.as_str() == id, RemoteObject::Vm),
            Kind::Volume => find(&self.volumes, |o| o.id.as_str() == id, RemoteObject::Volume),
            Kind::Firewall => find(
                &self.firewalls,
                |o| o.id.as_str() == id,
                RemoteObject::Firewall,
            ),
            Kind::SshKey => find(
                &self.ssh_keys,
                |o| o.id.as_str() == id,
                RemoteObject::SshKey,
            ),
            Kind::Script => find(&self.scripts, |o| o.id.as_str() == id, RemoteObject::Script),
            Kind::Snapshot => find(
                &self.snapshots,
                |o| o.id.as_str() == id,
                RemoteObject::Snapshot,
            ),
            Kind::Image => find(&self.images, |o| o.id.as_str() == id, RemoteObject::Image),
        }
    }

    /// Every object by `(kind, remote id)`: one pass, for code that looks up many ids
    /// (a refresh of 10k resources must not scan the inventory 10k times).
    pub fn index(&self) -> HashMap<(Kind, String), RemoteObject> {
        Kind::ALL
            .into_iter()
            .flat_map(|kind| {
                self.objects(kind)
                    .into_iter()
                    .map(move |o| ((kind, o.id().as_str().to_string()), o))
            })
            .collect()
    }

    /// Every object of `kind` named `name` (names are unique, so at most one in practice).
    pub fn by_name(&self, kind: Kind, name: &str) -> Vec<RemoteObject> {
        self.objects(kind)
            .into_iter()
            .filter(|o| o.name() == name)
            .collect()
    }

    /// How many objects in all.
    pub fn len(&self) -> usize {
        self.instances.len()
            + self.volumes.len()
            + self.firewalls.len()
            + self.ssh_keys.len()
            + self.scripts.len()
            + self.snapshots.len()
            + self.images.len()
    }

    /// True when the account holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
