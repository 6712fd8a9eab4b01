//! Snapshots on the plan side: the VM they are taken of, and a description.

use garrison_config::model::SnapshotSpec;
use serde_json::json;

use crate::desired::Attrs;
use crate::schema::snapshot;

use super::PlanKind;

/// Nothing changes in place: every change replaces it.
pub(super) struct Snapshot;

impl PlanKind for Snapshot {
    type Spec = SnapshotSpec;

    fn desired(spec: &SnapshotSpec, out: &mut Attrs) {
        out.insert(snapshot::VM.into(), json!(spec.vm.to_string()));
        out.insert(snapshot::DESCRIPTION.into(), json!(spec.description));
    }
}
