//! The one routing table: every Barrack operation, its HTTP method and path template.
//!
//! Every path here is GUESSED (see `docs/api.md`); the client and the emulator
//! both read this table, so correcting a path is a one-line change. Path parameters are
//! written `{name}` (axum 0.8's syntax too) and filled in order by [`Route::path_with`].

/// An HTTP method, kept local so the table has no dependency on an HTTP stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// The method's name as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every operation of the Barrack API contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    // account
    GetBalance,
    ListRegions,
    ListGpuStocks,
    ListGpuSpecs,
    GetPricing,
    QuotePricing,
    ListOsImages,
    // instances
    DeployInstances,
    ListInstances,
    GetInstance,
    DeleteInstance,
    StartInstance,
    StopInstance,
    RebootInstance,
    HibernateInstance,
    RestoreInstance,
    SetInstancePublicIp,
    CountHibernatedInstances,
    AddInstanceSecurityRule,
    DeleteInstanceSecurityRule,
    ListInstanceFirewalls,
    GetInstanceBilling,
    AttachInstanceVolumes,
    DetachInstanceVolumes,
    // ssh keys
    ListSshKeys,
    CreateSshKey,
    GetSshKey,
    DeleteSshKey,
    // scripts
    ListScripts,
    CreateScript,
    GetScript,
    UpdateScript,
    DeleteScript,
    BulkDeleteScripts,
    // firewalls
    ListFirewalls,
    CreateFirewall,
    GetFirewall,
    DeleteFirewall,
    AddFirewallRule,
    DeleteFirewallRule,
    AttachFirewall,
    ListFirewallProtocols,
    ListFirewallAvailableInstances,
    // volumes
    ListVolumes,
    CreateVolume,
    GetVolume,
    DeleteVolume,
    ResizeVolume,
    CloneVolume,
    ListVolumeTypes,
    GetVolumeBilling,
    // snapshots
    ListSnapshots,
    CreateSnapshot,
    GetSnapshot,
    DeleteSnapshot,
    RestoreSnapshot,
    ListSnapshotEligibleInstances,
    GetSnapshotBilling,
    CreateImageFromSnapshot,
    GetSnapshotImageRelationship,
    ListSnapshotImageRelationships,
    // images
    ListImages,
    GetImage,
    DeleteImage,
}

/// One row of the routing table.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub op: Op,
    pub method: Method,
    /// Path template relative to the base URL, e.g. `/instances/{id}/start`.
    pub path: &'static str,
    /// Safe to send again when the outcome of an attempt is unknown (GET, DELETE, PUT and
    /// reads issued as POST). Creates are NOT: the client looks them up by name instead.
    pub idempotent: bool,
    /// Creates a named resource: an unknown outcome is resolved by looking the name up.
    pub creates: bool,
}

use Method::{Delete, Get, Post, Put};

const fn r(op: Op, method: Method, path: &'static str, idempotent: bool, creates: bool) -> Route {
    Route {
        op,
        method,
        path,
        idempotent,
        creates,
    }
}

