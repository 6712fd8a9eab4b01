//! One attribute that differs, in 48 bytes: a plan of 100k creates holds about a million of
//! these (docs/performance.md, "B1 at 100k: the plan phase, second round").
//!
//! The name is two bytes (a position in the kind's schema); the parts a create never has
//! (the value before, the links replaced, a name the schema lacks) share one optional box.
//! The JSON is the one the plain struct wrote: same fields, same order.

use std::fmt;

use garrison_config::model::Kind;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::action::After;
use crate::protect::PROTECT;
use crate::schema::{self, AttrSpec};

/// An attribute's name without its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Name {
    /// The `u8`th attribute of the kind's schema.
    Schema(Kind, u8),
    /// Garrison's own `protect` setting.
    Protect,
    /// A name this version's schema lacks (read back from a saved plan): in [`Rare::name`].
    Other,
}

/// What most attribute changes do not have.
#[derive(Clone, Debug, Default, PartialEq)]
struct Rare {
    name: Option<Box<str>>,
    before: Option<Value>,
    replaced: Box<[String]>,
}

/// One attribute that differs.
#[derive(Clone)]
pub struct AttrChange {
    /// `None` on delete.
    pub after: Option<After>,
    rare: Option<Box<Rare>>,
    name: Name,
    /// This change alone forces the resource to be replaced.
    pub forces_replacement: bool,
    /// Never print the values: show `(sensitive)`.
    pub sensitive: bool,
    /// Render as a unified diff.
    pub multiline: bool,
}

impl AttrChange {
    /// A change of the `i`th attribute of `kind`'s schema (the planner's creates: no lookup).
    pub(crate) fn of_schema(kind: Kind, i: usize, spec: &AttrSpec, after: Option<After>) -> Self {
        let name = match u8::try_from(i) {
            Ok(i) => Name::Schema(kind, i),
            Err(_) => return Self::named(spec.name, None, after),
        };
        AttrChange {
            after,
            rare: None,
            name,
            forces_replacement: false,
            sensitive: false,
            multiline: spec.multiline,
        }
    }

    /// A change of the attribute called `name` (flags off; set the public fields after).
    pub fn named(name: &str, before: Option<Value>, after: Option<After>) -> Self {
        let (name, other) = match find(name) {
            Some(known) => (known, None),
            None => (Name::Other, Some(Box::from(name))),
        };
        let mut change = AttrChange {
            after,
            rare: None,
            name,
            forces_replacement: false,
            sensitive: false,
            multiline: false,
        };
        if other.is_some() {
            change.rare_mut().name = other;
        }
        change.set_before(before);
        change
    }

    /// The attribute's name, as the config writes it.
    pub fn name(&self) -> &str {
        match self.name {
            Name::Schema(kind, i) => schema::attrs(kind)
                .get(usize::from(i))
                .map_or("", |s| s.name),
            Name::Protect => PROTECT,
            Name::Other => self
                .rare
                .as_ref()
                .and_then(|r| r.name.as_deref())
                .unwrap_or_default(),
        }
    }

    /// The value before; `None` on create.
    pub fn before(&self) -> Option<&Value> {
        self.rare.as_ref().and_then(|r| r.before.as_ref())
    }

    pub fn before_mut(&mut self) -> Option<&mut Value> {
        self.rare.as_mut().and_then(|r| r.before.as_mut())
    }

    pub fn set_before(&mut self, before: Option<Value>) {
        if before.is_some() || self.rare.is_some() {
            self.rare_mut().before = before;
        }
    }

    /// Linked resources that keep their address but are replaced by this plan: the link
    /// changes to the new object although the address reads the same. Almost always empty.
    pub fn replaced(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |r| &r.replaced)
    }

    pub fn set_replaced(&mut self, replaced: Vec<String>) {
        if !replaced.is_empty() || self.rare.is_some() {
            self.rare_mut().replaced = replaced.into_boxed_slice();
        }
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }
}

/// The name's place in a schema (the first kind that has it), or `Protect`.
fn find(name: &str) -> Option<Name> {
    if name == PROTECT {
        return Some(Name::Protect);
    }
    Kind::ALL.into_iter().find_map(|kind| {
        let i = schema::attrs(kind).iter().position(|s| s.name == name)?;
        Some(Name::Schema(kind, u8::try_from(i).ok()?))
    })
}

