//! The configuration file: check thresholds and the mutelist.
//!
//! Every threshold defaults to the CIS AWS Foundations Benchmark's value. A file only
//! needs the keys it changes:
//!
//! ```toml
//! [iam]
//! max_access_key_age_days = 90
//! max_unused_credential_days = 45
//! min_password_length = 14
//! password_reuse_prevention = 24
//! max_password_age_days = 90
//! root_usage_window_days = 1
//!
//! [containers]
//! trusted_registries = ["public.ecr.aws/docker/library", "ghcr.io/acme"]
//!
//! [[mute]]
//! check = "iam_user_mfa_enabled_console_access"
//! resource = "break-glass-*"
//! reason = "break-glass user, MFA token kept in the safe"
//! expires = 2027-03-31
//! ```

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::mutelist::{ExpiredMute, Mutelist, Subject};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub iam: IamConfig,
    /// What the container checks trust (ECS task definitions and Kubernetes workloads).
    pub containers: ContainersConfig,
    /// The in-cluster audit (`rampart audit --kubernetes`).
    pub kubernetes: KubernetesConfig,
    /// Findings to mute: they keep their status and carry `muted: true` and the reason.
    pub mute: Vec<MuteRule>,
    /// A mutelist in Prowler's format (`--mutelist FILE`), consulted after `mute`.
    #[serde(skip)]
    pub mutelist: Option<Arc<Mutelist>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IamConfig {
    /// An active access key older than this fails `iam_rotate_access_key_90_days` (CIS 1.13).
    pub max_access_key_age_days: i64,
    /// Credentials unused this long fail the unused-credential checks (CIS 1.11).
    pub max_unused_credential_days: i64,
    /// Minimum password length the password policy must require (CIS 1.7).
    pub min_password_length: i32,
    /// How many previous passwords the policy must forbid reusing (CIS 1.8).
    pub password_reuse_prevention: i32,
    /// The longest a password may stay valid under the password policy
    /// (`iam_password_policy_expires_passwords_within_90_days_or_less`).
    pub max_password_age_days: i32,
    /// Root use within this many days fails `iam_avoid_root_usage` (CIS 1.6).
    pub root_usage_window_days: i64,
}

impl Default for IamConfig {
    fn default() -> Self {
        Self {
            max_access_key_age_days: 90,
            max_unused_credential_days: 45,
            min_password_length: 14,
            password_reuse_prevention: 24,
            max_password_age_days: 90,
            root_usage_window_days: 1,
        }
    }
}

/// What the container checks trust.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContainersConfig {
    /// Registries whose images are trusted besides the audited account's own ECR: a host
    /// (`ghcr.io`, with `*` wildcards: `*.dkr.ecr.*.amazonaws.com`) or a path prefix that
    /// ends at a `/` (`docker.io/library/` for Docker Hub's official images, `ghcr.io/acme`).
    pub trusted_registries: Vec<String>,
}

/// `[kubernetes]`: how the in-cluster audit reads the cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KubernetesConfig {
    /// Namespaces reported apart as system namespaces, besides `kube-system`, `kube-public`
    /// and `kube-node-lease` (an add-on's: `amazon-cloudwatch`, `cert-manager`, …).
    pub system_namespaces: Vec<String>,
}

/// One mute rule. `check`, `account`, `region` and `resource` match exactly or with `*`
/// wildcards; an omitted field matches everything. After `expires` (a date, the last day
/// the rule mutes) the rule mutes nothing and the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuteRule {
    #[serde(default)]
    pub check: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
    #[serde(default, deserialize_with = "date")]
    pub expires: Option<NaiveDate>,
}

/// A date as TOML writes one (`2027-03-31`) or as a string (`"2027-03-31"`).
fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Date {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match Date::deserialize(deserializer)? {
        Date::Toml(d) => match (d.date, d.time) {
            (Some(date), None) => date.to_string(),
            _ => return Err(serde::de::Error::custom(format!("expires must be a date like 2027-03-31, not {d}"))),
        },
        Date::Text(s) => s,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("expires must be a date like 2027-03-31, not {text:?}")))
}

impl MuteRule {
    pub fn matches(&self, s: &Subject<'_>) -> bool {
        let field = |pattern: &Option<String>, value: &str| pattern.as_deref().is_none_or(|p| wildcard_match(p, value));
        field(&self.check, s.check)
            && field(&self.account, s.account)
            && field(&self.region, s.region)
            && (field(&self.resource, s.resource_id) || s.resource_arn.is_some_and(|arn| field(&self.resource, arn)))
    }

