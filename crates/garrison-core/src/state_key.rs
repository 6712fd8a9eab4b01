//! The key of a state entry: a live address, or an object deposed by create-before-destroy.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::address::{Address, ParseAddressError};
use crate::remote_id::RemoteId;

/// The infix of a deposed key: `vm.x (deposed 42)`.
const DEPOSED: &str = " (deposed ";

/// Where a state entry lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StateKey {
    /// At a config address (`vm.x`).
    Live(Address),
    /// An old object moved aside by a create-before-destroy replacement of `address`
    /// (`vm.x (deposed 42)`): not a config address, so a plan destroys whatever is left there.
    Deposed {
        /// The address it was replaced at (boxed: deposed keys are rare, and a key sits in
        /// every change and step of a plan, 88 bytes unboxed against 64).
        address: Box<Address>,
        /// Its remote id.
        remote_id: RemoteId,
    },
}

impl StateKey {
    /// The deposed key of the object `remote_id` replaced at `address`.
    pub fn deposed(address: Address, remote_id: RemoteId) -> Self {
        StateKey::Deposed {
            address: Box::new(address),
            remote_id,
        }
    }

    /// The address: the live one, or the one a deposed object was replaced at.
    pub fn address(&self) -> &Address {
        match self {
            StateKey::Live(address) => address,
            StateKey::Deposed { address, .. } => address,
        }
    }

    /// The live address, or `None` for a deposed object.
    pub fn live(&self) -> Option<&Address> {
        match self {
            StateKey::Live(address) => Some(address),
            StateKey::Deposed { .. } => None,
        }
    }

    /// Whether this is a deposed object.
    pub fn is_deposed(&self) -> bool {
        matches!(self, StateKey::Deposed { .. })
    }

    /// The kind of the object.
    pub fn kind(&self) -> crate::Kind {
        self.address().kind
    }
}

impl From<Address> for StateKey {
    fn from(address: Address) -> Self {
        StateKey::Live(address)
    }
}

impl fmt::Display for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateKey::Live(address) => write!(f, "{address}"),
            StateKey::Deposed { address, remote_id } => {
                write!(f, "{address}{DEPOSED}{remote_id})")
            }
        }
    }
}

impl FromStr for StateKey {
    type Err = ParseAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let deposed = s
            .strip_suffix(')')
            .and_then(|rest| rest.split_once(DEPOSED))
            .filter(|(_, id)| !id.is_empty());
        match deposed {
            Some((address, remote_id)) => Ok(StateKey::Deposed {
                address: Box::new(address.parse()?),
                remote_id: RemoteId::new(remote_id),
            }),
            None => s.parse().map(StateKey::Live),
        }
    }
}

impl Serialize for StateKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StateKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
