//! Partial plans: `--target ADDR` (the targets and what they depend on) and `--exclude
//! ADDR` (everything but the excluded and what depends on them). A resource leaving the
//! config is deleted only with what still uses it (per the state): a target takes those
//! users, and one left out keeps it. Every address named must name something in the config
//! or the state; `--replace` too.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Address, Resource};
use garrison_state::StateDoc;

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
    for (flag, list) in [
        ("--replace", &options.replace),
        ("--target", &options.target),
        ("--exclude", &options.exclude),
    ] {
        for a in list {
            if !known
                .iter()
                .any(|k| PlanOptions::names(std::slice::from_ref(a), k))
            {
                errors.push(PlanError::UnknownAddress {
                    flag,
                    address: a.to_string(),
                });
            }
        }
    }
    if !options.is_partial() {
        return None;
    }
    let deps = dependencies(wanted, state);
    let mut dependents: BTreeMap<Address, BTreeSet<Address>> = BTreeMap::new();
    for (a, ds) in &deps {
        for d in ds {
            dependents.entry(d.clone()).or_default().insert(a.clone());
        }
    }
    // Leaving the config: deleted only once what uses them (per the state) let go.
    let leaving: BTreeSet<&Address> = known
        .iter()
        .filter(|a| !wanted.iter().any(|r| r.address == **a))
        .collect();
    let mut set: BTreeSet<Address> = if options.target.is_empty() {
        known.clone()
    } else {
        let start = known
            .iter()
            .filter(|a| PlanOptions::names(&options.target, a));
        let mut set = closure(start.cloned().collect(), &deps);
        // A targeted delete takes what must let go of it first (and what that needs).
        loop {
            let users: Vec<Address> = set
                .iter()
                .filter(|a| leaving.contains(a))
                .filter_map(|a| dependents.get(a))
                .flatten()
                .filter(|u| !set.contains(*u))
                .cloned()
                .collect();
            if users.is_empty() {
                break set;
            }
            set.extend(closure(users, &deps));
        }
    };
    if !options.exclude.is_empty() {
        let start = known
            .iter()
            .filter(|a| PlanOptions::names(&options.exclude, a));
        for a in closure(start.cloned().collect(), &dependents) {
            set.remove(&a);
        }
    }
    // What something left out still uses cannot be deleted now: it waits too.
    let kept = |set: &BTreeSet<Address>, a: &Address| {
        leaving.contains(a)
            && dependents
                .get(a)
                .is_some_and(|users| users.iter().any(|u| !set.contains(u)))
    };
    while let Some(a) = set.iter().find(|a| kept(&set, a)).cloned() {
        set.remove(&a);
    }
    Some(set)
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
