//! Workspaces of one config: where each lives, `create`, `list`, `delete` (refused while
//! the state manages objects, unless forced), on local files and on PostgreSQL.

use garrison_core::{Kind, RemoteId, StateKey, Workspace};
use garrison_state::workspaces::{create, delete, WorkspaceError, Workspaces};
use garrison_state::{ResourceState, StateDoc};
use garrison_testkit::pg as pg_server;

fn ws(name: &str) -> Workspace {
    name.parse().expect("a workspace name")
}

/// A state managing one volume.
fn managing_one() -> StateDoc {
    let mut doc = StateDoc::fresh();
    let address: StateKey = "volume.data".parse().expect("a state key");
    doc.resources.insert(
        address.to_string(),
        ResourceState {
            address,
            kind: Kind::Volume,
            remote_id: RemoteId::new("vol-1"),
            name: "data".into(),
            region: "NORWAY-1".into(),
            attributes: serde_json::Map::new(),
            input_hashes: Default::default(),
            dependencies: vec![],
            protect: false,
            private_key_lost: false,
            not_ready: false,
            created_at: String::new(),
        },
    );
    doc
}

/// The life of a workspace on `all`: new, list, refused delete, forced delete.
fn check(all: &Workspaces) {
    let staging = ws("staging");
    assert_eq!(all.list().expect("list"), vec![Workspace::default()]);
    assert!(!all.exists(&staging).expect("exists"));
    create(all, &staging).expect("create");
    assert!(matches!(
        create(all, &staging),
        Err(WorkspaceError::Exists { .. })
    ));
    create(all, &ws("pr-7")).expect("create");
    assert_eq!(
        all.list().expect("list"),
        vec![Workspace::default(), ws("pr-7"), staging.clone()]
    );
    // Its own state: writing it leaves `default` untouched.
    all.backend(&staging)
        .expect("backend")
        .write(&managing_one())
        .expect("write");
    assert_eq!(
        all.backend(&Workspace::default())
            .expect("backend")
            .read()
            .expect("read"),
        None
    );
    let refused = delete(all, &staging, false);
    assert!(
        matches!(refused, Err(WorkspaceError::NotEmpty { count: 1, .. })),
        "{refused:?}"
    );
    assert!(
        all.exists(&staging).expect("exists"),
        "a refusal deleted it"
    );
    let deleted = delete(all, &staging, true).expect("forced delete");
    assert_eq!(deleted.abandoned.len(), 1);
    assert_eq!(deleted.abandoned[0].remote_id, RemoteId::new("vol-1"));
    assert!(!all.exists(&staging).expect("exists"));
    delete(all, &ws("pr-7"), false).expect("empty delete");
    assert!(matches!(
        delete(all, &ws("pr-7"), false),
        Err(WorkspaceError::Missing { .. })
    ));
    assert!(matches!(
        delete(all, &Workspace::default(), true),
        Err(WorkspaceError::Default)
    ));
    assert_eq!(all.list().expect("list"), vec![Workspace::default()]);
}

#[test]
fn local_workspaces_live_beside_the_default_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let default_path = dir.path().join(".garrison/state.json");
    assert_eq!(
        Workspaces::local_path(&default_path, &ws("pr-7")),
        dir.path().join(".garrison/workspaces/pr-7/state.json")
    );
    assert_eq!(
        Workspaces::local_path(&default_path, &Workspace::default()),
        default_path
    );
    check(&Workspaces::local(default_path));
    assert!(
        !dir.path().join(".garrison/workspaces/staging").exists(),
        "a deleted workspace leaves its directory"
    );
}

#[test]
fn postgres_workspaces_are_keys_derived_from_the_configs() {
    assert_eq!(Workspaces::postgres_key("prod", &ws("pr-7")), "prod:pr-7");
    assert_eq!(
        Workspaces::postgres_key("prod", &Workspace::default()),
        "prod"
    );
    let base = format!("test-{}", uuid::Uuid::new_v4());
    check(&Workspaces::postgres(pg_server::url(), base));
}
