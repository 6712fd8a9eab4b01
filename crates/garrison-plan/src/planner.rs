//! The planner: (model, state, remote view) -> `Plan`. Pure: no IO, same inputs, same plan.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{JournalAction, Kind, Model, Power, Resource};
use serde::Deserialize;
use garrison_state::{ResourceState, StateDoc};
use serde_json::{json, Value};

use crate::action::{Action, After, AttrChange, Drift, ResourceChange};
use crate::blocked::{self, Blocked};
use crate::cost;
use crate::desired::{self, Attrs};
use crate::error::{PlanError, PlanFailure};
use crate::graph;
use crate::health::{self, Health};
use crate::keys;
use crate::plan::{Basis, Plan, Summary, PLAN_FORMAT_VERSION};
use crate::protect;
use crate::remote::{Observed, RemoteView};
use crate::schema::{self, firewall, vm, volume, Link, Update};
use crate::seal::{same, strip_rule_id};
use crate::step::UpdateOp;

/// Options of one planning run.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanOptions {
    /// Plan to destroy every resource in the state.
    pub destroy: bool,
}

/// A resource of the state with what the cloud says of it now.
pub(crate) struct Current<'a> {
    pub(crate) state: &'a ResourceState,
    /// `None`: deleted outside Garrison.
    pub(crate) observed: Option<Attrs>,
}

/// Per-address decisions the step builder needs besides the public change list.
#[derive(Default)]
pub(crate) struct Decision {
    pub(crate) ops: Vec<UpdateOp>,
}

