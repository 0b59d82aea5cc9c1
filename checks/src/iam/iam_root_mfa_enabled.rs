use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::iam::summary_flag;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The root user of the account has an MFA device (virtual or hardware). Read from
    /// `AccountMFAEnabled` of GetAccountSummary, or from the `<root_account>` row of the
    /// credential report when the summary could not be read.
    /// ## Why it matters
    /// The root user can do anything in the account, including closing it, and cannot be
    /// restricted by IAM policies. A stolen root password without MFA is a full takeover.
    /// ## Remediation
    /// Sign in as the root user, open **Security credentials**, and assign an MFA device
    /// (a hardware key is best, see `iam_root_hardware_mfa_enabled`). In an AWS Organization,
    /// consider centralised root access management and removing member accounts' root credentials.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.4
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html
    pub static CHECK = {
        id: "iam_root_mfa_enabled",
        title: "Root user has MFA enabled",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [Source::CredentialReport, Source::AccountSummary],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let from_summary = account
        .iam
        .account_summary
        .as_result()
        .map_err(|e| e.to_string())
        .and_then(|s| summary_flag(s, "AccountMFAEnabled"));
    let from_report = account.iam.credential_report.known().and_then(|r| r.root()).map(|root| root.mfa_active);
    let enabled = match (from_summary, from_report) {
        (Ok(v), _) => v,
        (Err(_), Some(v)) => v,
        (Err(why), None) => {
            out.error(account.resource(), format!("root MFA status unknown: account summary: {why}; the credential report has no root row"));
            return;
        }
    };
    if enabled {
        out.pass(account.resource(), "the root user has MFA enabled");
    } else {
        out.fail(account.resource(), "the root user has no MFA device");
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_when_summary_says_enabled() {
        let account = account_with_report(&[]);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn fail_when_summary_says_disabled() {
        let mut account = account_with_report(&[]);
        set_summary(&mut account, false, false);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
    }

    #[test]
    fn falls_back_to_root_row_when_summary_denied() {
        let mut account = account_with_report(&[root().mfa(false)]);
        account.iam.account_summary = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
    }

    #[test]
    fn error_when_nothing_says() {
        let mut account = account_with_report(&[user("alice")]);
        account.iam.account_summary = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert!(found[0].message.contains("AccessDenied"));
    }
}
