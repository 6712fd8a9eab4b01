//! Every route against the emulator: its happy path and its main error.

mod common;

use barrack_api::wire::{
    instance_status as st, volume_status, CreateFirewallRequest, CreateImageRequest,
    CreateSnapshotRequest, CreateSshKeyRequest, CreateVolumeRequest, DeploymentRequest, QuoteItem,
    QuoteRequest, RuleRequest, ScriptRequest,
};
use barrack_api::{Client, ClientConfig, Error, Id};
use common::{client, quiet, spawn, WAIT};

const REGION: &str = "NORWAY-1";
const GPU: &str = "RTX-A6000";
const IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";
const PUBKEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@garrison";

fn assert_status(result: Result<impl std::fmt::Debug, Error>, status: u16) {
    match result {
        Err(e) => assert_eq!(e.status(), Some(status), "{e}"),
        Ok(v) => panic!("expected HTTP {status}, got {v:?}"),
    }
}

/// A create refused because the name is taken. The contract lists 409 for conflicts; the
/// emulator answers 400 `validation_error`; both are accepted, the message must say why.
fn assert_name_taken(result: Result<impl std::fmt::Debug, Error>) {
    match result {
        Err(e) => {
            assert!(matches!(e.status(), Some(400 | 409)), "{e}");
            assert!(e.to_string().contains("already exists"), "{e}");
        }
        Ok(v) => panic!("expected a name conflict, got {v:?}"),
    }
}

fn ssh_rule() -> RuleRequest {
    RuleRequest {
        direction: "ingress".into(),
        ethertype: "IPv4".into(),
        protocol: "tcp".into(),
        port_range_min: Some(22),
        port_range_max: Some(22),
        remote_ip_prefix: "10.0.0.0/8".into(),
    }
}

async fn key(c: &Client, name: &str) -> Id {
    c.create_ssh_key(&CreateSshKeyRequest {
        name: name.into(),
        public_key: Some(PUBKEY.into()),
    })
    .await
    .unwrap()
    .value
    .id
}

fn deployment(name: &str, key: &Id) -> DeploymentRequest {
    DeploymentRequest {
        name: name.into(),
        region: REGION.into(),
        gpu_model: GPU.into(),
        gpu_count: 1,
        image_name: Some(IMAGE.into()),
        ssh_key_ids: vec![key.clone()],
        count: Some(1),
        ..Default::default()
    }
}

#[tokio::test]
async fn account_routes() {
    let sim = spawn(quiet()).await;
    let c = client(&sim);
    assert!(c.get_balance().await.unwrap().balance > 0.0);
    assert!(c
        .list_regions()
        .await
        .unwrap()
        .iter()
        .any(|r| r.name == REGION));
    let stocks = c.list_gpu_stocks().await.unwrap();
    assert!(stocks
        .iter()
        .any(|s| s.region == REGION && s.gpu_model == GPU && s.available > 0));
    assert!(c
        .list_gpu_specs()
        .await
        .unwrap()
        .iter()
        .any(|g| g.gpu_model == GPU));
    let pricing = c.get_pricing().await.unwrap();
    assert_eq!(pricing.gpu_per_hour.get("H100-SXM5-80GB"), Some(&2.69));
    let quote = c
        .quote_pricing(&QuoteRequest {
            items: vec![QuoteItem {
                kind: "instance".into(),
                gpu_model: Some("H100-SXM5-80GB".into()),
                gpu_count: Some(2),
                ..Default::default()
            }],
            hours: Some(1.0),
        })
        .await
        .unwrap();
    assert!((quote.total - 5.38).abs() < 1e-6, "{quote:?}");
    let images = c.list_os_images(Some(REGION)).await.unwrap();
    assert!(images.iter().any(|i| i.name == IMAGE));
    // Main errors: an unknown region, an unknown GPU model in a quote, a wrong key.
    assert_status(c.list_os_images(Some("MARS-1")).await, 400);
    assert_status(
        c.quote_pricing(&QuoteRequest {
            items: vec![QuoteItem {
                kind: "instance".into(),
                gpu_model: Some("NOPE".into()),
                gpu_count: Some(1),
                ..Default::default()
            }],
            hours: None,
        })
        .await,
        400,
    );
    let stranger = Client::new(ClientConfig::new(sim.base_url().to_string(), "wrong-key")).unwrap();
    let e = stranger.get_balance().await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(!e.to_string().contains("wrong-key"));
}

