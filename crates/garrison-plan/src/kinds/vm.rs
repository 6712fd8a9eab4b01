//! VMs on the plan side: GPU, boot source, keys, script, cloud-init, firewalls, volumes,
//! public IP, power, security rules. In place: security rules, volumes (detach, attach),
//! public IP, power; firewalls through the firewall-attachment steps.

use std::collections::BTreeSet;

use garrison_config::model::{BootSource, Kind, Power, VmSpec};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::desired::{addresses, hash_text, rules_value, Attrs};
use crate::error::PlanError;
use crate::planner::id_text;
use crate::schema::vm;
use crate::step::UpdateOp;

use super::rules::rule_ops;
use crate::remote::Prices;

use super::{InPlaceChange, PlanKind};

pub(super) struct Vm;

impl PlanKind for Vm {
    type Spec = VmSpec;

    const BUSY: &'static [&'static str] = &[
        "CREATING",
        "BUILD",
        "STARTING",
        "STOPPING",
        "REBOOTING",
        "HIBERNATING",
        "RESTORING",
    ];

    /// A hibernated VM is billed at the hibernation rate; otherwise its GPUs.
    fn hourly(attrs: &Attrs, prices: &Prices) -> f64 {
        let power = attrs
            .get(vm::POWER)
            .and_then(Value::as_str)
            .unwrap_or("running");
        if power == "hibernated" {
            return prices.hibernated_per_hour;
        }
        let model = attrs
            .get(vm::GPU_MODEL)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let count = attrs
            .get(vm::GPU_COUNT)
            .and_then(Value::as_u64)
            .unwrap_or_default();
        prices.gpu_per_hour.get(model).copied().unwrap_or_default() * count as f64
    }

    fn desired(spec: &VmSpec, out: &mut Attrs) {
        out.insert(vm::GPU_MODEL.into(), json!(spec.gpu_model));
        out.insert(vm::GPU_COUNT.into(), json!(spec.gpu_count));
        let (image, boot_image, boot_volume) = match &spec.boot {
            BootSource::OsImage(name) => (json!(name), Value::Null, Value::Null),
            BootSource::Image(a) => (Value::Null, json!(a.to_string()), Value::Null),
            BootSource::Volume(a) => (Value::Null, Value::Null, json!(a.to_string())),
            BootSource::DataImage(l) => (Value::Null, json!(l.shown()), Value::Null),
        };
        out.insert(vm::IMAGE.into(), image);
        out.insert(vm::BOOT_IMAGE.into(), boot_image);
        out.insert(vm::BOOT_VOLUME.into(), boot_volume);
        out.insert(
            vm::SSH_KEYS.into(),
            links(&spec.ssh_keys, spec, Kind::SshKey),
        );
        out.insert(
            vm::STARTUP_SCRIPT.into(),
            spec.startup_script
                .as_ref()
                .map_or(Value::Null, |a| json!(a.to_string())),
        );
        out.insert(
            vm::CLOUD_INIT.into(),
            spec.cloud_init
                .as_deref()
                .map_or(Value::Null, |t| json!(hash_text(t))),
        );
        out.insert(vm::FIREWALLS.into(), addresses(&spec.firewalls));
        out.insert(vm::VOLUMES.into(), links(&spec.volumes, spec, Kind::Volume));
        out.insert(vm::PUBLIC_IP.into(), json!(spec.public_ip));
        out.insert(vm::POWER.into(), json!(spec.power.as_str()));
        out.insert(vm::SECURITY_RULES.into(), rules_value(&spec.security_rules));
    }

    fn in_place(
        attr: &str,
        change: &InPlaceChange<'_>,
        _errors: &mut Vec<PlanError>,
        ops: &mut Vec<UpdateOp>,
    ) -> bool {
        let (want, have) = (change.want, change.have);
        match attr {
            vm::SECURITY_RULES => rule_ops(
                want,
                have,
                |rule_ids| UpdateOp::DeleteSecurityRules { rule_ids },
                |rules| UpdateOp::AddSecurityRules { rules },
                ops,
            ),
            vm::VOLUMES => volume_ops(change, ops),
            vm::PUBLIC_IP => ops.push(UpdateOp::SetPublicIp {
                enable: want.as_bool().unwrap_or(false),
            }),
            vm::POWER => {
                let to = Power::deserialize(want).unwrap_or_default();
                let from = have
                    .and_then(|v| Power::deserialize(v).ok())
                    .unwrap_or_default();
                ops.push(UpdateOp::SetPower { from, to });
            }
            // Firewalls on a VM are carried out by the firewall-attachment steps.
            vm::FIREWALLS => {}
            _ => return false,
        }
        true
    }
}

/// The links of a list: the config's resources by address, the existing objects data
/// sources found as plans show an unmanaged link (what the observed side maps their ids
/// to), so a plan after the apply is empty.
fn links(managed: &[garrison_config::model::Address], spec: &VmSpec, kind: Kind) -> Value {
    let existing = spec.data_links.iter().filter(|l| l.kind == kind);
    let mut items: Vec<String> = managed.iter().map(ToString::to_string).collect();
    items.extend(existing.map(garrison_config::model::DataLink::shown));
    items.sort();
    items.dedup();
    json!(items)
}

/// Detach the volumes that leave (or are replaced), by observed id; attach the ones that
/// arrive (or are replaced), by address.
fn volume_ops(change: &InPlaceChange<'_>, ops: &mut Vec<UpdateOp>) {
    let InPlaceChange {
        want,
        have,
        observed_raw,
        relinked,
        ids,
        ..
    } = *change;
    let want_set = string_set(Some(want));
    let have_set = string_set(have);
    // Observed ids of volumes that leave (or are replaced): detach by id.
    let raw_ids: Vec<String> = observed_raw
        .get(vm::VOLUMES)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(id_text)
        .collect();
    let leaving: BTreeSet<&String> = have_set
        .iter()
        .filter(|a| !want_set.contains(*a) || relinked.contains(a))
        .collect();
    let detach: Vec<String> = raw_ids
        .into_iter()
        .filter(|id| leaving.contains(&ids.address(Kind::Volume, id)))
        .collect();
    if !detach.is_empty() {
        ops.push(UpdateOp::DetachVolumes { volume_ids: detach });
    }
    let attach: Vec<String> = want_set
        .iter()
        .filter(|a| !have_set.contains(*a) || relinked.contains(a))
        .cloned()
        .collect();
    if !attach.is_empty() {
        ops.push(UpdateOp::AttachVolumes { volumes: attach });
    }
}

fn string_set(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string).or_else(|| id_text(x)))
        .collect()
}
