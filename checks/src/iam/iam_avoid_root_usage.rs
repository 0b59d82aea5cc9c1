use super::{credential_report, date, days_between};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The root user was not used recently: the latest of `password_last_used` and each
    /// access key's `last_used_date` in the credential report's `<root_account>` row is older
    /// than `iam.root_usage_window_days` (default 1 day) before collection.
    /// Without a root row (some emulators omit it) the check reports ERROR, never PASS.
    /// ## Why it matters
    /// Daily work as root bypasses every IAM guardrail and leaves no per-person audit trail.
    /// Root is for the few tasks that require it.
    /// ## Remediation
    /// Create IAM users or, better, IAM Identity Center users with the permissions people
    /// need; keep the root credentials locked away; alert on root use (CIS 4.3).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.6
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html
    pub static CHECK = {
        id: "iam_avoid_root_usage",
        title: "Root user has not been used recently",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let Some(report) = credential_report(account, out) else { return };
    let Some(root) = report.root() else {
        out.error(
            account.resource(),
            "the credential report has no <root_account> row (AWS always writes one; this endpoint did not), so root use cannot be judged",
        );
        return;
    };
    let uses = [
        ("console sign-in", root.password_last_used.at()),
        ("access key 1", root.access_key_1.last_used_date.at()),
        ("access key 2", root.access_key_2.last_used_date.at()),
    ];
    let latest = uses.iter().filter_map(|(what, t)| t.map(|t| (*what, t))).max_by_key(|(_, t)| *t);
    let window = ctx.config.iam.root_usage_window_days;
    match latest {
        None => out.pass(account.resource(), "no recorded use of the root user"),
        Some((what, when)) => {
            let days = days_between(when, ctx.now);
            if days < window {
                out.fail(
                    account.resource(),
                    format!("the root user was used ({what}) on {}, within {window} day(s) of the audit", date(when)),
                );
            } else {
                out.pass(account.resource(), format!("the root user was last used ({what}) on {}, {days} days before the audit", date(when)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::config_file::Config;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::iam::ReportTime;
    use crate::testing::*;

    #[test]
    fn pass_when_never_used() {
        let account = account_with_report(&[root()]);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn pass_when_last_use_is_old() {
        let account = account_with_report(&[root().password_used(days_ago(30))]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
        assert!(found[0].message.contains("30 days"));
    }

    #[test]
    fn fail_when_used_today_by_password_or_key() {
        let now = ReportTime::At(now());
        let account = account_with_report(&[root().password_used(now)]);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        let account = account_with_report(&[root().password_used(days_ago(90)).key(1, true, days_ago(100), now)]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("access key 1"));
    }

    #[test]
    fn window_is_configurable() {
        let account = account_with_report(&[root().password_used(days_ago(5))]);
        let config = Config::from_toml("[iam]\nroot_usage_window_days = 7\n").unwrap();
        assert_eq!(status_of(&run_with(&CHECK, &account, &config), ACCOUNT), Status::Fail);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn error_without_root_row() {
        let account = account_with_report(&[user("alice")]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert!(found[0].message.contains("<root_account>"));
    }

    #[test]
    fn error_when_report_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
