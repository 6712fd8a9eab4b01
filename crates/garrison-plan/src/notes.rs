//! What apply does besides each resource's own change (U5, C4): sleeping VMs woken (and
//! billed) for a volume, a firewall or a snapshot, firewall attachment sets rewritten, a
//! firewall detached before its delete. One line each, so a plan hides nothing apply does.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Kind, Power, Resource, Spec};
use serde_json::Value;

use crate::action::Action;
use crate::cost::hourly;
use crate::desired::{self, Attrs};
use crate::planner::{Current, IdIndex};
use crate::remote::Prices;
use crate::schema::{firewall, vm};
use crate::step::{Step, StepOp, UpdateOp};

/// Seconds to wake a VM of this power and put it back (the contract's life-cycle delays).
fn wake_seconds(power: Power) -> u64 {
    match power {
        Power::Hibernated => 20 + 20,
        Power::Stopped => 10 + 10,
        Power::Running => 0,
    }
}

fn power_in(attrs: Option<&Attrs>) -> Option<Power> {
    attrs?.get(vm::POWER)?.as_str()?.parse().ok()
}

/// Everything the notes need to know.
pub(crate) struct Inputs<'a> {
    pub(crate) steps: &'a [Step],
    pub(crate) wanted: &'a [&'a Resource],
    /// `wanted` by address.
    pub(crate) deps: &'a crate::graph::Deps<'a>,
    pub(crate) current: &'a BTreeMap<&'a str, Current<'a>>,
    pub(crate) changes: &'a crate::planner::Changes,
    pub(crate) ids: &'a IdIndex,
    pub(crate) prices: Option<&'a Prices>,
    /// `wanted` by address, built at the first lookup (a scan per lookup made plans of
    /// many VMs quadratic).
    pub(crate) by_address: std::cell::OnceCell<std::collections::HashMap<String, &'a Resource>>,
}

impl<'a> Inputs<'a> {
    fn resource(&self, address: &str) -> Option<&'a Resource> {
        self.by_address
            .get_or_init(|| {
                self.wanted
                    .iter()
                    .map(|r| (r.address.to_string(), *r))
                    .collect()
            })
            .get(address)
            .copied()
    }

    fn observed(&self, address: &str) -> Option<&Attrs> {
        let cur = self.current.get(address).or_else(|| {
            // A moved VM: its observed attributes are at the address it moved from.
            let from = self.changes.get(address)?.moved_from.as_deref()?;
            self.current.get(from)
        })?;
        cur.observed.as_ref()
    }

    /// `vm` stays asleep after the plan (`Some(power)`), so apply wakes it for `why`.
    fn asleep_after(&self, vm_address: &str) -> Option<Power> {
        let want = self.resource(vm_address).and_then(|r| match &r.spec {
            Spec::Vm(spec) => Some(spec.power),
            _ => None,
        })?;
        (want != Power::Running).then_some(want)
    }

    fn wake(&self, vm_address: &str, power: Power, why: &str) -> String {
        let seconds = wake_seconds(power) + 10;
        let minutes = seconds.div_ceil(60);
        let again = power.as_str();
        let cost = self
            .prices
            .zip(self.resource(vm_address))
            .map(|(prices, r)| {
                let mut attrs = desired::desired(r);
                attrs.insert(vm::POWER.into(), Value::String("running".into()));
                hourly(Kind::Vm, &attrs, prices) * minutes as f64 / 60.0
            });
        let cost = cost.map_or_else(|| "cost unknown".to_string(), |c| format!("+${c:.2}"));
        format!(
            "~ {vm_address} will be woken {why}, then {again} again ({cost} for about {minutes} min)"
        )
    }
}