/// The table. Order does not matter; [`Op::route`] finds a row by operation.
pub const ROUTES: &[Route] = &[
    // account
    r(Op::GetBalance, Get, "/balance", true, false),
    r(Op::ListRegions, Get, "/regions", true, false),
    r(Op::ListGpuStocks, Get, "/gpu/stocks", true, false),
    r(Op::ListGpuSpecs, Get, "/gpu/specs", true, false),
    r(Op::GetPricing, Get, "/pricing", true, false),
    r(Op::QuotePricing, Post, "/pricing", true, false),
    r(Op::ListOsImages, Get, "/os-images", true, false),
    // instances
    r(Op::DeployInstances, Post, "/instances", false, true),
    r(Op::ListInstances, Get, "/instances", true, false),
    r(
        Op::CountHibernatedInstances,
        Get,
        "/instances/hibernated/count",
        true,
        false,
    ),
    r(Op::GetInstance, Get, "/instances/{id}", true, false),
    r(Op::DeleteInstance, Delete, "/instances/{id}", true, false),
    r(
        Op::StartInstance,
        Post,
        "/instances/{id}/start",
        false,
        false,
    ),
    r(Op::StopInstance, Post, "/instances/{id}/stop", false, false),
    r(
        Op::RebootInstance,
        Post,
        "/instances/{id}/reboot",
        false,
        false,
    ),
    r(
        Op::HibernateInstance,
        Post,
        "/instances/{id}/hibernate",
        false,
        false,
    ),
    r(
        Op::RestoreInstance,
        Post,
        "/instances/{id}/restore",
        false,
        false,
    ),
    r(
        Op::SetInstancePublicIp,
        Post,
        "/instances/{id}/public-ip",
        true,
        false,
    ),
    r(
        Op::AddInstanceSecurityRule,
        Post,
        "/instances/{id}/security-rules",
        false,
        false,
    ),
    r(
        Op::DeleteInstanceSecurityRule,
        Delete,
        "/instances/{id}/security-rules/{rule_id}",
        true,
        false,
    ),
    r(
        Op::ListInstanceFirewalls,
        Get,
        "/instances/{id}/firewalls",
        true,
        false,
    ),
    r(
        Op::GetInstanceBilling,
        Get,
        "/instances/{id}/billing",
        true,
        false,
    ),
    r(
        Op::AttachInstanceVolumes,
        Post,
        "/instances/{id}/volumes/attach",
        false,
        false,
    ),
    r(
        Op::DetachInstanceVolumes,
        Post,
        "/instances/{id}/volumes/detach",
        false,
        false,
    ),
    // ssh keys
    r(Op::ListSshKeys, Get, "/ssh-keys", true, false),
    r(Op::CreateSshKey, Post, "/ssh-keys", false, true),
    r(Op::GetSshKey, Get, "/ssh-keys/{id}", true, false),
    r(Op::DeleteSshKey, Delete, "/ssh-keys/{id}", true, false),
    // scripts
    r(Op::ListScripts, Get, "/scripts", true, false),
    r(Op::CreateScript, Post, "/scripts", false, true),
    r(Op::GetScript, Get, "/scripts/{id}", true, false),
    r(Op::UpdateScript, Put, "/scripts/{id}", true, false),
    r(Op::DeleteScript, Delete, "/scripts/{id}", true, false),
    r(
        Op::BulkDeleteScripts,
        Post,
        "/scripts/bulk-delete",
        true,
        false,
    ),
    // firewalls
    r(Op::ListFirewalls, Get, "/firewalls", true, false),
    r(Op::CreateFirewall, Post, "/firewalls", false, true),
    r(
        Op::ListFirewallProtocols,
        Get,
        "/firewalls/protocols",
        true,
        false,
    ),
    r(Op::GetFirewall, Get, "/firewalls/{id}", true, false),
    r(Op::DeleteFirewall, Delete, "/firewalls/{id}", true, false),
    r(
        Op::AddFirewallRule,
        Post,
        "/firewalls/{id}/rules",
        false,
        false,
    ),
    r(
        Op::DeleteFirewallRule,
        Delete,
        "/firewalls/{id}/rules/{rule_id}",
        true,
        false,
    ),
    r(
        Op::AttachFirewall,
        Post,
        "/firewalls/{id}/attach",
        true,
        false,
    ),
    r(
        Op::ListFirewallAvailableInstances,
        Get,
        "/firewalls/{id}/available-instances",
        true,
        false,
    ),
    // volumes
    r(Op::ListVolumes, Get, "/volumes", true, false),
    r(Op::CreateVolume, Post, "/volumes", false, true),
    r(Op::ListVolumeTypes, Get, "/volumes/types", true, false),
    r(Op::GetVolume, Get, "/volumes/{id}", true, false),
    r(Op::DeleteVolume, Delete, "/volumes/{id}", true, false),
    r(Op::ResizeVolume, Post, "/volumes/{id}/resize", true, false),
    r(Op::CloneVolume, Post, "/volumes/{id}/clone", false, true),
    r(
        Op::GetVolumeBilling,
        Get,
        "/volumes/{id}/billing",
        true,
        false,
    ),
    // snapshots
    r(Op::ListSnapshots, Get, "/snapshots", true, false),
    r(Op::CreateSnapshot, Post, "/snapshots", false, true),
    r(
        Op::ListSnapshotEligibleInstances,
        Get,
        "/snapshots/eligible-instances",
        true,
        false,
    ),
    r(
        Op::ListSnapshotImageRelationships,
        Post,
        "/snapshots/image-relationships",
        true,
        false,
    ),
    r(Op::GetSnapshot, Get, "/snapshots/{id}", true, false),
    r(Op::DeleteSnapshot, Delete, "/snapshots/{id}", true, false),
    r(
        Op::RestoreSnapshot,
        Post,
        "/snapshots/{id}/restore",
        false,
        true,
    ),
    r(
        Op::GetSnapshotBilling,
        Get,
        "/snapshots/{id}/billing",
        true,
        false,
    ),
    r(
        Op::CreateImageFromSnapshot,
        Post,
        "/snapshots/{id}/image",
        false,
        true,
    ),
    r(
        Op::GetSnapshotImageRelationship,
        Get,
        "/snapshots/{id}/image-relationship",
        true,
        false,
    ),
    // images
    r(Op::ListImages, Get, "/images", true, false),
    r(Op::GetImage, Get, "/images/{id}", true, false),
    r(Op::DeleteImage, Delete, "/images/{id}", true, false),
];

impl Op {
    /// This operation's row in [`ROUTES`].
    pub fn route(self) -> &'static Route {
        ROUTES
            .iter()
            .find(|route| route.op == self)
            .unwrap_or_else(|| unreachable!("every Op has a row in ROUTES (checked by a test)"))
    }
}

