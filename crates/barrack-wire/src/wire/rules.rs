//! Firewall rules and instance security rules: one shape for both.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// A firewall rule or an instance security rule, as the API returns it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Rule {
    pub id: Id,
    /// `ingress` | `egress`.
    pub direction: String,
    /// `IPv4` | `IPv6`.
    pub ethertype: String,
    /// `tcp`, `udp`, `icmp`, `any`, ...
    pub protocol: String,
    pub port_range_min: Option<u16>,
    pub port_range_max: Option<u16>,
    pub remote_ip_prefix: String,
    pub status: String,
}

/// A rule to create (firewall rule or instance security rule).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(default)]
pub struct RuleRequest {
    pub direction: String,
    pub ethertype: String,
    pub protocol: String,
    pub port_range_min: Option<u16>,
    pub port_range_max: Option<u16>,
    pub remote_ip_prefix: String,
}

impl Rule {
    /// The rule's content without id and status, to compare with a wanted rule.
    pub fn request(&self) -> RuleRequest {
        RuleRequest {
            direction: self.direction.clone(),
            ethertype: self.ethertype.clone(),
            protocol: self.protocol.clone(),
            port_range_min: self.port_range_min,
            port_range_max: self.port_range_max,
            remote_ip_prefix: self.remote_ip_prefix.clone(),
        }
    }
}
