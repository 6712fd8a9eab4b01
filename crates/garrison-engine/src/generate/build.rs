//! One generation pass: labels for the selected objects, a block for each, and the objects
//! that cannot be written, repeated until nothing more drops out (an object that uses a
//! skipped one is skipped too, and one pulled in only for skipped users is dropped).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use barrack_api::wire::Catalog;
use garrison_config::model::{Address, StateKey};
use garrison_state::StateDoc;

use super::blocks::{self, Body, Ctx};
use super::labels::Labels;
use super::notes::Note;
use super::refs::{describe, key, links, Key, Resolver};
use super::select::Entry;
use crate::remote::{Inventory, RemoteObject};

/// A written block.
pub(super) struct Block<'e> {
    pub(super) address: Address,
    pub(super) entry: &'e Entry,
    pub(super) body: Body,
}

/// What a pass made of its entries.
pub(super) struct Outcome<'e> {
    /// Sorted by address.
    pub(super) blocks: Vec<Block<'e>>,
    /// With why, in entry order.
    pub(super) skipped: Vec<(&'e Entry, String)>,
}

/// What a pass reads besides its entries.
pub(super) struct Inputs<'a> {
    pub(super) inventory: &'a Inventory,
    pub(super) index: &'a HashMap<Key, RemoteObject>,
    pub(super) managed: &'a HashMap<Key, StateKey>,
    pub(super) state: &'a StateDoc,
    pub(super) taken: &'a BTreeSet<Address>,
    /// What the cloud offers: a value it lists can be written.
    pub(super) catalog: &'a Catalog,
}

/// Blocks for `entries`, or why not, to a fixpoint.
pub(super) fn build<'e>(entries: &'e [Entry], inputs: &Inputs<'_>) -> Outcome<'e> {
    let mut skipped: BTreeMap<usize, String> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| instance_address(e).map(|why| (i, why)))
        .collect();
    loop {
        loop {
            let more = orphans(entries, &skipped);
            if more.is_empty() {
                break;
            }
            skipped.extend(more);
        }
        let addresses = assign(entries, &skipped, inputs);
        let generated: BTreeMap<Key, Address> = addresses
            .iter()
            .rev()
            .map(|(i, a)| (key(&entries[*i].object), a.clone()))
            .collect();
        let resolver = Resolver {
            managed: inputs.managed,
            index: inputs.index,
            generated: &generated,
        };
        let ctx = Ctx {
            resolver: &resolver,
            inventory: inputs.inventory,
            catalog: inputs.catalog,
        };
        let mut blocks = Vec::new();
        let mut dropped = BTreeMap::new();
        for (i, address) in addresses {
            let entry = &entries[i];
            match blocks::render(&entry.object, &ctx) {
                Ok(body) => blocks.push(Block {
                    address,
                    entry,
                    body,
                }),
                Err(why) => {
                    dropped.insert(i, why);
                }
            }
        }
        if dropped.is_empty() {
            return finish(entries, blocks, &skipped, &generated, inputs);
        }
        skipped.extend(dropped);
    }
}

/// An import target at an instance address (`vm.x[0]`): its block is a `count` or
/// `for-each` block only the user can write.
fn instance_address(entry: &Entry) -> Option<String> {
    let address = entry.fixed.as_ref()?;
    address.index.as_ref().map(|_| {
        format!(
            "its import block imports it to {}, an instance of a `count` or `for-each` block: write that block yourself",
            super::notes::shown(address)
        )
    })
}

