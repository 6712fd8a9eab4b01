//! The change table of the Markdown plan: one row per resource (identical `count` /
//! `for-each` instances grouped into one), with the attributes that change and their values,
//! the cost per hour before and after, and why.

use std::collections::BTreeMap;

use crate::action::{Action, After, AttrChange, ResourceChange};
use crate::render::text::money;
use crate::render::value::format_value;

/// At most this many attribute changes are spelled out in a row; the rest are counted.
const ATTRS_SHOWN: usize = 4;
/// A value longer than this is shortened in the table (the details have it whole).
const VALUE_MAX: usize = 40;

/// The table, header included, in at most `room` characters: rows that do not fit are
/// counted in a last row (the details, or `garrison show`, have them).
pub(super) fn table(changes: &[ResourceChange], room: usize) -> String {
    let mut out = String::from(
        "| | resource | action | what changes | $/h before → after | why |\n|---|---|---|---|---:|---|\n",
    );
    let groups = groups(changes);
    let total = groups.len();
    for (shown, group) in groups.iter().enumerate() {
        let row = row(group);
        if out.len() + row.len() > room {
            let left: usize = groups[shown..].iter().map(Vec::len).sum();
            out.push_str(&format!(
                "| | … | | {left} more change(s) of {total} rows: see the details, or `garrison show PLANFILE` | | |\n"
            ));
            break;
        }
        out.push_str(&row);
    }
    out
}

/// Changes that read the same in a row, in address order: instances of one block with the
/// same action and the same attribute changes.
fn groups(changes: &[ResourceChange]) -> Vec<Vec<&ResourceChange>> {
    let mut groups: BTreeMap<(String, String), Vec<&ResourceChange>> = BTreeMap::new();
    let mut order = Vec::new();
    for c in changes {
        let block = c.address.address().block().to_string();
        let key = (
            block,
            format!("{}|{}|{}", verb(c), what(c), c.reasons.join(";")),
        );
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(c);
    }
    order
        .into_iter()
        .filter_map(|k| groups.remove(&k))
        .collect()
}

fn row(group: &[&ResourceChange]) -> String {
    let first = group[0];
    let address = match group {
        [one] => format!("`{}`", one.address),
        many => format!(
            "`{}` ×{} ({})",
            first.address.address().block(),
            many.len(),
            many.iter()
                .map(|c| c
                    .address
                    .address()
                    .index
                    .as_ref()
                    .map_or(String::new(), ToString::to_string))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    let n = group.len() as f64;
    let cost = match (first.cost_before, first.cost_after) {
        (None, None) => String::new(),
        (b, a) => format!(
            "{} → {}",
            b.map_or("-".into(), |v| money(v * n)),
            a.map_or("-".into(), |v| money(v * n))
        ),
    };
    format!(
        "| {} | {address} | {} | {} | {cost} | {} |\n",
        icon(first.action),
        verb(first),
        cell(&what(first)),
        cell(&first.reasons.join("; "))
    )
}

pub(super) fn icon(action: Action) -> &'static str {
    match action {
        Action::Create => "🟢",
        Action::Update => "🟡",
        Action::Replace => "🟣",
        Action::Delete | Action::Forget => "🔴",
        Action::NoOp => "⚪",
        Action::Wait => "⏳",
    }
}

fn verb(c: &ResourceChange) -> &'static str {
    match (c.action, &c.moved_from, &c.imported) {
        (Action::NoOp, Some(_), _) => "move",
        (Action::NoOp, _, Some(_)) => "import",
        (action, _, _) => action.verb(),
    }
}

/// `size-gb: 100 → 200`, ... for updates and replacements; the key settings of a create.
fn what(c: &ResourceChange) -> String {
    let attrs: Vec<&AttrChange> = match c.action {
        Action::Update | Action::Replace => c.attrs.iter().collect(),
        Action::Create => c
            .attrs
            .iter()
            .filter(|a| matches!(a.after, Some(After::Known(_))))
            .collect(),
        _ => Vec::new(),
    };
    let mut parts: Vec<String> = attrs
        .iter()
        .take(ATTRS_SHOWN)
        .map(|a| attr(a, c.action))
        .collect();
    if attrs.len() > ATTRS_SHOWN {
        parts.push(format!("+{} more", attrs.len() - ATTRS_SHOWN));
    }
    parts.join("<br>")
}

fn attr(a: &AttrChange, action: Action) -> String {
    let show = |v: Option<String>| v.unwrap_or_else(|| "(none)".into());
    let value = |v: &serde_json::Value| {
        if a.sensitive {
            "(sensitive)".to_string()
        } else if a.multiline {
            "(text; see details)".to_string()
        } else {
            shorten(&v.as_str().map_or_else(|| format_value(v), str::to_string))
        }
    };
    let after = match &a.after {
        Some(After::Known(v)) => Some(value(v)),
        Some(After::Unknown) => Some("(known after apply)".into()),
        None => None,
    };
    let mark = if a.forces_replacement { " ⚠️" } else { "" };
    if action == Action::Create {
        return format!("`{}` = {}", a.name(), show(after));
    }
    format!(
        "`{}`: {} → {}{mark}",
        a.name(),
        show(a.before().map(value)),
        show(after)
    )
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= VALUE_MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(VALUE_MAX - 1).collect();
    format!("{cut}…")
}

/// A table cell: pipes escaped, no newline.
pub(super) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
