//! Firewall rules and VM security rules: `rule direction="ingress" protocol="tcp" port=22
//! remote="10.0.0.0/8"`, ports, CIDR normalization and the open-ingress warning.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::tree::KdlNode;

use crate::build::Builder;
use crate::catalog::{DIRECTIONS, ETHERTYPES};
use crate::collect::name_span;
use crate::diagnostic::Code;
use crate::model::{Direction, Ethertype, RuleSpec};

const RULE_PROPS: &[&str] = &[
    "direction",
    "protocol",
    "ethertype",
    "port",
    "ports",
    "remote",
];

/// Parses and normalizes a CIDR (a bare address means a single host).
pub fn normalize_cidr(s: &str) -> Result<(String, Ethertype), String> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let ip: IpAddr = addr
        .trim()
        .parse()
        .map_err(|_| format!("`{addr}` is not an IP address"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix: u32 = match prefix {
        None => max,
        Some(p) => p
            .parse()
            .ok()
            .filter(|p| *p <= max)
            .ok_or_else(|| format!("`/{p}` is not a prefix length (0..={max})"))?,
    };
    Ok(match ip {
        IpAddr::V4(v4) => {
            let mask = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - prefix)
            };
            let net = Ipv4Addr::from(u32::from(v4) & mask);
            (format!("{net}/{prefix}"), Ethertype::IPv4)
        }
        IpAddr::V6(v6) => {
            let mask = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - prefix)
            };
            let net = Ipv6Addr::from(u128::from(v6) & mask);
            (format!("{net}/{prefix}"), Ethertype::IPv6)
        }
    })
}

