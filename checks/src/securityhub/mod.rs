//! Security Hub checks: the hub enabled in every region.

use crate::registry::Check;

mod securityhub_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&securityhub_enabled::CHECK];
