use super::credential_report;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No IAM user with a console password has an active access key that was never used
    /// (credential report: `password_enabled`, `access_key_N_active`,
    /// `access_key_N_last_used_date` = `N/A`): the sign of keys handed out by default when
    /// the user was created.
    /// ## Why it matters
    /// Keys created "just in case" at setup are rarely needed, rarely tracked, and never
    /// rotated; a person who uses the console seldom needs long-lived keys as well.
    /// ## Remediation
    /// Delete the unused key: `aws iam delete-access-key --user-name <user> --access-key-id <id>`.
    /// Create keys only when a user asks for them, and prefer roles.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.10
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
    pub static CHECK = {
        id: "iam_user_no_setup_initial_access_key",
        title: "IAM users with a console password have no never-used access key",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(report) = credential_report(account, out) else { return };
    for user in report.users() {
        if !user.has_console_password() {
            out.pass(user.resource(), "no console password");
            continue;
        }
        let never_used: Vec<String> = user
            .active_access_keys()
            .filter(|(_, k)| k.last_used_date.at().is_none())
            .map(|(n, _)| format!("key {n}"))
            .collect();
        if never_used.is_empty() {
            out.pass(user.resource(), "no never-used active access key");
        } else {
            out.fail(user.resource(), format!("console user with never-used active access key ({})", never_used.join(", ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::iam::ReportTime;
    use crate::testing::*;

    #[test]
    fn cases() {
        let never = ReportTime::NotApplicable;
        let account = account_with_report(&[
            user("setup-key").console(true).key(1, true, days_ago(1), never),
            user("used-key").console(true).key(1, true, days_ago(10), days_ago(1)),
            user("inactive-key").console(true).key(2, false, days_ago(10), never),
            user("api-only").key(1, true, days_ago(1), never),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "setup-key"), Status::Fail);
        assert_eq!(status_of(&found, "used-key"), Status::Pass);
        assert_eq!(status_of(&found, "inactive-key"), Status::Pass);
        assert_eq!(status_of(&found, "api-only"), Status::Pass);
    }

    #[test]
    fn error_when_report_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
