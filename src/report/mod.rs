//! Reports: one [`Report`] built from the findings, rendered by one [`Reporter`] per format.
//!
//! Adding a format is one file in this directory that implements [`Reporter`] and one line
//! in [`REPORTERS`]: `--format` accepts its name, `--help` lists it, and `--output-dir`
//! writes it to a file named by [`Report::file_name`] with its extension, whole or not at
//! all.

pub mod asff;
pub mod json;
pub mod table;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use rampart_checks::score::{Counts, Scores, score};
use rampart_checks::{Finding, Severity, Status};
use serde::Serialize;

/// Every report format, in the order `--help` lists them. The first is the default.
pub static REPORTERS: &[&dyn Reporter] = &[&table::Table, &json::Json, &asff::Asff];

/// One report format: renders the [`Report`] (all of it: every format is made from the same
/// model) into a writer.
pub trait Reporter: Sync {
    /// The name `--format` takes: lowercase, no commas.
    fn name(&self) -> &'static str;
    /// The extension of the files `--output-dir` writes, without the dot.
    fn extension(&self) -> &'static str;
    /// Writes the whole report to `out`. Every value from AWS is escaped for the format.
    /// The caller buffers `out` and makes a file of it whole or not at all, so a renderer
    /// may write in as many small pieces as it likes and simply return the first error.
    fn render(&self, report: &Report, ctx: &RenderContext, out: &mut dyn Write) -> io::Result<()>;
}

impl std::fmt::Debug for dyn Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for dyn Reporter {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

/// Every registered format.
pub fn reporters() -> &'static [&'static dyn Reporter] {
    REPORTERS
}

/// The format called `name` (exactly as [`Reporter::name`] spells it).
pub fn find(name: &str) -> Option<&'static dyn Reporter> {
    REPORTERS.iter().copied().find(|r| r.name() == name)
}

/// What a renderer may know of its destination. Formats meant for machines ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderContext {
    /// ANSI colours: only on a terminal, and not when NO_COLOR is set.
    pub color: bool,
    /// The width to fit text tables into; `None` lets the table measure the terminal.
    pub width: Option<u16>,
}

impl RenderContext {
    /// For a file or a pipe: no colour, 120 columns.
    pub const PLAIN: RenderContext = RenderContext { color: false, width: Some(120) };

    /// For a terminal: its own width, and colour unless `no_color` (NO_COLOR is set).
    pub fn terminal(no_color: bool) -> Self {
        RenderContext { color: !no_color, width: None }
    }
}

