//! The evaluation budget: how deep reference chains go and how many bytes of values
//! references and templates have produced, so that hostile configs (template doubling,
//! one large local used many times, chains of thousands of locals) end in one diagnostic
//! instead of an exhausted stack or memory. Limits are in [`crate::limits`].

use serde_json::Value;

use crate::collect::Diags;
use crate::diagnostic::Code;
use crate::eval::Val;
use crate::limits::{show_bytes, EVAL_WORK_MAX_BYTES, MAX_EVAL_DEPTH, VALUE_MAX_DEPTH};
use crate::model::Span;

/// Work done so far while loading one config.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    /// Bytes of values produced by references, templates and `(file)`s.
    work: usize,
    /// Reported once; after that every charge fails quietly.
    exhausted: bool,
    /// References being evaluated now, one inside the other.
    depth: usize,
    /// The depth limit was reported (once: one chain is one mistake).
    depth_reported: bool,
}

impl Budget {
    /// Adds `bytes` of produced values; `false` (reported once, at `sp`) past the limit.
    pub(crate) fn charge(&mut self, bytes: usize, sp: &Span, diags: &mut Diags) -> bool {
        if self.exhausted {
            return false;
        }
        self.work = self.work.saturating_add(bytes);
        if self.work <= EVAL_WORK_MAX_BYTES {
            return true;
        }
        self.exhausted = true;
        let max = show_bytes(EVAL_WORK_MAX_BYTES);
        diags.error(
            Code::Limit,
            sp,
            format!("evaluating this config produced more than {max} of values"),
            "the limit was crossed here",
            Some(format!(
                "references and templates may produce at most {max} in all; a large value used many times counts each time"
            )),
        );
        false
    }

    /// [`Self::charge`] for a value (its size as measured by [`measure`]).
    pub(crate) fn charge_value(&mut self, val: &Val, sp: &Span, diags: &mut Diags) -> bool {
        match val {
            Val::Json(v) => self.charge(measure(v).0, sp, diags),
            _ => !self.exhausted,
        }
    }

    /// Starts evaluating one more reference inside the current ones; `false` (reported
    /// once, at `sp`) past [`MAX_EVAL_DEPTH`]. Every `true` is followed by [`Self::leave`].
    pub(crate) fn enter(&mut self, sp: &Span, diags: &mut Diags) -> bool {
        if self.depth >= MAX_EVAL_DEPTH {
            if !self.depth_reported {
                self.depth_reported = true;
                diags.error(
                    Code::Limit,
                    sp,
                    format!("references are chained more than {MAX_EVAL_DEPTH} deep"),
                    "this reference is too deep",
                    Some("a local or attribute refers to one that refers to another, and so on: shorten the chain".to_owned()),
                );
            }
            return false;
        }
        self.depth += 1;
        true
    }

    /// Ends what [`Self::enter`] started.
    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// (bytes, depth) of a value: strings count their length, everything else 8 bytes a node;
/// a scalar has depth 0, a list or map one more than its deepest item.
pub(crate) fn measure(v: &Value) -> (usize, usize) {
    match v {
        Value::String(s) => (s.len().max(8), 0),
        Value::Array(items) => items.iter().fold((8, 1), |(b, d), item| {
            let (ib, id) = measure(item);
            (b.saturating_add(ib), d.max(id + 1))
        }),
        Value::Object(map) => map.iter().fold((8, 1), |(b, d), (k, item)| {
            let (ib, id) = measure(item);
            (b.saturating_add(ib).saturating_add(k.len()), d.max(id + 1))
        }),
        _ => (8, 0),
    }
}

/// Checks a list or map just built from evaluated items: within the size and depth limits
/// (reported at `sp`), and charged to the budget.
pub(crate) fn check_composite(
    budget: &mut Budget,
    v: &Value,
    sp: &Span,
    diags: &mut Diags,
) -> bool {
    let (bytes, depth) = measure(v);
    if depth > VALUE_MAX_DEPTH {
        diags.error(
            Code::Limit,
            sp,
            format!("this value nests lists and maps more than {VALUE_MAX_DEPTH} deep"),
            "too deep",
            Some("flatten the value".to_owned()),
        );
        return false;
    }
    if bytes > crate::limits::VALUE_MAX_BYTES {
        let max = show_bytes(crate::limits::VALUE_MAX_BYTES);
        diags.error(
            Code::Limit,
            sp,
            format!("this value is larger than {max} ({bytes} bytes)"),
            "too large",
            Some(format!("a value holds at most {max}")),
        );
        return false;
    }
    budget.charge(bytes, sp, diags)
}
