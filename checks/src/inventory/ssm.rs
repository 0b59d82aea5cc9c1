//! Systems Manager (patching): managed nodes and their patch compliance, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What Systems Manager holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SsmInventory {
    /// DescribeInstanceInformation.
    pub managed_instances: Collected<Vec<ManagedInstance>>,
    /// ListResourceComplianceSummaries(ComplianceType=Patch).
    pub patch_compliance: Collected<Vec<PatchCompliance>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedInstance {
    pub instance_id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: Option<String>,
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
