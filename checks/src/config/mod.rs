//! AWS Config checks: a recorder of every resource type in every region.

use crate::registry::Check;

mod config_recorder_all_regions_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&config_recorder_all_regions_enabled::CHECK];
