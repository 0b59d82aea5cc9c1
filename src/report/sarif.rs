//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run of the `rampart` tool. Its rules are the checks of the report, one each, with
//! the check's page (`docs/checks/<id>.md`) as help; its results are the FAIL findings.
//!
//! - **FAIL**: a result, at the level of the check's severity. A muted one carries an
//!   `external` suppression with the mute reason, so that viewers show it as suppressed.
//! - **ERROR**: no result. The check was not evaluated on that resource, which is no alert
//!   about it: each ERROR is a `toolExecutionNotifications` entry of the invocation, with
//!   the reason, the rule and the resource.
//! - **MANUAL**: no result. SARIF's `kind: "review"` would say it, but GitHub code scanning
//!   ignores `kind` and would raise an alert with the check's security severity for what
//!   is only a question to a person; the JSON and OCSF reports carry MANUAL findings.
//! - **PASS**: no result (GitHub would show it as an alert too).
//!
//! `executionSuccessful` is false only when nothing could be evaluated (every finding is
//! ERROR). GitHub refuses to process a run that did not succeed and keeps its open alerts,
//! which suits an audit that could read nothing (expired credentials); an audit that
//! could not read some things is a partial success, and its reads that failed are in the
//! notifications.
//!
//! Severity: GitHub reads `properties.security-severity` of a rule (a number in a string)
//! as critical above 9.0, high from 7.0 to 8.9, medium from 4.0 to 6.9, low from 0.1 to
//! 3.9, and 0.0 as no security severity. Rampart's severities map to the middle of those
//! bands: critical 9.5, high 8.0, medium 5.5, low 3.0, informational 0.0. The SARIF level
//! is `error` for critical and high, `warning` for medium, `note` for low and
//! informational.
//!
//! GitHub rejects a run of more than 25,000 results, or a rule of more than 20 tags (a test
//! keeps every check's within it): an audit of an organization with more failures than that
//! is uploaded in parts (a report per account, or `--severity`).
//!
//! No `automationDetails` is set: GitHub's upload action sets it from its `category`
//! input only where the file has none, and uploads of several accounts apart need
//! categories of their own.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use rampart_checks::{Finding, Severity, Status, find_check};
use serde::Serialize;

use super::{PROJECT_URL, RenderContext, Report, Reporter, check_doc_url, finding_uid, unwrap_paragraphs};

/// SARIF 2.1.0 of the whole report.
pub struct Sarif;

impl Reporter for Sarif {
    fn name(&self) -> &'static str {
        "sarif"
    }

    /// `.sarif`: GitHub's upload action, given a directory, uploads the `*.sarif` files in it.
    fn extension(&self) -> &'static str {
        "sarif"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &log(report))?;
        out.write_all(b"\n")
    }
}

/// The schema the file declares: the OASIS one it is tested against.
const SCHEMA_URI: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// GitHub's limit on `shortDescription` and `fullDescription`.
const MAX_DESCRIPTION: usize = 1024;

/// `properties.security-severity` of a check's rule (see the module documentation).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "0.0",
    }
}

/// The SARIF level of a check's failures.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<String>,
    severity: Severity,
    measure: rampart_checks::Measure,
    compliance: &'a BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    start_time_utc: String,
    end_time_utc: String,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    associated_rule: RuleReference<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<MuteProperties<'a>>,
}

