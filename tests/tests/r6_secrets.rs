//! R6: secrets never reach artefacts. Applies a config with a sensitive variable (used in
//! a VM's cloud-init, a script's content and a sensitive output), a server-generated SSH
//! key saved to a private-key file, under a known API key; then greps the state, its
//! backup, the journal, every other file under `.garrison/`, a saved plan, the JSON,
//! Markdown and text plans, the captured events and tracing logs, and the text of
//! provoked errors. None may contain the API key, the variable's value or the private key.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

use barrack_sim::{FaultConfig, SimConfig};
use garrison_config::{load_str, VarInputs};
use garrison_engine::{
    plan_only, prepare, CancelToken, EngineError, ExecuteOptions, PrepareOptions, SavedPlan,
};
use garrison_plan::render::{to_json, to_markdown, to_text, TextStyle};
use garrison_plan::Plan;
use garrison_state::LocalBackend;
use garrison_testkit::synth::OS_IMAGE;
use garrison_testkit::{collector, World};

const API_KEY: &str = "bk-live-R6-0c9f7e2a5d41b8e3";
const SECRET: &str = "tok-R6-s3cr3t-91b7e2d4";

fn config(script_line: &str) -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
variable "token" type="string" sensitive=#true
ssh-key "generated" {{
    name "gen_key"
    private-key-file "keys/gen"
}}
script "boot" {{
    content "#!/bin/sh\nexport TOKEN=${{var.token}}\n{script_line}\n"
}}
vm "box" {{
    gpu "A40" count=1
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.generated"
    startup-script (ref)"script.boot"
    cloud-init "#cloud-config\nruncmd: [echo ${{var.token}}]\n"
}}
output "token" (ref)"var.token" sensitive=#true
output "box-id" (ref)"vm.box.id"
"##
    )
}

/// Log lines from every `tracing` event, of every crate, at every level.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Artefact name -> text.
#[derive(Default)]
struct Artefacts(BTreeMap<String, String>);

impl Artefacts {
    fn add(&mut self, name: impl Into<String>, text: impl Into<String>) {
        self.0.insert(name.into(), text.into());
    }

    fn plans(&mut self, label: &str, plan: &Plan) {
        self.add(format!("{label} plan JSON"), to_json(plan));
        self.add(format!("{label} plan Markdown"), to_markdown(plan));
        self.add(
            format!("{label} plan text"),
            to_text(plan, TextStyle::default()),
        );
        self.add(format!("{label} plan Debug"), format!("{plan:?}"));
    }

    fn error(&mut self, label: &str, e: &dyn std::error::Error) {
        let mut text = format!("{e}\n{e:?}\n");
        let mut source = e.source();
        while let Some(s) = source {
            text.push_str(&format!("{s}\n{s:?}\n"));
            source = s.source();
        }
        self.add(format!("error: {label}"), text);
    }

