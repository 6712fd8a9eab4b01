//! The config's `policy` block against a plan: the cost after apply, the GPU models and
//! regions of what is created or changed, and ingress open to the internet.

use garrison_config::model::{Guardrails, Model};
use garrison_plan::{Action, After, Plan, PolicyViolation};

/// The violations of the config's guardrails (none without a `policy` block).
pub fn guardrails(model: &Model, plan: &Plan) -> Vec<PolicyViolation> {
    let Some(g) = &model.policy else {
        return Vec::new();
    };
    let source = source(model, g);
    let mut messages = cost(g, plan);
    messages.extend(catalog(g, plan));
    messages.extend(open_ingress(g, model));
    messages
        .into_iter()
        .map(|message| PolicyViolation {
            source: source.clone(),
            message,
        })
        .collect()
}

/// `policy block (main.kdl:3)`.
fn source(model: &Model, g: &Guardrails) -> String {
    let line = model
        .sources
        .0
        .get(&*g.span.file)
        .and_then(|text| text.get(..g.span.offset))
        .map_or(0, |before| before.matches('\n').count() + 1);
    format!("policy block ({}:{line})", g.span.file.display())
}

fn cost(g: &Guardrails, plan: &Plan) -> Vec<String> {
    let (Some(max), Some(cost)) = (g.max_cost_per_hour, plan.cost.as_ref()) else {
        return Vec::new();
    };
    if cost.after_per_hour <= max + 1e-9 {
        return Vec::new();
    }
    vec![format!(
        "the plan costs ${:.2}/h after apply; the limit is ${max:.2}/h (max-cost-per-hour)",
        cost.after_per_hour
    )]
}

/// GPU models and regions of the resources this plan creates or changes.
fn catalog(g: &Guardrails, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for c in &plan.changes {
        if !matches!(c.action, Action::Create | Action::Update | Action::Replace) {
            continue;
        }
        if !g.allowed_regions.is_empty()
            && !c.region.is_empty()
            && !g.allowed_regions.contains(&c.region)
        {
            out.push(format!(
                "`{}` is in region {}, which is not allowed (allowed-regions: {})",
                c.address,
                c.region,
                g.allowed_regions.join(", ")
            ));
        }
        let gpu = c
            .attrs
            .iter()
            .find(|a| a.name() == "gpu-model")
            .and_then(|a| match &a.after {
                Some(After::Known(v)) => v.as_str().map(str::to_string),
                _ => None,
            });
        if let Some(gpu) = gpu.filter(|m| !g.allowed_gpus.is_empty() && !g.allowed_gpus.contains(m))
        {
            out.push(format!(
                "`{}` uses GPU {gpu}, which is not allowed (allowed-gpus: {})",
                c.address,
                g.allowed_gpus.join(", ")
            ));
        }
    }
    out
}

/// The config's own open-ingress warnings, made errors by `deny-open-ingress #true`.
fn open_ingress(g: &Guardrails, model: &Model) -> Vec<String> {
    if !g.deny_open_ingress {
        return Vec::new();
    }
    model
        .warnings
        .iter()
        .filter(|w| w.code == "garrison::config::open_ingress")
        .map(|w| {
            let place = w
                .file
                .as_ref()
                .map(|f| format!(" ({}:{})", f.display(), w.line))
                .unwrap_or_default();
            format!("{}{place} (deny-open-ingress)", w.message)
        })
        .collect()
}
