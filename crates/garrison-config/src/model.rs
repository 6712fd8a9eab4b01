//! The typed, validated model a config directory turns into: the planner's input.
//!
//! Every value here is resolved: variables, locals, `count.index`, `each.*` and references to
//! statically known attributes are already substituted. Only values known after apply (ids,
//! IPs, statuses) survive, as [`Expr`] inside [`Output`]s.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use garrison_core::{
    Address, Direction, Ethertype, Index, JournalAction, Kind, ModuleStep, ParseAddressError,
    Power, RemoteId, Rule, StateKey, Workspace,
};

/// A place in a config file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// The file, relative to the config directory: one name shared by the spans of a file
    /// (a model of 100k resources holds ~300k spans).
    pub file: Arc<Path>,
    /// Byte offset.
    pub offset: usize,
    /// Byte length.
    pub len: usize,
}

impl Default for Span {
    fn default() -> Self {
        Span {
            file: Arc::from(Path::new("")),
            offset: 0,
            len: 0,
        }
    }
}

/// The shared name of `file` for a span: the last file asked for is kept, so the spans of
/// one file (made one after another while it is evaluated) share one allocation.
pub(crate) fn span_file(file: &Path) -> Arc<Path> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<Arc<Path>>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some(shared) if **shared == *file => shared.clone(),
            _ => {
                let shared: Arc<Path> = Arc::from(file);
                *last = Some(shared.clone());
                shared
            }
        }
    })
}

/// Where the state lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "backend", rename_all = "kebab-case")]
pub enum StateBackend {
    /// A JSON file, relative to the config directory.
    Local {
        /// Default `.garrison/state.json`.
        path: PathBuf,
    },
    /// A Postgres database (reserved: the connection string comes from an environment
    /// variable, never from the config).
    Postgres {
        /// Name of the environment variable holding the connection string.
        url_env: String,
        /// Which state in that database (several configs can share one); default `default`.
        workspace: String,
    },
}

impl Default for StateBackend {
    fn default() -> Self {
        StateBackend::Local {
            path: PathBuf::from(".garrison/state.json"),
        }
    }
}

/// An operation a timeout applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// Creating (until the resource is ready).
    Create,
    /// Updating in place.
    Update,
    /// Deleting (until it is gone).
    Delete,
}

/// Create/update/delete timeouts of one kind (serialized as whole seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpTimeouts {
    /// How long a create may take.
    #[serde(with = "secs")]
    pub create: Duration,
    /// How long an update may take.
    #[serde(with = "secs")]
    pub update: Duration,
    /// How long a delete may take.
    #[serde(with = "secs")]
    pub delete: Duration,
}

mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

/// Per-kind operation timeouts: defaults, overridden by the `timeouts` node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeouts {
    /// One entry per kind (every kind is present).
    pub per_kind: BTreeMap<Kind, OpTimeouts>,
}

impl Timeouts {
    /// The timeout of `op` on a resource of `kind`.
    pub fn get(&self, kind: Kind, op: Op) -> Duration {
        let t = self
            .per_kind
            .get(&kind)
            .copied()
            .unwrap_or_else(|| crate::timeouts::default_for(kind));
        match op {
            Op::Create => t.create,
            Op::Update => t.update,
            Op::Delete => t.delete,
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            per_kind: Kind::ALL
                .into_iter()
                .map(|k| (k, crate::timeouts::default_for(k)))
                .collect(),
        }
    }
}

/// The resolved value of a variable. Its `Debug` hides sensitive values.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct VarValue {
    /// The value, typed per the declaration.
    pub value: serde_json::Value,
    /// Declared `sensitive=#true`: never print it.
    pub sensitive: bool,
}

impl fmt::Debug for VarValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("VarValue");
        if self.sensitive {
            d.field("value", &"<sensitive>");
        } else {
            d.field("value", &self.value);
        }
        d.field("sensitive", &self.sensitive).finish()
    }
}

fn rehearse_default() -> bool {
    true
}

