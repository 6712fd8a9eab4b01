//! References between objects: which objects one links to (a VM to its keys, script,
//! firewalls, volumes and boot source; a snapshot to its VM; an image to its snapshot), and
//! the address each link is written as: the state's when Garrison manages the target, else
//! the one generated for it.

use std::collections::{BTreeMap, HashMap};

use barrack_api::wire::Instance;
use barrack_api::Id;
use garrison_config::model::{Address, Index, Kind, StateKey};
use garrison_core::attr;
use garrison_state::StateDoc;

use super::kdl::quoted;
use crate::remote::RemoteObject;

/// An object by kind and remote id.
pub(super) type Key = (Kind, String);

/// The key of `object`.
pub(super) fn key(object: &RemoteObject) -> Key {
    (object.kind(), object.id().as_str().to_string())
}

/// How an object is named in a comment or note: `vm "trainer one" (id 12)`.
pub(super) fn describe(object: &RemoteObject) -> String {
    format!(
        "{} {} (id {})",
        object.kind(),
        quoted(object.name()),
        id_text(object.id().as_str())
    )
}

/// A remote id in a comment: as is when it is plain letters and digits, else quoted.
pub(super) fn id_text(id: &str) -> String {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        id.to_string()
    } else {
        quoted(id)
    }
}

/// One link of an object, written as config attribute `attr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Link {
    /// The config attribute (`ssh-keys`, `boot-volume`, ...).
    pub(super) attr: &'static str,
    /// The linked object.
    pub(super) to: Key,
}

/// Every link of `object`, in attribute order.
pub(super) fn links(object: &RemoteObject) -> Vec<Link> {
    match object {
        RemoteObject::Vm(i) => vm_links(i),
        RemoteObject::Snapshot(s) => s
            .instance_id
            .iter()
            .map(|v| link(attr::snapshot::VM, Kind::Vm, v))
            .collect(),
        RemoteObject::Image(m) => m
            .snapshot_id
            .iter()
            .map(|s| link(attr::image::SNAPSHOT, Kind::Snapshot, s))
            .collect(),
        RemoteObject::Volume(_)
        | RemoteObject::Firewall(_)
        | RemoteObject::SshKey(_)
        | RemoteObject::Script(_) => Vec::new(),
    }
}

/// A VM's links: boot volume or custom image, keys, script, firewalls, and the volumes
/// attached besides its boot volume.
pub(super) fn vm_links(i: &Instance) -> Vec<Link> {
    let boot_volume = i.boot_volume_id.as_ref();
    let mut out: Vec<Link> = Vec::new();
    out.extend(boot_volume.map(|v| link(attr::vm::BOOT_VOLUME, Kind::Volume, v)));
    out.extend(
        i.image
            .id
            .iter()
            .map(|m| link(attr::vm::IMAGE, Kind::Image, m)),
    );
    out.extend(
        i.ssh_key_ids
            .iter()
            .map(|k| link(attr::vm::SSH_KEYS, Kind::SshKey, k)),
    );
    out.extend(
        i.startup_script_id
            .iter()
            .map(|s| link(attr::vm::STARTUP_SCRIPT, Kind::Script, s)),
    );
    out.extend(
        i.firewall_ids
            .iter()
            .map(|f| link(attr::vm::FIREWALLS, Kind::Firewall, f)),
    );
    out.extend(
        i.volume_attachments
            .iter()
            .filter(|a| Some(&a.volume_id) != boot_volume)
            .map(|a| link(attr::vm::VOLUMES, Kind::Volume, &a.volume_id)),
    );
    out
}

fn link(attr: &'static str, kind: Kind, id: &Id) -> Link {
    Link {
        attr,
        to: (kind, id.as_str().to_string()),
    }
}

/// The objects `links` of attribute `attr` point to.
pub(super) fn targets(links: &[Link], attr: &str) -> Vec<Key> {
    links
        .iter()
        .filter(|l| l.attr == attr)
        .map(|l| l.to.clone())
        .collect()
}

/// The state's objects by kind and remote id.
pub(super) fn managed(state: &StateDoc) -> HashMap<Key, StateKey> {
    state
        .resources
        .values()
        .map(|rs| ((rs.kind, rs.remote_id.to_string()), rs.address.clone()))
        .collect()
}

/// `address` when a reference can spell it: a `for-each` key holding `"` cannot be.
fn spellable(address: &Address) -> Result<Address, String> {
    match &address.index {
        Some(Index::Key(key)) if key.contains('"') => Err(format!(
            "it uses {}, whose key a reference cannot spell",
            super::notes::shown(address)
        )),
        _ => Ok(address.clone()),
    }
}

/// Where each link points: managed objects at their state address, generated ones at their
/// new address; anything else is why the link cannot be written.
pub(super) struct Resolver<'a> {
    pub(super) managed: &'a HashMap<Key, StateKey>,
    /// Every object in the account.
    pub(super) index: &'a HashMap<Key, RemoteObject>,
    /// The objects generated in this pass, at their address.
    pub(super) generated: &'a BTreeMap<Key, Address>,
}

impl Resolver<'_> {
    /// The address `to` is written as, or why it cannot be.
    pub(super) fn address(&self, to: &Key) -> Result<Address, String> {
        if let Some(state_key) = self.managed.get(to) {
            let address = state_key.live().ok_or_else(|| {
                format!(
                    "it uses {} id {}, which the state holds only as deposed (Garrison is destroying it)",
                    to.0,
                    id_text(&to.1)
                )
            })?;
            return spellable(address);
        }
        if let Some(address) = self.generated.get(to) {
            return Ok(address.clone());
        }
        Err(match self.index.get(to) {
            Some(object) => format!("it uses {}, which is not imported either", describe(object)),
            None => format!(
                "it uses {} id {}, which the account no longer holds",
                to.0,
                id_text(&to.1)
            ),
        })
    }

    /// The `(ref)` values of the links to `to`, sorted and without repeats.
    pub(super) fn references<'k>(
        &self,
        to: impl IntoIterator<Item = &'k Key>,
    ) -> Result<Vec<Address>, String> {
        let mut out = to
            .into_iter()
            .map(|k| self.address(k))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort();
        out.dedup();
        Ok(out)
    }
}
