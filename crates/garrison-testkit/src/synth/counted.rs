//! The counted config: fleets written with `count` blocks, as large fleets are written.

/// Exactly `n` resources (n >= 6) written the way large fleets are written: `count` blocks
/// (per block: a script, 50 volumes, 50 VMs each attaching its volume, 10 snapshots and 10
/// images), one key and one firewall per region.
pub fn counted(n: usize) -> String {
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
