//! Firewall rules and instance security rules: one shape for both. A rule as the API
//! returns it ([`Rule`]) is the rule's content (what a request sends, [`RuleRequest`])
//! between its `id` and its `status`; the content's fields are listed once, below, and
//! both structs and the conversions between them are declared from that list.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// Declares [`Rule`] (`id`, the content fields, `status`: the JSON field order) and
/// [`RuleRequest`] (the content fields) from one list of content fields.
macro_rules! rule_shapes {
    ($($(#[$field_meta:meta])* $field:ident: $ty:ty,)*) => {
        /// A firewall rule or an instance security rule, as the API returns it.
        #[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
        #[serde(default)]
        pub struct Rule {
            pub id: Id,
            $($(#[$field_meta])* pub $field: $ty,)*
            pub status: String,
        }

        /// A rule to create (firewall rule or instance security rule).
        #[derive(
            Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord,
        )]
        #[serde(default)]
        pub struct RuleRequest {
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl Rule {
            /// The rule `request` created, as the API returns it: with its id and status.
            pub fn created(id: Id, request: &RuleRequest, status: &str) -> Rule {
                Rule {
                    id,
                    $($field: request.$field.clone(),)*
                    status: status.to_owned(),
                }
            }

            /// The rule's content without id and status, to compare with a wanted rule.
            pub fn request(&self) -> RuleRequest {
                RuleRequest {
                    $($field: self.$field.clone(),)*
                }
            }
        }
    };
}

rule_shapes! {
    /// `ingress` | `egress`.
    direction: String,
    /// `IPv4` | `IPv6`.
    ethertype: String,
    /// `tcp`, `udp`, `icmp`, `any`, ...
    protocol: String,
    port_range_min: Option<u16>,
    port_range_max: Option<u16>,
    remote_ip_prefix: String,
}
