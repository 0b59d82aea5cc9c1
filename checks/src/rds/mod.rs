//! RDS and EFS checks: storage encryption, public accessibility, minor version upgrades, Multi-AZ.

use crate::finding::Resource;
use crate::inventory::services::DbInstance;
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::registry::{Check, Findings};

mod efs_encryption_at_rest_enabled;
mod rds_cluster_multi_az;
mod rds_instance_minor_version_upgrade_enabled;
mod rds_instance_multi_az;
mod rds_instance_no_public_access;
mod rds_instance_storage_encrypted;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &rds_instance_storage_encrypted::CHECK,
    &rds_instance_no_public_access::CHECK,
    &rds_instance_minor_version_upgrade_enabled::CHECK,
    &rds_instance_multi_az::CHECK,
    &rds_cluster_multi_az::CHECK,
    &efs_encryption_at_rest_enabled::CHECK,
];

fn instance_resource(account: &AccountInventory, region: &str, instance: &DbInstance) -> Resource {
    Resource {
        id: instance.db_instance_identifier.clone(),
        arn: Some(instance.arn.clone().unwrap_or_else(|| {
            format!("arn:{}:rds:{region}:{}:db:{}", account.partition, account.account_id, instance.db_instance_identifier)
        })),
        kind: "AwsRdsDbInstance",
        region: Some(region.to_string()),
    }
}

/// The DB instances of one region, or an ERROR finding for the region.
fn instances<'a>(account: &AccountInventory, region: &str, inv: &'a RegionInventory, out: &mut Findings) -> Option<&'a [DbInstance]> {
    match &inv.rds_instances {
        Collected::Known(i) => Some(i),
        Collected::Unknown(why) => {
            out.error(account.regional_resource(region, "AwsRdsDbInstance"), format!("RDS instances could not be listed: {why}"));
            None
        }
    }
}
