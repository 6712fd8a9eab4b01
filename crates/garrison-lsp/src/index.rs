//! What a config file defines and references, with byte spans: resources (by label),
//! variables and locals, and every address in a `(ref)"..."` or a `${...}` template. Go to
//! definition, find references, rename, completion and hover read it. Modules, once they
//! exist, become one more [`Target`] variant here.

use std::path::{Path, PathBuf};

use garrison_config::tree::{KdlDocument, KdlEntry, KdlNode, KdlValue};
use garrison_core::Kind;

/// Something an address names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Target {
    /// A resource block, `KIND.LABEL`.
    Resource(Kind, String),
    /// A variable, `var.NAME`.
    Var(String),
    /// A local, `local.NAME`.
    Local(String),
}

impl Target {
    /// The address as written (`vm.dev`, `var.gpu`, `local.prefix`).
    pub(crate) fn address(&self) -> String {
        match self {
            Target::Resource(kind, label) => format!("{kind}.{label}"),
            Target::Var(name) => format!("var.{name}"),
            Target::Local(name) => format!("local.{name}"),
        }
    }

    /// The name part (a label or a variable's or local's name).
    pub(crate) fn name(&self) -> &str {
        match self {
            Target::Resource(_, n) | Target::Var(n) | Target::Local(n) => n,
        }
    }
}

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bytes {
    /// Start.
    pub(crate) offset: usize,
    /// Length.
    pub(crate) len: usize,
}

impl Bytes {
    /// Whether `at` falls inside (or right after) the range.
    pub(crate) fn contains(&self, at: usize) -> bool {
        self.offset <= at && at <= self.offset + self.len
    }
}

/// Where a target is defined.
#[derive(Debug, Clone)]
pub(crate) struct Def {
    /// What is defined.
    pub(crate) target: Target,
    /// The file.
    pub(crate) path: PathBuf,
    /// The label or name as written (inside its quotes).
    pub(crate) name: Bytes,
    /// The whole node.
    pub(crate) node: Bytes,
}

/// One use of an address.
#[derive(Debug, Clone)]
pub(crate) struct Use {
    /// What it names.
    pub(crate) target: Target,
    /// The file.
    pub(crate) path: PathBuf,
    /// The name part (what a rename rewrites).
    pub(crate) name: Bytes,
    /// The whole address text.
    pub(crate) address: Bytes,
}

/// The definitions and uses of one file (empty when it does not parse).
#[derive(Debug, Clone, Default)]
pub(crate) struct FileIndex {
    /// Definitions.
    pub(crate) defs: Vec<Def>,
    /// Uses.
    pub(crate) uses: Vec<Use>,
}

/// Indexes one file's text.
pub(crate) fn index(path: &Path, text: &str) -> FileIndex {
    let mut out = FileIndex::default();
    if let Some(doc) = parse(text) {
        let mut walk = Walk {
            path,
            text,
            out: &mut out,
        };
        walk.top(&doc);
    }
    out
}

/// Parses a file as the config loader does (bounded in time and nesting).
pub(crate) fn parse(text: &str) -> Option<KdlDocument> {
    garrison_config::parse_document(text)
}

struct Walk<'a> {
    path: &'a Path,
    text: &'a str,
    out: &'a mut FileIndex,
}

impl Walk<'_> {
    fn top(&mut self, doc: &KdlDocument) {
        for node in doc.nodes() {
            let name = node.name().value();
            match name {
                "variable" => self.define_by_label(node, Target::Var),
                "locals" => {
                    for c in node.children().unwrap_or_default() {
                        let sp = c.name().span();
                        self.out.defs.push(Def {
                            target: Target::Local(c.name().value().to_owned()),
                            path: self.path.to_path_buf(),
                            name: self.within(sp.offset(), sp.len(), c.name().value()),
                            node: bytes(c.span().offset(), c.span().len()),
                        });
                    }
                }
                other => {
                    if let Ok(kind) = other.parse::<Kind>() {
                        self.define_by_label(node, |l| Target::Resource(kind, l));
                    }
                }
            }
            self.uses(node, 0);
        }
    }

    fn define_by_label(&mut self, node: KdlNode<'_>, target: impl Fn(String) -> Target) {
        let Some(e) = node.entries().iter().find(|e| e.name().is_none()) else {
            return;
        };
        let Some(label) = e.value().as_string() else {
            return;
        };
        self.out.defs.push(Def {
            target: target(label.to_owned()),
            path: self.path.to_path_buf(),
            name: self.within(e.span().offset(), e.span().len(), label),
            node: bytes(node.span().offset(), node.span().len()),
        });
    }

    /// Where `needle` is inside the source range (the range itself when it is not there).
    fn within(&self, offset: usize, len: usize, needle: &str) -> Bytes {
        let slice = self.text.get(offset..offset + len).unwrap_or("");
        match slice.find(needle) {
            Some(i) => bytes(offset + i, needle.len()),
            None => bytes(offset, len),
        }
    }

    fn uses(&mut self, node: KdlNode<'_>, depth: usize) {
        if depth > garrison_config::limits::MAX_NESTING {
            return;
        }
        let node_name = node.name().value();
        for e in node.entries() {
            self.entry(node_name, e);
        }
        for c in node.children().unwrap_or_default() {
            self.uses(c, depth + 1);
        }
    }

    fn entry(&mut self, node: &str, e: KdlEntry<'_>) {
        let KdlValue::String(s) = e.value() else {
            return;
        };
        let sp = e.span();
        if e.ty().is_some_and(|t| t.value() == "ref") || names_an_address(node, e) {
            let at = self.within(sp.offset(), sp.len(), s);
            self.push_use(s, at.offset);
            return;
        }
        let raw = self
            .text
            .get(sp.offset()..sp.offset() + sp.len())
            .unwrap_or("");
        for (start, addr) in templates(raw) {
            self.push_use(addr, sp.offset() + start);
        }
    }

    fn push_use(&mut self, addr: &str, at: usize) {
        if let Some((target, name_at)) = parse_address(addr) {
            self.out.uses.push(Use {
                name: bytes(at + name_at, target.name().len()),
                target,
                path: self.path.to_path_buf(),
                address: bytes(at, addr.len()),
            });
        }
    }
}