/// The notes of a plan, in step order.
pub(crate) fn notes(inputs: &Inputs<'_>) -> Vec<String> {
    let mut out = Vec::new();
    // One scan of the config instead of a lookup per created or updated resource.
    let checks_after = inputs.wanted.iter().any(|r| checked_after_apply(r));
    for step in inputs.steps {
        // Most steps note nothing: found by position, their address is written only for a note.
        let resource = || {
            let i = inputs.deps.position(step.address.live()?)?;
            inputs.wanted.get(i).copied()
        };
        let checked = || if checks_after { resource() } else { None };
        match &step.op {
            StepOp::Create if step.kind != Kind::Snapshot => {
                after_apply(&step.address, checked(), true, &mut out);
                continue;
            }
            StepOp::Update { .. } if step.kind != Kind::Vm => {
                after_apply(&step.address, checked(), false, &mut out);
                continue;
            }
            _ => {}
        }
        let address = step.address.to_string();
        match &step.op {
            StepOp::Update { ops, .. } if step.kind == Kind::Vm => {
                volume_wake(inputs, &address, ops, &mut out);
                after_apply(&address, checked(), false, &mut out);
            }
            StepOp::SyncFirewallAttachments { vms } => {
                firewall_sync(inputs, &address, vms, &mut out);
            }
            StepOp::HandOverVolumes { volumes, .. } => {
                hand_over(inputs, &address, volumes, &mut out);
            }
            StepOp::Create => {
                snapshot_wake(inputs, &address, resource(), &mut out);
                after_apply(&address, checked(), true, &mut out);
            }
            StepOp::Delete { .. } if step.kind == Kind::Firewall => {
                // VMs deleted by this plan let go of it by themselves first.
                let attached: BTreeSet<String> = attached(inputs, &address)
                    .into_iter()
                    .filter(|vm| {
                        !inputs
                            .changes
                            .get(vm)
                            .is_some_and(|c| matches!(c.action, Action::Delete | Action::Replace))
                    })
                    .collect();
                if !attached.is_empty() {
                    out.push(format!(
                        "~ {} is detached from {} before its delete",
                        step.address,
                        join(&attached)
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// What a create (`created`) or an update of the config's `resource` at `address` runs
/// locally before it counts as done: a VM's `ready-when` command (creates only), the
/// resource's postconditions.
/// Whether `resource` is checked after its create or update (the notes of [`after_apply`]).
fn checked_after_apply(resource: &Resource) -> bool {
    !resource.postconditions.is_empty()
        || matches!(&resource.spec, Spec::Vm(vm) if vm.ready_when.is_some())
}

fn after_apply(
    address: &dyn std::fmt::Display,
    resource: Option<&Resource>,
    created: bool,
    out: &mut Vec<String>,
) {
    let Some(resource) = resource else {
        return;
    };
    if let (true, Spec::Vm(vm)) = (created, &resource.spec) {
        if let Some(r) = &vm.ready_when {
            out.push(format!(
                "~ {address} is created only once its `ready-when` command succeeds (run every {}s, for up to {}s)",
                r.interval_secs, r.timeout_secs
            ));
        }
    }
    let n = resource.postconditions.len();
    if n > 0 {
        let what = if created { "create" } else { "update" };
        let s = if n == 1 { "" } else { "s" };
        out.push(format!(
            "~ {address}: {n} postcondition{s} checked after its {what}"
        ));
    }
}

fn join(items: &BTreeSet<String>) -> String {
    items.iter().cloned().collect::<Vec<_>>().join(", ")
}

fn volume_wake(inputs: &Inputs<'_>, address: &str, ops: &[UpdateOp], out: &mut Vec<String>) {
    let mut what = Vec::new();
    for op in ops {
        match op {
            UpdateOp::AttachVolumes { volumes } => {
                what.push(format!("to attach {}", volumes.join(", ")));
            }
            UpdateOp::DetachVolumes { volume_ids } => {
                let names: Vec<String> = volume_ids
                    .iter()
                    .map(|id| inputs.ids.address(Kind::Volume, id))
                    .collect();
                what.push(format!("to detach {}", names.join(", ")));
            }
            UpdateOp::SetPower {
                to: Power::Running, ..
            } => return,
            _ => {}
        }
    }
    if what.is_empty() {
        return;
    }
    let now = power_in(inputs.observed(address));
    if let (Some(now), Some(_)) = (
        now.filter(|p| *p != Power::Running),
        inputs.asleep_after(address),
    ) {
        out.push(inputs.wake(address, now, &what.join(" and ")));
    }
}

/// VM addresses attached to a firewall now.
fn attached(inputs: &Inputs<'_>, firewall: &str) -> BTreeSet<String> {
    let list = inputs
        .observed(firewall)
        .and_then(|o| o.get(firewall::ATTACHED_VMS));
    inputs
        .ids
        .addresses_of(Kind::Vm, list)
        .into_iter()
        .collect()
}

fn firewall_sync(inputs: &Inputs<'_>, fw: &str, vms: &[String], out: &mut Vec<String>) {
    let have = if inputs
        .changes
        .get(fw)
        .is_some_and(|c| matches!(c.action, Action::Create | Action::Replace))
    {
        BTreeSet::new()
    } else {
        attached(inputs, fw)
    };
    let want: BTreeSet<String> = vms.iter().cloned().collect();
    let joins: BTreeSet<String> = want.difference(&have).cloned().collect();
    let leaves: BTreeSet<String> = have.difference(&want).cloned().collect();
    let mut line = format!("~ {fw} attachments set to [{}]", join(&want));
    let mut parts = Vec::new();
    if !joins.is_empty() {
        parts.push(format!("joining: {}", join(&joins)));
    }
    if !leaves.is_empty() {
        parts.push(format!("leaving: {}", join(&leaves)));
    }
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join("; ")));
    }
    out.push(line);
    for vm_address in &joins {
        // A VM created by this plan joins while it is still ACTIVE (in its create).
        let created = inputs
            .changes
            .get(vm_address)
            .is_some_and(|c| matches!(c.action, Action::Create | Action::Replace));
        if created {
            continue;
        }
        // Asked only of a sleeping VM: a lookup by address text indexes every resource.
        let Some(now) = power_in(inputs.observed(vm_address)).filter(|p| *p != Power::Running)
        else {
            continue;
        };
        if inputs.asleep_after(vm_address).is_some() {
            out.push(inputs.wake(vm_address, now, &format!("to join {fw}")));
        }
    }
}

/// The snapshot `resource` at `snapshot` wakes its VM when the VM stays asleep.
fn snapshot_wake(
    inputs: &Inputs<'_>,
    snapshot: &str,
    resource: Option<&Resource>,
    out: &mut Vec<String>,
) {
    let Some(Spec::Snapshot(spec)) = resource.map(|r| &r.spec) else {
        return;
    };
    // The VM by position: its address is written only for a note.
    let vm = inputs
        .deps
        .position(&spec.vm)
        .and_then(|i| inputs.wanted.get(i));
    let Some(Spec::Vm(vm)) = vm.map(|r| &r.spec) else {
        return;
    };
    if vm.power != Power::Running {
        let vm_address = spec.vm.to_string();
        out.push(inputs.wake(&vm_address, vm.power, &format!("for {snapshot}")));
    }
}

fn hand_over(inputs: &Inputs<'_>, address: &str, volumes: &[String], out: &mut Vec<String>) {
    let them = if volumes.len() == 1 { "it" } else { "them" };
    out.push(format!(
        "~ {address} (new) gets {} once it exists: detached from the old VM, then attached to the new one (the new VM is without {them} until then); the old VM is deleted after",
        volumes.join(", ")
    ));
    if power_in(inputs.observed(address)).is_some_and(|p| p != Power::Running) {
        out.push(format!(
            "~ the old {address} is woken to let go of {them} (it is deleted next)"
        ));
    }
}
