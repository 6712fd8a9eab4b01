//! Images on the plan side: the snapshot they are made from, and a description.

use garrison_config::model::ImageSpec;
use serde_json::json;

use crate::desired::Attrs;
use crate::schema::image;

use crate::remote::Prices;

use super::PlanKind;

/// Nothing changes in place: every change replaces it.
pub(super) struct Image;

impl PlanKind for Image {
    type Spec = ImageSpec;

    const BUSY: &'static [&'static str] = &["CREATING"];

    /// Storage billed on the actual size, known once the image exists.
    fn hourly(attrs: &Attrs, prices: &Prices) -> f64 {
        super::stored_gb(attrs) * prices.image_per_gb_hour
    }

    fn desired(spec: &ImageSpec, out: &mut Attrs) {
        out.insert(image::SNAPSHOT.into(), json!(spec.snapshot.to_string()));
        out.insert(image::DESCRIPTION.into(), json!(spec.description));
    }
}
