//! Config labels (`vm "LABEL"`) made from cloud names: the label alphabet only, unique per
//! kind, never an address the config or the state already uses.

use std::collections::BTreeSet;

use garrison_config::model::Kind;
use garrison_config::schema::is_label_char;

/// `name` in the label alphabet: each run of other characters becomes one `-`, and the
/// ends lose their `-`; `fallback` when nothing is left.
pub(super) fn sanitize(name: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut replaced = false;
    for c in name.chars() {
        if is_label_char(c) {
            if replaced && !out.is_empty() {
                out.push('-');
            }
            replaced = false;
            out.push(c);
        } else {
            replaced = true;
        }
    }
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// Labels handed out so far, per kind, with those that may not be used.
#[derive(Debug, Default)]
pub(super) struct Labels {
    used: BTreeSet<(Kind, String)>,
}

impl Labels {
    /// No label of `reserved` (kind, block name) is ever handed out.
    pub(super) fn new(reserved: impl IntoIterator<Item = (Kind, String)>) -> Self {
        Labels {
            used: reserved.into_iter().collect(),
        }
    }

    /// A free label of `kind` for cloud name `name`: its sanitized form, else that form with
    /// `-2`, `-3`, ... appended.
    pub(super) fn take(&mut self, kind: Kind, name: &str) -> String {
        let base = sanitize(name, kind.as_str());
        let mut label = base.clone();
        let mut n = 2u32;
        while self.used.contains(&(kind, label.clone())) {
            label = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert((kind, label.clone()));
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_labels() {
        assert_eq!(sanitize("team a datasets", "x"), "team-a-datasets");
        assert_eq!(sanitize("v1.2 .. final", "x"), "v1-2-final");
        assert_eq!(sanitize(" caf\u{e9} ", "x"), "caf");
        assert_eq!(sanitize("-lead_ok-", "x"), "-lead_ok-");
        assert_eq!(sanitize("\"\\\u{65e5}", "vm"), "vm");
    }

    #[test]
    fn labels_are_unique_per_kind_and_skip_reserved_ones() {
        let mut labels = Labels::new([(Kind::Vm, "a-b".to_string())]);
        assert_eq!(labels.take(Kind::Vm, "a b"), "a-b-2");
        assert_eq!(labels.take(Kind::Vm, "a.b"), "a-b-3");
        assert_eq!(labels.take(Kind::Volume, "a b"), "a-b");
    }
}
