//! OCSF: every finding as a Detection Finding (class 2004, category 2 Findings) of OCSF
//! 1.5.0, with the `cloud` and `datetime` profiles.
//!
//! 1.5.0 is the version Prowler 5 emits. Later versions up to 1.8.0 change none of the
//! attributes used here and only add others, which 1.5.0 does not allow and which are left
//! out: status 6 Deleted, `metadata.reporter`, `resources[].provider`, `raw_data_hash`; so
//! the objects are valid Detection Findings of 1.6.0 (the version AWS Security Hub documents
//! for its findings) to 1.8.0 too. 1.5.0 has no `compliance` in this class (only in
//! Compliance Finding), so the frameworks' control ids go in `unmapped.compliance`, where
//! Prowler puts them too.
//!
//! Two formats of the same objects: `ocsf`, a JSON array (one object a line, so that it
//! can also be read line by line); `ocsf-ndjson`, one object a line and nothing else, for
//! pipelines that ingest newline-delimited JSON (log shippers, streaming ingestion, `jq`
//! without slurping). A second format rather than a flag: `--output-dir` then writes
//! either or both, each under its own extension, with nothing else to carry to the renderer.
//! The extensions end in `.json` and `.ndjson` (`ocsf.json`, as Prowler names its file, and
//! `ocsf.ndjson`): tools that pick a parser or a content type by extension (editors, S3
//! uploads, log shippers) then read them as what they are; the price is that a `*.json`
//! glob over an `--output-dir` directory matches the OCSF array as well as the JSON report.
//!
//! Every status is reported, as `status_code` (`PASS`, `FAIL`, `ERROR`, `MANUAL`), with the
//! message as `status_detail`. `status_id` is the finding's state for whoever triages it:
//! 1 New, or 3 Suppressed when muted, with the mute reason as `comment`. `is_alert` is true
//! for an unmuted FAIL only. `time` is the start of the run, in milliseconds (OCSF's
//! `timestamp_t`; Prowler writes seconds there), and `finding_info.last_seen_time` when the
//! inventory was read. `finding_info.uid` is [`finding_uid`], the same as the SARIF
//! fingerprint.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use rampart_checks::{Finding, Measure, Severity, Status, find_check};
use serde::Serialize;

use super::{PROJECT_URL, RenderContext, Report, Reporter, check_doc_url, finding_uid, unwrap_paragraphs};

/// The OCSF version of every object.
pub const OCSF_VERSION: &str = "1.5.0";

/// A JSON array of Detection Findings.
pub struct Ocsf;

/// The same Detection Findings, one a line (NDJSON).
pub struct OcsfNdjson;

impl Reporter for Ocsf {
    fn name(&self) -> &'static str {
        "ocsf"
    }

    fn extension(&self) -> &'static str {
        "ocsf.json"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        write_findings(report, out, true)
    }
}

impl Reporter for OcsfNdjson {
    fn name(&self) -> &'static str {
        "ocsf-ndjson"
    }

    fn extension(&self) -> &'static str {
        "ocsf.ndjson"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        write_findings(report, out, false)
    }
}

/// Streams one object per finding: as the lines of a JSON array, or alone on each line.
fn write_findings(report: &Report, out: &mut dyn Write, array: bool) -> io::Result<()> {
    let mut texts: HashMap<&str, CheckText> = HashMap::new();
    let run = RunTimes::of(report);
    if array {
        out.write_all(b"[")?;
    }
    for (i, f) in report.findings.iter().enumerate() {
        let text = texts.entry(&f.check.id).or_insert_with(|| CheckText::of(f));
        if array {
            out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut *out, &detection_finding(f, text, &run, report.tool.version))?;
        if !array {
            out.write_all(b"\n")?;
        }
    }
    if array {
        out.write_all(if report.findings.is_empty() { b"]\n" } else { b"\n]\n" })?;
    }
    Ok(())
}

/// The times every finding of a run shares.
struct RunTimes {
    started: i64,
    started_dt: String,
    collected: i64,
    collected_dt: String,
}

impl RunTimes {
    fn of(report: &Report) -> Self {
        let dt = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
        RunTimes {
            started: report.started_at.timestamp_millis(),
            started_dt: dt(report.started_at),
            collected: report.collected_at.timestamp_millis(),
            collected_dt: dt(report.collected_at),
        }
    }
}

/// What every finding of a check says about it, from its documentation.
struct CheckText {
    desc: String,
    risk: Option<String>,
    remediation: Option<String>,
    references: Vec<String>,
}

impl CheckText {
    fn of(f: &Finding) -> Self {
        let check = &*f.check;
        let registered = find_check(&check.id);
        let section = |heading: &str| registered.and_then(|c| c.doc_section(heading)).filter(|s| !s.is_empty());
        let mut references: Vec<String> = registered.map(|c| check_doc_url(c.id)).into_iter().collect();
        // The items of the References list, each on one line.
        if let Some(list) = section("References") {
            for item in unwrap_paragraphs(&list).lines() {
                references.push(item.strip_prefix("- ").or_else(|| item.strip_prefix("* ")).unwrap_or(item).to_string());
            }
        }
        CheckText {
            desc: section("What it checks").map_or_else(|| check.title.clone(), |s| unwrap_paragraphs(&s)),
            risk: section("Why it matters").map(|s| unwrap_paragraphs(&s)),
            remediation: Some(unwrap_paragraphs(&check.remediation)).filter(|s| !s.is_empty()),
            references,
        }
    }
}

