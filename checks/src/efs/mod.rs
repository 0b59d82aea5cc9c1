//! EFS checks: encryption at rest.

use crate::registry::Check;

mod efs_encryption_at_rest_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&efs_encryption_at_rest_enabled::CHECK];
