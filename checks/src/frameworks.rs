//! Benchmark mappings, kept as data in `checks/frameworks/*.toml`.
//!
//! Each file names a framework and its controls; each control lists the checks that
//! serve it. A check's `compliance` field in findings is derived from these files.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

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
        assert_eq!(c.get("AWS-FSBP"), Some(&vec!["IAM.9".to_string()]));
        let unused = compliance_of("iam_user_accesskey_unused");
        assert_eq!(unused.get("CIS-5.0"), Some(&vec!["1.11".to_string()]));
    }
}