/// Makes the plan, or says every reason it cannot.
pub fn plan(
    model: &Model,
    state: &StateDoc,
    remote: &RemoteView,
    options: PlanOptions,
) -> Result<Plan, PlanFailure> {
    let mut errors = Vec::new();

    let current: BTreeMap<&str, Current<'_>> = state
        .resources
        .iter()
        .map(|(address, rs)| {
            let observed = if remote.refreshed {
                match remote.resources.get(address) {
                    Some(Observed::Present { attrs }) => Some(attrs.clone()),
                    Some(Observed::Gone) | None => None,
                }
            } else {
                Some(rs.attributes.clone())
            };
            (
                address.as_str(),
                Current {
                    state: rs,
                    observed,
                },
            )
        })
        .collect();

    let wanted: Vec<&Resource> = if options.destroy {
        Vec::new()
    } else {
        model.resources.iter().collect()
    };
    // D7: same kind and cloud name leaving and arriving is one object under a new address
    // (only while it exists: one deleted outside Garrison is created again).
    let mut moves = crate::moves::detect(&wanted, state);
    moves.retain(|_, from| {
        current
            .get(from.as_str())
            .is_some_and(|c| c.observed.is_some())
    });
    let duplicates = crate::moves::duplicates(&wanted, state);
    let ids = IdIndex::new(state).moved(&moves);
    let order = match graph::config_order(&wanted) {
        Ok(order) => order,
        Err(cycle) => {
            return Err(PlanFailure {
                errors: vec![PlanError::Cycle { path: cycle }],
            })
        }
    };

    let mut changes: BTreeMap<String, ResourceChange> = BTreeMap::new();
    let mut decisions: BTreeMap<String, Decision> = BTreeMap::new();
    let mut drift = Vec::new();
    // Addresses whose remote id changes in this plan (created or replaced).
    let mut renewed: BTreeSet<String> = BTreeSet::new();

    for resource in order.iter().map(|&i| wanted[i]) {
        let address = resource.address.to_string();
        let desired = desired::desired(resource);
        let moved_from = moves.get(&address).cloned();
        let cur = current
            .get(address.as_str())
            .or_else(|| moved_from.as_deref().and_then(|f| current.get(f)));
        let (mut change, decision) = match cur {
            None => {
                errors.extend(name_taken(resource, remote, state, None));
                create_change(resource, &desired, Vec::new())
            }
            Some(Current {
                observed: None,
                state: rs,
            }) => {
                // D5: "create again" collides like any create (e.g. a restored older state).
                errors.extend(name_taken(resource, remote, state, Some(rs)));
                drift.push(Drift {
                    address: address.clone(),
                    attr: None,
                    recorded: Some(json!(rs.remote_id)),
                    actual: None,
                    sensitive: false,
                });
                create_change(
                    resource,
                    &desired,
                    vec!["deleted outside Garrison: it will be created again".into()],
                )
            }
            Some(Current {
                observed: Some(observed),
                state: rs,
            }) => {
                let (mut change, decision) = update_change(
                    resource,
                    &desired,
                    rs,
                    observed,
                    &ids,
                    &renewed,
                    &mut errors,
                );
                match &moved_from {
                    Some(from) if change.action == Action::Replace => {
                        // Not kept after all: destroyed at `from` (the leaving loop), then
                        // created here, after the delete (same cloud name).
                        moves.remove(&address);
                        let mut reasons = vec![crate::moves::replaced_reason(from, &rs.name)];
                        reasons.extend(change.reasons);
                        create_change(resource, &desired, reasons)
                    }
                    Some(from) => {
                        let mut reasons = crate::moves::moved_reasons(from, &address, &rs.name);
                        reasons.append(&mut change.reasons);
                        change.reasons = reasons;
                        change.moved_from = Some(from.clone());
                        protect::settings_change(resource, rs, &mut change);
                        (change, decision)
                    }
                    None => {
                        if remote.refreshed {
                            drift.extend(drift_of(&address, resource, rs, observed, &ids));
                        }
                        protect::settings_change(resource, rs, &mut change);
                        if change.action == Action::Replace
                            && keys::lost_private_key(resource, rs).is_some()
                            && keys::used_create_before_destroy(&wanted, &address)
                        {
                            change.create_before_destroy = true;
                        }
                        (change, decision)
                    }
                }
            }
        };
        if matches!(change.action, Action::Create | Action::Replace) {
            renewed.insert(address.clone());
        }
        if change.action == Action::Replace && resource.protect {
            errors.push(PlanError::Protected {
                address: address.clone(),
                verb: "replaced",
                detail: format!(" ({})", change.reasons.join("; ")),
                src: None,
                at: None,
            });
        }
        // A broken object is replaced destroy-first (`change.create_before_destroy` is off):
        // it serves nothing, and it holds the name.
        if change.action == Action::Replace && change.create_before_destroy {
            let old_name = cur.map(|c| c.state.name.as_str()).unwrap_or_default();
            if old_name == resource.name {
                errors.push(PlanError::CreateBeforeDestroyName {
                    address: address.clone(),
                    name: resource.name.clone(),
                    src: None,
                    at: None,
                });
            }
        }
        crate::cloud_init::show_text(&mut change, resource, cur.map(|c| c.state));
        decisions.insert(address.clone(), decision);
        changes.insert(address, redact(change));
    }

    // Everything in state that the config no longer wants.
    let moved_sources: BTreeSet<&str> = moves.values().map(String::as_str).collect();
    for (address, cur) in &current {
        if changes.contains_key(*address) || moved_sources.contains(*address) {
            continue;
        }
        let rs = cur.state;
        let kind = rs.kind;
        let (action, reasons) = match &cur.observed {
            _ if duplicates.contains_key(*address) => (
                Action::Forget,
                vec![format!(
                    "a second state entry of `{}`'s object (an interrupted move): dropped from the state, the object is kept",
                    duplicates[*address]
                )],
            ),
            None => (
                Action::Forget,
                vec!["removed from the config and already deleted outside Garrison".to_string()],
            ),
            Some(_) => (
                Action::Delete,
                vec![if options.destroy {
                    "destroy requested".to_string()
                } else {
                    "no longer in the config".to_string()
                }],
            ),
        };
        let protect = protect::on_delete(model, address, rs);
        if action == Action::Delete && protect {
            errors.push(PlanError::Protected {
                address: address.to_string(),
                verb: "destroyed",
                detail: String::new(),
                src: None,
                at: None,
            });
        }
        let before = cur.observed.as_ref().map(|o| ids.to_addresses(kind, o));
        let attrs = before
            .iter()
            .flat_map(|b| {
                schema::attrs(kind)
                    .iter()
                    .filter(|s| s.update != Update::Computed)
                    .filter_map(|s| {
                        b.get(s.name)
                            .filter(|v| !v.is_null() && *v != &json!([]))
                            .map(|v| AttrChange {
                                name: s.name.to_string(),
                                before: Some(v.clone()),
                                after: None,
                                forces_replacement: false,
                                sensitive: rs
                                    .attributes
                                    .get(s.name)
                                    .is_some_and(crate::seal::is_sealed),
                                multiline: s.multiline,
                                replaced: Vec::new(),
                            })
                    })
            })
            .collect();
        let change = ResourceChange {
            address: address.to_string(),
            kind,
            action,
            name: rs.name.clone(),
            region: rs.region.clone(),
            remote_id: Some(rs.remote_id.to_string()),
            attrs,
            reasons,
            create_before_destroy: false,
            cost_before: None,
            cost_after: None,
            moved_from: None,
        };
        decisions.insert(address.to_string(), Decision { ops: Vec::new() });
        changes.insert(address.to_string(), redact(change));
    }

    for d in &mut drift {
        if d.sensitive {
            d.recorded = d.recorded.as_ref().map(|_| json!(REDACTED));
            d.actual = d.actual.as_ref().map(|_| json!(REDACTED));
        }
    }
    // Refusals tied to one resource block it (and what needs it); the rest still happens.
    let (per_resource, mut errors): (Vec<PlanError>, Vec<PlanError>) = errors
        .into_iter()
        .partition(|e| blocked::is_per_resource(e).is_some());
    if !errors.is_empty() {
        cost::check_stock(&changes, &current, remote, &mut errors);
        errors.iter_mut().for_each(|e| e.locate(model));
        return Err(PlanFailure { errors });
    }
    let initial = per_resource
        .iter()
        .filter_map(|e| {
            let address = blocked::is_per_resource(e)?;
            let action = changes.get(address)?.action;
            Some(Blocked::from_error(address, action, e))
        })
        .collect();
    let blocked = blocked::spread(
        initial,
        &wanted,
        &current,
        &mut changes,
        &mut decisions,
        &mut renewed,
    );
    cost::check_stock(&changes, &current, remote, &mut errors);
    if !errors.is_empty() {
        errors.iter_mut().for_each(|e| e.locate(model));
        return Err(PlanFailure { errors });
    }
    let kept: BTreeSet<String> = blocked.iter().map(|b| b.address.clone()).collect();
    let cost = cost::apply_costs(&mut changes, &current, &wanted, remote, &kept);

    let steps = graph::steps(
        model, &wanted, &current, &changes, &decisions, &ids, &renewed, &moves,
    );

    let notes = crate::notes::notes(&crate::notes::Inputs {
        steps: &steps,
        wanted: &wanted,
        current: &current,
        changes: &changes,
        ids: &ids,
        prices: remote.prices.as_ref(),
    });

    let mut summary = Summary::default();
    for change in changes.values() {
        match change.action {
            Action::NoOp => summary.unchanged += 1,
            Action::Create => summary.add += 1,
            Action::Update => summary.change += 1,
            Action::Replace => summary.replace += 1,
            Action::Delete => summary.destroy += 1,
            Action::Forget => summary.forget += 1,
            Action::Wait => summary.wait += 1,
        }
        if change.moved_from.is_some() {
            summary.moved += 1;
        }
    }
    summary.blocked = blocked.len();
    Ok(Plan {
        format_version: PLAN_FORMAT_VERSION,
        basis: Basis {
            config_hash: model.config_hash.clone(),
            state_lineage: (state.serial > 0 || !state.resources.is_empty())
                .then_some(state.lineage),
            state_serial: state.serial,
            refreshed: remote.refreshed,
        },
        destroy: options.destroy,
        summary,
        changes: changes
            .into_values()
            .filter(|c| c.action != Action::NoOp || c.moved_from.is_some())
            .collect(),
        drift,
        blocked,
        cost,
        warnings: model.warnings.clone(),
        steps,
        notes,
    })
}

