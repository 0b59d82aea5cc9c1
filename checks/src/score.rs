//! Scores: a severity-weighted share of passing findings, per measure and overall.
//!
//! See docs/scoring.md. Only unmuted PASS and FAIL findings are scored; ERROR and MANUAL
//! findings are counted as coverage, never as passes; a measure with nothing evaluated has
//! no score (`None`), not 100.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Measure, Severity, Status};

/// The weight of a finding of this severity in a score.
pub fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Informational => 0,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub manual: usize,
    pub muted: usize,
}

impl Counts {
    /// Counts of a group of findings.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut counts = Counts::default();
        for f in findings {
            counts.add(f);
        }
        counts
    }

    fn add(&mut self, f: &Finding) {
        if f.muted {
            self.muted += 1;
            return;
        }
        match f.status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::Manual => self.manual += 1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// 0–100 with one decimal; `None` when no finding of the group was evaluated.
    pub score: Option<f64>,
    /// Unmuted findings by status (muted ones counted apart).
    pub counts: Counts,
    /// Share of unmuted PASS/FAIL/ERROR findings that were evaluated (PASS or FAIL), 0–100.
    pub coverage: Option<f64>,
}

fn score_of<'a>(findings: impl Iterator<Item = &'a Finding>) -> Score {
    let mut counts = Counts::default();
    let (mut passed, mut total) = (0u64, 0u64);
    for f in findings {
        counts.add(f);
        if f.muted {
            continue;
        }
        let w = u64::from(weight(f.check.severity));
        match f.status {
            Status::Pass => {
                passed += w;
                total += w;
            }
            Status::Fail => total += w,
            Status::Error | Status::Manual => {}
        }
    }
    let evaluated = counts.pass + counts.fail;
    let score = (total > 0).then(|| round1(100.0 * passed as f64 / total as f64));
    let coverage = (evaluated + counts.error > 0).then(|| round1(100.0 * evaluated as f64 / (evaluated + counts.error) as f64));
    Score { score, counts, coverage }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Scores per measure (all six, always present) and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub overall: Score,
    pub measures: BTreeMap<Measure, Score>,
}

/// Scores of a group of findings (a slice, or a filter over one: it is read once per
/// measure, never copied).
pub fn score<'a, I>(findings: I) -> Scores
where
    I: IntoIterator<Item = &'a Finding>,
    I::IntoIter: Clone,
{
    let findings = findings.into_iter();
    let measures = Measure::ALL
        .into_iter()
        .map(|m| (m, score_of(findings.clone().filter(|f| f.check.measure == m))))
        .collect();
    Scores { overall: score_of(findings), measures }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(measure: Measure, severity: Severity, status: Status, muted: bool) -> Finding {
        Finding::synthetic("x", status, severity, measure, muted)
    }

    #[test]
    fn weighted_share_of_passes() {
        use Severity::*;
        use Status::*;
        let findings = vec![
            finding(Measure::Access, Critical, Fail, false), // 0 of 10
            finding(Measure::Access, High, Pass, false),     // 5 of 5
            finding(Measure::Access, Medium, Pass, false),   // 3 of 3
            finding(Measure::Access, Low, Fail, false),      // 0 of 1
            finding(Measure::Access, Informational, Fail, false),
            finding(Measure::Access, Critical, Error, false),
            finding(Measure::Access, Critical, Manual, false),
            finding(Measure::Access, Critical, Fail, true),
        ];
        let s = score(&findings);
        let access = &s.measures[&Measure::Access];
        // (5 + 3) / (10 + 5 + 3 + 1) = 8 / 19 = 42.1 %
        assert_eq!(access.score, Some(42.1));
        assert_eq!(access.counts, Counts { pass: 2, fail: 3, error: 1, manual: 1, muted: 1 });
        // 5 evaluated of 6 evaluated-or-error
        assert_eq!(access.coverage, Some(83.3));
        assert_eq!(s.overall.score, Some(42.1));
    }

    #[test]
    fn nothing_evaluated_means_no_score_not_full_marks() {
        let findings = vec![finding(Measure::Network, Severity::High, Status::Error, false)];
        let s = score(&findings);
        assert_eq!(s.measures[&Measure::Network].score, None);
        assert_eq!(s.measures[&Measure::Network].coverage, Some(0.0));
        assert_eq!(s.measures[&Measure::Encryption].score, None);
        assert_eq!(s.measures[&Measure::Encryption].coverage, None);
        assert_eq!(s.measures.len(), Measure::ALL.len());
    }

    #[test]
    fn all_passing_is_100_and_all_failing_is_0() {
        let pass = vec![finding(Measure::Access, Severity::Low, Status::Pass, false)];
        assert_eq!(score(&pass).overall.score, Some(100.0));
        let fail = vec![finding(Measure::Access, Severity::Low, Status::Fail, false)];
        assert_eq!(score(&fail).overall.score, Some(0.0));
    }
}
