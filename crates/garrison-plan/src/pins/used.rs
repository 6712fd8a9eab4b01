//! What a config asks the cloud to resolve: OS image names, GPU models, volume types.

use std::collections::BTreeSet;

use garrison_config::model::{BootSource, Model, Spec};

/// The catalog entries a config uses, each with the region it is used in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Used {
    /// `(region, name)` of each OS image a VM boots from or a bootable volume holds.
    pub os_images: BTreeSet<(String, String)>,
    /// `(region, model)` of each GPU model a VM deploys.
    pub gpu_models: BTreeSet<(String, String)>,
    /// Each volume type.
    pub volume_types: BTreeSet<String>,
}

impl Used {
    /// What `model`'s resources use.
    pub fn from_model(model: &Model) -> Self {
        let mut used = Used::default();
        for r in &model.resources {
            let region = || r.region.clone();
            match &r.spec {
                Spec::Vm(vm) => {
                    used.gpu_models.insert((region(), vm.gpu_model.clone()));
                    if let BootSource::OsImage(name) = &vm.boot {
                        used.os_images.insert((region(), name.clone()));
                    }
                }
                Spec::Volume(v) => {
                    used.volume_types.insert(v.volume_type.clone());
                    if let Some(name) = v.image.as_ref().filter(|_| v.bootable) {
                        used.os_images.insert((region(), name.clone()));
                    }
                }
                _ => {}
            }
        }
        used
    }
}
