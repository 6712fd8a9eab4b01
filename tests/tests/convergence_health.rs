//! Convergence when the cloud says something is wrong: resources of any kind in ERROR are
//! replaced (C1), per-resource refusals block only their resource (C2), transitions in
//! progress are waited for (C6), and `protect` changes reach the state (D6). Asserted on the
//! emulator's view.

use barrack_sim::{FaultConfig, SimConfig};
use garrison_plan::{Action, Plan};
use garrison_testkit::{admin, World};
use serde_json::{json, Value};

const PROVIDER: &str = "provider \"barrack\" {\n    region \"NORWAY-1\"\n}\n";

const KEY: &str = r#"
ssh-key "laptop" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx1 me@laptop"
}
"#;

fn config(body: &str) -> String {
    format!("{PROVIDER}{KEY}{body}")
}

/// Every kind with a status, wired together.
const ALL_KINDS: &str = r#"
firewall "fw" {
    description "ssh"
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}

volume "data" {
    size-gb 100
}

vm "box" {
    gpu "L40" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.laptop"
    firewalls (ref)"firewall.fw"
    volumes (ref)"volume.data"
}

snapshot "gold" {
    vm (ref)"vm.box"
}

image "gold" {
    snapshot (ref)"snapshot.gold"
}
"#;

/// The emulator's admin collection name of a state kind.
fn collection(kind: &str) -> &'static str {
    match kind {
        "vm" => "instances",
        "volume" => "volumes",
        "firewall" => "firewalls",
        "snapshot" => "snapshots",
        "image" => "images",
        "script" => "scripts",
        _ => "ssh-keys",
    }
}

fn remote_id(w: &World, address: &str) -> String {
    w.state()
        .resources
        .get(address)
        .unwrap_or_else(|| panic!("`{address}` in the state"))
        .remote_id
        .to_string()
}

/// Sets a resource's status behind Garrison's back (a pending transition is cancelled).
async fn set_status(w: &World, address: &str, status: &str) {
    let kind = address.split('.').next().unwrap_or_default();
    let id = remote_id(w, address);
    admin(
        w.sim.addr(),
        "PATCH",
        &format!("/_sim/resources/{}/{id}", collection(kind)),
        Some(&json!({ "status": status })),
    )
    .await;
}

