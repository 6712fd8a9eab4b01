//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use garrison_core::{JournalAction, StateKey};
use garrison_state::{LocalBackend, OpSpec, ResourceState, StateDoc};

/// The state key spelled `address` (`vm.a`, `vm.a (deposed 7)`).
pub fn key(address: &str) -> StateKey {
    address.parse().expect("a state key")
}

/// A resource at `address` with a small attribute map.
pub fn resource(address: &str) -> ResourceState {
    let mut attributes = serde_json::Map::new();
    attributes.insert("size".into(), serde_json::json!(100));
    attributes.insert("status".into(), serde_json::json!("ACTIVE"));
    ResourceState {
        address: key(address),
        kind: key(address).kind(),
        remote_id: format!("id-{address}").into(),
        name: format!("name-{}", address.replace('.', "-")),
        region: "NORWAY-1".into(),
        attributes,
        input_hashes: BTreeMap::from([("cloud-init".to_string(), "ab".repeat(32))]),
        dependencies: vec!["ssh_key.main".into()],
        protect: false,
        created_at: "2025-01-02T03:04:05Z".into(),
        private_key_lost: false,
        not_ready: false,
    }
}

/// A document holding `addresses`, at `serial`.
pub fn doc(serial: u64, addresses: &[&str]) -> StateDoc {
    let mut d = StateDoc::fresh();
    d.serial = serial;
    for a in addresses {
        d.resources.insert(a.to_string(), resource(a));
    }
    d
}

/// A create operation for `address`.
pub fn create(address: &str) -> OpSpec {
    OpSpec {
        address: key(address),
        kind: garrison_core::Kind::Vm,
        action: JournalAction::Create,
        name: format!("name-{}", address.replace('.', "-")),
        region: "NORWAY-1".into(),
    }
}

/// A backend in a fresh temp dir (keep the dir alive).
pub fn backend() -> (tempfile::TempDir, LocalBackend) {
    let dir = garrison_testkit::dir::temp_dir();
    let backend = LocalBackend::in_config_dir(dir.path());
    (dir, backend)
}
