//! The ASFF report: every finding in the AWS Security Finding Format, the format AWS Security
//! Hub (CSPM) imports with `BatchImportFindings`.
//!
//! One function, [`finding`], makes the ASFF of a finding. This report serialises it; the
//! `--security-hub` import converts the same value into the SDK's type, so that the file and
//! what Security Hub receives never differ.
//!
//! The choices the format leaves to a producer:
//!
//! - `ProductArn` is the account's default product ARN in the report's
//!   [home region](Report::home_region), the region the findings are imported into; a global
//!   resource (IAM, the account) names that region too, regional ones their own.
//! - `Compliance.Status`: PASS is `PASSED`, FAIL `FAILED`, ERROR (the data could not be read)
//!   `NOT_AVAILABLE` ("could not be performed due to … an API error"), MANUAL (a human has to
//!   judge) `WARNING` ("some information is missing").
//! - `Severity.Label` is the check's severity, except for a PASS, which is `INFORMATIONAL`
//!   ("no issue found"); `Severity.Original` is always the check's severity.
//! - `Workflow.Status`: `SUPPRESSED` for a muted finding, `RESOLVED` for a PASS, else `NEW`.
//!   Security Hub takes it only when it creates a finding.
//! - `CreatedAt` and `UpdatedAt` are when the inventory was read.
//! - `AwsAccountId` must be 12 digits: a finding of any other account id (a doctored
//!   snapshot) makes the report fail to render, with its name, rather than hold a finding
//!   Security Hub would refuse.
//! - Texts are cut at a character boundary to ASFF's limits, ending with `…`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use rampart_checks::{Finding, Severity, Status};
use serde::{Deserialize, Serialize};

use super::{RenderContext, Report, Reporter, finding_uid};

/// JSON array of ASFF findings, one a line.
pub struct Asff;

impl Reporter for Asff {
    fn name(&self) -> &'static str {
        "asff"
    }

    fn extension(&self) -> &'static str {
        "asff"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        let context = Context::of(report);
        out.write_all(b"[")?;
        for (i, f) in report.findings.iter().enumerate() {
            let asff = finding(f, &context).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *out, &asff)?;
        }
        out.write_all(b"\n]\n")
    }
}

/// `SchemaVersion`: the only one there is.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// Every `GeneratorId` is this and the check's id: how Rampart's findings are told from others.
pub const GENERATOR_PREFIX: &str = "rampart/";
/// `Types` of every finding.
pub const BEST_PRACTICES: &str = "Software and Configuration Checks/AWS Security Best Practices";
const STANDARDS: &str = "Software and Configuration Checks/Industry and Regulatory Standards";

/// ASFF's limits, in characters.
pub mod limits {
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 1024;
    pub const RECOMMENDATION: usize = 512;
    pub const GENERATOR_ID: usize = 512;
    pub const RELATED_REQUIREMENTS: usize = 32;
    pub const RELATED_REQUIREMENT: usize = 256;
    pub const PRODUCT_FIELD_VALUE: usize = 2048;
}

