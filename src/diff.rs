//! Two reports compared: `rampart diff OLD.json NEW.json`, and `--baseline OLD.json`, which
//! marks each finding of an audit `new` or `unchanged`.
//!
//! A finding is the same finding in two reports when its check, account, region and
//! resource (the ARN, or the id where there is none) are the same: the identity
//! [`crate::report::finding_uid`] hashes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rampart_checks::finding::BaselineState;
use rampart_checks::score::Scores;
use rampart_checks::{Finding, Measure, Severity, Status};
use serde::{Deserialize, Serialize};

use crate::error::RunError;
use crate::report::SCHEMA_VERSION;

/// A JSON report as written by `--format json`: what a comparison needs of it.
#[derive(Debug, Deserialize)]
pub struct SavedReport {
    pub schema_version: u32,
    pub summary: SavedSummary,
    pub findings: Vec<SavedFinding>,
}

#[derive(Debug, Deserialize)]
pub struct SavedSummary {
    pub score: Scores,
}

/// One finding of a saved report.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SavedFinding {
    pub check_id: String,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub measure: Measure,
    pub account_id: String,
    pub region: String,
    pub resource_id: String,
    pub resource_arn: Option<String>,
    pub message: String,
    pub muted: bool,
}

/// The identity of a finding across reports.
type Key = (String, String, String, String);

impl SavedFinding {
    fn key(&self) -> Key {
        key(&self.check_id, &self.account_id, &self.region, self.resource_arn.as_deref().unwrap_or(&self.resource_id))
    }

    /// Failing and not muted: what a gate counts.
    fn failing(&self) -> bool {
        self.status == Status::Fail && !self.muted
    }
}

fn key(check: &str, account: &str, region: &str, resource: &str) -> Key {
    (check.to_string(), account.to_string(), region.to_string(), resource.to_string())
}

/// Reads a JSON report. Any other file, or a report of another schema version, is an
/// error naming the file.
pub fn read(path: &Path) -> Result<SavedReport, RunError> {
    let fail = |message: String| RunError::Report { path: path.to_path_buf(), message };
    let text = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    parse(&text).map_err(fail)
}

/// A JSON report (`--format json`) read as `T`: a report of another schema version, or
/// anything else, is the error.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(text: &[u8]) -> Result<T, String> {
    // The version first, so that another version is named as such rather than as a
    // missing field.
    #[derive(Deserialize)]
    struct Version {
        schema_version: Option<u32>,
    }
    let version: Version =
        serde_json::from_slice(text).map_err(|e| format!("not a Rampart JSON report (--format json): {e}"))?;
    match version.schema_version {
        None => return Err("not a Rampart JSON report (--format json): no schema_version".into()),
        Some(v) if v != SCHEMA_VERSION => {
            return Err(format!("report schema version {v}; this Rampart reads version {SCHEMA_VERSION}"));
        }
        Some(_) => {}
    }
    serde_json::from_slice(text).map_err(|e| format!("not a Rampart JSON report (--format json): {e}"))
}

/// Marks each finding against the baseline: `unchanged` when the baseline has the same
/// finding with the same status and mute, `new` otherwise.
pub fn mark(findings: &mut [Finding], baseline: &SavedReport) {
    let before: HashMap<Key, (Status, bool)> = baseline.findings.iter().map(|f| (f.key(), (f.status, f.muted))).collect();
    for f in findings {
        let r = &f.resource;
        let k = key(&f.check.id, &r.account_id, &r.region, r.arn.as_deref().unwrap_or(&r.id));
        f.baseline = Some(match before.get(&k) {
            Some(&(status, muted)) if status == f.status && muted == f.muted => BaselineState::Unchanged,
            _ => BaselineState::New,
        });
    }
}

/// What changed from one report to the next.
#[derive(Debug, Serialize)]
pub struct Diff {
    /// Failing (and not muted) now, and not before.
    pub new_failures: Vec<SavedFinding>,
    /// Failing before, passing now.
    pub fixed: Vec<SavedFinding>,
    /// Failing in both.
    pub still_failing: Vec<SavedFinding>,
    /// Failing before, and the resource (or the check) is not in the new report.
    pub gone: Vec<SavedFinding>,
    /// Judged before (PASS or FAIL), not now: ERROR, with its reason.
    pub no_longer_evaluated: Vec<SavedFinding>,
    /// The score of each measure and overall, before and after.
    pub scores: Vec<ScoreChange>,
    /// A new failure, or a lower score.
    pub worse: bool,
}

#[derive(Debug, Serialize)]
pub struct ScoreChange {
    /// A measure's name, or `overall`.
    pub measure: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// `new - old`, when both exist.
    pub change: Option<f64>,
}

