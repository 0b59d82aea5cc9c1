//! IAM: credential report, account summary, password policy, virtual MFA devices.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Collected;
use crate::finding::Resource;

/// The user name AWS gives the root user in the credential report.
pub const ROOT_ACCOUNT_USER: &str = "<root_account>";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IamInventory {
    /// GenerateCredentialReport + GetCredentialReport.
    pub credential_report: Collected<CredentialReport>,
    /// GetAccountSummary's SummaryMap, keys as AWS spells them.
    pub account_summary: Collected<BTreeMap<String, i64>>,
    /// GetAccountPasswordPolicy; `None` when the account has no policy (NoSuchEntity).
    pub password_policy: Collected<Option<PasswordPolicy>>,
    /// ListVirtualMFADevices(AssignmentStatus=Assigned).
    pub virtual_mfa_devices: Collected<Vec<VirtualMfaDevice>>,
    /// GetAccountAuthorizationDetails: users, groups, roles and managed policies with
    /// their documents, in one paginated call.
    #[serde(default)]
    pub authorization_details: Collected<AuthorizationDetails>,
    /// ListServerCertificates.
    #[serde(default)]
    pub server_certificates: Collected<Vec<ServerCertificate>>,
    /// ListSAMLProviders: provider ARNs.
    #[serde(default)]
    pub saml_providers: Collected<Vec<String>>,
    /// ListOpenIDConnectProviders: provider ARNs.
    #[serde(default)]
    pub oidc_providers: Collected<Vec<String>>,
}

/// GetAccountAuthorizationDetails. Policy documents are kept as the JSON text AWS gives
/// (URL-decoded), and parsed by the checks that read them, so that a malformed document
/// becomes an ERROR finding with the parser's message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationDetails {
    pub users: Vec<UserDetail>,
    pub groups: Vec<GroupDetail>,
    pub roles: Vec<RoleDetail>,
    pub policies: Vec<ManagedPolicyDetail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user_name: String,
    pub arn: String,
    pub attached_managed_policies: Vec<String>,
    pub user_policies: Vec<InlinePolicy>,
    /// Key and value of each tag (the tagging API does not list IAM users).
    #[serde(default)]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub group_name: String,
    pub arn: String,
    pub attached_managed_policies: Vec<String>,
    pub group_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleDetail {
    pub role_name: String,
    pub arn: String,
    pub attached_managed_policies: Vec<String>,
    pub role_policies: Vec<InlinePolicy>,
    /// Key and value of each tag (the tagging API does not list IAM roles).
    #[serde(default)]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicyDetail {
    pub policy_name: String,
    pub arn: String,
    pub attachment_count: i32,
    /// The document of the default version.
    pub default_version_document: Option<String>,
}

impl ManagedPolicyDetail {
    /// AWS managed policies live under `arn:<partition>:iam::aws:policy/`.
    pub fn is_aws_managed(&self) -> bool {
        self.arn.contains(":iam::aws:policy/")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerCertificate {
    pub server_certificate_name: String,
    pub arn: String,
    pub expiration: Option<DateTime<Utc>>,
}

/// Reads a boolean flag (0/1) of GetAccountSummary.
pub fn summary_flag(summary: &BTreeMap<String, i64>, key: &str) -> Result<bool, String> {
    summary
        .get(key)
        .map(|v| *v != 0)
        .ok_or_else(|| format!("GetAccountSummary did not return {key}"))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_password_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub max_password_age: Option<i32>,
    pub password_reuse_prevention: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    /// ARN of the user the device is assigned to (`arn:aws:iam::<acct>:root` for root).
    pub user_arn: Option<String>,
}

impl VirtualMfaDevice {
    /// Whether this virtual device belongs to the root user.
    pub fn is_root(&self) -> bool {
        self.serial_number.ends_with(":mfa/root-account-mfa-device")
            || self.user_arn.as_deref().is_some_and(|arn| arn.ends_with(":root"))
    }
}

/// A timestamp column of the credential report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportTime {
    At(DateTime<Utc>),
    /// `N/A`: never happened (never used, never rotated, no such credential).
    NotApplicable,
    /// `no_information`: used before AWS tracked it (October 2014), or no data.
    NoInformation,
    /// `not_supported`: the column does not apply to this row (root's password fields).
    NotSupported,
}

impl ReportTime {
    pub fn at(self) -> Option<DateTime<Utc>> {
        match self {
            ReportTime::At(t) => Some(t),
            _ => None,
        }
    }

