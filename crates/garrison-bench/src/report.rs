//! One result line per scenario: `name value unit baseline ratio`, or a JSON document.

use serde::Serialize;

/// One measured number, with its same-run baseline when the scenario has one.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Line {
    pub(crate) name: String,
    pub(crate) value: f64,
    pub(crate) unit: String,
    pub(crate) baseline: Option<f64>,
    /// `baseline / value` for times (higher is better), as documented per scenario.
    pub(crate) ratio: Option<f64>,
    pub(crate) target: String,
    pub(crate) met: Option<bool>,
}

impl Line {
    /// The text form: `name value unit baseline ratio  (target; met)`.
    pub(crate) fn text(&self) -> String {
        let fmt = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
        let met = match self.met {
            Some(true) => "met",
            Some(false) => "NOT MET",
            None => "-",
        };
        format!(
            "{:<34} {:>12.4} {:<8} {:>12} {:>9}   target {} [{met}]",
            self.name,
            self.value,
            self.unit,
            fmt(self.baseline),
            fmt(self.ratio),
            self.target
        )
    }
}