    /// Whether the rule still mutes on `today`.
    pub fn live(&self, today: NaiveDate) -> bool {
        self.expires.is_none_or(|last| today <= last)
    }
}

/// A TOML error as `line L, column C: reason`: toml's own text puts the reason on the fifth
/// of six lines, under a picture of the line.
fn one_line(err: &toml::de::Error, text: &str) -> String {
    let reason = err.message().split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(before) = err.span().and_then(|span| text.get(..span.start)) else { return reason };
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}: {reason}")
}

/// Errors reading the configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML, or TOML of the wrong shape: where, and why, on one line.
    #[error("configuration: {0}")]
    Parse(String),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse(one_line(&e, text)))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        for entry in &self.containers.trusted_registries {
            let e = entry.trim();
            if e.is_empty() || e.chars().any(|c| c.is_whitespace() || c.is_control()) || e.starts_with('/') || e.contains("://") {
                return Err(ConfigError::Invalid(format!(
                    "containers.trusted_registries: {entry:?} is not a registry host or a registry/path prefix (ghcr.io, docker.io/library/)"
                )));
            }
        }
        let iam = &self.iam;
        for (name, value) in [
            ("iam.max_access_key_age_days", iam.max_access_key_age_days),
            ("iam.max_unused_credential_days", iam.max_unused_credential_days),
            ("iam.root_usage_window_days", iam.root_usage_window_days),
        ] {
            if value < 1 {
                return Err(ConfigError::Invalid(format!("{name} must be at least 1, not {value}")));
            }
        }
        if !(6..=128).contains(&iam.min_password_length) {
            return Err(ConfigError::Invalid(format!(
                "iam.min_password_length must be between 6 and 128 (what IAM allows), not {}",
                iam.min_password_length
            )));
        }
        if !(1..=24).contains(&iam.password_reuse_prevention) {
            return Err(ConfigError::Invalid(format!(
                "iam.password_reuse_prevention must be between 1 and 24 (what IAM allows), not {}",
                iam.password_reuse_prevention
            )));
        }
        if !(1..=1095).contains(&iam.max_password_age_days) {
            return Err(ConfigError::Invalid(format!(
                "iam.max_password_age_days must be between 1 and 1095 (what IAM allows), not {}",
                iam.max_password_age_days
            )));
        }
        for rule in &self.mute {
            if rule.reason.trim().is_empty() {
                return Err(ConfigError::Invalid("every [[mute]] rule needs a reason".into()));
            }
        }
        Ok(())
    }

    /// The reason of the first live `[[mute]]` rule that matches, else of the mutelist's
    /// entry that mutes the finding, if any. `today` is the day the inventory was
    /// collected: a rule past its `expires` date mutes nothing.
    pub fn mute_reason(&self, subject: &Subject<'_>, today: NaiveDate) -> Option<&str> {
        self.mute
            .iter()
            .find(|r| r.live(today) && r.matches(subject))
            .map(|r| r.reason.as_str())
            .or_else(|| self.mutelist.as_ref()?.mute_reason(subject, today))
    }

    /// The mute rules and mutelist entries whose date has passed on `today`.
    pub fn expired_mutes(&self, today: NaiveDate) -> Vec<ExpiredMute> {
        let mut expired: Vec<ExpiredMute> = self
            .mute
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.live(today))
            .map(|(i, r)| ExpiredMute {
                rule: format!("[[mute]] {}", i + 1),
                reason: r.reason.clone(),
                expired: r.expires.expect("only a rule with a date expires"),
            })
            .collect();
        if let Some(list) = &self.mutelist {
            expired.extend(list.expired(today));
        }
        expired
    }
}

