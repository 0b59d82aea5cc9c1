//! EKS checks: endpoint exposure, secrets encryption, control-plane logging, the Kubernetes
//! version's support, network policy enforcement and who holds cluster admin.

use crate::finding::Resource;
use crate::inventory::eks::Cluster;
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Check, Findings};

pub mod calendar;
mod eks_cluster_admin_access_only_roles;
mod eks_cluster_kms_cmk_encryption_in_secrets_enabled;
mod eks_cluster_not_publicly_accessible;
mod eks_cluster_uses_a_supported_version;
mod eks_cluster_vpc_cni_network_policy_enforced;
pub use eks_cluster_vpc_cni_network_policy_enforced::network_policy_enabled;
mod eks_control_plane_audit_logging_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &eks_cluster_not_publicly_accessible::CHECK,
    &eks_cluster_kms_cmk_encryption_in_secrets_enabled::CHECK,
    &eks_control_plane_audit_logging_enabled::CHECK,
    &eks_cluster_uses_a_supported_version::CHECK,
    &eks_cluster_vpc_cni_network_policy_enforced::CHECK,
    &eks_cluster_admin_access_only_roles::CHECK,
];

fn cluster_resource(region: &str, cluster: &Cluster) -> Resource {
    Resource { id: cluster.name.clone(), arn: Some(cluster.arn.clone()), kind: "AwsEksCluster", region: Some(region.to_string()) }
}

/// Calls `judge` for every cluster of every region with its resource; an ERROR for a region
/// whose clusters could not be listed or described.
fn each_cluster(account: &AccountInventory, out: &mut Findings, mut judge: impl FnMut(&str, &Cluster, Resource, &mut Findings)) {
    for (region, inv) in account.regions() {
        match &inv.eks.clusters {
            Collected::Known(clusters) => {
                for cluster in clusters {
                    judge(region, cluster, cluster_resource(region, cluster), out);
                }
            }
            Collected::Unknown(why) => out.error(account.regional_resource(region, "AwsEksCluster"), format!("EKS clusters could not be listed: {why}")),
        }
    }
}
