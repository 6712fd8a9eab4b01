//! A typed firewall rule or VM security rule, whose serde form is the canonical rule object
//! the plan compares: `{"direction", "protocol", "ethertype", "port-min", "port-max", "remote"}`.

use serde::{Deserialize, Serialize};

/// Traffic direction of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Incoming.
    Ingress,
    /// Outgoing.
    Egress,
}

/// IP version of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ethertype {
    /// IPv4 (default).
    IPv4,
    /// IPv6.
    IPv6,
}

/// One rule, as desired (from the config) or observed (from the API, without its id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// Ingress or egress.
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp`, `any`, ...
    pub protocol: String,
    /// IPv4 or IPv6.
    pub ethertype: Ethertype,
    /// First port (none for icmp or "all ports").
    #[serde(rename = "port-min")]
    pub port_min: Option<u16>,
    /// Last port.
    #[serde(rename = "port-max")]
    pub port_max: Option<u16>,
    /// Remote CIDR, normalized (host bits cleared).
    pub remote: String,
}
