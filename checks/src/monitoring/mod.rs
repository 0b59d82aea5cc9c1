//! Account-wide detective services, checked region by region: AWS Config, GuardDuty,
//! Security Hub (measure `monitoring`) and IAM Access Analyzer (measure `access`).

use crate::finding::Resource;
use crate::inventory::AccountInventory;
use crate::registry::Check;

mod accessanalyzer_enabled;
mod config_recorder_all_regions_enabled;
mod guardduty_is_enabled;
mod securityhub_enabled;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &config_recorder_all_regions_enabled::CHECK,
    &guardduty_is_enabled::CHECK,
    &securityhub_enabled::CHECK,
    &accessanalyzer_enabled::CHECK,
];

/// The account in one region, as the resource of a per-region finding.
fn in_region(account: &AccountInventory, region: &str) -> Resource {
    account.regional_resource(region, "AwsAccount")
}
