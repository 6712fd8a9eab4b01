//! Checks across resources: unique cloud names, account limits, and regions that must
//! match between linked resources.

use rustc_hash::FxHashMap;

use crate::catalog;
use crate::collect::Diags;
use crate::diagnostic::{Code, Label};
use crate::model::{Address, BootSource, Edge, Kind, Resource, Spec};
use crate::positions::Positions;

/// Runs every cross-resource check.
pub(crate) fn check(resources: &[Resource], positions: &Positions<'_>, diags: &mut Diags) {
    unique_names(resources, diags);
    limits(resources, diags);
    regions(resources, positions, diags);
    single_attachment(resources, diags);
}

/// A volume attaches to one VM at a time (the API's `available -> in-use`), and a boot
/// volume boots one VM.
fn single_attachment(resources: &[Resource], diags: &mut Diags) {
    // Diagnostics are sorted when reported: the map's order does not reach the user.
    let mut users: FxHashMap<&Address, Vec<&Resource>> = FxHashMap::default();
    for r in resources {
        if let Spec::Vm(vm) = &r.spec {
            let boot = match &vm.boot {
                BootSource::Volume(a) => Some(a),
                _ => None,
            };
            for a in vm.volumes.iter().chain(boot) {
                users.entry(a).or_default().push(r);
            }
        }
    }
    for (volume, vms) in users {
        if vms.len() < 2 {
            continue;
        }
        // Instances of one counted VM share a span: one label per place in the config.
        let mut by_span: Vec<(crate::model::Span, Vec<String>)> = Vec::new();
        for vm in &vms {
            let span = vm
                .refs
                .iter()
                .find(|e| &e.target == volume)
                .map_or_else(|| vm.span.clone(), |e| e.span.clone());
            match by_span.iter_mut().find(|(s, _)| *s == span) {
                Some((_, names)) => names.push(vm.address.to_string()),
                None => by_span.push((span, vec![vm.address.to_string()])),
            }
        }
        let labels = by_span
            .into_iter()
            .map(|(span, names)| Label {
                span,
                text: format!("attached by `{}`", names.join("`, `")),
            })
            .collect();
        diags.error_labels(
            Code::Limit,
            format!("`{volume}` is attached to {} VMs; a volume attaches to one VM at a time", vms.len()),
            labels,
            Some("give each VM its own volume: `volume \"data\" count=N` and `volumes (ref)\"volume.data[count.index]\"`".to_owned()),
        );
    }
}

fn unique_names(resources: &[Resource], diags: &mut Diags) {
    let mut seen: FxHashMap<(Kind, &str), &Resource> = FxHashMap::default();
    for r in resources {
        if let Some(first) = seen.get(&(r.address.kind, r.name.as_str())) {
            if first.address.block() == r.address.block() {
                // instances of one block: one error for the block, not one per instance
                diags.error(
                    Code::Duplicate,
                    &r.span,
                    format!("every instance of `{}` is named `{}`", r.address.block(), r.name),
                    "instances share one name",
                    Some(format!("{} names are unique per account; put `${{count.index}}` or `${{each.key}}` in the `name`", r.address.kind)),
                );
                continue;
            }
            diags.error_labels(
                Code::Duplicate,
                format!("`{}` and `{}` are both named `{}`", first.address, r.address, r.name),
                vec![
                    Label { span: r.span.clone(), text: format!("`{}` is named `{}`", r.address, r.name) },
                    Label { span: first.span.clone(), text: format!("so is `{}`", first.address) },
                ],
                Some(if r.address.module.is_empty() {
                    format!("{} names are unique per account; set distinct `name`s (with `count`, use `${{count.index}}`)", r.address.kind)
                } else {
                    format!("{} names are unique per account; a module used more than once builds each `name` from an input, e.g. `name \"${{var.team}}-{}\"`", r.address.kind, r.address.name)
                }),
            );
        } else {
            seen.insert((r.address.kind, r.name.as_str()), r);
        }
    }
}

fn limits(resources: &[Resource], diags: &mut Diags) {
    let firewalls: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.address.kind == Kind::Firewall)
        .collect();
    if let Some(over) = firewalls.get(catalog::FIREWALLS_PER_ACCOUNT) {
        diags.error(
            Code::Limit,
            &over.span,
            format!(
                "{} firewalls; an account holds at most {}",
                firewalls.len(),
                catalog::FIREWALLS_PER_ACCOUNT
            ),
            format!("firewall number {}", catalog::FIREWALLS_PER_ACCOUNT + 1),
            Some("share firewalls between VMs, or use inline `security-rule`s".to_owned()),
        );
    }
    let keys: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.address.kind == Kind::SshKey)
        .collect();
    if let Some(over) = keys.get(catalog::SSH_KEYS_PER_ACCOUNT) {
        diags.error(
            Code::Limit,
            &over.span,
            format!(
                "{} SSH keys; an account holds at most {} (every key is in every region)",
                keys.len(),
                catalog::SSH_KEYS_PER_ACCOUNT
            ),
            format!("key number {}", catalog::SSH_KEYS_PER_ACCOUNT + 1),
            None,
        );
    }
}

fn regions(resources: &[Resource], positions: &Positions<'_>, diags: &mut Diags) {
    let edge_to = |r: &Resource, a: &Address| -> Option<Edge> {
        r.refs.iter().find(|e| &e.target == a).cloned()
    };
    for r in resources {
        let linked: Vec<&Address> = match &r.spec {
            Spec::Vm(vm) => {
                let mut v: Vec<&Address> = vm.volumes.iter().chain(&vm.firewalls).collect();
                match &vm.boot {
                    BootSource::Image(a) | BootSource::Volume(a) => v.push(a),
                    BootSource::OsImage(_) | BootSource::DataImage(_) => {}
                }
                v
            }
            Spec::Snapshot(s) => vec![&s.vm],
            Spec::Image(i) => vec![&i.snapshot],
            _ => vec![],
        };
        for a in linked {
            let Some(other) = positions.get(a).and_then(|i| resources.get(i)) else {
                continue;
            };
            if other.region == r.region {
                continue;
            }
            // Named by block when both are counted: instances paired by `count.index`
            // share one mistake, reported once.
            let (from, to) = if r.address.index.is_some() && a.index.is_some() {
                (r.address.block().to_string(), a.block().to_string())
            } else {
                (r.address.to_string(), a.to_string())
            };
            let mut labels = Vec::new();
            if let Some(e) = edge_to(r, a) {
                labels.push(Label {
                    span: e.span,
                    text: format!("`{to}` is in {}", other.region),
                });
            }
            labels.push(Label {
                span: r.span.clone(),
                text: format!("`{from}` is in {}", r.region),
            });
            diags.error_labels(
                Code::RegionMismatch,
                format!("`{from}` ({}) uses `{to}` ({})", r.region, other.region),
                labels,
                Some(format!("linked resources must be in the same region; set `region \"{}\"` on one of them", r.region)),
            );
        }
    }
}
