//! Encryption at rest (Teams): with a key, the state, its backup and every journal record
//! are AES-256-GCM envelopes on disk and in PostgreSQL; they read back only with the key
//! that sealed them; a rotation (new key first, old one after, then `rekey`) leaves
//! nothing sealed with the old key.

mod common;

use garrison_state::surgery::rekey;
use garrison_state::{
    Backend, CryptError, EncryptionKey, Error, Keyring, LocalBackend, LockInfo, Outcome,
    PostgresBackend, Store,
};
use garrison_testkit::pg as pg_server;

/// A name that must never be readable at rest.
const SECRET_NAME: &str = "name-vm-a";

fn ring(keys: &[&EncryptionKey]) -> Keyring {
    Keyring::new(keys.iter().map(|k| (*k).clone()).collect())
}

fn local(path: &std::path::Path, keys: Keyring) -> Box<dyn Backend> {
    Box::new(LocalBackend::new(path).with_keys(keys))
}

/// Two writes (so a backup exists) and an interrupted run's journal, all through `open`.
fn populate(open: &dyn Fn() -> Box<dyn Backend>) {
    open()
        .write(&common::doc(1, &["vm.a"]))
        .expect("first write");
    open()
        .write(&common::doc(2, &["vm.a"]))
        .expect("second write");
    let mut store = Store::open(open(), LockInfo::new("garrison apply")).expect("open");
    let op = store.record_intent(common::create("vm.b")).expect("intent");
    let mut vm = common::resource("vm.b");
    vm.remote_id = "7".into();
    store
        .record_completion(op, &common::key("vm.b"), Outcome::Upserted(vm))
        .expect("completion");
    drop(store); // no checkpoint: the journal stays
}

fn assert_sealed(what: &str, bytes: &[u8], key: &EncryptionKey) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!text.contains(SECRET_NAME), "{what} leaks: {text}");
    assert!(!text.contains("remote_id"), "{what} leaks: {text}");
    for line in text
        .lines()
        .filter(|l| l.starts_with('{') && l.ends_with('}'))
    {
        assert_eq!(
            Keyring::sealed_with(line.as_bytes()),
            Some(key.id()),
            "{what}"
        );
    }
    assert!(text.contains(&key.id()), "{what} names its key: {text}");
}

#[test]
fn local_state_backup_and_journal_are_sealed_and_read_back() {
    let (_dir, plain) = common::backend();
    let path = plain.path().to_path_buf();
    let key = EncryptionKey::generate();
    populate(&|| local(&path, ring(&[&key])));
    assert_sealed("state", &std::fs::read(&path).expect("state"), &key);
    assert_sealed(
        "backup",
        &std::fs::read(plain.backup_path()).expect("backup"),
        &key,
    );
    assert_sealed(
        "journal",
        &std::fs::read(plain.journal_path()).expect("journal"),
        &key,
    );
    let store = Store::open(local(&path, ring(&[&key])), LockInfo::new("t")).expect("reopen");
    assert!(
        store.state().resources.contains_key("vm.b"),
        "journal replayed"
    );
    assert_eq!(store.state().resources["vm.a"].name, SECRET_NAME);
}

