//! Startup scripts on the plan side: content and description, rewritten in place (one call
//! for both).

use garrison_config::model::ScriptSpec;
use serde_json::json;

use crate::desired::Attrs;
use crate::error::PlanError;
use crate::schema::script;
use crate::step::UpdateOp;

use crate::remote::Prices;

use super::{InPlaceChange, PlanKind};

pub(super) struct Script;

impl PlanKind for Script {
    type Spec = ScriptSpec;

    const BUSY: &'static [&'static str] = &[];

    fn hourly(_: &Attrs, _: &Prices) -> f64 {
        0.0
    }

    fn desired(spec: &ScriptSpec, out: &mut Attrs) {
        out.insert(script::CONTENT.into(), json!(spec.content));
        out.insert(script::DESCRIPTION.into(), json!(spec.description));
    }

    fn in_place(
        attr: &str,
        _change: &InPlaceChange<'_>,
        _errors: &mut Vec<PlanError>,
        ops: &mut Vec<UpdateOp>,
    ) -> bool {
        match attr {
            script::CONTENT | script::DESCRIPTION => {
                if !ops.contains(&UpdateOp::UpdateScript) {
                    ops.push(UpdateOp::UpdateScript);
                }
                true
            }
            _ => false,
        }
    }
}
