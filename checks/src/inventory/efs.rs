//! EFS: file systems, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What EFS holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EfsInventory {
    /// DescribeFileSystems.
    pub file_systems: Collected<Vec<FileSystem>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSystem {
    pub file_system_id: String,
    pub arn: Option<String>,
    pub encrypted: bool,
}
