//! The dependency graph (petgraph): config order for planning, and the step graph for apply.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use garrison_config::model::{Kind, Model, Resource, Spec};
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::action::{Action, ResourceChange};
use crate::planner::{Current, Decision, IdIndex};
use crate::schema::firewall;
use crate::step::{Step, StepOp, UpdateOp};

/// Every resource instance a resource depends on: its references and `depends-on`.
pub fn dependencies(resource: &Resource) -> BTreeSet<String> {
    resource
        .refs
        .iter()
        .chain(&resource.depends_on)
        .map(|edge| edge.target.to_string())
        .filter(|t| *t != resource.address.to_string())
        .collect()
}

/// Indexes of `wanted` in dependency order (dependencies first), or the cycle as text
/// (`a -> b -> a`).
pub(crate) fn config_order(wanted: &[&Resource]) -> Result<Vec<usize>, String> {
    let index: HashMap<String, usize> = wanted
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.to_string(), i))
        .collect();
    let mut graph = DiGraph::<usize, ()>::with_capacity(wanted.len(), wanted.len() * 2);
    let nodes: Vec<NodeIndex> = (0..wanted.len()).map(|i| graph.add_node(i)).collect();
    for (i, resource) in wanted.iter().enumerate() {
        for dep in dependencies(resource) {
            if let Some(&j) = index.get(&dep) {
                graph.add_edge(nodes[j], nodes[i], ());
            }
        }
    }
    match toposort(&graph, None) {
        Ok(order) => Ok(order.into_iter().map(|n| graph[n]).collect()),
        Err(cycle) => {
            let start = graph[cycle.node_id()];
            Err(describe_cycle(wanted, &index, start))
        }
    }
}

fn describe_cycle(wanted: &[&Resource], index: &HashMap<String, usize>, start: usize) -> String {
    // Walk dependencies from `start` until a node repeats.
    let mut path = vec![start];
    let mut seen = BTreeSet::from([start]);
    let mut at = start;
    loop {
        let next = dependencies(wanted[at])
            .into_iter()
            .filter_map(|d| index.get(&d).copied())
            .find(|&j| reaches(wanted, index, j, start) || j == start);
        match next {
            Some(j) if seen.contains(&j) => {
                path.push(j);
                break;
            }
            Some(j) => {
                seen.insert(j);
                path.push(j);
                at = j;
            }
            None => break,
        }
    }
    path.iter()
        .map(|&i| wanted[i].address.to_string())
        .collect::<Vec<_>>()
        .join(" -> ")
}

