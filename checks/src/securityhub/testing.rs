//! Builders of Security Hub inventories for the checks' unit tests.

use crate::inventory::securityhub::{SecurityHub, SecurityHubInventory};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::account_in;

/// An account auditing `regions`, in each of which Security Hub was read and is not enabled.
pub fn securityhub_account(regions: &[&str]) -> AccountInventory {
    account_in(regions, || RegionInventory {
        securityhub: SecurityHubInventory { hub: Collected::Known(None) },
        ..RegionInventory::default()
    })
}

/// The hub `arn`, as DescribeHub answers where Security Hub is enabled.
pub fn hub(arn: &str) -> Collected<Option<SecurityHub>> {
    Collected::Known(Some(SecurityHub { hub_arn: Some(arn.to_string()) }))
}
