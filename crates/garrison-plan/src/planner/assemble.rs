//! The last phases of a plan: refusals (fatal, or blocking one resource and what needs it),
//! stock and costs, steps, notes, and the summary.

use std::collections::BTreeSet;

use serde_json::json;

use crate::action::{Action, ResourceChange};
use crate::blocked::{self, Blocked};
use crate::cost;
use crate::error::{PlanError, PlanFailure};
use crate::graph;
use crate::options::PlanOptions;
use crate::plan::{Basis, Plan, Summary, PLAN_FORMAT_VERSION};

use super::{Decision, Run, REDACTED};

impl Run<'_> {
    /// Turns the decided changes into the plan, or fails with every fatal refusal.
    pub(super) fn assemble(mut self) -> Result<Plan, PlanFailure> {
        if self.options.refresh_only {
            self.only_drift();
        }
        let (outside, left_out) = self.narrow();
        let suggestions =
            crate::suggest::moved_blocks(&self.changes, &self.wanted, &self.model.moved);
        for d in &mut self.drift {
            if d.sensitive {
                d.recorded = d.recorded.as_ref().map(|_| json!(REDACTED));
                d.actual = d.actual.as_ref().map(|_| json!(REDACTED));
            }
        }
        let blocked = self.block()?;
        // Blocked and out-of-scope resources stay as they are: so does their cost.
        let mut kept: BTreeSet<String> = blocked.iter().map(|b| b.address.clone()).collect();
        let outside_set: BTreeSet<String> = left_out.iter().cloned().collect();
        kept.extend(left_out);
        let mut cost = cost::apply_costs(
            &mut self.changes,
            &self.current,
            &self.wanted,
            self.remote,
            &kept,
        );
        if let (Some(c), true) = (cost.as_mut(), self.options.refresh_only) {
            c.after_per_hour = c.before_per_hour;
            c.delta_per_hour = 0.0;
        }

        let steps = graph::steps(
            self.model,
            &self.wanted,
            &self.deps,
            &self.current,
            &self.changes,
            &self.decisions,
            &self.ids,
            &self.moves,
            &outside_set,
        );

        let notes = crate::notes::notes(&crate::notes::Inputs {
            steps: &steps,
            wanted: &self.wanted,
            deps: &self.deps,
            current: &self.current,
            changes: &self.changes,
            ids: &self.ids,
            prices: self.remote.prices.as_ref(),
            by_address: std::cell::OnceCell::new(),
        });

        let mut hints: Vec<String> = partial_note(&self.options, outside).into_iter().collect();
        hints.extend(suggestions);
        let summary = summary(&self.changes, blocked.len());
        let (model, state, remote) = (self.model, self.state, self.remote);
        // What only planning needed goes before the plan's largest part is copied out of the
        // change map (the peak of a plan of 100k creates).
        drop(std::mem::take(&mut self.decisions));
        drop(std::mem::take(&mut self.deps));
        let changes = kept_changes(self.changes);
        let outputs = if self.options.refresh_only {
            Vec::new()
        } else {
            crate::outputs::output_changes(model, state, &changes, self.options.destroy)
        };
        Ok(Plan {
            format_version: PLAN_FORMAT_VERSION,
            basis: Basis {
                config_hash: model.config_hash.clone(),
                state_lineage: (state.serial > 0 || !state.resources.is_empty())
                    .then_some(state.lineage),
                state_serial: state.serial,
                refreshed: remote.refreshed,
            },
            destroy: self.options.destroy,
            options: self.options.clone(),
            summary,
            changes,
            outputs,
            drift: self.drift,
            blocked,
            cost,
            warnings: model.warnings.clone(),
            steps,
            notes,
            hints,
            violations: Vec::new(),
            rehearsal: None,
        })
    }

    /// `--refresh-only`: no change to the cloud at all; only the drift is shown (and apply
    /// records it).
    fn only_drift(&mut self) {
        self.errors.clear();
        self.changes.clear();
        self.decisions.clear();
        self.moves.clear();
        self.imports.clear();
    }

    /// A partial plan: every change outside the scope is left for a later plan (its
    /// refusals too). Returns how many changes were left out.
    fn narrow(&mut self) -> (usize, Vec<String>) {
        let Some(scope) = &mut self.scope else {
            return (0, Vec::new());
        };
        super::scope::pair(scope, &self.options, &self.replaced_moves);
        super::scope::settle(
            scope,
            &self.options,
            &self.wanted,
            self.state,
            &self.changes,
        );
        let scope = &*scope;
        let outside: Vec<String> = self
            .changes
            .iter()
            .filter(|(_, c)| !scope.contains(c.address.address()))
            .map(|(a, _)| a.clone())
            .collect();
        let mut left_out = 0;
        for address in &outside {
            if let Some(c) = self.changes.remove(address) {
                if c.moved_from.is_some() {
                    // A move changes the state alone: it stays, so every address still
                    // means one object (links, firewall sets); what follows it waits.
                    left_out += usize::from(c.action != Action::NoOp);
                    self.changes.insert(address.clone(), only_the_move(c));
                    self.decisions.insert(address.clone(), Decision::default());
                    continue;
                }
                if c.action != Action::NoOp || c.imported.is_some() {
                    left_out += 1;
                }
            }
            self.decisions.remove(address);
            self.moves.remove(address);
            self.imports.remove(address);
        }
        self.errors
            .retain(|e| e.address().is_none_or(|a| !outside.iter().any(|o| o == a)));
        // Everything outside, changing or not, keeps its cost (a moved one's is counted at
        // its old address).
        let mut all_outside: Vec<String> = self
            .wanted
            .iter()
            .map(|r| &r.address)
            .filter(|a| !scope.contains(*a))
            .map(ToString::to_string)
            .chain(outside)
            .collect();
        let sources = all_outside
            .iter()
            .filter_map(|a| self.moves.get(a).cloned());
        all_outside.extend(sources.collect::<Vec<_>>());
        (left_out, all_outside)
    }

    /// Refusals tied to one resource block it (and what needs it); the rest still happens.
    /// Any other refusal (or a stock shortage) fails the plan.
    fn block(&mut self) -> Result<Vec<Blocked>, PlanFailure> {
        let errors = std::mem::take(&mut self.errors);
        let (per_resource, mut errors): (Vec<PlanError>, Vec<PlanError>) = errors
            .into_iter()
            .partition(|e| blocked::is_per_resource(e).is_some());
        if !errors.is_empty() {
            cost::check_stock(&self.changes, &self.current, self.remote, &mut errors);
            errors.iter_mut().for_each(|e| e.locate(self.model));
            return Err(PlanFailure { errors });
        }
        let initial = per_resource
            .iter()
            .filter_map(|e| {
                let address = blocked::is_per_resource(e)?;
                let action = self.changes.get(address)?.action;
                Some(Blocked::from_error(address, action, e))
            })
            .collect();
        let blocked = blocked::spread(
            initial,
            &self.wanted,
            &self.current,
            &mut self.changes,
            &mut self.decisions,
        );
        cost::check_stock(&self.changes, &self.current, self.remote, &mut errors);
        if !errors.is_empty() {
            errors.iter_mut().for_each(|e| e.locate(self.model));
            return Err(PlanFailure { errors });
        }
        Ok(blocked)
    }
}

