//! A plan's step graph: one node per step (what it does and to which address, toned by
//! the resource's action), an edge from each step to every step it runs after. Resources
//! the plan leaves unchanged have no step, so they are not drawn.

use std::collections::{BTreeMap, HashMap};

use super::{Diagram, Tone};
use crate::action::Action;
use crate::plan::Plan;
use crate::step::{Step, StepOp};

impl Diagram {
    /// The step graph of `plan` (what `garrison graph --plan` draws).
    pub fn of_plan(plan: &Plan) -> Diagram {
        let actions: HashMap<String, Action> = plan
            .changes
            .iter()
            .map(|c| (c.address.to_string(), c.action))
            .collect();
        let mut diagram = Diagram::default();
        let mut keys: HashMap<usize, String> = HashMap::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for step in &plan.steps {
            let action = actions.get(&step.address.to_string()).copied();
            let label = label(step, action);
            // Two steps may do one thing to one address (an update's release, then the
            // rest): the second key gets ` #2`.
            let n = seen.entry(label.clone()).or_insert(0);
            *n += 1;
            let key = match *n {
                1 => label.clone(),
                n => format!("{label} #{n}"),
            };
            diagram.add_node(key.clone(), label, tone(step, action));
            keys.insert(step.id, key);
        }
        for step in &plan.steps {
            for before in &step.after {
                if let (Some(from), Some(to)) = (keys.get(&step.id), keys.get(before)) {
                    diagram.add_edge(from, to);
                }
            }
        }
        diagram
    }
}

/// `create vm.box`; the steps of a replacement say so: `delete vm.box (replace)`.
fn label(step: &Step, action: Option<Action>) -> String {
    let verb = step.op.verb();
    match action {
        Some(Action::Replace) => format!("{verb} {} (replace)", step.address),
        _ => format!("{verb} {}", step.address),
    }
}

/// The resource's action decides; a step of an unchanged resource (a firewall's attachment
/// set, a move) goes by what the step does.
fn tone(step: &Step, action: Option<Action>) -> Tone {
    match action {
        Some(Action::Create) => Tone::Create,
        Some(Action::Update | Action::Wait) => Tone::Update,
        Some(Action::Replace | Action::Delete | Action::Forget) => Tone::Destroy,
        Some(Action::NoOp) | None => match step.op {
            StepOp::Create => Tone::Create,
            StepOp::Delete { .. } | StepOp::Forget => Tone::Destroy,
            StepOp::Move { .. } | StepOp::Import { .. } => Tone::Plain,
            StepOp::Update { .. }
            | StepOp::Settle { .. }
            | StepOp::SyncFirewallAttachments { .. }
            | StepOp::HandOverVolumes { .. } => Tone::Update,
        },
    }
}
