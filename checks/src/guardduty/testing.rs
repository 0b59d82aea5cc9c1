//! Builders of GuardDuty inventories for the checks' unit tests.

use crate::inventory::guardduty::{GuardDutyDetector, GuardDutyInventory};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::account_in;

/// An account auditing `regions`, in each of which GuardDuty was read and has no detector.
pub fn guardduty_account(regions: &[&str]) -> AccountInventory {
    account_in(regions, || RegionInventory {
        guardduty: GuardDutyInventory { detectors: Collected::Known(Vec::new()) },
        ..RegionInventory::default()
    })
}

/// A detector with this status (`ENABLED`, `DISABLED`, or none reported).
pub fn detector(id: &str, status: Option<&str>) -> GuardDutyDetector {
    GuardDutyDetector { detector_id: id.into(), status: status.map(str::to_string) }
}
