//! Planning one resource the config wants: created, created again, updated, replaced, moved
//! or kept; then the refusals tied to it (protected, create-before-destroy under one name).

use garrison_config::model::Resource;
use garrison_state::ResourceState;
use serde_json::json;

use crate::action::{Action, Drift, ResourceChange};
use crate::desired::{self, Attrs};
use crate::error::PlanError;
use crate::keys;
use crate::options::PlanOptions;
use crate::protect;
use crate::suggest::quoted;

use super::create::create_change;
use super::drift::drift_of;
use super::names::name_taken;
use super::sensitive::redact;
use super::update::update_change;
use super::{Current, Decision, Run};

impl<'a> Run<'a> {
    /// Plans `resource` (its dependencies are planned already).
    pub(super) fn plan_wanted(&mut self, resource: &'a Resource) {
        // Taken out while this resource is planned, so the phases below can add to the run.
        let current = std::mem::take(&mut self.current);
        let address = resource.address.to_string();
        let desired = desired::desired(resource);
        let moved_from = self.moves.get(&address).cloned();
        let cur = current
            .get(address.as_str())
            .or_else(|| moved_from.as_deref().and_then(|f| current.get(f)));
        let (change, decision) = match cur {
            None => {
                self.errors.extend(name_taken(
                    resource,
                    self.model,
                    self.remote,
                    self.state,
                    None,
                ));
                create_change(resource, desired, Vec::new(), &mut self.scratch)
            }
            Some(Current {
                observed: None,
                state: rs,
            }) => self.created_again(resource, desired, rs),
            Some(Current {
                observed: Some(observed),
                state: rs,
            }) => self.existing(resource, desired, rs, observed, moved_from.as_deref()),
        };
        let mut change = change;
        if let Some(remote_id) = self.imports.get(&address).cloned() {
            self.imported(&mut change, &remote_id);
        }
        self.refusals(resource, &change, cur);
        crate::cloud_init::show_text(&mut change, resource, cur.map(|c| c.state));
        // No ops reads as no decision (a plan of 100k creates held 100k empty ones).
        if !decision.ops.is_empty() {
            self.decisions.insert(address.clone(), decision);
        }
        self.changes.insert(address, redact(change));
        self.current = current;
    }

    /// `--replace ADDR`: an existing object kept or updated in place is replaced instead.
    fn requested_replace(
        &self,
        resource: &Resource,
        mut change: ResourceChange,
        decision: Decision,
    ) -> (ResourceChange, Decision) {
        let asked = PlanOptions::names(&self.options.replace, &resource.address);
        if !asked || !matches!(change.action, Action::NoOp | Action::Update | Action::Wait) {
            return (change, decision);
        }
        change.action = Action::Replace;
        change
            .reasons
            .push("replacement requested with `--replace`".to_string());
        (change, Decision::default())
    }

    /// `lifecycle { replace-triggered-by ... }`: an object kept or updated in place is
    /// replaced when a listed resource (a dependency, so planned already) is planned to be
    /// created, updated or replaced.
    fn triggered_replace(
        &self,
        resource: &Resource,
        mut change: ResourceChange,
        decision: Decision,
    ) -> (ResourceChange, Decision) {
        if !matches!(change.action, Action::NoOp | Action::Update | Action::Wait) {
            return (change, decision);
        }
        let fired = resource
            .lifecycle
            .replace_triggered_by
            .iter()
            .find_map(|t| {
                let key = t.to_string();
                let planned = self.changes.get(&key)?.action;
                matches!(planned, Action::Create | Action::Update | Action::Replace)
                    .then_some((key, planned))
            });
        let Some((trigger, planned)) = fired else {
            return (change, decision);
        };
        change.action = Action::Replace;
        change.reasons.push(format!(
            "`{trigger}` will be {} (lifecycle `replace-triggered-by`)",
            match planned {
                Action::Create => "created",
                Action::Update => "updated",
                _ => "replaced",
            }
        ));
        (change, Decision::default())
    }

