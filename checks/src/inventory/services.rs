//! SSM (patching), RDS and EFS, per region.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedInstance {
    pub instance_id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: Option<String>,
    pub platform_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchCompliance {
    pub resource_id: String,
    /// `COMPLIANT` or `NON_COMPLIANT`.
    pub status: String,
    /// Non-compliant patches by severity (`CRITICAL`, `HIGH`, …).
    pub non_compliant_critical: i32,
    pub non_compliant_high: i32,
    pub non_compliant_total: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbInstance {
    pub db_instance_identifier: String,
    pub arn: Option<String>,
    pub engine: Option<String>,
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
    pub engine: Option<String>,
    pub storage_encrypted: bool,
    pub multi_az: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSystem {
    pub file_system_id: String,
    pub arn: Option<String>,
    pub encrypted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MacieSession {
    /// `ENABLED` or `PAUSED`.
    pub status: String,
}
