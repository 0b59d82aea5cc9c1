//! IAM Access Analyzer checks: an active analyzer in every region.

use crate::registry::Check;

mod accessanalyzer_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&accessanalyzer_enabled::CHECK];
