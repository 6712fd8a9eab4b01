//! Generated config for hand-made objects (`garrison import --all`,
//! `garrison plan --generate-config-out`): objects of every kind are made with the API
//! client directly, the account is refreshed and config is generated; then the text loads
//! without errors, `garrison fmt` leaves it unchanged, and planning it against a state
//! holding exactly the imported objects (recorded as the engine records them) changes
//! nothing. Objects the config cannot express are left out with the reason, and never
//! imported.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use barrack_api::wire::{
    self, instance_status as st, volume_status, Catalog, CreateFirewallRequest, CreateImageRequest,
    CreateSnapshotRequest, CreateSshKeyRequest, CreateVolumeRequest, DeploymentRequest,
    RuleRequest, ScriptRequest,
};
use barrack_api::{Client, Id};
use common::{admin, World, OS_IMAGE, PUBKEY};
use garrison_config::model::{Address, Kind, StateKey};
use garrison_config::{format_source, load_dir, Model, VarInputs};
use garrison_engine::generate::{self, Generated, ImportFilter};
use garrison_engine::record::resource_state;
use garrison_engine::{refresh, remote_view, Inventory, RemoteObject};
use garrison_plan::{plan, Action, Plan, PlanOptions, StepOp};
use garrison_state::StateDoc;
use serde_json::json;

/// `generate::import_all` against the built-in catalog (what the emulator lists by default).
fn import_all(
    inventory: &Inventory,
    state: &StateDoc,
    filter: &ImportFilter,
    taken: &BTreeSet<Address>,
) -> Generated {
    generate::import_all(inventory, state, filter, taken, &Catalog::builtin())
}

/// `generate::config_for` against the built-in catalog.
fn config_for(
    targets: &[(Address, RemoteObject)],
    inventory: &Inventory,
    state: &StateDoc,
    taken: &BTreeSet<Address>,
) -> Generated {
    generate::config_for(targets, inventory, state, taken, &Catalog::builtin())
}

const WAIT: Duration = Duration::from_secs(30);
const REGION: &str = "NORWAY-1";

/// Script content a config must carry exactly: quotes (three in a row), backslashes, a
/// literal `${`, tabs, trailing spaces, a blank line, unicode and a CRLF line.
const SCRIPT: &str = "#!/bin/sh\necho \"\"\"quoted\"\"\" 'single' \\ back\\slash\nexport HOME_COPY=${HOME} PRICE=$$5 ESCAPED=$${x}\n\tindented with a tab   \n\n   \nünïcødé 日本 \u{202e}bidi\r\nlast line without newline";

/// A description with everything a one-line string must escape.
const HOSTILE_TEXT: &str = "says \"hi\" \\ ${not.a.ref} \t tab ünïcødé \u{7f}\u{85} end";

// ---------------------------------------------------------------------------------------
// The check every generated text passes.

/// What one check found.
struct Checked {
    model: Model,
    plan: Plan,
    /// The state the plan was made against (with the imports).
    state: StateDoc,
    /// Codes of the config's warnings.
    warnings: Vec<String>,
}

/// The generated text (plus `extra` config, e.g. the user's own blocks) loads without
/// errors and `fmt` leaves it unchanged; planned against `state`, its `import` blocks are
/// all the plan does (no cloud call but reads); planned against `state` plus the imported
/// objects (recorded as the engine records them), nothing changes.
fn check(generated: &Generated, extra: &str, inventory: &Inventory, state: StateDoc) -> Checked {
    let formatted = format_source("imported.kdl", &generated.text).unwrap_or_else(|f| {
        panic!(
            "fmt cannot parse the generated text: {f:?}\n{}",
            generated.text
        )
    });
    assert_eq!(
        formatted, generated.text,
        "`garrison fmt` changes the generated text"
    );
    let dir = garrison_testkit::dir::temp_dir();
    std::fs::write(dir.path().join("imported.kdl"), &generated.text).expect("write");
    if !extra.is_empty() {
        std::fs::write(dir.path().join("main.kdl"), extra).expect("write");
    }
    let loaded = load_dir(dir.path(), &VarInputs::default()).unwrap_or_else(|f| {
        panic!(
            "the generated config does not load: {:#?}\n{}",
            f.errors, generated.text
        )
    });
    let model = loaded.model;
    only_imports(&model, &state, inventory, &generated.text);
    let state = with_imports(state, generated, &model, inventory);
    let plan = plan_clean(&model, &state, inventory, &generated.text);
    let warnings = loaded.warnings.iter().map(|w| w.code.to_string()).collect();
    Checked {
        model,
        plan,
        state,
        warnings,
    }
}

