//! AWS Account Management: contact details, reduced to whether each part is set.

use aws_sdk_account::Client;
use aws_sdk_account::types::AlternateContactType;
use rampart_checks::Collected;
use rampart_checks::inventory::account::{AccountManagementInventory, AlternateContact, ContactInformation};

use rampart_checks::inventory::{Plan, Source};

use super::read;
use crate::aws::{client, read};

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
    read::optional("account:GetContactInformation", client.get_contact_information().send(), |out| {
        out.contact_information().map(|c| ContactInformation {
            has_full_name: present(Some(c.full_name())),
            has_phone_number: present(Some(c.phone_number())),
            has_address: present(Some(c.address_line1())),
            country_code: Some(c.country_code().to_string()).filter(|c| !c.is_empty()),
        })
    })
    .await
}

async fn security_contact(client: &Client) -> Collected<Option<AlternateContact>> {
    let send = client.get_alternate_contact().alternate_contact_type(AlternateContactType::Security).send();
    read::optional("account:GetAlternateContact", send, |out| {
        out.alternate_contact().map(|c| AlternateContact {
            has_name: present(c.name()),
            has_email_address: present(c.email_address()),
            has_phone_number: present(c.phone_number()),
        })
    })
    .await
}

/// The table's entry: the contact reads the plan holds, through the home region.
pub(super) fn global<'a>(session: &'a crate::aws::Session, plan: &'a Plan) -> super::GlobalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&client!(session, aws_sdk_account, "account", &super::home_region(session)), plan)).await;
        Box::new(move |account: &mut rampart_checks::inventory::AccountInventory| account.account = read) as super::Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::account::{AlternateContact, ContactInformation};
    use rampart_checks::inventory::{Cause, Source};

    use super::global;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    const BOTH: &[Source] = &[Source::ContactInformation, Source::SecurityContact];

    #[tokio::test]
    async fn contacts_are_read_as_whether_each_part_is_set() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "REST POST /getContactInformation" => json(
                r#"{"ContactInformation":{"FullName":"Example Ltd","AddressLine1":"1 Main Street","City":"Springfield","CountryCode":"US",
                "PhoneNumber":" ","PostalCode":"12345"}}"#,
            ),
            "REST POST /getAlternateContact" => {
                assert!(r.body.contains("SECURITY"), "{}", r.body);
                json(
                    r#"{"AlternateContact":{"AlternateContactType":"SECURITY","EmailAddress":"security@example.com","Name":"Security",
                    "PhoneNumber":"+1 555 0100"}}"#,
                )
            }
            other => panic!("unexpected {other}"),
        })
        .await;
        let account = stub.global(global, &plan(BOTH)).await;
        assert_eq!(known(&account.account.contact_information), &Some(ContactInformation {
            has_full_name: true,
            has_phone_number: false,
            has_address: true,
            country_code: Some("US".into()),
        }));
        assert_eq!(known(&account.account.security_contact), &Some(AlternateContact {
            has_name: true,
            has_email_address: true,
            has_phone_number: true,
        }));
    }

    #[tokio::test]
    async fn contacts_never_set_are_none() {
        let stub = Stub::start(|_| Protocol::Json.error("404 Not Found", "ResourceNotFoundException", "No contact of that type")).await;
        let account = stub.global(global, &plan(BOTH)).await;
        assert_eq!(known(&account.account.contact_information), &None);
        assert_eq!(known(&account.account.security_contact), &None);
    }

    #[tokio::test]
    async fn denied_calls_are_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.error("403 Forbidden", "AccessDeniedException", "not authorized")).await;
        let account = stub.global(global, &plan(BOTH)).await;
        assert_eq!(unknown(&account.account.contact_information), (
            Cause::Denied,
            "account:GetContactInformation access denied: AccessDeniedException: not authorized"
        ));
        assert_eq!(unknown(&account.account.security_contact), (
            Cause::Denied,
            "account:GetAlternateContact access denied: AccessDeniedException: not authorized"
        ));
    }

    #[tokio::test]
    async fn only_the_planned_call_is_sent() {
        let stub = Stub::start(|_| json(r#"{"AlternateContact":{"AlternateContactType":"SECURITY"}}"#)).await;
        let account = stub.global(global, &plan(&[Source::SecurityContact])).await;
        assert_eq!(unknown(&account.account.contact_information).0, Cause::NotCollected);
        assert_eq!(stub.actions(), ["REST POST /getAlternateContact"]);
    }
}
