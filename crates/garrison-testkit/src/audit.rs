//! The emulator's view against the state: orphans (emulator resources the state does not
//! hold), duplicates (two emulator resources of one kind with one name, or one address
//! claimed twice) and lost resources (state entries the emulator does not hold).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use garrison_state::StateDoc;
use serde_json::Value;

/// `/_sim/state` keys and the state's kind for each.
pub const KINDS: [(&str, &str); 7] = [
    ("instances", "vm"),
    ("volumes", "volume"),
    ("firewalls", "firewall"),
    ("ssh_keys", "ssh-key"),
    ("scripts", "script"),
    ("snapshots", "snapshot"),
    ("images", "image"),
];

/// What the emulator holds compared with the state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Audit {
    /// `(kind, id, name)` in the emulator, not in the state (and not being deleted).
    pub orphans: Vec<(String, String, String)>,
    /// `(kind, name, count)` for names the emulator holds more than once.
    pub duplicates: Vec<(String, String, usize)>,
    /// `(address, kind, id)` in the state, not in the emulator.
    pub lost: Vec<(String, String, String)>,
    /// `(kind, id)` of state entries claimed by more than one address.
    pub shared_ids: Vec<(String, String)>,
    /// Emulator resources counted, by state kind.
    pub remote_counts: BTreeMap<String, usize>,
}

impl Audit {
    /// No orphans, no duplicates, nothing lost, no id claimed twice.
    pub fn is_clean(&self) -> bool {
        self.orphans.is_empty()
            && self.duplicates.is_empty()
            && self.lost.is_empty()
            && self.shared_ids.is_empty()
    }

    /// Emulator resources in all.
    pub fn remote_total(&self) -> usize {
        self.remote_counts.values().sum()
    }
}

impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "orphans {:?}; duplicates {:?}; lost {:?}; shared ids {:?}; remote {:?}",
            self.orphans, self.duplicates, self.lost, self.shared_ids, self.remote_counts
        )
    }
}

/// An id from the emulator's JSON (integer or string) as the state spells it.
pub fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn deleting(item: &Value) -> bool {
    item["status"]
        .as_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("deleting"))
}

/// The `(state kind, id)` pairs the emulator holds (deleting ones included).
pub fn remote_ids(sim: &Value) -> BTreeSet<(String, String)> {
    let mut ids = BTreeSet::new();
    for (key, kind) in KINDS {
        for item in sim[key].as_array().into_iter().flatten() {
            ids.insert((kind.to_string(), id_text(&item["id"])));
        }
    }
    ids
}

/// Compares a `/_sim/state` dump with a state document.
pub fn audit(sim: &Value, state: &StateDoc) -> Audit {
    let mut out = Audit::default();
    let mut claimed: BTreeMap<(String, String), usize> = BTreeMap::new();
    for rs in state.resources.values() {
        *claimed
            .entry((rs.kind.to_string(), rs.remote_id.to_string()))
            .or_default() += 1;
    }
    out.shared_ids = claimed
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| k.clone())
        .collect();
    for (key, kind) in KINDS {
        let items = sim[key].as_array().cloned().unwrap_or_default();
        out.remote_counts.insert(kind.to_string(), items.len());
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for item in &items {
            let id = id_text(&item["id"]);
            let name = item["name"].as_str().unwrap_or_default().to_string();
            *names.entry(name.clone()).or_default() += 1;
            if !claimed.contains_key(&(kind.to_string(), id.clone())) && !deleting(item) {
                out.orphans.push((kind.to_string(), id, name));
            }
        }
        out.duplicates.extend(
            names
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(name, n)| (kind.to_string(), name, n)),
        );
    }
    let remote = remote_ids(sim);
    for rs in state.resources.values() {
        if !remote.contains(&(rs.kind.to_string(), rs.remote_id.to_string())) {
            out.lost.push((
                rs.address.to_string(),
                rs.kind.to_string(),
                rs.remote_id.to_string(),
            ));
        }
    }
    out
}
