//! The planner: (model, state, remote view) -> `Plan`. Pure: no IO, same inputs, same plan.
//!
//! `plan` runs named phases over one [`Run`]: read what exists ([`Run::new`]), plan every
//! wanted resource in dependency order (`wanted.rs`), plan what the config no longer wants
//! (`leaving.rs`), then block, cost, order and summarise (`assemble.rs`).

mod assemble;
mod changes;
mod create;
mod drift;
mod explicit;
mod ids;
mod imports;
mod leaving;
mod names;
mod names_kept;
mod scope;
mod sensitive;
mod update;
mod wanted;

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Model, Resource};
use garrison_state::{ResourceState, StateDoc};

use crate::action::Drift;
use crate::desired::Attrs;
use crate::error::{PlanError, PlanFailure};
use crate::graph;
use crate::plan::Plan;
use crate::remote::{Observed, RemoteView};
use crate::step::UpdateOp;

pub(crate) use changes::Changes;
pub(crate) use ids::{id_text, IdIndex};
pub use names_kept::keep_existing_names;
pub use sensitive::{is_sensitive, REDACTED};

use crate::options::PlanOptions;

/// A resource of the state with what the cloud says of it now.
pub(crate) struct Current<'a> {
    pub(crate) state: &'a ResourceState,
    /// `None`: deleted outside Garrison.
    pub(crate) observed: Option<Attrs>,
}

/// Per-address decisions the step builder needs besides the public change list; an address
/// without one has none (no ops).
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
    // Defaulted names stay what the existing objects are called (after a move, an import).
    let kept = keep_existing_names(model, state, remote);
    let model = kept.as_ref().unwrap_or(model);
    let mut errors = Vec::new();
    let whole = !options.destroy && !options.refresh_only;
    let explicit = if whole {
        explicit::moves(model, state, &mut errors)
    } else {
        BTreeMap::new()
    };
    let imports = if whole {
        imports::prepare(model, state, remote, &explicit, &mut errors)
    } else {
        imports::Imports {
            state: std::borrow::Cow::Borrowed(state),
            remote: std::borrow::Cow::Borrowed(remote),
            pending: BTreeMap::new(),
        }
    };
    let mut run = Run::new(model, &imports.state, &imports.remote, options, explicit);
    run.imports = imports.pending.clone();
    run.errors = errors;
    run.scope = scope::scope(&run.options, &run.wanted, state, &mut run.errors);
    let order = match graph::config_order(&run.wanted, &run.deps) {
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
    let mut plan = run.assemble()?;
    // The basis is the stored state, not the copy holding the pending imports.
    plan.basis.state_lineage =
        (state.serial > 0 || !state.resources.is_empty()).then_some(state.lineage);
    Ok(plan)
}

/// One planning run: its inputs, and what the phases have decided so far.
struct Run<'a> {
    model: &'a Model,
    state: &'a StateDoc,
    remote: &'a RemoteView,
    options: PlanOptions,
    current: BTreeMap<&'a str, Current<'a>>,
    wanted: Vec<&'a Resource>,
    /// `wanted` by address, and each one's dependencies among them.
    deps: graph::Deps<'a>,
    /// New address -> old address of the objects kept under a new address.
    moves: BTreeMap<String, String>,
    /// Second state entries of one object (an interrupted move) -> the address kept.
    duplicates: BTreeMap<String, String>,
    ids: IdIndex,
    /// Arriving address -> leaving address of moves that became a replacement (destroyed
    /// there, created here under the same cloud name): a partial plan takes both or neither.
    replaced_moves: BTreeMap<String, String>,
    /// The arriving addresses of `moves` that a `moved` block declared.
    declared_moves: BTreeSet<String>,
    /// Address -> remote id of the objects `import` blocks bring in with this plan.
    imports: BTreeMap<String, String>,
    /// The addresses a partial plan (`--target`, `--exclude`) may change.
    scope: Option<BTreeSet<garrison_config::model::Address>>,
    changes: crate::planner::Changes,
    decisions: BTreeMap<String, Decision>,
    drift: Vec<Drift>,
    errors: Vec<PlanError>,
    /// Where a create gathers its attribute changes before they get a list of their own.
    scratch: Vec<crate::action::AttrChange>,
}

impl<'a> Run<'a> {
    /// Reads what exists: the state with the cloud's view of it, what the config wants, and
    /// which objects move to a new address.
    fn new(
        model: &'a Model,
        state: &'a StateDoc,
        remote: &'a RemoteView,
        options: PlanOptions,
        explicit: BTreeMap<String, String>,
    ) -> Self {
        let current = current_view(state, remote);
        let wanted: Vec<&Resource> = if options.destroy {
            Vec::new()
        } else {
            model.resources.iter().collect()
        };
        // D7: same kind and cloud name leaving and arriving is one object under a new address
        // (only while it exists: one deleted outside Garrison is created again).
        // Explicit `moved` blocks first; then same kind and cloud name (D7).
        let declared_moves = explicit.keys().cloned().collect();
        let mut moves = explicit;
        for (to, from) in crate::moves::detect(&wanted, state) {
            if !moves.contains_key(&to) && !moves.values().any(|f| *f == from) {
                moves.insert(to, from);
            }
        }
        moves.retain(|_, from| {
            current
                .get(from.as_str())
                .is_some_and(|c| c.observed.is_some())
        });
        let duplicates = crate::moves::duplicates(&wanted, state);
        let ids = IdIndex::new(state).moved(&moves);
        let deps = graph::Deps::new(&wanted);
        let wanted_len = wanted.len();
        Run {
            model,
            state,
            remote,
            options,
            current,
            wanted,
            deps,
            moves,
            duplicates,
            ids,
            declared_moves,
            replaced_moves: BTreeMap::new(),
            imports: BTreeMap::new(),
            scope: None,
            // One per wanted resource and state entry, at most: sized once.
            changes: Changes::with_capacity(wanted_len + state.resources.len()),
            decisions: BTreeMap::new(),
            drift: Vec::new(),
            errors: Vec::new(),
            scratch: Vec::new(),
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
