use super::{credential_report, date, days_between};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every active access key of every IAM user was created or rotated less than
    /// `iam.max_access_key_age_days` (default 90) days before collection (credential report:
    /// `access_key_N_active`, `access_key_N_last_rotated`). An active key with no rotation
    /// date is an ERROR for that user.
    /// ## Why it matters
    /// The longer a key lives, the more places it has been copied to and the longer a leaked
    /// copy stays useful.
    /// ## Remediation
    /// Create a second key (`aws iam create-access-key --user-name <user>`), move every
    /// consumer to it, deactivate then delete the old one. Prefer roles and short-lived
    /// credentials (IAM Identity Center, OIDC federation) to access keys.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.13
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console
    pub static CHECK = {
        id: "iam_rotate_access_key_90_days",
        title: "Active access keys are rotated every 90 days or less",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let Some(report) = credential_report(account, out) else { return };
    let max = ctx.config.iam.max_access_key_age_days;
    for user in report.users() {
        let mut old = Vec::new();
        let mut undated = Vec::new();
        let mut active = 0;
        for (n, key) in user.active_access_keys() {
            active += 1;
            match key.last_rotated.at() {
                Some(t) if days_between(t, ctx.now) >= max => {
                    old.push(format!("key {n} last rotated {} ({} days)", date(t), days_between(t, ctx.now)))
                }
                Some(_) => {}
                None => undated.push(format!("key {n}")),
            }
        }
        if !old.is_empty() {
            out.fail(user.resource(), format!("access key older than {max} days: {}", old.join("; ")));
        } else if !undated.is_empty() {
            out.error(user.resource(), format!("the credential report gives no rotation date for active {}", undated.join(", ")));
        } else if active == 0 {
            out.pass(user.resource(), "no active access keys");
        } else {
            out.pass(user.resource(), format!("every active access key is younger than {max} days"));
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
    fn fail_for_old_active_key_pass_for_young_or_inactive() {
        let account = account_with_report(&[
            user("old").key(1, true, days_ago(120), days_ago(1)),
            user("boundary").key(1, true, days_ago(90), days_ago(1)),
            user("young").key(1, true, days_ago(89), days_ago(1)),
            user("old-inactive").key(1, false, days_ago(400), days_ago(300)),
            user("second-old").key(1, true, days_ago(2), days_ago(1)).key(2, true, days_ago(200), days_ago(1)),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "old"), Status::Fail);
        assert_eq!(status_of(&found, "boundary"), Status::Fail);
        assert_eq!(status_of(&found, "young"), Status::Pass);
        assert_eq!(status_of(&found, "old-inactive"), Status::Pass);
        assert_eq!(status_of(&found, "second-old"), Status::Fail);
        assert!(found.iter().find(|r| r.resource.id == "second-old").unwrap().message.contains("key 2"));
    }

    #[test]
    fn threshold_is_configurable() {
        let account = account_with_report(&[user("u").key(1, true, days_ago(40), days_ago(1))]);
        let config = Config::from_toml("[iam]\nmax_access_key_age_days = 30\n").unwrap();
        assert_eq!(status_of(&run_with(&CHECK, &account, &config), "u"), Status::Fail);
        assert_eq!(status_of(&run(&CHECK, &account), "u"), Status::Pass);
    }

    #[test]
    fn error_for_active_key_without_date_and_for_unreadable_report() {
        let account = account_with_report(&[user("odd").key(1, true, ReportTime::NotApplicable, ReportTime::NotApplicable)]);
        assert_eq!(status_of(&run(&CHECK, &account), "odd"), Status::Error);
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
