//! Macie checks: Macie enabled in every region.

use crate::registry::Check;

mod macie_is_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&macie_is_enabled::CHECK];
