//! The documented JSON plan's types (`docs/plan-json.md`, `docs/plan-json.schema.json`).
//!
//! These are the format, not the plan: every field carries its JSON name explicitly, so
//! renaming a Rust field here or an internal field of [`crate::Plan`] leaves the output as it
//! is. They are built only by `from_plan`; a change to a name, an order (fields serialize in
//! declaration order) or a `skip_serializing_if` here is a change to a documented format.

use serde::Serialize;
use serde_json::Value;

/// The whole document, `garrison plan --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanJson {
    /// [`super::JSON_FORMAT_VERSION`].
    #[serde(rename = "format_version")]
    pub format_version: u32,
    #[serde(rename = "basis")]
    pub basis: BasisJson,
    /// `garrison destroy`.
    #[serde(rename = "destroy")]
    pub destroy: bool,
    #[serde(rename = "summary")]
    pub summary: SummaryJson,
    /// Sorted by address; unchanged resources left out.
    #[serde(rename = "changes")]
    pub changes: Vec<ChangeJson>,
    /// Root outputs added, changed or removed, by name.
    #[serde(rename = "output_changes", skip_serializing_if = "Vec::is_empty")]
    pub output_changes: Vec<OutputChangeJson>,
    #[serde(rename = "drift")]
    pub drift: Vec<DriftJson>,
    #[serde(rename = "blocked", skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<BlockedJson>,
    /// `None` when prices were not read.
    #[serde(rename = "cost")]
    pub cost: Option<CostJson>,
    #[serde(rename = "warnings")]
    pub warnings: Vec<WarningJson>,
    #[serde(rename = "notes", skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Policy violations: the plan is refused.
    #[serde(rename = "policy_violations", skip_serializing_if = "Vec::is_empty")]
    pub policy_violations: Vec<ViolationJson>,
    /// Advice: a partial plan's warning, suggested `moved` blocks.
    #[serde(rename = "hints", skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// `--replace` addresses.
    #[serde(rename = "replace", skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<String>,
    /// `--target` addresses (a partial plan).
    #[serde(rename = "target", skip_serializing_if = "Vec::is_empty")]
    pub target: Vec<String>,
    /// `--exclude` addresses (a partial plan).
    #[serde(rename = "exclude", skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// `--refresh-only`: no change, only the drift to accept.
    #[serde(rename = "refresh_only", skip_serializing_if = "std::ops::Not::not")]
    pub refresh_only: bool,
    /// `plan --rehearse`: the plan run against an emulator seeded from the account.
    #[serde(rename = "rehearsal", skip_serializing_if = "Option::is_none")]
    pub rehearsal: Option<super::RehearsalJson>,
}

/// What the plan was made from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BasisJson {
    #[serde(rename = "config_hash")]
    pub config_hash: String,
    /// `None` before the first apply.
    #[serde(rename = "state_lineage")]
    pub state_lineage: Option<String>,
    #[serde(rename = "state_serial")]
    pub state_serial: u64,
    #[serde(rename = "refreshed")]
    pub refreshed: bool,
}

/// Counts per action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SummaryJson {
    #[serde(rename = "add")]
    pub add: usize,
    #[serde(rename = "change")]
    pub change: usize,
    #[serde(rename = "replace")]
    pub replace: usize,
    #[serde(rename = "destroy")]
    pub destroy: usize,
    #[serde(rename = "forget")]
    pub forget: usize,
    #[serde(rename = "unchanged")]
    pub unchanged: usize,
    #[serde(rename = "moved", skip_serializing_if = "is_zero")]
    pub moved: usize,
    #[serde(rename = "import", skip_serializing_if = "is_zero")]
    pub import: usize,
    #[serde(rename = "wait", skip_serializing_if = "is_zero")]
    pub wait: usize,
    #[serde(rename = "blocked", skip_serializing_if = "is_zero")]
    pub blocked: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What happens to a resource, as the format spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ActionJson {
    #[serde(rename = "no-op")]
    NoOp,
    #[serde(rename = "create")]
    Create,
    #[serde(rename = "update")]
    Update,
    #[serde(rename = "replace")]
    Replace,
    #[serde(rename = "delete")]
    Delete,
    #[serde(rename = "forget")]
    Forget,
    #[serde(rename = "wait")]
    Wait,
}

