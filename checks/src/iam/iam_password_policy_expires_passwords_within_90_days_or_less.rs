use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account password policy makes IAM user passwords expire after at most
    /// `iam.max_password_age_days` days (default 90): `MaxPasswordAge` is set, and no larger.
    /// An account with no password policy fails: its passwords never expire.
    /// ## Why it matters
    /// A password that never expires stays useful to whoever learnt it, for as long as the
    /// user keeps it. Expiry bounds that time. It is a trade-off: NIST SP 800-63B advises
    /// against forced periodic changes without a sign of compromise, and CIS dropped this
    /// control after v1.2.0, so mute it where your policy follows that advice and MFA and
    /// unused-credential checks cover the risk.
    /// ## Remediation
    /// `aws iam update-account-password-policy --max-password-age 90` (add the other
    /// settings you keep: the call replaces the whole policy).
    /// ## References
    /// - CIS AWS Foundations Benchmark v1.2.0, control 1.11 (removed in later versions)
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
    pub static CHECK = {
        id: "iam_password_policy_expires_passwords_within_90_days_or_less",
        title: "Password policy expires passwords within 90 days",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::PasswordPolicy],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let allowed = ctx.config.iam.max_password_age_days;
    match account.iam.password_policy.as_result() {
        Err(why) => out.error(account.resource(), format!("password policy could not be read: {why}")),
        Ok(None) => out.fail(account.resource(), format!("no password policy: passwords never expire (required: within {allowed} days)")),
        // IAM reports ExpirePasswords exactly when MaxPasswordAge is above 0.
        Ok(Some(policy)) => match policy.max_password_age.filter(|&days| days > 0) {
            Some(days) if days <= allowed => {
                out.pass(account.resource(), format!("passwords expire after {days} days (required: within {allowed})"))
            }
            Some(days) => out.fail(account.resource(), format!("passwords expire after {days} days, more than {allowed}")),
            None => out.fail(
                account.resource(),
                format!("the password policy never expires passwords (required: within {allowed} days)"),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::config_file::Config;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::Collected;
    use crate::inventory::iam::PasswordPolicy;
    use crate::testing::*;

    fn expiring(max_age: Option<i32>) -> Collected<Option<PasswordPolicy>> {
        let Collected::Known(Some(mut policy)) = password_policy(Some(14), Some(24))
        else {
            unreachable!()
        };
        policy.max_password_age = max_age;
        Collected::Known(Some(policy))
    }

    #[test]
    fn pass_at_and_below_threshold() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = expiring(Some(90));
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
        assert_eq!(found[0].message, "passwords expire after 90 days (required: within 90)");
        account.iam.password_policy = expiring(Some(1));
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn fail_above_threshold_never_or_without_policy() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = expiring(Some(91));
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        for never in [None, Some(0)] {
            account.iam.password_policy = expiring(never);
            let found = run(&CHECK, &account);
            assert_eq!(status_of(&found, ACCOUNT), Status::Fail, "{never:?}");
            assert!(found[0].message.contains("never expires"), "{}", found[0].message);
        }
        account.iam.password_policy = Collected::Known(None);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("no password policy"));
    }

    #[test]
    fn threshold_is_configurable() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = expiring(Some(90));
        let config = Config::from_toml("[iam]\nmax_password_age_days = 60\n").unwrap();
        assert_eq!(status_of(&run_with(&CHECK, &account, &config), ACCOUNT), Status::Fail);
        account.iam.password_policy = expiring(Some(180));
        let config = Config::from_toml("[iam]\nmax_password_age_days = 180\n").unwrap();
        assert_eq!(status_of(&run_with(&CHECK, &account, &config), ACCOUNT), Status::Pass);
    }

    #[test]
    fn error_when_policy_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