/// Before apply, the plan imports every object the config imports and does nothing else.
fn only_imports(model: &Model, state: &StateDoc, inventory: &Inventory, text: &str) {
    let mut view = remote_view(state, inventory, None, None);
    view.imports = garrison_engine::imports::found(model, inventory);
    let plan = plan(model, state, &view, PlanOptions::default())
        .unwrap_or_else(|f| panic!("plan fails: {f:?}\n{text}"));
    assert_eq!(
        plan.summary.import,
        model.imports.len(),
        "{:#?}",
        plan.changes
    );
    assert!(
        plan.changes
            .iter()
            .all(|c| c.action == Action::NoOp && c.imported.is_some() && c.attrs.is_empty()),
        "the imports change something: {:#?}\n{text}",
        plan.changes,
    );
    assert!(
        plan.steps
            .iter()
            .all(|s| matches!(s.op, StepOp::Import { .. })),
        "apply would run {:#?}",
        plan.steps
    );
}

/// With the imports recorded, the plan has no change and no step.
fn plan_clean(model: &Model, state: &StateDoc, inventory: &Inventory, text: &str) -> Plan {
    let view = remote_view(state, inventory, None, None);
    let plan = plan(model, state, &view, PlanOptions::default())
        .unwrap_or_else(|f| panic!("plan fails: {f:?}\n{text}"));
    assert!(
        !plan.summary.has_changes(),
        "the plan of the generated config changes something: {:#?}\n{text}",
        plan.changes,
    );
    assert!(plan.steps.is_empty(), "apply would run {:#?}", plan.steps);
    plan
}

/// `state` plus every import of `generated`, recorded as the engine records a resource.
fn with_imports(
    mut state: StateDoc,
    generated: &Generated,
    model: &Model,
    inventory: &Inventory,
) -> StateDoc {
    for (address, id) in &generated.imports {
        let object = inventory
            .by_id(address.kind, id.as_str())
            .unwrap_or_else(|| panic!("{address} imports {id}, which the account does not hold"));
        let key = StateKey::Live(address.clone());
        let resource = model.resource(address);
        assert!(resource.is_some(), "{address} is imported but has no block");
        let recorded = resource_state(&key, &object, resource, None);
        state.resources.insert(key.to_string(), recorded);
    }
    state
}

/// `(kind, cloud name)` of every import.
fn imported(generated: &Generated, inventory: &Inventory) -> BTreeSet<(Kind, String)> {
    generated
        .imports
        .iter()
        .filter_map(|(a, id)| inventory.by_id(a.kind, id.as_str()))
        .map(|o| (o.kind(), o.name().to_string()))
        .collect()
}