/// One finding in the AWS Security Finding Format: the fields Rampart fills, named as ASFF
/// names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AsffFinding {
    pub schema_version: String,
    /// [`finding_uid`]: the same check on the same resource, account and region is the same
    /// finding in every run, so that an import updates it.
    pub id: String,
    pub product_arn: String,
    /// `rampart/<check id>`.
    pub generator_id: String,
    pub aws_account_id: String,
    pub types: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub severity: AsffSeverity,
    pub title: String,
    pub description: String,
    pub remediation: Remediation,
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<AsffResource>,
    pub compliance: Compliance,
    pub record_state: RecordState,
    /// Absent when a finding is archived: Security Hub takes the workflow only from the
    /// import that creates a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<Workflow>,
    pub finding_provider_fields: FindingProviderFields,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AsffSeverity {
    pub label: SeverityLabel,
    /// The check's severity as Rampart names it (`high`).
    pub original: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Remediation {
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Recommendation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AsffResource {
    /// The ASFF resource type (`AwsIamUser`), `Other` when there is none.
    pub r#type: String,
    /// The ARN, or the id where the resource has no ARN.
    pub id: String,
    pub partition: String,
    pub region: String,
    /// The resource's tags, at most 50 (ASFF's limit), keys cut to 128 and values to 256
    /// characters; left out where they could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Compliance {
    pub status: ComplianceStatus,
    /// `<standard> v<version>/<control>` for each control the check serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Workflow {
    pub status: WorkflowStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FindingProviderFields {
    pub severity: AsffSeverity,
    pub types: Vec<String>,
}

/// Declares an ASFF enumeration: serialised, and `as_str`/`parse` as ASFF spells it.
macro_rules! asff_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value ASFF spells `text`.
            pub fn parse(text: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

asff_enum!(SeverityLabel { Informational = "INFORMATIONAL", Low = "LOW", Medium = "MEDIUM", High = "HIGH", Critical = "CRITICAL" });
asff_enum!(ComplianceStatus { Passed = "PASSED", Warning = "WARNING", Failed = "FAILED", NotAvailable = "NOT_AVAILABLE" });
asff_enum!(RecordState { Active = "ACTIVE", Archived = "ARCHIVED" });
asff_enum!(WorkflowStatus { New = "NEW", Notified = "NOTIFIED", Resolved = "RESOLVED", Suppressed = "SUPPRESSED" });

impl From<Severity> for SeverityLabel {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Informational => SeverityLabel::Informational,
            Severity::Low => SeverityLabel::Low,
            Severity::Medium => SeverityLabel::Medium,
            Severity::High => SeverityLabel::High,
            Severity::Critical => SeverityLabel::Critical,
        }
    }
}

impl From<Status> for ComplianceStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Pass => ComplianceStatus::Passed,
            Status::Fail => ComplianceStatus::Failed,
            Status::Error => ComplianceStatus::NotAvailable,
            Status::Manual => ComplianceStatus::Warning,
        }
    }
}

/// What every finding of one report shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The region findings are imported into: in `ProductArn`, and the region of global
    /// resources.
    pub home_region: String,
    /// `CreatedAt` and `UpdatedAt`.
    pub observed_at: DateTime<Utc>,
}

impl Context {
    /// The report's home region, and when its inventory was read.
    pub fn of(report: &Report) -> Context {
        Context { home_region: report.home_region.clone(), observed_at: report.collected_at }
    }
}

/// Why a finding cannot be given in ASFF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the finding of {check} on {resource} cannot be given in ASFF: {why}")]
pub struct Unfit {
    pub id: String,
    pub check: String,
    pub resource: String,
    pub why: String,
}

/// The finding in ASFF, or why it cannot be: an account id that is not 12 digits.
pub fn finding(f: &Finding, context: &Context) -> Result<AsffFinding, Unfit> {
    let (check, resource) = (&*f.check, &*f.resource);
    let account = &*resource.account_id;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Unfit {
            id: finding_uid(f),
            check: check.id.clone(),
            resource: resource.id.clone(),
            why: format!("the account id '{}' is not 12 digits (AwsAccountId)", account.escape_debug()),
        });
    }
    let label = if f.status == Status::Pass { SeverityLabel::Informational } else { check.severity.into() };
    let severity = AsffSeverity { label, original: check.severity.as_str().to_string() };
    let types = types(&check.compliance);
    let region = if &*resource.region == "global" { context.home_region.as_str() } else { &resource.region };
    let title = if check.title.trim().is_empty() { &check.id } else { &check.title };
    let description = if f.message.trim().is_empty() { title } else { &*f.message };
    let text = check.remediation.trim();
    let timestamp = timestamp(context.observed_at);
    let mut product_fields = BTreeMap::new();
    let mut field = |key: &str, value: &str| {
        product_fields.insert(format!("rampart/{key}"), cut(value, limits::PRODUCT_FIELD_VALUE));
    };
    field("check_id", &check.id);
    field("status", f.status.as_str());
    field("severity", check.severity.as_str());
    field("measure", check.measure.as_str());
    field("region", &resource.region);
    field("resource_id", &resource.id);
    if let Some(state) = f.baseline {
        field("baseline", state.as_str());
    }
    if f.muted {
        field("muted", "true");
        if let Some(reason) = &f.mute_reason {
            field("mute_reason", reason);
        }
    }
    Ok(AsffFinding {
        schema_version: SCHEMA_VERSION.to_string(),
        id: finding_uid(f),
        product_arn: product_arn(&context.home_region, account),
        generator_id: cut(&format!("{GENERATOR_PREFIX}{}", check.id), limits::GENERATOR_ID),
        aws_account_id: account.to_string(),
        types: types.clone(),
        created_at: timestamp.clone(),
        updated_at: timestamp,
        severity: severity.clone(),
        title: cut(title, limits::TITLE),
        description: cut(description, limits::DESCRIPTION),
        remediation: Remediation {
            recommendation: Recommendation {
                text: (!text.is_empty()).then(|| cut(text, limits::RECOMMENDATION)),
                url: super::check_doc_url(&check.id),
            },
        },
        product_fields,
        resources: vec![AsffResource {
            r#type: if resource.kind.is_empty() { "Other".to_string() } else { resource.kind.to_string() },
            id: resource.arn.clone().unwrap_or_else(|| resource.id.clone()),
            partition: partition(resource.arn.as_deref(), region).to_string(),
            region: region.to_string(),
            tags: resource.tags.as_ref().filter(|t| !t.is_empty()).map(|tags| {
                tags.iter().take(50).map(|(k, v)| (cut(k, 128), cut(v, 256))).collect()
            }),
        }],
        compliance: Compliance { status: f.status.into(), related_requirements: related_requirements(&check.compliance) },
        record_state: RecordState::Active,
        workflow: Some(Workflow {
            status: match f.status {
                _ if f.muted => WorkflowStatus::Suppressed,
                Status::Pass => WorkflowStatus::Resolved,
                _ => WorkflowStatus::New,
            },
        }),
        finding_provider_fields: FindingProviderFields { severity, types },
    })
}

