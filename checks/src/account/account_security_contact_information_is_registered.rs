use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::account::AlternateContact;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account has a security alternate contact
    /// (`account:GetAlternateContact --alternate-contact-type SECURITY`) with a name, an
    /// e-mail address and a phone number. No security contact, or one missing any of those
    /// parts, FAILs and names what is missing. Rampart records only whether each part is
    /// set, never its value. One finding for the account. CIS assesses this control
    /// manually; whether the contact is registered is data Rampart has, so it decides.
    /// ## Why it matters
    /// AWS sends security notifications — abuse reports, exposed credentials found on the
    /// internet, suspected compromise — to the security contact. Without one they go only to
    /// the primary or billing contact, who may not act on them or pass them on in time.
    /// ## Remediation
    /// `aws account put-alternate-contact --alternate-contact-type SECURITY --name <name>
    /// --title <title> --email-address <security-team@example.com> --phone-number <+phone>`.
    /// Use a team mailbox and an on-call number rather than one person's; in an organization,
    /// the management account can set it for every member with `--account-id <id>`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.2
    /// - AWS Security Hub, control Account.1
    /// - https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html
    pub static CHECK = {
        id: "account_security_contact_information_is_registered",
        title: "A security contact is registered for the account",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::SecurityContact],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let resource = account.resource();
    let contact = match account.account.security_contact.as_result() {
        Ok(c) => c,
        Err(why) => {
            out.error(resource, format!("security alternate contact could not be read: {why}"));
            return;
        }
    };
    let Some(contact) = contact else {
        out.fail(resource, "no security alternate contact is registered");
        return;
    };
    let missing = missing_parts(contact);
    if missing.is_empty() {
        out.pass(resource, "security alternate contact is registered (name, e-mail, phone)");
    } else {
        out.fail(resource, format!("security alternate contact lacks {}", missing.join(", ")));
    }
}

fn missing_parts(contact: &AlternateContact) -> Vec<&'static str> {
    [
        (contact.has_name, "name"),
        (contact.has_email_address, "e-mail address"),
        (contact.has_phone_number, "phone number"),
    ]
    .into_iter()
    .filter(|(present, _)| !present)
    .map(|(_, part)| part)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::account::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn complete_contact_passes() {
        let found = run(&CHECK, &with_security_contact(Collected::Known(Some(security_contact()))));
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
        assert_eq!(found[0].message, "security alternate contact is registered (name, e-mail, phone)");
    }

    #[test]
    fn missing_or_incomplete_contact_fails() {
        let found = run(&CHECK, &with_security_contact(Collected::Known(None)));
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, "no security alternate contact is registered");

        let mut partial = security_contact();
        partial.has_email_address = false;
        let found = run(&CHECK, &with_security_contact(Collected::Known(Some(partial))));
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, "security alternate contact lacks e-mail address");
    }

    #[test]
    fn error_when_unknown() {
        let found = run(&CHECK, &with_security_contact(denied()));
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert_eq!(found[0].message, "security alternate contact could not be read: AccessDenied: not authorized");
    }
}
