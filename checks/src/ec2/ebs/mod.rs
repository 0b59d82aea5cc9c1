//! EBS checks: default encryption per region, encrypted volumes and snapshots, public
//! snapshots and the per-region block on public sharing.

use crate::finding::Resource;
use crate::inventory::ec2::{Snapshot, Volume};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::registry::{Check, Findings};

mod ec2_ebs_default_encryption;
mod ec2_ebs_public_snapshot;
mod ec2_ebs_snapshot_account_block_public_access;
mod ec2_ebs_snapshots_encrypted;
mod ec2_ebs_volume_encryption;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &ec2_ebs_default_encryption::CHECK,
    &ec2_ebs_volume_encryption::CHECK,
    &ec2_ebs_snapshots_encrypted::CHECK,
    &ec2_ebs_public_snapshot::CHECK,
    &ec2_ebs_snapshot_account_block_public_access::CHECK,
];

fn volume_resource(account: &AccountInventory, region: &str, volume: &Volume) -> Resource {
    Resource {
        id: volume.volume_id.clone(),
        arn: Some(format!("arn:{}:ec2:{region}:{}:volume/{}", account.partition, account.account_id, volume.volume_id)),
        kind: "AwsEc2Volume",
        region: Some(region.to_string()),
    }
}

/// Snapshot ARNs carry no account id: `arn:aws:ec2:<region>::snapshot/<id>`.
fn snapshot_resource(account: &AccountInventory, region: &str, snapshot: &Snapshot) -> Resource {
    Resource {
        id: snapshot.snapshot_id.clone(),
        arn: Some(format!("arn:{}:ec2:{region}::snapshot/{}", account.partition, snapshot.snapshot_id)),
        kind: "AwsEc2Snapshot",
        region: Some(region.to_string()),
    }
}

/// The region's snapshots, or an ERROR finding for the region saying why they are unknown.
fn snapshots<'a>(account: &AccountInventory, region: &str, inv: &'a RegionInventory, out: &mut Findings) -> Option<&'a [Snapshot]> {
    match &inv.ec2.snapshots {
        Collected::Known(s) => Some(s),
        Collected::Unknown(why) => {
            out.error(account.regional_resource(region, "AwsEc2Snapshot"), format!("EBS snapshots could not be listed: {why}"));
            None
        }
    }
}