/// The whole config, resolved and validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The config directory.
    pub dir: PathBuf,
    /// `provider "barrack" { region ... }`.
    pub provider_region: Option<String>,
    /// The workspace the config was evaluated in (`garrison.workspace`).
    #[serde(default, skip_serializing_if = "Workspace::is_default")]
    pub workspace: Workspace,
    /// Whether the config reads `garrison.workspace` (its names can differ per workspace).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uses_workspace: bool,
    /// `provider "barrack" { rehearse #false }` turns off the rehearsal before `apply`
    /// (default on).
    #[serde(default = "rehearse_default")]
    pub rehearse: bool,
    /// `provider "barrack" { rate-limit 500 }`: the API's requests per minute the client
    /// keeps under (0: no limit); `None` leaves the client's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_minute: Option<u32>,
    /// The `state` node (default: local `.garrison/state.json`).
    pub state: StateBackend,
    /// Operation timeouts per kind.
    pub timeouts: Timeouts,
    /// Every declared variable with its resolved value.
    pub variables: BTreeMap<String, VarValue>,
    /// Resource instances (count / for-each expanded), sorted by address.
    pub resources: Vec<Resource>,
    /// Outputs, sorted by name.
    pub outputs: Vec<Output>,
    /// The `policy` block's guardrails, checked against every plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Guardrails>,
    /// `import` blocks: existing cloud objects to bring under a config address.
    #[serde(default)]
    pub imports: Vec<Import>,
    /// `moved` blocks: state addresses renamed without touching the cloud.
    #[serde(default)]
    pub moved: Vec<Moved>,
    /// `removed` blocks: addresses leaving the config, destroyed or only forgotten.
    #[serde(default)]
    pub removed: Vec<Removed>,
    /// sha256 hex over every file read (sorted by path) and the resolved variable values
    /// (sensitive values excluded: the hash appears in plans).
    pub config_hash: String,
    /// The text of every config file, for diagnostics made later (the planner's errors
    /// point into the config). Not serialized; var files are not included.
    #[serde(skip)]
    pub sources: ConfigSources,
    /// The config's warnings, for plans to show (open ingress, ...). Not serialized.
    #[serde(skip)]
    pub warnings: Vec<ConfigWarning>,
    /// The catalog the config was validated against (the API's at plan time): what a
    /// rehearsal's emulator offers. Not serialized.
    #[serde(skip)]
    pub catalog: barrack_wire::Catalog,
    /// What the config's object data sources need read from the account (`garrison plan`
    /// reads it and loads again). Not serialized.
    #[serde(skip)]
    pub account_needs: crate::account::AccountNeeds,
    /// The data sources' values, `KIND.LABEL` -> value (postconditions read them after
    /// apply). Not serialized.
    #[serde(skip)]
    pub data: BTreeMap<String, serde_json::Value>,
}

/// A config warning as plans carry it (`docs/plan-json.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigWarning {
    /// Stable code, e.g. `garrison::config::open_ingress`.
    pub code: String,
    /// One line.
    pub message: String,
    /// The file, relative to the config directory (none for a warning without a place).
    pub file: Option<PathBuf>,
    /// 1-based line (0 without a place).
    pub line: usize,
    /// 1-based column (0 without a place).
    pub column: usize,
    /// What to do about it.
    pub help: Option<String>,
}

/// Config file texts by path relative to the config directory. `Debug` shows paths only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfigSources(pub BTreeMap<PathBuf, std::sync::Arc<String>>);

impl fmt::Debug for ConfigSources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Model {
    /// The resource instance at `address`.
    pub fn resource(&self, address: &Address) -> Option<&Resource> {
        self.resources
            .binary_search_by(|r| r.address.cmp(address))
            .ok()
            .and_then(|i| self.resources.get(i))
    }
}

/// `policy { ... }`: guardrails a plan must keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Guardrails {
    /// `max-cost-per-hour N`: the plan's cost after apply, USD per hour.
    pub max_cost_per_hour: Option<f64>,
    /// `allowed-gpus "MODEL" ...`: GPU models a VM may be created or changed to.
    pub allowed_gpus: Vec<String>,
    /// `allowed-regions "R" ...`: regions a resource may be created in.
    pub allowed_regions: Vec<String>,
    /// `deny-open-ingress #true`: no ingress rule open to the whole internet (but port 22).
    pub deny_open_ingress: bool,
    /// The `policy` node.
    pub span: Span,
}

/// `import to="ADDR" id="ID"` (or `name="NAME"`): adopt an existing cloud object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// The config address the object is imported to (an instance address).
    pub to: Address,
    /// How the object is found.
    pub by: ImportBy,
    /// The `import` node.
    pub span: Span,
}

/// How an `import` block names its object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportBy {
    /// By remote id.
    Id(String),
    /// By its unique cloud name.
    Name(String),
}

impl fmt::Display for ImportBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportBy::Id(id) => write!(f, "id {id}"),
            ImportBy::Name(name) => write!(f, "name \"{name}\""),
        }
    }
}

/// `moved from="ADDR" to="ADDR"`: the object at `from` is now at `to` (a block address
/// moves every instance; an instance address one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// The old address.
    pub from: Address,
    /// The new address.
    pub to: Address,
    /// The `moved` node.
    pub span: Span,
}

