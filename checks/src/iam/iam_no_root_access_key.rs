use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::iam::summary_flag;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The root user has no active access key. Read from the `<root_account>` row of the
    /// credential report (which tells which key), or from `AccountAccessKeysPresent` of
    /// GetAccountSummary when the report has no root row.
    /// ## Why it matters
    /// A root access key is a long-lived secret with unrestricted power over the account;
    /// it cannot be limited by any policy, and a leak is a full compromise.
    /// ## Remediation
    /// Sign in as the root user, open **Security credentials → Access keys**, deactivate and
    /// delete every key. Use IAM roles for automation instead.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.3
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html
    pub static CHECK = {
        id: "iam_no_root_access_key",
        title: "Root user has no active access key",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [Source::CredentialReport, Source::AccountSummary],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    if let Some(root) = account.iam.credential_report.known().and_then(|r| r.root()) {
        let active: Vec<String> = root.active_access_keys().map(|(n, _)| format!("key {n}")).collect();
        if active.is_empty() {
            out.pass(account.resource(), "the root user has no active access key");
        } else {
            out.fail(account.resource(), format!("the root user has an active access key ({})", active.join(", ")));
        }
        return;
    }
    let summary = account.iam.account_summary.as_result().map_err(|e| e.to_string());
    match summary.and_then(|s| summary_flag(s, "AccountAccessKeysPresent")) {
        Ok(true) => out.fail(account.resource(), "the root user has an access key (AccountAccessKeysPresent = 1)"),
        Ok(false) => out.pass(account.resource(), "the root user has no access key (AccountAccessKeysPresent = 0)"),
        Err(why) => out.error(account.resource(), format!("root access keys unknown: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_from_root_row() {
        let account = account_with_report(&[root()]);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn fail_from_root_row_names_the_key() {
        let account = account_with_report(&[root().key(2, true, days_ago(3), days_ago(1))]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("key 2"));
    }

    #[test]
    fn inactive_root_key_passes() {
        let account = account_with_report(&[root().key(1, false, days_ago(300), days_ago(200))]);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn summary_used_without_root_row() {
        let mut account = account_with_report(&[user("alice")]);
        set_summary(&mut account, true, true);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        set_summary(&mut account, true, false);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn error_when_neither_source_is_readable() {
        let mut account = account_with_report(&[]);
        account.iam.account_summary = denied();
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
