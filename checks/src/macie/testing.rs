//! Builders of Macie inventories for the checks' unit tests.

use crate::inventory::macie::{MacieInventory, MacieSession};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::account_in;

/// An account auditing `regions`, in each of which Macie was read and is not enabled.
pub fn macie_account(regions: &[&str]) -> AccountInventory {
    account_in(regions, || RegionInventory { macie: MacieInventory { session: Collected::Known(None) }, ..RegionInventory::default() })
}

/// A Macie session with this status (`ENABLED`, `PAUSED`).
pub fn session(status: &str) -> Collected<Option<MacieSession>> {
    Collected::Known(Some(MacieSession { status: status.into() }))
}
