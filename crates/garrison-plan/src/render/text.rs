//! The text plan: a summary first (counts, cost), then each resource with only what changes.

use std::fmt::Write;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::action::{Action, After, AttrChange, ResourceChange};
use crate::operations::Operations;
use crate::outputs::OutputChange;
use crate::plan::Plan;
use crate::render::value::format_value;

/// How to render: colour only on a TTY without `NO_COLOR` (the CLI decides).
#[derive(Clone, Copy, Debug, Default)]
pub struct TextStyle {
    pub color: bool,
}

const RESET: &str = "\x1b[0m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const MAGENTA: &str = "\x1b[35m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

struct Painter(bool);

impl Painter {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

fn action_color(action: Action) -> &'static str {
    match action {
        Action::Create => GREEN,
        Action::Update => YELLOW,
        Action::Replace => MAGENTA,
        Action::Delete | Action::Forget => RED,
        Action::NoOp => DIM,
        Action::Wait => YELLOW,
    }
}

/// `$1.2345/h`.
pub(crate) fn money(x: f64) -> String {
    format!("${x:.2}/h")
}

/// `+$1.00/h`, `-$2.00/h`.
pub(crate) fn signed_money(x: f64) -> String {
    if x < 0.0 {
        format!("-${:.2}/h", -x)
    } else {
        format!("+${x:.2}/h")
    }
}

/// The one-line summary: `2 to add, 1 to change, 0 to replace, 1 to destroy.`
pub fn summary_line(plan: &Plan) -> String {
    let s = &plan.summary;
    if plan.options.refresh_only {
        return match plan.drift.len() {
            0 => "Refresh only: nothing changed outside Garrison; the state matches the cloud."
                .to_string(),
            n => format!(
                "Refresh only: {n} change{} outside Garrison to record in the state; nothing in the cloud changes.",
                if n == 1 { "" } else { "s" }
            ),
        };
    }
    let blocked = match s.blocked {
        0 => String::new(),
        1 => "1 resource is blocked (see below)".to_string(),
        n => format!("{n} resources are blocked (see below)"),
    };
    if !s.has_changes() {
        if !blocked.is_empty() {
            return format!("Nothing else to do, but {blocked}.");
        }
        if !plan.outputs.is_empty() {
            return "No changes. The cloud matches the configuration; apply records the new output values.".to_string();
        }
        return "No changes. The cloud matches the configuration.".to_string();
    }
    let mut line = format!(
        "Plan: {} to add, {} to change, {} to replace, {} to destroy",
        s.add, s.change, s.replace, s.destroy
    );
    if s.forget > 0 {
        let _ = write!(line, ", {} to forget", s.forget);
    }
    if s.moved > 0 {
        let _ = write!(line, ", {} to move", s.moved);
    }
    if s.import > 0 {
        let _ = write!(line, ", {} to import", s.import);
    }
    if s.wait > 0 {
        let _ = write!(line, ", {} to wait for", s.wait);
    }
    if !blocked.is_empty() {
        let _ = write!(line, "; {blocked}");
    }
    line.push('.');
    line
}

/// The cost line, or why there is none.
pub fn cost_line(plan: &Plan) -> String {
    match &plan.cost {
        Some(c) => format!(
            "Cost: {} -> {} ({})",
            money(c.before_per_hour),
            money(c.after_per_hour),
            signed_money(c.delta_per_hour)
        ),
        None => "Cost: unknown (prices are read with the refresh; run without `--refresh=false`)"
            .to_string(),
    }
}

/// Renders the plan for a terminal or a log.
pub fn to_text(plan: &Plan, style: TextStyle) -> String {
    to_text_with(plan, &Operations::of(&plan.steps), style)
}

/// [`to_text`] with the operations counted elsewhere: a saved plan keeps the counts of its
/// steps, not the steps.
pub fn to_text_with(plan: &Plan, operations: &Operations, style: TextStyle) -> String {
    let p = Painter(style.color);
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.paint(BOLD, &summary_line(plan)));
    let _ = writeln!(out, "{}", cost_line(plan));
    if let Some(line) = operations.line() {
        let _ = writeln!(out, "{line}");
    }
    if !plan.basis.refreshed {
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                DIM,
                "Note: not refreshed (`--refresh=false`): the state stands in for the cloud."
            )
        );
    }
    if plan.options.is_partial() || !plan.hints.is_empty() {
        out.push('\n');
    }
    for hint in &plan.hints {
        let _ = writeln!(out, "{} {hint}", p.paint(YELLOW, "warning:"));
    }
    if !plan.violations.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.paint(RED, "Policy violations (the plan is refused):")
        );
        for v in &plan.violations {
            let _ = writeln!(out, "  {} [{}] {}", p.paint(RED, "x"), v.source, v.message);
        }
    }
    if !plan.drift.is_empty() {
        let _ = writeln!(out, "\nChanged outside Garrison since the last apply:");
        for d in &plan.drift {
            match &d.attr {
                None => {
                    let _ = writeln!(out, "  {} {}: deleted", p.paint(RED, "!"), d.address);
                }
                Some(attr) => {
                    let show =
                        |v: &Option<Value>| v.as_ref().map_or("(none)".to_string(), format_value);
                    let _ = writeln!(
                        out,
                        "  {} {}: {attr} {} -> {}",
                        p.paint(YELLOW, "!"),
                        d.address,
                        show(&d.recorded),
                        show(&d.actual)
                    );
                }
            }
        }
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\nApply also:");
        for note in &plan.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    for change in &plan.changes {
        out.push('\n');
        render_change(&mut out, change, &p);
    }
    render_outputs(&mut out, &plan.outputs, &p);
    if !plan.blocked.is_empty() {
        let _ = writeln!(
            out,
            "\nBlocked (left alone; apply does everything else, then fails naming these):"
        );
        for b in &plan.blocked {
            let _ = writeln!(
                out,
                "  {} {} (would {}): {}",
                p.paint(RED, "!"),
                b.address,
                b.action.verb(),
                b.reason
            );
            if !b.hint.is_empty() {
                let _ = writeln!(out, "      hint: {}", b.hint);
            }
        }
    }
    if let Some(rehearsal) = &plan.rehearsal {
        out.push_str(&super::rehearsal::to_text(rehearsal));
    }
    out
}