fn reaches(wanted: &[&Resource], index: &HashMap<String, usize>, from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(at) = stack.pop() {
        if at == to {
            return true;
        }
        if seen.insert(at) {
            stack.extend(
                dependencies(wanted[at])
                    .iter()
                    .filter_map(|d| index.get(d).copied()),
            );
        }
    }
    false
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Role {
    Create,
    Delete,
    Release,
    Update,
    Forget,
    Attach,
    Move,
    Settle,
    HandOver,
}

#[derive(Default)]
struct Builder {
    steps: Vec<Step>,
    index: HashMap<(String, Role), usize>,
}

impl Builder {
    fn add(&mut self, address: &str, kind: Kind, role: Role, op: StepOp) -> usize {
        let id = self.steps.len();
        self.steps.push(Step {
            id,
            address: address.to_string(),
            kind,
            op,
            after: Vec::new(),
        });
        self.index.insert((address.to_string(), role), id);
        id
    }

    fn get(&self, address: &str, role: Role) -> Option<usize> {
        self.index.get(&(address.to_string(), role)).copied()
    }

    fn edge(&mut self, before: Option<usize>, after: Option<usize>) {
        if let (Some(b), Some(a)) = (before, after) {
            if a != b && !self.steps[a].after.contains(&b) {
                self.steps[a].after.push(b);
            }
        }
    }
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
) -> Vec<Step> {
    let mut b = Builder::default();
    // Moves first: everything else at the new address uses the moved state entry.
    for (to, from) in moves {
        if let Some(change) = changes.get(to) {
            b.add(
                to,
                change.kind,
                Role::Move,
                StepOp::Move { from: from.clone() },
            );
        }
    }
    for (address, change) in changes {
        let kind = change.kind;
        let remote_id = change.remote_id.clone().unwrap_or_default();
        match change.action {
            Action::NoOp => {}
            Action::Create => {
                b.add(address, kind, Role::Create, StepOp::Create);
            }
            Action::Update => {
                let ops = decisions
                    .get(address)
                    .map(|d| d.ops.clone())
                    .unwrap_or_default();
                let (release, rest): (Vec<UpdateOp>, Vec<UpdateOp>) =
                    ops.into_iter().partition(UpdateOp::is_release);
                if !release.is_empty() {
                    b.add(
                        address,
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
                        address,
                        kind,
                        Role::Update,
                        StepOp::Update {
                            remote_id,
                            ops: rest,
                        },
                    );
                }
                let release = b.get(address, Role::Release);
                let update = b.get(address, Role::Update);
                b.edge(release, update);
            }
            Action::Replace => {
                let old_id = remote_id.clone();
                let delete = b.add(address, kind, Role::Delete, StepOp::Delete { remote_id });
                let create = b.add(address, kind, Role::Create, StepOp::Create);
                if change.create_before_destroy {
                    b.edge(Some(create), Some(delete));
                    let volumes = crate::handover::volumes(address, wanted, current, ids, renewed);
                    if !volumes.is_empty() {
                        let hand_over = b.add(
                            address,
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
            Action::Delete => {
                b.add(address, kind, Role::Delete, StepOp::Delete { remote_id });
            }
            Action::Forget => {
                b.add(address, kind, Role::Forget, StepOp::Forget);
            }
            Action::Wait => {
                b.add(address, kind, Role::Settle, StepOp::Settle { remote_id });
            }
        }
    }

    // Firewall attachment sets: the API replaces the whole set, so one step per firewall
    // sets it once every VM in it exists.
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
        let observed = current.get(fw.as_str()).and_then(|c| c.observed.as_ref());
        let mut have = ids.addresses_of(
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
        let fw_renewed = renewed.contains(&fw);
        let need = (fw_renewed && !want.is_empty())
            || (!fw_renewed && want != have)
            || want.iter().any(|vm| renewed.contains(vm));
        if !need {
            continue;
        }
        let attach = b.add(
            &fw,
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

    // Creates and updates wait for what they reference to be created.
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

    // Deletes wait for everything that depended on the deleted resource (per state) to be
    // deleted or to let go of it.
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

    let mut steps = b.steps;
    crate::ordering::add_edges(&mut steps, wanted, current, changes);
    order(steps)
}

/// Renumbers steps in a topological order (ties by address). A cycle here would be a
/// planner bug; the steps are then returned as built and the executor reports it.
fn order(steps: Vec<Step>) -> Vec<Step> {
    let mut graph = DiGraph::<usize, ()>::with_capacity(steps.len(), steps.len());
    let nodes: Vec<NodeIndex> = (0..steps.len()).map(|i| graph.add_node(i)).collect();
    for step in &steps {
        for &before in &step.after {
            graph.add_edge(nodes[before], nodes[step.id], ());
        }
    }
    let Ok(sorted) = toposort(&graph, None) else {
        return steps;
    };
    let new_id: HashMap<usize, usize> = sorted
        .iter()
        .enumerate()
        .map(|(new, n)| (graph[*n], new))
        .collect();
    let mut out: Vec<Step> = steps
        .into_iter()
        .map(|mut s| {
            s.id = new_id[&s.id];
            s.after = s.after.iter().map(|a| new_id[a]).collect();
            s.after.sort_unstable();
            s
        })
        .collect();
    out.sort_by_key(|s| s.id);
    out
}
