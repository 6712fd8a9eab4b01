//! The Markdown plan, for a pull-request comment that a reviewer reads at a glance.

mod danger;
mod rows;

use std::fmt::Write;

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

/// GitHub refuses a comment over 65,536 characters; the plan stays under this.
pub const COMMENT_LIMIT: usize = 60_000;

/// A plan with at most this many steps gets a Mermaid graph of its operations.
const GRAPH_MAX_STEPS: usize = 15;

/// Renders the plan as GitHub-flavoured Markdown: the summary and cost first, policy
/// violations, a danger section for destructive changes, advice and config warnings, a
/// table of every change with what changes and its cost, a graph of the operations when
/// small, then the whole text plan as a `diff` in a collapsed section (cut, with a note,
/// so the comment stays under GitHub's size limit).
pub fn to_markdown(plan: &Plan) -> String {
    let mut out = head(plan);
    if !plan.changes.is_empty() {
        // The table gets most of the room; the details what is left.
        let room = (COMMENT_LIMIT * 3 / 4).saturating_sub(out.len());
        out.push_str(&rows::table(&plan.changes, room));
        out.push('\n');
        out.push_str(&graph(plan));
    }
    tail(plan, &mut out);
    let details = details(plan);
    let room = COMMENT_LIMIT.saturating_sub(out.len());
    out.push_str(&fit(&details, room));
    if let Some(rehearsal) = &plan.rehearsal {
        out.push_str(&super::rehearsal::to_markdown(rehearsal));
    }
    out
}

/// Summary, cost, violations, danger, hints and warnings: what a reviewer reads first.
fn head(plan: &Plan) -> String {
    let s = &plan.summary;
    let mut out = String::new();
    let _ = writeln!(out, "### Garrison plan\n");
    let _ = writeln!(out, "**{}**\n", summary_line(plan));
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
    out.push_str(&danger::section(plan));
    for hint in &plan.hints {
        let _ = writeln!(out, "> ⚠️ {}\n", hint.replace('\n', " "));
    }
    warnings(plan, &mut out);
    out
}

/// Blocked resources and drift, after the table.
fn tail(plan: &Plan, out: &mut String) {
    for b in &plan.blocked {
        let _ = writeln!(
            out,
            "> ⛔ `{}` is blocked (would {}): {}\n",
            b.address,
            b.action.verb(),
            rows::cell(&b.reason)
        );
    }
    if !plan.drift.is_empty() {
        let _ = writeln!(
            out,
            "> ⚠️ {} attribute(s) changed outside Garrison; see details.\n",
            plan.drift.len()
        );
    }
}

/// The operations as a Mermaid flowchart, collapsed, when there are few.
fn graph(plan: &Plan) -> String {
    if plan.steps.is_empty() || plan.steps.len() > GRAPH_MAX_STEPS {
        return String::new();
    }
    let diagram = super::graph::Diagram::of_plan(plan);
    format!(
        "<details><summary>Order of operations ({} steps)</summary>\n\n```mermaid\n{}```\n</details>\n\n",
        plan.steps.len(),
        super::graph::to_mermaid(&diagram)
    )
}

/// The whole text plan as a `diff` fence in a collapsed section.
fn details(plan: &Plan) -> String {
    if plan.changes.is_empty() && plan.drift.is_empty() {
        return String::new();
    }
    // The rehearsal has its own section.
    let text = to_text(
        &Plan {
            rehearsal: None,
            ..plan.clone()
        },
        TextStyle { color: false },
    );
    format!(
        "<details><summary>Details ({} resources)</summary>\n\n```diff\n{}\n```\n</details>\n",
        plan.changes.len(),
        text.trim_end()
    )
}

/// `details` whole when it fits in `room`, else cut at a line with a note (the fence and the
/// section still close).
fn fit(details: &str, room: usize) -> String {
    if details.len() <= room {
        return details.to_string();
    }
    let note = format!(
        "```\n\n**Truncated:** the plan is longer than a GitHub comment allows ({} characters); `garrison show PLANFILE` (or the plan artifact of this run) has all of it.\n</details>\n",
        details.len()
    );
    let budget = room.saturating_sub(note.len() + 200);
    let mut kept = String::new();
    for line in details.lines() {
        if kept.len() + line.len() + 1 > budget {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept + &note
}
