//! The API's operations: one `impl Sim` file per resource group, one dispatch table.

mod account;
mod deploy;
mod firewalls;
mod images;
mod instance_volumes;
mod instances;
mod scripts;
mod snapshots;
mod ssh_keys;
mod volumes;

use barrack_wire::Op;

use crate::envelope::Envelope;
use crate::error::ApiResult;
use crate::request::Req;
use crate::sim::Sim;

impl Sim {
    /// Runs one operation. The match is exhaustive: a new `Op` does not compile until served.
    pub(crate) fn dispatch(&mut self, op: Op, req: &Req) -> ApiResult<Envelope> {
        let now = self.settle();
        match op {
            Op::GetBalance => self.get_balance(now),
            Op::ListRegions => self.list_regions(req),
            Op::ListGpuStocks => self.list_gpu_stocks(req),
            Op::ListGpuSpecs => self.list_gpu_specs(req),
            Op::GetPricing => Ok(self.get_pricing()),
            Op::QuotePricing => self.quote_pricing(req),
            Op::ListOsImages => self.list_os_images(req),
            Op::DeployInstances => self.deploy_instances(now, req),
            Op::ListInstances => self.list_instances(req),
            Op::GetInstance => self.get_instance(req),
            Op::DeleteInstance => self.delete_instance(now, req),
            Op::StartInstance => self.start_instance(now, req),
            Op::StopInstance => self.stop_instance(now, req),
            Op::RebootInstance => self.reboot_instance(now, req),
            Op::HibernateInstance => self.hibernate_instance(now, req),
            Op::RestoreInstance => self.restore_instance(now, req),
            Op::SetInstancePublicIp => self.set_public_ip(req),
            Op::CountHibernatedInstances => Ok(self.count_hibernated()),
            Op::AddInstanceSecurityRule => self.add_security_rule(req),
            Op::DeleteInstanceSecurityRule => self.delete_security_rule(req),
            Op::ListInstanceFirewalls => self.list_instance_firewalls(req),
            Op::GetInstanceBilling => self.instance_billing(now, req),
            Op::AttachInstanceVolumes => self.attach_volumes(now, req),
            Op::DetachInstanceVolumes => self.detach_volumes(now, req),
            Op::ListSshKeys => self.list_ssh_keys(req),
            Op::CreateSshKey => self.create_ssh_key(now, req),
            Op::GetSshKey => self.get_ssh_key(req),
            Op::DeleteSshKey => self.delete_ssh_key(req),
            Op::ListScripts => self.list_scripts(req),
            Op::CreateScript => self.create_script(now, req),
            Op::GetScript => self.get_script(req),
            Op::UpdateScript => self.update_script(now, req),
            Op::DeleteScript => self.delete_script(req),
            Op::BulkDeleteScripts => self.bulk_delete_scripts(req),
            Op::ListFirewalls => self.list_firewalls(req),
            Op::CreateFirewall => self.create_firewall(now, req),
            Op::GetFirewall => self.get_firewall(req),
            Op::DeleteFirewall => self.delete_firewall(req),
            Op::AddFirewallRule => self.add_firewall_rule(req),
            Op::DeleteFirewallRule => self.delete_firewall_rule(req),
            Op::AttachFirewall => self.attach_firewall(now, req),
            Op::ListFirewallProtocols => self.list_protocols(req),
            Op::ListFirewallAvailableInstances => self.firewall_available_instances(req),
            Op::ListVolumes => self.list_volumes(req),
            Op::CreateVolume => self.create_volume(now, req),
            Op::GetVolume => self.get_volume(req),
            Op::DeleteVolume => self.delete_volume(now, req),
            Op::ResizeVolume => self.resize_volume(now, req),
            Op::CloneVolume => self.clone_volume(now, req),
            Op::ListVolumeTypes => self.list_volume_types(req),
            Op::GetVolumeBilling => self.volume_billing(now, req),
            Op::ListSnapshots => self.list_snapshots(req),
            Op::CreateSnapshot => self.create_snapshot(now, req),
            Op::GetSnapshot => self.get_snapshot(req),
            Op::DeleteSnapshot => self.delete_snapshot(now, req),
            Op::RestoreSnapshot => self.restore_snapshot(now, req),
            Op::ListSnapshotEligibleInstances => self.snapshot_eligible_instances(req),
            Op::GetSnapshotBilling => self.snapshot_billing(now, req),
            Op::CreateImageFromSnapshot => self.create_image(now, req),
            Op::GetSnapshotImageRelationship => self.image_relationship(req),
            Op::ListSnapshotImageRelationships => self.image_relationships(req),
            Op::ListImages => self.list_images(req),
            Op::GetImage => self.get_image(req),
            Op::DeleteImage => self.delete_image(now, req),
        }
    }
}
