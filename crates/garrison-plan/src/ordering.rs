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

use crate::graph::{Deps, Role, StepIndex};
use crate::planner::Current;
use crate::step::{Step, StepOp};

/// The updates (and settles) of the wanted resource at position `i`, in step order.
fn updates<'x>(ix: &'x StepIndex<'_, '_>, i: usize) -> impl Iterator<Item = usize> + 'x {
    [Role::Release, Role::Update, Role::Settle]
        .into_iter()
        .filter_map(move |role| ix.at(i, role))
}

/// The updates (and settles) at the key written `text`, in step order.
fn updates_at<'x>(ix: &'x StepIndex<'_, '_>, text: &'x str) -> impl Iterator<Item = usize> + 'x {
    [Role::Release, Role::Update, Role::Settle]
        .into_iter()
        .filter_map(move |role| ix.text(text, role))
}

/// The steps whose op matches, by the text of their key (few: moves, deletes), in text order;
/// the later step wins at one key.
fn by_text(steps: &[Step], op: impl Fn(&StepOp) -> bool) -> BTreeMap<String, usize> {
    steps
        .iter()
        .filter(|s| op(&s.op))
        .map(|s| (s.address.to_string(), s.id))
        .collect()
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
    ix: &StepIndex<'_, '_>,
    deps: &Deps<'_>,
    wanted: &[&Resource],
    current: &BTreeMap<&str, Current<'_>>,
    changes: &crate::planner::Changes,
) {
    moves_first(steps, ix, deps, wanted.len());
    same_name(steps, current, changes);
    for (i, r) in wanted.iter().enumerate() {
        if let Some(create) = ix.at(i, Role::Create) {
            for &dep in deps.of(i) {
                for update in updates(ix, dep) {
                    edge(steps, update, create);
                }
            }
        }
        let Some(delete) = ix.at(i, Role::Delete) else {
            continue;
        };
        let delete_first = changes
            .get(&r.address.to_string())
            .is_some_and(|c| !c.create_before_destroy);
        if !delete_first {
            continue;
        }
        for &dep in deps.of(i) {
            let Some(dep_create) = ix.at(dep, Role::Create) else {
                continue;
            };
            let dep_kind = steps[dep_create].kind;
            // The old dependency may go before its old dependent where the cloud allows it.
            let dropped = match ix.at(dep, Role::Delete) {
                Some(dep_delete) if deletable_in_use(dep_kind, r.address.kind) => {
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

fn moves_first(steps: &mut [Step], ix: &StepIndex<'_, '_>, deps: &Deps<'_>, wanted: usize) {
    if !ix.any(Role::Move) {
        return;
    }
    let moves = by_text(steps, |op| {
        matches!(op, StepOp::Move { .. } | StepOp::Import { .. })
    });
    for (to, &mv) in &moves {
        for update in updates_at(ix, to) {
            edge(steps, mv, update);
        }
    }
    for i in 0..wanted {
        let users: Vec<usize> = ix
            .at(i, Role::Create)
            .into_iter()
            .chain(updates(ix, i))
            .collect();
        for &dep in deps.of(i) {
            if let Some(mv) = ix.at(dep, Role::Move) {
                for &user in &users {
                    edge(steps, mv, user);
                }
            }
        }
    }
    let syncs: Vec<(usize, String, Vec<String>)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            StepOp::SyncFirewallAttachments { vms } => {
                Some((s.id, s.address.to_string(), vms.clone()))
            }
            _ => None,
        })
        .collect();
    for (sync, firewall, vms) in &syncs {
        for member in vms.iter().chain(std::iter::once(firewall)) {
            if let Some(&mv) = moves.get(member) {
                edge(steps, mv, *sync);
            }
        }
    }
}

fn same_name(
    steps: &mut [Step],
    current: &BTreeMap<&str, Current<'_>>,
    changes: &crate::planner::Changes,
) {
    let deletes = by_text(steps, |op| matches!(op, StepOp::Delete { .. }));
    let mut deleted: BTreeMap<(Kind, &str), Vec<(usize, &str)>> = BTreeMap::new();
    for (address, &delete) in &deletes {
        if let Some(cur) = current.get(address.as_str()) {
            deleted
                .entry((steps[delete].kind, cur.state.name.as_str()))
                .or_default()
                .push((delete, address.as_str()));
        }
    }
    if deleted.is_empty() {
        return;
    }
    let creates = by_text(steps, |op| matches!(op, StepOp::Create));
    for (address, &create) in &creates {
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