    fn parse(column: &str, raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "N/A" | "" => Ok(ReportTime::NotApplicable),
            "no_information" => Ok(ReportTime::NoInformation),
            "not_supported" => Ok(ReportTime::NotSupported),
            s => parse_report_timestamp(s)
                .map(ReportTime::At)
                .ok_or_else(|| format!("column {column}: '{s}' is not a timestamp")),
        }
    }
}

fn parse_report_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(|n| n.and_utc()))
}

/// The access-key columns of one credential-report row (key 1 or key 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKeyColumns {
    pub active: bool,
    pub last_rotated: ReportTime,
    pub last_used_date: ReportTime,
}

/// One row of the credential report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: ReportTime,
    /// `None` where the report says `not_supported` (the root row).
    pub password_enabled: Option<bool>,
    pub password_last_used: ReportTime,
    pub password_last_changed: ReportTime,
    pub mfa_active: bool,
    pub access_key_1: AccessKeyColumns,
    pub access_key_2: AccessKeyColumns,
}

impl CredentialReportRow {
    pub fn is_root(&self) -> bool {
        self.user == ROOT_ACCOUNT_USER
    }

    pub fn has_console_password(&self) -> bool {
        self.password_enabled == Some(true)
    }

    /// The access keys as (number, columns).
    pub fn access_keys(&self) -> [(u8, &AccessKeyColumns); 2] {
        [(1, &self.access_key_1), (2, &self.access_key_2)]
    }

    pub fn active_access_keys(&self) -> impl Iterator<Item = (u8, &AccessKeyColumns)> {
        self.access_keys().into_iter().filter(|(_, k)| k.active)
    }

    /// This user as the resource of a finding.
    pub fn resource(&self) -> Resource {
        Resource {
            id: self.user.clone(),
            arn: Some(self.arn.clone()),
            kind: if self.is_root() { "AwsAccount" } else { "AwsIamUser" },
            region: None,
        }
    }
}

/// The parsed IAM credential report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialReport {
    pub rows: Vec<CredentialReportRow>,
}

/// Why a credential report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CredentialReportError {
    #[error("credential report is not valid CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("credential report has no column '{0}'")]
    MissingColumn(&'static str),
    #[error("credential report row {row} ({user}): {message}")]
    BadValue { row: usize, user: String, message: String },
}

const COLUMNS: [&str; 13] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

impl CredentialReport {
    /// Parses the CSV that GetCredentialReport returns. Columns are found by name, so
    /// reordered or additional columns are fine; a missing one is an error.
    pub fn from_csv(content: &[u8]) -> Result<Self, CredentialReportError> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(content);
        let headers = reader.headers()?.clone();
        let mut index = [0usize; COLUMNS.len()];
        for (i, name) in COLUMNS.iter().enumerate() {
            index[i] = headers
                .iter()
                .position(|h| h == *name)
                .ok_or(CredentialReportError::MissingColumn(name))?;
        }
        let mut rows = Vec::new();
        for (n, record) in reader.records().enumerate() {
            let record = record?;
            let get = |col: usize| record.get(index[col]).unwrap_or("");
            let user = get(0).to_string();
            let bad = |message: String| CredentialReportError::BadValue { row: n + 1, user: user.clone(), message };
            let time = |col: usize| ReportTime::parse(COLUMNS[col], get(col)).map_err(bad);
            let flag = |col: usize| parse_bool(COLUMNS[col], get(col)).map_err(bad);
            let key = |base: usize| -> Result<AccessKeyColumns, CredentialReportError> {
                Ok(AccessKeyColumns {
                    active: flag(base)?.unwrap_or(false),
                    last_rotated: time(base + 1)?,
                    last_used_date: time(base + 2)?,
                })
            };
            rows.push(CredentialReportRow {
                arn: get(1).to_string(),
                user_creation_time: time(2)?,
                password_enabled: flag(3)?,
                password_last_used: time(4)?,
                password_last_changed: time(5)?,
                mfa_active: flag(6)?.unwrap_or(false),
                access_key_1: key(7)?,
                access_key_2: key(10)?,
                user,
            });
        }
        Ok(CredentialReport { rows })
    }

    /// The root user's row; AWS always includes it, some emulators do not.
    pub fn root(&self) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| r.is_root())
    }

    /// The IAM users (every row but root's).
    pub fn users(&self) -> impl Iterator<Item = &CredentialReportRow> {
        self.rows.iter().filter(|r| !r.is_root())
    }
}

