//! The id the cloud gave an object: a newtype so it is never mistaken for an address.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A remote (cloud-side) object id; serialized as a plain string.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RemoteId(String);

impl RemoteId {
    /// Wraps an id the cloud returned.
    pub fn new(id: impl Into<String>) -> Self {
        RemoteId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id is empty (no object yet).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for RemoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for RemoteId {
    fn from(id: String) -> Self {
        RemoteId(id)
    }
}

impl From<&str> for RemoteId {
    fn from(id: &str) -> Self {
        RemoteId(id.to_owned())
    }
}

impl From<RemoteId> for String {
    fn from(id: RemoteId) -> Self {
        id.0
    }
}

impl AsRef<str> for RemoteId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for RemoteId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RemoteId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
