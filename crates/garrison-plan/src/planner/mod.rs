//! The planner: (model, state, remote view) -> `Plan`. Pure: no IO, same inputs, same plan.
//!
//! `plan` runs named phases over one [`Run`]: read what exists ([`Run::new`]), plan every
//! wanted resource in dependency order (`wanted.rs`), plan what the config no longer wants
//! (`leaving.rs`), then block, cost, order and summarise (`assemble.rs`).

mod assemble;
mod create;
mod drift;
mod ids;
mod leaving;
mod names;
mod sensitive;
mod update;
mod wanted;

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Model, Resource};
use garrison_state::{ResourceState, StateDoc};

use crate::action::{Drift, ResourceChange};
use crate::desired::Attrs;
use crate::error::{PlanError, PlanFailure};
use crate::graph;
use crate::plan::Plan;
use crate::remote::{Observed, RemoteView};
use crate::step::UpdateOp;

pub(crate) use ids::{id_text, IdIndex};
pub use sensitive::{is_sensitive, REDACTED};

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
    let mut run = Run::new(model, state, remote, options);
    let order = match graph::config_order(&run.wanted) {
        Ok(order) => order,
        Err(cycle) => {
            return Err(PlanFailure {
                errors: vec![PlanError::Cycle { path: cycle }],
            })
        }
    };
    for i in order {
        let resource = run.wanted[i];
        run.plan_wanted(resource);
    }
    run.plan_leaving();
    run.assemble()
}

/// One planning run: its inputs, and what the phases have decided so far.
struct Run<'a> {
    model: &'a Model,
    state: &'a StateDoc,
    remote: &'a RemoteView,
    options: PlanOptions,
    current: BTreeMap<&'a str, Current<'a>>,
    wanted: Vec<&'a Resource>,
    /// New address -> old address of the objects kept under a new address.
    moves: BTreeMap<String, String>,
    /// Second state entries of one object (an interrupted move) -> the address kept.
    duplicates: BTreeMap<String, String>,
    ids: IdIndex,
    changes: BTreeMap<String, ResourceChange>,
    decisions: BTreeMap<String, Decision>,
    drift: Vec<Drift>,
    /// Addresses whose remote id changes in this plan (created or replaced).
    renewed: BTreeSet<String>,
    errors: Vec<PlanError>,
}

impl<'a> Run<'a> {
    /// Reads what exists: the state with the cloud's view of it, what the config wants, and
    /// which objects move to a new address.
    fn new(
        model: &'a Model,
        state: &'a StateDoc,
        remote: &'a RemoteView,
        options: PlanOptions,
    ) -> Self {
        let current = current_view(state, remote);
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
        Run {
            model,
            state,
            remote,
            options,
            current,
            wanted,
            moves,
            duplicates,
            ids,
            changes: BTreeMap::new(),
            decisions: BTreeMap::new(),
            drift: Vec::new(),
            renewed: BTreeSet::new(),
            errors: Vec::new(),
        }
    }
}

/// Every state entry with what the cloud says of it (the state itself when not refreshed).
fn current_view<'a>(state: &'a StateDoc, remote: &RemoteView) -> BTreeMap<&'a str, Current<'a>> {
    state
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
        .collect()
}
