//! What refresh read, as the emulator's account: every object with its id, status,
//! attachments, firewall membership and rules, and the stock; plus what the emulator cannot
//! know about the account (caveats the rehearsal reports).

use barrack_sim::AccountState;
use garrison_engine::Refreshed;

/// The account to seed the emulator with, and the caveats of the copy.
pub fn account_of(refreshed: &Refreshed, balance: Option<f64>) -> (AccountState, Vec<String>) {
    let inv = &refreshed.inventory;
    let account = AccountState {
        instances: inv.instances.clone(),
        volumes: inv.volumes.clone(),
        firewalls: inv.firewalls.clone(),
        ssh_keys: inv.ssh_keys.clone(),
        scripts: inv.scripts.clone(),
        snapshots: inv.snapshots.clone(),
        images: inv.images.clone(),
        balance,
        stock: refreshed
            .stock
            .iter()
            .map(|s| barrack_api::wire::GpuStock {
                region: s.region.clone(),
                gpu_model: s.gpu_model.clone(),
                available: s.available,
                // GPUs the account's VMs hold come back to stock when they go.
                total: s.available + held(refreshed, &s.region, &s.gpu_model),
            })
            .collect(),
        clock_ms: None,
    };
    let mut caveats = Vec::new();
    if balance.is_none() {
        caveats.push(
            "the balance was not read: the emulator assumed enough credit (10,000 USD)".to_string(),
        );
    }
    if refreshed.stock.is_empty() {
        caveats.push(
            "GPU stock was not read: the emulator assumed 64 GPUs of every model per region"
                .to_string(),
        );
    }
    (account, caveats)
}

/// GPUs of `model` in `region` that the account's VMs hold now (not hibernated or failed).
fn held(refreshed: &Refreshed, region: &str, model: &str) -> u32 {
    refreshed
        .inventory
        .instances
        .iter()
        .filter(|i| i.region == region && i.gpu_model == model)
        .filter(|i| !matches!(i.status.as_str(), "ERROR" | "HIBERNATED"))
        .map(|i| i.gpu_count)
        .sum()
}
