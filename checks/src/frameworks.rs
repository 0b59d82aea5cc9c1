//! Benchmark mappings, kept as data in `checks/frameworks/*.toml`.
//!
//! Each file names a framework and its controls; each control lists the checks that
//! serve it. A check's `compliance` field in findings is derived from these files.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Status};

/// The mapping files compiled into the binary.
const SOURCES: &[(&str, &str)] = &[
    ("cis-aws-5.0.toml", include_str!("../frameworks/cis-aws-5.0.toml")),
    ("cis-aws-6.0.toml", include_str!("../frameworks/cis-aws-6.0.toml")),
    ("aws-fsbp.toml", include_str!("../frameworks/aws-fsbp.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Short key used in findings, e.g. `CIS-5.0`.
    pub key: String,
    pub name: String,
    pub version: String,
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    /// For a later CIS version: the v5.0.0 id of the same control.
    #[serde(default)]
    pub v5: Option<String>,
    pub title: String,
    /// `automated` or `manual`, as the benchmark assesses the control.
    pub assessment: String,
    pub checks: Vec<String>,
}

static FRAMEWORKS: LazyLock<Vec<Framework>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(file, text)| {
            toml::from_str(text).unwrap_or_else(|e| panic!("framework file {file} is invalid (a test guards this): {e}"))
        })
        .collect()
});

/// Every framework mapping.
pub fn frameworks() -> &'static [Framework] {
    &FRAMEWORKS
}

/// The framework whose key matches `name`, ignoring case (`cis-5.0`, `CIS-6.0`, `aws-fsbp`).
pub fn find_framework(name: &str) -> Option<&'static Framework> {
    frameworks().iter().find(|f| f.key.eq_ignore_ascii_case(name))
}

impl Framework {
    /// Every check id any control of this framework names, deduplicated.
    pub fn check_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.controls.iter().flat_map(|c| c.checks.iter().cloned()).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// How one control of a framework fares in an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    /// Every finding of every check of the control passed.
    Pass,
    /// Some unmuted finding of its checks failed.
    Fail,
    /// Nothing failed, but some finding could not be evaluated.
    Error,
    /// No Rampart check decides this control, or its checks left the decision to a human
    /// (MANUAL findings, nothing failed): a human must.
    Manual,
    /// Its checks were not part of this audit.
    NotEvaluated,
    /// Its checks ran but found no resource to judge (no RDS instance, no EFS file system):
    /// nothing passed and nothing failed.
    NoResources,
}

/// One control's result, with the counts behind it.
#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    pub assessment: String,
    pub status: ControlStatus,
    pub checks: Vec<String>,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
}

/// The status of every control of `framework` given the audit's findings. A control passes
/// only if all its checks pass; muted findings do not count against it.
pub fn control_results(framework: &Framework, findings: &[Finding], evaluated_checks: &[String]) -> Vec<ControlResult> {
    framework
        .controls
        .iter()
        .map(|control| {
            let of = || findings.iter().filter(|f| !f.muted && control.checks.iter().any(|c| *c == f.check.id));
            let count = |status: Status| of().filter(|f| f.status == status).count();
            let (pass, fail, error) = (count(Status::Pass), count(Status::Fail), count(Status::Error));
            let status = if control.checks.is_empty() {
                ControlStatus::Manual
            } else if !control.checks.iter().any(|c| evaluated_checks.contains(c)) {
                ControlStatus::NotEvaluated
            } else if fail > 0 {
                ControlStatus::Fail
            } else if error > 0 || !control.checks.iter().all(|c| evaluated_checks.contains(c)) {
                ControlStatus::Error
            } else if count(Status::Manual) > 0 {
                ControlStatus::Manual
            } else if findings.iter().all(|f| !control.checks.iter().any(|c| *c == f.check.id)) {
                // Not even a muted finding: nothing was judged, which is not a pass.
                ControlStatus::NoResources
            } else {
                ControlStatus::Pass
            };
            ControlResult {
                id: control.id.clone(),
                title: control.title.clone(),
                assessment: control.assessment.clone(),
                status,
                checks: control.checks.clone(),
                pass,
                fail,
                error,
            }
        })
        .collect()
}