/// `removed from="ADDR" destroy=#false`: the address left the config; its objects are
/// destroyed (`#true`) or only dropped from the state and kept in the cloud (`#false`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// A block or instance address.
    pub from: Address,
    /// Destroy the objects (`#true`) or keep them unmanaged (`#false`).
    pub destroy: bool,
    /// The `removed` node.
    pub span: Span,
}

impl Moved {
    /// Where `address` goes under this block, if it matches `from` (a block address
    /// matches each of its instances, which keep their index).
    pub fn apply(&self, address: &Address) -> Option<Address> {
        if *address == self.from {
            return Some(self.to.clone());
        }
        if self.from.index.is_none()
            && self.to.index.is_none()
            && address.block() == self.from
            && address.index.is_some()
        {
            return Some(self.to.clone().with_index(address.index.clone()));
        }
        None
    }
}

impl Removed {
    /// Whether `address` is one of the addresses this block removes.
    pub fn matches(&self, address: &Address) -> bool {
        *address == self.from || (self.from.index.is_none() && address.block() == self.from)
    }
}

/// An output value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// The output name.
    pub name: String,
    /// Its value, possibly known only after apply.
    pub value: Expr,
    /// Declared sensitive (required when the value comes from a sensitive variable).
    pub sensitive: bool,
    /// The `output` node.
    pub span: Span,
    /// Checked after apply against the final value (`self`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postconditions: Vec<crate::postcondition::Postcondition>,
}

/// Lifecycle settings of a resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// Create the replacement before destroying the old one.
    pub create_before_destroy: bool,
    /// Attribute names whose drift or change is ignored.
    pub ignore_changes: Vec<String>,
    /// Resources whose planned change (update, replacement, creation) replaces this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace_triggered_by: Vec<Address>,
}

/// One resource instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// `KIND.NAME[index]`.
    pub address: Address,
    /// Cloud-side name, templates resolved; default NAME or NAME-<index>.
    pub name: String,
    /// `name` was not written: the default applies when the object is created, and an
    /// existing object keeps its name (after a `moved` block or an import).
    #[serde(default)]
    pub default_name: bool,
    /// Resolved region (resource `region`, else provider region); empty for SSH keys,
    /// which are account-wide.
    pub region: String,
    /// Refuse to destroy or replace.
    pub protect: bool,
    /// Lifecycle settings.
    pub lifecycle: Lifecycle,
    /// Explicit `depends-on`.
    pub depends_on: Vec<Edge>,
    /// Every reference from this resource to another resource instance, with its span.
    pub refs: Vec<Edge>,
    /// Attribute names whose value came from a sensitive variable.
    pub sensitive_attrs: BTreeSet<String>,
    /// Kind-specific settings.
    pub spec: Spec,
    /// The resource node.
    pub span: Span,
    /// Checked after the object is created or updated, against it as read back (`self`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postconditions: Vec<crate::postcondition::Postcondition>,
}

/// A dependency on another resource instance, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Edge {
    /// The instance depended on.
    pub target: Address,
    /// The reference in the config.
    pub span: Span,
}

/// Kind-specific settings of a resource.
// One per resource instance, held in place in `Model::resources`: boxing the VM's would
// cost an allocation per VM to save bytes no one counts.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Spec {
    /// `vm`.
    Vm(Box<VmSpec>),
    /// `volume`.
    Volume(VolumeSpec),
    /// `firewall`.
    Firewall(FirewallSpec),
    /// `ssh-key`.
    SshKey(SshKeySpec),
    /// `script`.
    Script(ScriptSpec),
    /// `snapshot`.
    Snapshot(SnapshotSpec),
    /// `image`.
    Image(ImageSpec),
}

impl Spec {
    /// The kind of this spec.
    pub fn kind(&self) -> Kind {
        match self {
            Spec::Vm(_) => Kind::Vm,
            Spec::Volume(_) => Kind::Volume,
            Spec::Firewall(_) => Kind::Firewall,
            Spec::SshKey(_) => Kind::SshKey,
            Spec::Script(_) => Kind::Script,
            Spec::Snapshot(_) => Kind::Snapshot,
            Spec::Image(_) => Kind::Image,
        }
    }
}

