//! Reports: one [`Report`] built from the findings, rendered by one module per format.

pub mod json;
pub mod table;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rampart_checks::score::{Counts, Scores, score};
use rampart_checks::{Finding, Severity, Status};
use serde::Serialize;

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
        }
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
        let value: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
        insta::assert_json_snapshot!(value, {
            ".started_at" => "[started_at]",
            ".finished_at" => "[finished_at]",
            ".tool.version" => "[version]",
        });
    }

    #[test]
    fn table_report() {
        let report = fixture_report(&iam_checks());
        let text = table::render(&report, false, Some(120)).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn table_report_in_colour_marks_severities() {
        let selection = Selection { check_ids: vec!["iam_no_root_access_key".into()], ..Default::default() };
        let text = table::render(&fixture_report(&selection), true, Some(120));
        assert!(text.contains("\x1b[1;31mCRITICAL\x1b[0m"), "{text}");
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
    fn findings_are_sorted_most_severe_first() {
        let report = fixture_report(&Selection::default());
        let severities: Vec<Severity> = report.findings.iter().map(|f| f.check.severity).collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted);
    }
}
