//! [`RemoteObject`]: one wire object of any kind, and [`Inventory`]: everything in the
//! account as one refresh listed it.

use barrack_api::wire::{Firewall, Image, Instance, Script, Snapshot, SshKey, Volume};
use barrack_api::Id;
use garrison_config::model::Kind;
use std::collections::HashMap;

use crate::kinds::{by_kind, by_object, EngineKind};

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
        by_object!(self, K, _o => K::KIND)
    }

    /// Its remote id.
    pub fn id(&self) -> &Id {
        by_object!(self, K, o => K::id(o))
    }

    /// Its unique name.
    pub fn name(&self) -> &str {
        by_object!(self, K, o => <<K as EngineKind>::Object as barrack_api::Named>::name(o))
    }

    /// Its region (empty when the API does not say, e.g. scripts, or the kind is
    /// account-wide: SSH keys).
    pub fn region(&self) -> &str {
        by_object!(self, K, o => K::region(o))
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
        by_kind!(kind, K => K::listed(self).iter().cloned().map(K::wrap).collect())
    }

    /// The object of `kind` with remote id `id` (a scan of that kind; for many look-ups
    /// build [`Inventory::index`] once).
    pub fn by_id(&self, kind: Kind, id: &str) -> Option<RemoteObject> {
        by_kind!(kind, K => K::listed(self)
            .iter()
            .find(|o| K::id(o).as_str() == id)
            .cloned()
            .map(K::wrap))
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
        Kind::ALL
            .into_iter()
            .map(|kind| by_kind!(kind, K => K::listed(self).len()))
            .sum()
    }

    /// True when the account holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
