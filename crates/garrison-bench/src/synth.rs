//! Synthetic configs: mixed kinds with realistic dependency chains
//! (keys and scripts -> firewalls and volumes -> VMs -> snapshots -> images), within the
//! account limits (25 firewalls, 25 ssh keys: keys are account-wide).

use std::fmt::Write;

const REGIONS: [&str; 3] = ["NORWAY-1", "CANADA-1", "US-1"];
const GPUS: [&str; 4] = ["H100-SXM5-80GB", "A100-PCIe-80GB", "L40", "RTX-A6000"];

/// A KDL config of about `n` resources (exactly `n` when `n >= 20`).
pub(crate) fn config(n: usize) -> String {
    // Multiples of 3: one per region, so every VM finds a key and a firewall in its region.
    let firewalls = (n / 200).clamp(3, 24) / 3 * 3;
    let keys = (n / 100).clamp(3, 24) / 3 * 3;
    let groups = n.saturating_sub(firewalls + keys) / 10;
    let leftover = n.saturating_sub(firewalls + keys + groups * 10);
    let mut out = String::with_capacity(n * 160);
    let _ = writeln!(
        out,
        "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}\n"
    );
    for k in 0..keys {
        let _ = writeln!(
            out,
            "ssh-key \"k{k}\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{k:08} bench\"\n}}"
        );
    }
    for f in 0..firewalls {
        let _ = writeln!(
            out,
            "firewall \"f{f}\" {{\n    region \"{}\"\n    description \"bench\"\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}}",
            REGIONS[f % 3]
        );
    }
    for s in 0..leftover {
        let _ = writeln!(
            out,
            "script \"extra{s}\" {{\n    content \"#!/bin/sh\\necho {s}\\n\"\n}}"
        );
    }
    for g in 0..groups {
        let r = g % 3;
        let region = REGIONS[r];
        // A key and a firewall of the same region.
        let key = r + 3 * ((g / 3) % (keys / 3));
        let fw = r + 3 * ((g / 3) % (firewalls / 3));
        let _ = writeln!(
            out,
            "script \"s{g}\" {{\n    content \"#!/bin/sh\\necho group {g}\\n\"\n    description \"group {g}\"\n}}"
        );
        for v in 0..4 {
            let _ = writeln!(
                out,
                "volume \"v{g}-{v}\" {{\n    region \"{region}\"\n    size-gb {}\n}}",
                100 + 10 * v
            );
        }
        for m in 0..3 {
            let gpu = GPUS[(g + m) % GPUS.len()];
            let _ = write!(
                out,
                "vm \"m{g}-{m}\" {{\n    region \"{region}\"\n    gpu \"{gpu}\" count=1\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.k{key}\"\n    startup-script (ref)\"script.s{g}\"\n"
            );
            let _ = writeln!(out, "    firewalls (ref)\"firewall.f{fw}\"");
            if m < 2 {
                let _ = writeln!(out, "    volumes (ref)\"volume.v{g}-{}\"", m * 2);
            }
            let _ = writeln!(out, "}}");
        }
        let _ = writeln!(
            out,
            "snapshot \"p{g}\" {{\n    vm (ref)\"vm.m{g}-0\"\n    description \"golden {g}\"\n}}"
        );
        let _ = writeln!(
            out,
            "image \"i{g}\" {{\n    snapshot (ref)\"snapshot.p{g}\"\n}}"
        );
    }
    out
}

/// Every GPU model the emulator stocks (64 of each per region).
const ALL_GPUS: [&str; 8] = [
    "H100-SXM5-80GB",
    "H100-PCIe-NVLink-80GB",
    "H100-PCIe-80GB",
    "A100-SXM4-80GB-NVLink",
    "A100-PCIe-80GB",
    "L40",
    "RTX-A6000",
    "A40",
];
const OS_IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";
/// VMs per (region, GPU model) cell in [`account`]: well under the emulator's stock of 64.
const VMS_PER_CELL: usize = 24;

