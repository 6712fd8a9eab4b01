//! Seed catalogue: regions, GPU specs and flavors, OS images.

use barrack_wire::wire::{self, Flavor, GpuSpec, OsImage, Region};
use barrack_wire::Id;

/// Root disk of every flavor, GB.
pub(crate) const ROOT_DISK_GB: u32 = 100;

/// The regions with their descriptions.
pub(crate) fn regions() -> Vec<Region> {
    wire::REGIONS
        .iter()
        .enumerate()
        .map(|(i, name)| Region {
            id: Id::from(i as u64 + 1),
            name: (*name).to_owned(),
            description: if *name == "NORWAY-1" {
                "Europe".to_owned()
            } else {
                "North America".to_owned()
            },
        })
        .collect()
}

/// The spec of a known GPU model.
pub(crate) fn gpu_spec(model: &str) -> Option<GpuSpec> {
    let price = wire::gpu_price(model)?;
    let (memory_gb, cpu, ram, ephemeral) = if model.starts_with("H100") {
        (80, 28, 180, 750)
    } else if model.starts_with("A100") {
        (80, 28, 120, 750)
    } else {
        (48, 16, 60, 400)
    };
    Some(GpuSpec {
        gpu_model: model.to_owned(),
        memory_gb,
        cpu_per_gpu: cpu,
        ram_gb_per_gpu: ram,
        ephemeral_gb_per_gpu: ephemeral,
        price_per_hour: price,
    })
}

/// Every GPU spec, in price-table order.
pub(crate) fn gpu_specs() -> Vec<GpuSpec> {
    wire::GPU_PRICES
        .iter()
        .filter_map(|(model, _)| gpu_spec(model))
        .collect()
}

/// The flavor of `count` GPUs of `spec`.
pub(crate) fn flavor(spec: &GpuSpec, count: u32) -> Flavor {
    Flavor {
        cpu: spec.cpu_per_gpu * count,
        ram: spec.ram_gb_per_gpu * count,
        disk: ROOT_DISK_GB,
        ephemeral: spec.ephemeral_gb_per_gpu * count,
    }
}

/// The stock OS images of every region at seed: ids `R0I` (region R, image I, from 1).
pub(crate) fn all_os_images() -> Vec<OsImage> {
    wire::REGIONS
        .iter()
        .enumerate()
        .flat_map(|(ri, r)| {
            wire::OS_IMAGES
                .iter()
                .enumerate()
                .map(move |(ii, name)| OsImage {
                    id: Id::from((ri as u64 + 1) * 100 + ii as u64 + 1),
                    name: (*name).to_owned(),
                    region: (*r).to_owned(),
                    size_gb: u64::from(ROOT_DISK_GB),
                })
        })
        .collect()
}
