use crate::declare_check;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No server certificate stored in IAM (`ListServerCertificates`) has expired: its
    /// `Expiration` is after the moment the inventory was collected. One finding per
    /// certificate (resource type `Other`: ASFF has no type for IAM server certificates),
    /// or one PASS for the account when none are stored. A certificate without an
    /// expiration date is an ERROR.
    /// ## Why it matters
    /// An expired certificate still attached to a load balancer or CloudFront distribution
    /// breaks TLS for its clients, or teaches them to click through warnings. Keeping old
    /// certificates around also invites deploying one by mistake.
    /// ## Remediation
    /// Make sure nothing uses it any more, then
    /// `aws iam delete-server-certificate --server-certificate-name <name>`. Prefer AWS
    /// Certificate Manager, which renews certificates automatically.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.18
    /// - AWS Security Hub, control IAM.26
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html
    pub static CHECK = {
        id: "iam_no_expired_server_certificates_stored",
        title: "No expired SSL/TLS certificates are stored in IAM",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::ServerCertificates],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let certificates = match &account.iam.server_certificates {
        Collected::Known(c) => c,
        Collected::Unknown(why) => {
            out.error(account.resource(), format!("IAM server certificates could not be listed: {why}"));
            return;
        }
    };
    if certificates.is_empty() {
        out.pass(account.resource(), "no server certificates stored in IAM");
    }
    for cert in certificates {
        let resource = Resource {
            id: cert.server_certificate_name.clone(),
            arn: Some(cert.arn.clone()),
            kind: "Other",
            region: None,
        };
        match cert.expiration {
            None => out.error(resource, "ListServerCertificates returned no expiration date"),
            Some(when) if when <= ctx.now => {
                out.fail(resource, format!("expired on {} ({} days ago)", when.format("%Y-%m-%d"), (ctx.now - when).num_days()))
            }
            Some(when) => out.pass(resource, format!("valid until {}", when.format("%Y-%m-%d"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn expired_fails_valid_passes() {
        let mut account = account();
        account.iam.server_certificates = Collected::Known(vec![
            cert("old", Some(now() - Duration::days(30))),
            cert("current", Some(now() + Duration::days(1))),
            cert("undated", None),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "old"), Status::Fail);
        assert_eq!(status_of(&found, "current"), Status::Pass);
        assert_eq!(status_of(&found, "undated"), Status::Error);
        assert_eq!(found[0].message, "expired on 2026-10-02 (30 days ago)");
        assert_eq!(found[1].message, "valid until 2026-11-02");
    }

    #[test]
    fn account_passes_without_certificates_and_errors_when_unknown() {
        let mut account = account();
        account.iam.server_certificates = Collected::Known(Vec::new());
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
        account.iam.server_certificates = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
