//! Partial plans: `--target ADDR` (the targets and what they depend on) and `--exclude
//! ADDR` (everything but the excluded and what depends on them). Once planned, a delete or
//! replacement goes only with what must let go of it or relink (a target takes those, an
//! exclusion leaves it out). Every address named must name something in the config or the
//! state; `--replace` too.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Address, Resource};
use garrison_core::Target;
use garrison_state::StateDoc;

use crate::action::Action;
use crate::error::PlanError;
use crate::options::PlanOptions;

/// The addresses (state keys' base addresses) a partial plan may change; `None` when the
/// plan is whole.
pub(super) fn scope(
    options: &PlanOptions,
    wanted: &[&Resource],
    state: &StateDoc,
    errors: &mut Vec<PlanError>,
) -> Option<BTreeSet<Address>> {
    let known = known(wanted, state);
    let replace = options.replace.iter().map(|a| Target::Resource(a.clone()));
    let named = replace
        .map(|t| ("--replace", t))
        .chain(options.target.iter().map(|t| ("--target", t.clone())))
        .chain(options.exclude.iter().map(|t| ("--exclude", t.clone())));
    for (flag, t) in named {
        if !known.iter().any(|k| t.covers(k)) {
            errors.push(PlanError::UnknownAddress {
                flag,
                address: t.to_string(),
            });
        }
    }
    if !options.is_partial() {
        return None;
    }
    let deps = dependencies(wanted, state);
    let mut set: BTreeSet<Address> = if options.target.is_empty() {
        known.clone()
    } else {
        let start = known
            .iter()
            .filter(|a| PlanOptions::covers(&options.target, a));
        closure(start.cloned().collect(), &deps)
    };
    if !options.exclude.is_empty() {
        let mut dependents: BTreeMap<Address, BTreeSet<Address>> = BTreeMap::new();
        for (a, ds) in &deps {
            for d in ds {
                dependents.entry(d.clone()).or_default().insert(a.clone());
            }
        }
        let start = known
            .iter()
            .filter(|a| PlanOptions::covers(&options.exclude, a));
        for a in closure(start.cloned().collect(), &dependents) {
            set.remove(&a);
        }
    }
    Some(set)
}

/// After planning: a delete or replacement in `scope` whose user (per the config or the
/// state) changes outside it cannot happen alone (the API refuses to delete an attached
/// volume or a key in use). With `--target` only, the users join the scope (with what they
/// depend on); otherwise the delete or replacement leaves it.
/// A move that became a replacement is one change at two addresses (the delete frees the
/// cloud name the create takes): `--target` of either takes both, `--exclude` of either
/// leaves both, so a partial plan never destroys one without making the other.
pub(super) fn pair(
    scope: &mut BTreeSet<Address>,
    options: &PlanOptions,
    replaced_moves: &BTreeMap<String, String>,
) {
    let grow = options.exclude.is_empty();
    for (to, from) in replaced_moves {
        let (Ok(to), Ok(from)) = (to.parse::<Address>(), from.parse::<Address>()) else {
            continue;
        };
        let (has_to, has_from) = (scope.contains(&to), scope.contains(&from));
        if has_to == has_from {
            continue;
        }
        if grow {
            scope.insert(to);
            scope.insert(from);
        } else {
            scope.remove(&to);
            scope.remove(&from);
        }
    }
}

pub(super) fn settle(
    scope: &mut BTreeSet<Address>,
    options: &PlanOptions,
    wanted: &[&Resource],
    state: &StateDoc,
    changes: &crate::planner::Changes,
) {
    let deps = dependencies(wanted, state);
    let grow = options.exclude.is_empty();
    let changing = |a: &Address| {
        changes
            .get(&a.to_string())
            .is_some_and(|c| c.action != Action::NoOp)
    };
    loop {
        let stuck: Vec<(Address, Address)> = changes
            .values()
            .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
            .map(|c| c.address.address())
            .filter(|a| scope.contains(*a))
            .flat_map(|a| {
                deps.iter()
                    .filter(|(u, ds)| ds.contains(a) && !scope.contains(*u) && changing(u))
                    .map(|(u, _)| (a.clone(), u.clone()))
            })
            .collect();
        if stuck.is_empty() {
            return;
        }
        for (destroyed, user) in stuck {
            if grow {
                scope.extend(closure(vec![user], &deps));
            } else {
                scope.remove(&destroyed);
            }
        }
    }
}

/// Every address of the config and the state (deposed entries under their address).
fn known(wanted: &[&Resource], state: &StateDoc) -> BTreeSet<Address> {
    wanted
        .iter()
        .map(|r| r.address.clone())
        .chain(
            state
                .resources
                .values()
                .map(|rs| rs.address.address().clone()),
        )
        .collect()
}

/// Address -> what it depends on, per the config and per the state.
fn dependencies(wanted: &[&Resource], state: &StateDoc) -> BTreeMap<Address, BTreeSet<Address>> {
    let mut deps: BTreeMap<Address, BTreeSet<Address>> = BTreeMap::new();
    for r in wanted {
        let entry = deps.entry(r.address.clone()).or_default();
        entry.extend(
            crate::graph::dependencies(r)
                .iter()
                .filter_map(|d| d.parse().ok()),
        );
    }
    for rs in state.resources.values() {
        let entry = deps.entry(rs.address.address().clone()).or_default();
        entry.extend(rs.dependencies.iter().filter_map(|d| d.parse().ok()));
    }
    deps
}

/// `start` and everything reachable from it along `edges`.
fn closure(start: Vec<Address>, edges: &BTreeMap<Address, BTreeSet<Address>>) -> BTreeSet<Address> {
    let mut seen = BTreeSet::new();
    let mut stack = start;
    while let Some(a) = stack.pop() {
        if let Some(next) = edges.get(&a) {
            stack.extend(next.iter().filter(|n| !seen.contains(*n)).cloned());
        }
        seen.insert(a);
    }
    seen
}
