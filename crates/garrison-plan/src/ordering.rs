//! Ordering rules beyond "what a resource references is created first":
//! - a moved state entry moves before anything touches its new address or uses its id (D7);
//! - a create waits for the delete of an object of the same kind and cloud name: the cloud
//!   refuses two at once, so they never run in parallel (D7);
//! - a create waits for the in-place updates of what it references: a snapshot is taken once
//!   its VM's power change is done (C4);
//! - a dependent replaced delete-first is deleted only once its new dependency exists, so a
//!   failed rebuild never leaves the dependents deleted (C5).
//!
//! Every edge is added only when it closes no cycle.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Kind, Resource};

use crate::action::ResourceChange;
use crate::graph::dependencies;
use crate::planner::Current;
use crate::step::{Step, StepOp};

/// Step ids by address and what they do.
#[derive(Default)]
struct Index {
    moves: BTreeMap<String, usize>,
    creates: BTreeMap<String, usize>,
    deletes: BTreeMap<String, usize>,
    updates: BTreeMap<String, Vec<usize>>,
    syncs: Vec<(usize, String, Vec<String>)>,
}

impl Index {
    fn new(steps: &[Step]) -> Self {
        let mut ix = Index::default();
        for s in steps {
            let at = s.address.to_string();
            match &s.op {
                StepOp::Move { .. } | StepOp::Import { .. } => drop(ix.moves.insert(at, s.id)),
                StepOp::Create => drop(ix.creates.insert(at, s.id)),
                StepOp::Delete { .. } => drop(ix.deletes.insert(at, s.id)),
                StepOp::Update { .. } | StepOp::Settle { .. } => {
                    ix.updates.entry(at).or_default().push(s.id)
                }
                StepOp::SyncFirewallAttachments { vms } => ix.syncs.push((s.id, at, vms.clone())),
                StepOp::Forget | StepOp::HandOverVolumes { .. } => {}
            }
        }
        ix
    }

    fn updates(&self, address: &str) -> impl Iterator<Item = usize> + '_ {
        self.updates.get(address).into_iter().flatten().copied()
    }
}

/// Whether `before` may go before `after` without closing a cycle (`before` must not
/// already wait, transitively, for `after`).
fn acyclic(steps: &[Step], before: usize, after: usize) -> bool {
    let mut stack = vec![before];
    let mut seen = BTreeSet::new();
    while let Some(at) = stack.pop() {
        if at == after {
            return false;
        }
        if seen.insert(at) {
            stack.extend(steps[at].after.iter().copied());
        }
    }
    true
}

/// Adds `before -> after` when it is new and closes no cycle; says whether it is there now.
fn edge(steps: &mut [Step], before: usize, after: usize) -> bool {
    if before == after || steps[after].after.contains(&before) {
        return before != after;
    }
    if !acyclic(steps, before, after) {
        return false;
    }
    steps[after].after.push(before);
    true
}

/// Whether the cloud deletes an object of `kind` while a `dependent` still uses it (an image
/// VMs booted from, the snapshot of an image, the VM of a snapshot, a startup script).
fn deletable_in_use(kind: Kind, dependent: Kind) -> bool {
    matches!(
        (kind, dependent),
        (Kind::Image, _) | (Kind::Snapshot, Kind::Image) | (Kind::Vm, Kind::Snapshot)
    ) || (kind == Kind::Script && dependent == Kind::Vm)
}

/// Adds the edges of the rules above to `steps` (ids are indexes, before renumbering).
pub(crate) fn add_edges(
    steps: &mut [Step],
    wanted: &[&Resource],
    current: &BTreeMap<&str, Current<'_>>,
    changes: &BTreeMap<String, ResourceChange>,
) {
    let ix = Index::new(steps);
    moves_first(steps, &ix, wanted);
    same_name(steps, &ix, current, changes);
    for r in wanted {
        let address = r.address.to_string();
        let deps = dependencies(r);
        if let Some(&create) = ix.creates.get(&address) {
            for dep in &deps {
                for update in ix.updates(dep) {
                    edge(steps, update, create);
                }
            }
        }
        let delete_first = changes
            .get(&address)
            .is_some_and(|c| !c.create_before_destroy);
        let (Some(&delete), true) = (ix.deletes.get(&address), delete_first) else {
            continue;
        };
        for dep in &deps {
            let Some(&dep_create) = ix.creates.get(dep) else {
                continue;
            };
            let dep_kind = steps[dep_create].kind;
            // The old dependency may go before its old dependent where the cloud allows it.
            let dropped = match ix.deletes.get(dep) {
                Some(&dep_delete) if deletable_in_use(dep_kind, r.address.kind) => {
                    let had = steps[dep_delete].after.contains(&delete);
                    steps[dep_delete].after.retain(|&a| a != delete);
                    had.then_some(dep_delete)
                }
                _ => None,
            };
            if !edge(steps, dep_create, delete) {
                if let Some(dep_delete) = dropped {
                    steps[dep_delete].after.push(delete);
                }
            }
        }
    }
}

fn moves_first(steps: &mut [Step], ix: &Index, wanted: &[&Resource]) {
    for (to, &mv) in &ix.moves {
        for update in ix.updates(to) {
            edge(steps, mv, update);
        }
    }
    for r in wanted {
        let address = r.address.to_string();
        let users: Vec<usize> = ix
            .creates
            .get(&address)
            .copied()
            .into_iter()
            .chain(ix.updates(&address))
            .collect();
        for dep in dependencies(r) {
            if let Some(&mv) = ix.moves.get(&dep) {
                for &user in &users {
                    edge(steps, mv, user);
                }
            }
        }
    }
    for (sync, firewall, vms) in &ix.syncs {
        for member in vms.iter().chain(std::iter::once(firewall)) {
            if let Some(&mv) = ix.moves.get(member) {
                edge(steps, mv, *sync);
            }
        }
    }
}

fn same_name(
    steps: &mut [Step],
    ix: &Index,
    current: &BTreeMap<&str, Current<'_>>,
    changes: &BTreeMap<String, ResourceChange>,
) {
    let mut deleted: BTreeMap<(Kind, &str), Vec<(usize, &str)>> = BTreeMap::new();
    for (address, &delete) in &ix.deletes {
        if let Some(cur) = current.get(address.as_str()) {
            deleted
                .entry((steps[delete].kind, cur.state.name.as_str()))
                .or_default()
                .push((delete, address.as_str()));
        }
    }
    for (address, &create) in &ix.creates {
        let Some(change) = changes.get(address) else {
            continue;
        };
        let key = (change.kind, change.name.as_str());
        for &(delete, at) in deleted.get(&key).into_iter().flatten() {
            if at != address {
                edge(steps, delete, create);
            }
        }
    }
}
