//! The KDL blocks every synthetic config is made of, written one way.

use std::fmt::Write;

/// The account's regions, in the order generators cycle through them.
pub const REGIONS: [&str; 3] = ["NORWAY-1", "CANADA-1", "US-1"];
/// The stock OS image VMs boot from unless they boot from a custom image.
pub const OS_IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";

/// The provider block and a blank line.
pub(crate) fn provider(out: &mut String) {
    let _ = writeln!(
        out,
        "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}\n"
    );
}

/// Keys `k0`..`k{n-1}` whose comment is `label`.
pub(crate) fn keys(out: &mut String, n: usize, label: &str) {
    for k in 0..n {
        let _ = writeln!(
            out,
            "ssh-key \"k{k}\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{k:08} {label}\"\n}}"
        );
    }
}

/// Firewalls `f0`..`f{n-1}` (region `f % 3`), each opening port 22 to 10.0.0.0/8.
pub(crate) fn firewalls(out: &mut String, n: usize, description: Option<&str>) {
    for f in 0..n {
        let _ = writeln!(
            out,
            "firewall \"f{f}\" {{\n    region \"{}\"",
            REGIONS[f % 3]
        );
        if let Some(d) = description {
            let _ = writeln!(out, "    description \"{d}\"");
        }
        let _ = writeln!(
            out,
            "    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}}"
        );
    }
}

/// A script `name` that echoes `echo`.
pub(crate) fn script(out: &mut String, name: &str, echo: &str, description: Option<&str>) {
    let _ = writeln!(
        out,
        "script \"{name}\" {{\n    content \"#!/bin/sh\\necho {echo}\\n\""
    );
    if let Some(d) = description {
        let _ = writeln!(out, "    description \"{d}\"");
    }
    let _ = writeln!(out, "}}");
}

pub(crate) fn volume(out: &mut String, name: &str, region: &str, size_gb: usize) {
    let _ = writeln!(
        out,
        "volume \"{name}\" {{\n    region \"{region}\"\n    size-gb {size_gb}\n}}"
    );
}

/// What a VM boots from.
pub(crate) enum Boot {
    /// [`OS_IMAGE`].
    Os,
    /// The custom image `image.i{n}`.
    Image(usize),
}

/// One VM; the references are names of the key, script, firewall and volume.
pub(crate) struct Vm<'a> {
    pub(crate) name: &'a str,
    pub(crate) region: &'a str,
    pub(crate) gpu: &'a str,
    pub(crate) boot: Boot,
    pub(crate) key: usize,
    pub(crate) script: Option<String>,
    pub(crate) firewall: Option<usize>,
    pub(crate) volume: Option<String>,
}

pub(crate) fn vm(out: &mut String, vm: Vm<'_>) {
    let _ = writeln!(
        out,
        "vm \"{}\" {{\n    region \"{}\"\n    gpu \"{}\" count=1",
        vm.name, vm.region, vm.gpu
    );
    match vm.boot {
        Boot::Os => {
            let _ = writeln!(out, "    image \"{OS_IMAGE}\"");
        }
        Boot::Image(i) => {
            let _ = writeln!(out, "    image (ref)\"image.i{i}\"");
        }
    }
    let _ = writeln!(out, "    ssh-keys (ref)\"ssh-key.k{}\"", vm.key);
    if let Some(s) = vm.script {
        let _ = writeln!(out, "    startup-script (ref)\"script.{s}\"");
    }
    if let Some(f) = vm.firewall {
        let _ = writeln!(out, "    firewalls (ref)\"firewall.f{f}\"");
    }
    if let Some(v) = vm.volume {
        let _ = writeln!(out, "    volumes (ref)\"volume.{v}\"");
    }
    let _ = writeln!(out, "}}");
}

/// A snapshot `p{p}` of `vm.{vm}`.
pub(crate) fn snapshot(out: &mut String, p: usize, vm: &str, description: Option<&str>) {
    let _ = writeln!(out, "snapshot \"p{p}\" {{\n    vm (ref)\"vm.{vm}\"");
    if let Some(d) = description {
        let _ = writeln!(out, "    description \"{d}\"");
    }
    let _ = writeln!(out, "}}");
}

/// An image `i{i}` of the snapshot `p{p}`.
pub(crate) fn image(out: &mut String, i: usize, p: usize) {
    let _ = writeln!(
        out,
        "image \"i{i}\" {{\n    snapshot (ref)\"snapshot.p{p}\"\n}}"
    );
}
