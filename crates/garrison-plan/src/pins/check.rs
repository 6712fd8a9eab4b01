//! Pins against what the cloud resolves now: one [`PinMoved`] per pin that moved.

use std::collections::BTreeMap;
use std::fmt;

use crate::pins::{Catalog, Lock, Resolved};

/// One way the cloud (or this Garrison) moved on from `garrison.lock`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PinMoved {
    /// The entry still resolves, to other values: `(field, pinned, now)` each.
    Changed {
        key: String,
        fields: Vec<(&'static str, String, String)>,
    },
    /// The cloud no longer lists the entry; `successor` says what its pinned OS image id
    /// is called now, when the image was renamed.
    Unlisted {
        key: String,
        pinned: Vec<(&'static str, String)>,
        successor: Option<String>,
    },
    /// The config uses an entry the lock does not pin (`garrison lock` adds it).
    Unpinned { key: String },
}

impl PinMoved {
    /// Whether `garrison lock` (without `--update`) may still write: a new pin is added,
    /// a moved one needs `--update`.
    pub fn is_unpinned(&self) -> bool {
        matches!(self, PinMoved::Unpinned { .. })
    }
}

impl fmt::Display for PinMoved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinMoved::Changed { key, fields } => {
                write!(f, "garrison.lock: {key} moved: ")?;
                for (i, (field, pinned, now)) in fields.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{field} pinned {pinned}, now {now}")?;
                }
                write!(f, "; review, then `garrison lock --update`")
            }
            PinMoved::Unlisted {
                key,
                pinned,
                successor,
            } => {
                write!(f, "garrison.lock: {key} is no longer listed by the cloud")?;
                if let Some((field, value)) = pinned.first() {
                    write!(f, " (pinned {field} {value}")?;
                    if let Some(name) = successor {
                        write!(f, ", now named `{name}`")?;
                    }
                    write!(f, ")")?;
                }
                write!(
                    f,
                    "; change the config to what the cloud lists, then `garrison lock --update`"
                )
            }
            PinMoved::Unpinned { key } => {
                write!(
                    f,
                    "garrison.lock: no pin for {key}; `garrison lock` adds it"
                )
            }
        }
    }
}

/// Pure: every pin of `pinned` that the config still uses and that moved in `now`, every
/// used entry `pinned` lacks, in key order (the state format first). Pins the config no
/// longer uses are not reported (`garrison lock` drops them).
pub fn check(pinned: &Lock, now: &Resolved, catalog: &Catalog) -> Vec<PinMoved> {
    let pins: BTreeMap<String, Vec<(&'static str, String)>> =
        pinned.entries().into_iter().collect();
    let mut moved = Vec::new();
    for (key, fields) in now.lock.entries() {
        let Some(was) = pins.get(&key) else {
            moved.push(PinMoved::Unpinned { key });
            continue;
        };
        let changed: Vec<_> = fields
            .into_iter()
            .filter_map(|(field, value)| {
                let old = was.iter().find(|(f, _)| *f == field).map(|(_, v)| v);
                (old != Some(&value)).then(|| {
                    (
                        field,
                        old.cloned().unwrap_or_else(|| "(none)".into()),
                        value,
                    )
                })
            })
            .collect();
        if !changed.is_empty() {
            moved.push(PinMoved::Changed {
                key,
                fields: changed,
            });
        }
    }
    for key in &now.unlisted {
        if let Some(was) = pins.get(key) {
            moved.push(PinMoved::Unlisted {
                key: key.clone(),
                pinned: was.clone(),
                successor: successor(pinned, key, catalog),
            });
        }
    }
    moved
}

/// What the pinned OS image of `key` is called now, when the cloud still lists its id.
fn successor(pinned: &Lock, key: &str, catalog: &Catalog) -> Option<String> {
    let pin = pinned
        .os_images
        .iter()
        .find(|p| super::pin::os_image_key(&p.region, &p.name) == key)?;
    catalog
        .os_image_by_id(&pin.region, &pin.id)
        .map(|now| now.name.clone())
}
