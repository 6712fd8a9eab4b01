//! The executable steps of a plan: one or two per change, the firewall attachment sets, and
//! the edges that order them (references first, deletes after what let go).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use garrison_config::model::{Address, Kind, Model, Resource, Spec, StateKey};

use crate::action::{Action, ResourceChange};
use crate::planner::{Current, Decision, IdIndex};
use crate::schema::firewall;
use crate::step::{Step, StepOp, UpdateOp};

use super::builder::{Builder, Role};
use super::Deps;

/// What the step phases read.
struct Inputs<'x, 'a> {
    wanted: &'x [&'a Resource],
    deps: &'x Deps<'a>,
    current: &'x BTreeMap<&'a str, Current<'a>>,
    changes: &'x crate::planner::Changes,
    decisions: &'x BTreeMap<String, Decision>,
    ids: &'x IdIndex,
    /// Addresses a partial plan leaves as they are.
    outside: &'x BTreeSet<String>,
    /// `moved` blocks: new address -> old address.
    moves: &'x BTreeMap<String, String>,
}

/// The executable steps of a plan, in a valid order, with their edges.
#[allow(clippy::too_many_arguments)]
pub(crate) fn steps<'a>(
    _model: &Model,
    wanted: &[&'a Resource],
    deps: &Deps<'a>,
    current: &BTreeMap<&str, Current<'_>>,
    changes: &crate::planner::Changes,
    decisions: &BTreeMap<String, Decision>,
    ids: &IdIndex,
    moves: &BTreeMap<String, String>,
    outside: &BTreeSet<String>,
) -> Vec<Step> {
    let inputs = Inputs {
        wanted,
        deps,
        current,
        changes,
        decisions,
        ids,
        outside,
        moves,
    };
    let mut b = Builder::with_capacity(capacity(&inputs), wanted, deps);
    // Moves first: everything else at the new address uses the moved state entry.
    for (to, from) in moves {
        if let Some(change) = changes.get(to) {
            b.add(
                &change.address,
                change.kind,
                Role::Move,
                StepOp::Move { from: from.clone() },
            );
        }
    }
    // Imports too: the object is recorded before anything changes it.
    for change in changes.values() {
        if let Some(remote_id) = &change.imported {
            let op = StepOp::Import {
                remote_id: remote_id.to_string(),
            };
            b.add(&change.address, change.kind, Role::Move, op);
        }
    }
    for (address, change) in changes.iter() {
        change_steps(&mut b, &inputs, address, change);
    }
    firewall_attachments(&mut b, &inputs);
    reference_edges(&mut b, deps, wanted.len());
    delete_edges(&mut b, current);

    let Builder { mut steps, index } = b;
    crate::ordering::add_edges(&mut steps, &index, deps, wanted, current, changes);
    drop(index);
    super::order::order(steps)
}

/// How many steps the phases below add at most, so the step list is sized once (a plan of
/// 100k creates doubled it to room for 200k when the firewall steps came last:
/// docs/performance.md, "B1 at 100k: the plan phase, second round").
fn capacity(inputs: &Inputs<'_, '_>) -> usize {
    let per_change: usize = inputs
        .changes
        .values()
        .map(|c| {
            let own = match c.action {
                Action::NoOp => 0,
                Action::Create | Action::Delete | Action::Forget | Action::Wait => 1,
                Action::Update => 2,
                Action::Replace => 3,
            };
            own + usize::from(c.imported.is_some())
        })
        .sum();
    let firewalls = inputs
        .wanted
        .iter()
        .filter(|r| r.address.kind == Kind::Firewall)
        .count();
    per_change + inputs.moves.len() + firewalls
}

/// The steps of one change.
fn change_steps(
    b: &mut Builder<'_, '_>,
    inputs: &Inputs<'_, '_>,
    address: &str,
    change: &ResourceChange,
) {
    let kind = change.kind;
    let remote_id = change.remote_id.as_deref().unwrap_or_default().to_string();
    match change.action {
        Action::NoOp => {}
        Action::Create => {
            b.add(&change.address, kind, Role::Create, StepOp::Create);
        }
        Action::Update => {
            let ops = inputs
                .decisions
                .get(address)
                .map(|d| d.ops.clone())
                .unwrap_or_default();
            update_steps(b, &change.address, kind, remote_id, ops);
        }
        Action::Replace => replace_steps(b, inputs, address, change, remote_id),
        Action::Delete => {
            b.add(
                &change.address,
                kind,
                Role::Delete,
                StepOp::Delete { remote_id },
            );
        }
        Action::Forget => {
            b.add(&change.address, kind, Role::Forget, StepOp::Forget);
        }
        Action::Wait => {
            b.add(
                &change.address,
                kind,
                Role::Settle,
                StepOp::Settle { remote_id },
            );
        }
    }
}

