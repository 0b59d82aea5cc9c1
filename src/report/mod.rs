//! Reports: one [`Report`] built from the findings, rendered by one [`Reporter`] per format.
//!
//! Adding a format is one file in this directory that implements [`Reporter`] and one line
//! in [`REPORTERS`]: `--format` accepts its name, `--help` lists it, and `--output-dir`
//! writes it to a file named by [`Report::file_name`] with its extension, whole or not at
//! all.

pub mod asff;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod ocsf;
pub mod sarif;
pub mod table;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use rampart_checks::score::{Counts, Scores, score};
use rampart_checks::{Finding, Severity, Status};
use serde::Serialize;

/// Every report format, in the order `--help` lists them. The first is the default.
pub static REPORTERS: &[&dyn Reporter] = &[&table::TABLE, &json::Json, &html::Html, &csv::Csv, &junit::Junit, &sarif::Sarif, &ocsf::Ocsf, &ocsf::OcsfNdjson, &asff::Asff];

/// The project's home page: the tool's address in the formats that name one.
pub const PROJECT_URL: &str = "https://github.com/rampart-audit/rampart";

/// Where the page of each check (`docs/checks/<id>.md`) is read online.
pub const CHECK_DOCS_URL: &str = "https://github.com/rampart-audit/rampart/blob/main/docs/checks/";

/// The address of the page of the registered check `id`.
pub fn check_doc_url(id: &str) -> String {
    format!("{CHECK_DOCS_URL}{id}.md")
}

