//! RDS checks: storage encryption, public accessibility, minor version upgrades, Multi-AZ.

use crate::finding::Resource;
use crate::inventory::rds::{DbCluster, DbInstance};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::registry::{Check, Findings};

mod rds_cluster_multi_az;
mod rds_instance_minor_version_upgrade_enabled;
mod rds_instance_multi_az;
mod rds_instance_no_public_access;
mod rds_instance_storage_encrypted;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &rds_instance_storage_encrypted::CHECK,
    &rds_instance_no_public_access::CHECK,
    &rds_instance_minor_version_upgrade_enabled::CHECK,
    &rds_instance_multi_az::CHECK,
    &rds_cluster_multi_az::CHECK,
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
    match &inv.rds.db_instances {
        Collected::Known(i) => Some(i),
        Collected::Unknown(why) => {
            out.error(account.regional_resource(region, "AwsRdsDbInstance"), format!("RDS instances could not be listed: {why}"));
            None
        }
    }
}

/// A setting that an Aurora cluster decides for its member instances.
struct ClusterSetting {
    /// The instance's own value, for instances outside a cluster.
    instance: fn(&DbInstance) -> bool,
    /// The cluster's value, for its members.
    cluster: fn(&DbCluster) -> bool,
    /// How messages name the setting: the instance's own ("storage"), after
    /// "cluster <id>" (" storage"), and for a member of an unlisted cluster
    /// ("instance storage").
    own: &'static str,
    of_cluster: &'static str,
    unlisted: &'static str,
    /// The words for the setting on and off.
    on: &'static str,
    off: &'static str,
}

/// Judges every instance by the setting: a cluster member by its cluster (ERROR when the
/// clusters could not be read), the others, and members of a cluster that is not listed,
/// by their own value.
fn judge_by_cluster(account: &AccountInventory, out: &mut Findings, setting: &ClusterSetting) {
    let verdict = |value: bool, what: String| (value, format!("{what} {}", if value { setting.on } else { setting.off }));
    for (region, inv) in account.regions() {
        let Some(instances) = instances(account, region, inv, out) else { continue };
        for instance in instances {
            let resource = instance_resource(account, region, instance);
            let (ok, message) = match &instance.db_cluster_identifier {
                None => verdict((setting.instance)(instance), setting.own.to_string()),
                Some(cluster_id) => match &inv.rds.db_clusters {
                    Collected::Unknown(why) => {
                        out.error(resource, format!("member of cluster {cluster_id}, whose settings could not be read: {why}"));
                        continue;
                    }
                    Collected::Known(clusters) => match clusters.iter().find(|c| &c.db_cluster_identifier == cluster_id) {
                        Some(cluster) => verdict((setting.cluster)(cluster), format!("cluster {cluster_id}{}", setting.of_cluster)),
                        None => {
                            verdict((setting.instance)(instance), format!("cluster {cluster_id} not listed; {}", setting.unlisted))
                        }
                    },
                },
            };
            if ok {
                out.pass(resource, message);
            } else {
                out.fail(resource, message);
            }
        }
    }
}
