//! IAM checks (measure `access`).

use chrono::{DateTime, Utc};

use crate::inventory::AccountInventory;
use crate::inventory::iam::CredentialReport;
use crate::registry::{Check, Findings};

mod iam_avoid_root_usage;
mod iam_aws_attached_policy_no_administrative_privileges;
mod iam_check_saml_providers_sts;
mod iam_customer_attached_policy_no_administrative_privileges;
mod iam_inline_policy_no_administrative_privileges;
mod iam_no_expired_server_certificates_stored;
mod iam_no_root_access_key;
mod iam_password_policy_expires_passwords_within_90_days_or_less;
mod iam_password_policy_lowercase;
mod iam_password_policy_minimum_length_14;
mod iam_password_policy_number;
mod iam_password_policy_reuse_24;
mod iam_password_policy_symbol;
mod iam_password_policy_uppercase;
mod iam_policy_attached_only_to_group_or_roles;
mod iam_policy_cloudshell_admin_not_attached;
mod iam_root_hardware_mfa_enabled;
mod iam_root_mfa_enabled;
mod iam_rotate_access_key_90_days;
mod iam_support_role_created;
mod iam_user_accesskey_unused;
mod iam_user_console_access_unused;
mod iam_user_mfa_enabled_console_access;
mod iam_user_no_setup_initial_access_key;
mod iam_user_two_active_access_key;

#[cfg(test)]
pub(crate) mod testing;

/// The IAM checks, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &iam_root_mfa_enabled::CHECK,
    &iam_root_hardware_mfa_enabled::CHECK,
    &iam_no_root_access_key::CHECK,
    &iam_avoid_root_usage::CHECK,
    &iam_user_mfa_enabled_console_access::CHECK,
    &iam_password_policy_minimum_length_14::CHECK,
    &iam_password_policy_reuse_24::CHECK,
    &iam_password_policy_uppercase::CHECK,
    &iam_password_policy_lowercase::CHECK,
    &iam_password_policy_number::CHECK,
    &iam_password_policy_symbol::CHECK,
    &iam_password_policy_expires_passwords_within_90_days_or_less::CHECK,
    &iam_user_two_active_access_key::CHECK,
    &iam_rotate_access_key_90_days::CHECK,
    &iam_user_accesskey_unused::CHECK,
    &iam_user_console_access_unused::CHECK,
    &iam_user_no_setup_initial_access_key::CHECK,
    &iam_aws_attached_policy_no_administrative_privileges::CHECK,
    &iam_customer_attached_policy_no_administrative_privileges::CHECK,
    &iam_inline_policy_no_administrative_privileges::CHECK,
    &iam_policy_attached_only_to_group_or_roles::CHECK,
    &iam_support_role_created::CHECK,
    &iam_no_expired_server_certificates_stored::CHECK,
    &iam_policy_cloudshell_admin_not_attached::CHECK,
    &iam_check_saml_providers_sts::CHECK,
];

/// One character type the password policy can require (lowercase, uppercase, number,
/// symbol): the four checks of that kind differ only in this.
pub(crate) struct CharacterRule {
    /// `a` or `an`, before the noun.
    pub article: &'static str,
    pub noun: &'static str,
    pub required: fn(&crate::inventory::iam::PasswordPolicy) -> bool,
    /// Turns the requirement on or off (tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub set: fn(&mut crate::inventory::iam::PasswordPolicy, bool),
}

/// PASS when the password policy requires the rule's character type, FAIL when it does not or
/// there is no policy, ERROR when the policy could not be read.
pub(crate) fn judge_character_rule(account: &AccountInventory, out: &mut Findings, rule: &CharacterRule) {
    let (article, noun) = (rule.article, rule.noun);
    match account.iam.password_policy.as_result() {
        Err(why) => out.error(account.resource(), format!("password policy could not be read: {why}")),
        Ok(None) => out.fail(account.resource(), format!("no password policy: passwords need not contain {article} {noun}")),
        Ok(Some(policy)) if (rule.required)(policy) => {
            out.pass(account.resource(), format!("the password policy requires at least one {noun}"))
        }
        Ok(Some(_)) => out.fail(account.resource(), format!("the password policy does not require {article} {noun}")),
    }
}

/// The credential report, or an ERROR finding on the account saying why it is missing.
fn credential_report<'a>(account: &'a AccountInventory, out: &mut Findings) -> Option<&'a CredentialReport> {
    match account.iam.credential_report.as_result() {
        Ok(report) => Some(report),
        Err(why) => {
            out.error(account.resource(), format!("IAM credential report could not be read: {why}"));
            None
        }
    }
}

/// Whole days from `then` to `now` (negative if `then` is later).
fn days_between(then: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - then).num_days()
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::CharacterRule;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::Collected;
    use crate::registry::Check;
    use crate::testing::*;

    /// The cases each character-type check is tested on: PASS when required, FAIL when not
    /// required or without a policy, only its own setting deciding, ERROR when unreadable.
    pub(crate) fn character_rule_cases(check: &'static Check, rule: &CharacterRule) {
        let (article, noun) = (rule.article, rule.noun);
        let mut account = account_with_report(&[]);
        account.iam.password_policy = password_policy(Some(14), Some(24));
        let found = run(check, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
        assert_eq!(found[0].message, format!("the password policy requires at least one {noun}"));

        let Collected::Known(Some(mut lax)) = password_policy(Some(14), Some(24)) else { unreachable!() };
        (rule.set)(&mut lax, false);
        account.iam.password_policy = Collected::Known(Some(lax.clone()));
        let found = run(check, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, format!("the password policy does not require {article} {noun}"));
        // Only this setting decides: the others off and this one on passes.
        lax.require_uppercase_characters = false;
        lax.require_lowercase_characters = false;
        lax.require_numbers = false;
        lax.require_symbols = false;
        (rule.set)(&mut lax, true);
        account.iam.password_policy = Collected::Known(Some(lax));
        assert_eq!(status_of(&run(check, &account), ACCOUNT), Status::Pass);
        account.iam.password_policy = Collected::Known(None);
        let found = run(check, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("no password policy"));

        account.iam.password_policy = denied();
        assert_eq!(status_of(&run(check, &account), ACCOUNT), Status::Error);
    }
}