/// A section of a check's documentation as plain paragraphs: the lines a paragraph was
/// wrapped into joined by spaces; blank lines and list items still start lines.
pub fn unwrap_paragraphs(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = false;
    for line in markdown.trim().lines().map(str::trim) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            let item = line.starts_with("- ") || line.starts_with("* ");
            out.push_str(if blank { "\n\n" } else if item { "\n" } else { " " });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

/// One report format: renders the [`Report`] (all of it: every format is made from the same
/// model) into a writer.
pub trait Reporter: Sync {
    /// The name `--format` takes: lowercase, no commas.
    fn name(&self) -> &'static str;
    /// The extension of the files `--output-dir` writes, without the leading dot: ASCII
    /// letters and digits, in parts joined by dots (`ocsf.json`).
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
    /// Mute rules past their `expires` date: they muted nothing in this run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired_mutes: Vec<rampart_checks::mutelist::ExpiredMute>,
    pub findings: Vec<Finding>,
    /// The region findings are imported into with `--security-hub`, which the ASFF report
    /// names in every `ProductArn` and gives global resources: for an audit of AWS, the first
    /// `--region`, else the region of the AWS configuration (`AWS_REGION`, the profile), else
    /// us-east-1; for a snapshot, its first region in alphabetical order. Not in the JSON
    /// report.
    #[serde(skip)]
    pub home_region: String,
    /// What the internet reaches, per account and region (when the exposure checks ran on
    /// an inventory of AWS): the HTML report shows it. Not in the JSON report; `rampart
    /// exposure --format json` writes it.
    #[serde(skip)]
    pub exposure: Option<Vec<rampart_checks::exposure::AccountExposure>>,
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
            expired_mutes: Vec::new(),
            findings,
            home_region,
            exposure: None,
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

/// Consecutive findings of the same check, as slices: in the report's order a check's
/// findings (or a filtered list of them) follow one another.
pub(crate) fn runs_by_check<F: std::borrow::Borrow<Finding>>(findings: &[F]) -> Vec<&[F]> {
    findings.chunk_by(|a, b| a.borrow().check.id == b.borrow().check.id).collect()
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
        fixture_report_with(selection, &Config::default())
    }

    /// The report of the aged-account fixture under `config`, with fixed times.
    fn fixture_report_with(selection: &Selection, config: &Config) -> Report {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aged-account.json");
        let inventory: Inventory = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let findings = evaluate(&inventory, selection, config);
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
        let text = render_to_string(&table::TABLE, &report, &RenderContext::PLAIN).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(text);
    }

    /// The HTML report of the fixture: its page with the inlined style and script left out,
    /// and the data the script reads, each a snapshot.
    #[test]
    fn html_report() {
        let report = fixture_report(&iam_checks());
        let page = render_to_string(&html::Html, &report, &RenderContext::PLAIN).replace(env!("CARGO_PKG_VERSION"), "[version]");
        let (data, skeleton) = html::tests::split_page(&page);
        // Self-contained: nothing is loaded, every link stays in the page.
        assert!(!skeleton.contains(" src=") && !skeleton.contains("url("), "{skeleton}");
        assert!(skeleton.split("href=\"").skip(1).all(|rest| rest.starts_with('#')), "{skeleton}");
        insta::assert_snapshot!("html_report", skeleton);
        insta::assert_json_snapshot!("html_report_data", data);
    }

    #[test]
    fn html_report_of_several_accounts_with_compliance_has_their_sections() {
        let framework = rampart_checks::frameworks::find_framework("cis-5.0").unwrap();
        let mut report = fixture_report(&iam_checks());
        report.compliance = Some(ComplianceReport::new(framework, &report.findings, &report.scope.checks));
        let page = render_to_string(&html::Html, &report, &RenderContext::PLAIN);
        assert!(page.contains("id=\"compliance\"") && page.contains("CIS Amazon Web Services Foundations Benchmark"), "{page}");
        assert!(page.contains("<a href=\"#control=1.4&amp;status=all\">1.4</a>"), "{page}");
        assert!(!page.contains("id=\"accounts\""), "one account: no table of accounts");

        report.scope.accounts.push("123456789012".into());
        report.summary.accounts = report.scope.accounts.iter().map(|a| (a.clone(), report.summary.score.clone())).collect();
        let page = render_to_string(&html::Html, &report, &RenderContext::PLAIN);
        assert!(page.contains("id=\"accounts\"") && page.contains("<a href=\"#account=123456789012\">123456789012</a>"), "{page}");
        assert!(page.contains("<h1>2 accounts</h1>") && page.contains("<th>Account</th><th>Region</th>"), "{page}");
    }

    #[test]
    fn table_report_with_details() {
        let report = fixture_report(&iam_checks());
        let text = render_to_string(&table::DETAILED, &report, &RenderContext::PLAIN).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn no_control_character_from_aws_reaches_the_terminal() {
        let mut report = hostile_report();
        for f in &mut report.findings {
            f.message = "\u{1b}]0;owned\u{7}\u{1b}[2J wiped".into();
        }
        for reporter in [&table::TABLE, &table::DETAILED] {
            let text = render_to_string(reporter, &report, &RenderContext::PLAIN);
            assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{0}'), "{text}");
            assert!(text.contains("wiped") || reporter.details == false, "{text}");
        }
    }

    #[test]
    fn summary_table_keeps_each_row_on_one_line_within_the_width() {
        let report = hostile_report();
        for width in [60u16, 100, 200] {
            let ctx = RenderContext { color: false, width: Some(width) };
            let text = render_to_string(&table::TABLE, &report, &ctx);
            let findings = text.split("Failing:").nth(1).expect("a failing section");
            for line in findings.lines().filter(|l| l.starts_with(['│', '┌', '└', '╞', '├'])) {
                assert!(line.chars().count() <= usize::from(width), "{width}: {line}");
            }
            assert!(text.contains("iam_hostile"), "check ids are never cut: {text}");
            assert!(text.contains('…') || width == 200, "{text}");
            assert!(!text.contains('\u{0}') && !text.contains('\u{7}'), "control characters are flattened");
        }
    }

    #[test]
    fn csv_report() {
        let report = fixture_report(&iam_checks());
        let text = render_to_string(&csv::Csv, &report, &RenderContext::PLAIN);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn csv_prowler_report() {
        let report = fixture_report(&iam_checks());
        let text = render_to_string(&csv::PROWLER, &report, &RenderContext::PLAIN).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn junit_report() {
        let report = fixture_report(&iam_checks());
        insta::assert_snapshot!(render_to_string(&junit::Junit, &report, &RenderContext::PLAIN));
    }

    /// A report of findings whose every value from AWS is hostile: markup, quotes, the
    /// separators of every format, line breaks, control characters, a formula.
    pub(crate) fn hostile_report() -> Report {
        let nasty = "<img src=x onerror=alert(1)>\"';,|\r\n=cmd|' /C calc'!A0\u{0}\u{7}\u{2028}</script>";
        let findings: Vec<Finding> = [Status::Fail, Status::Error, Status::Manual, Status::Pass]
            .into_iter()
            .enumerate()
            .map(|(i, status)| {
                let mut f = Finding::synthetic("iam_hostile", status, Severity::High, rampart_checks::Measure::Access, i == 3);
                f.resource = Arc::new(FindingResource {
                    account_id: "123456789012".into(),
                    region: "eu-west-1".into(),
                    id: format!("{nasty}{i}"),
                    arn: Some(format!("arn:aws:iam::123456789012:user/{nasty}{i}")),
                    kind: "AwsIamUser".into(),
                    tags: Some(vec![("Owner".into(), nasty.into()), (nasty.into(), "v".into())]),
                });
                f.message = format!("=HYPERLINK(\"http://x\") {nasty}").into();
                f.mute_reason = (i == 3).then(|| Arc::from(nasty));
                f
            })
            .collect();
        let scope = Scope { accounts: vec!["123456789012".into()], regions: vec!["eu-west-1".into()], checks: vec!["iam_hostile".into()] };
        let started = DateTime::parse_from_rfc3339("2026-11-26T12:30:00Z").unwrap().with_timezone(&Utc);
        Report::new(started, started, scope, findings)
    }

    #[test]
    fn csv_keeps_hostile_values_in_their_cells() {
        let report = hostile_report();
        for (reporter, separator, columns) in [(&csv::Csv as &dyn Reporter, b',', 18), (&csv::PROWLER, b';', 42)] {
            let text = render_to_string(reporter, &report, &RenderContext::PLAIN);
            let mut reader = ::csv::ReaderBuilder::new().delimiter(separator).from_reader(text.as_bytes());
            let headers = reader.headers().unwrap().clone();
            assert_eq!(headers.len(), columns);
            let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(rows.len(), 4, "one row per finding, however many line breaks the values hold");
            let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name)).unwrap();
            let message = column(if columns == 18 { "message" } else { "STATUS_EXTENDED" });
            let resource = column(if columns == 18 { "resource_id" } else { "RESOURCE_NAME" });
            let mut ids: Vec<String> = rows.iter().map(|r| r[resource].to_string()).collect();
            ids.sort();
            let expected: Vec<String> = (0..4).map(|i| format!("{}{i}", report.findings[0].resource.id.trim_end_matches(char::is_numeric))).collect();
            assert_eq!(ids, expected, "values read back whole");
            for row in &rows {
                assert!(row[message].starts_with("'=HYPERLINK"), "a formula is defused: {}", &row[message]);
            }
        }
    }

    #[test]
    fn tags_reach_every_format_with_a_place_for_them() {
        let report = hostile_report();
        let owner = |text: &str| text.contains("Owner=<img src=x onerror=alert(1)>");
        let json: serde_json::Value = serde_json::from_str(&render_to_string(&json::Json, &report, &RenderContext::PLAIN)).unwrap();
        assert!(json["findings"][0]["resource_tags"]["Owner"].as_str().unwrap().starts_with("<img src=x"));
        for (reporter, separator) in [(&csv::Csv as &dyn Reporter, b','), (&csv::PROWLER, b';')] {
            let text = render_to_string(reporter, &report, &RenderContext::PLAIN);
            let mut reader = ::csv::ReaderBuilder::new().delimiter(separator).from_reader(text.as_bytes());
            let headers = reader.headers().unwrap().clone();
            let column = headers.iter().position(|h| h.eq_ignore_ascii_case("resource_tags")).unwrap();
            let row = reader.records().next().unwrap().unwrap();
            assert!(owner(&row[column]), "{}", &row[column]);
        }
        let asff: serde_json::Value = serde_json::from_str(&render_to_string(&asff::Asff, &report, &RenderContext::PLAIN)).unwrap();
        assert!(asff[0]["Resources"][0]["Tags"]["Owner"].as_str().unwrap().starts_with("<img src=x"));
        let ocsf: serde_json::Value = serde_json::from_str(&render_to_string(&ocsf::Ocsf, &report, &RenderContext::PLAIN)).unwrap();
        let tags = ocsf[0]["resources"][0]["tags"].as_array().unwrap();
        assert!(tags.iter().any(|t| t["name"] == "Owner" && t["value"].as_str().unwrap().starts_with("<img src=x")), "{tags:?}");
        let html = render_to_string(&html::Html, &report, &RenderContext::PLAIN);
        assert!(html.contains("\\u003cimg src=x onerror=alert(1)\\u003e") && !html.contains("<img src=x"), "tags in the page's data, escaped");
    }

    #[test]
    fn junit_is_well_formed_xml_with_hostile_values() {
        let text = render_to_string(&junit::Junit, &hostile_report(), &RenderContext::PLAIN);
        assert!(!text.contains("<img") && !text.contains("</script>") && !text.contains('\u{0}'), "{text}");
        assert_eq!(text.matches("<failure ").count(), 1);
        assert_eq!(text.matches("<error ").count(), 1);
        assert_eq!(text.matches("<skipped ").count(), 2, "MANUAL and the muted PASS");
        assert!(text.contains(r#"tests="4" failures="1" errors="1" skipped="2""#), "{text}");
        // An XML parser reads it back: Python's, as in every CI image with the emulator.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.xml");
        std::fs::write(&path, &text).unwrap();
        let parsed = std::process::Command::new("python3")
            .args(["-c", "import sys, xml.etree.ElementTree as E; t = E.parse(sys.argv[1]); print(len(t.findall('.//testcase')), t.find('.//failure').get('message'))"])
            .arg(&path)
            .output()
            .expect("python3 runs");
        assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
        let stdout = String::from_utf8(parsed.stdout).unwrap();
        assert!(stdout.starts_with("4 =HYPERLINK(\"http://x\") <img src=x onerror=alert(1)>"), "{stdout}");
    }

    #[test]
    fn table_report_in_colour_marks_severities() {
        let selection = Selection { check_ids: vec!["iam_no_root_access_key".into()], ..Default::default() };
        let ctx = RenderContext { color: true, width: Some(120) };
        let text = render_to_string(&table::DETAILED, &fixture_report(&selection), &ctx);
        assert!(text.contains("\x1b[1;31mCRITICAL\x1b[0m"), "{text}");
        let summary = render_to_string(&table::TABLE, &fixture_report(&selection), &ctx);
        assert!(summary.contains("\x1b["), "{summary}");
        let plain = render_to_string(&table::TABLE, &fixture_report(&selection), &RenderContext::PLAIN);
        assert!(!plain.contains('\x1b'), "{plain}");
    }

    /// Mutes one failing and one ERROR finding of the fixture.
    fn muting_config() -> Config {
        Config::from_toml(
            r#"
            [[mute]]
            check = "iam_user_console_access_unused"
            resource = "carol-dormant"
            reason = "dormant on purpose: leaves in January"

            [[mute]]
            check = "iam_support_role_created"
            reason = "support cases go through the organization's management account"
            "#,
        )
        .unwrap()
    }

    #[test]
    fn sarif_report() {
        let report = fixture_report_with(&iam_checks(), &muting_config());
        let value: serde_json::Value = serde_json::from_str(&render_to_string(&sarif::Sarif, &report, &RenderContext::PLAIN)).unwrap();
        // Each rule's help is its check's page, as docs/checks/<id>.md has it: checked here
        // rather than repeated in the snapshot.
        let rules = value["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), report.scope.checks.len(), "one rule per check of the report");
        for rule in rules {
            let check = rampart_checks::find_check(rule["id"].as_str().unwrap()).unwrap();
            let page = rampart_checks::catalogue::render_check(check);
            assert_eq!(rule["help"]["markdown"], page.as_str());
            assert_eq!(rule["help"]["text"], page.as_str());
            let docs = std::fs::read_to_string(format!("{}/docs/checks/{}.md", env!("CARGO_MANIFEST_DIR"), check.id)).unwrap();
            assert_eq!(docs, page, "the page helpUri points at is the same");
            assert_eq!(rule["helpUri"], format!("{CHECK_DOCS_URL}{}.md", check.id).as_str());
        }
        insta::assert_json_snapshot!(value, {
            ".runs[0].tool.driver.version" => "[version]",
            ".runs[0].tool.driver.semanticVersion" => "[version]",
            ".runs[0].tool.driver.rules[].help" => "[the check's page]",
            ".runs[0].invocations[0].startTimeUtc" => "[started_at]",
            ".runs[0].invocations[0].endTimeUtc" => "[finished_at]",
        });
    }

    #[test]
    fn sarif_results_are_the_failures_and_notifications_the_errors() {
        let mut report = fixture_report_with(&iam_checks(), &muting_config());
        // A MANUAL finding, which the fixture has none of.
        let mut manual = report.findings.iter().find(|f| f.status == Status::Pass).unwrap().clone();
        manual.status = Status::Manual;
        manual.message = "confirm by hand".into();
        report.findings.push(manual);
        let value: serde_json::Value = serde_json::from_str(&render_to_string(&sarif::Sarif, &report, &RenderContext::PLAIN)).unwrap();
        let run = &value["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();

        let fails: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Fail).collect();
        assert_eq!(results.len(), fails.len(), "one result per FAIL, none for PASS, ERROR or MANUAL");
        for (result, f) in results.iter().zip(&fails) {
            assert_eq!(result["ruleId"], f.check.id.as_str());
            assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], f.check.id.as_str());
            assert_eq!(result["message"]["text"], &*f.message);
            assert_eq!(result["partialFingerprints"]["rampartFindingId/v1"], finding_uid(f).as_str());
            assert_eq!(result["level"], sarif::level(f.check.severity));
            let location = &result["locations"][0];
            assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], f.resource.arn.as_deref().unwrap());
            let uri = location["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
            assert_eq!(uri, format!("aws/210987654321/global/{}/{}", f.resource.kind, f.resource.id));
            match f.mute_reason.as_deref() {
                Some(reason) => assert_eq!(result["suppressions"], serde_json::json!([{"kind": "external", "justification": reason}])),
                None => assert!(result.get("suppressions").is_none(), "{result}"),
            }
        }
        assert!(results.iter().any(|r| r.get("suppressions").is_some()), "the muted failure is suppressed");
        let hashes: std::collections::HashSet<&str> =
            results.iter().map(|r| r["partialFingerprints"]["primaryLocationLineHash"].as_str().unwrap()).collect();
        assert_eq!(hashes.len(), results.len(), "every alert has a fingerprint of its own");

        let invocation = &run["invocations"][0];
        let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
        let errors: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Error).collect();
        assert_eq!(notifications.len(), errors.len());
        for (n, f) in notifications.iter().zip(&errors) {
            assert_eq!(n["message"]["text"], format!("{}: {}", f.check.id, f.message).as_str());
            assert_eq!(n["associatedRule"]["id"], f.check.id.as_str());
            assert_eq!(n["level"], if f.muted { "note" } else { "error" });
        }
        assert_eq!(invocation["executionSuccessful"], true, "some checks were evaluated");

        // Nothing evaluated: the run did not succeed.
        report.findings.retain(|f| f.status == Status::Error);
        let value: serde_json::Value = serde_json::from_str(&render_to_string(&sarif::Sarif, &report, &RenderContext::PLAIN)).unwrap();
        assert_eq!(value["runs"][0]["invocations"][0]["executionSuccessful"], false);
        assert_eq!(value["runs"][0]["results"], serde_json::json!([]));
    }

    #[test]
    fn ocsf_report() {
        let mut report = fixture_report_with(&iam_checks(), &muting_config());
        // A MANUAL finding, which the fixture has none of.
        let mut manual = report.findings.iter().find(|f| f.status == Status::Pass).unwrap().clone();
        manual.status = Status::Manual;
        manual.message = "confirm by hand".into();
        report.findings.push(manual);
        let text = render_to_string(&ocsf::Ocsf, &report, &RenderContext::PLAIN);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let objects = value.as_array().unwrap();
        assert_eq!(objects.len(), report.findings.len(), "every finding, whatever its status");
        assert_eq!(text.lines().count(), objects.len() + 2, "one object a line between the brackets");

        // The times, redacted in the snapshot: the start of the run and the collection, in
        // milliseconds and RFC 3339.
        let started = report.started_at.timestamp_millis();
        let collected = report.collected_at.timestamp_millis();
        assert_eq!((started, collected), (1_795_696_200_000, 1_795_694_400_000));
        // The documentation of each check, redacted too.
        for (o, f) in objects.iter().zip(&report.findings) {
            assert_eq!(o["time"], started);
            assert_eq!(o["time_dt"], "2026-11-26T12:30:00.000Z");
            assert_eq!(o["finding_info"]["created_time"], started);
            assert_eq!(o["finding_info"]["last_seen_time"], collected);
            assert_eq!(o["finding_info"]["last_seen_time_dt"], "2026-11-26T12:00:00.000Z");
            let check = rampart_checks::find_check(&f.check.id).unwrap();
            assert_eq!(o["finding_info"]["desc"], unwrap_paragraphs(&check.doc_section("What it checks").unwrap()).as_str());
            assert_eq!(o["risk_details"], unwrap_paragraphs(&check.doc_section("Why it matters").unwrap()).as_str());
            assert_eq!(o["remediation"]["desc"], unwrap_paragraphs(&check.remediation()).as_str());
            let references = o["remediation"]["references"].as_array().unwrap();
            assert_eq!(references[0], check_doc_url(check.id).as_str());
            assert_eq!(references.len(), 1 + check.doc_section("References").unwrap().lines().filter(|l| l.starts_with("- ")).count());
            assert!(!o["finding_info"]["desc"].as_str().unwrap().contains("\n"), "paragraphs unwrapped");
        }
        // The snapshot holds the first finding of each status, muted and not: the others
        // differ only in what the assertions above and in `ocsf_statuses_and_mutes` check.
        let mut seen = std::collections::HashSet::new();
        let kinds: Vec<&serde_json::Value> =
            objects.iter().filter(|o| seen.insert((o["status_code"].to_string(), o["status_id"].to_string()))).collect();
        assert_eq!(kinds.len(), 6, "FAIL, ERROR, each also muted, PASS and MANUAL");
        insta::assert_json_snapshot!(kinds, {
            "[].metadata.product.version" => "[version]",
            "[].time" => "[started_at]",
            "[].time_dt" => "[started_at]",
            "[].finding_info.created_time" => "[started_at]",
            "[].finding_info.created_time_dt" => "[started_at]",
            "[].finding_info.last_seen_time" => "[collected_at]",
            "[].finding_info.last_seen_time_dt" => "[collected_at]",
            "[].finding_info.desc" => "[what it checks]",
            "[].risk_details" => "[why it matters]",
            "[].remediation.desc" => "[remediation]",
            "[].remediation.references" => "[references]",
        });
    }

    #[test]
    fn ocsf_statuses_and_mutes() {
        let report = fixture_report_with(&iam_checks(), &muting_config());
        let value: serde_json::Value = serde_json::from_str(&render_to_string(&ocsf::Ocsf, &report, &RenderContext::PLAIN)).unwrap();
        let objects = value.as_array().unwrap();
        for (o, f) in objects.iter().zip(&report.findings) {
            assert_eq!(o["status_code"], f.status.as_str());
            assert_eq!(o["status_detail"], &*f.message);
            assert_eq!(o["finding_info"]["uid"], finding_uid(f).as_str());
            assert_eq!(o["metadata"]["event_code"], f.check.id.as_str());
            assert_eq!(o["is_alert"], f.status == Status::Fail && !f.muted);
            if f.muted {
                assert_eq!((&o["status_id"], &o["status"]), (&3.into(), &"Suppressed".into()));
                assert_eq!(o["comment"], f.mute_reason.as_deref().unwrap());
            } else {
                assert_eq!((&o["status_id"], &o["status"]), (&1.into(), &"New".into()));
                assert!(o.get("comment").is_none());
            }
            assert_eq!(o["resources"][0]["uid"], f.resource.arn.as_deref().unwrap());
            assert_eq!(o["cloud"]["account"]["uid"], "210987654321");
            assert!(o["cloud"].get("region").is_none(), "IAM is global: no region");
            assert_eq!(o["unmapped"]["compliance"], serde_json::to_value(&f.check.compliance).unwrap());
        }
        assert_eq!(objects.iter().filter(|o| o["status_id"] == 3).count(), 2, "one muted FAIL, one muted ERROR");

        // NDJSON: the same objects, one a line.
        let lines = render_to_string(&ocsf::OcsfNdjson, &report, &RenderContext::PLAIN);
        let parsed: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(&parsed, objects);
        assert!(lines.ends_with("}\n"));

        // No findings: an empty array, and nothing at all.
        let empty = Report::new(report.started_at, report.collected_at, Scope { accounts: vec![], regions: vec![], checks: vec![] }, vec![]);
        assert_eq!(render_to_string(&ocsf::Ocsf, &empty, &RenderContext::PLAIN), "[]\n");
        assert_eq!(render_to_string(&ocsf::OcsfNdjson, &empty, &RenderContext::PLAIN), "");
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
            let parts_are_alphanumeric = r.extension().split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
            assert!(parts_are_alphanumeric, "{}", r.extension());
            assert_eq!(find(r.name()).map(|f| f.name()), Some(r.name()));
        }
        assert!(find("yaml").is_none());
        assert!(find("JSON").is_none(), "names are matched exactly");
    }

    #[test]
    fn file_names_carry_the_account_and_start_of_the_run() {
        let mut report = fixture_report(&iam_checks());
        assert_eq!(report.file_name(&json::Json), "rampart-210987654321-20261126T123000Z.json");
        assert_eq!(report.file_name(&table::TABLE), "rampart-210987654321-20261126T123000Z.txt");
        assert_eq!(report.file_name(&ocsf::Ocsf), "rampart-210987654321-20261126T123000Z.ocsf.json");
        assert_eq!(report.file_name(&ocsf::OcsfNdjson), "rampart-210987654321-20261126T123000Z.ocsf.ndjson");
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
    fn paragraphs_are_unwrapped_and_lists_kept() {
        assert_eq!(unwrap_paragraphs("  one\n  two\n\nthree\n- a\n  b\n- c\n"), "one two\n\nthree\n- a b\n- c");
        assert_eq!(unwrap_paragraphs(""), "");
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
