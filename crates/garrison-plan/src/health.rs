//! The cloud's word on a resource's health, from its observed `status`: broken (ERROR: the
//! plan replaces it), busy (a transition in progress: the plan waits for it), or fine.
//!
//! Kinds without a status (ssh keys, scripts) are always fine. Statuses compare without
//! case: the API spells VM and firewall statuses in capitals and volume statuses in lower
//! case (`error`, `error_deleting`, ...).

use garrison_config::model::Kind;

use crate::desired::Attrs;
use crate::schema;

/// What the observed status says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// A stable status.
    Fine,
    /// ERROR (or a volume's `error_*`): it does not work and will not recover by itself.
    Broken(String),
    /// Being created or changed (CREATING, BUILD, HIBERNATING, ...): it will settle.
    Busy(String),
}

/// The health of an observed resource of `kind`.
pub fn health(kind: Kind, observed: &Attrs) -> Health {
    let Some(status) = observed.get(schema::STATUS).and_then(|s| s.as_str()) else {
        return Health::Fine;
    };
    let lower = status.to_ascii_lowercase();
    if lower == "error" || lower.starts_with("error_") {
        Health::Broken(status.to_string())
    } else if crate::kinds::busy_statuses(kind)
        .iter()
        .any(|s| s.eq_ignore_ascii_case(status))
    {
        Health::Busy(status.to_string())
    } else {
        Health::Fine
    }
}

/// Why a broken resource is replaced, as the plan says it.
pub fn broken_reason(status: &str) -> String {
    format!("is in {status} on the cloud: replaced, deleting the broken one first")
}

/// Why a busy resource is waited for, as the plan says it.
pub fn busy_reason(status: &str) -> String {
    format!(
        "is {status} on the cloud: apply waits for it to settle (up to its create timeout); \
         if it ends in ERROR the next plan replaces it"
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with_status(status: &str) -> Attrs {
        let mut attrs = Attrs::new();
        attrs.insert(schema::STATUS.into(), json!(status));
        attrs
    }

    #[test]
    fn error_is_broken_for_every_kind_with_a_status() {
        for kind in [
            Kind::Vm,
            Kind::Firewall,
            Kind::Snapshot,
            Kind::Image,
            Kind::Volume,
        ] {
            assert_eq!(
                health(kind, &with_status("ERROR")),
                Health::Broken("ERROR".into())
            );
        }
        assert!(matches!(
            health(Kind::Volume, &with_status("error_deleting")),
            Health::Broken(_)
        ));
        assert_eq!(health(Kind::SshKey, &Attrs::new()), Health::Fine);
    }

    #[test]
    fn transitions_are_busy_and_stable_statuses_fine() {
        assert!(matches!(
            health(Kind::Vm, &with_status("BUILD")),
            Health::Busy(_)
        ));
        assert!(matches!(
            health(Kind::Volume, &with_status("creating")),
            Health::Busy(_)
        ));
        for (kind, status) in [
            (Kind::Vm, "ACTIVE"),
            (Kind::Vm, "SHUTOFF"),
            (Kind::Vm, "HIBERNATED"),
            (Kind::Vm, "DELETING"),
            (Kind::Volume, "in-use"),
            (Kind::Firewall, "SUCCESS"),
        ] {
            assert_eq!(health(kind, &with_status(status)), Health::Fine, "{status}");
        }
    }
}