    /// Every file under `dir` except `skip`.
    fn files(&mut self, root: &Path, dir: &Path, skip: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path == skip {
                continue;
            }
            if path.is_dir() {
                self.files(root, &path, skip);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let name = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                self.add(
                    format!("file {name}"),
                    String::from_utf8_lossy(&bytes).into_owned(),
                );
            }
        }
    }

    /// `(artefact, secret name)` for every secret found.
    fn leaks(&self, secrets: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (artefact, text) in &self.0 {
            for (name, needle) in secrets {
                if text.contains(needle) {
                    out.push((artefact.clone(), (*name).to_string()));
                }
            }
        }
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_any_artefact() {
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .ok();

    let mut w = World::start_with(SimConfig {
        api_key: API_KEY.into(),
        ..SimConfig::default()
    })
    .await;
    w.inputs =
        VarInputs::default().with_env([("GARRISON_VAR_token".to_string(), SECRET.to_string())]);
    let mut art = Artefacts::default();
    let (inner, events) = collector();
    // The journal is folded into the state at checkpoints: copy it as each step finishes.
    let journal_path = LocalBackend::in_config_dir(w.path())
        .journal_path()
        .to_path_buf();
    let journals = Arc::new(Mutex::new(String::new()));
    let keep = journals.clone();
    let sink: garrison_engine::EventSink = Arc::new(move |e| {
        if matches!(e, garrison_engine::Event::Finished { .. }) {
            if let (Ok(text), Ok(mut all)) = (std::fs::read_to_string(&journal_path), keep.lock()) {
                all.push_str(&text);
            }
        }
        inner(e);
    });

    // 1. Plan, save it, apply it.
    w.write_config(&config("echo one"));
    let plan = plan_only(
        &w.model(),
        w.backend().as_ref(),
        Some(&w.client),
        Default::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("plan: {e}"));
    art.plans("create", &plan);
    let saved_path = w.path().join("create.plan.json");
    SavedPlan::new(w.path(), plan)
        .write(&saved_path)
        .unwrap_or_else(|e| panic!("save plan: {e}"));
    let (_, report) = w
        .apply_with_events("garrison apply", sink.clone())
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(report.is_success(), "{:#?}", report.failed);
    art.add("apply report", format!("{report:?}"));

    // The private key went to its file, 0600, and only there.
    let key_path = w.path().join("keys/gen");
    let private = std::fs::read_to_string(&key_path)
        .unwrap_or_else(|e| panic!("private key file {}: {e}", key_path.display()));
    assert!(private.contains("PRIVATE KEY"), "{}", private.len());
    let key_line = private
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .max_by_key(|l| l.len())
        .unwrap_or_default()
        .to_string();
    assert!(key_line.len() >= 40, "no body line in the private key");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        assert_eq!(mode, 0o600, "private key file mode");
    }

    // 2. An edit (an update touching the sensitive script) so there is a backup and a
    // second journal generation; its plan is saved too.
    w.write_config(&config("echo two"));
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert!(plan.summary.has_changes(), "the edit must change something");
    art.plans("update", &plan);
    let saved_update = w.path().join("update.plan.json");
    SavedPlan::new(w.path(), plan)
        .write(&saved_update)
        .unwrap_or_else(|e| panic!("save plan: {e}"));
    let (_, report) = w
        .apply_with_events("garrison apply", sink.clone())
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(report.is_success(), "{:#?}", report.failed);

    // 3. Provoked errors.
    // A step failing on the API (every request 5xx once the run has started).
    w.write_config(&config("echo three"));
    let prepared = prepare(
        w.model(),
        w.client.clone(),
        w.backend(),
        PrepareOptions {
            destroy: false,
            command: "garrison apply".into(),
            expected: None,
            ..PrepareOptions::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("prepare: {e}"));
    w.set_faults(&FaultConfig {
        error_5xx: 1.0,
        ..FaultConfig::default()
    })
    .await;
    let report = prepared
        .execute(ExecuteOptions::default(), sink.clone(), CancelToken::new())
        .await;
    match &report {
        Ok(r) => {
            assert!(!r.failed.is_empty(), "the update must fail under 100% 5xx");
            // The step's error keeps the API's answer: its status (and request id).
            assert!(
                r.failed
                    .iter()
                    .all(|(_, e)| e.status.is_some_and(|s| s >= 500)),
                "{:#?}",
                r.failed
            );
            art.add("failed-step report", format!("{r:?}"));
        }
        Err(e) => art.error("execute under faults", e),
    }
    // Refresh failing (the engine's API error).
    match w.plan().await {
        Ok(_) => panic!("a plan must fail when every request fails"),
        Err(e) => art.error("plan under faults", &e),
    }
    w.no_faults().await;
    // The lock held by another run.
    let holder = prepare(
        w.model(),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("prepare: {e}"));
    match prepare(
        w.model(),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await
    {
        Ok(_) => panic!("a second prepare must find the lock held"),
        Err(e) => art.error("locked", &e),
    }
    drop(holder);
    // A wrong key: the 401 must not echo any key.
    let wrong = garrison_testkit::client::fast_client(&w.sim.base_url(), "not-the-key");
    match plan_only(
        &w.model(),
        w.backend().as_ref(),
        Some(&wrong),
        Default::default(),
    )
    .await
    {
        Ok(_) => panic!("a wrong key must be refused"),
        Err(e) => art.error("unauthorized", &e as &EngineError),
    }
    // A sensitive value of the wrong type: the diagnostic must not echo it.
    let bad = load_str(
        "main.kdl",
        "provider \"barrack\" { region \"NORWAY-1\"; }\nvariable \"pin\" type=\"int\" sensitive=#true\nvariable \"choice\" sensitive=#true allowed=\"a\"\n",
        &VarInputs::default().with_env([
            ("GARRISON_VAR_pin".to_string(), SECRET.to_string()),
            ("GARRISON_VAR_choice".to_string(), SECRET.to_string()),
        ]),
    );
    match bad {
        Ok(_) => panic!("a non-int value for an int variable must be refused"),
        Err(f) => {
            let mut text = format!("{f}\n{f:?}\n");
            for d in f.errors.iter().chain(&f.warnings) {
                text.push_str(&format!("{d}\n{}\n", d.to_json()));
            }
            art.add("error: sensitive variable of the wrong type", text);
        }
    }
    // Client and config Debug output.
    art.add("client Debug", format!("{:?}", w.client));
    art.add("client config Debug", format!("{:?}", w.client.config()));

    // 4. Files, events, logs.
    let backend = LocalBackend::in_config_dir(w.path());
    assert!(backend.path().exists(), "state file");
    assert!(backend.backup_path().exists(), "backup after two applies");
    art.files(w.path(), w.path(), &key_path);
    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(!events.is_empty());
    art.add(
        "events",
        events
            .iter()
            .map(|e| format!("{e:?}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let journal_text = journals.lock().map(|j| j.clone()).unwrap_or_default();
    assert!(!journal_text.is_empty(), "the journal was never seen");
    art.add("journal (copied as steps finished)", journal_text);
    let log_text = logs
        .0
        .lock()
        .map(|l| String::from_utf8_lossy(&l).into_owned())
        .unwrap_or_default();
    art.add("tracing log", log_text);

    let leaks = art.leaks(&[
        ("the API key", API_KEY),
        ("the sensitive variable", SECRET),
        ("the private key", &key_line),
    ]);
    // Where, in the state, the secret sits (for the report).
    let state_text = std::fs::read_to_string(backend.path()).unwrap_or_default();
    let places: Vec<&str> = state_text.lines().filter(|l| l.contains(SECRET)).collect();
    let checked: Vec<&String> = art.0.keys().collect();
    std::io::stderr()
        .write_all(format!("state lines holding the sensitive value: {places:?}\n").as_bytes())
        .ok();
    std::io::stderr()
        .write_all(format!("checked {} artefacts: {checked:?}\n", checked.len()).as_bytes())
        .ok();
    assert!(
        leaks.is_empty(),
        "secrets leak ({} finding(s)):\n{}",
        leaks.len(),
        leaks
            .iter()
            .map(|(a, s)| format!("  {s} in {a}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