/// The emulator's objects of one collection (`/_sim/state` key).
async fn remote(w: &World, key: &str) -> Vec<Value> {
    w.sim_state().await[key]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn action_of(plan: &Plan, address: &str) -> Option<Action> {
    plan.change(address).map(|c| c.action)
}

async fn apply_ok(w: &World) -> Plan {
    let (plan, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(report.is_success(), "apply failed: {report:#?}");
    plan
}

async fn assert_clean(w: &World) {
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert!(
        !plan.summary.has_changes() && plan.blocked.is_empty(),
        "plan not empty: {:?} blocked {:?}",
        plan.actions(),
        plan.blocked
    );
    let audit = w.audit().await;
    assert!(audit.is_clean(), "{audit}");
}

/// C1: a firewall, volume, snapshot and image put into ERROR after creation are each
/// planned as a replacement with the reason, and one apply converges.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_of_every_kind_in_error_are_replaced() {
    let w = World::start().await;
    w.write_config(&config(ALL_KINDS));
    apply_ok(&w).await;
    let broken = ["firewall.fw", "volume.data", "snapshot.gold", "image.gold"];
    let before: Vec<String> = broken.iter().map(|a| remote_id(&w, a)).collect();
    for address in broken {
        let status = if address.starts_with("volume") {
            "error"
        } else {
            "ERROR"
        };
        set_status(&w, address, status).await;
    }
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    for address in broken {
        let change = plan
            .change(address)
            .unwrap_or_else(|| panic!("`{address}` is in the plan: {:?}", plan.actions()));
        assert_eq!(change.action, Action::Replace, "{address}");
        assert!(
            change
                .reasons
                .iter()
                .any(|r| r.contains("on the cloud: replaced")),
            "{address}: {:?}",
            change.reasons
        );
    }
    w.converge(2)
        .await
        .unwrap_or_else(|log| panic!("no convergence: {log:#?}"));
    for (address, old) in broken.iter().zip(&before) {
        assert_ne!(&remote_id(&w, address), old, "{address} was replaced");
    }
    for key in ["firewalls", "volumes", "snapshots", "images", "instances"] {
        for object in remote(&w, key).await {
            let status = object["status"].as_str().unwrap_or_default();
            assert!(!status.eq_ignore_ascii_case("error"), "{key}: {object}");
        }
    }
    assert_clean(&w).await;
}

/// C1: a firewall that ends in ERROR at creation (the emulator's `operation_error` fault)
/// no longer fails every apply with `409 firewall N is in ERROR`: the next apply replaces it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firewall_created_in_error_converges() {
    let w = World::start().await;
    w.write_config(&config(
        r#"
firewall "fw" {
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}
"#,
    ));
    w.set_faults(&FaultConfig {
        operation_error: 1.0,
        ..FaultConfig::default()
    })
    .await;
    let (_, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(!report.is_success(), "the doomed create fails: {report:#?}");
    w.no_faults().await;
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert_eq!(action_of(&plan, "firewall.fw"), Some(Action::Replace));
    apply_ok(&w).await;
    let firewalls = remote(&w, "firewalls").await;
    assert_eq!(firewalls.len(), 1, "{firewalls:?}");
    assert_eq!(firewalls[0]["status"], json!("SUCCESS"));
    assert_eq!(firewalls[0]["rules"].as_array().map(Vec::len), Some(1));
    assert_clean(&w).await;
}

/// C2: a protected VM in ERROR is reported (blocked, not destroyed) and every unrelated
/// change still happens; apply is not a success and names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protected_vm_in_error_blocks_only_itself() {
    let w = World::start().await;
    let vm = r#"
vm "box" {
    gpu "L40" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.laptop"
    protect #true
}
"#;
    let script = |text: &str| format!("script \"boot\" {{\n    content \"{text}\"\n}}\n");
    w.write_config(&config(&format!("{vm}{}", script("one"))));
    apply_ok(&w).await;
    let vm_id = remote_id(&w, "vm.box");
    set_status(&w, "vm.box", "ERROR").await;
    w.write_config(&config(&format!(
        "{vm}{}volume \"scratch\" {{\n    size-gb 50\n}}\n",
        script("two")
    )));

    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert_eq!(plan.blocked.len(), 1, "{:?}", plan.blocked);
    assert_eq!(plan.blocked[0].address, "vm.box");
    assert!(
        plan.blocked[0].reason.contains("protected"),
        "{:?}",
        plan.blocked
    );
    assert_eq!(action_of(&plan, "script.boot"), Some(Action::Update));
    assert_eq!(action_of(&plan, "volume.scratch"), Some(Action::Create));

    let (_, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(!report.is_success(), "a blocked resource fails the run");
    assert_eq!(report.failed, Vec::new());
    assert_eq!(report.blocked.len(), 1);
    assert_eq!(report.blocked[0].0, "vm.box");
    let scripts = remote(&w, "scripts").await;
    assert_eq!(scripts[0]["content"], json!("two"));
    assert_eq!(remote(&w, "volumes").await.len(), 1);
    let instances = remote(&w, "instances").await;
    assert_eq!(instances.len(), 1);
    assert_eq!(instances[0]["id"].to_string().trim_matches('"'), vm_id);
    assert_eq!(instances[0]["status"], json!("ERROR"), "left alone");
}

/// C2: a create-before-destroy VM in ERROR keeping its name is replaced destroy-first (the
/// broken one holds the name, which the API will not give twice), not refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_before_destroy_vm_in_error_is_replaced_destroy_first() {
    let w = World::start().await;
    w.write_config(&config(
        r#"
vm "box" {
    gpu "L40" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.laptop"
    lifecycle create-before-destroy=#true
}
"#,
    ));
    apply_ok(&w).await;
    let old = remote_id(&w, "vm.box");
    set_status(&w, "vm.box", "ERROR").await;
    let plan = apply_ok(&w).await;
    let change = plan.change("vm.box").expect("vm.box replaced");
    assert_eq!(change.action, Action::Replace);
    assert!(!change.create_before_destroy, "destroy-first");
    assert_ne!(remote_id(&w, "vm.box"), old);
    let instances = remote(&w, "instances").await;
    assert_eq!(instances.len(), 1, "{instances:?}");
    assert_eq!(instances[0]["status"], json!("ACTIVE"));
    assert_clean(&w).await;
}