fn address(text: &str) -> Address {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

// ---------------------------------------------------------------------------------------
// A hand-made account.

/// The ids of what [`account`] made.
struct Made {
    vm_trainer: Id,
    key_laptop: Id,
}

/// Objects of every kind, made without Garrison: keys (one uploaded, one generated), a
/// script, a firewall with rules, volumes (a data one, a bootable one, one in CANADA-1),
/// VMs running, hibernated (booted from the volume), stopped, booted from a custom image,
/// a snapshot and its image; and what a config cannot express: a volume in ERROR, a
/// snapshot whose VM is gone, a script whose name breaks the naming rules.
async fn account(w: &World) -> Made {
    let c = &w.client;
    let laptop = ssh_key(c, "laptop", Some(PUBKEY)).await;
    let generated = ssh_key(c, "ci-generated", None).await;
    let script = c
        .create_script(&ScriptRequest {
            name: "boot strap.sh".into(),
            content: SCRIPT.into(),
            description: HOSTILE_TEXT.into(),
        })
        .await
        .expect("script")
        .value
        .id;
    let firewall = firewall(c).await;
    let data = volume(c, "data.1", REGION, 50, None).await;
    let root = volume(c, "root vol", REGION, 100, Some(OS_IMAGE)).await;
    volume(c, "toronto data", "CANADA-1", 20, None).await;
    let trainer = vm(
        c,
        "trainer one",
        Boot::Os,
        &[&laptop, &generated],
        Some(&script),
    )
    .await;
    c.attach_instance_volumes(&trainer, std::slice::from_ref(&data))
        .await
        .expect("attach volume");
    c.wait_volume_status(&data, &[volume_status::IN_USE], WAIT)
        .await
        .expect("volume in use");
    c.attach_firewall(&firewall, std::slice::from_ref(&trainer))
        .await
        .expect("attach firewall");
    c.wait_firewall_ready(&firewall, WAIT)
        .await
        .expect("firewall");
    c.set_instance_public_ip(&trainer, true)
        .await
        .expect("public ip");
    c.add_instance_security_rule(
        &trainer,
        &rule("ingress", "tcp", Some(22), "203.0.113.7/32"),
    )
    .await
    .expect("security rule");
    let image = golden_image(c, &trainer).await;
    vm(c, "from image", Boot::Image(&image), &[&laptop], None).await;
    let asleep = vm(c, "from-volume", Boot::Volume(&root), &[&laptop], None).await;
    c.hibernate_instance(&asleep).await.expect("hibernate");
    c.wait_instance_status(&asleep, &[st::HIBERNATED], WAIT)
        .await
        .expect("hibernated");
    let stopped = vm(c, "stopped_box", Boot::Os, &[&generated], None).await;
    c.stop_instance(&stopped).await.expect("stop");
    c.wait_instance_status(&stopped, &[st::SHUTOFF], WAIT)
        .await
        .expect("stopped");
    unexpressible(w, &laptop).await;
    Made {
        vm_trainer: trainer,
        key_laptop: laptop,
    }
}

/// A volume in ERROR, a snapshot whose VM was deleted, a script whose name a config
/// cannot hold.
async fn unexpressible(w: &World, key: &Id) {
    let c = &w.client;
    let broken = volume(c, "broken", REGION, 10, None).await;
    let path = format!("/_sim/resources/volumes/{broken}");
    admin(&w.sim, "PATCH", &path, Some(&json!({"status": "error"}))).await;
    let doomed = vm(c, "doomed", Boot::Os, &[key], None).await;
    snapshot(c, "orphan snap", &doomed).await;
    c.delete_instance(&doomed).await.expect("delete vm");
    c.wait_instance_deleted(&doomed, WAIT)
        .await
        .expect("deleted");
    let hostile = c
        .create_script(&ScriptRequest {
            name: "hostile".into(),
            content: "true".into(),
            description: String::new(),
        })
        .await
        .expect("script")
        .value
        .id;
    let path = format!("/_sim/resources/scripts/{hostile}");
    let name = "evil \"quoted\" \\ 日本\n// vm \"x\" {";
    admin(&w.sim, "PATCH", &path, Some(&json!({ "name": name }))).await;
}

async fn ssh_key(c: &Client, name: &str, public_key: Option<&str>) -> Id {
    let request = CreateSshKeyRequest {
        name: name.into(),
        public_key: public_key.map(str::to_string),
    };
    c.create_ssh_key(&request).await.expect("ssh key").value.id
}

fn rule(direction: &str, protocol: &str, port: Option<u16>, remote: &str) -> RuleRequest {
    let ethertype = if remote.contains(':') { "IPv6" } else { "IPv4" };
    RuleRequest {
        direction: direction.into(),
        ethertype: ethertype.into(),
        protocol: protocol.into(),
        port_range_min: port,
        port_range_max: port,
        remote_ip_prefix: remote.into(),
    }
}

async fn firewall(c: &Client) -> Id {
    let request = CreateFirewallRequest {
        name: "web fw".into(),
        region: REGION.into(),
        description: HOSTILE_TEXT.into(),
    };
    let id = c
        .create_firewall(&request)
        .await
        .expect("firewall")
        .value
        .id;
    c.wait_firewall_ready(&id, WAIT).await.expect("firewall");
    let mut ports = rule("ingress", "udp", None, "::/0");
    ports.port_range_min = Some(60000);
    ports.port_range_max = Some(61000);
    for rule in [
        rule("ingress", "tcp", Some(22), "10.0.0.0/8"),
        rule("ingress", "tcp", Some(443), "0.0.0.0/0"),
        rule("egress", "icmp", None, "0.0.0.0/0"),
        ports,
    ] {
        c.add_firewall_rule(&id, &rule).await.expect("rule");
    }
    id
}

async fn volume(c: &Client, name: &str, region: &str, size: u64, image: Option<&str>) -> Id {
    let request = CreateVolumeRequest {
        name: name.into(),
        region: region.into(),
        size,
        volume_type: "Cloud-SSD".into(),
        bootable: image.is_some(),
        image_name: image.map(str::to_string),
        description: format!("{name} made by hand"),
    };
    let id = c.create_volume(&request).await.expect("volume").value.id;
    c.wait_volume_status(&id, &[volume_status::AVAILABLE], WAIT)
        .await
        .expect("volume available");
    id
}

/// What a VM boots from.
enum Boot<'a> {
    Os,
    Image(&'a Id),
    Volume(&'a Id),
}

async fn vm(c: &Client, name: &str, boot: Boot<'_>, keys: &[&Id], script: Option<&Id>) -> Id {
    let mut request = DeploymentRequest {
        name: name.into(),
        region: REGION.into(),
        gpu_model: "A40".into(),
        gpu_count: 1,
        ssh_key_ids: keys.iter().map(|k| (*k).clone()).collect(),
        startup_script_id: script.cloned(),
        cloud_init: Some("#cloud-config\npackages: [htop]\n".into()),
        count: Some(1),
        ..DeploymentRequest::default()
    };
    match boot {
        Boot::Os => request.image_name = Some(OS_IMAGE.into()),
        Boot::Image(id) => request.image_id = Some(id.clone()),
        Boot::Volume(id) => request.boot_volume_id = Some(id.clone()),
    }
    let deployed = c.deploy_instance(&request).await.expect("deploy").value;
    let id = deployed.instances[0].id.clone();
    c.wait_instance_status(&id, &[st::ACTIVE], WAIT)
        .await
        .expect("active");
    id
}

async fn snapshot(c: &Client, name: &str, vm: &Id) -> Id {
    let request = CreateSnapshotRequest {
        instance_id: vm.clone(),
        name: name.into(),
        description: "taken by hand".into(),
    };
    let id = c
        .create_snapshot(&request)
        .await
        .expect("snapshot")
        .value
        .id;
    c.wait_snapshot_ready(&id, WAIT)
        .await
        .expect("snapshot ready");
    id
}

/// A snapshot of `vm` and an image made from it.
async fn golden_image(c: &Client, vm: &Id) -> Id {
    let snapshot = snapshot(c, "golden snap", vm).await;
    let request = CreateImageRequest {
        name: "golden image".into(),
        description: String::new(),
    };
    let id = c
        .create_image_from_snapshot(&snapshot, &request)
        .await
        .expect("image")
        .value
        .id;
    c.wait_image_ready(&id, WAIT).await.expect("image ready");
    id
}

async fn hand_made() -> (World, Made, Inventory) {
    let w = World::start().await;
    let made = account(&w).await;
    let inventory = refresh(&w.client).await.expect("refresh").inventory;
    (w, made, inventory)
}

// ---------------------------------------------------------------------------------------
// Tests.

/// Every kind round-trips: the generated config loads, is formatted, and plans clean
/// against a state holding the imports; what it cannot say is left out with why.
#[tokio::test]
async fn every_kind_round_trips_with_no_change() {
    let (_w, _, inventory) = hand_made().await;
    let generated = import_all(
        &inventory,
        &StateDoc::fresh(),
        &ImportFilter::default(),
        &BTreeSet::new(),
    );
    let checked = check(&generated, "", &inventory, StateDoc::fresh());
    let kinds: BTreeSet<Kind> = generated.imports.iter().map(|(a, _)| a.kind).collect();
    assert_eq!(kinds, Kind::ALL.into_iter().collect(), "{}", generated.text);
    assert_eq!(checked.plan.summary.unchanged, generated.imports.len());
    // The only warnings: the firewall's ingress open to the internet (443, 60000..61000).
    assert_eq!(checked.warnings, ["garrison::config::open_ingress"; 2]);

    let text = &generated.text;
    for expected in [
        "vm \"trainer-one\" {\n    name \"trainer one\"",
        "power \"hibernated\"",
        "power \"stopped\"",
        "boot-volume (ref)\"volume.root-vol\"",
        "image (ref)\"image.golden-image\"",
        "vm (ref)\"vm.trainer-one\"",
        "snapshot (ref)\"snapshot.golden-snap\"",
        "public-ip #true",
        "startup-script (ref)\"script.boot-strap-sh\"",
        "ssh-keys (ref)\"ssh-key.ci-generated\" (ref)\"ssh-key.laptop\"",
        "firewalls (ref)\"firewall.web-fw\"",
        "volumes (ref)\"volume.data-1\"",
        "rule direction=\"ingress\" protocol=\"udp\" ethertype=\"IPv6\" ports=\"60000..61000\" remote=\"::/0\"",
        "security-rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"203.0.113.7/32\"",
        "ESCAPED=$$${x}",
        "// cloud-init is never returned by the API",
        "`private-key-file`",
    ] {
        assert!(text.contains(expected), "no `{expected}` in\n{text}");
    }
    assert!(!text.contains("private-key-file \""), "{text}");
    let script = checked
        .model
        .resource(&address("script.boot-strap-sh"))
        .expect("script block");
    assert_eq!(script.region, REGION, "a script takes the region of its VM");
    cloud_init_added_later_replaces_the_vm(&generated, &checked, &inventory);

    let skipped: BTreeSet<(Kind, &str)> = generated
        .skipped
        .iter()
        .map(|s| (s.kind, s.name.as_str()))
        .collect();
    let hostile = "evil \"quoted\" \\ 日本\n// vm \"x\" {";
    let expected: BTreeSet<(Kind, &str)> = [
        (Kind::Volume, "broken"),
        (Kind::Snapshot, "orphan snap"),
        (Kind::Script, hostile),
    ]
    .into_iter()
    .collect();
    assert_eq!(skipped, expected, "{:#?}", generated.skipped);
    let imported = imported(&generated, &inventory);
    for (kind, name) in &expected {
        assert!(!imported.contains(&(*kind, name.to_string())));
    }
    for line in [
        "// - volume \"broken\" (id",
        "// - snapshot \"orphan snap\" (id",
        "// - script \"evil \\\"quoted\\\" \\\\ 日本\\n// vm \\\"x\\\" {\" (id",
    ] {
        assert!(text.contains(line), "no `{line}` in\n{text}");
    }
    assert!(
        generated
            .notes
            .iter()
            .any(|n| n.contains("orphan snap") && n.contains("no longer holds")),
        "{:#?}",
        generated.notes
    );
}

/// `--kind` takes only that kind, plus the unmanaged objects it uses; `--region` takes
/// that region, plus the account-wide kinds.
#[tokio::test]
async fn filters_by_kind_and_by_region() {
    let (_w, _, inventory) = hand_made().await;
    let fresh = StateDoc::fresh;
    let none = BTreeSet::new();

    let by_kind = ImportFilter {
        kinds: vec![Kind::Volume],
        regions: vec![],
    };
    let volumes = import_all(&inventory, &fresh(), &by_kind, &none);
    check(&volumes, "", &inventory, fresh());
    let names: BTreeSet<(Kind, String)> = ["data.1", "root vol", "toronto data"]
        .into_iter()
        .map(|n| (Kind::Volume, n.to_string()))
        .collect();
    assert_eq!(imported(&volumes, &inventory), names);

    let by_region = ImportFilter {
        kinds: vec![],
        regions: vec!["CANADA-1".into()],
    };
    let canada = import_all(&inventory, &fresh(), &by_region, &none);
    check(&canada, "", &inventory, fresh());
    let found: BTreeSet<(Kind, String)> = imported(&canada, &inventory);
    let want: BTreeSet<(Kind, String)> = [
        (Kind::Volume, "toronto data"),
        (Kind::SshKey, "laptop"),
        (Kind::SshKey, "ci-generated"),
        (Kind::Script, "boot strap.sh"),
    ]
    .into_iter()
    .map(|(k, n)| (k, n.to_string()))
    .collect();
    assert_eq!(found, want);

    let images = ImportFilter {
        kinds: vec![Kind::Image],
        regions: vec![],
    };
    let pulled = import_all(&inventory, &fresh(), &images, &none);
    check(&pulled, "", &inventory, fresh());
    let found = imported(&pulled, &inventory);
    for needed in [
        (Kind::Image, "golden image"),
        (Kind::Snapshot, "golden snap"),
        (Kind::Vm, "trainer one"),
        (Kind::SshKey, "laptop"),
        (Kind::Firewall, "web fw"),
        (Kind::Volume, "data.1"),
    ] {
        assert!(
            found.contains(&(needed.0, needed.1.to_string())),
            "{found:?}"
        );
    }
    assert!(
        !found.contains(&(Kind::Vm, "stopped_box".to_string())),
        "{found:?}"
    );
    assert!(
        pulled.text.contains(
            "Imported although the filter leaves it out: `snapshot.golden-snap` uses it."
        ),
        "{}",
        pulled.text
    );
}

/// `config_for`: a target VM that uses an unmanaged key and a managed script gets its
/// block at the target's address (no `import` line: the user has one); the key gets an
/// `import` line and a block; the script is referenced at its state address.
#[tokio::test]
async fn config_for_imports_the_unmanaged_key_a_target_uses() {
    let (_w, made, inventory) = hand_made().await;
    let trainer = inventory
        .by_id(Kind::Vm, made.vm_trainer.as_str())
        .expect("trainer");
    let script = match &trainer {
        RemoteObject::Vm(i) => i.startup_script_id.clone().expect("script"),
        _ => unreachable!("a vm"),
    };
    let script = inventory
        .by_id(Kind::Script, script.as_str())
        .expect("script");
    // The user's config: the managed script (as generated before), and the import block.
    let mut state = StateDoc::fresh();
    let managed = address("script.bootstrap");
    let user_script = import_all(
        &Inventory {
            scripts: inventory.scripts.clone(),
            instances: inventory.instances.clone(),
            ..Inventory::default()
        },
        &state,
        &ImportFilter {
            kinds: vec![Kind::Script],
            regions: vec![],
        },
        &BTreeSet::new(),
    );
    let user_block = user_script
        .text
        .lines()
        .skip_while(|l| !l.starts_with("script \"boot-strap-sh\""))
        .take_while(|l| *l != "}")
        .collect::<Vec<_>>()
        .join("\n")
        .replace("script \"boot-strap-sh\"", "script \"bootstrap\"");
    let user = format!(
        "{user_block}\n}}\nimport to=\"vm.trainer\" id=\"{}\"\n",
        made.vm_trainer
    );
    // Recorded as an earlier apply of that block did: scripts take the config's region.
    let key = StateKey::Live(managed.clone());
    let mut recorded = resource_state(&key, &script, None, None);
    recorded.region = REGION.into();
    recorded.attributes.insert("region".into(), json!(REGION));
    state.resources.insert(key.to_string(), recorded);
    let taken: BTreeSet<Address> = [managed.clone(), address("vm.trainer")].into();
    let generated = config_for(
        &[(address("vm.trainer"), trainer)],
        &inventory,
        &state,
        &taken,
    );
    let text = &generated.text;
    assert!(
        text.contains("vm \"trainer\" {\n    name \"trainer one\""),
        "{text}"
    );
    assert!(
        text.contains("startup-script (ref)\"script.bootstrap\""),
        "{text}"
    );
    assert!(!text.contains("import to=\"vm.trainer\""), "{text}");
    let laptop = generated
        .imports
        .iter()
        .find(|(a, _)| a.kind == Kind::SshKey && &*a.name == "laptop")
        .expect("the unmanaged key is imported");
    assert_eq!(laptop.1.as_str(), made.key_laptop.as_str());
    assert!(!generated
        .imports
        .iter()
        .any(|(a, _)| a.kind == Kind::Script));
    assert!(
        text.contains("Imported too: `vm.trainer` uses it, and the state does not manage it."),
        "{text}"
    );
    // The target itself is imported by the user's block.
    let mut with_target = generated.clone();
    with_target
        .imports
        .push((address("vm.trainer"), made.vm_trainer.as_str().into()));
    let checked = check(&with_target, &user, &inventory, state);
    assert!(checked
        .model
        .resource(&address("ssh-key.ci-generated"))
        .is_some());
}

/// Labels are unique per kind and never an address the config or the state uses; the
/// cloud name is written whenever it differs from the label.
#[test]
fn labels_stay_unique_under_collisions() {
    let volume = |id: u64, name: &str| wire::Volume {
        id: Id::new(id),
        name: name.into(),
        region: REGION.into(),
        size: 10,
        volume_type: "Cloud-SSD".into(),
        status: "available".into(),
        ..wire::Volume::default()
    };
    let inventory = Inventory {
        volumes: vec![
            volume(1, "a b"),
            volume(2, "a.b"),
            volume(3, "a-b"),
            volume(4, "a_b"),
            volume(5, "...."),
        ],
        ..Inventory::default()
    };
    let mut state = StateDoc::fresh();
    let managed = wire::Volume {
        id: Id::new(9),
        name: "managed".into(),
        ..volume(9, "managed")
    };
    let key = StateKey::Live(address("volume.a-b-2"));
    state.resources.insert(
        key.to_string(),
        resource_state(&key, &RemoteObject::Volume(managed.clone()), None, None),
    );
    let mut with_managed = inventory.clone();
    with_managed.volumes.push(managed);
    let taken: BTreeSet<Address> = [address("volume.a-b")].into();
    let generated = import_all(&with_managed, &state, &ImportFilter::default(), &taken);
    let labels: Vec<(String, String)> = generated
        .imports
        .iter()
        .map(|(a, id)| (a.to_string(), id.to_string()))
        .collect();
    // Names that are labels already go first ("a-b", "a_b"), then the others by name.
    let expected = [
        ("volume.a-b-3", "3"),
        ("volume.a-b-4", "1"),
        ("volume.a-b-5", "2"),
        ("volume.a_b", "4"),
        ("volume.volume", "5"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, id)| (a.to_string(), id.to_string()))
        .collect();
    assert_eq!(labels, expected, "{}", generated.text);
    for name in ["a b", "a.b", "a-b", "...."] {
        assert!(
            generated.text.contains(&format!("    name \"{name}\"\n")),
            "no name `{name}` in\n{}",
            generated.text
        );
    }
    assert!(
        !generated.text.contains("name \"a_b\""),
        "{}",
        generated.text
    );
    // The user's config holds `volume.a-b` (not applied yet): the plan creates it.
    let user =
        "volume \"a-b\" {\n    name \"new one\"\n    region \"NORWAY-1\"\n    size-gb 10\n}\n";
    let dir = garrison_testkit::dir::temp_dir();
    std::fs::write(dir.path().join("main.kdl"), user).expect("write");
    std::fs::write(dir.path().join("imported.kdl"), &generated.text).expect("write");
    let loaded = load_dir(dir.path(), &VarInputs::default())
        .unwrap_or_else(|f| panic!("{:#?}\n{}", f.errors, generated.text));
    let state = with_imports(state, &generated, &loaded.model, &with_managed);
    let view = remote_view(&state, &with_managed, None, None);
    let plan = plan(&loaded.model, &state, &view, PlanOptions::default()).expect("plan");
    let changed: Vec<String> = plan.changes.iter().map(|c| c.address.to_string()).collect();
    // Only the user's new volume is created; the managed one left the config.
    assert_eq!(
        changed,
        ["volume.a-b", "volume.a-b-2"],
        "{:#?}",
        plan.changes
    );
}

/// Hostile text (quotes, backslashes, `${`, control characters, bidirectional controls,
/// line separators, unicode) is escaped so the config reads it back exactly, and a hostile
/// name only ever appears quoted in a comment.
#[test]
fn hostile_text_is_escaped() {
    let nasty = "q\"uo\\te ${var.x} $${y} \u{0}\u{1b}[31m \u{2028}\u{2029}\u{85}\u{feff}\u{202e}\u{2066} 日本 é";
    let inventory = Inventory {
        firewalls: vec![wire::Firewall {
            id: Id::new(1),
            name: "fw".into(),
            region: REGION.into(),
            description: nasty.into(),
            status: "SUCCESS".into(),
            ..wire::Firewall::default()
        }],
        scripts: vec![
            wire::Script {
                id: Id::new(2),
                name: "s".into(),
                content: format!("line one\n{nasty}\n\"\"\"\n  \"\"\"  \n"),
                description: nasty.into(),
                ..wire::Script::default()
            },
            wire::Script {
                id: Id::new(3),
                name: format!("bad\n{nasty}\"}}\nvm \"x\" {{"),
                content: "true".into(),
                ..wire::Script::default()
            },
        ],
        ..Inventory::default()
    };
    let generated = import_all(
        &inventory,
        &StateDoc::fresh(),
        &ImportFilter::default(),
        &BTreeSet::new(),
    );
    let checked = check(&generated, "", &inventory, StateDoc::fresh());
    assert_eq!(checked.model.resources.len(), 2, "{}", generated.text);
    assert_eq!(generated.skipped.len(), 1);
    // Nothing but comments, blank lines and the two blocks.
    let nodes: Vec<&str> = generated
        .text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with(' ') && *l != "}")
        .collect();
    assert_eq!(
        nodes,
        [
            "import to=\"firewall.fw\" id=\"1\"",
            "firewall \"fw\" {",
            "import to=\"script.s\" id=\"2\"",
            "script \"s\" {",
        ],
        "{}",
        generated.text
    );
}

/// What the VM comment says: adding `cloud-init` to an imported VM's block replaces it.
fn cloud_init_added_later_replaces_the_vm(
    generated: &Generated,
    checked: &Checked,
    inventory: &Inventory,
) {
    let block = "vm \"trainer-one\" {\n";
    let edited = generated.text.replace(
        block,
        &format!("{block}    cloud-init \"#cloud-config\\npackages: [htop]\\n\"\n"),
    );
    let dir = garrison_testkit::dir::temp_dir();
    std::fs::write(dir.path().join("imported.kdl"), &edited).expect("write");
    let model = load_dir(dir.path(), &VarInputs::default())
        .unwrap_or_else(|f| panic!("{:#?}", f.errors))
        .model;
    let view = remote_view(&checked.state, inventory, None, None);
    let plan = plan(&model, &checked.state, &view, PlanOptions::default()).expect("plan");
    let change = plan.change("vm.trainer-one").expect("the VM changes");
    assert_eq!(change.action, Action::Replace, "{change:#?}");
    assert!(
        change
            .reasons
            .iter()
            .any(|r| r.contains("`cloud-init` forces replacement")),
        "{change:#?}"
    );
}

/// An imported object a managed resource uses says which link to add to that resource
/// (else the next plan changes it); and an account with nothing to import still gives a
/// file that loads and that `fmt` leaves alone.
#[test]
fn links_from_managed_resources_are_pointed_out() {
    let instance = wire::Instance {
        id: Id::new(1),
        name: "box".into(),
        region: REGION.into(),
        status: st::ACTIVE.into(),
        gpu_model: "A40".into(),
        gpu_count: 1,
        image: wire::ImageRef {
            name: OS_IMAGE.into(),
            id: None,
        },
        ssh_key_ids: vec![Id::new(2)],
        firewall_ids: vec![Id::new(3)],
        ..wire::Instance::default()
    };
    let key = wire::SshKey {
        id: Id::new(2),
        name: "me".into(),
        public_key: PUBKEY.into(),
        ..wire::SshKey::default()
    };
    let firewall = wire::Firewall {
        id: Id::new(3),
        name: "fw".into(),
        region: REGION.into(),
        status: "SUCCESS".into(),
        ..wire::Firewall::default()
    };
    let inventory = Inventory {
        instances: vec![instance.clone()],
        ssh_keys: vec![key.clone()],
        firewalls: vec![firewall],
        ..Inventory::default()
    };
    let mut state = StateDoc::fresh();
    for (at, object) in [
        ("vm.box", RemoteObject::Vm(instance)),
        ("ssh-key.me", RemoteObject::SshKey(key)),
    ] {
        let key = StateKey::Live(address(at));
        let recorded = resource_state(&key, &object, None, None);
        state.resources.insert(key.to_string(), recorded);
    }
    let generated = import_all(
        &inventory,
        &state,
        &ImportFilter::default(),
        &BTreeSet::new(),
    );
    assert_eq!(
        generated.imports,
        [(address("firewall.fw"), "3".into())],
        "{}",
        generated.text
    );
    let advice = "`vm.box`, which the state manages, uses this firewall: add \
        `(ref)\"firewall.fw\"` to its `firewalls`, or the next plan changes `vm.box`.";
    assert!(
        generated.text.replace("\n// ", " ").contains(advice),
        "{}",
        generated.text
    );
    assert!(
        generated
            .notes
            .iter()
            .any(|n| n.starts_with("`firewall.fw`: ") && n.contains(advice)),
        "{:#?}",
        generated.notes
    );

    let nothing = import_all(
        &Inventory::default(),
        &StateDoc::fresh(),
        &ImportFilter::default(),
        &BTreeSet::new(),
    );
    assert!(nothing.imports.is_empty() && nothing.skipped.is_empty());
    check(&nothing, "", &Inventory::default(), StateDoc::fresh());
}

/// The acceptance bar, through the engine: applying the generated config against the
/// emulator records the imports and sends no request but reads; the next plan is clean.
#[tokio::test]
async fn applying_the_generated_config_sends_no_mutating_request() {
    let (w, _, inventory) = hand_made().await;
    let generated = import_all(
        &inventory,
        &w.state(),
        &ImportFilter::default(),
        &BTreeSet::new(),
    );
    admin(&w.sim, "POST", "/_sim/counters/reset", None).await;
    let (plan, report, _) = w.apply(&generated.text).await;
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(plan.summary.import, generated.imports.len(), "{plan:#?}");
    let counters = w.counters().await;
    let routes = counters["routes"].as_object().cloned().unwrap_or_default();
    assert!(!routes.is_empty(), "apply reads the account: {counters}");
    assert!(
        routes.keys().all(|route| route.starts_with("GET ")),
        "apply sent more than reads: {counters}"
    );
    let recorded: BTreeSet<String> = w.state().resources.keys().cloned().collect();
    let imported: BTreeSet<String> = generated
        .imports
        .iter()
        .map(|(a, _)| a.to_string())
        .collect();
    assert_eq!(recorded, imported);
    let again = w.plan(&generated.text).await;
    assert!(!again.summary.has_changes(), "{:#?}", again.changes);
}