/// A KDL config of exactly `n` resources (`n >= 20`) that the emulator can hold at once:
/// within its GPU stock (VMs spread over every model and region, at most 576), its
/// limits (25 ssh keys per account, 25 firewalls) and its balance. The same chains as
/// [`config`] (keys, scripts, firewalls, volumes -> VMs -> snapshots -> images), with the
/// bulk in volumes and scripts. For the benchmarks that apply (B2, B4).
pub(crate) fn account(n: usize) -> String {
    let keys = 3 * (n / 300).clamp(1, 8);
    let firewalls = 3 * (n / 600).clamp(1, 8);
    let vms = (n / 16).min(VMS_PER_CELL * 3 * ALL_GPUS.len());
    let snapshots = vms / 2;
    let rest = n.saturating_sub(keys + firewalls + vms + 2 * snapshots);
    let volumes = rest / 2;
    let scripts = rest - volumes;
    let mut out = String::with_capacity(n * 120);
    let _ = writeln!(
        out,
        "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}\n"
    );
    for k in 0..keys {
        let _ = writeln!(
            out,
            "ssh-key \"k{k}\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{k:08} bench\"\n}}"
        );
    }
    for f in 0..firewalls {
        let _ = writeln!(
            out,
            "firewall \"f{f}\" {{\n    region \"{}\"\n    description \"bench\"\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}}",
            REGIONS[f % 3]
        );
    }
    for s in 0..scripts {
        let _ = writeln!(
            out,
            "script \"s{s}\" {{\n    content \"#!/bin/sh\\necho {s}\\n\"\n    description \"bench {s}\"\n}}"
        );
    }
    for v in 0..volumes {
        let _ = writeln!(
            out,
            "volume \"v{v}\" {{\n    region \"{}\"\n    size-gb {}\n}}",
            REGIONS[v % 3],
            100 + 10 * (v % 4)
        );
    }
    for m in 0..vms {
        let r = m % 3;
        let gpu = ALL_GPUS[(m / 3) % ALL_GPUS.len()];
        let key = r + 3 * ((m / 3) % (keys / 3));
        let fw = r + 3 * ((m / 3) % (firewalls / 3));
        let _ = write!(
            out,
            "vm \"m{m}\" {{\n    region \"{}\"\n    gpu \"{gpu}\" count=1\n    image \"{OS_IMAGE}\"\n    ssh-keys (ref)\"ssh-key.k{key}\"\n    firewalls (ref)\"firewall.f{fw}\"\n",
            REGIONS[r]
        );
        if scripts > 0 {
            let _ = writeln!(out, "    startup-script (ref)\"script.s{}\"", m % scripts);
        }
        // Volume v{m} is in region m % 3, the VM's region.
        if m < volumes {
            let _ = writeln!(out, "    volumes (ref)\"volume.v{m}\"");
        }
        let _ = writeln!(out, "}}");
    }
    for p in 0..snapshots {
        let _ = writeln!(
            out,
            "snapshot \"p{p}\" {{\n    vm (ref)\"vm.m{p}\"\n    description \"golden {p}\"\n}}\nimage \"i{p}\" {{\n    snapshot (ref)\"snapshot.p{p}\"\n}}"
        );
    }
    out
}

/// Resources of a random DAG by kind, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DagShape {
    pub(crate) vms: usize,
    pub(crate) snapshots: usize,
    pub(crate) images: usize,
    pub(crate) volumes: usize,
    pub(crate) scripts: usize,
    pub(crate) keys: usize,
    pub(crate) firewalls: usize,
}

