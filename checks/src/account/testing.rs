//! Builders of Account Management inventories for the checks' unit tests: the account's
//! contact details.

use crate::inventory::account::{AlternateContact, ContactInformation};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::account;

/// Contact information with every part set.
pub fn contact_information() -> ContactInformation {
    ContactInformation { has_full_name: true, has_phone_number: true, has_address: true, country_code: Some("DE".into()) }
}

/// A security alternate contact with every part set.
pub fn security_contact() -> AlternateContact {
    AlternateContact { has_name: true, has_email_address: true, has_phone_number: true }
}

/// An account whose contact information is `contact`.
pub fn with_contact_information(contact: Collected<Option<ContactInformation>>) -> AccountInventory {
    let mut account = account();
    account.account.contact_information = contact;
    account
}

/// An account whose security alternate contact is `contact`.
pub fn with_security_contact(contact: Collected<Option<AlternateContact>>) -> AccountInventory {
    let mut account = account();
    account.account.security_contact = contact;
    account
}
