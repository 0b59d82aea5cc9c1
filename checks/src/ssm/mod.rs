//! SSM checks (patch compliance of managed nodes).

use crate::registry::Check;

mod ssm_managed_compliant_patching;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&ssm_managed_compliant_patching::CHECK];
