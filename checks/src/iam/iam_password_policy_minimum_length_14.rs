use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account password policy requires passwords of at least `iam.min_password_length`
    /// characters (default 14). An account with no password policy fails: IAM then accepts
    /// passwords of 8 characters.
    /// ## Why it matters
    /// Length is the main defence of a password against guessing and cracking.
    /// ## Remediation
    /// `aws iam update-account-password-policy --minimum-password-length 14` (add the other
    /// settings you keep: the call replaces the whole policy).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.7
    /// - AWS Security Hub, control IAM.7 (which asks for 8 characters by default)
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
    pub static CHECK = {
        id: "iam_password_policy_minimum_length_14",
        title: "Password policy requires at least 14 characters",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::PasswordPolicy],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let required = ctx.config.iam.min_password_length;
    match account.iam.password_policy.as_result() {
        Err(why) => out.error(account.resource(), format!("password policy could not be read: {why}")),
        Ok(None) => out.fail(account.resource(), format!("no password policy: IAM accepts 8-character passwords (required: {required})")),
        Ok(Some(policy)) => match policy.minimum_password_length {
            Some(n) if n >= required => out.pass(account.resource(), format!("minimum password length {n} (required: {required})")),
            Some(n) => out.fail(account.resource(), format!("minimum password length {n} is below {required}")),
            None => out.fail(account.resource(), format!("the password policy sets no minimum length (required: {required})")),
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
    use crate::testing::*;

    #[test]
    fn pass_at_and_above_threshold() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = password_policy(Some(14), None);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
        account.iam.password_policy = password_policy(Some(32), None);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn fail_below_threshold_or_without_policy() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = password_policy(Some(13), None);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        account.iam.password_policy = Collected::Known(None);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("no password policy"));
    }

    #[test]
    fn threshold_is_configurable() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = password_policy(Some(14), None);
        let config = Config::from_toml("[iam]\nmin_password_length = 16\n").unwrap();
        assert_eq!(status_of(&run_with(&CHECK, &account, &config), ACCOUNT), Status::Fail);
    }

    #[test]
    fn error_when_policy_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
