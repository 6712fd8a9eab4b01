//! The seven kinds of Barrack resource and the kind table: every per-kind constant in one place.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::address::ParseAddressError;

/// A kind of Barrack resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A GPU virtual machine.
    Vm,
    /// A block-storage volume.
    Volume,
    /// A firewall with rules, attached to VMs.
    Firewall,
    /// An SSH public key.
    SshKey,
    /// A startup script.
    Script,
    /// A snapshot of a VM.
    Snapshot,
    /// A custom image made from a snapshot.
    Image,
}

/// One duration per operation (create, update, delete).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpDurations {
    /// Creating (until the resource is ready).
    pub create: Duration,
    /// Updating in place.
    pub update: Duration,
    /// Deleting (until it is gone).
    pub delete: Duration,
}

/// Everything that is constant per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// The kind this row describes.
    pub kind: Kind,
    /// The config spelling (`KIND "NAME" { }`), also used in addresses and state.
    pub name: &'static str,
    /// The API's plural noun: the collection path segment (`/instances`).
    pub api_plural: &'static str,
    /// The built-in operation timeouts (a config's `timeouts` node overrides them).
    pub default_timeouts: OpDurations,
    /// How long each operation is expected to take (from the API contract's life-cycle
    /// delays): the scheduler's critical-path weights.
    pub expected: OpDurations,
}

const fn secs(create: u64, update: u64, delete: u64) -> OpDurations {
    OpDurations {
        create: Duration::from_secs(create),
        update: Duration::from_secs(update),
        delete: Duration::from_secs(delete),
    }
}

const fn mins(create: u64, update: u64, delete: u64) -> OpDurations {
    secs(create * 60, update * 60, delete * 60)
}

const fn row(
    kind: Kind,
    name: &'static str,
    api_plural: &'static str,
    default_timeouts: OpDurations,
    expected: OpDurations,
) -> KindInfo {
    KindInfo {
        kind,
        name,
        api_plural,
        default_timeouts,
        expected,
    }
}

/// The kind table, in [`Kind::ALL`] order.
pub const KINDS: [KindInfo; 7] = [
    row(
        Kind::Vm,
        "vm",
        "instances",
        mins(20, 20, 10),
        secs(35, 20, 12),
    ),
    row(
        Kind::Volume,
        "volume",
        "volumes",
        mins(5, 5, 5),
        secs(6, 2, 2),
    ),
    row(
        Kind::Firewall,
        "firewall",
        "firewalls",
        mins(5, 5, 5),
        secs(6, 2, 2),
    ),
    row(
        Kind::SshKey,
        "ssh-key",
        "ssh-keys",
        mins(1, 1, 1),
        secs(1, 2, 2),
    ),
    row(
        Kind::Script,
        "script",
        "scripts",
        mins(1, 1, 1),
        secs(1, 2, 2),
    ),
    row(
        Kind::Snapshot,
        "snapshot",
        "snapshots",
        mins(30, 5, 10),
        secs(32, 2, 2),
    ),
    row(
        Kind::Image,
        "image",
        "images",
        mins(30, 5, 10),
        secs(32, 2, 2),
    ),
];

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 7] = [
        Kind::Vm,
        Kind::Volume,
        Kind::Firewall,
        Kind::SshKey,
        Kind::Script,
        Kind::Snapshot,
        Kind::Image,
    ];

    /// This kind's row of the kind table.
    pub const fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The config spelling: `vm`, `volume`, `firewall`, `ssh-key`, `script`, `snapshot`, `image`.
    pub const fn as_str(self) -> &'static str {
        self.info().name
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ParseAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseAddressError::UnknownKind(s.to_owned()))
    }
}
