//! Macie checks: Macie enabled in every region.

use crate::registry::Check;

mod macie_is_enabled;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&macie_is_enabled::CHECK];
