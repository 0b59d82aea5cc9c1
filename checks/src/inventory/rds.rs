//! RDS: DB instances and clusters, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What RDS holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RdsInventory {
    /// DescribeDBInstances.
    pub db_instances: Collected<Vec<DbInstance>>,
    /// DescribeDBClusters.
    pub db_clusters: Collected<Vec<DbCluster>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbInstance {
    pub db_instance_identifier: String,
    pub arn: Option<String>,
    pub storage_encrypted: bool,
    pub publicly_accessible: bool,
    pub auto_minor_version_upgrade: bool,
    pub multi_az: bool,
    /// Member of this Aurora cluster, whose encryption applies.
    pub db_cluster_identifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbCluster {
    pub db_cluster_identifier: String,
    pub arn: Option<String>,
    pub storage_encrypted: bool,
    pub multi_az: bool,
}
