//! Garrison KDL for objects the cloud holds and the state does not manage: what
//! `garrison import --all` ([`import_all`]) and `garrison plan --generate-config-out`
//! ([`config_for`]) write. Pure: same inventory and state, same text.
//!
//! Each block holds every attribute the planner compares, with the object's current value,
//! so planning the text against a state holding the imported objects changes nothing.
//! What the API never returns (a VM's cloud-init, a generated private key) and what the
//! config cannot express (an object in ERROR or in transition, a snapshot whose VM is
//! gone) is said in a comment, in [`Generated::notes`], and for the latter in
//! [`Generated::skipped`]; a skipped object is never imported.

mod blocks;
mod build;
mod document;
mod filter;
mod kdl;
mod labels;
mod notes;
mod refs;
mod select;

use std::collections::BTreeSet;

use barrack_api::wire::Catalog;
use garrison_config::model::{Address, Kind, RemoteId};
use garrison_state::StateDoc;

pub use filter::ImportFilter;

use build::{build, Inputs, Outcome};
use notes::Origin;
use select::{with_dependencies, Entry};

use crate::remote::{Inventory, RemoteObject};

/// Generated KDL and the imports it declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    /// The file, formatted as `garrison fmt` writes it.
    pub text: String,
    /// Every `import` line of `text`: the address and the remote id, sorted by address.
    pub imports: Vec<(Address, RemoteId)>,
    /// What the reader must know (values the API never returns, choices made, links to
    /// add to managed resources, objects not imported), one line each.
    pub notes: Vec<String>,
    /// The objects that could not be written, with why.
    pub skipped: Vec<Skipped>,
}

/// An object the config language cannot express, left out (and not imported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub kind: Kind,
    pub id: RemoteId,
    /// Its cloud name.
    pub name: String,
    /// Why, one sentence without the final period.
    pub reason: String,
}

/// `import --all`: an `import` line and a block for every object of `inventory` that
/// `state` does not manage and `filter` admits, and for every unmanaged object those use
/// (a block can only reference a block). New labels avoid `taken` (the config's addresses)
/// and the state's.
pub fn import_all(
    inventory: &Inventory,
    state: &StateDoc,
    filter: &ImportFilter,
    taken: &BTreeSet<Address>,
    catalog: &Catalog,
) -> Generated {
    let managed = refs::managed(state);
    let mut chosen: Vec<Entry> = Kind::ALL
        .into_iter()
        .flat_map(|kind| inventory.objects(kind))
        .filter(|o| !managed.contains_key(&refs::key(o)) && filter.admits(o))
        .map(|o| Entry::chosen(o, None, true))
        .collect();
    chosen.sort_by_key(|e| refs::key(&e.object));
    generate(chosen, inventory, state, taken, catalog, Origin::ImportAll)
}

/// `plan --generate-config-out`: a block for each import target at the address its import
/// block chose (no `import` line: the user has one), and an `import` line and a block for
/// every object they use that is neither managed by `state` nor a target. New labels
/// avoid `taken` (the config's addresses), the state's and the targets'.
pub fn config_for(
    targets: &[(Address, RemoteObject)],
    inventory: &Inventory,
    state: &StateDoc,
    taken: &BTreeSet<Address>,
    catalog: &Catalog,
) -> Generated {
    let chosen = targets
        .iter()
        .map(|(address, object)| Entry::chosen(object.clone(), Some(address.clone()), false))
        .collect();
    generate(chosen, inventory, state, taken, catalog, Origin::Targets)
}

fn generate(
    chosen: Vec<Entry>,
    inventory: &Inventory,
    state: &StateDoc,
    taken: &BTreeSet<Address>,
    catalog: &Catalog,
    origin: Origin,
) -> Generated {
    let index = inventory.index();
    let managed = refs::managed(state);
    let entries = with_dependencies(chosen, &index, &managed);
    let inputs = Inputs {
        inventory,
        index: &index,
        managed: &managed,
        state,
        taken,
        catalog,
    };
    let outcome = build(&entries, &inputs);
    generated(&outcome, origin)
}

fn generated(outcome: &Outcome<'_>, origin: Origin) -> Generated {
    let imports = outcome
        .blocks
        .iter()
        .filter(|b| b.entry.import)
        .map(|b| (b.address.clone(), document::remote_id(b)))
        .collect();
    let noted: Vec<(Address, Vec<notes::Note>)> = outcome
        .blocks
        .iter()
        .map(|b| (b.address.clone(), b.body.notes.clone()))
        .collect();
    let mut all_notes = notes::summarize(&noted, origin);
    let skipped: Vec<Skipped> = outcome
        .skipped
        .iter()
        .map(|(entry, why)| Skipped {
            kind: entry.object.kind(),
            id: RemoteId::new(entry.object.id().as_str()),
            name: entry.object.name().to_string(),
            reason: why.clone(),
        })
        .collect();
    all_notes.extend(
        outcome
            .skipped
            .iter()
            .map(|(entry, why)| format!("not imported: {}: {why}", refs::describe(&entry.object))),
    );
    Generated {
        text: document::text(outcome, origin),
        imports,
        notes: all_notes,
        skipped,
    }
}
