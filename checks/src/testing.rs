//! Builders for small inventories used by the checks' unit tests.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::config_file::Config;
use crate::finding::Status;
use crate::inventory::iam::{AccessKeyColumns, CredentialReport, CredentialReportRow, ReportTime};
use crate::inventory::{AccountInventory, Collected, IamInventory};
use crate::registry::{Check, Context, Findings, Recorded};

pub const ACCOUNT: &str = "123456789012";

/// The instant every test inventory was "collected".
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z").unwrap().with_timezone(&Utc)
}

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
    let mut account = AccountInventory::new(ACCOUNT, "aws", vec!["us-east-1".to_string()]);
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

pub fn denied<T>() -> Collected<T> {
    Collected::unknown(crate::inventory::Cause::Denied, "AccessDenied: not authorized")
}

/// Runs a check with the default configuration.
pub fn run(check: &Check, account: &AccountInventory) -> Vec<Recorded> {
    run_with(check, account, &Config::default())
}

pub fn run_with(check: &Check, account: &AccountInventory, config: &Config) -> Vec<Recorded> {
    let ctx = Context { now: now(), config };
    let mut out = Findings::new();
    (check.eval)(account, &ctx, &mut out);
    out.into_recorded()
}

/// (resource id, status) of each recorded finding.
pub fn outcomes(recorded: &[Recorded]) -> Vec<(String, Status)> {
    recorded.iter().map(|r| (r.resource.id.clone(), r.status)).collect()
}

/// The status recorded for one resource; panics if there is not exactly one.
pub fn status_of(recorded: &[Recorded], id: &str) -> Status {
    let matching: Vec<_> = recorded.iter().filter(|r| r.resource.id == id).collect();
    assert_eq!(matching.len(), 1, "expected one finding for {id}, got {recorded:#?}");
    matching[0].status
}