/// "Changes to outputs:", one line per output: `+ name = value`, `~ name = old -> new`,
/// `- name = old`; names aligned.
fn render_outputs(out: &mut String, outputs: &[OutputChange], p: &Painter) {
    if outputs.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nChanges to outputs:");
    let width = outputs.iter().map(|o| o.name.len()).max().unwrap_or(0);
    for o in outputs {
        let shown = |v: &Value| {
            if o.sensitive {
                "(sensitive)".to_string()
            } else {
                format_value(v)
            }
        };
        let after = match &o.after {
            Some(After::Known(v)) => shown(v),
            Some(After::Unknown) => "(known after apply)".to_string(),
            None => String::new(),
        };
        let value = match (&o.before, o.action) {
            (Some(before), Action::Update) => format!("{} -> {after}", shown(before)),
            (Some(before), _) if o.after.is_none() => shown(before),
            _ => after,
        };
        let marker = p.paint(action_color(o.action), o.action.marker());
        let _ = writeln!(out, "  {marker} {:<width$} = {value}", o.name);
    }
}

pub(crate) fn headline(change: &ResourceChange) -> String {
    let what = match change.action {
        Action::Create => "will be created".to_string(),
        Action::Update => "will be updated in place".to_string(),
        Action::Replace if change.create_before_destroy => {
            "will be replaced (new one created first)".to_string()
        }
        Action::Replace => "will be replaced".to_string(),
        Action::Delete => "will be destroyed".to_string(),
        Action::Forget if change.reasons.iter().any(|r| r.starts_with("`removed`")) => {
            "will be removed from state (the object is kept)".to_string()
        }
        Action::Forget => "will be removed from state".to_string(),
        Action::NoOp => "unchanged".to_string(),
        Action::Wait => "will be waited for".to_string(),
    };
    match (&change.moved_from, &change.imported, change.action) {
        (Some(from), _, Action::NoOp) => format!("{from} has moved to {}", change.address),
        (Some(from), _, _) => format!("{from} has moved to {} and {what}", change.address),
        (None, Some(id), Action::NoOp) => {
            format!(
                "{} will be imported ({} id {id})",
                change.address, change.kind
            )
        }
        (None, Some(id), _) => format!(
            "{} will be imported ({} id {id}) and {what}",
            change.address, change.kind
        ),
        (None, None, _) => format!("{} {}", change.address, what),
    }
}

fn render_change(out: &mut String, change: &ResourceChange, p: &Painter) {
    let color = action_color(change.action);
    let _ = writeln!(
        out,
        "{} {}",
        p.paint(color, change.action.marker()),
        p.paint(BOLD, &headline(change))
    );
    for reason in &change.reasons {
        let _ = writeln!(out, "    # {reason}");
    }
    let width = change
        .attrs
        .iter()
        .map(|a| a.name().len())
        .max()
        .unwrap_or(0);
    for attr in &change.attrs {
        render_attr(out, change.action, attr, width, p);
    }
    match (change.cost_before, change.cost_after, change.action) {
        (_, Some(after), Action::Create) if after > 0.0 => {
            let _ = writeln!(out, "    {:width$}   {}", "cost", money(after));
        }
        (Some(before), Some(after), _) if (before - after).abs() > 1e-9 => {
            let _ = writeln!(
                out,
                "    {:width$}   {} -> {}",
                "cost",
                money(before),
                money(after)
            );
        }
        (Some(before), None, Action::Delete) if before > 0.0 => {
            let _ = writeln!(out, "    {:width$}   -{}", "cost", money(before));
        }
        _ => {}
    }
}