/// A random, seeded KDL config of exactly `n` resources (`n >= 20`) whose references form
/// a DAG with long chains: VMs boot from custom images of snapshots of earlier VMs of the
/// same region (vm -> snapshot -> image -> vm ...), and take random keys, scripts,
/// firewalls and volumes. Stays within the emulator's stock (at most 60 GPUs per model and
/// region) and limits.
pub(crate) fn random_dag(n: usize, seed: u64) -> (String, DagShape) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut shape = DagShape {
        keys: 6,
        firewalls: 6,
        ..DagShape::default()
    };
    let mut out = String::with_capacity(n * 160);
    let _ = writeln!(
        out,
        "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}\n"
    );
    for k in 0..shape.keys {
        let _ = writeln!(
            out,
            "ssh-key \"k{k}\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{k:08} dag\"\n}}"
        );
    }
    for f in 0..shape.firewalls {
        let _ = writeln!(
            out,
            "firewall \"f{f}\" {{\n    region \"{}\"\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}}",
            REGIONS[f % 3]
        );
    }
    // Per region: VMs not yet snapshotted, snapshots without an image, images.
    let mut unsnapped: [Vec<usize>; 3] = Default::default();
    let mut unimaged: [Vec<usize>; 3] = Default::default();
    let mut images: [Vec<usize>; 3] = Default::default();
    let mut free_volumes: [Vec<usize>; 3] = Default::default();
    let mut cells = [[0usize; 8]; 3];
    let mut made = shape.keys + shape.firewalls;
    while made < n {
        let roll: f64 = rng.gen();
        let r = rng.gen_range(0..3);
        if roll < 0.15 && !unsnapped[r].is_empty() {
            let at = rng.gen_range(0..unsnapped[r].len());
            let vm = unsnapped[r].swap_remove(at);
            let p = shape.snapshots;
            let _ = writeln!(out, "snapshot \"p{p}\" {{\n    vm (ref)\"vm.m{vm}\"\n}}");
            unimaged[r].push(p);
            shape.snapshots += 1;
        } else if roll < 0.30 && !unimaged[r].is_empty() {
            let p = unimaged[r].swap_remove(0);
            let i = shape.images;
            let _ = writeln!(
                out,
                "image \"i{i}\" {{\n    snapshot (ref)\"snapshot.p{p}\"\n}}"
            );
            images[r].push(i);
            shape.images += 1;
        } else if roll < 0.60 {
            let g = rng.gen_range(0..ALL_GPUS.len());
            if cells[r][g] >= 60 {
                continue;
            }
            cells[r][g] += 1;
            let m = shape.vms;
            let key = r + 3 * rng.gen_range(0..shape.keys / 3);
            let _ = write!(
                out,
                "vm \"m{m}\" {{\n    region \"{}\"\n    gpu \"{}\" count=1\n    ssh-keys (ref)\"ssh-key.k{key}\"\n",
                REGIONS[r], ALL_GPUS[g]
            );
            if !images[r].is_empty() && rng.gen_bool(0.6) {
                // The newest images make the longest chains.
                let back = rng.gen_range(0..images[r].len().min(3));
                let i = images[r][images[r].len() - 1 - back];
                let _ = writeln!(out, "    image (ref)\"image.i{i}\"");
            } else {
                let _ = writeln!(out, "    image \"{OS_IMAGE}\"");
            }
            if rng.gen_bool(0.4) {
                let fw = r + 3 * rng.gen_range(0..shape.firewalls / 3);
                let _ = writeln!(out, "    firewalls (ref)\"firewall.f{fw}\"");
            }
            if shape.scripts > 0 && rng.gen_bool(0.5) {
                let s = rng.gen_range(0..shape.scripts);
                let _ = writeln!(out, "    startup-script (ref)\"script.s{s}\"");
            }
            if !free_volumes[r].is_empty() && rng.gen_bool(0.5) {
                let v = free_volumes[r].swap_remove(0);
                let _ = writeln!(out, "    volumes (ref)\"volume.v{v}\"");
            }
            let _ = writeln!(out, "}}");
            unsnapped[r].push(m);
            shape.vms += 1;
        } else if roll < 0.85 {
            let v = shape.volumes;
            let _ = writeln!(
                out,
                "volume \"v{v}\" {{\n    region \"{}\"\n    size-gb {}\n}}",
                REGIONS[r],
                100 + 10 * (v % 4)
            );
            free_volumes[r].push(v);
            shape.volumes += 1;
        } else {
            let s = shape.scripts;
            let _ = writeln!(
                out,
                "script \"s{s}\" {{\n    content \"#!/bin/sh\\necho {s}\\n\"\n}}"
            );
            shape.scripts += 1;
        }
        made += 1;
    }
    (out, shape)
}

#[cfg(test)]
mod tests {
    use super::config;

    #[test]
    fn synthetic_configs_validate_with_the_requested_size() {
        for n in [20, 100, 1000] {
            let text = config(n);
            let loaded = garrison_config::load_str("bench.kdl", &text, &Default::default())
                .unwrap_or_else(|f| {
                    panic!(
                        "n={n}: {:?}",
                        f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
                    )
                });
            assert_eq!(loaded.model.resources.len(), n, "n={n}");
        }
    }

