//! SSH keys on the plan side: the public key (normalized; a generated key has none to compare).

use garrison_config::model::SshKeySpec;
use serde_json::json;

use crate::desired::{normalize_public_key, Attrs};
use crate::schema::ssh_key;

use crate::remote::Prices;

use super::PlanKind;

/// Nothing changes in place: every change replaces it.
pub(super) struct SshKey;

impl PlanKind for SshKey {
    type Spec = SshKeySpec;

    const BUSY: &'static [&'static str] = &[];

    fn hourly(_: &Attrs, _: &Prices) -> f64 {
        0.0
    }

    fn desired(spec: &SshKeySpec, out: &mut Attrs) {
        if let Some(key) = &spec.public_key {
            out.insert(ssh_key::PUBLIC_KEY.into(), json!(normalize_public_key(key)));
        }
    }
}
