//! `garrison.lock`: what the cloud resolved for a config, pinned so that the same config
//! planned a month later either gives the same environment or says exactly what moved.
//!
//! A [`Lock`] holds one pin per OS image the config boots from (name and region -> image
//! id), per GPU model and region it deploys (price and shape per GPU), per volume type it
//! uses (price), and the state format. The engine reads the catalog ([`Catalog`]) and the
//! file; everything here is pure: what the config uses ([`Used`]), what that resolves to
//! now ([`resolve`]), how it differs from the pins ([`check`]), and what `garrison lock`
//! writes ([`relock`]).

mod catalog;
mod check;
mod file;
mod pin;
mod relock;
mod resolve;
mod used;

pub use catalog::Catalog;
pub use check::{check, PinMoved};
pub use file::LockFileError;
pub use pin::{GpuPin, OsImagePin, VolumeTypePin};
pub use relock::{relock, Relock, RelockRefused};
pub use resolve::{resolve, Resolved};
pub use used::Used;

use serde::{Deserialize, Serialize};

/// The lock file's name, in the config directory.
pub const LOCK_FILE: &str = "garrison.lock";

/// Version of the lock file's layout; a newer one is refused.
pub const LOCK_FORMAT_VERSION: u32 = 1;

/// The pins, each list sorted by its key, so the file diffs well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// [`LOCK_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The state document's format (`garrison_state::FORMAT_VERSION`) the config was
    /// applied with.
    pub state_format: u32,
    /// OS images by region and name.
    #[serde(default)]
    pub os_images: Vec<OsImagePin>,
    /// GPU models by region and model.
    #[serde(default)]
    pub gpu_models: Vec<GpuPin>,
    /// Volume types by name.
    #[serde(default)]
    pub volume_types: Vec<VolumeTypePin>,
}

impl Lock {
    /// Every pin as `(key, fields)`: the key names it for a reader ("OS image `X` in
    /// NORWAY-1"), the fields are what must not move.
    pub fn entries(&self) -> Vec<(String, Vec<(&'static str, String)>)> {
        let state = (
            "state format".to_owned(),
            vec![("version", self.state_format.to_string())],
        );
        std::iter::once(state)
            .chain(self.os_images.iter().map(pin::Pin::entry))
            .chain(self.gpu_models.iter().map(pin::Pin::entry))
            .chain(self.volume_types.iter().map(pin::Pin::entry))
            .collect()
    }

    /// How many pins it holds (the state format included).
    pub fn len(&self) -> usize {
        1 + self.os_images.len() + self.gpu_models.len() + self.volume_types.len()
    }

    /// Never: a lock always pins the state format.
    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests;
