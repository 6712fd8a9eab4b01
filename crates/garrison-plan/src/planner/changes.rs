//! The planned changes by address, while a plan is made: looked up by address text and
//! walked in its order like a `crate::planner::Changes`, but held in one vector
//! sized once, which becomes the plan's change list in place (a map of 100k changes and
//! the list copied out of it were the peak of a 100k plan: docs/performance.md, "B1 at
//! 100k: the plan phase").

use std::collections::BTreeMap;

use crate::action::ResourceChange;

/// Changes by address text.
#[derive(Default)]
pub(crate) struct Changes {
    /// In the order they were planned; a removed change leaves `None`.
    slots: Vec<Option<ResourceChange>>,
    /// Address text -> position in `slots`, in text order.
    index: BTreeMap<String, usize>,
}

impl Changes {
    /// Room for `n` changes.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Changes {
            slots: Vec::with_capacity(n),
            index: BTreeMap::new(),
        }
    }

    /// Sets the change at `address`; returns the one it replaces.
    pub(crate) fn insert(
        &mut self,
        address: String,
        change: ResourceChange,
    ) -> Option<ResourceChange> {
        if let Some(&i) = self.index.get(&address) {
            return self.slots[i].replace(change);
        }
        self.index.insert(address, self.slots.len());
        self.slots.push(Some(change));
        None
    }

    pub(crate) fn remove(&mut self, address: &str) -> Option<ResourceChange> {
        let i = self.index.remove(address)?;
        self.slots[i].take()
    }

    pub(crate) fn get(&self, address: &str) -> Option<&ResourceChange> {
        self.index
            .get(address)
            .and_then(|&i| self.slots[i].as_ref())
    }

    pub(crate) fn get_mut(&mut self, address: &str) -> Option<&mut ResourceChange> {
        let i = *self.index.get(address)?;
        self.slots[i].as_mut()
    }

    /// Whether the object at `address` gets a new remote id in this plan (created or
    /// replaced).
    pub(crate) fn renewed(&self, address: &str) -> bool {
        self.get(address).is_some_and(|c| {
            matches!(
                c.action,
                crate::action::Action::Create | crate::action::Action::Replace
            )
        })
    }

    pub(crate) fn contains_key(&self, address: &str) -> bool {
        self.index.contains_key(address)
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
    }

    /// `(address, change)` in address text order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &ResourceChange)> + '_ {
        self.index
            .iter()
            .filter_map(|(a, &i)| Some((a, self.slots[i].as_ref()?)))
    }

    /// The changes in address text order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &ResourceChange> + '_ {
        self.iter().map(|(_, c)| c)
    }

    /// The changes that `keep` accepts, in address text order: the vector they were held
    /// in, reordered in place.
    pub(crate) fn into_sorted(self, keep: impl Fn(&ResourceChange) -> bool) -> Vec<ResourceChange> {
        let Changes { mut slots, index } = self;
        // Where each slot goes: the indexed ones in text order, the removed ones after them.
        let mut rank = vec![usize::MAX; slots.len()];
        for (r, &i) in index.values().enumerate() {
            rank[i] = r;
        }
        let removed = rank.iter_mut().filter(|r| **r == usize::MAX);
        for (next, r) in (index.len()..).zip(removed) {
            *r = next;
        }
        drop(index);
        for i in 0..slots.len() {
            while rank[i] != i {
                let j = rank[i];
                slots.swap(i, j);
                rank.swap(i, j);
            }
        }
        let mut kept: Vec<ResourceChange> = slots
            .into_iter()
            .filter_map(|c| c.filter(|c| keep(c)))
            .collect();
        kept.shrink_to_fit();
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;

    fn change(address: &str) -> ResourceChange {
        ResourceChange {
            address: address.parse().expect("a state key"),
            kind: garrison_config::model::Kind::Script,
            action: Action::Create,
            name: address.to_string(),
            region: String::new(),
            remote_id: None,
            attrs: Vec::new(),
            reasons: Vec::new(),
            create_before_destroy: false,
            cost_before: None,
            cost_after: None,
            moved_from: None,
            imported: None,
        }
    }

    #[test]
    fn walks_and_ends_in_text_order_without_what_was_removed() {
        let order = [
            "script.b",
            "script.a[10]",
            "script.c",
            "script.a[2]",
            "script.d",
        ];
        let mut changes = Changes::with_capacity(order.len());
        for a in order {
            assert!(changes.insert(a.to_string(), change(a)).is_none());
        }
        assert!(changes.remove("script.c").is_some());
        let mut again = change("script.b");
        again.action = Action::Update;
        assert!(changes.insert("script.b".into(), again).is_some());
        let walked: Vec<&str> = changes.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            walked,
            ["script.a[10]", "script.a[2]", "script.b", "script.d"]
        );
        assert_eq!(
            changes.get("script.b").map(|c| c.action),
            Some(Action::Update)
        );
        let kept: Vec<String> = changes
            .into_sorted(|c| c.name != "script.d")
            .iter()
            .map(|c| c.name.clone())
            .collect();
        assert_eq!(kept, ["script.a[10]", "script.a[2]", "script.b"]);
    }
}
