//! AWS Config: configuration recorders, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What AWS Config holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigInventory {
    /// DescribeConfigurationRecorders + DescribeConfigurationRecorderStatus.
    pub configuration_recorders: Collected<Vec<ConfigRecorder>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// DescribeConfigurationRecorderStatus.
    pub recording: Option<bool>,
    pub last_status: Option<String>,
}
