//! Completion: node names per context (kinds at the top level, attributes inside a kind,
//! rule properties), catalog values (regions, GPU models, OS images, volume types, power
//! states, rule directions, protocols, ethertypes), and addresses inside `(ref)"..."` and
//! `${...}` (resources, their attributes, variables, locals).

use garrison_config::attr_docs::{self, AttrDoc};
use garrison_config::{catalog, schema};
use garrison_core::Kind;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, Range, TextEdit,
};

use crate::context::Context;
use crate::index::{parse_address, Target};
use crate::position::LineIndex;
use crate::project::Project;

/// Completion items at byte `offset` of `text` (a file of `project`).
pub(crate) fn complete(project: &Project, text: &str, offset: usize) -> Vec<CompletionItem> {
    let ctx = crate::context::at(text, offset);
    let (start, items) = match &ctx {
        Context::NodeName { enclosing, start } => (*start, node_names(enclosing)),
        Context::Property { node, start, .. } => (*start, properties(node)),
        Context::Value {
            node,
            prop,
            enclosing,
            start,
        } => (*start, values(node, prop.as_deref(), enclosing, project)),
        Context::Address { start } => (*start, addresses(project, &text[*start..offset])),
    };
    let lines = LineIndex::new(text);
    let range = Range::new(lines.position(start), lines.position(offset));
    items
        .into_iter()
        .map(|mut item| {
            let new_text = item
                .insert_text
                .take()
                .unwrap_or_else(|| item.label.clone());
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit { range, new_text }));
            item
        })
        .collect()
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn documented(d: &AttrDoc, insert: Option<String>) -> CompletionItem {
    CompletionItem {
        insert_text: insert,
        documentation: Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: crate::hover::attr_markdown(d),
        })),
        ..item(d.name, CompletionItemKind::PROPERTY, Some(d.ty.to_owned()))
    }
}

fn node_names(enclosing: &[String]) -> Vec<CompletionItem> {
    match enclosing {
        [] => garrison_config::TOP_LEVEL
            .iter()
            .map(|n| {
                let detail = match n.parse::<Kind>() {
                    Ok(kind) => Some(attr_docs::kind_doc(kind)),
                    Err(_) => attr_docs::top_level_doc(n),
                };
                let detail = detail.map(str::to_owned);
                item(n, CompletionItemKind::CLASS, detail)
            })
            .collect(),
        [block] => match block.parse::<Kind>() {
            Ok(kind) => schema::COMMON_ATTRS
                .iter()
                .chain(schema::config_attrs(kind))
                .filter_map(|a| attr_docs::attr_doc(kind, a))
                .map(|d| documented(d, None))
                .collect(),
            Err(_) => settings(block),
        },
        [.., block] if block == "lifecycle" => plain(&["ignore-changes"]),
        _ => Vec::new(),
    }
}

/// Children of the blocks that are not resources.
fn settings(block: &str) -> Vec<CompletionItem> {
    match block {
        "provider" => plain(&["region", "rehearse"]),
        "timeouts" => plain(&Kind::ALL.map(Kind::as_str)),
        "variable" => plain(&["type", "default", "description", "sensitive"]),
        "output" => plain(&["value", "sensitive", "description"]),
        _ => Vec::new(),
    }
}

fn plain(names: &[&str]) -> Vec<CompletionItem> {
    names
        .iter()
        .map(|n| item(n, CompletionItemKind::PROPERTY, None))
        .collect()
}

fn properties(node: &str) -> Vec<CompletionItem> {
    match node {
        "rule" | "security-rule" => attr_docs::RULE_PROPS
            .iter()
            .map(|d| documented(d, Some(format!("{}=", d.name))))
            .collect(),
        "moved" => plain_props(&["from", "to"]),
        "import" => plain_props(&["to", "id"]),
        n if n.parse::<Kind>().is_ok() => plain_props(schema::RESOURCE_PROPS),
        _ => Vec::new(),
    }
}

fn plain_props(names: &[&str]) -> Vec<CompletionItem> {
    names
        .iter()
        .map(|n| CompletionItem {
            insert_text: Some(format!("{n}=")),
            ..item(n, CompletionItemKind::PROPERTY, None)
        })
        .collect()
}