/// Entries pulled in only for users that are all skipped.
fn orphans(entries: &[Entry], skipped: &BTreeMap<usize, String>) -> BTreeMap<usize, String> {
    let at: HashMap<Key, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (key(&e.object), i))
        .collect();
    let is_skipped = |k: &Key| at.get(k).is_some_and(|i| skipped.contains_key(i));
    entries
        .iter()
        .enumerate()
        .filter(|(i, e)| !e.chosen && !skipped.contains_key(i))
        .filter(|(_, e)| e.users.iter().all(is_skipped))
        .map(|(i, e)| {
            let users: Vec<String> = e
                .users
                .iter()
                .filter_map(|k| at.get(k).map(|u| describe(&entries[*u].object)))
                .collect();
            let why = format!(
                "it would be imported only because {} uses it, which is not imported",
                users.join(" and ")
            );
            (i, why)
        })
        .collect()
}

/// The address of every entry not skipped: the fixed one, else a new label (objects whose
/// cloud name is already a label get theirs first).
fn assign(
    entries: &[Entry],
    skipped: &BTreeMap<usize, String>,
    inputs: &Inputs<'_>,
) -> Vec<(usize, Address)> {
    let reserved = inputs
        .taken
        .iter()
        .chain(
            inputs
                .state
                .resources
                .values()
                .map(|rs| rs.address.address()),
        )
        .chain(entries.iter().filter_map(|e| e.fixed.as_ref()))
        .map(|a| (a.kind, a.name.to_string()));
    let mut labels = Labels::new(reserved);
    let mut open: Vec<(usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter(|(i, e)| !skipped.contains_key(i) && e.fixed.is_none())
        .collect();
    open.sort_by(|(_, a), (_, b)| order(a).cmp(&order(b)));
    let is_label = |e: &Entry| super::labels::sanitize(e.object.name(), "") == e.object.name();
    let (first, rest): (Vec<_>, Vec<_>) = open.into_iter().partition(|(_, e)| is_label(e));
    let mut out: Vec<(usize, Address)> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| !skipped.contains_key(i))
        .filter_map(|(i, e)| e.fixed.clone().map(|a| (i, a)))
        .collect();
    for (i, e) in first.into_iter().chain(rest) {
        let kind = e.object.kind();
        out.push((i, Address::new(kind, labels.take(kind, e.object.name()))));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Kind, then cloud name, then id.
fn order(e: &Entry) -> (garrison_config::model::Kind, &str, &str) {
    (e.object.kind(), e.object.name(), e.object.id().as_str())
}

/// The blocks with the notes only the whole pass knows (who uses what), and the skipped.
fn finish<'e>(
    entries: &'e [Entry],
    mut blocks: Vec<Block<'e>>,
    skipped: &BTreeMap<usize, String>,
    generated: &BTreeMap<Key, Address>,
    inputs: &Inputs<'_>,
) -> Outcome<'e> {
    let holders = managed_holders(inputs);
    for block in &mut blocks {
        let me = key(&block.entry.object);
        if !block.entry.chosen {
            let mut users: Vec<&Address> = block
                .entry
                .users
                .iter()
                .filter_map(|u| generated.get(u))
                .collect();
            users.sort();
            if let Some(user) = users.first() {
                block.body.notes.push(Note::NeededBy((*user).clone()));
            }
        }
        for (holder, attr) in holders.get(&me).into_iter().flatten() {
            block.body.notes.push(Note::UsedByManaged {
                holder: holder.clone(),
                attr,
            });
        }
    }
    Outcome {
        blocks,
        skipped: skipped
            .iter()
            .map(|(i, why)| (&entries[*i], why.clone()))
            .collect(),
    }
}

/// For each object, the live state resources that link to it (and through which attribute),
/// sorted.
fn managed_holders(inputs: &Inputs<'_>) -> HashMap<Key, Vec<(Address, &'static str)>> {
    let mut out: HashMap<Key, Vec<(Address, &'static str)>> = HashMap::new();
    for (k, state_key) in inputs.managed {
        let (Some(address), Some(object)) = (state_key.live(), inputs.index.get(k)) else {
            continue;
        };
        for link in links(object) {
            out.entry(link.to)
                .or_default()
                .push((address.clone(), link.attr));
        }
    }
    for holders in out.values_mut() {
        holders.sort();
        holders.dedup();
    }
    out
}
