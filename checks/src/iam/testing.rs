//! Builders of IAM inventories for the checks' unit tests: credential-report rows, the
//! account summary, password policies, virtual MFA devices, server certificates and the
//! authorization details (users, groups, roles, managed policies).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::inventory::iam::{
    AccessKeyColumns, AuthorizationDetails, CredentialReport, CredentialReportRow, GroupDetail, InlinePolicy,
    ManagedPolicyDetail, PasswordPolicy, ReportTime, RoleDetail, ServerCertificate, UserDetail, VirtualMfaDevice,
};
use crate::inventory::{AccountInventory, Collected, IamInventory};
use crate::testing::{ACCOUNT, account, now};

// ---- Credential report and account summary

pub fn days_ago(days: i64) -> ReportTime {
    ReportTime::At(now() - Duration::days(days))
}

fn no_key() -> AccessKeyColumns {
    AccessKeyColumns {
        active: false,
        last_rotated: ReportTime::NotApplicable,
        last_used_date: ReportTime::NotApplicable,
    }
}

/// A credential-report row under construction: by default a user created 400 days ago
/// with no password, no MFA and no keys.
#[derive(Clone)]
pub struct UserBuilder(CredentialReportRow);

pub fn user(name: &str) -> UserBuilder {
    UserBuilder(CredentialReportRow {
        user: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        user_creation_time: days_ago(400),
        password_enabled: Some(false),
        password_last_used: ReportTime::NotApplicable,
        password_last_changed: ReportTime::NotApplicable,
        mfa_active: false,
        access_key_1: no_key(),
        access_key_2: no_key(),
    })
}

/// The `<root_account>` row: password fields `not_supported`, as AWS writes them.
pub fn root() -> UserBuilder {
    let mut b = user("<root_account>");
    b.0.arn = format!("arn:aws:iam::{ACCOUNT}:root");
    b.0.password_enabled = None;
    b.0.password_last_used = ReportTime::NotApplicable;
    b.0.password_last_changed = ReportTime::NotSupported;
    b
}

impl UserBuilder {
    pub fn console(mut self, enabled: bool) -> Self {
        self.0.password_enabled = Some(enabled);
        if enabled && self.0.password_last_changed == ReportTime::NotApplicable {
            self.0.password_last_changed = self.0.user_creation_time;
        }
        self
    }
    pub fn mfa(mut self, active: bool) -> Self {
        self.0.mfa_active = active;
        self
    }
    pub fn created(mut self, when: ReportTime) -> Self {
        self.0.user_creation_time = when;
        self
    }
    pub fn password_changed(mut self, when: ReportTime) -> Self {
        self.0.password_last_changed = when;
        self
    }
    pub fn password_used(mut self, when: ReportTime) -> Self {
        self.0.password_last_used = when;
        self
    }
    /// Access key `n` (1 or 2), active, rotated and last used as given.
    pub fn key(mut self, n: u8, active: bool, rotated: ReportTime, used: ReportTime) -> Self {
        let k = AccessKeyColumns {
            active,
            last_rotated: rotated,
            last_used_date: used,
        };
        if n == 1 {
            self.0.access_key_1 = k;
        } else {
            self.0.access_key_2 = k;
        }
        self
    }
    pub fn row(self) -> CredentialReportRow {
        self.0
    }
}

fn summary(mfa: bool, keys: bool) -> BTreeMap<String, i64> {
    BTreeMap::from([
        ("AccountMFAEnabled".to_string(), i64::from(mfa)),
        ("AccountAccessKeysPresent".to_string(), i64::from(keys)),
        ("Users".to_string(), 1),
    ])
}

/// An account whose IAM data is all known: the given report rows, root MFA on, no root
/// keys, no password policy, no virtual MFA devices.
pub fn account_with_report(rows: &[UserBuilder]) -> AccountInventory {
    let mut account = account();
    account.iam = IamInventory {
        credential_report: Collected::Known(CredentialReport {
            rows: rows.iter().cloned().map(UserBuilder::row).collect(),
        }),
        account_summary: Collected::Known(summary(true, false)),
        password_policy: Collected::Known(None),
        virtual_mfa_devices: Collected::Known(Vec::new()),
        authorization_details: Collected::Known(Default::default()),
        server_certificates: Collected::Known(Vec::new()),
        saml_providers: Collected::Known(Vec::new()),
        oidc_providers: Collected::Known(Vec::new()),
    };
    account
}

pub fn set_summary(account: &mut AccountInventory, root_mfa: bool, root_keys: bool) {
    account.iam.account_summary = Collected::Known(summary(root_mfa, root_keys));
}

// ---- Password policy, MFA devices, certificates

/// A password policy that requires every character type, with this minimum length and
/// reuse prevention, and no expiry.
pub fn password_policy(min: Option<i32>, reuse: Option<i32>) -> Collected<Option<PasswordPolicy>> {
    Collected::Known(Some(PasswordPolicy {
        minimum_password_length: min,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        max_password_age: None,
        password_reuse_prevention: reuse,
    }))
}

/// The root user's virtual MFA device.
pub fn root_virtual() -> VirtualMfaDevice {
    VirtualMfaDevice {
        serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"),
        user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:root")),
    }
}

/// A server certificate expiring at `expiration`.
pub fn cert(name: &str, expiration: Option<DateTime<Utc>>) -> ServerCertificate {
    ServerCertificate {
        server_certificate_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/{name}"),
        expiration,
    }
}

// ---- Authorization details

pub const ADMIN_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
pub const READ_POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}}"#;
pub const BROKEN_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": 42}]}"#;

pub fn inline(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy { policy_name: name.to_string(), policy_document: document.to_string() }
}

pub fn iam_user(name: &str) -> UserDetail {
    UserDetail {
        user_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        attached_managed_policies: Vec::new(),
        user_policies: Vec::new(),
        tags: Vec::new(),
    }
}

pub fn iam_group(name: &str) -> GroupDetail {
    GroupDetail {
        group_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
        attached_managed_policies: Vec::new(),
        group_policies: Vec::new(),
    }
}

pub fn iam_role(name: &str) -> RoleDetail {
    RoleDetail {
        role_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        attached_managed_policies: Vec::new(),
        role_policies: Vec::new(),
        tags: Vec::new(),
    }
}

/// A customer managed policy (`arn:aws:iam::<account>:policy/<name>`).
pub fn customer_policy(name: &str, attachments: i32, document: Option<&str>) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}"),
        attachment_count: attachments,
        default_version_document: document.map(str::to_string),
    }
}

/// An AWS managed policy (`arn:aws:iam::aws:policy/<name>`).
pub fn aws_policy(name: &str, attachments: i32, document: Option<&str>) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: name.to_string(),
        arn: format!("arn:aws:iam::aws:policy/{name}"),
        attachment_count: attachments,
        default_version_document: document.map(str::to_string),
    }
}

/// An account whose IAM authorization details are `details` (the rest of IAM unknown).
pub fn account_with_details(details: AuthorizationDetails) -> AccountInventory {
    let mut account = account();
    account.iam.authorization_details = Collected::Known(details);
    account
}
