//! Synthetic configs: mixed kinds with realistic dependency chains
//! (keys and scripts -> firewalls and volumes -> VMs -> snapshots -> images), within the
//! account limits (25 firewalls, 25 ssh keys per region).

use std::fmt::Write;

const REGIONS: [&str; 3] = ["NORWAY-1", "CANADA-1", "US-1"];
const GPUS: [&str; 4] = ["H100-SXM5-80GB", "A100-PCIe-80GB", "L40", "RTX-A6000"];

/// A KDL config of about `n` resources (exactly `n` when `n >= 20`).
pub fn config(n: usize) -> String {
    // Multiples of 3: one per region, so every VM finds a key and a firewall in its region.
    let firewalls = (n / 200).clamp(3, 24) / 3 * 3;
    let keys = (n / 100).clamp(3, 75) / 3 * 3;
    let groups = n.saturating_sub(firewalls + keys) / 10;
    let leftover = n.saturating_sub(firewalls + keys + groups * 10);
    let mut out = String::with_capacity(n * 160);
    let _ = writeln!(out, "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}\n");
    for k in 0..keys {
        let _ = writeln!(
            out,
            "ssh-key \"k{k}\" {{\n    region \"{}\"\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{k:08} bench\"\n}}",
            REGIONS[k % 3]
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
        let _ = writeln!(out, "script \"extra{s}\" {{\n    content \"#!/bin/sh\\necho {s}\\n\"\n}}");
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
            let _ = writeln!(out, "volume \"v{g}-{v}\" {{\n    region \"{region}\"\n    size-gb {}\n}}", 100 + 10 * v);
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
        let _ = writeln!(out, "snapshot \"p{g}\" {{\n    vm (ref)\"vm.m{g}-0\"\n    description \"golden {g}\"\n}}");
        let _ = writeln!(out, "image \"i{g}\" {{\n    snapshot (ref)\"snapshot.p{g}\"\n}}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::config;

    #[test]
    fn synthetic_configs_validate_with_the_requested_size() {
        for n in [20, 100, 1000] {
            let text = config(n);
            let loaded = garrison_config::load_str("bench.kdl", &text, &Default::default())
                .unwrap_or_else(|f| panic!("n={n}: {:?}", f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()));
            assert_eq!(loaded.model.resources.len(), n, "n={n}");
        }
    }
}
