//! Hourly cost from the pricing routes, and the GPU stock check done at plan time.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Kind, Resource};

use crate::action::{Action, ResourceChange};
use crate::desired::{self, Attrs};
use crate::error::PlanError;
use crate::plan::Cost;
use crate::planner::Current;
use crate::remote::{Prices, RemoteView};
use crate::schema::vm;

/// USD per hour of a resource with these attributes (desired or observed).
pub fn hourly(kind: Kind, attrs: &Attrs, prices: &Prices) -> f64 {
    crate::kinds::hourly(kind, attrs, prices)
}

/// The attributes a resource will have after apply: what the config wants, except that a
/// resource kept (not created or replaced) keeps its ignored and computed attributes.
fn after_apply(r: &Resource, change: Option<&ResourceChange>, observed: Option<&Attrs>) -> Attrs {
    let mut attrs = desired::desired(r);
    let renewed = change.is_none_or(|c| matches!(c.action, Action::Create | Action::Replace));
    let Some(observed) = observed.filter(|_| !renewed) else {
        return attrs;
    };
    for (name, v) in observed {
        let ignored = r.lifecycle.ignore_changes.iter().any(|i| i == name);
        if ignored || !attrs.contains_key(name) {
            attrs.insert(name.clone(), v.clone());
        }
    }
    attrs
}

/// USD per hour of everything a state manages, by its recorded attributes.
pub fn state_hourly(state: &garrison_state::StateDoc, prices: &Prices) -> f64 {
    round(
        state
            .resources
            .values()
            .map(|r| hourly(r.kind, &r.attributes, prices))
            .sum(),
    )
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Fills each change's cost and returns the totals; `None` without prices. `kept`: blocked
/// addresses, which cost after what they cost now.
pub(crate) fn apply_costs(
    changes: &mut crate::planner::Changes,
    current: &BTreeMap<&str, Current<'_>>,
    wanted: &[&Resource],
    remote: &RemoteView,
    kept: &BTreeSet<String>,
) -> Option<Cost> {
    let prices = remote.prices.as_ref()?;
    let mut before = 0.0;
    let mut after = 0.0;
    for (address, cur) in current {
        let kind = cur.state.kind;
        if let Some(observed) = &cur.observed {
            let c = hourly(kind, observed, prices);
            before += c;
            if kept.contains(*address) {
                after += c;
            }
            if let Some(change) = changes.get_mut(address) {
                change.cost_before = Some(round(c));
            }
        }
    }
    for r in wanted
        .iter()
        .filter(|r| !kept.contains(&r.address.to_string()))
    {
        let address = r.address.to_string();
        let observed = current
            .get(address.as_str())
            .and_then(|c| c.observed.as_ref());
        let attrs = after_apply(r, changes.get(&address), observed);
        let c = hourly(r.address.kind, &attrs, prices);
        after += c;
        if let Some(change) = changes.get_mut(&r.address.to_string()) {
            change.cost_after = Some(round(c));
        }
    }
    Some(Cost {
        before_per_hour: round(before),
        after_per_hour: round(after),
        delta_per_hour: round(after - before),
    })
}

fn gpus(attrs: &Attrs) -> Option<(String, u32)> {
    let model = attrs.get(vm::GPU_MODEL)?.as_str()?.to_string();
    let count = attrs.get(vm::GPU_COUNT)?.as_u64()? as u32;
    Some((model, count))
}

/// Refuses a plan that needs more GPUs than the region has in stock.
pub(crate) fn check_stock(
    changes: &crate::planner::Changes,
    current: &BTreeMap<&str, Current<'_>>,
    remote: &RemoteView,
    errors: &mut Vec<PlanError>,
) {
    let Some(stock) = &remote.stock else {
        return;
    };
    let mut need: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut freed: BTreeMap<(String, String), u32> = BTreeMap::new();
    for change in changes.values().filter(|c| c.kind == Kind::Vm) {
        if matches!(change.action, Action::Create | Action::Replace) {
            let key = change.address.to_string();
            let observed = current.get(key.as_str()).and_then(|c| c.observed.as_ref());
            // After values: the changed attrs, else what exists now.
            let mut attrs = observed.cloned().unwrap_or_default();
            for a in &change.attrs {
                if let Some(crate::action::After::Known(v)) = &a.after {
                    attrs.insert(a.name().to_string(), v.clone());
                }
            }
            if let Some((model, count)) = gpus(&attrs) {
                *need.entry((change.region.clone(), model)).or_default() += count;
            }
        }
        if matches!(change.action, Action::Delete | Action::Replace)
            && !change.create_before_destroy
        {
            if let Some((model, count)) = current
                .get(change.address.to_string().as_str())
                .and_then(|c| c.observed.as_ref())
                .and_then(gpus)
            {
                *freed.entry((change.region.clone(), model)).or_default() += count;
            }
        }
    }
    for ((region, model), needed) in need {
        let available = stock
            .iter()
            .filter(|s| s.region == region && s.gpu_model == model)
            .map(|s| s.available)
            .sum::<u32>();
        let returned = freed
            .get(&(region.clone(), model.clone()))
            .copied()
            .unwrap_or_default();
        if needed > available + returned {
            errors.push(PlanError::OutOfStock {
                region,
                gpu_model: model,
                needed,
                available: available + returned,
                src: None,
                at: None,
            });
        }
    }
}
