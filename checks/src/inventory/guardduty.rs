//! GuardDuty: detectors, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What GuardDuty holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GuardDutyInventory {
    /// ListDetectors + GetDetector.
    pub detectors: Collected<Vec<GuardDutyDetector>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardDutyDetector {
    pub detector_id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
}