/// A moved resource's change without what would follow the move (updates, a wait).
fn only_the_move(mut change: ResourceChange) -> ResourceChange {
    let from = change.moved_from.as_deref().unwrap_or_default().to_string();
    change.action = Action::NoOp;
    change.attrs.clear();
    change.reasons.retain(|r| r.contains(&from));
    change
}

/// The warning at the top of a partial plan.
fn partial_note(options: &PlanOptions, outside: usize) -> Option<String> {
    if !options.is_partial() {
        return None;
    }
    let list = |flag: &str, l: &[garrison_core::Target]| {
        l.iter().map(|a| format!("{flag} {a}")).collect::<Vec<_>>()
    };
    let mut flags = list("--target", &options.target);
    flags.extend(list("--exclude", &options.exclude));
    Some(format!(
        "this plan is partial ({}): {outside} change{} outside it {} left for a later apply; the cloud will not fully match the config until a plan without `--target`/`--exclude` is applied",
        flags.join(" "),
        if outside == 1 { "" } else { "s" },
        if outside == 1 { "is" } else { "are" },
    ))
}

/// The changes a plan shows, in address order (reordered in place: no second list).
fn kept_changes(changes: crate::planner::Changes) -> Vec<ResourceChange> {
    changes
        .into_sorted(|c| c.action != Action::NoOp || c.moved_from.is_some() || c.imported.is_some())
}

/// How many changes of each action, moves and blocked resources.
fn summary(changes: &crate::planner::Changes, blocked: usize) -> Summary {
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
        if change.imported.is_some() {
            summary.import += 1;
        }
    }
    summary.blocked = blocked;
    summary
}