/// Parses `"A..B"` (or `"A"`).
fn parse_range(s: &str) -> Option<(i64, i64)> {
    match s.split_once("..") {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = s.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

impl<'a> Builder<'_, 'a> {
    /// A `rule` / `security-rule` node.
    pub(crate) fn rule(&mut self, node: KdlNode<'a>) -> Option<RuleSpec> {
        self.check_props(node, RULE_PROPS);
        let whole = name_span(self.file, node);
        if let Some(extra) = Self::args(node).first() {
            self.ev.diags.error(
                Code::UnknownAttribute,
                &self.sp(extra.span()),
                "rules take properties, not arguments",
                "unexpected argument",
                Some("write `rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"`".to_owned()),
            );
        }
        let mut ok = true;
        let get_str =
            |b: &mut Self, key: &str, required: bool| -> Option<(String, crate::model::Span)> {
                match b.prop(node, key) {
                    Some((ev, sp)) => {
                        let s = b.want_string(ev, &sp, key)?;
                        Some((s, sp))
                    }
                    None => {
                        if required {
                            b.ev.diags.error(
                                Code::MissingAttribute,
                                &whole,
                                format!("this rule has no `{key}`"),
                                format!("`{key}=` missing"),
                                None,
                            );
                        }
                        None
                    }
                }
            };
        let direction = get_str(self, "direction", true).and_then(|(d, sp)| {
            self.one_of(&d, &sp, "direction", DIRECTIONS)
                .then_some(if d == "ingress" {
                    Direction::Ingress
                } else {
                    Direction::Egress
                })
        });
        let protocol = get_str(self, "protocol", true).and_then(|(p, sp)| {
            self.offered(&p, &sp, "protocol", crate::offered::List::Protocols)
                .then_some((p, sp))
        });
        let ethertype = match get_str(self, "ethertype", false) {
            Some((e, sp)) => {
                if self.one_of(&e, &sp, "ethertype", ETHERTYPES) {
                    Some((
                        if e == "IPv6" {
                            Ethertype::IPv6
                        } else {
                            Ethertype::IPv4
                        },
                        Some(sp),
                    ))
                } else {
                    ok = false;
                    None
                }
            }
            None => Some((Ethertype::IPv4, None)),
        };
        let remote = get_str(self, "remote", true).and_then(|(r, sp)| match normalize_cidr(&r) {
            Ok((cidr, fam)) => Some((cidr, fam, sp)),
            Err(msg) => {
                let (shown, msg) = if self.sensitive_spans.contains(&sp) {
                    (self.shown(&sp, &r), "not a CIDR".to_owned())
                } else {
                    (self.shown(&sp, &r), msg)
                };
                self.ev.diags.error(
                    Code::InvalidCidr,
                    &sp,
                    format!("invalid CIDR {shown}: {msg}"),
                    "not a CIDR",
                    Some("write e.g. `10.0.0.0/8`, `203.0.113.7/32` or `::/0`".to_owned()),
                );
                None
            }
        });
        // ports
        let port = self.prop(node, "port");
        let ports = self.prop(node, "ports");
        let mut range: Option<(u16, u16)> = None;
        match (port, ports) {
            (Some(_), Some((_, sp))) => {
                self.ev.diags.error(
                    Code::InvalidPort,
                    &sp,
                    "a rule has `port` or `ports`, not both",
                    "second port setting",
                    None,
                );
                ok = false;
            }
            (Some((ev, sp)), None) => {
                if let Some(n) = self.want_int(ev, &sp, "port") {
                    range = self.check_ports(n, n, &sp);
                    ok &= range.is_some();
                }
            }
            (None, Some((ev, sp))) => {
                let parsed = match self.plain(ev, &sp, "ports") {
                    Some(serde_json::Value::String(s)) => parse_range(&s),
                    Some(serde_json::Value::Number(n)) => n.as_i64().map(|n| (n, n)),
                    Some(_) => None,
                    None => return None,
                };
                match parsed {
                    Some((a, b)) => {
                        range = self.check_ports(a, b, &sp);
                        ok &= range.is_some();
                    }
                    None => {
                        self.ev.diags.error(
                            Code::InvalidPort,
                            &sp,
                            "`ports` is a range like \"8000..8100\"",
                            "not a port range",
                            None,
                        );
                        ok = false;
                    }
                }
            }
            (None, None) => {}
        }
        let (protocol, psp) = protocol?;
        if range.is_some() && matches!(protocol.as_str(), "icmp" | "ipv6-icmp") {
            self.ev.diags.error(
                Code::InvalidPort,
                &psp,
                format!("`{protocol}` has no ports"),
                "no ports for this protocol",
                Some("remove `port`/`ports` from this rule".to_owned()),
            );
            ok = false;
        }
        let direction = direction?;
        let (ethertype, esp) = ethertype?;
        let (remote, fam, rsp) = remote?;
        if fam != ethertype {
            let given = if esp.is_some() { "is" } else { "defaults to" };
            let mut labels = vec![crate::diagnostic::Label {
                span: rsp.clone(),
                text: format!("an {fam:?} CIDR"),
            }];
            if let Some(sp) = &esp {
                labels.push(crate::diagnostic::Label {
                    span: sp.clone(),
                    text: format!("ethertype {ethertype:?}"),
                });
            }
            self.ev.diags.error_labels(
                Code::InvalidCidr,
                format!(
                    "{} is an {fam:?} CIDR, but the rule's ethertype {given} {ethertype:?}",
                    self.shown(&rsp, &remote)
                ),
                labels,
                Some(format!("set `ethertype=\"{fam:?}\"`")),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        let rule = RuleSpec {
            direction,
            protocol,
            ethertype,
            port_min: range.map(|r| r.0),
            port_max: range.map(|r| r.1),
            remote,
        };
        if rule.direction == Direction::Ingress
            && rule.remote.ends_with("/0")
            && rule.port_min.zip(rule.port_max) != Some((22, 22))
            && !self.sensitive.contains(node.name().value())
        {
            let what = match (rule.port_min, rule.port_max) {
                (Some(a), Some(b)) if a == b => format!("port {a}"),
                (Some(a), Some(b)) => format!("ports {a}..{b}"),
                _ => "every port".to_owned(),
            };
            self.ev.diags.warning(
                Code::OpenIngress,
                &rsp,
                format!("this rule opens {what} to the whole internet"),
                format!("`{}` is everyone", rule.remote),
                Some("restrict `remote` to the addresses that need it".to_owned()),
            );
        }
        Some(rule)
    }

    fn check_ports(&mut self, a: i64, b: i64, sp: &crate::model::Span) -> Option<(u16, u16)> {
        let valid = |p: i64| (1..=65535).contains(&p);
        if !valid(a) || !valid(b) || a > b {
            let msg = if a > b {
                format!("port range {a}..{b} is backwards")
            } else {
                format!("port {} is out of range", if valid(a) { b } else { a })
            };
            self.ev.diags.error(
                Code::InvalidPort,
                sp,
                msg,
                "ports are 1..65535, low..high",
                None,
            );
            return None;
        }
        Some((a as u16, b as u16))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        assert_eq!(
            normalize_cidr("10.1.2.3/8"),
            Ok(("10.0.0.0/8".into(), Ethertype::IPv4))
        );
        assert_eq!(
            normalize_cidr("203.0.113.7"),
            Ok(("203.0.113.7/32".into(), Ethertype::IPv4))
        );
        assert_eq!(normalize_cidr("::/0"), Ok(("::/0".into(), Ethertype::IPv6)));
        assert_eq!(
            normalize_cidr("2001:db8::1/32"),
            Ok(("2001:db8::/32".into(), Ethertype::IPv6))
        );
        assert!(normalize_cidr("10.0.0.0/33").is_err());
        assert!(normalize_cidr("300.0.0.0/8").is_err());
        assert!(normalize_cidr("nope").is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("8888..8890"), Some((8888, 8890)));
        assert_eq!(parse_range("22"), Some((22, 22)));
        assert_eq!(parse_range("a..b"), None);
    }
}