/// The default product ARN of `account` in `region`: where an account's own findings are
/// imported.
pub fn product_arn(region: &str, account: &str) -> String {
    format!("arn:{}:securityhub:{region}:{account}:product/{account}/default", region_partition(region))
}

/// An ASFF timestamp: UTC, milliseconds, `Z`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
pub fn region_partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The partition an ARN names, if it is one of those ASFF lists; else the region's.
fn partition<'a>(arn: Option<&'a str>, region: &str) -> &'a str {
    match arn.and_then(|a| a.strip_prefix("arn:")).and_then(|a| a.split(':').next()) {
        Some(p @ ("aws" | "aws-cn" | "aws-us-gov")) => p,
        _ => region_partition(region),
    }
}

/// How ASFF names the standard of a framework key, and its `Types` classifier.
fn standard(key: &str) -> Option<&'static str> {
    if key.starts_with("CIS-") {
        Some("CIS AWS Foundations Benchmark")
    } else if key == "AWS-FSBP" {
        Some("AWS Foundational Security Best Practices")
    } else {
        None
    }
}

/// Best practices, and the standard of each framework the check serves.
fn types(compliance: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut types = vec![BEST_PRACTICES.to_string()];
    for key in compliance.keys() {
        let t = match standard(key) {
            Some(name) => format!("{STANDARDS}/{name}"),
            None => STANDARDS.to_string(),
        };
        if !types.contains(&t) {
            types.push(t);
        }
    }
    types
}

/// `<standard> v<version>/<control>` for each control, as many as ASFF takes.
fn related_requirements(compliance: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    compliance
        .iter()
        .flat_map(|(key, controls)| {
            let framework = rampart_checks::frameworks::find_framework(key);
            let name = match (standard(key), framework) {
                (Some(name), Some(f)) => format!("{name} v{}", f.version),
                (None, Some(f)) => format!("{} v{}", f.name, f.version),
                (_, None) => key.clone(),
            };
            controls.iter().map(move |control| cut(&format!("{name}/{control}"), limits::RELATED_REQUIREMENT))
        })
        .take(limits::RELATED_REQUIREMENTS)
        .collect()
}