/// A create of `resource` whose name an object unknown to the state holds: the conflict,
/// naming both (our address, pending create or lost id; the other object's id and time).
fn name_taken(
    resource: &Resource,
    remote: &RemoteView,
    state: &StateDoc,
    lost: Option<&ResourceState>,
) -> Option<PlanError> {
    let kind = resource.address.kind;
    let id = remote.unmanaged.get(&kind)?.get(&resource.name)?;
    let created = remote
        .unmanaged_created_at
        .get(&kind)
        .and_then(|names| names.get(&resource.name))
        .map(|at| format!(", created {at}"))
        .unwrap_or_default();
    let address = resource.address.to_string();
    let pending = state
        .pending
        .iter()
        .filter(|i| i.action == JournalAction::Create && i.address.live() == Some(&resource.address) && i.name == resource.name)
        .map(|i| i.at.as_str())
        .min();
    let detail = match (pending, lost) {
        (Some(at), _) => format!("; our interrupted create of `{}` (intent at {at}) is still pending and did not make it, so it is not adopted", resource.name),
        (None, Some(rs)) => format!("; the state's `{address}` was id {} (gone), and nothing shows the other one is ours, so it is not adopted", rs.remote_id),
        (None, None) => String::new(),
    };
    Some(PlanError::NameTaken {
        address,
        kind: kind.to_string(),
        name: resource.name.clone(),
        remote_id: id.clone(),
        created,
        detail,
        src: None,
        at: None,
    })
}

