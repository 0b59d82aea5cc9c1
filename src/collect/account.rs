//! AWS Account Management: contact details, reduced to whether each part is set.

use aws_sdk_account::Client;
use aws_sdk_account::types::AlternateContactType;
use rampart_checks::Collected;
use rampart_checks::inventory::account::{AccountManagementInventory, AlternateContact, ContactInformation};

use rampart_checks::inventory::{Plan, Source};

use super::read;
use crate::aws::error::{describe, has_code};

/// The reads of `plan`'s Account sources.
pub async fn collect(client: &Client, plan: &Plan) -> AccountManagementInventory {
    let (contact_information, security_contact) = tokio::join!(
        read(plan, Source::ContactInformation, contact_information(client)),
        read(plan, Source::SecurityContact, security_contact(client))
    );
    AccountManagementInventory { contact_information, security_contact }
}

fn present(s: Option<&str>) -> bool {
    s.is_some_and(|v| !v.trim().is_empty())
}

async fn contact_information(client: &Client) -> Collected<Option<ContactInformation>> {
    match client.get_contact_information().send().await {
        Ok(out) => Collected::Known(out.contact_information().map(|c| ContactInformation {
            has_full_name: present(Some(c.full_name())),
            has_phone_number: present(Some(c.phone_number())),
            has_address: present(Some(c.address_line1())),
            country_code: Some(c.country_code().to_string()).filter(|c| !c.is_empty()),
        })),
        Err(e) if has_code(&e, &["ResourceNotFoundException"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("account:GetContactInformation", &e)),
    }
}

async fn security_contact(client: &Client) -> Collected<Option<AlternateContact>> {
    match client.get_alternate_contact().alternate_contact_type(AlternateContactType::Security).send().await {
        Ok(out) => Collected::Known(out.alternate_contact().map(|c| AlternateContact {
            has_name: present(c.name()),
            has_email_address: present(c.email_address()),
            has_phone_number: present(c.phone_number()),
        })),
        Err(e) if has_code(&e, &["ResourceNotFoundException"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("account:GetAlternateContact", &e)),
    }
}

/// The table's entry: the contact reads the plan holds, through the home region.
pub(super) fn global<'a>(session: &'a crate::aws::Session, plan: &'a Plan) -> super::GlobalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&session.account_management(&super::home_region(session)), plan)).await;
        Box::new(move |account: &mut rampart_checks::inventory::AccountInventory| account.account = read) as super::Apply<_>
    })
}
