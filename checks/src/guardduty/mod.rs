//! GuardDuty checks: a detector enabled in every region.

use crate::registry::Check;

mod guardduty_is_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&guardduty_is_enabled::CHECK];
