//! Snapshots on the plan side: the VM they are taken of, and a description.

use garrison_config::model::SnapshotSpec;
use serde_json::json;

use crate::desired::Attrs;
use crate::schema::snapshot;

use crate::remote::Prices;

use super::PlanKind;

/// Nothing changes in place: every change replaces it.
pub(super) struct Snapshot;

impl PlanKind for Snapshot {
    type Spec = SnapshotSpec;

    const BUSY: &'static [&'static str] = &["CREATING"];

    /// Storage billed on the actual size, known once the snapshot exists.
    fn hourly(attrs: &Attrs, prices: &Prices) -> f64 {
        super::stored_gb(attrs) * prices.snapshot_per_gb_hour
    }

    fn desired(spec: &SnapshotSpec, out: &mut Attrs) {
        out.insert(snapshot::VM.into(), json!(spec.vm.to_string()));
        out.insert(snapshot::DESCRIPTION.into(), json!(spec.description));
    }
}