/// `text` if it has at most `max` characters, else its first `max - 1` and `…`.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let end = text.char_indices().nth(max.saturating_sub(1)).map_or(text.len(), |(i, _)| i);
            format!("{}…", &text[..end])
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rampart_checks::finding::FindingResource;
    use rampart_checks::{Measure, Severity, Status};

    use super::*;

    fn context() -> Context {
        Context {
            home_region: "eu-west-1".into(),
            observed_at: DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z").unwrap().with_timezone(&Utc),
        }
    }

    fn on(f: &mut Finding, change: impl FnOnce(&mut FindingResource)) {
        let mut resource = (*f.resource).clone();
        change(&mut resource);
        f.resource = Arc::new(resource);
    }

    fn user(name: &str, region: &str) -> Finding {
        let mut f = Finding::synthetic("iam_x", Status::Fail, Severity::High, Measure::Access, false);
        on(&mut f, |r| {
            r.account_id = "123456789012".into();
            r.region = region.into();
            r.id = name.into();
            r.arn = Some(format!("arn:aws:iam::123456789012:user/{name}"));
            r.kind = "AwsIamUser".into();
        });
        f.message = "no MFA".into();
        f
    }

    #[test]
    fn texts_are_cut_at_a_character_boundary() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut("ééééé", 4), "ééé…");
        assert_eq!(cut("", 4), "");
        let long = "ü".repeat(5000);
        let mut f = user("u", "global");
        f.message = long.as_str().into();
        let asff = finding(&f, &context()).unwrap();
        assert_eq!(asff.description.chars().count(), limits::DESCRIPTION);
        assert!(asff.description.ends_with("ü…"), "{}", &asff.description[asff.description.len() - 8..]);
        // An empty message is described by the title.
        f.message = "".into();
        assert_eq!(finding(&f, &context()).unwrap().description, "iam_x");
    }

    #[test]
    fn ids_tell_resources_and_regions_apart() {
        let (a, b) = (user("alice", "eu-west-1"), user("bob", "eu-west-1"));
        let (a, b) = (finding(&a, &context()).unwrap(), finding(&b, &context()).unwrap());
        assert_ne!(a.id, b.id, "two resources of one check in one region");
        let elsewhere = finding(&user("alice", "us-east-1"), &context()).unwrap();
        assert_ne!(a.id, elsewhere.id, "the same finding in two regions");
        assert!(a.id.starts_with("rampart/123456789012/eu-west-1/iam_x/"), "{}", a.id);
        assert_eq!(a.generator_id, "rampart/iam_x");
    }

    #[test]
    fn statuses_severities_and_workflows() {
        let mut f = user("u", "eu-west-1");
        let cases = [
            (Status::Pass, false, ComplianceStatus::Passed, SeverityLabel::Informational, WorkflowStatus::Resolved),
            (Status::Fail, false, ComplianceStatus::Failed, SeverityLabel::High, WorkflowStatus::New),
            (Status::Error, false, ComplianceStatus::NotAvailable, SeverityLabel::High, WorkflowStatus::New),
            (Status::Manual, false, ComplianceStatus::Warning, SeverityLabel::High, WorkflowStatus::New),
            (Status::Fail, true, ComplianceStatus::Failed, SeverityLabel::High, WorkflowStatus::Suppressed),
            (Status::Pass, true, ComplianceStatus::Passed, SeverityLabel::Informational, WorkflowStatus::Suppressed),
        ];
        for (status, muted, compliance, label, workflow) in cases {
            f.status = status;
            f.muted = muted;
            let asff = finding(&f, &context()).unwrap();
            assert_eq!(asff.compliance.status, compliance, "{status}");
            assert_eq!(asff.severity.label, label, "{status}");
            assert_eq!(asff.severity.original, "high");
            assert_eq!(asff.finding_provider_fields.severity, asff.severity);
            assert_eq!(asff.workflow.as_ref().unwrap().status, workflow, "{status} muted {muted}");
            assert_eq!(asff.record_state, RecordState::Active);
            assert_eq!(asff.product_fields["rampart/status"], status.as_str());
            assert_eq!(asff.product_fields.get("rampart/muted").map(String::as_str), muted.then_some("true"));
        }
    }

    #[test]
    fn regions_partitions_and_product_arns() {
        let global = finding(&user("u", "global"), &context()).unwrap();
        assert_eq!(global.resources[0].region, "eu-west-1", "a global resource is in the home region");
        assert_eq!(global.product_fields["rampart/region"], "global");
        assert_eq!(global.product_arn, "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default");
        assert_eq!(global.resources[0].id, "arn:aws:iam::123456789012:user/u");
        let regional = finding(&user("u", "us-east-1"), &context()).unwrap();
        assert_eq!(regional.resources[0].region, "us-east-1");
        assert_eq!(regional.product_arn, global.product_arn, "every finding goes to the home region");

        let china = Context { home_region: "cn-north-1".into(), ..context() };
        let mut f = user("u", "global");
        on(&mut f, |r| r.arn = None);
        let asff = finding(&f, &china).unwrap();
        assert_eq!(asff.product_arn, "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default");
        assert_eq!((asff.resources[0].partition.as_str(), asff.resources[0].id.as_str()), ("aws-cn", "u"));
        on(&mut f, |r| r.region = "us-gov-west-1".into());
        assert_eq!(finding(&f, &china).unwrap().resources[0].partition, "aws-us-gov");
        // The ARN's partition, when ASFF knows it; the region's otherwise.
        on(&mut f, |r| r.arn = Some("arn:aws-cn:s3:::b".into()));
        assert_eq!(finding(&f, &context()).unwrap().resources[0].partition, "aws-cn");
        on(&mut f, |r| r.arn = Some("arn:evil\"}:s3:::b".into()));
        assert_eq!(finding(&f, &context()).unwrap().resources[0].partition, "aws-us-gov");
    }

    #[test]
    fn an_account_id_that_is_not_12_digits_is_refused() {
        for bad in ["12345678901", "1234567890123", "12345678901x", "", "１２３４５６７８９０１２"] {
            let mut f = user("u", "global");
            on(&mut f, |r| r.account_id = bad.into());
            let err = finding(&f, &context()).unwrap_err();
            assert!(err.to_string().contains("is not 12 digits"), "{err}");
            assert_eq!((err.check.as_str(), err.resource.as_str()), ("iam_x", "u"));
        }
    }

    #[test]
    fn frameworks_give_types_and_bounded_related_requirements() {
        let mut f = user("u", "global");
        let mut check = (*f.check).clone();
        check.compliance = BTreeMap::from([
            ("AWS-FSBP".to_string(), vec!["IAM.5".to_string()]),
            ("CIS-5.0".to_string(), vec!["1.10".to_string()]),
            ("CIS-6.0".to_string(), vec!["2.10".to_string()]),
        ]);
        f.check = Arc::new(check.clone());
        let asff = finding(&f, &context()).unwrap();
        assert_eq!(asff.types, [
            BEST_PRACTICES,
            "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices",
            "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
        ]);
        assert_eq!(asff.finding_provider_fields.types, asff.types);
        assert_eq!(asff.compliance.related_requirements, [
            "AWS Foundational Security Best Practices v1.0.0/IAM.5",
            "CIS AWS Foundations Benchmark v5.0.0/1.10",
            "CIS AWS Foundations Benchmark v6.0.0/2.10",
        ]);
        // At most 32, each at most 256 characters.
        check.compliance = BTreeMap::from([("CIS-5.0".to_string(), (0..40).map(|i| format!("{i}.{}", "x".repeat(300))).collect())]);
        f.check = Arc::new(check);
        let asff = finding(&f, &context()).unwrap();
        assert_eq!(asff.compliance.related_requirements.len(), limits::RELATED_REQUIREMENTS);
        assert!(asff.compliance.related_requirements.iter().all(|r| r.chars().count() == limits::RELATED_REQUIREMENT && r.ends_with('…')));
        // No framework: best practices only, no requirements.
        let plain = finding(&user("u", "global"), &context()).unwrap();
        assert_eq!(plain.types, [BEST_PRACTICES]);
        assert!(plain.compliance.related_requirements.is_empty());
        assert!(!serde_json::to_string(&plain).unwrap().contains("RelatedRequirements"));
    }

    #[test]
    fn the_json_names_every_required_field_and_reads_back() {
        let mut f = user("u\"<x>", "global");
        f.muted = true;
        f.mute_reason = Some("accepted \u{1b}[31m risk".into());
        let asff = finding(&f, &context()).unwrap();
        let text = serde_json::to_string(&asff).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        for field in [
            "SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt", "UpdatedAt", "Severity",
            "Title", "Description", "Resources", "Compliance", "Remediation", "RecordState", "Workflow", "FindingProviderFields",
            "ProductFields",
        ] {
            assert!(value.get(field).is_some(), "{field} missing: {value}");
        }
        assert_eq!(value["SchemaVersion"], "2018-10-08");
        assert_eq!(value["CreatedAt"], "2026-11-26T12:00:00.000Z");
        assert_eq!(value["Severity"]["Label"], "HIGH");
        assert_eq!(value["Resources"][0]["Type"], "AwsIamUser");
        assert_eq!(value["ProductFields"]["rampart/mute_reason"], "accepted \u{1b}[31m risk");
        assert!(!text.contains('\u{1b}'), "escaped by serde_json");
        assert_eq!(serde_json::from_str::<AsffFinding>(&text).unwrap(), asff);
    }
}