#[derive(Serialize)]
struct DetectionFinding<'a> {
    metadata: Metadata<'a>,
    activity_id: u8,
    activity_name: &'static str,
    category_uid: u8,
    category_name: &'static str,
    class_uid: u16,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    time: i64,
    time_dt: &'a str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    status_code: &'static str,
    status_detail: &'a str,
    message: &'a str,
    is_alert: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    finding_info: FindingInfo<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk_details: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Remediation<'a>>,
    resources: [ResourceDetails<'a>; 1],
    cloud: Cloud<'a>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product<'a>,
    event_code: &'a str,
    profiles: [&'static str; 2],
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'static str,
    vendor_name: &'static str,
    uid: &'a str,
    version: &'a str,
    url_string: &'static str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'a str,
    desc: &'a str,
    types: [&'static str; 1],
    analytic: Analytic<'a>,
    created_time: i64,
    created_time_dt: &'a str,
    last_seen_time: i64,
    last_seen_time_dt: &'a str,
}

#[derive(Serialize)]
struct Analytic<'a> {
    uid: &'a str,
    name: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
    category: &'static str,
}

#[derive(Serialize)]
struct Remediation<'a> {
    desc: &'a str,
    references: &'a [String],
}

#[derive(Serialize)]
struct ResourceDetails<'a> {
    uid: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_partition: Option<&'a str>,
    /// The resource's tags as OCSF key/value objects; left out where they could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<KeyValue<'a>>>,
}

/// OCSF's `key_value_object`.
#[derive(Serialize)]
struct KeyValue<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_partition: Option<&'a str>,
    account: Account<'a>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    type_id: u8,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    measure: Measure,
    compliance: &'a BTreeMap<String, Vec<String>>,
    /// Against `--baseline`: `new` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'static str>,
}

/// `severity_id` and its caption.
pub fn severity_id(severity: Severity) -> (u8, &'static str) {
    match severity {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn detection_finding<'a>(f: &'a Finding, text: &'a CheckText, run: &'a RunTimes, version: &'a str) -> DetectionFinding<'a> {
    let (check, resource) = (&*f.check, &*f.resource);
    let (severity_id, severity) = severity_id(check.severity);
    let (status_id, status) = if f.muted { (3, "Suppressed") } else { (1, "New") };
    let region = Some(&*resource.region).filter(|r| *r != "global");
    let partition = resource.arn.as_deref().and_then(partition);
    DetectionFinding {
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product { name: "Rampart", vendor_name: "Rampart", uid: "rampart", version, url_string: PROJECT_URL },
            event_code: &check.id,
            profiles: ["cloud", "datetime"],
        },
        activity_id: 1,
        activity_name: "Create",
        category_uid: 2,
        category_name: "Findings",
        class_uid: 2004,
        class_name: "Detection Finding",
        type_uid: 200401,
        type_name: "Detection Finding: Create",
        time: run.started,
        time_dt: &run.started_dt,
        severity_id,
        severity,
        status_id,
        status,
        status_code: f.status.as_str(),
        status_detail: &f.message,
        message: &f.message,
        is_alert: f.status == Status::Fail && !f.muted,
        comment: f.mute_reason.as_deref().filter(|_| f.muted),
        finding_info: FindingInfo {
            uid: finding_uid(f),
            title: &check.title,
            desc: &text.desc,
            types: [check.measure.description()],
            analytic: Analytic { uid: &check.id, name: &check.title, type_id: 1, kind: "Rule", category: check.measure.as_str() },
            created_time: run.started,
            created_time_dt: &run.started_dt,
            last_seen_time: run.collected,
            last_seen_time_dt: &run.collected_dt,
        },
        risk_details: text.risk.as_deref(),
        remediation: text.remediation.as_deref().map(|desc| Remediation { desc, references: &text.references }),
        resources: [ResourceDetails {
            uid: resource.arn.as_deref().unwrap_or(&resource.id),
            name: &resource.id,
            kind: &resource.kind,
            region,
            cloud_partition: partition,
            tags: resource.tags.as_ref().map(|t| t.iter().map(|(name, value)| KeyValue { name, value }).collect()),
        }],
        cloud: Cloud {
            provider: "AWS",
            region,
            cloud_partition: partition,
            account: Account { uid: &resource.account_id, kind: "AWS Account", type_id: 10 },
        },
        unmapped: Unmapped { measure: check.measure, compliance: &check.compliance, baseline: f.baseline.map(|b| b.as_str()) },
    }
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`, …), when it is one.
fn partition(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(3, ':');
    let (Some("arn"), Some(p), Some(_)) = (parts.next(), parts.next(), parts.next()) else { return None };
    (p.starts_with("aws") && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_come_from_well_formed_arns_only() {
        assert_eq!(partition("arn:aws:iam::1:root"), Some("aws"));
        assert_eq!(partition("arn:aws-us-gov:s3:::b"), Some("aws-us-gov"));
        assert_eq!(partition("arn:aws-cn:ec2:cn-north-1:1:vpc/v"), Some("aws-cn"));
        for bad in ["", "arn", "arn:aws", "xarn:aws:iam", "arn:AWS:iam::1:root", "arn:aws\n:iam", "arn:azure:x:y"] {
            assert_eq!(partition(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn severities_are_ocsf_ids() {
        let ids: Vec<u8> = Severity::ALL.into_iter().map(|s| severity_id(s).0).collect();
        assert_eq!(ids, vec![5, 4, 3, 2, 1]);
    }
}
