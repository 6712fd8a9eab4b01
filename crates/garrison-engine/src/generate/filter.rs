//! [`ImportFilter`]: which unmanaged objects `garrison import --all` takes.

use garrison_config::model::Kind;

use crate::remote::RemoteObject;

/// Which unmanaged objects `import --all` takes. An empty list admits every kind (every
/// region); account-wide kinds (SSH keys, scripts: the API gives them no region) match any
/// region filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportFilter {
    /// The kinds taken (empty: all).
    pub kinds: Vec<Kind>,
    /// The regions taken (empty: all).
    pub regions: Vec<String>,
}

impl ImportFilter {
    /// Whether the filter takes `object`.
    pub fn admits(&self, object: &RemoteObject) -> bool {
        let kind = self.kinds.is_empty() || self.kinds.contains(&object.kind());
        let region = self.regions.is_empty()
            || object.region().is_empty()
            || self.regions.iter().any(|r| r == object.region());
        kind && region
    }
}
