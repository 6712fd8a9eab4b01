//! The executable steps of a plan: one or two per change, the firewall attachment sets, and
//! the edges that order them (references first, deletes after what let go).

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Kind, Model, Resource, Spec, StateKey};

use crate::action::{Action, ResourceChange};
use crate::planner::{Current, Decision, IdIndex};
use crate::schema::firewall;
use crate::step::{Step, StepOp, UpdateOp};

use super::builder::{Builder, Role};
use super::dependencies;

/// What the step phases read.
struct Inputs<'x, 'a> {
    wanted: &'x [&'a Resource],
    current: &'x BTreeMap<&'a str, Current<'a>>,
    changes: &'x BTreeMap<String, ResourceChange>,
    decisions: &'x BTreeMap<String, Decision>,
    ids: &'x IdIndex,
    renewed: &'x BTreeSet<String>,
    /// Addresses a partial plan leaves as they are.
    outside: &'x BTreeSet<String>,
    /// `moved` blocks: new address -> old address.
    moves: &'x BTreeMap<String, String>,
}

/// The executable steps of a plan, in a valid order, with their edges.
#[allow(clippy::too_many_arguments)]
pub(crate) fn steps(
    _model: &Model,
    wanted: &[&Resource],
    current: &BTreeMap<&str, Current<'_>>,
    changes: &BTreeMap<String, ResourceChange>,
    decisions: &BTreeMap<String, Decision>,
    ids: &IdIndex,
    renewed: &BTreeSet<String>,
    moves: &BTreeMap<String, String>,
    outside: &BTreeSet<String>,
) -> Vec<Step> {
    let inputs = Inputs {
        wanted,
        current,
        changes,
        decisions,
        ids,
        renewed,
        outside,
        moves,
    };
    let mut b = Builder::with_capacity(changes.len());
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
                remote_id: remote_id.clone(),
            };
            b.add(&change.address, change.kind, Role::Move, op);
        }
    }
    for (address, change) in changes {
        change_steps(&mut b, &inputs, address, change);
    }
    firewall_attachments(&mut b, &inputs);
    reference_edges(&mut b, wanted);
    delete_edges(&mut b, current);

    let mut steps = b.steps;
    crate::ordering::add_edges(&mut steps, wanted, current, changes);
    super::order::order(steps)
}

/// The steps of one change.
fn change_steps(b: &mut Builder, inputs: &Inputs<'_, '_>, address: &str, change: &ResourceChange) {
    let kind = change.kind;
    let remote_id = change.remote_id.clone().unwrap_or_default();
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
    b: &mut Builder,
    key: &StateKey,
    kind: Kind,
    remote_id: String,
    ops: Vec<UpdateOp>,
) {
    let address = key.to_string();
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
    let release = b.get(&address, Role::Release);
    let update = b.get(&address, Role::Update);
    b.edge(release, update);
}

/// A replacement: delete and create, in the order the change decided (with the volumes
/// handed over between them when the create comes first).
fn replace_steps(
    b: &mut Builder,
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
        let volumes = crate::handover::volumes(
            address,
            inputs.wanted,
            inputs.current,
            inputs.ids,
            inputs.renewed,
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
fn firewall_attachments(b: &mut Builder, inputs: &Inputs<'_, '_>) {
    let Inputs {
        wanted,
        current,
        changes,
        ids,
        renewed,
        ..
    } = *inputs;
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in wanted {
        let address = r.address.to_string();
        // Neither recorded nor planned: blocked, it will not exist.
        if !current.contains_key(address.as_str()) && !changes.contains_key(&address) {
            continue;
        }
        if let Spec::Vm(vm) = &r.spec {
            for fw in &vm.firewalls {
                members
                    .entry(fw.to_string())
                    .or_default()
                    .push(r.address.to_string());
            }
        }
    }
    for r in wanted.iter().filter(|r| r.address.kind == Kind::Firewall) {
        let fw = r.address.to_string();
        let mut want: Vec<String> = members.get(&fw).cloned().unwrap_or_default();
        want.sort();
        want.dedup();
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
        want.retain(|vm| !inputs.outside.contains(vm));
        want.extend(
            have.iter()
                .filter(|vm| inputs.outside.contains(*vm))
                .cloned(),
        );
        want.sort();
        want.dedup();
        let fw_renewed = renewed.contains(&fw);
        let need = (fw_renewed && !want.is_empty())
            || (!fw_renewed && want != have)
            || want.iter().any(|vm| renewed.contains(vm));
        if !need {
            continue;
        }
        let attach = b.add(
            &r.address.clone().into(),
            Kind::Firewall,
            Role::Attach,
            StepOp::SyncFirewallAttachments { vms: want.clone() },
        );
        let fw_create = b.get(&fw, Role::Create);
        b.edge(fw_create, Some(attach));
        for vm in &want {
            let c = b.get(vm, Role::Create);
            let u = b.get(vm, Role::Update);
            b.edge(c, Some(attach));
            b.edge(u, Some(attach));
        }
    }
}

/// Creates and updates wait for what they reference to be created.
fn reference_edges(b: &mut Builder, wanted: &[&Resource]) {
    for r in wanted {
        let address = r.address.to_string();
        let create = b.get(&address, Role::Create);
        let update = b.get(&address, Role::Update);
        if create.is_none() && update.is_none() {
            continue;
        }
        for dep in dependencies(r) {
            let dep_create = b.get(&dep, Role::Create);
            b.edge(dep_create, create);
            b.edge(dep_create, update);
            // ... and for what they reference to settle.
            let dep_settle = b.get(&dep, Role::Settle);
            b.edge(dep_settle, create);
            b.edge(dep_settle, update);
        }
    }
}

/// Deletes wait for everything that depended on the deleted resource (per state) to be
/// deleted or to let go of it.
fn delete_edges(b: &mut Builder, current: &BTreeMap<&str, Current<'_>>) {
    for (address, cur) in current {
        for dep in &cur.state.dependencies {
            let Some(dep_delete) = b.get(dep, Role::Delete) else {
                continue;
            };
            let first = b
                .get(address, Role::Delete)
                .or_else(|| b.get(address, Role::Release))
                .or_else(|| b.get(address, Role::Update));
            b.edge(first, Some(dep_delete));
        }
    }
}
