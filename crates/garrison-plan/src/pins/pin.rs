//! The three kinds of pin, and the key and fields each is compared by.

use serde::{Deserialize, Serialize};

/// A pin's key for a reader and the values that must not move.
pub(crate) trait Pin {
    /// `("OS image `NAME` in REGION", [("id", "101")])`.
    fn entry(&self) -> (String, Vec<(&'static str, String)>);
}

/// An OS image name in a region, resolved to the image the cloud lists under it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsImagePin {
    pub region: String,
    pub name: String,
    /// The image id: in OpenStack an image's content never changes under its id, so a
    /// rebuilt image is a new id.
    pub id: String,
    /// Its size, GB.
    pub size_gb: u64,
}

impl Pin for OsImagePin {
    fn entry(&self) -> (String, Vec<(&'static str, String)>) {
        (
            os_image_key(&self.region, &self.name),
            vec![
                ("id", self.id.clone()),
                ("size_gb", self.size_gb.to_string()),
            ],
        )
    }
}

/// The key of an OS image pin.
pub(crate) fn os_image_key(region: &str, name: &str) -> String {
    format!("OS image `{name}` in {region}")
}

/// A GPU model offered in a region: what one GPU costs and brings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuPin {
    pub region: String,
    pub model: String,
    /// USD per GPU-hour.
    pub price_per_hour: f64,
    pub memory_gb: u32,
    pub cpu_per_gpu: u32,
    pub ram_gb_per_gpu: u32,
    pub ephemeral_gb_per_gpu: u32,
}

impl Pin for GpuPin {
    fn entry(&self) -> (String, Vec<(&'static str, String)>) {
        (
            gpu_key(&self.region, &self.model),
            vec![
                ("price_per_hour", self.price_per_hour.to_string()),
                ("memory_gb", self.memory_gb.to_string()),
                ("cpu_per_gpu", self.cpu_per_gpu.to_string()),
                ("ram_gb_per_gpu", self.ram_gb_per_gpu.to_string()),
                (
                    "ephemeral_gb_per_gpu",
                    self.ephemeral_gb_per_gpu.to_string(),
                ),
            ],
        )
    }
}

/// The key of a GPU pin.
pub(crate) fn gpu_key(region: &str, model: &str) -> String {
    format!("GPU model `{model}` in {region}")
}

/// A volume type the cloud lists, and the volume price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeTypePin {
    pub name: String,
    /// USD per TB-hour of provisioned size.
    pub price_per_tb_hour: f64,
}

impl Pin for VolumeTypePin {
    fn entry(&self) -> (String, Vec<(&'static str, String)>) {
        (
            volume_type_key(&self.name),
            vec![("price_per_tb_hour", self.price_per_tb_hour.to_string())],
        )
    }
}

/// The key of a volume type pin.
pub(crate) fn volume_type_key(name: &str) -> String {
    format!("volume type `{name}`")
}
