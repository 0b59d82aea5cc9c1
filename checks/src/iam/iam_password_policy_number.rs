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
    super::judge_character_rule(account, out, &RULE);
}

const RULE: super::CharacterRule = super::CharacterRule {
    article: "a",
    noun: "number",
    required: |p| p.require_numbers,
    set: |p, on| p.require_numbers = on,
};

#[cfg(test)]
mod tests {
    use super::{CHECK, RULE};

    #[test]
    fn judged_on_its_own_setting() {
        crate::iam::tests::character_rule_cases(&CHECK, &RULE);
    }
}