/// An update: the ops that let go of other resources first (their own step), then the rest.
fn update_steps(
    b: &mut Builder<'_, '_>,
    key: &StateKey,
    kind: Kind,
    remote_id: String,
    ops: Vec<UpdateOp>,
) {
    let (release, rest): (Vec<UpdateOp>, Vec<UpdateOp>) =
        ops.into_iter().partition(UpdateOp::is_release);
    if !release.is_empty() {
        b.add(
            key,
            kind,
            Role::Release,
            StepOp::Update {
                remote_id: remote_id.clone(),
                ops: release,
            },
        );
    }
    if !rest.is_empty() {
        b.add(
            key,
            kind,
            Role::Update,
            StepOp::Update {
                remote_id,
                ops: rest,
            },
        );
    }
    let release = b.index.key(key, Role::Release);
    let update = b.index.key(key, Role::Update);
    b.edge(release, update);
}

/// A replacement: delete and create, in the order the change decided (with the volumes
/// handed over between them when the create comes first).
fn replace_steps(
    b: &mut Builder<'_, '_>,
    inputs: &Inputs<'_, '_>,
    address: &str,
    change: &ResourceChange,
    remote_id: String,
) {
    let kind = change.kind;
    let old_id = remote_id.clone();
    let delete = b.add(
        &change.address,
        kind,
        Role::Delete,
        StepOp::Delete { remote_id },
    );
    let create = b.add(&change.address, kind, Role::Create, StepOp::Create);
    if change.create_before_destroy {
        b.steps[create].create_before_destroy = true;
        b.steps[delete].create_before_destroy = true;
        b.edge(Some(create), Some(delete));
        let resource = change
            .address
            .live()
            .and_then(|a| inputs.deps.position(a))
            .map(|i| inputs.wanted[i]);
        let volumes = crate::handover::volumes(
            address,
            resource,
            inputs.current,
            inputs.ids,
            inputs.changes,
        );
        if !volumes.is_empty() {
            let hand_over = b.add(
                &change.address,
                kind,
                Role::HandOver,
                StepOp::HandOverVolumes {
                    from_remote_id: old_id,
                    volumes,
                },
            );
            b.edge(Some(create), Some(hand_over));
            b.edge(Some(hand_over), Some(delete));
        }
    } else {
        b.edge(Some(delete), Some(create));
    }
}

/// Firewall attachment sets: the API replaces the whole set, so one step per firewall
/// sets it once every VM in it exists.
fn firewall_attachments(b: &mut Builder<'_, '_>, inputs: &Inputs<'_, '_>) {
    let mut members = members(inputs);
    for r in inputs
        .wanted
        .iter()
        .filter(|r| r.address.kind == Kind::Firewall)
    {
        let joining = members.remove(&r.address).unwrap_or_default();
        let Some(want) = attachment_set(inputs, r, joining) else {
            continue;
        };
        // A VM of the config is found by position; one only the state names, by its text.
        let users: Vec<(Option<usize>, Option<usize>)> = want
            .iter()
            .map(|(vm, i)| match i {
                Some(i) => (b.index.at(*i, Role::Create), b.index.at(*i, Role::Update)),
                None => (
                    b.index.text(vm, Role::Create),
                    b.index.text(vm, Role::Update),
                ),
            })
            .collect();
        let vms = want.into_iter().map(|(vm, _)| vm).collect();
        let attach = b.add(
            &r.address.clone().into(),
            Kind::Firewall,
            Role::Attach,
            StepOp::SyncFirewallAttachments { vms },
        );
        let fw_create = b.index.address(&r.address, Role::Create);
        b.edge(fw_create, Some(attach));
        for (c, u) in users {
            b.edge(c, Some(attach));
            b.edge(u, Some(attach));
        }
    }
}