/// Compares two reports.
pub fn diff(old: &SavedReport, new: &SavedReport) -> Diff {
    let before: HashMap<Key, &SavedFinding> = old.findings.iter().map(|f| (f.key(), f)).collect();
    let after: HashMap<Key, &SavedFinding> = new.findings.iter().map(|f| (f.key(), f)).collect();
    let mut d = Diff {
        new_failures: Vec::new(),
        fixed: Vec::new(),
        still_failing: Vec::new(),
        gone: Vec::new(),
        no_longer_evaluated: Vec::new(),
        scores: Vec::new(),
        worse: false,
    };
    for f in &new.findings {
        let was = before.get(&f.key());
        if f.failing() {
            if was.is_some_and(|w| w.failing()) {
                d.still_failing.push(f.clone());
            } else {
                d.new_failures.push(f.clone());
            }
        } else if f.status == Status::Error && was.is_some_and(|w| matches!(w.status, Status::Pass | Status::Fail)) {
            d.no_longer_evaluated.push(f.clone());
        }
    }
    for f in old.findings.iter().filter(|f| f.failing()) {
        match after.get(&f.key()) {
            None => d.gone.push(f.clone()),
            Some(now) if now.status == Status::Pass => d.fixed.push((*now).clone()),
            Some(_) => {}
        }
    }
    let rows: BTreeMap<String, (Option<f64>, Option<f64>)> = Measure::ALL
        .into_iter()
        .map(|m| (m.as_str().to_string(), (old.summary.score.measures.get(&m).and_then(|s| s.score), new.summary.score.measures.get(&m).and_then(|s| s.score))))
        .collect();
    for measure in Measure::ALL.iter().map(|m| m.as_str().to_string()) {
        let (o, n) = rows[&measure];
        d.scores.push(ScoreChange { measure, old: o, new: n, change: o.zip(n).map(|(o, n)| round1(n - o)) });
    }
    let (o, n) = (old.summary.score.overall.score, new.summary.score.overall.score);
    d.scores.push(ScoreChange { measure: "overall".into(), old: o, new: n, change: o.zip(n).map(|(o, n)| round1(n - o)) });
    d.worse = !d.new_failures.is_empty() || d.scores.iter().any(|s| s.change.is_some_and(|c| c < 0.0));
    d
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(findings: &[(&str, &str, Status, bool)], overall: f64) -> SavedReport {
        let findings: Vec<serde_json::Value> = findings
            .iter()
            .map(|(check, resource, status, muted)| {
                serde_json::json!({
                    "check_id": check, "title": check, "status": status, "severity": "high", "measure": "access",
                    "account_id": "1", "region": "global", "resource_id": resource, "resource_arn": null,
                    "message": "m", "muted": muted, "extra": "ignored"
                })
            })
            .collect();
        let score = serde_json::json!({"score": overall, "counts": {"pass": 0, "fail": 0, "error": 0, "manual": 0, "muted": 0}, "coverage": 100.0});
        let measures: serde_json::Map<String, serde_json::Value> = Measure::ALL.iter().map(|m| (m.as_str().to_string(), score.clone())).collect();
        let text = serde_json::json!({
            "schema_version": SCHEMA_VERSION,
            "summary": {"score": {"overall": score, "measures": measures}},
            "findings": findings,
        })
        .to_string();
        parse::<SavedReport>(text.as_bytes()).unwrap()
    }

    #[test]
    fn sorts_findings_into_new_fixed_still_failing_gone_and_unevaluated() {
        let old = report(
            &[
                ("a", "r1", Status::Fail, false),
                ("a", "r2", Status::Fail, false),
                ("a", "r3", Status::Fail, false),
                ("b", "r1", Status::Pass, false),
                ("c", "r1", Status::Pass, false),
                ("d", "r1", Status::Fail, true),
            ],
            50.0,
        );
        let new = report(
            &[
                ("a", "r1", Status::Fail, false),
                ("a", "r2", Status::Pass, false),
                ("b", "r1", Status::Fail, false),
                ("c", "r1", Status::Error, false),
                ("d", "r1", Status::Fail, false),
                ("e", "r9", Status::Fail, false),
            ],
            50.0,
        );
        let d = diff(&old, &new);
        let ids = |v: &[SavedFinding]| v.iter().map(|f| format!("{}/{}", f.check_id, f.resource_id)).collect::<Vec<_>>();
        assert_eq!(ids(&d.new_failures), ["b/r1", "d/r1", "e/r9"], "a mute lifted counts as new");
        assert_eq!(ids(&d.still_failing), ["a/r1"]);
        assert_eq!(ids(&d.fixed), ["a/r2"]);
        assert_eq!(ids(&d.gone), ["a/r3"]);
        assert_eq!(ids(&d.no_longer_evaluated), ["c/r1"]);
        assert!(d.worse);
    }

    #[test]
    fn a_lower_score_alone_is_worse_and_nothing_changed_is_not() {
        let same = [("a", "r1", Status::Fail, false)];
        assert!(!diff(&report(&same, 50.0), &report(&same, 50.0)).worse);
        assert!(!diff(&report(&same, 50.0), &report(&same, 60.0)).worse);
        let d = diff(&report(&same, 50.0), &report(&same, 49.9));
        assert!(d.worse);
        assert_eq!(d.scores.last().unwrap().change, Some(-0.1));
    }

    #[test]
    fn other_files_and_versions_are_refused() {
        assert!(parse::<SavedReport>("[]".as_bytes()).unwrap_err().contains("not a Rampart JSON report"));
        assert!(parse::<SavedReport>("{\"findings\": []}".as_bytes()).unwrap_err().contains("no schema_version"));
        assert!(parse::<SavedReport>("{\"schema_version\": 99}".as_bytes()).unwrap_err().contains("version 99"));
        assert!(parse::<SavedReport>("{\"schema_version\": 1}".as_bytes()).unwrap_err().contains("not a Rampart JSON report"));
    }

    #[test]
    fn marks_new_and_unchanged_against_a_baseline() {
        let baseline = report(&[("a", "r", Status::Fail, false), ("b", "r", Status::Pass, false)], 50.0);
        let mut findings = vec![
            Finding::synthetic("a", Status::Fail, Severity::High, Measure::Access, false),
            Finding::synthetic("b", Status::Fail, Severity::High, Measure::Access, false),
            Finding::synthetic("c", Status::Pass, Severity::High, Measure::Access, false),
        ];
        mark(&mut findings, &baseline);
        let states: Vec<_> = findings.iter().map(|f| f.baseline.unwrap()).collect();
        assert_eq!(states, [BaselineState::Unchanged, BaselineState::New, BaselineState::New]);
    }
}