/// D6: `protect` added after the create reaches the state on the next apply (the plan says
/// so; no cloud call), then a removed resource is refused; removing `protect` takes effect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protect_added_or_removed_later_reaches_the_state() {
    let w = World::start().await;
    let volume = |protect: &str| format!("volume \"data\" {{\n    size-gb 100\n{protect}}}\n");
    w.write_config(&config(&volume("")));
    apply_ok(&w).await;
    assert!(!w.state().resources["volume.data"].protect);

    w.write_config(&config(&volume("    protect #true\n")));
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    let change = plan.change("volume.data").expect("a planned change");
    assert_eq!(change.action, Action::Update);
    assert!(
        change
            .reasons
            .iter()
            .any(|r| r == "protect: false -> true (Garrison only, no cloud call)"),
        "{:?}",
        change.reasons
    );
    assert!(plan.steps.is_empty(), "no cloud call: {:?}", plan.steps);
    apply_ok(&w).await;
    assert!(w.state().resources["volume.data"].protect, "recorded");
    assert_clean(&w).await;

    // Gone from the config: the state's protect refuses the delete.
    w.write_config(&config(""));
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert_eq!(plan.blocked.len(), 1, "{:?}", plan.blocked);
    let (_, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(!report.is_success());
    assert_eq!(remote(&w, "volumes").await.len(), 1, "not destroyed");

    // Back, without protect: recorded as unprotected, then the delete goes through.
    w.write_config(&config(&volume("")));
    apply_ok(&w).await;
    assert!(!w.state().resources["volume.data"].protect);
    w.write_config(&config(""));
    apply_ok(&w).await;
    assert_eq!(remote(&w, "volumes").await.len(), 0);
}

/// D6: lowering a `count` on a block that says `protect #true` refuses to destroy the
/// dropped instance even when the state recorded it unprotected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lowering_a_count_of_a_protected_block_destroys_nothing() {
    let w = World::start().await;
    let volumes = |count: u32, protect: &str| {
        format!(
            "volume \"big\" count={count} {{\n    name \"big-${{count.index}}\"\n    size-gb 3000\n{protect}}}\n"
        )
    };
    w.write_config(&config(&volumes(2, "")));
    apply_ok(&w).await;
    w.write_config(&config(&volumes(1, "    protect #true\n")));
    let (plan, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert_eq!(
        plan.blocked
            .iter()
            .map(|b| b.address.as_str())
            .collect::<Vec<_>>(),
        vec!["volume.big[1]"]
    );
    assert!(!report.is_success());
    assert_eq!(remote(&w, "volumes").await.len(), 2, "nothing destroyed");
    assert!(w.state().resources["volume.big[0]"].protect, "recorded");
}

/// C6: a VM stuck in CREATING is reported by the plan (a wait), never "No changes", and an
/// apply that cannot see it settle fails naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vm_stuck_creating_is_waited_for_and_reported() {
    let w = World::start().await;
    let vm = r#"
timeouts {
    vm create="1s"
}