/// Everything that happens to one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangeJson {
    #[serde(rename = "address")]
    pub address: String,
    /// The config spelling of the kind (`vm`, `ssh-key`, ...).
    #[serde(rename = "kind")]
    pub kind: String,
    #[serde(rename = "action")]
    pub action: ActionJson,
    /// Cloud-side name.
    #[serde(rename = "name")]
    pub name: String,
    #[serde(rename = "region")]
    pub region: String,
    /// `None` for creates.
    #[serde(rename = "remote_id")]
    pub remote_id: Option<String>,
    #[serde(rename = "attrs")]
    pub attrs: Vec<AttrJson>,
    #[serde(rename = "reasons")]
    pub reasons: Vec<String>,
    #[serde(rename = "create_before_destroy")]
    pub create_before_destroy: bool,
    /// USD per hour.
    #[serde(rename = "cost_before")]
    pub cost_before: Option<f64>,
    #[serde(rename = "cost_after")]
    pub cost_after: Option<f64>,
    #[serde(rename = "moved_from", skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
    /// The remote id of the object an `import` block brings in.
    #[serde(rename = "imported", skip_serializing_if = "Option::is_none")]
    pub imported: Option<String>,
}

/// One attribute that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttrJson {
    #[serde(rename = "name")]
    pub name: String,
    /// `None` on create.
    #[serde(rename = "before")]
    pub before: Option<Value>,
    /// `None` on delete.
    #[serde(rename = "after")]
    pub after: Option<AfterJson>,
    #[serde(rename = "forces_replacement")]
    pub forces_replacement: bool,
    #[serde(rename = "sensitive")]
    pub sensitive: bool,
    #[serde(rename = "multiline")]
    pub multiline: bool,
    /// Linked resources replaced by this plan under the same address.
    #[serde(rename = "replaced", skip_serializing_if = "Vec::is_empty")]
    pub replaced: Vec<String>,
}

/// One root output the apply changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputChangeJson {
    #[serde(rename = "name")]
    pub name: String,
    /// `create`, `update` or `delete`.
    #[serde(rename = "action")]
    pub action: ActionJson,
    /// `None` when the output is new; `"(sensitive)"` for a sensitive output.
    #[serde(rename = "before")]
    pub before: Option<Value>,
    /// `None` when the output is removed.
    #[serde(rename = "after")]
    pub after: Option<AfterJson>,
    #[serde(rename = "sensitive")]
    pub sensitive: bool,
}

/// A value after the change: `{"state": "known", "value": ..}` or `{"state": "unknown"}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", content = "value")]
pub enum AfterJson {
    #[serde(rename = "known")]
    Known(Value),
    /// Known after apply.
    #[serde(rename = "unknown")]
    Unknown,
}

/// An attribute changed outside Garrison since the last apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftJson {
    #[serde(rename = "address")]
    pub address: String,
    /// `None`: the whole resource was deleted outside Garrison.
    #[serde(rename = "attr")]
    pub attr: Option<String>,
    #[serde(rename = "recorded")]
    pub recorded: Option<Value>,
    #[serde(rename = "actual")]
    pub actual: Option<Value>,
    #[serde(rename = "sensitive")]
    pub sensitive: bool,
}

/// A resource the plan leaves alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockedJson {
    #[serde(rename = "address")]
    pub address: String,
    #[serde(rename = "action")]
    pub action: ActionJson,
    #[serde(rename = "reason")]
    pub reason: String,
    #[serde(rename = "hint")]
    pub hint: String,
}

/// Hourly cost of everything managed, USD.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CostJson {
    #[serde(rename = "before_per_hour")]
    pub before_per_hour: f64,
    #[serde(rename = "after_per_hour")]
    pub after_per_hour: f64,
    #[serde(rename = "delta_per_hour")]
    pub delta_per_hour: f64,
}

/// One config warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WarningJson {
    #[serde(rename = "code")]
    pub code: String,
    #[serde(rename = "message")]
    pub message: String,
    /// Relative to the config directory.
    #[serde(rename = "file")]
    pub file: Option<String>,
    /// 1-based; 0 without a place.
    #[serde(rename = "line")]
    pub line: usize,
    #[serde(rename = "column")]
    pub column: usize,
    #[serde(rename = "help")]
    pub help: Option<String>,
}

/// A policy violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViolationJson {
    /// Where the rule comes from: the `policy` block or a Rego file.
    #[serde(rename = "source")]
    pub source: String,
    #[serde(rename = "message")]
    pub message: String,
}
