//! F1: SSH keys are account-wide. One `ssh-key` without a region serves VMs in two
//! regions: the key is created once (no region sent), both VMs deploy with it, and the
//! next plan is clean.

mod common;

use common::{World, OS_IMAGE, PUBKEY};

fn config() -> String {
    format!(
        r#"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "me" {{
    public-key "{PUBKEY}"
}}
vm "oslo" {{
    gpu "A40" count=1
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.me"
}}
vm "toronto" {{
    region "CANADA-1"
    gpu "A40" count=1
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.me"
}}
"#
    )
}

/// F1: one key, VMs in NORWAY-1 and CANADA-1, then "No changes".
#[tokio::test]
async fn one_key_serves_vms_in_two_regions() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&config()).await;
    assert!(report.is_success(), "{report:#?}");
    let sim = w.sim_state().await;
    let keys = sim["ssh_keys"].as_array().cloned().unwrap_or_default();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key_id = keys[0]["id"].clone();
    let instances = sim["instances"].as_array().cloned().unwrap_or_default();
    let mut regions: Vec<String> = instances
        .iter()
        .map(|i| {
            assert_eq!(i["ssh_key_ids"], serde_json::json!([key_id]), "{i}");
            i["region"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    regions.sort();
    assert_eq!(regions, ["CANADA-1", "NORWAY-1"]);
    let again = w.plan(&config()).await;
    assert!(!again.summary.has_changes(), "{:#?}", again.changes);
}