/// The VMs of the config in each firewall (address text, position in `wanted`), by firewall.
fn members<'a>(inputs: &Inputs<'_, 'a>) -> HashMap<&'a Address, Vec<(String, Option<usize>)>> {
    let mut members: HashMap<&Address, Vec<(String, Option<usize>)>> = HashMap::new();
    for (i, r) in inputs.wanted.iter().enumerate() {
        let Spec::Vm(vm) = &r.spec else {
            continue;
        };
        if vm.firewalls.is_empty() {
            continue;
        }
        let address = r.address.to_string();
        // Neither recorded nor planned: blocked, it will not exist.
        if !inputs.current.contains_key(address.as_str()) && !inputs.changes.contains_key(&address)
        {
            continue;
        }
        for fw in &vm.firewalls {
            members
                .entry(fw)
                .or_default()
                .push((address.clone(), Some(i)));
        }
    }
    members
}

/// The VMs firewall `r` is to be attached to (address text, position in `wanted` when the
/// config has it), sorted; `None` when its set stays as it is.
fn attachment_set(
    inputs: &Inputs<'_, '_>,
    r: &Resource,
    mut want: Vec<(String, Option<usize>)>,
) -> Option<Vec<(String, Option<usize>)>> {
    let Inputs {
        current,
        changes,
        ids,
        ..
    } = *inputs;
    let fw = r.address.to_string();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    want.dedup_by(|a, b| a.0 == b.0);
    // A firewall moved by this plan is recorded at its old address until the move.
    let recorded = current.get(fw.as_str()).or_else(|| {
        let from = inputs.moves.get(&fw)?;
        current.get(from.as_str())
    });
    let observed = recorded.and_then(|c| c.observed.as_ref());
    // VMs Garrison does not manage stay attached (apply keeps them in the set): only
    // the managed members are compared.
    let mut have = ids.managed_addresses_of(
        Kind::Vm,
        observed.and_then(|o| o.get(firewall::ATTACHED_VMS)),
    );
    have.sort();
    // A VM deleted by this plan leaves the firewall with its delete: no extra call (U5).
    have.retain(|vm| {
        !changes
            .get(vm)
            .is_some_and(|c| matches!(c.action, Action::Delete | Action::Forget))
    });
    // A partial plan leaves the VMs outside it as they are: attached ones stay
    // attached, others do not join yet.
    want.retain(|(vm, _)| !inputs.outside.contains(vm));
    want.extend(
        have.iter()
            .filter(|vm| inputs.outside.contains(*vm))
            .map(|vm| (vm.clone(), None)),
    );
    want.sort_by(|a, b| a.0.cmp(&b.0));
    want.dedup_by(|a, b| a.0 == b.0);
    let fw_renewed = changes.renewed(&fw);
    let same = want.len() == have.len() && want.iter().zip(&have).all(|((w, _), h)| w == h);
    let need = (fw_renewed && !want.is_empty())
        || (!fw_renewed && !same)
        || want.iter().any(|(vm, _)| changes.renewed(vm));
    need.then_some(want)
}

/// Creates and updates wait for what they reference to be created.
fn reference_edges(b: &mut Builder<'_, '_>, deps: &Deps<'_>, wanted: usize) {
    for i in 0..wanted {
        let create = b.index.at(i, Role::Create);
        let update = b.index.at(i, Role::Update);
        if create.is_none() && update.is_none() {
            continue;
        }
        for &dep in deps.of(i) {
            let dep_create = b.index.at(dep, Role::Create);
            b.edge(dep_create, create);
            b.edge(dep_create, update);
            // ... and for what they reference to settle.
            let dep_settle = b.index.at(dep, Role::Settle);
            b.edge(dep_settle, create);
            b.edge(dep_settle, update);
        }
    }
}

/// Deletes wait for everything that depended on the deleted resource (per state) to be
/// deleted or to let go of it.
fn delete_edges(b: &mut Builder<'_, '_>, current: &BTreeMap<&str, Current<'_>>) {
    if !b.index.any(Role::Delete) {
        return;
    }
    for (address, cur) in current {
        for dep in &cur.state.dependencies {
            let Some(dep_delete) = b.index.text(dep, Role::Delete) else {
                continue;
            };
            let first = b
                .index
                .text(address, Role::Delete)
                .or_else(|| b.index.text(address, Role::Release))
                .or_else(|| b.index.text(address, Role::Update));
            b.edge(first, Some(dep_delete));
        }
    }
}