#[tokio::test]
async fn ssh_key_and_script_routes() {
    let sim = spawn(quiet()).await;
    let c = client(&sim);
    let id = key(&c, "laptop").await;
    assert_eq!(c.get_ssh_key(&id).await.unwrap().name, "laptop");
    assert!(c.list_ssh_keys().await.unwrap().iter().any(|k| k.id == id));
    let generated = c
        .create_ssh_key(&CreateSshKeyRequest {
            name: "generated".into(),
            public_key: None,
        })
        .await
        .unwrap();
    assert!(generated.value.private_key.is_some());
    assert!(!generated.adopted);
    assert_name_taken(
        c.create_ssh_key(&CreateSshKeyRequest {
            name: "laptop".into(),
            public_key: Some(PUBKEY.into()),
        })
        .await,
    );
    assert_status(
        c.create_ssh_key(&CreateSshKeyRequest {
            name: "has space".into(),
            public_key: Some(PUBKEY.into()),
        })
        .await,
        400,
    );
    c.delete_ssh_key(&generated.value.id).await.unwrap();
    assert_status(c.get_ssh_key(&generated.value.id).await, 404);

    let script = ScriptRequest {
        name: "bootstrap".into(),
        content: "#!/bin/sh\necho hi\n".into(),
        description: "first".into(),
    };
    let s1 = c.create_script(&script).await.unwrap().value;
    assert_eq!(c.get_script(&s1.id).await.unwrap().content, script.content);
    let updated = c
        .update_script(
            &s1.id,
            &ScriptRequest {
                content: "#!/bin/sh\necho bye\n".into(),
                ..script.clone()
            },
        )
        .await
        .unwrap();
    assert!(updated.content.contains("bye"));
    assert_name_taken(c.create_script(&script).await);
    let s2 = c
        .create_script(&ScriptRequest {
            name: "second".into(),
            ..script.clone()
        })
        .await
        .unwrap()
        .value;
    let s3 = c
        .create_script(&ScriptRequest {
            name: "third".into(),
            ..script.clone()
        })
        .await
        .unwrap()
        .value;
    assert_eq!(c.list_scripts().await.unwrap().len(), 3);
    c.delete_script(&s1.id).await.unwrap();
    c.bulk_delete_scripts(&[s2.id.clone(), s3.id.clone()])
        .await
        .unwrap();
    assert!(c.list_scripts().await.unwrap().is_empty());
    assert_status(c.get_script(&s2.id).await, 404);
    assert_status(c.delete_script(&Id::new(999_999)).await, 404);
}

#[tokio::test]
async fn volume_routes() {
    let sim = spawn(quiet()).await;
    let c = client(&sim);
    let request = CreateVolumeRequest {
        name: "datasets".into(),
        region: REGION.into(),
        size: 50,
        volume_type: "Cloud-SSD".into(),
        description: "data".into(),
        ..Default::default()
    };
    let v = c.create_volume(&request).await.unwrap().value;
    c.wait_volume_status(&v.id, &[volume_status::AVAILABLE], WAIT)
        .await
        .unwrap();
    assert_eq!(c.resize_volume(&v.id, 60).await.unwrap().size, 60);
    assert!(c
        .resize_volume(&v.id, 20)
        .await
        .unwrap_err()
        .status()
        .is_some_and(|s| s == 400 || s == 409));
    let clone = c.clone_volume(&v.id, "datasets-copy").await.unwrap().value;
    assert_eq!(clone.size, 60);
    assert!(c
        .list_volume_types()
        .await
        .unwrap()
        .contains(&"Cloud-SSD".to_owned()));
    let billing = c.get_volume_billing(&v.id).await.unwrap();
    assert_eq!(billing.resource_id, v.id);
    assert_eq!(c.list_volumes().await.unwrap().len(), 2);
    assert_status(
        c.create_volume(&CreateVolumeRequest {
            size: 5,
            name: "tiny".into(),
            ..request.clone()
        })
        .await,
        400,
    );
    assert_name_taken(c.create_volume(&request).await);
    c.wait_volume_status(&clone.id, &[volume_status::AVAILABLE], WAIT)
        .await
        .unwrap();
    c.delete_volume(&clone.id).await.unwrap();
    assert_status(c.get_volume(&clone.id).await, 404);
    assert_status(c.get_volume_billing(&Id::new(424_242)).await, 404);
}

