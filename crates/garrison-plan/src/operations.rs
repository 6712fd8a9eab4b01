//! The operations a plan's steps amount to, counted by what they do: the text plan's
//! `Operations:` line. A saved plan keeps these counts (its steps, which may hold sensitive
//! values, are not saved), so `garrison show FILE` prints the line `garrison plan` printed.

use serde::{Deserialize, Serialize};

use crate::step::Step;

/// Steps counted by verb ([`crate::StepOp::verb`]), in the order each verb first appears.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operations {
    pub counts: Vec<OperationCount>,
}

/// How many steps do one thing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationCount {
    /// `create`, `delete`, `attach firewall`, ...
    pub verb: String,
    pub count: usize,
}

impl Operations {
    /// The counts of `steps`.
    pub fn of(steps: &[Step]) -> Operations {
        let mut counts: Vec<OperationCount> = Vec::new();
        for step in steps {
            let verb = step.op.verb();
            match counts.iter_mut().find(|c| c.verb == verb) {
                Some(c) => c.count += 1,
                None => counts.push(OperationCount {
                    verb: verb.to_string(),
                    count: 1,
                }),
            }
        }
        Operations { counts }
    }

    /// Every operation.
    pub fn total(&self) -> usize {
        self.counts.iter().map(|c| c.count).sum()
    }

    /// No operation at all.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// `Operations: 3 (2 delete, 1 attach firewall)`; `None` when there is none.
    pub fn line(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|c| format!("{} {}", c.count, c.verb))
            .collect();
        Some(format!(
            "Operations: {} ({})",
            self.total(),
            parts.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use garrison_config::model::Kind;

    use super::*;
    use crate::step::StepOp;

    fn step(id: usize, op: StepOp) -> Step {
        Step {
            id,
            address: "vm.box".parse().expect("a state key"),
            kind: Kind::Vm,
            op,
            after: Vec::new(),
            create_before_destroy: false,
        }
    }

    #[test]
    fn counts_by_verb_in_first_seen_order() {
        let delete = || StepOp::Delete {
            remote_id: "5".into(),
        };
        let ops = Operations::of(&[
            step(0, delete()),
            step(1, StepOp::Create),
            step(2, delete()),
        ]);
        assert_eq!(
            ops.line().as_deref(),
            Some("Operations: 3 (2 delete, 1 create)")
        );
        let text = serde_json::to_string(&ops).expect("serialize");
        assert_eq!(
            serde_json::from_str::<Operations>(&text).expect("parse"),
            ops
        );
    }

    #[test]
    fn no_steps_no_line() {
        assert_eq!(Operations::of(&[]).line(), None);
        assert!(Operations::default().is_empty());
    }
}
