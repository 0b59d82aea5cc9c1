//! Account-level checks: contact details.

use crate::registry::Check;

mod account_maintain_current_contact_details;
mod account_security_contact_information_is_registered;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &account_maintain_current_contact_details::CHECK,
    &account_security_contact_information_is_registered::CHECK,
];