fn show_after(after: &Option<After>) -> String {
    match after {
        Some(After::Known(v)) => format_value(v),
        Some(After::Unknown) => "(known after apply)".to_string(),
        None => "(none)".to_string(),
    }
}

fn render_attr(out: &mut String, action: Action, attr: &AttrChange, width: usize, p: &Painter) {
    let name = attr.name();
    let note = if attr.forces_replacement {
        p.paint(MAGENTA, "  # forces replacement")
    } else {
        String::new()
    };
    if attr.sensitive {
        let _ = writeln!(out, "    {name:width$} = (sensitive){note}");
        return;
    }
    // Multi-line text: a unified diff.
    let before_text = attr.before().and_then(Value::as_str);
    let after_text = match &attr.after {
        Some(After::Known(Value::String(s))) => Some(s.as_str()),
        _ => None,
    };
    if attr.multiline
        && (before_text.is_some_and(|t| t.contains('\n'))
            || after_text.is_some_and(|t| t.contains('\n')))
    {
        let _ = writeln!(out, "    {name}:{note}");
        let diff = TextDiff::from_lines(before_text.unwrap_or(""), after_text.unwrap_or(""));
        for hunk in diff.unified_diff().context_radius(2).iter_hunks() {
            let _ = writeln!(out, "      {}", p.paint(DIM, &hunk.header().to_string()));
            for change in hunk.iter_changes() {
                let line = change.to_string_lossy();
                let line = line.trim_end_matches('\n');
                let (sign, color) = match change.tag() {
                    ChangeTag::Delete => ("-", RED),
                    ChangeTag::Insert => ("+", GREEN),
                    ChangeTag::Equal => (" ", DIM),
                };
                let _ = writeln!(out, "      {}", p.paint(color, &format!("{sign}{line}")));
            }
        }
        return;
    }
    // Sets (rules, links): only what is added and removed.
    if let (Some(Value::Array(before)), Some(After::Known(Value::Array(after)))) =
        (attr.before(), &attr.after)
    {
        if matches!(action, Action::Update | Action::Replace) {
            let key = |v: &Value| crate::seal::strip_rule_id(v).to_string();
            let before_keys: Vec<String> = before.iter().map(key).collect();
            let after_keys: Vec<String> = after.iter().map(key).collect();
            let _ = writeln!(out, "    {name}:{note}");
            let replaced = |v: &Value| {
                v.as_str()
                    .is_some_and(|a| attr.replaced().iter().any(|r| r == a))
            };
            for item in after
                .iter()
                .filter(|v| before_keys.contains(&key(v)) && replaced(v))
            {
                let _ = writeln!(
                    out,
                    "      {}",
                    p.paint(
                        YELLOW,
                        &format!(
                            "~ {} (replaced: the new one takes its place)",
                            format_value(item)
                        )
                    )
                );
            }
            for item in after.iter().filter(|v| !before_keys.contains(&key(v))) {
                let _ = writeln!(
                    out,
                    "      {}",
                    p.paint(GREEN, &format!("+ {}", format_value(item)))
                );
            }
            for item in before.iter().filter(|v| !after_keys.contains(&key(v))) {
                let _ = writeln!(
                    out,
                    "      {}",
                    p.paint(RED, &format!("- {}", format_value(item)))
                );
            }
            let kept = after
                .iter()
                .filter(|v| before_keys.contains(&key(v)) && !replaced(v))
                .count();
            if kept > 0 {
                let _ = writeln!(
                    out,
                    "      {}",
                    p.paint(DIM, &format!("  ({kept} unchanged)"))
                );
            }
            return;
        }
    }
    match action {
        Action::Create => {
            let _ = writeln!(out, "    {name:width$} = {}", show_after(&attr.after));
        }
        Action::Delete | Action::Forget => {
            let before = attr.before().map_or("(none)".to_string(), format_value);
            let _ = writeln!(out, "    {name:width$} = {before}");
        }
        _ => {
            let before = attr.before().map_or("(none)".to_string(), format_value);
            let _ = writeln!(
                out,
                "    {name:width$}   {before} -> {}{note}",
                show_after(&attr.after)
            );
        }
    }
}
