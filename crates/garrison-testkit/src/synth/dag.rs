//! Random, seeded configs whose references form a DAG with long chains, for the scheduler
//! benchmark.

use super::write::{self, Boot, Vm, REGIONS};
use super::ALL_GPUS;

/// Resources of a random DAG by kind, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DagShape {
    pub vms: usize,
    pub snapshots: usize,
    pub images: usize,
    pub volumes: usize,
    pub scripts: usize,
    pub keys: usize,
    pub firewalls: usize,
}

/// Per region: VMs not yet snapshotted, snapshots without an image, images, volumes no VM
/// attaches, and VMs per GPU model.
#[derive(Default)]
struct Pools {
    unsnapped: [Vec<usize>; 3],
    unimaged: [Vec<usize>; 3],
    images: [Vec<usize>; 3],
    free_volumes: [Vec<usize>; 3],
    cells: [[usize; 8]; 3],
}

/// A random, seeded KDL config of exactly `n` resources (`n >= 20`) whose references form
/// a DAG with long chains: VMs boot from custom images of snapshots of earlier VMs of the
/// same region (vm -> snapshot -> image -> vm ...), and take random keys, scripts,
/// firewalls and volumes. Stays within the emulator's stock (at most 60 GPUs per model and
/// region) and limits.
pub fn random_dag(n: usize, seed: u64) -> (String, DagShape) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut shape = DagShape {
        keys: 6,
        firewalls: 6,
        ..DagShape::default()
    };
    let mut out = String::with_capacity(n * 160);
    write::provider(&mut out);
    write::keys(&mut out, shape.keys, "dag");
    write::firewalls(&mut out, shape.firewalls, None);
    let mut pools = Pools::default();
    let mut made = shape.keys + shape.firewalls;
    while made < n {
        let roll: f64 = rng.gen();
        let r = rng.gen_range(0..3);
        if roll < 0.15 && !pools.unsnapped[r].is_empty() {
            let at = rng.gen_range(0..pools.unsnapped[r].len());
            let vm = pools.unsnapped[r].swap_remove(at);
            let p = shape.snapshots;
            write::snapshot(&mut out, p, &format!("m{vm}"), None);
            pools.unimaged[r].push(p);
            shape.snapshots += 1;
        } else if roll < 0.30 && !pools.unimaged[r].is_empty() {
            let p = pools.unimaged[r].swap_remove(0);
            let i = shape.images;
            write::image(&mut out, i, p);
            pools.images[r].push(i);
            shape.images += 1;
        } else if roll < 0.60 {
            if !random_vm(&mut out, &mut rng, &mut shape, &mut pools, r) {
                continue;
            }
        } else if roll < 0.85 {
            let v = shape.volumes;
            write::volume(&mut out, &format!("v{v}"), REGIONS[r], 100 + 10 * (v % 4));
            pools.free_volumes[r].push(v);
            shape.volumes += 1;
        } else {
            let s = shape.scripts;
            write::script(&mut out, &format!("s{s}"), &s.to_string(), None);
            shape.scripts += 1;
        }
        made += 1;
    }
    (out, shape)
}

/// A VM in region `r` on a random GPU model with random references; false when that
/// model's cell is full.
fn random_vm(
    out: &mut String,
    rng: &mut impl rand::Rng,
    shape: &mut DagShape,
    pools: &mut Pools,
    r: usize,
) -> bool {
    let g = rng.gen_range(0..ALL_GPUS.len());
    if pools.cells[r][g] >= 60 {
        return false;
    }
    pools.cells[r][g] += 1;
    let m = shape.vms;
    let key = r + 3 * rng.gen_range(0..shape.keys / 3);
    let boot = if !pools.images[r].is_empty() && rng.gen_bool(0.6) {
        // The newest images make the longest chains.
        let images = &pools.images[r];
        let back = rng.gen_range(0..images.len().min(3));
        Boot::Image(images[images.len() - 1 - back])
    } else {
        Boot::Os
    };
    let firewall = rng
        .gen_bool(0.4)
        .then(|| r + 3 * rng.gen_range(0..shape.firewalls / 3));
    let script = if shape.scripts > 0 && rng.gen_bool(0.5) {
        Some(format!("s{}", rng.gen_range(0..shape.scripts)))
    } else {
        None
    };
    let volume = if !pools.free_volumes[r].is_empty() && rng.gen_bool(0.5) {
        Some(format!("v{}", pools.free_volumes[r].swap_remove(0)))
    } else {
        None
    };
    let name = format!("m{m}");
    let vm = Vm {
        name: &name,
        region: REGIONS[r],
        gpu: ALL_GPUS[g],
        boot,
        key,
        script,
        firewall,
        volume,
    };
    write::vm(out, vm);
    pools.unsnapped[r].push(m);
    shape.vms += 1;
    true
}
