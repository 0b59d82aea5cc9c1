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
