//! AWS Account Management: contact details, reduced to whether each part is set.

use aws_sdk_account::Client;
use aws_sdk_account::types::AlternateContactType;
use rampart_checks::Collected;
use rampart_checks::inventory::account::{AccountContacts, AlternateContact, ContactInformation};

use crate::aws::error::{describe, has_code};

pub async fn collect(client: &Client) -> AccountContacts {
    let (info, security) = tokio::join!(
        client.get_contact_information().send(),
        client.get_alternate_contact().alternate_contact_type(AlternateContactType::Security).send()
    );
    let present = |s: Option<&str>| s.is_some_and(|v| !v.trim().is_empty());
    let contact_information = match info {
        Ok(out) => Collected::Known(out.contact_information().map(|c| ContactInformation {
            has_full_name: present(Some(c.full_name())),
            has_phone_number: present(Some(c.phone_number())),
            has_address: present(Some(c.address_line1())),
            country_code: Some(c.country_code().to_string()).filter(|c| !c.is_empty()),
        })),
        Err(e) if has_code(&e, &["ResourceNotFoundException"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("account:GetContactInformation", &e)),
    };
    let security_contact = match security {
        Ok(out) => Collected::Known(out.alternate_contact().map(|c| AlternateContact {
            has_name: present(c.name()),
            has_email_address: present(c.email_address()),
            has_phone_number: present(c.phone_number()),
            has_title: present(c.title()),
        })),
        Err(e) if has_code(&e, &["ResourceNotFoundException"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("account:GetAlternateContact", &e)),
    };
    AccountContacts { contact_information, security_contact }
}
