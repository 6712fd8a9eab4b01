//! The last phases of a plan: refusals (fatal, or blocking one resource and what needs it),
//! stock and costs, steps, notes, and the summary.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::action::{Action, ResourceChange};
use crate::blocked::{self, Blocked};
use crate::cost;
use crate::error::{PlanError, PlanFailure};
use crate::graph;
use crate::plan::{Basis, Plan, Summary, PLAN_FORMAT_VERSION};

use super::{Run, REDACTED};

impl Run<'_> {
    /// Turns the decided changes into the plan, or fails with every fatal refusal.
    pub(super) fn assemble(mut self) -> Result<Plan, PlanFailure> {
        for d in &mut self.drift {
            if d.sensitive {
                d.recorded = d.recorded.as_ref().map(|_| json!(REDACTED));
                d.actual = d.actual.as_ref().map(|_| json!(REDACTED));
            }
        }
        let blocked = self.block()?;
        let kept: BTreeSet<String> = blocked.iter().map(|b| b.address.clone()).collect();
        let cost = cost::apply_costs(
            &mut self.changes,
            &self.current,
            &self.wanted,
            self.remote,
            &kept,
        );

        let steps = graph::steps(
            self.model,
            &self.wanted,
            &self.current,
            &self.changes,
            &self.decisions,
            &self.ids,
            &self.renewed,
            &self.moves,
        );

        let notes = crate::notes::notes(&crate::notes::Inputs {
            steps: &steps,
            wanted: &self.wanted,
            current: &self.current,
            changes: &self.changes,
            ids: &self.ids,
            prices: self.remote.prices.as_ref(),
        });

        let summary = summary(&self.changes, blocked.len());
        let (model, state, remote) = (self.model, self.state, self.remote);
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
            summary,
            changes: self
                .changes
                .into_values()
                .filter(|c| c.action != Action::NoOp || c.moved_from.is_some())
                .collect(),
            drift: self.drift,
            blocked,
            cost,
            warnings: model.warnings.clone(),
            steps,
            notes,
        })
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
            &mut self.renewed,
        );
        cost::check_stock(&self.changes, &self.current, self.remote, &mut errors);
        if !errors.is_empty() {
            errors.iter_mut().for_each(|e| e.locate(self.model));
            return Err(PlanFailure { errors });
        }
        Ok(blocked)
    }
}

/// How many changes of each action, moves and blocked resources.
fn summary(changes: &BTreeMap<String, ResourceChange>, blocked: usize) -> Summary {
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
    summary.blocked = blocked;
    summary
}
