//! Resource ids: the emulator emits integers, the real API may send strings; accept both.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Barrack resource id. Stored as text so that integer and string ids both round-trip;
/// serialized as a JSON number when it is one, so the emulator's wire format stays Hyperstack-like.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Id(String);

impl Id {
    /// Builds an id from anything printable (`Id::new(42)`, `Id::new("DEP1")`).
    pub fn new(value: impl fmt::Display) -> Self {
        Id(value.to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as an integer, when it is one (the emulator's ids always are).
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

impl From<u64> for Id {
    fn from(value: u64) -> Self {
        Id::new(value)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_u64() {
            Some(n) => serializer.serialize_u64(n),
            None => serializer.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Neg(i64),
            Str(String),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Int(n) => Id::new(n),
            Raw::Neg(n) => Id::new(n),
            Raw::Str(s) => Id(s),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Id;

    #[test]
    fn accepts_int_and_string() {
        let a: Id = serde_json::from_str("42").unwrap();
        let b: Id = serde_json::from_str("\"42\"").unwrap();
        let c: Id = serde_json::from_str("\"DEP1234567\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(c.as_str(), "DEP1234567");
        assert_eq!(serde_json::to_string(&a).unwrap(), "42");
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"DEP1234567\"");
    }
}