vm "box" {
    gpu "L40" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.laptop"
}
"#;
    w.write_config(&config(vm));
    apply_ok(&w).await;
    set_status(&w, "vm.box", "CREATING").await;
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert!(plan.summary.has_changes(), "never a silent `No changes`");
    assert_eq!(action_of(&plan, "vm.box"), Some(Action::Wait));
    let (_, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(!report.is_success(), "still CREATING: {report:#?}");
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "vm.box");
    assert!(
        report.failed[0].1.contains("CREATING"),
        "{:?}",
        report.failed
    );

    // Once it settles, nothing is left to wait for.
    set_status(&w, "vm.box", "ACTIVE").await;
    apply_ok(&w).await;
    assert_clean(&w).await;
}

/// C6: after a create timeout the VM (still building) is waited for by the next apply, and
/// what depends on it (a snapshot) waits too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_create_timeout_the_next_apply_waits_for_the_vm() {
    // Slow life-cycles: a VM takes about 3 s to build.
    let sim = garrison_testkit::sim::start(garrison_testkit::sim::quiet(0.1)).await;
    let client = garrison_testkit::client::fast_client(&sim.base_url(), sim.api_key());
    let w = World {
        sim,
        client,
        dir: garrison_testkit::dir::temp_dir(),
        inputs: Default::default(),
    };
    let vm = |timeout: &str| {
        config(&format!(
            "timeouts {{\n    vm create=\"{timeout}\"\n}}\n\nvm \"box\" {{\n    gpu \"L40\" count=1\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.laptop\"\n}}\n"
        ))
    };
    w.write_config(&vm("1s"));
    let (_, report) = w.apply().await.unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(!report.is_success(), "the create times out: {report:#?}");
    let status = w.state().resources["vm.box"].attributes["status"].clone();
    assert!(
        status == json!("CREATING") || status == json!("BUILD"),
        "{status}"
    );

    w.write_config(&format!(
        "{}\nsnapshot \"gold\" {{\n    vm (ref)\"vm.box\"\n}}\n",
        vm("5m")
    ));
    let plan = apply_ok(&w).await;
    assert_eq!(action_of(&plan, "vm.box"), Some(Action::Wait));
    let instances = remote(&w, "instances").await;
    assert_eq!(instances[0]["status"], json!("ACTIVE"));
    assert_eq!(remote(&w, "snapshots").await.len(), 1);
}

const GENERATED_KEY: &str = r#"
ssh-key "ci" {
    private-key-file "keys/ci"
}
"#;

const VM_WITH_CI_KEY: &str = r#"
vm "box" {
    gpu "L40" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ci"
}
"#;

/// C7: a generated key adopted by recovery (its create landed, the answer with the private
/// key never came back) is flagged lost and replaced; the new private key is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_adopted_without_its_private_key_is_replaced() {
    let w = World::start().await;
    w.write_config(&format!("{PROVIDER}{GENERATED_KEY}"));
    // An interrupted run: the intent is journaled, the create reaches the cloud, the
    // answer (the only copy of the private key) is lost.
    {
        let mut store = garrison_state::Store::open(
            w.backend(),
            garrison_state::LockInfo::new("interrupted apply"),
        )
        .unwrap_or_else(|e| panic!("store: {e}"));
        store
            .record_intent(garrison_state::OpSpec {
                address: ci_key(),
                kind: garrison_config::model::Kind::SshKey,
                action: garrison_config::model::JournalAction::Create,
                name: "ci".into(),
                region: "NORWAY-1".into(),
            })
            .unwrap_or_else(|e| panic!("intent: {e}"));
    }
    let landed = w
        .client
        .create_ssh_key(&barrack_api::wire::CreateSshKeyRequest {
            name: "ci".into(),
            public_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("create: {e}"))
        .value;

    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    let change = plan.change("ssh-key.ci").expect("the key is in the plan");
    assert_eq!(change.action, Action::Replace);
    assert!(
        change
            .reasons
            .iter()
            .any(|r| r.contains("private key was lost")),
        "{:?}",
        change.reasons
    );
    apply_ok(&w).await;
    assert_ne!(remote_id(&w, "ssh-key.ci"), landed.id.as_str());
    assert!(!w.state().resources["ssh-key.ci"].private_key_lost);
    assert!(
        w.path().join("keys/ci").is_file(),
        "the new private key is written"
    );
    assert_eq!(remote(&w, "ssh_keys").await.len(), 1);
    assert_clean(&w).await;
}