#[tokio::test]
async fn instance_firewall_snapshot_and_image_routes() {
    let sim = spawn(quiet()).await;
    let c = client(&sim);
    let key_id = key(&c, "laptop").await;

    // Deploy and wait for ACTIVE.
    let deployed = c
        .deploy_instance(&deployment("trainer-0", &key_id))
        .await
        .unwrap();
    assert!(!deployed.adopted);
    assert_eq!(deployed.value.instances.len(), 1);
    let id = deployed.value.instances[0].id.clone();
    let vm = c
        .wait_instance_status(&id, &[st::ACTIVE], WAIT)
        .await
        .unwrap();
    assert_eq!(vm.name, "trainer-0");
    assert_name_taken(c.deploy_instance(&deployment("trainer-0", &key_id)).await);
    assert_status(
        c.deploy_instance(&DeploymentRequest {
            gpu_count: 3,
            ..deployment("odd", &key_id)
        })
        .await,
        400,
    );
    assert!(c.list_instances().await.unwrap().iter().any(|i| i.id == id));
    assert_eq!(c.get_instance_billing(&id).await.unwrap().resource_id, id);
    assert_status(c.get_instance(&Id::new(777_777)).await, 404);

    // Security rules.
    let rule = c
        .add_instance_security_rule(&id, &ssh_rule())
        .await
        .unwrap();
    assert!(c
        .get_instance(&id)
        .await
        .unwrap()
        .security_rules
        .iter()
        .any(|r| r.id == rule.id));
    c.delete_instance_security_rule(&id, &rule.id)
        .await
        .unwrap();
    assert_status(c.delete_instance_security_rule(&id, &rule.id).await, 404);

    // Public IP.
    let with_ip = c.set_instance_public_ip(&id, true).await.unwrap();
    assert!(with_ip.public_ip_enabled || with_ip.public_ip.is_some());

    // Firewalls: create, rules, attach (replaces the set), detach, delete.
    let fw = c
        .create_firewall(&CreateFirewallRequest {
            name: "train-fw".into(),
            region: REGION.into(),
            description: "ssh".into(),
        })
        .await
        .unwrap()
        .value;
    c.wait_firewall_ready(&fw.id, WAIT).await.unwrap();
    assert!(c
        .list_firewalls()
        .await
        .unwrap()
        .iter()
        .any(|f| f.id == fw.id));
    assert_name_taken(
        c.create_firewall(&CreateFirewallRequest {
            name: "train-fw".into(),
            region: REGION.into(),
            description: String::new(),
        })
        .await,
    );
    let fw_rule = c.add_firewall_rule(&fw.id, &ssh_rule()).await.unwrap();
    assert_status(
        c.add_firewall_rule(
            &fw.id,
            &RuleRequest {
                port_range_min: Some(100),
                port_range_max: Some(50),
                ..ssh_rule()
            },
        )
        .await,
        400,
    );
    assert!(c
        .list_firewall_protocols()
        .await
        .unwrap()
        .contains(&"tcp".to_owned()));
    assert!(c
        .list_firewall_available_instances(&fw.id)
        .await
        .unwrap()
        .iter()
        .any(|i| i.id == id));
    c.attach_firewall(&fw.id, std::slice::from_ref(&id))
        .await
        .unwrap();
    let ready = c.wait_firewall_ready(&fw.id, WAIT).await.unwrap();
    assert_eq!(ready.attachments.len(), 1);
    assert!(c
        .list_instance_firewalls(&id)
        .await
        .unwrap()
        .iter()
        .any(|f| f.id == fw.id));
    assert_status(c.delete_firewall(&fw.id).await, 409);
    c.attach_firewall(&fw.id, &[]).await.unwrap();
    c.delete_firewall_rule(&fw.id, &fw_rule.id).await.unwrap();
    assert_status(c.delete_firewall_rule(&fw.id, &fw_rule.id).await, 404);
    c.delete_firewall(&fw.id).await.unwrap();
    assert_status(c.get_firewall(&fw.id).await, 404);

    // Volumes on the instance.
    let vol = c
        .create_volume(&CreateVolumeRequest {
            name: "scratch".into(),
            region: REGION.into(),
            size: 10,
            volume_type: "Cloud-SSD".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .value;
    c.wait_volume_status(&vol.id, &[volume_status::AVAILABLE], WAIT)
        .await
        .unwrap();
    c.attach_instance_volumes(&id, std::slice::from_ref(&vol.id))
        .await
        .unwrap();
    c.wait_volume_status(&vol.id, &[volume_status::IN_USE], WAIT)
        .await
        .unwrap();
    assert_status(c.delete_volume(&vol.id).await, 409);
    c.detach_instance_volumes(&id, std::slice::from_ref(&vol.id))
        .await
        .unwrap();
    c.wait_volume_status(&vol.id, &[volume_status::AVAILABLE], WAIT)
        .await
        .unwrap();
    assert_status(
        c.detach_instance_volumes(&id, std::slice::from_ref(&vol.id))
            .await,
        409,
    );

    // Power life-cycle, with a 409 from the wrong state.
    assert_status(c.start_instance(&id).await, 409);
    c.stop_instance(&id).await.unwrap();
    c.wait_instance_status(&id, &[st::SHUTOFF], WAIT)
        .await
        .unwrap();
    c.start_instance(&id).await.unwrap();
    c.wait_instance_status(&id, &[st::ACTIVE], WAIT)
        .await
        .unwrap();
    c.reboot_instance(&id).await.unwrap();
    c.wait_instance_status(&id, &[st::ACTIVE], WAIT)
        .await
        .unwrap();
    assert_status(c.restore_instance(&id).await, 409);
    c.hibernate_instance(&id).await.unwrap();
    c.wait_instance_status(&id, &[st::HIBERNATED], WAIT)
        .await
        .unwrap();
    assert_eq!(c.count_hibernated_instances().await.unwrap(), 1);
    assert_status(c.stop_instance(&id).await, 409);
    c.restore_instance(&id).await.unwrap();
    c.wait_instance_status(&id, &[st::ACTIVE], WAIT)
        .await
        .unwrap();
    assert_eq!(c.count_hibernated_instances().await.unwrap(), 0);

    // Snapshots and images.
    assert!(c
        .list_snapshot_eligible_instances()
        .await
        .unwrap()
        .iter()
        .any(|i| i.id == id));
    let snap = c
        .create_snapshot(&CreateSnapshotRequest {
            instance_id: id.clone(),
            name: "golden".into(),
            description: "after bootstrap".into(),
        })
        .await
        .unwrap()
        .value;
    c.wait_snapshot_ready(&snap.id, WAIT).await.unwrap();
    assert!(c
        .list_snapshots()
        .await
        .unwrap()
        .iter()
        .any(|s| s.id == snap.id));
    assert_eq!(
        c.get_snapshot_billing(&snap.id).await.unwrap().resource_id,
        snap.id
    );
    assert_status(
        c.create_snapshot(&CreateSnapshotRequest {
            instance_id: Id::new(888_888),
            name: "orphan".into(),
            description: String::new(),
        })
        .await,
        404,
    );
    let image = c
        .create_image_from_snapshot(
            &snap.id,
            &CreateImageRequest {
                name: "golden-img".into(),
                description: String::new(),
            },
        )
        .await
        .unwrap()
        .value;
    c.wait_image_ready(&image.id, WAIT).await.unwrap();
    assert!(c
        .get_snapshot_image_relationship(&snap.id)
        .await
        .unwrap()
        .image_ids
        .contains(&image.id));
    let rels = c
        .list_snapshot_image_relationships(std::slice::from_ref(&snap.id))
        .await
        .unwrap();
    assert!(rels
        .iter()
        .any(|r| r.snapshot_id == snap.id && r.image_ids.contains(&image.id)));
    assert!(c
        .list_images()
        .await
        .unwrap()
        .iter()
        .any(|i| i.id == image.id));
    assert_eq!(c.get_image(&image.id).await.unwrap().name, "golden-img");
    let restored = c
        .restore_snapshot(&snap.id, "restored")
        .await
        .unwrap()
        .value;
    c.wait_instance_status(&restored.id, &[st::ACTIVE], WAIT)
        .await
        .unwrap();
    assert_name_taken(c.restore_snapshot(&snap.id, "restored").await);
    c.delete_image(&image.id).await.unwrap();
    assert_status(c.get_image(&image.id).await, 404);
    c.delete_snapshot(&snap.id).await.unwrap();
    assert_status(c.get_snapshot(&snap.id).await, 404);

    // Deletes; the key is in use until its VMs are gone.
    assert_status(c.delete_ssh_key(&key_id).await, 409);
    for vm in [&id, &restored.id] {
        c.delete_instance(vm).await.unwrap();
        c.wait_instance_deleted(vm, WAIT).await.unwrap();
    }
    c.delete_ssh_key(&key_id).await.unwrap();
    assert_status(c.delete_instance(&id).await, 404);
}
