//! Crash simulation: a child process journals operations and is SIGKILLed at random points;
//! reopening must lose no acknowledged operation and must always find a valid state.
//!
//! The child is this test binary re-executed with `GARRISON_STATE_CRASH_CHILD` set; it
//! reports each operation on stdout (`ack <i>`) only after `record_completion` returned.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use garrison_state::{LocalBackend, LockInfo, Outcome, Store};

const CHILD_ENV: &str = "GARRISON_STATE_CRASH_CHILD";
const PREFIX_ENV: &str = "GARRISON_STATE_CRASH_PREFIX";
const TEST_NAME: &str = "sigkill_at_random_points_loses_no_completed_operation";
const OPS: usize = 60;
const TRIALS: usize = 20;

/// Operation `i` of a trial: every fifth deletes what op `i - 3` created.
enum Op {
    Upsert(String),
    Delete(String),
}

fn plan(prefix: &str) -> Vec<Op> {
    (0..OPS)
        .map(|i| {
            if i % 5 == 4 {
                Op::Delete(format!("vm.{prefix}_{}", i - 3))
            } else {
                Op::Upsert(format!("vm.{prefix}_{i}"))
            }
        })
        .collect()
}

fn child(path: &str, prefix: &str) -> ! {
    let mut out = std::io::stdout();
    let mut store = Store::open(
        Box::new(LocalBackend::new(path)),
        LockInfo::new("crash child"),
    )
    .expect("child open");
    let _ = writeln!(out, "open");
    let _ = out.flush();
    for (i, op) in plan(prefix).into_iter().enumerate() {
        let (address, action, outcome) = match op {
            Op::Upsert(a) => {
                let r = common::resource(&a);
                (
                    a,
                    garrison_core::JournalAction::Create,
                    Outcome::Upserted(r),
                )
            }
            Op::Delete(a) => (a, garrison_core::JournalAction::Delete, Outcome::Deleted),
        };
        let mut spec = common::create(&address);
        spec.action = action;
        let id = store.record_intent(spec).expect("intent");
        store
            .record_completion(id, &common::key(&address), outcome)
            .expect("completion");
        let _ = writeln!(out, "ack {i}");
        let _ = out.flush();
        if i % 7 == 6 {
            store.checkpoint().expect("checkpoint");
        }
    }
    store.close().expect("close");
    std::process::exit(0)
}

/// Resource addresses after the first `k` operations of a trial, on top of `base`.
fn expected(base: &BTreeSet<String>, prefix: &str, k: usize) -> BTreeSet<String> {
    let mut set = base.clone();
    for op in plan(prefix).into_iter().take(k) {
        match op {
            Op::Upsert(a) => set.insert(a),
            Op::Delete(a) => set.remove(&a),
        };
    }
    set
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sigkill_at_random_points_loses_no_completed_operation() {
    if let (Ok(path), Ok(prefix)) = (std::env::var(CHILD_ENV), std::env::var(PREFIX_ENV)) {
        child(&path, &prefix);
    }
    let seed = (uuid::Uuid::new_v4().as_u128() as u64) | 1;
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(".garrison/state.json");
    let exe = std::env::current_exe().expect("test binary");
    let mut base = BTreeSet::new();
    let mut killed_mid_run = 0;

    for trial in 0..TRIALS {
        let prefix = format!("t{trial}");
        // Kill after a random number of lines (0 = right after open), anywhere in the run.
        let kill_after = (rng.next() % (OPS as u64 + 1)) as usize;
        let mut child = Command::new(&exe)
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .env(PREFIX_ENV, &prefix)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let child_pid = child.id();
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut lines = 0;
        let mut acked = 0;
        let mut killed = false;
        let mut buf = Vec::new();
        loop {
            if lines > kill_after && !killed {
                let _ = child.kill(); // SIGKILL
                killed = true;
            }
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).expect("read child");
            if n == 0 {
                break;
            }
            if buf.last() != Some(&b'\n') {
                break; // killed mid-line: not an acknowledgement
            }
            lines += 1;
            if buf.starts_with(b"ack ") {
                acked += 1;
            }
        }
        let status = child.wait().expect("wait child");
        if !status.success() {
            killed_mid_run += 1;
        }
        assert!(
            killed || status.success(),
            "seed {seed} trial {trial}: child failed on its own: {status:?}"
        );

        // Reopen: takes over the dead child's lock, replays its journal.
        let mut store = Store::open(
            Box::new(LocalBackend::new(&path)),
            LockInfo::new("garrison apply"),
        )
        .unwrap_or_else(|e| panic!("seed {seed} trial {trial}: reopen failed: {e}"));
        if let Some(dead) = &store.recovery().took_over {
            assert_eq!(dead.pid, child_pid, "seed {seed} trial {trial}");
        }
        let got: BTreeSet<String> = store.state().resources.keys().cloned().collect();
        let lower = expected(&base, &prefix, acked);
        let upper = expected(&base, &prefix, (acked + 1).min(OPS));
        assert!(
            got == lower || got == upper,
            "seed {seed} trial {trial}: {acked} acknowledged ops; state {got:?}, expected {lower:?} or {upper:?}"
        );
        // At most the one operation in flight is unresolved, and it is the next one.
        let unresolved = store.unresolved().to_vec();
        assert!(unresolved.len() <= 1, "seed {seed}: {unresolved:?}");
        for intent in &unresolved {
            assert_eq!(intent.op_id, acked as u64 + 1, "seed {seed} trial {trial}");
            assert_eq!(got, lower, "an unresolved op did not complete");
            // The engine would look the name up remotely; here it never happened.
            store
                .record_completion(
                    intent.op_ref(),
                    &intent.address,
                    Outcome::Failed {
                        message: "not found remotely".into(),
                    },
                )
                .expect("resolve");
        }
        store.close().expect("close");
        let reread = LocalBackend::new(&path);
        // No state at all only when nothing was ever recorded (killed right after open).
        match garrison_state::Backend::read(&reread).expect("valid state") {
            Some(doc) => {
                assert!(doc.pending.is_empty());
                base = doc.resources.keys().cloned().collect();
            }
            None => assert!(got.is_empty(), "seed {seed} trial {trial}: state vanished"),
        }
        assert_eq!(base, got);
    }
    assert!(
        killed_mid_run > 0,
        "seed {seed}: no trial was killed mid-run"
    );
}
