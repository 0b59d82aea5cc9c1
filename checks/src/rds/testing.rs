//! Builders of RDS inventories for the checks' unit tests: DB instances and clusters.

use crate::inventory::rds::{DbCluster, DbInstance};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::{ACCOUNT, REGION, account, region};

/// An encrypted, private Single-AZ PostgreSQL instance outside any cluster, with minor
/// version upgrades on.
pub fn db_instance(id: &str) -> DbInstance {
    DbInstance {
        db_instance_identifier: id.to_string(),
        arn: Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:{id}")),
        storage_encrypted: true,
        publicly_accessible: false,
        auto_minor_version_upgrade: true,
        multi_az: false,
        db_cluster_identifier: None,
    }
}

/// A Multi-AZ Aurora cluster.
pub fn db_cluster(id: &str, storage_encrypted: bool) -> DbCluster {
    DbCluster {
        db_cluster_identifier: id.to_string(),
        arn: Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{id}")),
        storage_encrypted,
        multi_az: true,
    }
}

/// An account whose region holds these DB instances and no cluster.
pub fn account_with_instances(instances: Vec<DbInstance>) -> AccountInventory {
    let mut account = account();
    let r = region(&mut account);
    r.rds.db_instances = Collected::Known(instances);
    r.rds.db_clusters = Collected::Known(Vec::new());
    account
}