impl PartialEq for AttrChange {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
            && self.before() == other.before()
            && self.after == other.after
            && self.forces_replacement == other.forces_replacement
            && self.sensitive == other.sensitive
            && self.multiline == other.multiline
            && self.replaced() == other.replaced()
    }
}

impl fmt::Debug for AttrChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttrChange")
            .field("name", &self.name())
            .field("before", &self.before())
            .field("after", &self.after)
            .field("forces_replacement", &self.forces_replacement)
            .field("sensitive", &self.sensitive)
            .field("multiline", &self.multiline)
            .field("replaced", &self.replaced())
            .finish()
    }
}

/// The JSON of an attribute change, borrowed to write it.
#[derive(Serialize)]
struct WireOut<'a> {
    name: &'a str,
    before: Option<&'a Value>,
    after: &'a Option<After>,
    forces_replacement: bool,
    sensitive: bool,
    multiline: bool,
    #[serde(skip_serializing_if = "none_replaced")]
    replaced: &'a [String],
}

fn none_replaced(replaced: &&[String]) -> bool {
    replaced.is_empty()
}

/// The JSON of an attribute change, read back.
#[derive(Deserialize)]
struct WireIn {
    name: String,
    before: Option<Value>,
    after: Option<After>,
    forces_replacement: bool,
    sensitive: bool,
    multiline: bool,
    #[serde(default)]
    replaced: Vec<String>,
}

impl Serialize for AttrChange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireOut {
            name: self.name(),
            before: self.before(),
            after: &self.after,
            forces_replacement: self.forces_replacement,
            sensitive: self.sensitive,
            multiline: self.multiline,
            replaced: self.replaced(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AttrChange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let w = WireIn::deserialize(deserializer)?;
        let mut change = AttrChange::named(&w.name, w.before, w.after);
        change.forces_replacement = w.forces_replacement;
        change.sensitive = w.sensitive;
        change.multiline = w.multiline;
        change.set_replaced(w.replaced);
        Ok(change)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn is_48_bytes() {
        assert_eq!(std::mem::size_of::<AttrChange>(), 48);
    }

    #[test]
    fn writes_and_reads_the_json_of_the_plain_struct() {
        let check = |text: &str| {
            let change: AttrChange = serde_json::from_str(text).expect("an attribute change");
            assert_eq!(serde_json::to_string(&change).expect("serialize"), text);
        };
        check(
            r#"{"name":"gpu-model","before":null,"after":{"state":"known","value":"A100"},"forces_replacement":false,"sensitive":false,"multiline":false}"#,
        );
        check(
            r#"{"name":"protect","before":true,"after":{"state":"known","value":false},"forces_replacement":false,"sensitive":false,"multiline":false}"#,
        );
        check(
            r#"{"name":"from-the-future","before":"a","after":null,"forces_replacement":true,"sensitive":true,"multiline":true,"replaced":["volume.data"]}"#,
        );
        check(
            r#"{"name":"volumes","before":[],"after":{"state":"unknown"},"forces_replacement":false,"sensitive":false,"multiline":false,"replaced":["volume.a","volume.b"]}"#,
        );
    }

    #[test]
    fn names_compare_as_text_whichever_kind_they_were_found_in() {
        let vm_name = schema::attrs(Kind::Vm)
            .iter()
            .position(|s| s.name == schema::NAME)
            .expect("a VM has a name");
        let spec = &schema::attrs(Kind::Vm)[vm_name];
        let planned = AttrChange::of_schema(Kind::Vm, vm_name, spec, Some(After::Unknown));
        let read_back = AttrChange::named(schema::NAME, None, Some(After::Unknown));
        assert_eq!(planned.name(), "name");
        assert_eq!(planned, read_back);
        let other = AttrChange::named("nope", Some(json!(1)), None);
        assert_eq!(other.name(), "nope");
        assert_eq!(other.before(), Some(&json!(1)));
        assert_ne!(other, read_back);
    }
}