    /// An `import` brings the object in; a plan that would then replace it is refused
    /// (importing must never destroy what it adopts).
    fn imported(&mut self, change: &mut ResourceChange, remote_id: &str) {
        change.imported = Some(remote_id.into());
        change.reasons.insert(
            0,
            format!(
                "imported: the existing {} `{}` (id {remote_id}) is brought under this address",
                change.kind, change.name
            ),
        );
        if change.action == Action::Replace {
            let why = change
                .reasons
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ");
            self.errors.push(PlanError::import(
                &change.address.to_string(),
                format!("importing {} {remote_id} would replace it ({why})", change.kind),
                "make the config match the object (`garrison plan --generate-config-out FILE` writes it), or list the attribute in `lifecycle { ignore-changes ... }`",
            ));
        }
    }

    /// A resource the state holds but the cloud no longer has.
    fn created_again(
        &mut self,
        resource: &Resource,
        desired: Attrs,
        rs: &ResourceState,
    ) -> (ResourceChange, Decision) {
        // D5: "create again" collides like any create (e.g. a restored older state).
        self.errors.extend(name_taken(
            resource,
            self.model,
            self.remote,
            self.state,
            Some(rs),
        ));
        self.drift.push(Drift {
            address: resource.address.to_string(),
            attr: None,
            recorded: Some(json!(rs.remote_id)),
            actual: None,
            sensitive: false,
        });
        create_change(
            resource,
            desired,
            vec!["deleted outside Garrison: it will be created again".into()],
            &mut self.scratch,
        )
    }

    /// A resource the state holds and the cloud has (possibly under its old address).
    fn existing(
        &mut self,
        resource: &Resource,
        desired: Attrs,
        rs: &ResourceState,
        observed: &Attrs,
        moved_from: Option<&str>,
    ) -> (ResourceChange, Decision) {
        let address = resource.address.to_string();
        let (change, decision) = update_change(
            resource,
            &desired,
            rs,
            observed,
            &self.ids,
            &self.changes,
            &mut self.errors,
        );
        // Before the move is decided: an object replaced is not kept under its new address.
        let (change, decision) = self.requested_replace(resource, change, decision);
        let (mut change, decision) = self.triggered_replace(resource, change, decision);
        match moved_from {
            Some(from) if change.action == Action::Replace => {
                // Not kept after all: destroyed at `from` (the leaving loop), then
                // created here, after the delete (same cloud name).
                self.moves.remove(&address);
                self.replaced_moves
                    .insert(address.clone(), from.to_string());
                let mut reasons = vec![crate::moves::replaced_reason(from, &rs.name)];
                reasons.extend(change.reasons);
                create_change(resource, desired, reasons, &mut self.scratch)
            }
            Some(from) => {
                let mut reasons = if self.declared_moves.contains(&address) {
                    vec![format!("`moved from={} to={}`: the object (cloud name `{}`) is kept; its state entry moves, no cloud call", quoted(&from), quoted(&address), rs.name)]
                } else {
                    crate::moves::moved_reasons(from, &address, &rs.name)
                };
                reasons.append(&mut change.reasons);
                change.reasons = reasons;
                change.moved_from = Some(from.into());
                protect::settings_change(resource, rs, &mut change);
                (change, decision)
            }
            None => {
                if self.remote.refreshed {
                    self.drift
                        .extend(drift_of(&address, resource, rs, observed, &self.ids));
                }
                protect::settings_change(resource, rs, &mut change);
                if change.action == Action::Replace
                    && keys::lost_private_key(resource, rs).is_some()
                    && keys::used_create_before_destroy(&self.wanted, &address)
                {
                    change.create_before_destroy = true;
                }
                (change, decision)
            }
        }
    }

    /// Refusals tied to this resource's change: replacing a protected resource, and a
    /// create-before-destroy that would need its own name twice.
    fn refusals(
        &mut self,
        resource: &Resource,
        change: &ResourceChange,
        cur: Option<&Current<'_>>,
    ) {
        if change.action == Action::Replace && resource.protect {
            self.errors.push(PlanError::Protected {
                address: change.address.to_string(),
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
                self.errors.push(PlanError::CreateBeforeDestroyName {
                    address: change.address.to_string(),
                    name: resource.name.clone(),
                    src: None,
                    at: None,
                });
            }
        }
    }
}
