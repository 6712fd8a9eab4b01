//! Resource instance addresses (`vm.trainer`, `vm.trainer[0]`, `vm.x["k"]`, inside module
//! instances `module.team["a"].vm.trainer`) and their parser.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::kind::Kind;

/// The error of parsing a [`Kind`] or an [`Address`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseAddressError {
    /// Not one of the seven kinds.
    UnknownKind(String),
    /// Not of the form `[module.NAME[INDEX].]...KIND.NAME[INDEX]`.
    Malformed(String),
}

impl fmt::Display for ParseAddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseAddressError::UnknownKind(s) => write!(f, "unknown resource kind `{s}`"),
            ParseAddressError::Malformed(s) => write!(
                f,
                "malformed address `{s}`: expected `KIND.NAME`, `KIND.NAME[N]` or `KIND.NAME[\"key\"]`, inside a module `module.NAME.KIND.NAME`"
            ),
        }
    }
}

impl std::error::Error for ParseAddressError {}

/// Whether `c` may appear in a config label (`vm "LABEL"`): letters, digits, `_`, `-`.
pub fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The instance key of an expanded resource: `count` gives `Int`, `for-each` gives `Key`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Index {
    /// `[N]`, from `count`.
    Int(u32),
    /// `["key"]`, from `for-each`.
    Key(String),
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Index::Int(i) => write!(f, "[{i}]"),
            Index::Key(k) => write!(f, "[\"{}\"]", k.replace('\\', "\\\\").replace('"', "\\\"")),
        }
    }
}

/// One step of a module path: `module.NAME`, `module.NAME[0]` or `module.NAME["key"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleStep {
    /// The module call's label (`module "NAME" ...`).
    pub name: String,
    /// The instance key, for `count` and `for-each` module calls.
    pub index: Option<Index>,
}

impl fmt::Display for ModuleStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "module.{}", self.name)?;
        if let Some(index) = &self.index {
            write!(f, "{index}")?;
        }
        Ok(())
    }
}

/// The address of one resource instance: `vm.trainer`, `vm.trainer[0]`, `vm.x["k"]`,
/// `module.team["a"].vm.trainer` (the module path first, outermost call first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    /// The module instances the resource lives in, outermost first (empty at the root).
    pub module: Box<[ModuleStep]>,
    /// The resource kind.
    pub kind: Kind,
    /// The config-side name (the label in `KIND "NAME" { }`), shared by the address's
    /// copies (a plan of 100k resources copies each address many times).
    pub name: Arc<str>,
    /// The instance key, for `count` and `for-each` resources.
    pub index: Option<Index>,
}

impl Address {
    /// A root address without index.
    pub fn new(kind: Kind, name: impl Into<Arc<str>>) -> Self {
        Address {
            module: Box::default(),
            kind,
            name: name.into(),
            index: None,
        }
    }

    /// The same address with the given index.
    pub fn with_index(mut self, index: Option<Index>) -> Self {
        self.index = index;
        self
    }

    /// The same address inside the module instance `module` (prefixed to its path).
    pub fn in_module(mut self, module: &[ModuleStep]) -> Self {
        let mut path = module.to_vec();
        path.extend_from_slice(&self.module);
        self.module = path.into();
        self
    }

    /// The block address (`[module...].KIND.NAME`) this instance was expanded from.
    pub fn block(&self) -> Address {
        Address {
            module: self.module.clone(),
            kind: self.kind,
            name: self.name.clone(),
            index: None,
        }
    }

    /// Whether `self`, as written in a `--target`/`--replace`, names the instance
    /// `instance`: itself, or every instance of a block address.
    pub fn names(&self, instance: &Address) -> bool {
        self == instance || (self.index.is_none() && instance.block() == *self)
    }

    /// Whether `self` and `other` name the same block (module path, kind and name).
    pub fn same_block(&self, other: &Address) -> bool {
        self.kind == other.kind && self.name == other.name && self.module == other.module
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.module {
            write!(f, "{step}.")?;
        }
        write!(f, "{}.{}", self.kind, self.name)?;
        if let Some(index) = &self.index {
            write!(f, "{index}")?;
        }
        Ok(())
    }
}

/// A module path as written: `module.a[0].module.b` (empty at the root).
pub fn module_path_text(path: &[ModuleStep]) -> String {
    let steps: Vec<String> = path.iter().map(ToString::to_string).collect();
    steps.join(".")
}

/// A module instance's path alone (`module.a`, `module.a[0].module.b["k"]`), as a whole-module
/// `moved` block names it; `None` unless `s` is exactly that.
pub fn parse_module_path(s: &str) -> Option<Vec<ModuleStep>> {
    let mut rest = s;
    let mut module = Vec::new();
    while let Some(after) = rest.strip_prefix("module.") {
        let (name, index, tail) = step(after)?;
        module.push(ModuleStep { name, index });
        if tail.is_empty() {
            return Some(module);
        }
        rest = tail.strip_prefix('.')?;
    }
    None
}

impl FromStr for Address {
    type Err = ParseAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || ParseAddressError::Malformed(s.to_owned());
        let mut rest = s;
        let mut module = Vec::new();
        while let Some(after) = rest.strip_prefix("module.") {
            let (name, index, tail) = step(after).ok_or_else(malformed)?;
            module.push(ModuleStep { name, index });
            rest = tail.strip_prefix('.').ok_or_else(malformed)?;
        }
        let (kind, after) = rest.split_once('.').ok_or_else(malformed)?;
        let kind: Kind = kind.parse()?;
        let (name, index, tail) = step(after).ok_or_else(malformed)?;
        if !tail.is_empty() {
            return Err(malformed());
        }
        Ok(Address {
            module: module.into(),
            kind,
            name: name.into(),
            index,
        })
    }
}

/// One `NAME` or `NAME[INDEX]` at the start of `s`, and what follows it.
fn step(s: &str) -> Option<(String, Option<Index>, &str)> {
    let end = s.find(|c: char| !is_label_char(c)).unwrap_or(s.len());
    let (name, rest) = s.split_at(end);
    if name.is_empty() {
        return None;
    }
    let Some(inner) = rest.strip_prefix('[') else {
        return Some((name.to_owned(), None, rest));
    };
    let (index, tail) = if let Some(quoted) = inner.strip_prefix('"') {
        let close = closing_quote(quoted)?;
        let key = unescape(&quoted[..close])?;
        (Index::Key(key), quoted[close + 1..].strip_prefix(']')?)
    } else {
        let (digits, tail) = inner.split_once(']')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        (Index::Int(digits.parse().ok()?), tail)
    };
    Some((name.to_owned(), Some(index), tail))
}

/// The byte offset of the `"` that closes a key whose text starts `s` (escapes skipped).
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// A for-each key as `Display` writes it (`\"` and `\\` escaped), or `None` when it holds a
/// bare `"` or a `\` that escapes nothing.
fn unescape(key: &str) -> Option<String> {
    let mut out = String::with_capacity(key.len());
    let mut chars = key.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('"' | '\\')) => out.push(e),
                _ => return None,
            },
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