#[derive(Serialize)]
struct RuleReference<'a> {
    id: &'a str,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MuteProperties<'a> {
    muted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    mute_reason: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    /// Against `--baseline`: `new` or `unchanged` (SARIF's own vocabulary).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    logical_locations: [LogicalLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: Cow<'a, str>,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    /// [`finding_uid`]: the same in every format and every run.
    #[serde(rename = "rampartFindingId/v1")]
    finding_id: String,
    /// The one fingerprint GitHub code scanning reads; see [`line_hash`].
    primary_location_line_hash: String,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

fn log(report: &Report) -> Log<'_> {
    // One rule per check, in the order the checks first appear (most severe first).
    let mut rules = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for f in &report.findings {
        if !index.contains_key(f.check.id.as_str()) {
            index.insert(&f.check.id, rules.len());
            rules.push(rule(f));
        }
    }

    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for f in &report.findings {
        let rule_index = index[f.check.id.as_str()];
        match f.status {
            Status::Fail => results.push(SarifResult {
                rule_id: &f.check.id,
                rule_index,
                level: level(f.check.severity),
                message: Text::new(&*f.message),
                locations: [location(f)],
                partial_fingerprints: fingerprints(f),
                suppressions: if f.muted {
                    vec![Suppression { kind: "external", justification: f.mute_reason.as_deref() }]
                } else {
                    Vec::new()
                },
                baseline_state: f.baseline.map(|b| b.as_str()),
            }),
            Status::Error => notifications.push(Notification {
                level: if f.muted { "note" } else { "error" },
                message: Text::new(format!("{}: {}", f.check.id, f.message)),
                associated_rule: RuleReference { id: &f.check.id, index: rule_index },
                locations: [location(f)],
                properties: f.muted.then_some(MuteProperties { muted: true, mute_reason: f.mute_reason.as_deref() }),
            }),
            Status::Pass | Status::Manual => {}
        }
    }
    let evaluated = report.findings.iter().any(|f| f.status != Status::Error);

    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name,
                    version: report.tool.version,
                    semantic_version: report.tool.version,
                    information_uri: PROJECT_URL,
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: evaluated || report.findings.is_empty(),
                start_time_utc: timestamp(report.started_at),
                end_time_utc: timestamp(report.finished_at),
                tool_execution_notifications: notifications,
            }],
            results,
        }],
    }
}

/// The rule of `f`'s check: from the registry where the check is registered (its page as
/// help), from the finding alone otherwise.
fn rule(f: &Finding) -> Rule<'_> {
    let check = &*f.check;
    let registered = find_check(&check.id);
    let full = registered
        .and_then(|c| c.doc_section("What it checks"))
        .map_or_else(|| check.title.clone(), |section| unwrap_paragraphs(&section));
    let page = match registered {
        Some(c) => rampart_checks::catalogue::render_check(c),
        None if check.remediation.is_empty() => format!("{}\n", check.title),
        None => format!("{}\n\n## Remediation\n\n{}\n", check.title, check.remediation),
    };
    // The check's own severity (a finding may be graded apart from it: its result's level says so).
    let severity = registered.map_or(check.severity, |c| c.severity);
    let mut tags = vec!["security".to_string(), check.measure.as_str().to_string()];
    for (framework, controls) in &check.compliance {
        tags.extend(controls.iter().map(|control| format!("{framework}:{control}")));
    }
    Rule {
        id: &check.id,
        name: &check.id,
        short_description: Text::new(clip(&check.title, MAX_DESCRIPTION)),
        full_description: Text::new(clip(&full, MAX_DESCRIPTION).into_owned()),
        help: Help { text: page.clone(), markdown: page },
        help_uri: registered.map(|c| check_doc_url(c.id)),
        default_configuration: Configuration { level: level(severity) },
        properties: RuleProperties {
            security_severity: security_severity(severity),
            tags,
            severity,
            measure: check.measure,
            compliance: &check.compliance,
        },
    }
}

/// Where a finding is. GitHub code scanning shows a result only with a physical location
/// (a file of the repository, normally): a resource has none, so each gets a stable
/// pseudo-file, `aws/<account>/<region>/<resource type>/<resource id>`, which names it in
/// GitHub's list of alerts and keeps every resource's alerts apart. No such file exists
/// in the repository, so GitHub shows the alert without a code snippet, and its upload
/// action computes no fingerprint of its own. The logical location is the resource itself.
fn location(f: &Finding) -> Location<'_> {
    let r = &*f.resource;
    let uri = ["aws", &r.account_id, &r.region, &r.kind, &r.id].map(uri_segment).join("/");
    let fqn = match &r.arn {
        Some(arn) => Cow::Borrowed(arn.as_str()),
        None => Cow::Owned(format!("{}/{}/{}", r.account_id, r.region, r.id)),
    };
    Location {
        physical_location: PhysicalLocation { artifact_location: ArtifactLocation { uri }, region: Region { start_line: 1 } },
        logical_locations: [LogicalLocation { name: &r.id, fully_qualified_name: fqn, kind: "resource" }],
    }
}

