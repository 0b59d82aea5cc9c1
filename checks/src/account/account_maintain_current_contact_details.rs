use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::account::ContactInformation;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account's primary contact (`account:GetContactInformation`) has a full name, a
    /// phone number and an address. Whether those details are *current* — the person still
    /// answers that phone, the address is still the company's — is something only a person
    /// can tell, so a complete contact gives a MANUAL finding whose message is the evidence
    /// (which parts are set, and the country code); an incomplete or missing contact FAILs,
    /// naming what is missing. Rampart records only whether each part is set, never its
    /// value (contact details are personal data). One finding for the account.
    /// ## Why it matters
    /// AWS uses the primary contact to reach the account owner about abuse reports, a
    /// suspected compromise, or billing problems that can lead to suspension. If the details
    /// are stale, those warnings go nowhere and an incident runs longer than it needs to, or
    /// the account is suspended without anyone noticing the notice.
    /// ## Remediation
    /// Review the details under *Account* in the console, or set them with
    /// `aws account put-contact-information --contact-information
    /// FullName=<name>,PhoneNumber=<+phone>,AddressLine1=<street>,City=<city>,PostalCode=<code>,CountryCode=<XX>`.
    /// Use a role mailbox and a phone line that reach whoever is on duty, not one person,
    /// and review them whenever the team or the company changes.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.1
    /// - https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-primary.html
    pub static CHECK = {
        id: "account_maintain_current_contact_details",
        title: "The account contact details are set and current",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::ContactInformation],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let resource = account.resource();
    let contact = match account.account.contact_information.as_result() {
        Ok(c) => c,
        Err(why) => {
            out.error(resource, format!("account contact information could not be read: {why}"));
            return;
        }
    };
    let Some(contact) = contact else {
        out.fail(resource, "no contact information is set for the account");
        return;
    };
    let missing = missing_parts(contact);
    if !missing.is_empty() {
        out.fail(resource, format!("contact information lacks {}", missing.join(", ")));
        return;
    }
    let country = match contact.country_code.as_deref() {
        Some(code) if !code.trim().is_empty() => format!(", country {code}"),
        _ => String::new(),
    };
    out.manual(resource, format!("contact details are set (name, phone, address{country}); confirm they are current"));
}

fn missing_parts(contact: &ContactInformation) -> Vec<&'static str> {
    [(contact.has_full_name, "full name"), (contact.has_phone_number, "phone number"), (contact.has_address, "address")]
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
    fn complete_contact_is_manual_with_evidence() {
        let found = run(&CHECK, &with_contact_information(Collected::Known(Some(contact_information()))));
        assert_eq!(status_of(&found, ACCOUNT), Status::Manual);
        assert_eq!(
            found[0].message,
            "contact details are set (name, phone, address, country DE); confirm they are current"
        );

        let mut no_country = contact_information();
        no_country.country_code = None;
        let found = run(&CHECK, &with_contact_information(Collected::Known(Some(no_country))));
        assert_eq!(status_of(&found, ACCOUNT), Status::Manual);
        assert_eq!(found[0].message, "contact details are set (name, phone, address); confirm they are current");
    }

    #[test]
    fn missing_parts_or_no_contact_fail() {
        let mut partial = contact_information();
        partial.has_phone_number = false;
        partial.has_address = false;
        let found = run(&CHECK, &with_contact_information(Collected::Known(Some(partial))));
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, "contact information lacks phone number, address");

        let found = run(&CHECK, &with_contact_information(Collected::Known(None)));
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, "no contact information is set for the account");
    }

    #[test]
    fn error_when_unknown() {
        let found = run(&CHECK, &with_contact_information(denied()));
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert_eq!(found[0].message, "account contact information could not be read: AccessDenied: not authorized");
    }
}
