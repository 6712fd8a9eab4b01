//! What the cloud lists now, as pins: every OS image, every GPU model offered per region,
//! every volume type. The engine builds it from the API's answers.

use crate::pins::{GpuPin, OsImagePin, VolumeTypePin};

/// The catalog as read from the API.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    /// `GET /os-images`.
    pub os_images: Vec<OsImagePin>,
    /// `GET /gpu/specs`, for each region whose `GET /gpu/stocks` offers the model.
    pub gpu_models: Vec<GpuPin>,
    /// `GET /volumes/types`, with `GET /pricing`'s volume price.
    pub volume_types: Vec<VolumeTypePin>,
}

impl Catalog {
    /// The image listed under `name` in `region`.
    pub fn os_image(&self, region: &str, name: &str) -> Option<&OsImagePin> {
        self.os_images
            .iter()
            .find(|i| i.region == region && i.name == name)
    }

    /// The image listed with `id` in `region`, whatever its name.
    pub fn os_image_by_id(&self, region: &str, id: &str) -> Option<&OsImagePin> {
        self.os_images
            .iter()
            .find(|i| i.region == region && i.id == id)
    }
}