/// Renders into memory, for tests.
#[cfg(test)]
pub fn render_to_string(reporter: &dyn Reporter, report: &Report, ctx: &RenderContext) -> String {
    let mut out = Vec::new();
    reporter.render(report, ctx, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Version of the JSON report contract; bumped when a field is renamed or removed.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Scope {
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub checks: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    /// Unmuted findings by status; muted ones counted apart.
    pub counts: Counts,
    /// The same counts for each severity, most severe first.
    pub by_severity: BTreeMap<Severity, Counts>,
    /// Score per measure and overall (docs/scoring.md).
    pub score: Scores,
    /// The same scores for each account, when the report covers several.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<String, Scores>,
}

/// Everything a report format renders.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// When the inventory was read from AWS (earlier than `started_at` for a saved snapshot).
    pub collected_at: DateTime<Utc>,
    pub scope: Scope,
    pub summary: Summary,
    /// With `--compliance`: each control of the framework and its status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<ComplianceReport>,
    pub findings: Vec<Finding>,
    /// The region findings are imported into with `--security-hub`, which the ASFF report
    /// names in every `ProductArn` and gives global resources: for an audit of AWS, the first
    /// `--region`, else the region of the AWS configuration (`AWS_REGION`, the profile), else
    /// us-east-1; for a snapshot, its first region in alphabetical order. Not in the JSON
    /// report.
    #[serde(skip)]
    pub home_region: String,
}

#[derive(Debug, Serialize)]
pub struct ComplianceReport {
    pub framework: String,
    pub name: String,
    pub version: String,
    pub controls: Vec<rampart_checks::frameworks::ControlResult>,
}

impl ComplianceReport {
    pub fn new(framework: &rampart_checks::frameworks::Framework, findings: &[Finding], checks: &[String]) -> Self {
        ComplianceReport {
            framework: framework.key.clone(),
            name: framework.name.clone(),
            version: framework.version.clone(),
            controls: rampart_checks::frameworks::control_results(framework, findings, checks),
        }
    }
}

impl Report {
    pub fn new(
        started_at: DateTime<Utc>,
        collected_at: DateTime<Utc>,
        scope: Scope,
        mut findings: Vec<Finding>,
    ) -> Self {
        sort_for_report(&mut findings);
        let scores = score(&findings);
        let accounts: BTreeMap<String, Scores> = if scope.accounts.len() > 1 {
            scope
                .accounts
                .iter()
                .map(|id| (id.clone(), score(findings.iter().filter(|f| *f.resource.account_id == **id))))
                .collect()
        } else {
            BTreeMap::new()
        };
        let by_severity = Severity::ALL
            .into_iter()
            .map(|sev| (sev, Counts::of(findings.iter().filter(|f| f.check.severity == sev))))
            .collect();
        let home_region = scope
            .regions
            .iter()
            .find(|r| crate::settings::is_region_name(r))
            .cloned()
            .unwrap_or_else(|| "us-east-1".to_string());
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool { name: "rampart", version: env!("CARGO_PKG_VERSION") },
            started_at,
            finished_at: Utc::now(),
            collected_at,
            scope,
            summary: Summary { counts: scores.overall.counts.clone(), by_severity, score: scores, accounts },
            compliance: None,
            findings,
            home_region,
        }
    }

    /// The name of the file `--output-dir` writes `reporter`'s rendering to:
    /// `rampart-<account>-<started_at>.<extension>`, where `<account>` is the account id
    /// when the report covers one account and `multi` otherwise, and `<started_at>` is the
    /// start of the run in UTC, like `20261202T153012Z`, so that the files of one run share
    /// it. An account id read from a snapshot is not trusted as a path: any character but
    /// an ASCII letter, digit, `-` or `_` becomes `_`.
    pub fn file_name(&self, reporter: &dyn Reporter) -> String {
        let account = match self.scope.accounts.as_slice() {
            [one] => one
                .chars()
                .take(64)
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
                .collect(),
            _ => "multi".to_string(),
        };
        format!("rampart-{account}-{}.{}", self.started_at.format("%Y%m%dT%H%M%SZ"), reporter.extension())
    }

    /// Unmuted findings with this status.
    pub fn unmuted(&self, status: Status) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| !f.muted && f.status == status)
    }
}

fn report_order(a: &Finding, b: &Finding) -> Ordering {
    let (a_check, b_check) = (&a.check, &b.check);
    let (a_res, b_res) = (&a.resource, &b.resource);
    b_check
        .severity
        .cmp(&a_check.severity)
        .then_with(|| a_check.id.cmp(&b_check.id))
        .then_with(|| a_res.account_id.cmp(&b_res.account_id))
        .then_with(|| a_res.region.cmp(&b_res.region))
        .then_with(|| a_res.id.cmp(&b_res.id))
}

