//! The GUESSED (or only inferred) API behaviours the emulator models and a plan's steps
//! rely on (docs/api.md, /work/shared/barrack-api.md): a rehearsal that passed on a guess
//! says so.

use std::collections::BTreeSet;

use garrison_core::Kind;
use garrison_plan::{Plan, StepOp, UpdateOp};

const DELAYS: &str = "life-cycle durations are the emulator's (docs/sim.md), not measured on Barrack: the predicted times rest on them";
const FIREWALL_ATTACH: &str = "a firewall attach REPLACES the whole attachment set, and only ACTIVE VMs can join (inferred from Hyperstack)";
const VOLUME_ATTACH: &str =
    "a volume attaches to one VM at a time, only while the VM is ACTIVE (inferred from Hyperstack)";
const SNAPSHOT: &str = "a snapshot needs an ACTIVE VM, and an image a SUCCESS snapshot in the same region (inferred from Hyperstack)";
const SNAPSHOT_DELETE: &str = "deleting a snapshot leaves the images made from it (GUESSED)";
const RESIZE: &str =
    "volume resize grows only and works while attached (Barrack-only endpoint, GUESSED)";
const SCRIPT_UPDATE: &str = "a startup script is updated with PUT (GUESSED)";
const PUBLIC_IP: &str =
    "the public-IP call sets the flag it is given rather than toggling (GUESSED)";
const KEY_IN_USE: &str = "an SSH key used by a VM cannot be deleted (409; GUESSED)";
const POWER: &str = "power transitions (stop, start, hibernate, restore) and which states allow them are inferred from Hyperstack";
const NAMES: &str =
    "names are unique per kind per account, so a create meets an existing name with 400 (GUESSED)";

/// The guesses `plan`'s steps rely on, in a fixed order.
pub(crate) fn relied_on(plan: &Plan) -> Vec<String> {
    let mut found: BTreeSet<&'static str> = BTreeSet::new();
    for step in &plan.steps {
        for guess in of_step(step.kind, &step.op) {
            found.insert(guess);
        }
    }
    let order = [
        DELAYS,
        NAMES,
        FIREWALL_ATTACH,
        VOLUME_ATTACH,
        SNAPSHOT,
        SNAPSHOT_DELETE,
        RESIZE,
        SCRIPT_UPDATE,
        PUBLIC_IP,
        KEY_IN_USE,
        POWER,
    ];
    order
        .into_iter()
        .filter(|g| found.contains(g))
        .map(str::to_string)
        .collect()
}

fn of_step(kind: Kind, op: &StepOp) -> Vec<&'static str> {
    match op {
        StepOp::Create => {
            let mut v = vec![DELAYS, NAMES];
            if matches!(kind, Kind::Snapshot | Kind::Image) {
                v.push(SNAPSHOT);
            }
            v
        }
        StepOp::Delete { .. } => match kind {
            Kind::Snapshot => vec![DELAYS, SNAPSHOT_DELETE],
            Kind::SshKey => vec![KEY_IN_USE],
            _ => vec![DELAYS],
        },
        StepOp::Update { ops, .. } => ops.iter().flat_map(of_update).collect(),
        StepOp::SyncFirewallAttachments { .. } => vec![DELAYS, FIREWALL_ATTACH],
        StepOp::HandOverVolumes { .. } => vec![VOLUME_ATTACH, POWER],
        StepOp::Settle { .. } => vec![DELAYS],
        StepOp::Forget | StepOp::Move { .. } | StepOp::Import { .. } => Vec::new(),
    }
}

fn of_update(op: &UpdateOp) -> Vec<&'static str> {
    match op {
        UpdateOp::ResizeVolume { .. } => vec![RESIZE],
        UpdateOp::UpdateScript => vec![SCRIPT_UPDATE],
        UpdateOp::AttachVolumes { .. } | UpdateOp::DetachVolumes { .. } => vec![VOLUME_ATTACH],
        UpdateOp::SetPublicIp { .. } => vec![PUBLIC_IP],
        UpdateOp::SetPower { .. } => vec![DELAYS, POWER],
        UpdateOp::AddFirewallRules { .. }
        | UpdateOp::DeleteFirewallRules { .. }
        | UpdateOp::AddSecurityRules { .. }
        | UpdateOp::DeleteSecurityRules { .. } => Vec::new(),
    }
}
