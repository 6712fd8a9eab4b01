//! The `Plan` document: changes, drift, cost, and the ordered steps that carry it out.

use garrison_config::model::ConfigWarning;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::action::{Action, Drift, ResourceChange};
use crate::blocked::Blocked;
use crate::step::Step;

/// Version of the plan's JSON schema (`docs/plan-json.md`).
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
    pub forget: usize,
    pub unchanged: usize,
    /// Kept objects whose state address changes (see `ResourceChange::moved_from`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub moved: usize,
    /// Existing objects brought under management by `import` blocks.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub import: usize,
    /// Resources with a transition in progress that apply waits for.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub wait: usize,
    /// Resources that cannot be changed as planned (see [`Plan::blocked`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blocked: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Anything to do at all (blocked resources are not: they are left alone).
    pub fn has_changes(&self) -> bool {
        self.add
            + self.change
            + self.replace
            + self.destroy
            + self.forget
            + self.moved
            + self.import
            + self.wait
            > 0
    }
}

/// Hourly cost of everything managed, before and after, in USD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub before_per_hour: f64,
    pub after_per_hour: f64,
    pub delta_per_hour: f64,
}

/// What the plan was made from, so a saved plan can refuse to apply once they moved on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    /// `Model::config_hash`.
    pub config_hash: String,
    /// State lineage, `None` before the first apply.
    pub state_lineage: Option<Uuid>,
    pub state_serial: u64,
    /// Whether the cloud was read (`--refresh`).
    pub refreshed: bool,
}

/// A plan: what would change, why, at what cost, and in which order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    pub basis: Basis,
    /// Plans to destroy everything (`garrison destroy`).
    pub destroy: bool,
    /// How it was planned (`--replace`, `--target`, `--exclude`, `--refresh-only`): applying
    /// a saved plan plans again the same way.
    #[serde(default)]
    pub options: crate::options::PlanOptions,
    pub summary: Summary,
    /// Every resource that changes, sorted by address (no-ops left out).
    pub changes: Vec<ResourceChange>,
    /// Root outputs the apply adds, changes or removes, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<crate::outputs::OutputChange>,
    /// Changes made outside Garrison since the last apply.
    pub drift: Vec<Drift>,
    /// Resources left alone, each with why: a per-resource refusal (protect,
    /// create-before-destroy naming) and whatever depends on it. Everything else is applied;
    /// apply then fails naming these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<Blocked>,
    /// `None` when prices were not read (`--refresh=false`).
    pub cost: Option<Cost>,
    /// The config's warnings (e.g. ingress open to the internet), for reviewers.
    #[serde(default)]
    pub warnings: Vec<ConfigWarning>,
    /// Work for the executor, in a valid order; `after` holds the edges. Not serialized:
    /// steps may hold sensitive values, and a saved plan is re-planned and compared on apply.
    #[serde(skip)]
    pub steps: Vec<Step>,
    /// What apply does besides each resource's own change (VMs woken, attachment sets
    /// rewritten), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Advice for the reader, one line each: a partial plan's warning, a `moved` block that
    /// would keep an object this plan destroys and creates again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// Policy violations (the config's `policy` block, `--policy` Rego files): a plan with
    /// any is refused. Filled in after planning, by the caller that evaluates the policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<crate::violation::PolicyViolation>,
    /// The plan rehearsed against an emulator (`plan --rehearse`, and before every apply);
    /// attached by the CLI, never by the planner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rehearsal: Option<crate::rehearsal::Rehearsal>,
}

impl Plan {
    /// The change for `address`, if it changes.
    pub fn change(&self, address: &str) -> Option<&ResourceChange> {
        self.changes
            .iter()
            .find(|c| c.address.to_string() == address)
    }

    /// `(address, action)` pairs: what a saved plan promises.
    pub fn actions(&self) -> Vec<(String, Action)> {
        self.changes
            .iter()
            .map(|c| (c.address.to_string(), c.action))
            .collect()
    }
}
