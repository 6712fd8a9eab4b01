//! Volumes on the plan side: size, type, bootable, image, description; they grow in place
//! (never shrink).

use garrison_config::model::VolumeSpec;
use serde_json::{json, Value};

use crate::desired::Attrs;
use crate::error::PlanError;
use crate::schema::volume;
use crate::step::UpdateOp;

use crate::remote::Prices;

use super::{InPlaceChange, PlanKind};

pub(super) struct Volume;

impl PlanKind for Volume {
    type Spec = VolumeSpec;

    const BUSY: &'static [&'static str] = &["creating", "downloading"];

    fn hourly(attrs: &Attrs, prices: &Prices) -> f64 {
        let gb = attrs
            .get(volume::SIZE_GB)
            .and_then(Value::as_u64)
            .unwrap_or_default();
        gb as f64 / 1000.0 * prices.volume_per_tb_hour
    }

    fn desired(spec: &VolumeSpec, out: &mut Attrs) {
        out.insert(volume::SIZE_GB.into(), json!(spec.size_gb));
        out.insert(volume::TYPE.into(), json!(spec.volume_type));
        out.insert(volume::BOOTABLE.into(), json!(spec.bootable));
        out.insert(volume::IMAGE.into(), json!(spec.image));
        out.insert(volume::DESCRIPTION.into(), json!(spec.description));
    }

    fn in_place(
        attr: &str,
        change: &InPlaceChange<'_>,
        errors: &mut Vec<PlanError>,
        ops: &mut Vec<UpdateOp>,
    ) -> bool {
        match attr {
            volume::SIZE_GB => {
                let to = change.want.as_u64().unwrap_or_default();
                let from = change.have.and_then(Value::as_u64).unwrap_or_default();
                if to < from {
                    errors.push(PlanError::VolumeShrink {
                        address: change.address.to_string(),
                        from,
                        to,
                        src: None,
                        at: None,
                    });
                } else {
                    ops.push(UpdateOp::ResizeVolume { size_gb: to });
                }
                true
            }
            _ => false,
        }
    }
}
