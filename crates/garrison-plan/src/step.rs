//! Executable steps: the API work a plan implies, and the order it must happen in.

use garrison_config::model::{Kind, Power, Rule, StateKey};
use serde::{Deserialize, Serialize};

/// One unit of work for the executor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Index in [`crate::Plan::steps`].
    pub id: usize,
    /// The state entry the step works on: a config address, or a deposed key.
    pub address: StateKey,
    pub kind: Kind,
    pub op: StepOp,
    /// Steps that must finish first (ids).
    pub after: Vec<usize>,
    /// The Create and the Delete of a create-before-destroy replacement (the create deposes
    /// the object it replaces). Absent reads as false.
    #[serde(default)]
    pub create_before_destroy: bool,
}

/// What a step does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum StepOp {
    /// Create the resource from its config (the model resource at the step's address),
    /// wait until it is ready, then bring it to the desired state (volumes attached, power).
    Create,
    /// Delete the resource and wait until it is gone (a firewall is detached first).
    Delete { remote_id: String },
    /// Change in place.
    Update {
        remote_id: String,
        ops: Vec<UpdateOp>,
    },
    /// Drop from state only (already gone remotely).
    Forget,
    /// Wait while the resource is in a transition (CREATING, BUILD, ...), then record what
    /// it became; ending in ERROR fails the step (the next plan replaces it).
    Settle { remote_id: String },
    /// Set a firewall's attachment set (the API REPLACES the whole set) to these VMs.
    SyncFirewallAttachments { vms: Vec<String> },
    /// Move the state entry at `from` to the step's address (the same cloud object under a
    /// new address): no cloud call.
    Move { from: String },
    /// Record the existing object `remote_id` (an `import` block) at the step's address:
    /// the cloud is only read.
    Import { remote_id: String },
    /// Create-before-destroy of a VM (C3): detach `volumes` (addresses) from the old VM
    /// `from_remote_id` and attach them to the new one at the step's address, then bring
    /// the new VM to its configured power. The new VM's create leaves them out.
    HandOverVolumes {
        from_remote_id: String,
        volumes: Vec<String>,
    },
}

impl StepOp {
    /// What the step does, in a word or two (the executor's progress names the same).
    pub fn verb(&self) -> &'static str {
        match self {
            StepOp::Create => "create",
            StepOp::Delete { .. } => "delete",
            StepOp::Update { .. } => "update",
            StepOp::Forget => "forget",
            StepOp::SyncFirewallAttachments { .. } => "attach firewall",
            StepOp::Move { .. } => "move",
            StepOp::Import { .. } => "import",
            StepOp::HandOverVolumes { .. } => "move volumes",
            StepOp::Settle { .. } => "wait",
        }
    }
}

/// One in-place change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "update", rename_all = "kebab-case")]
pub enum UpdateOp {
    /// Grow a volume.
    ResizeVolume {
        size_gb: u64,
    },
    /// Rewrite a script (name, content, description from the config).
    UpdateScript,
    /// Add rules (serialized as the canonical rule objects of `desired::rule_value`).
    AddFirewallRules {
        rules: Vec<Rule>,
    },
    /// Delete rules by remote rule id.
    DeleteFirewallRules {
        rule_ids: Vec<String>,
    },
    AddSecurityRules {
        rules: Vec<Rule>,
    },
    DeleteSecurityRules {
        rule_ids: Vec<String>,
    },
    /// Attach volumes (addresses; ids resolved at execution time).
    AttachVolumes {
        volumes: Vec<String>,
    },
    /// Detach volumes (remote ids).
    DetachVolumes {
        volume_ids: Vec<String>,
    },
    SetPublicIp {
        enable: bool,
    },
    SetPower {
        from: Power,
        to: Power,
    },
}

impl UpdateOp {
    /// Ops that must run BEFORE other resources are deleted (they stop referencing them).
    pub fn is_release(&self) -> bool {
        matches!(
            self,
            UpdateOp::DetachVolumes { .. }
                | UpdateOp::DeleteSecurityRules { .. }
                | UpdateOp::DeleteFirewallRules { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: usize, op: StepOp, after: &[usize]) -> Step {
        Step {
            id,
            address: "vm.box".parse().expect("a state key"),
            kind: Kind::Vm,
            op,
            after: after.to_vec(),
            create_before_destroy: false,
        }
    }

    fn delete() -> StepOp {
        StepOp::Delete {
            remote_id: "5".into(),
        }
    }

    #[test]
    fn a_step_saved_before_the_flag_reads_as_not_create_before_destroy() {
        let old = r#"{"id":3,"address":"vm.box","kind":"vm","op":{"op":"delete","remote_id":"5"},"after":[0,2]}"#;
        let step: Step = serde_json::from_str(old).expect("an old saved-plan step");
        assert!(!step.create_before_destroy);
        assert_eq!(step.op, delete());
        assert_eq!(step.after, [0, 2]);
    }

    #[test]
    fn the_flag_round_trips() {
        let mut s = step(0, StepOp::Create, &[]);
        s.create_before_destroy = true;
        let text = serde_json::to_string(&s).expect("serialize");
        assert!(text.contains(r#""create_before_destroy":true"#), "{text}");
        assert_eq!(serde_json::from_str::<Step>(&text).expect("parse"), s);
    }
}
