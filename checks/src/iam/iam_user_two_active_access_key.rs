use super::credential_report;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No IAM user has two active access keys (credential report: `access_key_1_active` and
    /// `access_key_2_active`).
    /// ## Why it matters
    /// Two active keys usually mean a rotation that was never finished: the old key still
    /// works, is still somewhere, and doubles what can leak.
    /// ## Remediation
    /// Find the key that is no longer used (`aws iam get-access-key-last-used --access-key-id …`),
    /// then `aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive`
    /// and, once nothing breaks, `aws iam delete-access-key`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.12
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
    pub static CHECK = {
        id: "iam_user_two_active_access_key",
        title: "IAM users have at most one active access key",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(report) = credential_report(account, out) else { return };
    for user in report.users() {
        match user.active_access_keys().count() {
            2 => out.fail(user.resource(), "two active access keys"),
            n => out.pass(user.resource(), format!("{n} active access key(s)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::testing::*;

    #[test]
    fn fail_only_with_two_active_keys() {
        let account = account_with_report(&[
            user("two").key(1, true, days_ago(1), days_ago(1)).key(2, true, days_ago(1), days_ago(1)),
            user("one-of-two-active").key(1, true, days_ago(1), days_ago(1)).key(2, false, days_ago(1), days_ago(1)),
            user("none"),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "two"), Status::Fail);
        assert_eq!(status_of(&found, "one-of-two-active"), Status::Pass);
        assert_eq!(status_of(&found, "none"), Status::Pass);
    }

    #[test]
    fn error_when_report_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
