use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account password policy prevents reuse of at least the last
    /// `iam.password_reuse_prevention` passwords (default 24, the most IAM allows). An account
    /// with no password policy fails.
    /// ## Why it matters
    /// Without it, a user forced to change a leaked password can set the same one again.
    /// ## Remediation
    /// `aws iam update-account-password-policy --password-reuse-prevention 24` (add the other
    /// settings you keep: the call replaces the whole policy).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.8
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
    pub static CHECK = {
        id: "iam_password_policy_reuse_24",
        title: "Password policy prevents reuse of the last 24 passwords",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::PasswordPolicy],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let required = ctx.config.iam.password_reuse_prevention;
    match account.iam.password_policy.as_result() {
        Err(why) => out.error(account.resource(), format!("password policy could not be read: {why}")),
        Ok(None) => out.fail(account.resource(), format!("no password policy: passwords can be reused (required: last {required} remembered)")),
        Ok(Some(policy)) => match policy.password_reuse_prevention {
            Some(n) if n >= required => out.pass(account.resource(), format!("the last {n} passwords cannot be reused")),
            Some(n) => out.fail(account.resource(), format!("only the last {n} passwords are remembered (required: {required})")),
            None => out.fail(account.resource(), format!("the password policy allows password reuse (required: last {required} remembered)")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_at_24() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = password_policy(Some(14), Some(24));
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn fail_below_24_unset_or_no_policy() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = password_policy(Some(14), Some(5));
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        account.iam.password_policy = password_policy(Some(14), None);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        account.iam.password_policy = Collected::Known(None);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
    }

    #[test]
    fn error_when_policy_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
