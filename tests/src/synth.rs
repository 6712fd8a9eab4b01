//! Synthetic configs (adapted from `garrison-bench`'s generator): mixed kinds with realistic
//! dependency chains (keys and scripts -> firewalls and volumes -> VMs -> snapshots ->
//! images), within the account limits.

use std::fmt::Write;

pub const OS_IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";
const REGIONS: [&str; 3] = ["NORWAY-1", "CANADA-1", "US-1"];
const GPUS: [&str; 4] = ["H100-SXM5-80GB", "A100-PCIe-80GB", "L40", "RTX-A6000"];

/// A KDL config of exactly `n` resources (`n >= 20`); fewer VMs than the bench's so that
/// a 100-resource config stays quick: per group a script, 4 volumes, 2 VMs, a snapshot, an
/// image and a third VM booted from that image.
pub fn config(n: usize) -> String {
    let firewalls = 3;
    let keys = 3;
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
            "ssh-key \"k{k}\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{k:08} e2e\"\n}}"
        );
    }
    for f in 0..firewalls {
        let _ = writeln!(
            out,
            "firewall \"f{f}\" {{\n    region \"{}\"\n    description \"e2e\"\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}}",
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
        for m in 0..2 {
            let gpu = GPUS[(g + m) % GPUS.len()];
            let _ = writeln!(
                out,
                "vm \"m{g}-{m}\" {{\n    region \"{region}\"\n    gpu \"{gpu}\" count=1\n    image \"{OS_IMAGE}\"\n    ssh-keys (ref)\"ssh-key.k{r}\"\n    startup-script (ref)\"script.s{g}\"\n    firewalls (ref)\"firewall.f{r}\"\n    volumes (ref)\"volume.v{g}-{}\"\n}}",
                m * 2
            );
        }
        let _ = writeln!(
            out,
            "snapshot \"p{g}\" {{\n    vm (ref)\"vm.m{g}-0\"\n    description \"golden {g}\"\n}}"
        );
        let _ = writeln!(
            out,
            "image \"i{g}\" {{\n    snapshot (ref)\"snapshot.p{g}\"\n}}"
        );
        let gpu = GPUS[(g + 2) % GPUS.len()];
        let _ = writeln!(
            out,
            "vm \"m{g}-2\" {{\n    region \"{region}\"\n    gpu \"{gpu}\" count=1\n    image (ref)\"image.i{g}\"\n    ssh-keys (ref)\"ssh-key.k{r}\"\n}}"
        );
    }
    out
}
