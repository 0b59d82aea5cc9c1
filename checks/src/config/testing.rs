//! Builders of AWS Config inventories for the checks' unit tests.

use crate::inventory::config::{ConfigInventory, ConfigRecorder};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::account_in;

/// An account auditing `regions`, in each of which AWS Config was read and has no recorder.
pub fn config_account(regions: &[&str]) -> AccountInventory {
    account_in(regions, || RegionInventory {
        config: ConfigInventory { configuration_recorders: Collected::Known(Vec::new()) },
        ..RegionInventory::default()
    })
}

/// The `default` recorder: of all supported types or not, with global types or not, its
/// recording status and last delivery status.
pub fn recorder(all: bool, global: bool, recording: Option<bool>, last: Option<&str>) -> ConfigRecorder {
    ConfigRecorder {
        name: "default".into(),
        all_supported: all,
        include_global_resource_types: global,
        recording,
        last_status: last.map(str::to_string),
    }
}
