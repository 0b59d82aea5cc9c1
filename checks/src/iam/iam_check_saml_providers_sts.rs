use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Whether the account has an identity provider for federated sign-in: SAML providers
    /// (`ListSAMLProviders`, which includes the one IAM Identity Center creates in each
    /// account it manages) or OpenID Connect providers (`ListOpenIDConnectProviders`). With
    /// none at all, people can only sign in as IAM users: FAIL. With some, the finding is
    /// MANUAL and its message is the evidence — the provider ARNs, their counts and the
    /// number of IAM users in the credential report — because a provider proves neither that
    /// people use it (an OIDC provider often serves CI workloads such as GitHub Actions) nor
    /// that the remaining IAM users are machines or break-glass accounts. A person confirms
    /// that humans sign in through federation. If either provider list could not be read,
    /// the finding is an ERROR. One finding for the account.
    /// ## Why it matters
    /// Managing people in a central identity provider (or IAM Identity Center across an AWS
    /// Organization) gives one place to enforce MFA and password rules, and one place to
    /// remove a leaver's access everywhere. IAM users per account multiply long-lived
    /// passwords and access keys that are easily forgotten when someone leaves.
    /// ## Remediation
    /// Enable IAM Identity Center in the organization's management account and assign
    /// permission sets to groups, or create a provider for your own identity provider with
    /// `aws iam create-saml-provider --name <name> --saml-metadata-document file://metadata.xml`
    /// and roles that trust it. Then move people off IAM users: `aws iam delete-login-profile
    /// --user-name <user>`, delete their access keys, and finally the users.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.20
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html
    /// - https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html
    pub static CHECK = {
        id: "iam_check_saml_providers_sts",
        title: "People sign in through a federated identity provider",
        measure: Measure::Access,
        severity: Severity::Low,
        reads: [Source::SamlProviders, Source::OidcProviders, Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let resource = account.resource();
    let (saml, oidc) = match (account.iam.saml_providers.as_result(), account.iam.oidc_providers.as_result()) {
        (Ok(saml), Ok(oidc)) => (saml, oidc),
        (saml, oidc) => {
            let mut reasons = Vec::new();
            if let Err(why) = saml {
                reasons.push(format!("SAML providers could not be listed: {why}"));
            }
            if let Err(why) = oidc {
                reasons.push(format!("OIDC providers could not be listed: {why}"));
            }
            out.error(resource, reasons.join("; "));
            return;
        }
    };
    if saml.is_empty() && oidc.is_empty() {
        out.fail(resource, "no SAML or OIDC identity provider: people sign in as IAM users");
        return;
    }
    let users = match account.iam.credential_report.as_result() {
        Ok(report) => {
            let (all, console) = report
                .users()
                .fold((0, 0), |(all, console), u| (all + 1, console + usize::from(u.has_console_password())));
            format!("{all} IAM {} ({console} with a console password)", plural(all, "user", "users"))
        }
        Err(why) => format!("number of IAM users unknown (credential report could not be read: {why})"),
    };
    out.manual(
        resource,
        format!(
            "{}; {}; {users}; confirm that people sign in through federation, not as IAM users",
            providers(saml, "SAML"),
            providers(oidc, "OIDC"),
        ),
    );
}

/// "2 SAML providers (arn1, arn2)" or "0 OIDC providers".
fn providers(arns: &[String], kind: &str) -> String {
    let noun = plural(arns.len(), "provider", "providers");
    if arns.is_empty() {
        format!("0 {kind} {noun}")
    } else {
        format!("{} {kind} {noun} ({})", arns.len(), arns.join(", "))
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::AccountInventory;
    use crate::inventory::Collected;
    use crate::testing::*;

    const SAML: &str = "arn:aws:iam::123456789012:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE";
    const OIDC: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

    fn account(saml: &[&str], oidc: &[&str]) -> AccountInventory {
        let mut a = account_with_report(&[root().mfa(true), user("alice").console(true), user("ci")]);
        a.iam.saml_providers = Collected::Known(saml.iter().map(|s| s.to_string()).collect());
        a.iam.oidc_providers = Collected::Known(oidc.iter().map(|s| s.to_string()).collect());
        a
    }

    #[test]
    fn providers_give_manual_with_evidence() {
        let found = run(&CHECK, &account(&[SAML], &[OIDC]));
        assert_eq!(status_of(&found, ACCOUNT), Status::Manual);
        assert_eq!(
            found[0].message,
            format!(
                "1 SAML provider ({SAML}); 1 OIDC provider ({OIDC}); 2 IAM users (1 with a console password); \
                 confirm that people sign in through federation, not as IAM users"
            )
        );

        let mut a = account(&[], &[OIDC]);
        a.iam.credential_report = denied();
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, ACCOUNT), Status::Manual);
        assert_eq!(
            found[0].message,
            format!(
                "0 SAML providers; 1 OIDC provider ({OIDC}); number of IAM users unknown (credential report could \
                 not be read: AccessDenied: not authorized); confirm that people sign in through federation, not as IAM users"
            )
        );
    }

    #[test]
    fn no_provider_fails() {
        let found = run(&CHECK, &account(&[], &[]));
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, "no SAML or OIDC identity provider: people sign in as IAM users");
    }

    #[test]
    fn error_when_either_list_is_unknown() {
        let mut a = account(&[SAML], &[]);
        a.iam.oidc_providers = denied();
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert_eq!(found[0].message, "OIDC providers could not be listed: AccessDenied: not authorized");

        let mut a = account(&[], &[]);
        a.iam.saml_providers = denied();
        a.iam.oidc_providers = denied();
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert_eq!(
            found[0].message,
            "SAML providers could not be listed: AccessDenied: not authorized; \
             OIDC providers could not be listed: AccessDenied: not authorized"
        );
    }
}