/// Remote id -> address, per kind, from the state.
pub(crate) struct IdIndex {
    by_id: BTreeMap<(String, String), String>,
}

impl IdIndex {
    fn new(state: &StateDoc) -> Self {
        IdIndex {
            by_id: state
                .resources
                .values()
                .map(|rs| ((rs.kind.to_string(), rs.remote_id.to_string()), rs.address.to_string()))
                .collect(),
        }
    }

    /// The same index with moved entries under their new address.
    fn moved(mut self, moves: &BTreeMap<String, String>) -> Self {
        let back: BTreeMap<&String, &String> = moves.iter().map(|(to, f)| (f, to)).collect();
        for address in self.by_id.values_mut() {
            if let Some(to) = back.get(address) {
                *address = (*to).clone();
            }
        }
        self
    }

    /// The address a remote id of `kind` belongs to, or a placeholder naming the id.
    pub(crate) fn address(&self, kind: Kind, id: &str) -> String {
        self.by_id
            .get(&(kind.to_string(), id.to_string()))
            .cloned()
            .unwrap_or_else(|| format!("{kind}(id {id}, unmanaged)"))
    }

    /// The addresses of an observed list of remote ids of `kind` (ids as strings or
    /// numbers); empty when there is no list.
    pub(crate) fn addresses_of(&self, kind: Kind, list: Option<&Value>) -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(id_text)
            .map(|id| self.address(kind, &id))
            .collect()
    }

    /// Observed attributes with link ids replaced by addresses.
    pub(crate) fn to_addresses(&self, kind: Kind, observed: &Attrs) -> Attrs {
        let mut out = observed.clone();
        for spec in schema::attrs(kind) {
            let Some(value) = out.get_mut(spec.name) else {
                continue;
            };
            match spec.link {
                Link::None => {}
                Link::One(target) => {
                    if let Some(id) = id_text(value) {
                        *value = json!(self.address(target, &id));
                    }
                }
                Link::Many(target) => {
                    if let Value::Array(items) = value {
                        let mut mapped: Vec<String> = items
                            .iter()
                            .filter_map(id_text)
                            .map(|id| self.address(target, &id))
                            .collect();
                        mapped.sort();
                        mapped.dedup();
                        *value = json!(mapped);
                    }
                }
            }
        }
        out
    }
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn create_change(
    resource: &Resource,
    desired: &Attrs,
    reasons: Vec<String>,
) -> (ResourceChange, Decision) {
    let kind = resource.address.kind;
    let attrs = schema::attrs(kind)
        .iter()
        .filter_map(|spec| {
            let after = if spec.update == Update::Computed {
                After::Unknown
            } else {
                match desired.get(spec.name) {
                    Some(v) if !v.is_null() && v != &json!([]) => After::Known(v.clone()),
                    _ => return None,
                }
            };
            Some(AttrChange {
                name: spec.name.to_string(),
                before: None,
                after: Some(after),
                forces_replacement: false,
                sensitive: is_sensitive(resource, spec.name),
                multiline: spec.multiline,
                replaced: Vec::new(),
            })
        })
        .collect();
    (
        ResourceChange {
            address: resource.address.to_string(),
            kind,
            action: Action::Create,
            name: resource.name.clone(),
            region: resource.region.clone(),
            remote_id: None,
            attrs,
            reasons,
            create_before_destroy: resource.lifecycle.create_before_destroy,
            cost_before: None,
            cost_after: None,
            moved_from: None,
        },
        Decision { ops: Vec::new() },
    )
}

