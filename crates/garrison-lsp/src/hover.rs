//! Hover: an attribute's documentation (type, default, in place or forces replacement), a
//! kind's, a rule property's, and for an address the block it names.

use std::path::Path;

use garrison_config::attr_docs::{self, AttrDoc};
use garrison_core::Kind;

use crate::context::Context;
use crate::index::Target;
use crate::project::Project;

/// The Markdown to show for the word or address at byte `offset` of `path`.
pub(crate) fn hover(project: &Project, path: &Path, offset: usize) -> Option<String> {
    if let Some(target) = project.target_at(path, offset) {
        return describe(project, &target);
    }
    let text = &project.file(path)?.text;
    let (word, end) = word_at(text, offset)?;
    match crate::context::at(text, end) {
        Context::NodeName { enclosing, .. } => node_doc(&enclosing, word),
        Context::Property { node, .. } if matches!(node.as_str(), "rule" | "security-rule") => {
            attr_docs::rule_prop_doc(word).map(attr_markdown)
        }
        Context::Property { node, .. } if node.parse::<Kind>().is_ok() => {
            attr_docs::resource_prop_doc(word).map(|d| format!("**{word}**\n\n{d}"))
        }
        _ => None,
    }
}

fn node_doc(enclosing: &[String], word: &str) -> Option<String> {
    match enclosing.last() {
        None => {
            let doc = match word.parse::<Kind>() {
                Ok(kind) => attr_docs::kind_doc(kind),
                Err(_) => attr_docs::top_level_doc(word)?,
            };
            Some(format!("**{word}**\n\n{doc}"))
        }
        Some(block) => {
            let kind = block.parse::<Kind>().ok()?;
            attr_docs::attr_doc(kind, word).map(attr_markdown)
        }
    }
}

/// An attribute's documentation as Markdown.
pub(crate) fn attr_markdown(d: &AttrDoc) -> String {
    let default = d
        .default
        .map(|v| format!("\n\ndefault: {v}"))
        .unwrap_or_default();
    format!(
        "**{}** `{}`{default}\n\nchange: {}\n\n{}",
        d.name,
        d.ty,
        d.change.describe(),
        d.doc
    )
}

/// The block an address names, as written, with where it is.
fn describe(project: &Project, target: &Target) -> Option<String> {
    let def = project.defs_of(target).next()?;
    let file = project.file(&def.path)?;
    let block = file
        .text
        .get(def.node.offset..def.node.offset + def.node.len)?;
    let shown: Vec<&str> = block.trim().lines().take(20).collect();
    let line = file.text[..def.node.offset].matches('\n').count() + 1;
    let name = def.path.file_name()?.to_string_lossy();
    let what = match target {
        Target::Resource(kind, _) => attr_docs::kind_doc(*kind),
        Target::Var(_) => "A variable.",
        Target::Local(_) => "A local value.",
    };
    Some(format!(
        "**{}** ({name}:{line})\n\n{what}\n\n```kdl\n{}\n```",
        target.address(),
        shown.join("\n")
    ))
}

/// The word (letters, digits, `-`, `_`) around byte `offset`, and where it ends.
fn word_at(text: &str, offset: usize) -> Option<(&str, usize)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let before = text.get(..offset)?;
    let after = text.get(offset..)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = offset
        + after
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map_or(after.len(), |(i, _)| i);
    (start < end).then(|| (&text[start..end], end))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::project::File;

    const TEXT: &str = "vm \"w\" count=2 {\n    power \"stopped\"\n}\nfirewall \"f\" {\n    rule direction=\"ingress\" protocol=\"tcp\" remote=\"10.0.0.0/8\"\n}\nmoved from=\"vm.a\" to=\"vm.w\"\n";

    fn hover_on(needle: &str) -> String {
        let path = PathBuf::from("/c/main.kdl");
        let project = Project {
            files: vec![File {
                index: crate::index::index(&path, TEXT),
                path: path.clone(),
                text: TEXT.to_owned(),
            }],
        };
        let at = TEXT.find(needle).unwrap_or_default() + 1;
        hover(&project, &path, at).unwrap_or_default()
    }

    #[test]
    fn attributes_properties_kinds_and_top_level_nodes() {
        assert!(hover_on("power").contains("updated in place"));
        assert!(hover_on("count").contains("count.index"));
        assert!(hover_on("protocol").contains("`tcp`, `udp`"));
        assert!(hover_on("firewall").contains("A firewall"));
        assert!(hover_on("moved").contains("no cloud call"));
        assert!(hover_on("vm.w").contains("**vm.w** (main.kdl:1)"));
    }
}
