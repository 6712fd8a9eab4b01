//! A `firewall` block: description and rules (the VMs it is attached to say so in their
//! own `firewalls`).

use barrack_api::wire::{firewall_status, Firewall};
use garrison_config::catalog;
use garrison_core::attr::firewall;

use super::{region, rules, settled, Body, Ctx};
use crate::generate::kdl::string;
use crate::kinds::EngineKind;

pub(super) fn body(f: &Firewall, ctx: &Ctx<'_>) -> Result<Body, String> {
    let transitional = <crate::kinds::firewall::Firewall as EngineKind>::is_transitional(f);
    settled(&f.status, &[firewall_status::SUCCESS], transitional)?;
    let mut lines = Vec::new();
    let length = f.description.chars().count();
    if length > catalog::FIREWALL_DESCRIPTION_MAX {
        return Err(format!(
            "its description is {length} characters; a config allows {}",
            catalog::FIREWALL_DESCRIPTION_MAX
        ));
    }
    if !f.description.is_empty() {
        lines.push(format!(
            "{} {}",
            firewall::DESCRIPTION,
            string(&f.description)
        ));
    }
    lines.extend(rules::lines("rule", &f.rules, ctx)?);
    Ok(Body {
        region: region(&f.region, ctx)?,
        lines,
        notes: Vec::new(),
    })
}