/// Whether a plain string entry of `node` is an address: `depends-on "vm.x"`, and the
/// `to` of `moved` and `import` (a rename keeps them pointing at the block; a `moved`
/// block's `from` names an address that is gone, and stays).
fn names_an_address(node: &str, e: KdlEntry<'_>) -> bool {
    let prop = e.name().map(|n| n.value());
    matches!(
        (node, prop),
        ("depends-on", None) | ("moved" | "import", Some("to"))
    )
}

/// Each `${ADDRESS}` in a raw string: (offset of ADDRESS in `raw`, ADDRESS). `$${` is a
/// literal and skipped.
pub(crate) fn templates(raw: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = raw[from..].find("${").map(|i| i + from) {
        let escaped = raw[..i].ends_with('$');
        let start = i + 2;
        let Some(len) = raw[start..].find('}') else {
            break;
        };
        if !escaped {
            found.push((start, raw[start..start + len].trim_end()));
        }
        from = start + len;
    }
    found
}

/// What an address names, and where its name part starts in it: `vm.dev[0].public-ip`
/// names `vm.dev` (name at 3), `var.gpu` the variable `gpu`.
pub(crate) fn parse_address(addr: &str) -> Option<(Target, usize)> {
    let (head, rest) = addr.split_once('.')?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = rest[..end].trim();
    if name.is_empty() || !name.chars().all(garrison_core::is_label_char) {
        return None;
    }
    let target = match head {
        "var" => Target::Var(name.to_owned()),
        "local" => Target::Local(name.to_owned()),
        kind => Target::Resource(kind.parse::<Kind>().ok()?, name.to_owned()),
    };
    Some((target, head.len() + 1))
}

fn bytes(offset: usize, len: usize) -> Bytes {
    Bytes { offset, len }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_definitions_refs_and_templates() {
        let text = "variable \"gpu\" { default \"L40\"; }\nlocals { p \"x\"; }\nvm \"dev\" {\n    gpu (ref)\"var.gpu\"\n    name \"${local.p}-$${no}\"\n}\noutput \"ip\" (ref)\"vm.dev.public-ip\"\n";
        let idx = index(Path::new("main.kdl"), text);
        let defs: Vec<String> = idx.defs.iter().map(|d| d.target.address()).collect();
        assert_eq!(defs, ["var.gpu", "local.p", "vm.dev"]);
        let uses: Vec<(String, &str)> = idx
            .uses
            .iter()
            .map(|u| {
                let at = u.name.offset;
                (u.target.address(), &text[at..at + u.name.len])
            })
            .collect();
        assert_eq!(
            uses,
            [
                ("var.gpu".to_owned(), "gpu"),
                ("local.p".to_owned(), "p"),
                ("vm.dev".to_owned(), "dev")
            ]
        );
        let dev = &idx.defs[2];
        assert_eq!(
            &text[dev.name.offset..dev.name.offset + dev.name.len],
            "dev"
        );
    }

    #[test]
    fn depends_on_and_the_to_of_moved_and_import_are_uses() {
        let text = "vm \"dev\" {\n    depends-on \"volume.d\"\n}\nmoved from=\"vm.old\" to=\"vm.dev\"\nimport to=\"volume.d\" id=\"7\"\n";
        let idx = index(Path::new("main.kdl"), text);
        let uses: Vec<String> = idx.uses.iter().map(|u| u.target.address()).collect();
        assert_eq!(uses, ["volume.d", "vm.dev", "volume.d"]);
    }
}