fn values(
    node: &str,
    prop: Option<&str>,
    enclosing: &[String],
    project: &Project,
) -> Vec<CompletionItem> {
    let in_kind = enclosing.last().and_then(|b| b.parse::<Kind>().ok());
    let list: &[&str] = match (node, prop) {
        (_, Some("direction")) => catalog::DIRECTIONS,
        (_, Some("protocol")) => catalog::PROTOCOLS,
        (_, Some("ethertype")) => catalog::ETHERTYPES,
        ("moved", Some("from" | "to")) | ("import", Some("to")) => {
            return resource_addresses(project);
        }
        ("depends-on", None) => return resource_addresses(project),
        ("region", None) => catalog::REGIONS,
        ("gpu", None) => catalog::GPU_MODELS,
        ("image", None) if matches!(in_kind, Some(Kind::Vm | Kind::Volume)) => catalog::OS_IMAGES,
        ("type", None) if in_kind == Some(Kind::Volume) => catalog::VOLUME_TYPES,
        ("power", None) => catalog::POWER_STATES,
        ("provider", None) => &["barrack"],
        ("state", None) => &["local", "postgres"],
        _ => &[],
    };
    list.iter()
        .map(|v| item(v, CompletionItemKind::ENUM_MEMBER, None))
        .collect()
}

fn resource_addresses(project: &Project) -> Vec<CompletionItem> {
    project
        .defs()
        .filter(|d| matches!(d.target, Target::Resource(..)))
        .map(|d| item(&d.target.address(), CompletionItemKind::REFERENCE, None))
        .collect()
}

/// Addresses for the partial address `typed`: a resource's attributes once `KIND.LABEL.`
/// is typed, else every resource, variable and local.
fn addresses(project: &Project, typed: &str) -> Vec<CompletionItem> {
    if let Some((Target::Resource(kind, label), at)) = parse_address(typed) {
        let base_len = at + label.len();
        if let Some(rest) = typed.get(base_len..) {
            if rest.contains('.') {
                let base = &typed[..base_len + rest.rfind('.').unwrap_or(0) + 1];
                return attributes(kind, base);
            }
        }
    }
    let mut items: Vec<CompletionItem> = project
        .defs()
        .map(|d| {
            let detail = match &d.target {
                Target::Resource(kind, _) => attr_docs::kind_doc(*kind),
                Target::Var(_) => "variable",
                Target::Local(_) => "local",
            };
            item(
                &d.target.address(),
                CompletionItemKind::REFERENCE,
                Some(detail.to_owned()),
            )
        })
        .collect();
    if !typed.contains('.') {
        for name in garrison_config::expr::FUNCTIONS {
            items.push(CompletionItem {
                insert_text: Some(format!("{name}(")),
                ..item(
                    name,
                    CompletionItemKind::FUNCTION,
                    Some("function (docs/language.md, \"Functions\")".to_owned()),
                )
            });
        }
    }
    for fixed in [
        "count.index",
        "each.key",
        "each.value",
        "garrison.workspace",
    ] {
        items.push(item(fixed, CompletionItemKind::CONSTANT, None));
    }
    items
}

fn attributes(kind: Kind, base: &str) -> Vec<CompletionItem> {
    let at_plan = schema::static_attrs(kind)
        .iter()
        .map(|a| (a, "known at plan time"));
    let after = schema::after_apply_attrs(kind)
        .iter()
        .map(|a| (a, "known after apply (outputs only)"));
    at_plan
        .chain(after)
        .map(|(a, when)| CompletionItem {
            insert_text: Some(format!("{base}{a}")),
            filter_text: Some(format!("{base}{a}")),
            ..item(a, CompletionItemKind::FIELD, Some(when.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::project::File;

    const TEXT: &str = "variable \"gpu\" default=\"L40\"\nlocals { prefix \"a\"; }\nfirewall \"web\" {\n    rule \n}\nvm \"dev\" {\n    power \"\"\n    name \"${}\"\n}\nmoved from=\"vm.old\" to=\"\"\n";

    fn labels_at(needle: &str, shift: usize) -> Vec<String> {
        let path = PathBuf::from("/c/main.kdl");
        let project = Project {
            files: vec![File {
                index: crate::index::index(&path, TEXT),
                path,
                text: TEXT.to_owned(),
            }],
        };
        let at = TEXT.find(needle).map(|i| i + shift).unwrap_or_default();
        complete(&project, TEXT, at)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn rule_properties_power_states_templates_and_moved_targets() {
        let rule = labels_at("rule \n", 5);
        assert!(rule.contains(&"direction".to_owned()) && rule.contains(&"remote".to_owned()));
        assert_eq!(
            labels_at("power \"\"", 7),
            ["running", "stopped", "hibernated"]
        );
        let template = labels_at("${}", 2);
        for want in [
            "var.gpu",
            "local.prefix",
            "firewall.web",
            "vm.dev",
            "count.index",
        ] {
            assert!(
                template.contains(&want.to_owned()),
                "{want} in {template:?}"
            );
        }
        assert_eq!(labels_at("to=\"\"", 4), ["firewall.web", "vm.dev"]);
        for want in ["cidrsubnet", "format", "lookup"] {
            assert!(
                template.contains(&want.to_owned()),
                "{want} in {template:?}"
            );
        }
    }
}
