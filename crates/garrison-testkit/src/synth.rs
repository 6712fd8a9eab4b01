//! Synthetic configs for the reliability tests and the benchmarks: mixed kinds with
//! realistic dependency chains (keys and scripts -> firewalls and volumes -> VMs ->
//! snapshots -> images), within the account limits (25 firewalls, 25 ssh keys: keys are
//! account-wide).

mod counted;
mod dag;
mod write;

pub use counted::counted;
pub use dag::{random_dag, DagShape};
pub use write::{OS_IMAGE, REGIONS};

use write::{Boot, Vm};

const GPUS: [&str; 4] = ["H100-SXM5-80GB", "A100-PCIe-80GB", "L40", "RTX-A6000"];

/// Every GPU model the emulator stocks (64 of each per region): the catalog's list.
pub(crate) use barrack_api::catalog::GPU_MODELS as ALL_GPUS;
/// VMs per (region, GPU model) cell in [`account`]: well under the emulator's stock of 64.
const VMS_PER_CELL: usize = 24;

/// A KDL config of exactly `n` resources (`n >= 20`) for the reliability tests: 3 keys, 3
/// firewalls and groups of 10 (a script, 4 volumes, 2 VMs, a snapshot, an image and a
/// third VM booted from that image), so that a 100-resource config stays quick.
pub fn config(n: usize) -> String {
    grouped(n, "e2e", 3, 3, true)
}

/// A KDL config of about `n` resources (exactly `n` when `n >= 20`) for the benchmarks:
/// keys and firewalls grow with `n`; groups of 10 (a script, 4 volumes, 3 VMs, a snapshot
/// and an image).
pub fn scaled(n: usize) -> String {
    // Multiples of 3: one per region, so every VM finds a key and a firewall in its region.
    let firewalls = (n / 200).clamp(3, 24) / 3 * 3;
    let keys = (n / 100).clamp(3, 24) / 3 * 3;
    grouped(n, "bench", keys, firewalls, false)
}

/// Groups of 10 after `keys` keys and `firewalls` firewalls (multiples of 3); the third VM
/// of a group boots from the group's image when `third_from_image`, else it is a third
/// plain VM written before the snapshot.
fn grouped(n: usize, label: &str, keys: usize, firewalls: usize, third_from_image: bool) -> String {
    let groups = n.saturating_sub(firewalls + keys) / 10;
    let leftover = n.saturating_sub(firewalls + keys + groups * 10);
    let mut out = String::with_capacity(n * 160);
    write::provider(&mut out);
    write::keys(&mut out, keys, label);
    write::firewalls(&mut out, firewalls, Some(label));
    for s in 0..leftover {
        write::script(&mut out, &format!("extra{s}"), &s.to_string(), None);
    }
    for g in 0..groups {
        let r = g % 3;
        let region = REGIONS[r];
        // A key and a firewall of the same region.
        let key = r + 3 * ((g / 3) % (keys / 3));
        let fw = r + 3 * ((g / 3) % (firewalls / 3));
        let echo = format!("group {g}");
        write::script(&mut out, &format!("s{g}"), &echo, Some(&echo));
        for v in 0..4 {
            write::volume(&mut out, &format!("v{g}-{v}"), region, 100 + 10 * v);
        }
        let plain = if third_from_image { 2 } else { 3 };
        for m in 0..plain {
            let name = format!("m{g}-{m}");
            let vm = Vm {
                name: &name,
                region,
                gpu: GPUS[(g + m) % GPUS.len()],
                boot: Boot::Os,
                key,
                script: Some(format!("s{g}")),
                firewall: Some(fw),
                volume: (m < 2).then(|| format!("v{g}-{}", m * 2)),
            };
            write::vm(&mut out, vm);
        }
        write::snapshot(
            &mut out,
            g,
            &format!("m{g}-0"),
            Some(&format!("golden {g}")),
        );
        write::image(&mut out, g, g);
        if third_from_image {
            let name = format!("m{g}-2");
            let vm = Vm {
                name: &name,
                region,
                gpu: GPUS[(g + 2) % GPUS.len()],
                boot: Boot::Image(g),
                key,
                script: None,
                firewall: None,
                volume: None,
            };
            write::vm(&mut out, vm);
        }
    }
    out
}

/// VMs per (region, GPU model) cell in [`fleet`]: within the emulator's stock of 64.
const FLEET_VMS_PER_CELL: usize = 60;