/// Framework key → control ids, for one check.
pub fn compliance_of(check_id: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for fw in frameworks() {
        let ids: Vec<String> = fw
            .controls
            .iter()
            .filter(|c| c.checks.iter().any(|id| id == check_id))
            .map(|c| c.id.clone())
            .collect();
        if !ids.is_empty() {
            out.insert(fw.key.clone(), ids);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::registry::find_check;

    #[test]
    fn every_file_parses_and_names_only_registered_checks() {
        for (file, text) in SOURCES {
            let fw: Framework = toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            let mut seen = HashSet::new();
            for control in &fw.controls {
                assert!(seen.insert(control.id.clone()), "{file}: control {} listed twice", control.id);
                assert!(
                    control.assessment == "automated" || control.assessment == "manual",
                    "{file}: control {} has assessment '{}'",
                    control.id,
                    control.assessment
                );
                for id in &control.checks {
                    assert!(find_check(id).is_some(), "{file}: control {} names unknown check {id}", control.id);
                }
            }
        }
    }

    fn finding(check: &str, status: Status, muted: bool) -> Finding {
        Finding::synthetic(check, status, crate::Severity::High, crate::Measure::Access, muted)
    }

    #[test]
    fn a_control_passes_only_if_all_its_checks_pass() {
        let cis = find_framework("cis-5.0").unwrap();
        let evaluated = cis.check_ids();
        let unused = "iam_user_accesskey_unused";
        let console = "iam_user_console_access_unused";
        let status_of = |findings: &[Finding], evaluated: &[String]| {
            control_results(cis, findings, evaluated).into_iter().find(|c| c.id == "1.11").unwrap().status
        };
        let pass = [finding(unused, Status::Pass, false), finding(console, Status::Pass, false)];
        assert_eq!(status_of(&pass, &evaluated), ControlStatus::Pass);
        let one_fail = [finding(unused, Status::Pass, false), finding(console, Status::Fail, false)];
        assert_eq!(status_of(&one_fail, &evaluated), ControlStatus::Fail);
        let muted_fail = [finding(unused, Status::Pass, false), finding(console, Status::Fail, true)];
        assert_eq!(status_of(&muted_fail, &evaluated), ControlStatus::Pass);
        let error = [finding(unused, Status::Pass, false), finding(console, Status::Error, false)];
        assert_eq!(status_of(&error, &evaluated), ControlStatus::Error);
        // One of its two checks left out of the audit: the control is not fully decided.
        assert_eq!(status_of(&pass[..1], &[unused.to_string()]), ControlStatus::Error);
        assert_eq!(status_of(&[], &[]), ControlStatus::NotEvaluated);
        // Evaluated, but no resource to judge: not a pass.
        assert_eq!(status_of(&[], &evaluated), ControlStatus::NoResources);
        let other = [finding("iam_root_mfa_enabled", Status::Pass, false)];
        assert_eq!(status_of(&other, &evaluated), ControlStatus::NoResources);
        assert_eq!(status_of(&pass[..1], &evaluated), ControlStatus::Pass, "one check judged something");
        // A check that leaves the decision to a human makes the control MANUAL, unless
        // something failed.
        let contact = "account_maintain_current_contact_details";
        let control_1_1 = |findings: &[Finding]| {
            control_results(cis, findings, &evaluated).into_iter().find(|c| c.id == "1.1").unwrap().status
        };
        assert_eq!(control_1_1(&[finding(contact, Status::Manual, false)]), ControlStatus::Manual);
        assert_eq!(control_1_1(&[finding(contact, Status::Manual, true)]), ControlStatus::Pass);
        assert_eq!(control_1_1(&[finding(contact, Status::Fail, false)]), ControlStatus::Fail);
        let control_1_11 = |findings: &[Finding]| status_of(findings, &evaluated);
        let manual_and_fail = [finding(unused, Status::Fail, false), finding(console, Status::Manual, false)];
        assert_eq!(control_1_11(&manual_and_fail), ControlStatus::Fail);
        let manual_and_pass = [finding(unused, Status::Pass, false), finding(console, Status::Manual, false)];
        assert_eq!(control_1_11(&manual_and_pass), ControlStatus::Manual);
        // A control no check serves is MANUAL.
        let unmapped: Framework = toml::from_str(
            "key = \"T\"\nname = \"t\"\nversion = \"1\"\n[[controls]]\nid = \"1\"\ntitle = \"t\"\nassessment = \"manual\"\nchecks = []\n",
        )
        .unwrap();
        assert_eq!(control_results(&unmapped, &[], &evaluated)[0].status, ControlStatus::Manual);
        assert!(find_framework("CIS-6.0").is_some() && find_framework("aws-fsbp").is_some() && find_framework("nope").is_none());
    }

    #[test]
    fn cis_6_maps_the_same_checks_as_cis_5() {
        let by_key = |key: &str| frameworks().iter().find(|f| f.key == key).unwrap();
        let (v5, v6) = (by_key("CIS-5.0"), by_key("CIS-6.0"));
        for control in &v6.controls {
            let old = control.v5.as_deref().unwrap_or_else(|| panic!("CIS 6.0 {} names no v5 id", control.id));
            let source = v5.controls.iter().find(|c| c.id == old).unwrap_or_else(|| panic!("no CIS 5.0 control {old}"));
            assert_eq!(control.checks, source.checks, "CIS 6.0 {} vs 5.0 {old}", control.id);
        }
        let v5_used: usize = v5.controls.iter().filter(|c| !c.checks.is_empty()).count();
        let v6_used: usize = v6.controls.iter().filter(|c| !c.checks.is_empty()).count();
        assert_eq!(v5_used, v6_used, "every mapped v5 control has its v6 twin");
    }

    #[test]
    fn compliance_lists_the_controls_of_a_check() {
        let c = compliance_of("iam_root_mfa_enabled");
        assert_eq!(c.get("CIS-5.0"), Some(&vec!["1.4".to_string()]));
        assert_eq!(c.get("CIS-6.0"), Some(&vec!["2.4".to_string()]));
        // IAM.9 is a CIS-only Security Hub control; FSBP's root MFA control is IAM.6 (hardware).
        assert_eq!(c.get("AWS-FSBP"), None);
        let hardware = compliance_of("iam_root_hardware_mfa_enabled");
        assert_eq!(hardware.get("AWS-FSBP"), Some(&vec!["IAM.6".to_string()]));
        let unused = compliance_of("iam_user_accesskey_unused");
        assert_eq!(unused.get("CIS-5.0"), Some(&vec!["1.11".to_string()]));
    }
}