/// `true`/`false`, or `None` for `not_supported` / `N/A`.
fn parse_bool(column: &str, raw: &str) -> Result<Option<bool>, String> {
    match raw.trim() {
        "true" | "TRUE" | "True" => Ok(Some(true)),
        "false" | "FALSE" | "False" => Ok(Some(false)),
        "not_supported" | "N/A" | "" => Ok(None),
        other => Err(format!("column {column}: '{other}' is not true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    #[test]
    fn parses_root_and_user_rows_with_special_values() {
        let csv = format!(
            "{HEADER}\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2024-02-03T04:05:06+00:00,true,no_information,2024-02-03T04:05:06+00:00,N/A,false,true,2024-02-03T04:05:07+00:00,2026-10-01T00:00:00+00:00,us-east-1,s3,true,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let report = CredentialReport::from_csv(csv.as_bytes()).unwrap();
        let root = report.root().unwrap();
        assert_eq!(root.password_enabled, None);
        assert!(root.mfa_active);
        assert_eq!(root.password_last_used.at().unwrap().to_rfc3339(), "2026-11-01T10:00:00+00:00");
        let alice = report.users().next().unwrap();
        assert_eq!(alice.user, "alice");
        assert!(alice.has_console_password());
        assert_eq!(alice.password_last_used, ReportTime::NoInformation);
        assert_eq!(alice.active_access_keys().count(), 2);
        // The columns Rampart does not keep (last used region and service, certificates)
        // are skipped: the ones after them still land in the right place.
        assert_eq!(alice.access_key_1.last_used_date.at().unwrap().to_rfc3339(), "2026-10-01T00:00:00+00:00");
        assert_eq!(alice.access_key_2.last_rotated.at().unwrap().to_rfc3339(), "2025-01-01T00:00:00+00:00");
        assert_eq!(alice.access_key_2.last_used_date, ReportTime::NotApplicable);
    }

    #[test]
    fn missing_column_is_an_error() {
        let err = CredentialReport::from_csv(b"user,arn\nbob,arn:aws:iam::1:user/bob\n").unwrap_err();
        assert_eq!(err.to_string(), "credential report has no column 'user_creation_time'");
    }

    #[test]
    fn bad_timestamp_names_row_and_column() {
        let csv = format!(
            "{HEADER}\nbob,arn:aws:iam::1:user/bob,yesterday,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let err = CredentialReport::from_csv(csv.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "credential report row 1 (bob): column user_creation_time: 'yesterday' is not a timestamp");
    }

    #[test]
    fn ragged_csv_is_an_error_not_a_panic() {
        let csv = format!("{HEADER}\nbob,arn\n");
        assert!(CredentialReport::from_csv(csv.as_bytes()).is_err());
    }

    #[test]
    fn root_device_is_recognised_by_serial_or_user() {
        let by_serial = VirtualMfaDevice {
            serial_number: "arn:aws:iam::123456789012:mfa/root-account-mfa-device".into(),
            user_arn: None,
        };
        let by_user = VirtualMfaDevice {
            serial_number: "arn:aws:iam::123456789012:mfa/something".into(),
            user_arn: Some("arn:aws:iam::123456789012:root".into()),
        };
        let user = VirtualMfaDevice {
            serial_number: "arn:aws:iam::123456789012:mfa/alice".into(),
            user_arn: Some("arn:aws:iam::123456789012:user/alice".into()),
        };
        assert!(by_serial.is_root());
        assert!(by_user.is_root());
        assert!(!user.is_root());
    }
}