/// Attributes changed outside Garrison: observed now vs recorded at the last apply.
fn drift_of(
    address: &str,
    resource: &Resource,
    rs: &ResourceState,
    observed: &Attrs,
    ids: &IdIndex,
) -> Vec<Drift> {
    let kind = resource.address.kind;
    let recorded_all = ids.to_addresses(kind, &rs.attributes);
    let observed = ids.to_addresses(kind, observed);
    schema::attrs(kind)
        .iter()
        .filter(|spec| spec.update != Update::Computed)
        .filter_map(|spec| {
            let recorded = recorded_all.get(spec.name);
            let actual = observed.get(spec.name);
            (recorded.is_some() && actual.is_some() && !same(recorded, actual)).then(|| Drift {
                address: address.to_string(),
                attr: Some(spec.name.to_string()),
                recorded: recorded.cloned(),
                actual: actual.cloned(),
                sensitive: is_sensitive(resource, spec.name),
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn update_change(
    resource: &Resource,
    desired: &Attrs,
    rs: &ResourceState,
    observed_raw: &Attrs,
    ids: &IdIndex,
    renewed: &BTreeSet<String>,
    errors: &mut Vec<PlanError>,
) -> (ResourceChange, Decision) {
    let kind = resource.address.kind;
    let address = resource.address.to_string();
    let mut observed = ids.to_addresses(kind, observed_raw);
    if kind == Kind::Vm {
        // The API never returns cloud-init: compare with the hash recorded at create.
        observed.insert(
            vm::CLOUD_INIT.into(),
            rs.input_hashes
                .get(vm::CLOUD_INIT)
                .map_or(Value::Null, |h| json!(h)),
        );
    }
    let mut attrs = Vec::new();
    let mut reasons = Vec::new();
    let mut ops = Vec::new();
    let mut replace = false;

    let health = health::health(kind, observed_raw);
    if let Health::Broken(status) = &health {
        replace = true;
        reasons.push(health::broken_reason(status));
    }
    if let Some(reason) = keys::lost_private_key(resource, rs) {
        replace = true;
        reasons.push(reason);
    }

    for spec in schema::attrs(kind) {
        if spec.update == Update::Computed
            || resource
                .lifecycle
                .ignore_changes
                .iter()
                .any(|i| i == spec.name)
        {
            continue;
        }
        let Some(want) = desired.get(spec.name) else {
            continue; // not managed (e.g. a generated ssh public key)
        };
        let have = observed.get(spec.name);
        // Links to resources that get a new id in this plan change even if the address is
        // the same.
        let relinked: Vec<String> = match spec.link {
            Link::None => Vec::new(),
            Link::One(_) => want
                .as_str()
                .filter(|a| renewed.contains(*a))
                .map(|a| vec![a.to_string()])
                .unwrap_or_default(),
            Link::Many(_) => want
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|a| renewed.contains(*a))
                .map(str::to_string)
                .collect(),
        };
        if same(Some(want), have) && relinked.is_empty() {
            continue;
        }
        let forces = spec.update == Update::Replace;
        if forces {
            replace = true;
            reasons.push(format!("`{}` forces replacement", spec.name));
        }
        let after = if !relinked.is_empty() && spec.update == Update::Replace {
            After::Unknown
        } else {
            After::Known(want.clone())
        };
        attrs.push(AttrChange {
            name: spec.name.to_string(),
            before: have.cloned(),
            after: Some(after),
            forces_replacement: forces,
            sensitive: is_sensitive(resource, spec.name),
            multiline: spec.multiline,
            replaced: relinked.clone(),
        });
        if spec.update == Update::InPlace {
            in_place_ops(
                kind,
                spec.name,
                want,
                have,
                observed_raw,
                &relinked,
                ids,
                &address,
                errors,
                &mut ops,
            );
        }
    }

    let action = if replace {
        Action::Replace
    } else if let (true, Health::Busy(status)) = (attrs.is_empty(), &health) {
        reasons.push(health::busy_reason(status));
        Action::Wait
    } else if attrs.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    if action == Action::Replace {
        ops.clear();
    }
    (
        ResourceChange {
            address,
            kind,
            action,
            name: resource.name.clone(),
            region: resource.region.clone(),
            remote_id: Some(rs.remote_id.to_string()),
            attrs,
            reasons,
            create_before_destroy: resource.lifecycle.create_before_destroy
                && !matches!(health, Health::Broken(_)),
            cost_before: None,
            cost_after: None,
            moved_from: None,
        },
        Decision { ops },
    )
}

fn string_set(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string).or_else(|| id_text(x)))
        .collect()
}

/// Rules in `want` not in `have` (to add) and the ids of rules in `have` not in `want`.
fn rule_delta(want: &Value, have: Option<&Value>) -> (Vec<Value>, Vec<String>) {
    let want_items: Vec<Value> = want.as_array().cloned().unwrap_or_default();
    let have_items: Vec<Value> = have.and_then(Value::as_array).cloned().unwrap_or_default();
    let want_set: BTreeSet<String> = want_items
        .iter()
        .map(|r| strip_rule_id(r).to_string())
        .collect();
    let have_set: BTreeSet<String> = have_items
        .iter()
        .map(|r| strip_rule_id(r).to_string())
        .collect();
    let add = want_items
        .into_iter()
        .filter(|r| !have_set.contains(&strip_rule_id(r).to_string()))
        .collect();
    // Rules not wanted, and duplicates of wanted ones (a retried create may have made two).
    let mut kept = BTreeSet::new();
    let delete = have_items
        .iter()
        .filter(|r| {
            let key = strip_rule_id(r).to_string();
            !(want_set.contains(&key) && kept.insert(key))
        })
        .filter_map(|r| r.get("id").and_then(id_text))
        .collect();
    (add, delete)
}

#[allow(clippy::too_many_arguments)]
fn in_place_ops(
    kind: Kind,
    name: &str,
    want: &Value,
    have: Option<&Value>,
    observed_raw: &Attrs,
    relinked: &[String],
    ids: &IdIndex,
    address: &str,
    errors: &mut Vec<PlanError>,
    ops: &mut Vec<UpdateOp>,
) {
    match (kind, name) {
        (Kind::Volume, volume::SIZE_GB) => {
            let to = want.as_u64().unwrap_or_default();
            let from = have.and_then(Value::as_u64).unwrap_or_default();
            if to < from {
                errors.push(PlanError::VolumeShrink {
                    address: address.to_string(),
                    from,
                    to,
                    src: None,
                    at: None,
                });
            } else {
                ops.push(UpdateOp::ResizeVolume { size_gb: to });
            }
        }
        (Kind::Script, _) if !ops.contains(&UpdateOp::UpdateScript) => {
            ops.push(UpdateOp::UpdateScript);
        }
        (Kind::Firewall, firewall::RULES) => {
            let (add, delete) = rule_delta(want, have);
            if !delete.is_empty() {
                ops.push(UpdateOp::DeleteFirewallRules { rule_ids: delete });
            }
            if !add.is_empty() {
                ops.push(UpdateOp::AddFirewallRules { rules: add });
            }
        }
        (Kind::Vm, vm::SECURITY_RULES) => {
            let (add, delete) = rule_delta(want, have);
            if !delete.is_empty() {
                ops.push(UpdateOp::DeleteSecurityRules { rule_ids: delete });
            }
            if !add.is_empty() {
                ops.push(UpdateOp::AddSecurityRules { rules: add });
            }
        }
        (Kind::Vm, vm::VOLUMES) => {
            let want_set = string_set(Some(want));
            let have_set = string_set(have);
            // Observed ids of volumes that leave (or are replaced): detach by id.
            let raw_ids: Vec<String> = observed_raw
                .get(vm::VOLUMES)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(id_text)
                .collect();
            let leaving: BTreeSet<&String> = have_set
                .iter()
                .filter(|a| !want_set.contains(*a) || relinked.contains(a))
                .collect();
            let detach: Vec<String> = raw_ids
                .into_iter()
                .filter(|id| leaving.contains(&ids.address(Kind::Volume, id)))
                .collect();
            if !detach.is_empty() {
                ops.push(UpdateOp::DetachVolumes { volume_ids: detach });
            }
            let attach: Vec<String> = want_set
                .iter()
                .filter(|a| !have_set.contains(*a) || relinked.contains(a))
                .cloned()
                .collect();
            if !attach.is_empty() {
                ops.push(UpdateOp::AttachVolumes { volumes: attach });
            }
        }
        (Kind::Vm, vm::PUBLIC_IP) => ops.push(UpdateOp::SetPublicIp {
            enable: want.as_bool().unwrap_or(false),
        }),
        (Kind::Vm, vm::POWER) => {
            let to = Power::deserialize(want).unwrap_or_default();
            let from = have
                .and_then(|v| Power::deserialize(v).ok())
                .unwrap_or_default();
            ops.push(UpdateOp::SetPower { from, to });
        }
        // Firewalls on a VM are carried out by the firewall-attachment steps.
        _ => {}
    }
}

/// What a sensitive value is replaced with everywhere in a plan.
pub const REDACTED: &str = "(sensitive)";

/// Replaces sensitive values: a plan (and anything rendered or saved from it) never holds them.
fn redact(mut change: ResourceChange) -> ResourceChange {
    crate::canonical::rules(&mut change);
    for attr in change.attrs.iter_mut().filter(|a| a.sensitive) {
        attr.before = attr.before.as_ref().map(|_| json!(REDACTED));
        attr.after = match &attr.after {
            Some(After::Known(_)) => Some(After::Known(json!(REDACTED))),
            other => other.clone(),
        };
    }
    change
}

/// Whether an attribute's value came from a sensitive variable. The config records the node
/// names it read (`rule`, `gpu`, ...); plan attributes are named per `schema.rs`.
pub fn is_sensitive(resource: &Resource, attr: &str) -> bool {
    let nodes: &[&str] = match attr {
        firewall::RULES => &["rule", "rules"],
        vm::SECURITY_RULES => &["security-rule", "security-rules"],
        vm::GPU_MODEL | vm::GPU_COUNT => &["gpu"],
        vm::BOOT_IMAGE => &["image"],
        other => return resource.sensitive_attrs.contains(other),
    };
    nodes.iter().any(|n| resource.sensitive_attrs.contains(*n))
}
