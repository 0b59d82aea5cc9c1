use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account password policy requires every IAM user password to contain at least one
    /// number (0 to 9). An account with no password policy fails: IAM's default then
    /// asks for three of the four character types, not a number in particular.
    /// ## Why it matters
    /// Each required character type widens the set a password is drawn from, so a password of
    /// a given length takes longer to guess or crack. Together with a minimum length
    /// (`iam_password_policy_minimum_length_14`) it is what Security Hub calls a strong
    /// password policy.
    /// ## Remediation
    /// `aws iam update-account-password-policy --require-numbers` (add the other
    /// settings you keep: the call replaces the whole policy).
    /// ## References
    /// - AWS Security Hub, control IAM.7
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
    pub static CHECK = {
        id: "iam_password_policy_number",
        title: "Password policy requires a number",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::PasswordPolicy],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    match account.iam.password_policy.as_result() {
        Err(why) => out.error(account.resource(), format!("password policy could not be read: {why}")),
        Ok(None) => out.fail(account.resource(), "no password policy: passwords need not contain a number"),
        Ok(Some(policy)) if policy.require_numbers => {
            out.pass(account.resource(), "the password policy requires at least one number")
        }
        Ok(Some(_)) => out.fail(account.resource(), "the password policy does not require a number"),
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::iam::iam_password_policy_minimum_length_14::tests::policy;
    use crate::testing::*;

    #[test]
    fn pass_when_required() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = policy(Some(14), Some(24));
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
        assert_eq!(found[0].message, "the password policy requires at least one number");
    }

    #[test]
    fn fail_when_not_required_or_without_policy() {
        let mut account = account_with_report(&[]);
        let Collected::Known(Some(mut lax)) = policy(Some(14), Some(24)) else { unreachable!() };
        lax.require_numbers = false;
        account.iam.password_policy = Collected::Known(Some(lax.clone()));
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        // Only this setting decides: the others off and this one on passes.
        lax.require_uppercase_characters = false;
        lax.require_lowercase_characters = false;
        lax.require_symbols = false;
        lax.require_numbers = true;
        account.iam.password_policy = Collected::Known(Some(lax));
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
        account.iam.password_policy = Collected::Known(None);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("no password policy"));
    }

    #[test]
    fn error_when_policy_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.password_policy = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
