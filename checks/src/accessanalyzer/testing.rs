//! Builders of IAM Access Analyzer inventories for the checks' unit tests.

use crate::inventory::accessanalyzer::{AccessAnalyzerInventory, Analyzer};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::account_in;

/// An account auditing `regions`, in each of which Access Analyzer was read and has no
/// analyzer.
pub fn accessanalyzer_account(regions: &[&str]) -> AccountInventory {
    account_in(regions, || RegionInventory {
        accessanalyzer: AccessAnalyzerInventory { analyzers: Collected::Known(Vec::new()) },
        ..RegionInventory::default()
    })
}

/// An analyzer of this type (`ACCOUNT`, `ORGANIZATION`, …) and status.
pub fn analyzer(name: &str, kind: &str, status: &str) -> Analyzer {
    Analyzer { name: name.into(), analyzer_type: kind.into(), status: status.into() }
}
