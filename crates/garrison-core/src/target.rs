//! What `--target` and `--exclude` name: a resource (a block address names all its
//! instances, an instance address one) or a module instance and everything inside it
//! (`module.team`, `module.team["a"]`; `module.team` with `count`/`for-each` names every
//! instance of the call).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::address::{module_path_text, parse_module_path, Address, ModuleStep, ParseAddressError};

/// A `--target` / `--exclude` argument.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A resource block or instance.
    Resource(Address),
    /// A module call or one of its instances, with everything under it.
    Module(Vec<ModuleStep>),
}

impl Target {
    /// Whether this target names the resource instance `address`.
    pub fn covers(&self, address: &Address) -> bool {
        match self {
            Target::Resource(a) => a == address || (a.index.is_none() && address.block() == *a),
            Target::Module(path) => within(path, &address.module),
        }
    }
}

/// `module` lies under `path`: each step matches, a step without index naming every
/// instance of its call.
fn within(path: &[ModuleStep], module: &[ModuleStep]) -> bool {
    module.len() >= path.len()
        && path.iter().zip(module).all(|(want, got)| {
            want.name == got.name && (want.index.is_none() || want.index == got.index)
        })
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Resource(a) => write!(f, "{a}"),
            Target::Module(path) => write!(f, "{}", module_path_text(path)),
        }
    }
}

impl FromStr for Target {
    type Err = ParseAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse_module_path(s) {
            Some(path) => Ok(Target::Module(path)),
            None => s.parse().map(Target::Resource),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
