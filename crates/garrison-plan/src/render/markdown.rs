//! The Markdown plan, for a pull-request comment: summary table, cost, collapsible details.

use std::fmt::Write;

use crate::action::Action;
use crate::plan::Plan;
use crate::render::text::{cost_line, summary_line, to_text, TextStyle};

/// The config's warnings, as a quoted list (the reviewer sees open ingress and the like).
fn warnings(plan: &Plan, out: &mut String) {
    if plan.warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "> ⚠️ **{} config warning(s)**\n>", plan.warnings.len());
    for w in &plan.warnings {
        let place = match &w.file {
            Some(f) => format!(" (`{}:{}`)", f.display(), w.line),
            None => String::new(),
        };
        let message = w.message.replace('\n', " ");
        let _ = writeln!(out, "> - `{}`: {message}{place}", w.code);
    }
    out.push('\n');
}

/// Renders the plan as GitHub-flavoured Markdown.
pub fn to_markdown(plan: &Plan) -> String {
    let s = &plan.summary;
    let mut out = String::new();
    let _ = writeln!(out, "### Garrison plan\n");
    let _ = writeln!(out, "{}\n", summary_line(plan));
    let _ = writeln!(out, "| add | change | replace | destroy |");
    let _ = writeln!(out, "|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n",
        s.add, s.change, s.replace, s.destroy
    );
    let _ = writeln!(out, "**{}**\n", cost_line(plan));
    if !plan.violations.is_empty() {
        let _ = writeln!(out, "> ⛔ **Policy violations: this plan is refused**\n>");
        for v in &plan.violations {
            let message = v.message.replace('\n', " ");
            let _ = writeln!(out, "> - `{}`: {message}", v.source);
        }
        out.push('\n');
    }
    for hint in &plan.hints {
        let _ = writeln!(out, "> ⚠️ {}\n", hint.replace('\n', " "));
    }
    warnings(plan, &mut out);
    if !plan.changes.is_empty() {
        let _ = writeln!(out, "| | resource | action | why |");
        let _ = writeln!(out, "|---|---|---|---|");
        for c in &plan.changes {
            let icon = match c.action {
                Action::Create => "🟢",
                Action::Update => "🟡",
                Action::Replace => "🟣",
                Action::Delete | Action::Forget => "🔴",
                Action::NoOp => "",
                Action::Wait => "⏳",
            };
            let why = c.reasons.join("; ").replace('|', "\\|");
            let _ = writeln!(
                out,
                "| {icon} | `{}` | {} | {why} |",
                c.address,
                if c.moved_from.is_some() && c.action == Action::NoOp {
                    "move"
                } else if c.imported.is_some() && c.action == Action::NoOp {
                    "import"
                } else {
                    c.action.verb()
                }
            );
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "<details><summary>Details ({} resources)</summary>\n",
            plan.changes.len()
        );
        let _ = writeln!(out, "```diff");
        // The rehearsal has its own section below.
        let details = Plan {
            rehearsal: None,
            ..plan.clone()
        };
        for line in to_text(&details, TextStyle { color: false }).lines() {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "```\n</details>");
    }
    for b in &plan.blocked {
        let _ = writeln!(
            out,
            "\n> ⛔ `{}` is blocked (would {}): {}",
            b.address,
            b.action.verb(),
            b.reason.replace('|', "\\|")
        );
    }
    if !plan.drift.is_empty() {
        let _ = writeln!(
            out,
            "\n> ⚠️ {} attribute(s) changed outside Garrison; see details.",
            plan.drift.len()
        );
    }
    if let Some(rehearsal) = &plan.rehearsal {
        out.push_str(&super::rehearsal::to_markdown(rehearsal));
    }
    out
}