    fn count(text: &str) -> usize {
        let loaded = garrison_config::load_str("bench.kdl", text, &Default::default())
            .unwrap_or_else(|f| {
                panic!(
                    "{:?}",
                    f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
                )
            });
        loaded.model.resources.len()
    }

    #[test]
    fn account_configs_validate_and_fit_the_emulator() {
        for n in [20, 250, 1000, 10_000] {
            let text = super::account(n);
            assert_eq!(count(&text), n, "n={n}");
            let vms = text.matches("\nvm \"").count();
            assert!(vms >= n / 20, "n={n}: only {vms} VMs");
            assert!(vms <= 576, "n={n}: {vms} VMs exceed the emulator's stock");
            assert!(text.matches("ssh-key \"").count() <= 25);
            assert!(text.matches("firewall \"").count() <= 25);
        }
    }

    #[test]
    fn random_dags_are_seeded_valid_and_chain_through_images() {
        let (a, shape) = super::random_dag(500, 7);
        let (b, _) = super::random_dag(500, 7);
        let (c, _) = super::random_dag(500, 8);
        assert_eq!(a, b, "same seed, same config");
        assert_ne!(a, c, "another seed, another config");
        assert_eq!(count(&a), 500);
        let total = shape.vms
            + shape.snapshots
            + shape.images
            + shape.volumes
            + shape.scripts
            + shape.keys
            + shape.firewalls;
        assert_eq!(total, 500, "{shape:?}");
        assert!(
            a.contains("image (ref)\"image."),
            "some VM boots from a custom image"
        );
        assert!(shape.vms <= 3 * 8 * 60);
    }
}

/// Exactly `n` resources (n >= 6) written the way large fleets are written: `count` blocks
/// (per block: a script, 50 volumes, 50 VMs each attaching its volume, 10 snapshots and 10
/// images), one key and one firewall per region.
pub(crate) fn counted(n: usize) -> String {
    const REGIONS: [&str; 3] = ["NORWAY-1", "CANADA-1", "US-1"];
    const BLOCK: usize = 1 + 50 + 50 + 10 + 10;
    let blocks = n.saturating_sub(6) / BLOCK;
    let leftover = n.saturating_sub(6 + blocks * BLOCK);
    let mut out = String::with_capacity(blocks * 1200 + leftover * 60);
    out.push_str("provider \"barrack\" {\n    region \"NORWAY-1\"\n}\n\n");
    for (r, region) in REGIONS.iter().enumerate() {
        out.push_str(&format!(
            "ssh-key \"k{r}\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k{r}\"\n}}\n\nfirewall \"f{r}\" {{\n    region \"{region}\"\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}}\n\n"
        ));
    }
    for s in 0..leftover {
        out.push_str(&format!(
            "script \"extra{s}\" {{\n    content \"#!/bin/sh\\n\"\n}}\n"
        ));
    }
    for b in 0..blocks {
        let r = b % 3;
        let region = REGIONS[r];
        out.push_str(&format!(
            r##"script "s{b}" {{
    content "#!/bin/sh\necho block {b}\n"
}}

volume "v{b}" count=50 {{
    region "{region}"
    size-gb 100
}}

vm "m{b}" count=50 {{
    region "{region}"
    gpu "L40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k{r}"
    startup-script (ref)"script.s{b}"
    firewalls (ref)"firewall.f{r}"
    volumes (ref)"volume.v{b}[count.index]"
}}

snapshot "p{b}" count=10 {{
    vm (ref)"vm.m{b}[count.index]"
}}

image "i{b}" count=10 {{
    snapshot (ref)"snapshot.p{b}[count.index]"
}}

"##
        ));
    }
    out
}

#[cfg(test)]
mod counted_tests {
    #[test]
    fn counted_configs_validate_with_the_requested_size() {
        for n in [200, 1000, 10_000] {
            let text = super::counted(n);
            let loaded = garrison_config::load_str("bench.kdl", &text, &Default::default())
                .unwrap_or_else(|f| {
                    panic!(
                        "n={n}: {:?}",
                        f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
                    )
                });
            assert_eq!(loaded.model.resources.len(), n, "n={n}");
        }
    }
}