/// C7: VMs that use a key whose private key is lost are rebuilt with a new key, in an
/// order the API accepts (it refuses to delete a key a VM uses): VM, key, new key, new VM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vms_using_a_lost_key_are_rebuilt_with_a_new_one() {
    let w = World::start().await;
    w.write_config(&format!("{PROVIDER}{GENERATED_KEY}{VM_WITH_CI_KEY}"));
    apply_ok(&w).await;
    let (old_key, old_vm) = (remote_id(&w, "ssh-key.ci"), remote_id(&w, "vm.box"));
    // As if the key had been adopted without its private key.
    {
        let mut store =
            garrison_state::Store::open(w.backend(), garrison_state::LockInfo::new("test"))
                .unwrap_or_else(|e| panic!("store: {e}"));
        let mut rs = store.state().resources["ssh-key.ci"].clone();
        rs.private_key_lost = true;
        let op = store.next_op();
        store
            .record_completion(op, &ci_key(), garrison_state::Outcome::Upserted(rs))
            .and_then(|()| store.checkpoint())
            .unwrap_or_else(|e| panic!("record: {e}"));
    }
    let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
    assert_eq!(action_of(&plan, "ssh-key.ci"), Some(Action::Replace));
    assert_eq!(action_of(&plan, "vm.box"), Some(Action::Replace));
    apply_ok(&w).await;
    let new_key = remote_id(&w, "ssh-key.ci");
    assert_ne!(new_key, old_key);
    assert_ne!(remote_id(&w, "vm.box"), old_vm);
    let instances = remote(&w, "instances").await;
    assert_eq!(instances.len(), 1);
    let key_ids: Vec<String> = instances[0]["ssh_key_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .map(garrison_testkit::audit::id_text)
        .collect();
    assert_eq!(key_ids, vec![new_key]);
    assert_clean(&w).await;
}

/// C1: with the emulator's `--fault-rate 0.2` (every fault at 20%, ERROR at creation of
/// every kind included), repeated applies converge; then the plan is empty and nothing is
/// left in ERROR. CI 1 seed of 20 resources, soak 8 seeds of 40.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uniform_faults_with_errors_converge() {
    const MAX_RUNS: usize = 10;
    let seeds = garrison_testkit::Budget { ci: 1, soak: 8 }.get() as u64;
    let resources = if garrison_testkit::soak() { 40 } else { 20 };
    let mut lines = Vec::new();
    for seed in 1..=seeds {
        let started = std::time::Instant::now();
        let w = World::start_with(SimConfig {
            seed,
            faults: FaultConfig::uniform(0.2),
            ..SimConfig::default()
        })
        .await;
        w.write_config(&garrison_testkit::synth::config(resources));
        let runs = w
            .converge(MAX_RUNS)
            .await
            .unwrap_or_else(|log| panic!("seed {seed}: no convergence: {log:#?}"));
        w.no_faults().await;
        assert_clean(&w).await;
        assert_eq!(w.state().resources.len(), resources, "seed {seed}");
        for key in ["firewalls", "volumes", "snapshots", "images", "instances"] {
            for object in remote(&w, key).await {
                let status = object["status"].as_str().unwrap_or_default();
                assert!(
                    !status.eq_ignore_ascii_case("error"),
                    "seed {seed}: {object}"
                );
            }
        }
        lines.push(format!(
            "seed {seed}: converged in {runs} run(s), {:.1}s",
            started.elapsed().as_secs_f64()
        ));
    }
    std::io::Write::write_all(&mut std::io::stderr(), (lines.join("\n") + "\n").as_bytes()).ok();
}

/// The state key of the test's SSH key.
fn ci_key() -> garrison_config::model::StateKey {
    "ssh-key.ci".parse().expect("a state key")
}