impl Op {
    /// The envelope key the success body carries this operation's result under
    /// (see [`crate::wire::keys`]); `None` when the body has no resource (deletes) or when
    /// the whole body is the result (`DeployInstances` -> [`crate::wire::Deployment`]).
    /// Shared with the emulator so both sides agree; GUESSED like the paths.
    pub fn response_key(self) -> Option<&'static str> {
        use crate::wire::keys as k;
        Some(match self {
            Op::GetBalance => k::BALANCE,
            Op::ListRegions => k::REGIONS,
            Op::ListGpuStocks => k::STOCKS,
            Op::ListGpuSpecs => k::GPUS,
            Op::GetPricing => k::PRICING,
            Op::QuotePricing => k::QUOTE,
            Op::ListOsImages => k::IMAGES,
            Op::ListInstances
            | Op::ListFirewallAvailableInstances
            | Op::ListSnapshotEligibleInstances => k::INSTANCES,
            Op::GetInstance
            | Op::StartInstance
            | Op::StopInstance
            | Op::RebootInstance
            | Op::HibernateInstance
            | Op::RestoreInstance
            | Op::SetInstancePublicIp
            | Op::AttachInstanceVolumes
            | Op::DetachInstanceVolumes
            | Op::RestoreSnapshot => k::INSTANCE,
            Op::CountHibernatedInstances => k::COUNT,
            Op::AddInstanceSecurityRule => k::SECURITY_RULE,
            Op::ListInstanceFirewalls | Op::ListFirewalls => k::FIREWALLS,
            Op::GetInstanceBilling | Op::GetVolumeBilling | Op::GetSnapshotBilling => k::BILLING,
            Op::ListSshKeys => k::SSH_KEYS,
            Op::CreateSshKey | Op::GetSshKey => k::SSH_KEY,
            Op::ListScripts => k::SCRIPTS,
            Op::CreateScript | Op::GetScript | Op::UpdateScript => k::SCRIPT,
            Op::CreateFirewall | Op::GetFirewall | Op::AttachFirewall => k::FIREWALL,
            Op::AddFirewallRule => k::FIREWALL_RULE,
            Op::ListFirewallProtocols => k::PROTOCOLS,
            Op::ListVolumes => k::VOLUMES,
            Op::CreateVolume | Op::GetVolume | Op::ResizeVolume | Op::CloneVolume => k::VOLUME,
            Op::ListVolumeTypes => k::VOLUME_TYPES,
            Op::ListSnapshots => k::SNAPSHOTS,
            Op::CreateSnapshot | Op::GetSnapshot => k::SNAPSHOT,
            Op::CreateImageFromSnapshot | Op::GetImage => k::IMAGE,
            Op::GetSnapshotImageRelationship => k::RELATIONSHIP,
            Op::ListSnapshotImageRelationships => k::RELATIONSHIPS,
            Op::ListImages => k::IMAGES,
            Op::DeployInstances
            | Op::DeleteInstance
            | Op::DeleteInstanceSecurityRule
            | Op::DeleteSshKey
            | Op::DeleteScript
            | Op::BulkDeleteScripts
            | Op::DeleteFirewall
            | Op::DeleteFirewallRule
            | Op::DeleteVolume
            | Op::DeleteSnapshot
            | Op::DeleteImage => return None,
        })
    }

    /// True for list operations that take `?page=&page_size=` and answer with `count`.
    /// The client's paginator also copes with a list that ignores the parameters.
    pub fn is_paginated(self) -> bool {
        matches!(
            self,
            Op::ListInstances
                | Op::ListSshKeys
                | Op::ListScripts
                | Op::ListFirewalls
                | Op::ListVolumes
                | Op::ListSnapshots
                | Op::ListImages
        )
    }
}

impl Route {
    /// The path with its `{param}` placeholders replaced, in order, by `params`.
    /// Parameters are percent-encoded where they are not URL-safe.
    pub fn path_with(&self, params: &[&str]) -> String {
        let mut out = String::with_capacity(self.path.len() + 16);
        let mut params = params.iter();
        let mut rest = self.path;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map_or(rest.len(), |e| start + e + 1);
            if let Some(p) = params.next() {
                for b in p.bytes() {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        out.push(b as char);
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// How many `{param}` placeholders the path has.
    pub fn param_count(&self) -> usize {
        self.path.matches('{').count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_op_has_exactly_one_route() {
        let mut seen = HashSet::new();
        for route in ROUTES {
            assert!(seen.insert(route.op), "{:?} appears twice", route.op);
            assert_eq!(route.op.route().op, route.op);
        }
        let mut method_paths = HashSet::new();
        for route in ROUTES {
            assert!(
                method_paths.insert((route.method, route.path)),
                "{} {} appears twice",
                route.method.as_str(),
                route.path
            );
        }
    }

    #[test]
    fn fills_parameters_in_order() {
        let route = Op::DeleteFirewallRule.route();
        assert_eq!(route.param_count(), 2);
        assert_eq!(route.path_with(&["7", "12"]), "/firewalls/7/rules/12");
        assert_eq!(
            Op::GetInstance.route().path_with(&["a b"]),
            "/instances/a%20b"
        );
    }
}
