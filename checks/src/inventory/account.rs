//! AWS Account Management: contact details, as presence flags only (they are personal data,
//! and a report needs to know whether they are set, not what they say).

use serde::{Deserialize, Serialize};

use super::Collected;

/// What AWS Account Management says of the account: its contacts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountManagementInventory {
    /// account:GetContactInformation; `None` when none is set.
    pub contact_information: Collected<Option<ContactInformation>>,
    /// account:GetAlternateContact(SECURITY); `None` when none is registered.
    pub security_contact: Collected<Option<AlternateContact>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactInformation {
    pub has_full_name: bool,
    pub has_phone_number: bool,
    pub has_address: bool,
    pub country_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlternateContact {
    pub has_name: bool,
    pub has_email_address: bool,
    pub has_phone_number: bool,
}