/// The identity of a finding across runs: the same check on the same resource in the same
/// account and region gives the same value, whatever the status, message or time. Formats
/// that need one (ASFF `Id`, OCSF `finding_info.uid`, SARIF `partialFingerprints`, baselines)
/// all use this, so a finding is the same finding in every file.
///
/// `rampart/<account>/<region>/<check>/<32 hex digits>`: the digits are the first half of the
/// SHA-256 of the resource's ARN (its id where it has none), so that the value stays short
/// (ASFF allows 512 characters, an ARN may be longer) and holds only characters every
/// format takes whatever the resource is called. Account and region are read from AWS or a
/// snapshot: any character but an ASCII letter, digit, `-` or `_` in them becomes `_`.
pub fn finding_uid(f: &Finding) -> String {
    use sha2::{Digest, Sha256};
    fn safe(s: &str) -> String {
        s.chars().take(64).map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
    }
    let resource = &*f.resource;
    let key = resource.arn.as_deref().unwrap_or(&resource.id);
    let digest = Sha256::digest(key.as_bytes());
    let mut hex = String::with_capacity(32);
    for b in &digest[..16] {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("rampart/{}/{}/{}/{hex}", safe(&resource.account_id), safe(&resource.region), safe(&f.check.id))
}

/// Sorts findings in the report's stable order: most severe first, then check, account,
/// region, resource.
///
/// The sort orders indices, then swaps the findings into that order: a stable sort of the
/// findings themselves would allocate scratch space for half of them.
fn sort_for_report(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| report_order(&findings[a], &findings[b]));
    // Position i takes the finding first at order[i]. Positions before i are settled, and
    // what sat at a settled position j was swapped to order[j]: follow those moves.
    for i in 0..order.len() {
        let mut from = order[i];
        while from < i {
            from = order[from];
        }
        order[i] = from;
        findings.swap(i, from);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rampart_checks::finding::FindingResource;
    use rampart_checks::inventory::Inventory;
    use rampart_checks::{Config, Selection, evaluate};

    use super::*;

    /// The report of the aged-account fixture, with fixed times.
    fn fixture_report(selection: &Selection) -> Report {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aged-account.json");
        let inventory: Inventory = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let findings = evaluate(&inventory, selection, &Config::default());
        let started = DateTime::parse_from_rfc3339("2026-11-26T12:30:00Z").unwrap().with_timezone(&Utc);
        let scope = Scope {
            accounts: inventory.accounts.iter().map(|a| a.account_id.clone()).collect(),
            regions: inventory.regions(),
            checks: selection.checks().iter().map(|c| c.id.to_string()).collect(),
        };
        let mut report = Report::new(started, inventory.collected_at, scope, findings);
        report.finished_at = started + chrono::Duration::milliseconds(1234);
        report
    }

    /// The IAM checks: the fixture holds IAM data only.
    fn iam_checks() -> Selection {
        let ids = rampart_checks::all_checks().iter().filter(|c| c.id.starts_with("iam_")).map(|c| c.id.to_string()).collect();
        Selection { check_ids: ids, ..Default::default() }
    }

    #[test]
    fn json_report() {
        let report = fixture_report(&iam_checks());
        let value: serde_json::Value = serde_json::from_str(&render_to_string(&json::Json, &report, &RenderContext::PLAIN)).unwrap();
        insta::assert_json_snapshot!(value, {
            ".started_at" => "[started_at]",
            ".finished_at" => "[finished_at]",
            ".tool.version" => "[version]",
        });
    }

    #[test]
    fn asff_report() {
        let report = fixture_report(&iam_checks());
        let text = render_to_string(&asff::Asff, &report, &RenderContext::PLAIN);
        // One finding a line, in the report's order.
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!((lines[0], lines[lines.len() - 1]), ("[", "]"));
        assert_eq!(lines.len(), report.findings.len() + 2);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let findings = value.as_array().unwrap();
        for (asff, f) in findings.iter().zip(&report.findings) {
            assert_eq!(asff["Id"], finding_uid(f));
        }
        let mut ids: Vec<&str> = findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), findings.len(), "every finding has its own Id");
        insta::assert_json_snapshot!(value);
    }

    #[test]
    fn an_empty_asff_report_is_an_empty_array() {
        let mut report = fixture_report(&iam_checks());
        report.findings.clear();
        let text = render_to_string(&asff::Asff, &report, &RenderContext::PLAIN);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), serde_json::json!([]));
    }

    #[test]
    fn an_asff_report_of_a_malformed_account_id_is_not_written() {
        let mut report = fixture_report(&iam_checks());
        let f = &mut report.findings[3];
        f.resource = Arc::new(FindingResource { account_id: "21098765432".into(), ..(*f.resource).clone() });
        let mut out = Vec::new();
        let err = asff::Asff.render(&report, &RenderContext::PLAIN, &mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("the account id '21098765432' is not 12 digits"), "{err}");
    }

    #[test]
    fn the_home_region_of_a_snapshot_is_its_first_region() {
        let mut report = fixture_report(&iam_checks());
        assert_eq!(report.scope.regions, ["eu-west-1", "us-east-1"]);
        assert_eq!(report.home_region, "eu-west-1");
        report = Report::new(report.started_at, report.collected_at, Scope { regions: vec!["global".into(), "x y".into()], ..report.scope }, vec![]);
        assert_eq!(report.home_region, "us-east-1");
    }

    #[test]
    fn table_report() {
        let report = fixture_report(&iam_checks());
        let text = render_to_string(&table::Table, &report, &RenderContext::PLAIN).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn table_report_in_colour_marks_severities() {
        let selection = Selection { check_ids: vec!["iam_no_root_access_key".into()], ..Default::default() };
        let ctx = RenderContext { color: true, width: Some(120) };
        let text = render_to_string(&table::Table, &fixture_report(&selection), &ctx);
        assert!(text.contains("\x1b[1;31mCRITICAL\x1b[0m"), "{text}");
        let plain = render_to_string(&table::Table, &fixture_report(&selection), &RenderContext::PLAIN);
        assert!(!plain.contains('\x1b'), "{plain}");
    }

    #[test]
    fn formats_have_distinct_names_and_extensions() {
        let names: Vec<&str> = reporters().iter().map(|r| r.name()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        let mut extensions: Vec<&str> = reporters().iter().map(|r| r.extension()).collect();
        extensions.sort();
        extensions.dedup();
        assert_eq!(extensions.len(), names.len(), "two formats would write the same file");
        for r in reporters() {
            assert!(!r.name().is_empty() && r.name().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", r.name());
            assert!(!r.extension().is_empty() && r.extension().bytes().all(|b| b.is_ascii_alphanumeric()), "{}", r.extension());
            assert_eq!(find(r.name()).map(|f| f.name()), Some(r.name()));
        }
        assert!(find("yaml").is_none());
        assert!(find("JSON").is_none(), "names are matched exactly");
    }

    #[test]
    fn file_names_carry_the_account_and_start_of_the_run() {
        let mut report = fixture_report(&iam_checks());
        assert_eq!(report.file_name(&json::Json), "rampart-210987654321-20261126T123000Z.json");
        assert_eq!(report.file_name(&table::Table), "rampart-210987654321-20261126T123000Z.txt");
        assert_eq!(report.file_name(&asff::Asff), "rampart-210987654321-20261126T123000Z.asff");
        report.scope.accounts.push("123456789012".into());
        assert_eq!(report.file_name(&json::Json), "rampart-multi-20261126T123000Z.json");
        report.scope.accounts = vec!["../../etc/x y".into()];
        assert_eq!(report.file_name(&json::Json), "rampart-______etc_x_y-20261126T123000Z.json");
    }

    #[test]
    fn sorting_through_indices_is_a_stable_sort() {
        // Findings with many ties (same check, region, resource), told apart by message.
        let findings: Vec<Finding> = (0..200u32)
            .map(|i| {
                let n = i.wrapping_mul(2_654_435_761) >> 7;
                let severity = Severity::ALL[(n % 5) as usize];
                let check = ["b", "a", "c"][(n / 5 % 3) as usize];
                let mut f = Finding::synthetic(check, Status::Pass, severity, rampart_checks::Measure::Access, false);
                f.resource = Arc::new(FindingResource {
                    region: ["global", "eu-west-1"][(n / 15 % 2) as usize].into(),
                    id: format!("r{}", n / 30 % 4),
                    ..(*f.resource).clone()
                });
                f.message = i.to_string().into();
                f
            })
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(report_order);
        let mut sorted = findings;
        sort_for_report(&mut sorted);
        assert_eq!(sorted, expected);
    }

    #[test]
    fn finding_uid_is_stable_per_check_resource_account_and_region() {
        let f = Finding::synthetic("iam_x", Status::Fail, Severity::High, rampart_checks::Measure::Access, false);
        let uid = finding_uid(&f);
        assert!(uid.starts_with("rampart/1/global/iam_x/"), "{uid}");
        assert_eq!(uid.len(), "rampart/1/global/iam_x/".len() + 32);
        // Status, message and mute do not change it.
        let mut g = f.clone();
        g.status = Status::Pass;
        g.message = "other".into();
        g.muted = true;
        assert_eq!(finding_uid(&g), uid);
        // Another resource, account, region or check does.
        for change in [
            |r: &mut FindingResource| r.id = "r2".into(),
            |r: &mut FindingResource| r.account_id = "2".into(),
            |r: &mut FindingResource| r.region = "eu-west-1".into(),
        ] {
            let mut h = f.clone();
            let mut res = (*h.resource).clone();
            change(&mut res);
            h.resource = Arc::new(res);
            assert_ne!(finding_uid(&h), uid);
        }
        let other = Finding::synthetic("iam_y", Status::Fail, Severity::High, rampart_checks::Measure::Access, false);
        assert_ne!(finding_uid(&other), uid);
        // A hostile account or region cannot smuggle separators in.
        let mut h = f.clone();
        h.resource = Arc::new(FindingResource { account_id: "../x/<y>".into(), ..(*f.resource).clone() });
        assert!(finding_uid(&h).starts_with("rampart/___x__y_/global/"), "{}", finding_uid(&h));
    }

    #[test]
    fn findings_are_sorted_most_severe_first() {
        let report = fixture_report(&Selection::default());
        let severities: Vec<Severity> = report.findings.iter().map(|f| f.check.severity).collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted);
    }
}
