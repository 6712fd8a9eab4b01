//! Seed catalogue: regions, GPU specs and flavors, OS images, from the emulator's
//! [`Catalog`] (the built-in one unless `--catalog FILE`).

use barrack_wire::wire::{Flavor, GpuSpec, OsImage, Region};
use barrack_wire::{Catalog, Id};

/// Root disk of every flavor, GB.
pub(crate) const ROOT_DISK_GB: u32 = 100;

/// The regions with their descriptions.
pub(crate) fn regions(catalog: &Catalog) -> Vec<Region> {
    catalog
        .regions
        .iter()
        .enumerate()
        .map(|(i, name)| Region {
            id: Id::from(i as u64 + 1),
            name: name.clone(),
            description: if name == "NORWAY-1" {
                "Europe".to_owned()
            } else {
                "North America".to_owned()
            },
        })
        .collect()
}

/// The spec of a GPU model of the catalog (memory, CPU, RAM and disk by model family).
pub(crate) fn gpu_spec(catalog: &Catalog, model: &str) -> Option<GpuSpec> {
    let price = catalog.gpu_price(model)?;
    let (memory_gb, cpu, ram, ephemeral) = if model.starts_with('B') {
        (192, 32, 240, 1500)
    } else if model.starts_with("H") {
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

/// Every GPU spec, in the catalog's order.
pub(crate) fn gpu_specs(catalog: &Catalog) -> Vec<GpuSpec> {
    catalog
        .gpu_models
        .iter()
        .filter_map(|model| gpu_spec(catalog, &model.name))
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
pub(crate) fn all_os_images(catalog: &Catalog) -> Vec<OsImage> {
    catalog
        .regions
        .iter()
        .enumerate()
        .flat_map(|(ri, r)| {
            catalog
                .os_images
                .iter()
                .enumerate()
                .map(move |(ii, name)| OsImage {
                    id: Id::from((ri as u64 + 1) * 100 + ii as u64 + 1),
                    name: name.clone(),
                    region: r.clone(),
                    size_gb: u64::from(ROOT_DISK_GB),
                })
        })
        .collect()
}

/// The built-in catalog's OS images (worlds saved before the images were stored).
pub(crate) fn builtin_os_images() -> Vec<OsImage> {
    all_os_images(&Catalog::builtin())
}
