//! Statuses, severities, measures and the finding record every report is rendered from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::str::FromStr;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

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

/// The six security measures every check serves one of.
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
    /// Container posture: images, task definitions, clusters and workloads.
    Containers,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::Access,
        Measure::Encryption,
        Measure::Patching,
        Measure::Monitoring,
        Measure::Network,
        Measure::Containers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Access => "access",
            Measure::Encryption => "encryption",
            Measure::Patching => "patching",
            Measure::Monitoring => "monitoring",
            Measure::Network => "network",
            Measure::Containers => "containers",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Measure::Access => "strong authentication and access control",
            Measure::Encryption => "encryption at rest and in transit",
            Measure::Patching => "regular updates and patching",
            Measure::Monitoring => "monitoring and logging",
            Measure::Network => "network security",
            Measure::Containers => "container posture",
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
            .ok_or_else(|| {
                let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
                format!("unknown measure '{s}' (expected one of: {})", names.join(", "))
            })
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
/// An audit of a large account holds hundreds of thousands of findings, so a finding holds
/// what it shares with others by reference: its check, held once for all the check's
/// findings; its resource, held once however many checks judge it; and its message, held
/// once however many findings say the same (most PASS messages are alike).
///
/// It serialises flat, as the JSON report gives it: `check_id`, `title`, `status`, …
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: Arc<FindingCheck>,
    pub resource: Arc<FindingResource>,
    pub status: Status,
    pub message: Arc<str>,
    pub muted: bool,
    pub mute_reason: Option<Arc<str>>,
    /// Against a baseline report (`--baseline`): whether the baseline had this finding with
    /// this status. `None` without a baseline.
    pub baseline: Option<BaselineState>,
}

/// A finding against a baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// The baseline had no such finding (this check, resource, account and region), or had
    /// it with another status.
    New,
    /// The baseline had it, with the same status.
    Unchanged,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}

/// What every finding of one check says about the check.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingCheck {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub measure: Measure,
    pub remediation: String,
    /// Framework key (e.g. `CIS-5.0`) to the control ids this check serves.
    pub compliance: BTreeMap<String, Vec<String>>,
}

/// The resource of a finding, with the account and region it is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FindingResource {
    pub account_id: Arc<str>,
    /// `global` for resources that have no region.
    pub region: Arc<str>,
    pub id: String,
    pub arn: Option<String>,
    /// Resource type in the Security Hub (ASFF) vocabulary, e.g. `AwsIamUser`.
    pub kind: Arc<str>,
    /// The resource's tags (key, value), as tag:GetResources lists them (IAM users and roles:
    /// as GetAccountAuthorizationDetails gives them); `None` where they could not be read.
    pub tags: Option<Vec<(String, String)>>,
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (check, resource) = (&*self.check, &*self.resource);
        let mut f = serializer.serialize_struct("Finding", 17)?;
        f.serialize_field("check_id", &check.id)?;
        f.serialize_field("title", &check.title)?;
        f.serialize_field("status", &self.status)?;
        f.serialize_field("severity", &check.severity)?;
        f.serialize_field("measure", &check.measure)?;
        f.serialize_field("account_id", &resource.account_id)?;
        f.serialize_field("region", &resource.region)?;
        f.serialize_field("resource_id", &resource.id)?;
        f.serialize_field("resource_arn", &resource.arn)?;
        f.serialize_field("resource_type", &resource.kind)?;
        // `{key: value}` where the tags were read; left out where they could not be.
        match &resource.tags {
            Some(tags) => f.serialize_field("resource_tags", &tags.iter().map(|(k, v)| (k, v)).collect::<BTreeMap<_, _>>())?,
            None => f.skip_field("resource_tags")?,
        }
        f.serialize_field("message", &self.message)?;
        f.serialize_field("remediation", &check.remediation)?;
        f.serialize_field("compliance", &check.compliance)?;
        f.serialize_field("muted", &self.muted)?;
        f.serialize_field("mute_reason", &self.mute_reason)?;
        match self.baseline {
            Some(state) => f.serialize_field("baseline", &state)?,
            None => f.skip_field("baseline")?,
        }
        f.end()
    }
}

impl Finding {
    /// A finding with the given outcome and no text, on resource `r` of account `1`: for
    /// tests and examples.
    #[doc(hidden)]
    pub fn synthetic(check_id: &str, status: Status, severity: Severity, measure: Measure, muted: bool) -> Self {
        Finding {
            check: Arc::new(FindingCheck {
                id: check_id.into(),
                title: check_id.into(),
                severity,
                measure,
                remediation: String::new(),
                compliance: BTreeMap::new(),
            }),
            resource: Arc::new(FindingResource {
                account_id: "1".into(),
                region: "global".into(),
                id: "r".into(),
                arn: None,
                kind: "AwsAccount".into(),
                tags: None,
            }),
            status,
            message: "".into(),
            muted,
            mute_reason: None,
            baseline: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_flat_in_the_report_order() {
        let mut finding = Finding::synthetic("c", Status::Fail, Severity::High, Measure::Network, true);
        finding.mute_reason = Some("accepted".into());
        assert_eq!(
            serde_json::to_string(&finding).unwrap(),
            r#"{"check_id":"c","title":"c","status":"FAIL","severity":"high","measure":"network","account_id":"1","region":"global","resource_id":"r","resource_arn":null,"resource_type":"AwsAccount","message":"","remediation":"","compliance":{},"muted":true,"mute_reason":"accepted"}"#
        );
    }
}
