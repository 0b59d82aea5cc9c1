//! Account-level checks: contact details.

use crate::registry::Check;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[];