/// A fleet: `vms` VMs (at most 60 per region and GPU model), each with a volume of its
/// own, spread over the regions; 3 keys (one per region) and `firewalls` firewalls (a
/// multiple of 3, at most 24; VM `m` joins one of its region's). `3 + firewalls + 2 * vms`
/// resources. For the apply-at-the-limits test and benchmark (B6).
pub fn fleet(vms: usize, firewalls: usize) -> String {
    let vms = vms.min(FLEET_VMS_PER_CELL * 3 * ALL_GPUS.len());
    let firewalls = firewalls.min(24) / 3 * 3;
    let mut out = String::with_capacity(vms * 300);
    write::provider(&mut out);
    write::keys(&mut out, 3, "fleet");
    write::firewalls(&mut out, firewalls, Some("fleet"));
    for m in 0..vms {
        let r = m % 3;
        write::volume(&mut out, &format!("v{m}"), REGIONS[r], 50);
        let name = format!("m{m}");
        let vm = Vm {
            name: &name,
            region: REGIONS[r],
            gpu: ALL_GPUS[(m / 3) % ALL_GPUS.len()],
            boot: Boot::Os,
            key: r,
            script: None,
            firewall: (firewalls > 0).then(|| r + 3 * ((m / 3) % (firewalls / 3))),
            volume: Some(format!("v{m}")),
        };
        write::vm(&mut out, vm);
    }
    out
}

/// A KDL config of exactly `n` resources (`n >= 20`) that the emulator can hold at once:
/// within its GPU stock (VMs spread over every model and region, at most 576), its
/// limits (25 ssh keys per account, 25 firewalls) and its balance. The same chains as
/// [`scaled`] (keys, scripts, firewalls, volumes -> VMs -> snapshots -> images), with the
/// bulk in volumes and scripts. For the benchmarks that apply (B2, B4).
pub fn account(n: usize) -> String {
    account_with(n, VMS_PER_CELL)
}

/// One (region, GPU model) cell of [`account_with`]: how many one-GPU VMs it holds at most.
pub fn account_cell(n: usize) -> usize {
    (n / 16).div_ceil(3 * ALL_GPUS.len())
}

/// [`account`] with up to `vms_per_cell` one-GPU VMs per region and GPU model (one VM in 16
/// resources at most): [`account_cell`]`(n)` of them need an emulator whose GPU stock
/// holds that many (`barrack_sim::Limits::gpu_stock`). For B2 at 100k resources.
pub fn account_with(n: usize, vms_per_cell: usize) -> String {
    let keys = 3 * (n / 300).clamp(1, 8);
    let firewalls = 3 * (n / 600).clamp(1, 8);
    let vms = (n / 16).min(vms_per_cell * 3 * ALL_GPUS.len());
    let snapshots = vms / 2;
    let rest = n.saturating_sub(keys + firewalls + vms + 2 * snapshots);
    let volumes = rest / 2;
    let scripts = rest - volumes;
    let mut out = String::with_capacity(n * 120);
    write::provider(&mut out);
    write::keys(&mut out, keys, "bench");
    write::firewalls(&mut out, firewalls, Some("bench"));
    for s in 0..scripts {
        let echo = s.to_string();
        write::script(
            &mut out,
            &format!("s{s}"),
            &echo,
            Some(&format!("bench {s}")),
        );
    }
    for v in 0..volumes {
        write::volume(
            &mut out,
            &format!("v{v}"),
            REGIONS[v % 3],
            100 + 10 * (v % 4),
        );
    }
    for m in 0..vms {
        let r = m % 3;
        let name = format!("m{m}");
        let vm = Vm {
            name: &name,
            region: REGIONS[r],
            gpu: ALL_GPUS[(m / 3) % ALL_GPUS.len()],
            boot: Boot::Os,
            key: r + 3 * ((m / 3) % (keys / 3)),
            script: (scripts > 0).then(|| format!("s{}", m % scripts)),
            firewall: Some(r + 3 * ((m / 3) % (firewalls / 3))),
            // Volume v{m} is in region m % 3, the VM's region.
            volume: (m < volumes).then(|| format!("v{m}")),
        };
        write::vm(&mut out, vm);
    }
    for p in 0..snapshots {
        write::snapshot(&mut out, p, &format!("m{p}"), Some(&format!("golden {p}")));
        write::image(&mut out, p, p);
    }
    out
}