#[test]
fn without_the_key_or_with_another_the_state_is_refused_naming_the_key() {
    let (_dir, plain) = common::backend();
    let key = EncryptionKey::generate();
    let sealed = plain.path().to_path_buf();
    local(&sealed, ring(&[&key]))
        .write(&common::doc(1, &["vm.a"]))
        .expect("write");
    let err = local(&sealed, Keyring::default())
        .read()
        .expect_err("no key");
    assert!(
        matches!(&err, Error::Crypt { source: CryptError::NoKey { key_id }, .. } if *key_id == key.id()),
        "{err:?}"
    );
    let other = EncryptionKey::generate();
    let err = local(&sealed, ring(&[&other]))
        .read()
        .expect_err("wrong key");
    assert!(
        matches!(
            &err,
            Error::Crypt {
                source: CryptError::UnknownKey { .. },
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&key.id()) && text.contains(&other.id()),
        "{text}"
    );
    assert!(!text.contains(&key.to_base64()), "{text}");
}

#[test]
fn a_tampered_ciphertext_is_refused() {
    let (_dir, plain) = common::backend();
    let key = EncryptionKey::generate();
    local(plain.path(), ring(&[&key]))
        .write(&common::doc(1, &["vm.a"]))
        .expect("write");
    let text = std::fs::read_to_string(plain.path()).expect("read");
    let at = text.find("\"ciphertext\": \"").expect("field") + 20;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(plain.path(), bytes).expect("tamper");
    let err = local(plain.path(), ring(&[&key]))
        .read()
        .expect_err("tampered");
    assert!(
        matches!(
            &err,
            Error::Crypt {
                source: CryptError::Tampered { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_plaintext_state_is_read_then_sealed_by_its_next_write() {
    let (_dir, plain) = common::backend();
    plain
        .write(&common::doc(1, &["vm.a"]))
        .expect("plaintext write");
    let key = EncryptionKey::generate();
    let keyed = local(plain.path(), ring(&[&key]));
    let doc = keyed.read().expect("read plaintext").expect("a state");
    keyed.write(&doc).expect("write sealed");
    assert_sealed("state", &std::fs::read(plain.path()).expect("state"), &key);
}

/// The documented rotation: `NEW,OLD`, `rekey`, then `NEW` alone reads everything and
/// `OLD` alone reads nothing (the backup included).
#[test]
fn rotation_reseals_state_and_backup_with_the_new_key() {
    let (_dir, plain) = common::backend();
    let path = plain.path().to_path_buf();
    let (old, new) = (EncryptionKey::generate(), EncryptionKey::generate());
    populate(&|| local(&path, ring(&[&old])));
    let done = rekey(local(&path, ring(&[&new, &old])), Some(new.id())).expect("rekey");
    assert_eq!(done.written.serial, 4, "replayed (3) then one new serial");
    assert_sealed("state", &std::fs::read(&path).expect("state"), &new);
    assert_sealed(
        "backup",
        &std::fs::read(plain.backup_path()).expect("backup"),
        &new,
    );
    assert!(
        !plain.journal_path().exists(),
        "the old journal was replayed and cleared"
    );
    let state = local(&path, ring(&[&new]))
        .read()
        .expect("new")
        .expect("state");
    assert!(state.resources.contains_key("vm.b"));
    assert!(local(&path, ring(&[&old])).read().is_err(), "old key alone");
}

#[test]
fn rekey_decrypt_writes_plaintext_again() {
    let (_dir, plain) = common::backend();
    let key = EncryptionKey::generate();
    local(plain.path(), ring(&[&key]))
        .write(&common::doc(1, &["vm.a"]))
        .expect("write");
    rekey(local(plain.path(), ring(&[&key]).opening_only()), None).expect("decrypt");
    let text = std::fs::read_to_string(plain.path()).expect("state");
    assert!(text.contains(SECRET_NAME), "plaintext again: {text}");
    plain.read().expect("read without a key").expect("state");
}

/// The same guarantees in PostgreSQL: the `doc`, `previous` and journal `record` columns
/// hold envelopes, and read back with the key.
#[test]
fn postgres_state_previous_and_journal_are_sealed() {
    let url = pg_server::url();
    let workspace = format!("test-{}", uuid::Uuid::new_v4());
    let key = EncryptionKey::generate();
    let open = || -> Box<dyn Backend> {
        Box::new(
            PostgresBackend::connect(&url, &workspace)
                .expect("connect")
                .with_keys(ring(&[&key])),
        )
    };
    populate(&open);
    for (what, sql) in [
        ("doc", "SELECT doc FROM garrison_state WHERE workspace = $1"),
        (
            "previous",
            "SELECT previous FROM garrison_state WHERE workspace = $1",
        ),
        (
            "journal",
            "SELECT record FROM garrison_journal WHERE workspace = $1",
        ),
    ] {
        let rows = raw(&url, sql, &workspace);
        assert!(!rows.is_empty(), "{what}");
        for bytes in rows {
            assert_sealed(what, &bytes, &key);
        }
    }
    let store = Store::open(open(), LockInfo::new("t")).expect("reopen");
    assert!(
        store.state().resources.contains_key("vm.b"),
        "journal replayed"
    );
    drop(store);
    let bare = PostgresBackend::connect(&url, &workspace).expect("connect");
    assert!(matches!(bare.read(), Err(Error::Crypt { .. })));
}

fn raw(url: &str, sql: &str, workspace: &str) -> Vec<Vec<u8>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        let rows = client.query(sql, &[&workspace]).await.expect("query");
        rows.iter().map(|r| r.get::<_, Vec<u8>>(0)).collect()
    })
}