/// One segment of a relative URI: every byte but ASCII letters, digits, `-`, `.`, `_` and
/// `~` percent-encoded, and a segment that would be empty, `.` or `..` (which a reader
/// would resolve away) made safe.
pub fn uri_segment(s: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const RESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    match s {
        "" => "_".to_string(),
        "." | ".." => s.replace('.', "%2E"),
        _ => utf8_percent_encode(s, RESERVED).to_string(),
    }
}

fn fingerprints(f: &Finding) -> Fingerprints {
    let uid = finding_uid(f);
    Fingerprints { primary_location_line_hash: line_hash(&uid), finding_id: uid }
}

/// `primaryLocationLineHash` in the shape GitHub's upload action gives it (16 hex digits,
/// `:`, the occurrence), made from the finding's identity instead of a line of a source
/// file, which a resource does not have: GitHub tracks an alert across runs by it.
fn line_hash(uid: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(uid.as_bytes());
    let mut hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    hex.push_str(":1");
    hex
}

/// At most `max` characters, the last an ellipsis when cut.
fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let cut = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &s[..cut]))
        }
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_segments_are_unreserved_characters_or_escapes() {
        assert_eq!(uri_segment("bob-stale_key.v2~"), "bob-stale_key.v2~");
        assert_eq!(uri_segment("a b/c\"d\ne"), "a%20b%2Fc%22d%0Ae");
        assert_eq!(uri_segment("é"), "%C3%A9");
        assert_eq!(uri_segment(".."), "%2E%2E");
        assert_eq!(uri_segment("."), "%2E");
        assert_eq!(uri_segment(""), "_");
        assert_eq!(uri_segment("..."), "...");
    }

    #[test]
    fn descriptions_are_clipped_to_githubs_limit() {
        assert_eq!(clip("short", 1024), "short");
        let long = "é".repeat(1500);
        let clipped = clip(&long, 1024);
        assert_eq!(clipped.chars().count(), 1024);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip(&"x".repeat(1024), 1024).chars().count(), 1024);
        assert!(!clip(&"x".repeat(1024), 1024).ends_with('…'));
    }

    #[test]
    fn severities_fall_in_githubs_bands() {
        // GitHub: critical above 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9, 0.0 none.
        let band = |s: Severity| -> (f64, f64) {
            match s {
                Severity::Critical => (9.01, 10.0),
                Severity::High => (7.0, 8.9),
                Severity::Medium => (4.0, 6.9),
                Severity::Low => (0.1, 3.9),
                Severity::Informational => (0.0, 0.0),
            }
        };
        for s in Severity::ALL {
            let v: f64 = security_severity(s).parse().unwrap();
            let (lo, hi) = band(s);
            assert!(lo <= v && v <= hi, "{s}: {v}");
        }
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Informational), "note");
    }

    #[test]
    fn every_checks_rule_has_at_most_githubs_20_tags() {
        let mut most = 0;
        for check in rampart_checks::all_checks() {
            let mut f = Finding::synthetic(check.id, Status::Fail, check.severity, check.measure, false);
            let mut finding_check = (*f.check).clone();
            finding_check.compliance = rampart_checks::frameworks::compliance_of(check.id);
            f.check = std::sync::Arc::new(finding_check);
            let tags = rule(&f).properties.tags;
            assert!(tags.len() <= 20, "{}: {} tags", check.id, tags.len());
            most = most.max(tags.len());
        }
        assert!(most >= 8, "the controls are among the tags ({most} at most)");
    }

    #[test]
    fn line_hashes_have_githubs_shape() {
        let h = line_hash("rampart/1/global/x/00");
        let (hex, n) = h.split_once(':').unwrap();
        assert_eq!((hex.len(), n), (16, "1"));
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(line_hash("rampart/1/global/x/01"), h);
    }
}
