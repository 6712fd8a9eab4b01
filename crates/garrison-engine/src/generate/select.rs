//! Which objects a pass generates: the chosen ones (admitted by the filter, or the import
//! targets) and every unmanaged object they use, directly or not, since a block can only
//! reference a block.

use std::collections::HashMap;

use garrison_config::model::{Address, StateKey};

use super::refs::{key, links, Key};
use crate::remote::RemoteObject;

/// One object to generate.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) object: RemoteObject,
    /// The address a user's import block chose (import targets).
    pub(super) fixed: Option<Address>,
    /// Chosen by the user (filter or import block), not only used by a chosen one.
    pub(super) chosen: bool,
    /// Write an `import` line for it (the user has none).
    pub(super) import: bool,
    /// The entries that link to it.
    pub(super) users: Vec<Key>,
}

impl Entry {
    /// A chosen object.
    pub(super) fn chosen(object: RemoteObject, fixed: Option<Address>, import: bool) -> Self {
        Entry {
            object,
            fixed,
            chosen: true,
            import,
            users: Vec::new(),
        }
    }
}

/// `chosen` and, after them, every unmanaged object of `index` they use, directly or not,
/// each once, with the entries that use it.
pub(super) fn with_dependencies(
    chosen: Vec<Entry>,
    index: &HashMap<Key, RemoteObject>,
    managed: &HashMap<Key, StateKey>,
) -> Vec<Entry> {
    let mut position: HashMap<Key, usize> = HashMap::new();
    for (i, entry) in chosen.iter().enumerate() {
        position.entry(key(&entry.object)).or_insert(i);
    }
    let mut out = chosen;
    let mut i = 0;
    while i < out.len() {
        let user = key(&out[i].object);
        for link in links(&out[i].object) {
            if managed.contains_key(&link.to) {
                continue;
            }
            if let Some(&at) = position.get(&link.to) {
                if !out[at].users.contains(&user) {
                    out[at].users.push(user.clone());
                }
                continue;
            }
            if let Some(object) = index.get(&link.to) {
                position.insert(link.to.clone(), out.len());
                out.push(Entry {
                    object: object.clone(),
                    fixed: None,
                    chosen: false,
                    import: true,
                    users: vec![user.clone()],
                });
            }
        }
        i += 1;
    }
    out
}
