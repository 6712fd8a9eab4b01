//! Validation rules the real API enforces: names, regions, rules, CIDRs, sizes.

use std::net::{Ipv4Addr, Ipv6Addr};

use barrack_wire::wire::{self, RuleRequest};
use barrack_wire::Catalog;

use crate::error::{ApiError, ApiResult};

/// A resource name: 1-50 chars of `[A-Za-z0-9 _.-]` (ssh keys: no space).
pub(crate) fn name(kind: &str, name: &str, allow_space: bool) -> ApiResult<()> {
    if wire::valid_name(name, allow_space) {
        return Ok(());
    }
    let allowed = if allow_space {
        "letters, digits, space, `_`, `.`, `-`"
    } else {
        "letters, digits, `_`, `.`, `-` (no space)"
    };
    Err(ApiError::bad_request(format!(
        "invalid {kind} name `{name}`: 1-{} characters of {allowed}",
        wire::NAME_MAX
    )))
}

/// A region of the catalog.
pub(crate) fn region(catalog: &Catalog, region: &str) -> ApiResult<()> {
    if catalog.regions.iter().any(|r| r == region) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "unknown region `{region}`; expected one of {}",
            catalog.regions.join(", ")
        )))
    }
}

/// A GPU model of the catalog and one of its counts: the price of one such GPU-hour.
pub(crate) fn gpu(catalog: &Catalog, model: &str, count: u32) -> ApiResult<f64> {
    let Some(gpu) = catalog.gpu_model(model) else {
        return Err(ApiError::bad_request(format!(
            "unknown gpu_model `{model}`; expected one of {}",
            catalog.gpu_model_names().join(", ")
        )));
    };
    if !gpu.counts.contains(&count) {
        let counts: Vec<String> = gpu.counts.iter().map(ToString::to_string).collect();
        return Err(ApiError::bad_request(format!(
            "gpu_count must be one of {}, got {count}",
            counts.join(", ")
        )));
    }
    Ok(gpu.price_per_hour)
}

/// A description of at most 255 characters.
pub(crate) fn description(text: &str) -> ApiResult<()> {
    if text.chars().count() <= wire::DESCRIPTION_MAX {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "description is longer than {} characters",
            wire::DESCRIPTION_MAX
        )))
    }
}

/// A firewall or security rule: enums, ports (1-65535, both or neither, none for ICMP),
/// and a CIDR of the rule's ethertype.
pub(crate) fn rule(catalog: &Catalog, rule: &RuleRequest) -> ApiResult<()> {
    if !matches!(rule.direction.as_str(), "ingress" | "egress") {
        return Err(ApiError::bad_request(format!(
            "invalid direction `{}`: expected `ingress` or `egress`",
            rule.direction
        )));
    }
    let v6 = match rule.ethertype.as_str() {
        "IPv4" => false,
        "IPv6" => true,
        other => {
            return Err(ApiError::bad_request(format!(
                "invalid ethertype `{other}`: expected `IPv4` or `IPv6`"
            )))
        }
    };
    if !catalog.protocols.contains(&rule.protocol) {
        return Err(ApiError::bad_request(format!(
            "invalid protocol `{}`",
            rule.protocol
        )));
    }
    match (rule.port_range_min, rule.port_range_max) {
        (None, None) => {}
        (Some(min), Some(max)) => {
            if matches!(rule.protocol.as_str(), "icmp" | "ipv6-icmp") {
                return Err(ApiError::bad_request(format!(
                    "protocol `{}` takes no ports",
                    rule.protocol
                )));
            }
            if min == 0 || max == 0 || min > max {
                return Err(ApiError::bad_request(format!(
                    "invalid port range {min}-{max}: ports are 1-65535 and min <= max"
                )));
            }
        }
        _ => {
            return Err(ApiError::bad_request(
                "port_range_min and port_range_max must be given together",
            ))
        }
    }
    cidr(&rule.remote_ip_prefix, v6)
}

/// An IPv4 (`/0`-`/32`) or IPv6 (`/0`-`/128`) CIDR matching the ethertype.
pub(crate) fn cidr(text: &str, v6: bool) -> ApiResult<()> {
    let bad = || {
        ApiError::bad_request(format!(
            "invalid remote_ip_prefix `{text}`: expected an {} CIDR",
            if v6 { "IPv6" } else { "IPv4" }
        ))
    };
    let (addr, prefix) = text.split_once('/').ok_or_else(bad)?;
    let prefix: u8 = prefix.parse().map_err(|_| bad())?;
    let ok = if v6 {
        addr.parse::<Ipv6Addr>().is_ok() && prefix <= 128
    } else {
        addr.parse::<Ipv4Addr>().is_ok() && prefix <= 32
    };
    if ok {
        Ok(())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rule_json: serde_json::Value, ok: bool) {
        let Ok(rule) = serde_json::from_value::<RuleRequest>(rule_json.clone()) else {
            assert!(!ok, "{rule_json} does not even parse");
            return;
        };
        assert_eq!(
            super::rule(&barrack_wire::Catalog::builtin(), &rule).is_ok(),
            ok,
            "{rule_json}"
        );
    }

    #[test]
    fn rules() {
        use serde_json::json;
        let base = |extra: serde_json::Value| {
            let mut v = json!({"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
                               "remote_ip_prefix": "0.0.0.0/0"});
            if let (Some(map), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
                for (k, val) in extra {
                    map.insert(k.clone(), val.clone());
                }
            }
            v
        };
        check(base(json!({})), true);
        check(
            base(json!({"port_range_min": 22, "port_range_max": 22})),
            true,
        );
        check(base(json!({"port_range_min": 22})), false);
        check(
            base(json!({"port_range_min": 0, "port_range_max": 22})),
            false,
        );
        check(
            base(json!({"port_range_min": 30, "port_range_max": 22})),
            false,
        );
        check(
            base(json!({"port_range_min": 1, "port_range_max": 65536})),
            false,
        );
        check(base(json!({"protocol": "icmp"})), true);
        check(
            base(json!({"protocol": "icmp", "port_range_min": 1, "port_range_max": 2})),
            false,
        );
        check(base(json!({"protocol": "bogus"})), false);
        check(base(json!({"direction": "in"})), false);
        check(base(json!({"ethertype": "ipv4"})), false);
        check(base(json!({"remote_ip_prefix": "10.0.0.0/33"})), false);
        check(base(json!({"remote_ip_prefix": "256.0.0.0/8"})), false);
        check(base(json!({"remote_ip_prefix": "10.0.0.0"})), false);
        check(base(json!({"remote_ip_prefix": "::/0"})), false);
        check(
            base(json!({"ethertype": "IPv6", "remote_ip_prefix": "2001:db8::/32"})),
            true,
        );
        check(
            base(json!({"ethertype": "IPv6", "remote_ip_prefix": "2001:db8::/129"})),
            false,
        );
    }
}
