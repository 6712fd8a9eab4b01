//! Firewalls on the plan side: description and rules; rules change in place.

use garrison_config::model::FirewallSpec;
use serde_json::json;

use crate::desired::{rules_value, Attrs};
use crate::error::PlanError;
use crate::schema::firewall;
use crate::step::UpdateOp;

use super::rules::rule_ops;
use crate::remote::Prices;

use super::{InPlaceChange, PlanKind};

pub(super) struct Firewall;

impl PlanKind for Firewall {
    type Spec = FirewallSpec;

    const BUSY: &'static [&'static str] = &["CREATING"];

    fn hourly(_: &Attrs, _: &Prices) -> f64 {
        0.0
    }

    fn desired(spec: &FirewallSpec, out: &mut Attrs) {
        out.insert(firewall::DESCRIPTION.into(), json!(spec.description));
        out.insert(firewall::RULES.into(), rules_value(&spec.rules));
    }

    fn in_place(
        attr: &str,
        change: &InPlaceChange<'_>,
        _errors: &mut Vec<PlanError>,
        ops: &mut Vec<UpdateOp>,
    ) -> bool {
        match attr {
            firewall::RULES => {
                rule_ops(
                    change.want,
                    change.have,
                    |rule_ids| UpdateOp::DeleteFirewallRules { rule_ids },
                    |rules| UpdateOp::AddFirewallRules { rules },
                    ops,
                );
                true
            }
            _ => false,
        }
    }
}
