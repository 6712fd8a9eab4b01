//! Resource instance addresses (`vm.trainer`, `vm.trainer[0]`, `vm.x["k"]`) and their parser.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::kind::Kind;

/// The error of parsing a [`Kind`] or an [`Address`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseAddressError {
    /// Not one of the seven kinds.
    UnknownKind(String),
    /// Not of the form `KIND.NAME`, `KIND.NAME[N]` or `KIND.NAME["key"]`.
    Malformed(String),
}

impl fmt::Display for ParseAddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseAddressError::UnknownKind(s) => write!(f, "unknown resource kind `{s}`"),
            ParseAddressError::Malformed(s) => write!(
                f,
                "malformed address `{s}`: expected `KIND.NAME`, `KIND.NAME[N]` or `KIND.NAME[\"key\"]`"
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

/// The address of one resource instance: `vm.trainer`, `vm.trainer[0]`, `vm.x["k"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    /// The resource kind.
    pub kind: Kind,
    /// The config-side name (the label in `KIND "NAME" { }`).
    pub name: String,
    /// The instance key, for `count` and `for-each` resources.
    pub index: Option<Index>,
}

impl Address {
    /// An address without index.
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        Address {
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

    /// The block address (`KIND.NAME`) this instance was expanded from.
    pub fn block(&self) -> Address {
        Address::new(self.kind, self.name.clone())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind, self.name)?;
        if let Some(index) = &self.index {
            write!(f, "{index}")?;
        }
        Ok(())
    }
}

impl FromStr for Address {
    type Err = ParseAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || ParseAddressError::Malformed(s.to_owned());
        let (kind, rest) = s.split_once('.').ok_or_else(malformed)?;
        let kind: Kind = kind.parse()?;
        let (name, index) = match rest.find('[') {
            None => (rest, None),
            Some(open) => {
                let inner = rest[open..]
                    .strip_prefix('[')
                    .and_then(|r| r.strip_suffix(']'))
                    .ok_or_else(malformed)?;
                let index =
                    if let Some(key) = inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                        Index::Key(unescape(key).ok_or_else(malformed)?)
                    } else {
                        Index::Int(inner.parse().map_err(|_| malformed())?)
                    };
                (&rest[..open], Some(index))
            }
        };
        if name.is_empty() || !name.chars().all(is_label_char) {
            return Err(malformed());
        }
        Ok(Address {
            kind,
            name: name.to_owned(),
            index,
        })
    }
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
