//! Statuses, severities, measures and the finding record every report is rendered from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The outcome of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// The resource meets the check.
    Pass,
    /// The resource does not meet the check.
    Fail,
    /// The data the check needs could not be read; nothing was decided.
    Error,
    /// A human has to judge; the evidence collected is in the message.
    Manual,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Pass, Status::Fail, Status::Error, Status::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
            Status::Manual => "MANUAL",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a failure of a check is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s) || (s.eq_ignore_ascii_case("info") && *v == Severity::Informational))
            .ok_or_else(|| format!("unknown severity '{s}' (expected one of: critical, high, medium, low, informational)"))
    }
}

/// The five security measures every check serves one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Strong authentication and access control.
    Access,
    /// Data encrypted at rest and in transit.
    Encryption,
    /// Regular updates and patching.
    Patching,
    /// Monitoring and logging.
    Monitoring,
    /// Network security.
    Network,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::Access,
        Measure::Encryption,
        Measure::Patching,
        Measure::Monitoring,
        Measure::Network,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Access => "access",
            Measure::Encryption => "encryption",
            Measure::Patching => "patching",
            Measure::Monitoring => "monitoring",
            Measure::Network => "network",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Measure::Access => "strong authentication and access control",
            Measure::Encryption => "encryption at rest and in transit",
            Measure::Patching => "regular updates and patching",
            Measure::Monitoring => "monitoring and logging",
            Measure::Network => "network security",
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Measure::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown measure '{s}' (expected one of: access, encryption, patching, monitoring, network)"))
    }
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Short identifier: a user name, a bucket name, the account id.
    pub id: String,
    /// Full ARN where the resource has one.
    pub arn: Option<String>,
    /// Resource type in the Security Hub (ASFF) vocabulary, e.g. `AwsIamUser`.
    pub kind: &'static str,
    /// Region of a regional resource; `None` for global ones (IAM, the account).
    pub region: Option<String>,
}

/// One result of one check on one resource. Every report format is rendered from these.
///
/// An audit of a large account holds hundreds of thousands of findings, so their text is
/// shared: what every finding of a check shares (id, title, remediation, compliance) is
/// held once, and a resource's id and ARN, or a message, that several findings repeat (the
/// checks of one security group, the same PASS message for every user) is held once too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: Arc<str>,
    pub title: Arc<str>,
    pub status: Status,
    pub severity: Severity,
    pub measure: Measure,
    pub account_id: Arc<str>,
    /// `global` for resources that have no region.
    pub region: Arc<str>,
    pub resource_id: Arc<str>,
    pub resource_arn: Option<Arc<str>>,
    pub resource_type: Arc<str>,
    pub message: Arc<str>,
    pub remediation: Arc<str>,
    /// Framework key (e.g. `CIS-5.0`) to the control ids this check serves.
    pub compliance: Arc<BTreeMap<String, Vec<String>>>,
    pub muted: bool,
    pub mute_reason: Option<Arc<str>>,
}

impl Finding {
    /// A finding with the given outcome and no text, on resource `r` of account `1`: for
    /// tests and examples.
    #[doc(hidden)]
    pub fn synthetic(check_id: &str, status: Status, severity: Severity, measure: Measure, muted: bool) -> Self {
        Finding {
            check_id: check_id.into(),
            title: check_id.into(),
            status,
            severity,
            measure,
            account_id: "1".into(),
            region: "global".into(),
            resource_id: "r".into(),
            resource_arn: None,
            resource_type: "AwsAccount".into(),
            message: "".into(),
            remediation: "".into(),
            compliance: Arc::default(),
            muted,
            mute_reason: None,
        }
    }
}
