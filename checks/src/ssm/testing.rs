//! Builders of Systems Manager inventories for the checks' unit tests: managed nodes and
//! their patch compliance.

use crate::inventory::ssm::{ManagedInstance, PatchCompliance, SsmInventory};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::{account, region};

/// Systems Manager read, managing no node.
pub fn empty_ssm() -> SsmInventory {
    SsmInventory { managed_instances: Collected::Known(Vec::new()), patch_compliance: Collected::Known(Vec::new()) }
}

/// An account whose region's Systems Manager lists were read and are empty.
pub fn ssm_account() -> AccountInventory {
    let mut account = account();
    region(&mut account).ssm = empty_ssm();
    account
}

/// A node managed by Systems Manager, online.
pub fn managed(id: &str) -> ManagedInstance {
    ManagedInstance { instance_id: id.to_string(), ping_status: Some("Online".to_string()) }
}

pub fn compliance(id: &str, status: &str, critical: i32, high: i32, total: i32) -> PatchCompliance {
    PatchCompliance {
        resource_id: id.to_string(),
        status: status.to_string(),
        non_compliant_critical: critical,
        non_compliant_high: high,
        non_compliant_total: total,
    }
}