/// A GPU virtual machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VmSpec {
    /// GPU model, e.g. `H100-SXM5-80GB`.
    pub gpu_model: String,
    /// 1, 2, 4 or 8.
    pub gpu_count: u32,
    /// What the VM boots from.
    pub boot: BootSource,
    /// One or more ssh-key instances.
    pub ssh_keys: Vec<Address>,
    /// A script instance run at first boot.
    pub startup_script: Option<Address>,
    /// Cloud-init user data (<= 16 KB).
    pub cloud_init: Option<String>,
    /// Attached firewall instances.
    pub firewalls: Vec<Address>,
    /// Attached volume instances.
    pub volumes: Vec<Address>,
    /// Assign a public IP.
    pub public_ip: bool,
    /// Desired power state.
    pub power: Power,
    /// Inline security rules.
    pub security_rules: Vec<RuleSpec>,
    /// Existing objects a data source found that the VM uses by id (`volumes`,
    /// `ssh-keys`); never managed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_links: Vec<DataLink>,
    /// `ready-when`: a local command that must succeed before the VM counts as created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_when: Option<Box<crate::readiness::Readiness>>,
}

/// An existing object a resource uses by id, found by a data source (`data.KIND.LABEL`).
/// Garrison never creates, changes or deletes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DataLink {
    /// Its kind.
    pub kind: Kind,
    /// Its remote id.
    pub id: RemoteId,
    /// The data source that found it, `data.KIND.LABEL`.
    pub source: String,
}

impl DataLink {
    /// How plans show it: as a link to an object the state does not manage.
    pub fn shown(&self) -> String {
        unmanaged_link(self.kind, self.id.as_str())
    }
}

/// How plans show a link to an object of `kind` the state does not manage.
pub fn unmanaged_link(kind: Kind, id: &str) -> String {
    format!("{kind}(id {id}, unmanaged)")
}

/// What a VM boots from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BootSource {
    /// A public OS image, by name.
    OsImage(String),
    /// A custom image resource instance.
    Image(Address),
    /// A bootable volume resource instance.
    Volume(Address),
    /// An existing custom image a data source found (`data.image.LABEL`).
    DataImage(DataLink),
}

/// A firewall rule or an inline VM security rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Ingress or egress.
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp`, `any`, ...
    pub protocol: String,
    /// IPv4 or IPv6.
    pub ethertype: Ethertype,
    /// First port (none for icmp or "all ports").
    pub port_min: Option<u16>,
    /// Last port.
    pub port_max: Option<u16>,
    /// Remote CIDR, normalized (host bits cleared).
    pub remote: String,
}

impl From<&RuleSpec> for Rule {
    /// The typed rule the plan and engine carry (the one conversion).
    fn from(r: &RuleSpec) -> Self {
        Rule {
            direction: r.direction,
            protocol: r.protocol.clone(),
            ethertype: r.ethertype,
            port_min: r.port_min,
            port_max: r.port_max,
            remote: r.remote.clone(),
        }
    }
}

/// A block-storage volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeSpec {
    /// Size in GB (10..=1048576; bootable >= 100).
    pub size_gb: u64,
    /// Volume type (default `Cloud-SSD`).
    pub volume_type: String,
    /// Bootable (needs an OS image).
    pub bootable: bool,
    /// OS image name, for bootable volumes.
    pub image: Option<String>,
    /// Free text.
    pub description: String,
}

/// A firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallSpec {
    /// Free text (<= 255).
    pub description: String,
    /// Its rules.
    pub rules: Vec<RuleSpec>,
}

/// An SSH key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshKeySpec {
    /// The public key; without it the cloud generates one.
    pub public_key: Option<String>,
    /// Where to write a generated private key (relative to the config dir), mode 0600.
    pub private_key_file: Option<PathBuf>,
}

/// A startup script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptSpec {
    /// The script body.
    pub content: String,
    /// Free text.
    pub description: String,
}

/// A snapshot of a VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSpec {
    /// The VM instance snapshotted.
    pub vm: Address,
    /// Free text.
    pub description: String,
}

/// A custom image made from a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSpec {
    /// The snapshot instance.
    pub snapshot: Address,
    /// Free text.
    pub description: String,
}

/// A value in an output: static, or known only after apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expr {
    /// Known now.
    Value(serde_json::Value),
    /// An attribute of one instance known after apply, e.g. `vm.x.public-ip`.
    Attr {
        /// The instance.
        target: Address,
        /// The attribute, e.g. `public-ip`.
        attr: String,
    },
    /// The attribute of every instance of a resource, in instance order: `vm.x[*].public-ip`.
    Splat {
        /// The kind.
        kind: Kind,
        /// The config-side name.
        name: String,
        /// The attribute.
        attr: String,
    },
    /// A list of values.
    List(Vec<Expr>),
    /// A string template with parts known after apply.
    Template(Vec<TemplatePart>),
}

/// One piece of an [`Expr::Template`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// An interpolated value.
    Expr(Expr),
}
