//! Firewall `rule` and VM `security-rule` nodes from the API's rules, written so the config
//! reads them back as the same canonical rules the engine observes.

use std::collections::BTreeSet;

use barrack_api::wire::Rule;
use garrison_config::model::Ethertype;
use garrison_config::normalize_cidr;
use serde_json::Value;

use super::Ctx;
use crate::generate::kdl::quoted;
use crate::observe::rule_value;

/// One `node` line per rule, sorted; or why a rule cannot be written.
pub(super) fn lines(node: &str, rules: &[Rule], ctx: &Ctx<'_>) -> Result<Vec<String>, String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for rule in rules {
        let mut canonical = rule_value(rule);
        if let Value::Object(map) = &mut canonical {
            map.remove("id");
        }
        if !seen.insert(canonical.to_string()) {
            return Err(format!(
                "it holds one rule twice ({}), which the config cannot say: a rule written twice is one rule",
                quoted(&line(node, &canonical, ctx)?)
            ));
        }
        out.push(line(node, &canonical, ctx)?);
    }
    out.sort();
    Ok(out)
}

/// `rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"` for one canonical
/// rule object.
fn line(node: &str, rule: &Value, ctx: &Ctx<'_>) -> Result<String, String> {
    let text = |key: &str| rule[key].as_str().unwrap_or_default().to_string();
    let (direction, protocol, ethertype, remote) = (
        text("direction"),
        text("protocol"),
        text("ethertype"),
        text("remote"),
    );
    if !ctx.catalog.protocols.contains(&protocol) {
        return Err(format!(
            "a rule's protocol {} is not one the config knows",
            quoted(&protocol)
        ));
    }
    let mut out = format!(
        "{node} direction={} protocol={}",
        quoted(&direction),
        quoted(&protocol)
    );
    if ethertype == "IPv6" {
        out.push_str(" ethertype=\"IPv6\"");
    }
    out.push_str(&ports(rule, &protocol)?);
    check_remote(&remote, &ethertype)?;
    out.push_str(&format!(" remote={}", quoted(&remote)));
    Ok(out)
}

/// ` port=N`, ` ports="A..B"` or nothing (all ports).
fn ports(rule: &Value, protocol: &str) -> Result<String, String> {
    let min = rule["port-min"].as_u64();
    let max = rule["port-max"].as_u64();
    let written = match (min, max) {
        (None, None) => return Ok(String::new()),
        (Some(a), Some(b)) if a == b && a >= 1 => format!(" port={a}"),
        (Some(a), Some(b)) if 1 <= a && a < b => format!(" ports=\"{a}..{b}\""),
        _ => {
            let show = |p: Option<u64>| p.map_or("none".to_string(), |p| p.to_string());
            return Err(format!(
                "a rule's ports ({}..{}) are not a range the config can write",
                show(min),
                show(max)
            ));
        }
    };
    if matches!(protocol, "icmp" | "ipv6-icmp") {
        return Err(format!("a rule gives ports to {}", quoted(protocol)));
    }
    Ok(written)
}

/// The remote reads back unchanged (the config clears host bits) and matches the ethertype.
fn check_remote(remote: &str, ethertype: &str) -> Result<(), String> {
    let (normal, family) = normalize_cidr(remote)
        .map_err(|e| format!("a rule's remote {} is not a CIDR: {e}", quoted(remote)))?;
    if normal != remote {
        return Err(format!(
            "a rule's remote {} reads back as {} in a config",
            quoted(remote),
            quoted(&normal)
        ));
    }
    let family = match family {
        Ethertype::IPv4 => "IPv4",
        Ethertype::IPv6 => "IPv6",
    };
    if family != ethertype {
        return Err(format!(
            "a rule's remote {} is {family} but its ethertype is {ethertype}",
            quoted(remote)
        ));
    }
    Ok(())
}