/// `*` matches any run of characters, everything else matches itself.
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == value;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !value.starts_with(first) || value.len() < first.len() + last.len() || !value.ends_with(last) {
        return false;
    }
    let mut rest = &value[first.len()..value.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_benchmark_defaults() {
        let config = Config::from_toml("").unwrap();
        assert_eq!(config.iam.max_access_key_age_days, 90);
        assert_eq!(config.iam.max_unused_credential_days, 45);
        assert_eq!(config.iam.min_password_length, 14);
        assert_eq!(config.iam.password_reuse_prevention, 24);
        assert_eq!(config.iam.max_password_age_days, 90);
    }

    #[test]
    fn partial_file_overrides_only_its_keys() {
        let config = Config::from_toml("[iam]\nmin_password_length = 16\n").unwrap();
        assert_eq!(config.iam.min_password_length, 16);
        assert_eq!(config.iam.max_access_key_age_days, 90);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(Config::from_toml("[iam]\nmin_pasword_length = 16\n").unwrap_err().to_string().contains("unknown field"));
        assert!(Config::from_toml("[iam]\nmax_access_key_age_days = 0\n").is_err());
        assert!(Config::from_toml("[iam]\npassword_reuse_prevention = 30\n").is_err());
        assert!(Config::from_toml("[iam]\nmax_password_age_days = 0\n").is_err());
        assert!(Config::from_toml("[iam]\nmax_password_age_days = 1096\n").is_err());
        assert_eq!(Config::from_toml("[iam]\nmax_password_age_days = 1095\n").unwrap().iam.max_password_age_days, 1095);
        assert!(Config::from_toml("[[mute]]\ncheck = \"x\"\nreason = \" \"\n").is_err());
    }

    #[test]
    fn errors_are_one_line_with_where_and_why() {
        let text = "# thresholds\n[iam]\nmin_password_length = \"sixteen\"\n";
        let err = Config::from_toml(text).unwrap_err().to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("configuration: line 3, column 23: invalid type: string"), "{err}");
        let err = Config::from_toml("[iam\nx = 1\n").unwrap_err().to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("configuration: line 1, column 5: "), "{err}");
        assert!(err.len() > "configuration: line 1, column 5: ".len(), "the reason is given: {err}");
        let err = Config::from_toml("[iam]\nmin_pasword_length = 16\n").unwrap_err().to_string();
        assert!(err.starts_with("configuration: line 2, column 1: unknown field `min_pasword_length`"), "{err}");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("break-glass-*", "break-glass-1"));
        assert!(!wildcard_match("break-glass-*", "ops"));
        assert!(wildcard_match("a*c*e", "abcde"));
        assert!(!wildcard_match("a*c*e", "abde"));
        assert!(!wildcard_match("ab*ba", "aba"));
        assert!(wildcard_match("exact", "exact"));
    }

    #[test]
    fn mute_rule_matches_by_id_or_arn() {
        let config = Config::from_toml(
            "[[mute]]\ncheck = \"iam_*\"\nresource = \"arn:aws:iam::*:user/ci\"\nreason = \"robot\"\n",
        )
        .unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(config.mute_reason(&Subject::new("iam_x", "1", "global", "ci").arn(Some("arn:aws:iam::1:user/ci")), today), Some("robot"));
        assert_eq!(config.mute_reason(&Subject::new("s3_x", "1", "global", "ci").arn(Some("arn:aws:iam::1:user/ci")), today), None);
        assert_eq!(config.mute_reason(&Subject::new("iam_x", "1", "global", "other").arn(Some("arn:aws:iam::1:user/other")), today), None);
    }

    #[test]
    fn mute_rules_expire_after_their_last_day() {
        let config = Config::from_toml(
            "[[mute]]\ncheck = \"a\"\nreason = \"until march\"\nexpires = 2027-03-31\n[[mute]]\ncheck = \"b\"\nregion = \"eu-*\"\nreason = \"text date\"\nexpires = \"2026-01-01\"\n",
        )
        .unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(config.mute_reason(&Subject::new("a", "1", "global", "r"), day("2027-03-31")), Some("until march"));
        assert_eq!(config.mute_reason(&Subject::new("a", "1", "global", "r"), day("2027-04-01")), None);
        assert_eq!(config.mute_reason(&Subject::new("b", "1", "eu-west-1", "r"), day("2025-12-31")), Some("text date"));
        assert_eq!(config.mute_reason(&Subject::new("b", "1", "us-east-1", "r"), day("2025-12-31")), None, "region");
        let expired = config.expired_mutes(day("2026-06-01"));
        assert_eq!(expired.len(), 1);
        assert_eq!((expired[0].rule.as_str(), expired[0].reason.as_str()), ("[[mute]] 2", "text date"));
        for bad in ["expires = 2027-03-31T10:00:00Z", "expires = \"next week\"", "expires = 3"] {
            let err = Config::from_toml(&format!("[[mute]]\ncheck = \"a\"\nreason = \"r\"\n{bad}\n")).unwrap_err().to_string();
            assert!(err.contains("expires") || err.contains("line"), "{bad}: {err}");
        }
    }
}
