//! Prowler's mutelist, read as Prowler reads it, so that a team moving to Rampart keeps its
//! file (`--mutelist FILE`).
//!
//! ```yaml
//! Mutelist:
//!   Accounts:
//!     "123456789012":
//!       Checks:
//!         "iam_user_mfa_enabled_console_access":
//!           Regions: ["*"]
//!           Resources: ["break-glass-.*"]
//!           Description: "break-glass user, MFA token kept in the safe"
//!           Expires: 2027-03-31        # Rampart only: Prowler's schema refuses it
//!     "*":
//!       Checks:
//!         "s3_*":
//!           Regions: ["eu-west-1"]
//!           Resources: ["*"]
//!           Exceptions:
//!             Accounts: ["210987654321"]
//! ```
//!
//! Matching is Prowler's (prowler/lib/mutelist/mutelist.py): an account key is the account
//! id or `*`; a check key is `*`, the check id, or a regular expression searched in it;
//! `Regions` and `Resources` are regular expressions *searched* (not anchored) in the
//! finding's region and resource, with `*` standing for `.*`; any one entry of a list
//! matching is enough; every field must match; an entry whose `Exceptions` match the
//! finding (each listed field matching, unlisted ones matching anything) stops the search
//! of that account's checks. `Description` is the reason findings carry.
//!
//! Where Rampart differs, it mutes less, never more:
//! - the resource is matched against the resource id and, failing that, its ARN;
//! - the region of a global resource (IAM, the account) is `global`;
//! - `Tags` are searched, as Prowler does, in the resource's tags written `key=value | key=value`
//!   (each pattern of the list must be found); where the tags could not be read (tag:GetResources
//!   denied, a resource the tagging API does not list, an IAM user or role in an audit that
//!   did not read the authorization details), an entry with
//!   `Tags` mutes nothing, and an entry with `Exceptions.Tags` mutes nothing either (a tag
//!   could except the resource).
//! - An entry may carry `Expires` (a date): after that day (UTC, judged at the time the
//!   inventory was collected) it mutes nothing and the report lists it.

use chrono::NaiveDate;
use indexmap::IndexMap;
use regex::Regex;
use serde::Deserialize;

/// A parsed mutelist: the entries in file order, their patterns compiled.
#[derive(Debug, Clone)]
pub struct Mutelist {
    accounts: Vec<(String, Vec<Entry>)>,
    warnings: Vec<String>,
}

impl PartialEq for Mutelist {
    fn eq(&self, other: &Self) -> bool {
        self.accounts == other.accounts
    }
}

#[derive(Debug, Clone)]
struct Entry {
    check: Pattern,
    regions: Vec<Pattern>,
    resources: Vec<Pattern>,
    exceptions: Option<Exceptions>,
    /// Patterns all found in the resource's tags (`key=value | …`); empty for none.
    tags: Vec<Pattern>,
    description: String,
    expires: Option<NaiveDate>,
    /// Where the entry is, for messages: `Accounts."*".Checks."s3_*"`.
    path: String,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.check == other.check && self.regions == other.regions && self.resources == other.resources
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Exceptions {
    accounts: Vec<Pattern>,
    regions: Vec<Pattern>,
    resources: Vec<Pattern>,
    tags: Vec<Pattern>,
}

/// A pattern as Prowler writes it, and the regular expression it is searched with.
#[derive(Debug, Clone)]
struct Pattern {
    source: String,
    regex: Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Pattern {
    fn new(source: &str, path: &str) -> Result<Pattern, String> {
        let regex = Regex::new(&source.replace('*', ".*"))
            .map_err(|e| format!("{path}: {source:?} is not a regular expression Rampart reads: {}", first_line(&e.to_string())))?;
        Ok(Pattern { source: source.to_string(), regex })
    }

    fn search(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

/// Tags as Prowler writes them (its mutelist searches, and its CSV shows, this form):
/// `key=value | key=value`.
pub fn tag_text(tags: &[(String, String)]) -> String {
    tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" | ")
}

/// Any pattern found in `value` (an empty list matches nothing).
fn any(patterns: &[Pattern], value: &str) -> bool {
    patterns.iter().any(|p| p.search(value))
}

/// What a mute rule is matched against: one finding's check, account, region and resource.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub check: &'a str,
    pub account: &'a str,
    /// `global` for resources that have no region.
    pub region: &'a str,
    pub resource_id: &'a str,
    pub resource_arn: Option<&'a str>,
    /// The resource's tags; `None` where they could not be read.
    pub tags: Option<&'a [(String, String)]>,
}

impl<'a> Subject<'a> {
    /// A resource with no ARN and unknown tags.
    pub fn new(check: &'a str, account: &'a str, region: &'a str, resource_id: &'a str) -> Self {
        Subject { check, account, region, resource_id, resource_arn: None, tags: None }
    }

    pub fn arn(self, resource_arn: Option<&'a str>) -> Self {
        Subject { resource_arn, ..self }
    }

    pub fn tags(self, tags: Option<&'a [(String, String)]>) -> Self {
        Subject { tags, ..self }
    }
}

/// An entry whose date has passed: it mutes nothing, and the report says so.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct ExpiredMute {
    /// Where the rule is: `mutelist Accounts."*".Checks."s3_*"` or `[[mute]] 2`.
    pub rule: String,
    pub reason: String,
    pub expired: NaiveDate,
}

// The file's shape, Prowler's key names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "Mutelist", alias = "Allowlist")]
    mutelist: Body,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    #[serde(rename = "Accounts")]
    accounts: IndexMap<String, AccountEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    #[serde(rename = "Checks")]
    checks: IndexMap<String, CheckEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckEntry {
    #[serde(rename = "Regions")]
    regions: Vec<String>,
    #[serde(rename = "Resources")]
    resources: Vec<String>,
    #[serde(rename = "Tags", default)]
    tags: Option<Vec<String>>,
    #[serde(rename = "Exceptions", default)]
    exceptions: Option<ExceptionEntry>,
    #[serde(rename = "Description", default)]
    description: Option<String>,
    #[serde(rename = "Expires", default)]
    expires: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionEntry {
    #[serde(rename = "Accounts", default)]
    accounts: Vec<String>,
    #[serde(rename = "Regions", default)]
    regions: Vec<String>,
    #[serde(rename = "Resources", default)]
    resources: Vec<String>,
    #[serde(rename = "Tags", default)]
    tags: Vec<String>,
}

impl Mutelist {
    /// Reads a mutelist in Prowler's YAML. Errors say where and why, on one line.
    pub fn from_yaml(text: &str) -> Result<Mutelist, String> {
        let file: File = serde_norway::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!("line {}, column {}: ", l.line(), l.column())).unwrap_or_default();
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            format!("{at}{message}")
        })?;
        let mut accounts = Vec::new();
        let warnings = Vec::new();
        for (account, entry) in file.mutelist.accounts {
            let mut entries = Vec::new();
            for (check, c) in entry.checks {
                let path = format!("Accounts.{account:?}.Checks.{check:?}");
                let patterns = |list: &[String], field: &str| -> Result<Vec<Pattern>, String> {
                    list.iter().map(|p| Pattern::new(p, &format!("{path}.{field}"))).collect()
                };
                let tags = c.tags.as_deref().unwrap_or_default();
                entries.push(Entry {
                    check: Pattern::new(&check, &path)?,
                    regions: patterns(&c.regions, "Regions")?,
                    resources: patterns(&c.resources, "Resources")?,
                    exceptions: c
                        .exceptions
                        .as_ref()
                        .map(|e| -> Result<Exceptions, String> {
                            Ok(Exceptions {
                                accounts: patterns(&e.accounts, "Exceptions.Accounts")?,
                                regions: patterns(&e.regions, "Exceptions.Regions")?,
                                resources: patterns(&e.resources, "Exceptions.Resources")?,
                                tags: patterns(&e.tags, "Exceptions.Tags")?,
                            })
                        })
                        .transpose()?,
                    tags: patterns(tags, "Tags")?,
                    description: c.description.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| format!("mutelist {path}")),
                    expires: c.expires,
                    path,
                });
            }
            accounts.push((account, entries));
        }
        Ok(Mutelist { accounts, warnings })
    }

    /// What the file asks that Rampart cannot do.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The reason of the entry that mutes this finding, if one does, as of `today`.
    pub fn mute_reason(&self, subject: &Subject<'_>, today: NaiveDate) -> Option<&str> {
        let Subject { check, account, region, resource_id, resource_arn, tags } = *subject;
        let resource_matches = |patterns: &[Pattern]| any(patterns, resource_id) || resource_arn.is_some_and(|arn| any(patterns, arn));
        // Prowler's form: `key=value | key=value`.
        let tag_text = tags.map(tag_text);
        // Every pattern found in the tags; `None` when the tags are unknown.
        let all_tags = |patterns: &[Pattern]| tag_text.as_deref().map(|text| patterns.iter().all(|p| p.search(text)));
        for (key, entries) in &self.accounts {
            if key != account && key != "*" {
                continue;
            }
            let mut muted_by: Option<&Entry> = None;
            for entry in entries {
                let check_match = entry.check.source == "*" || entry.check.source == check || entry.check.search(check);
                if !check_match {
                    continue;
                }
                if let Some(e) = &entry.exceptions {
                    // Unknown tags could match an exception by tag: count it as matched.
                    let tag_excepted = !e.tags.is_empty() && all_tags(&e.tags).unwrap_or(true);
                    let any_excepted = any(&e.accounts, account) || any(&e.regions, region) || resource_matches(&e.resources) || tag_excepted;
                    let excepted = any_excepted
                        && (e.accounts.is_empty() || any(&e.accounts, account))
                        && (e.regions.is_empty() || any(&e.regions, region))
                        && (e.resources.is_empty() || resource_matches(&e.resources))
                        && (e.tags.is_empty() || tag_excepted);
                    if excepted {
                        // Prowler stops at an exception: what earlier entries decided stands.
                        break;
                    }
                }
                let live = entry.expires.is_none_or(|d| today <= d);
                // Unknown tags never satisfy a condition on tags.
                let tags_match = entry.tags.is_empty() || all_tags(&entry.tags).unwrap_or(false);
                if live && tags_match && any(&entry.regions, region) && resource_matches(&entry.resources) {
                    muted_by = Some(entry);
                }
            }
            if let Some(entry) = muted_by {
                return Some(&entry.description);
            }
        }
        None
    }

    /// The entries whose date has passed as of `today`.
    pub fn expired(&self, today: NaiveDate) -> Vec<ExpiredMute> {
        self.accounts
            .iter()
            .flat_map(|(_, entries)| entries)
            .filter_map(|e| {
                let date = e.expires.filter(|d| today > *d)?;
                Some(ExpiredMute { rule: format!("mutelist {}", e.path), reason: e.description.clone(), expired: date })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    const FILE: &str = r#"
Mutelist:
  Accounts:
    "123456789012":
      Checks:
        "iam_user_mfa_enabled_console_access":
          Regions: ["*"]
          Resources: ["break-glass-.*"]
          Description: "break-glass user"
        "ec2_*":
          Regions: ["eu-west-1", "us-east-1"]
          Resources: ["sg-0abc"]
          Description: "legacy bastion"
          Expires: 2026-11-30
    "*":
      Checks:
        "s3_bucket_.*":
          Regions: ["*"]
          Resources: ["logs"]
          Exceptions:
            Accounts: ["210987654321"]
            Regions: ["eu-west-1"]
          Description: "log buckets"
        "kms_*":
          Regions: ["*"]
          Resources: ["*"]
          Tags: ["Environment=dev"]
"#;

    #[test]
    fn mutes_by_account_check_region_and_resource() {
        let m = Mutelist::from_yaml(FILE).unwrap();
        let reason = |check: &str, account: &str, region: &str, id: &str| m.mute_reason(&Subject::new(check, account, region, id), today());
        assert_eq!(reason("iam_user_mfa_enabled_console_access", "123456789012", "global", "break-glass-1"), Some("break-glass user"));
        assert_eq!(reason("iam_user_mfa_enabled_console_access", "999999999999", "global", "break-glass-1"), None, "another account");
        assert_eq!(reason("iam_user_mfa_enabled_console_access", "123456789012", "global", "alice"), None, "another resource");
        // Searched, as Prowler does: "logs" is found in "app-logs-2".
        assert_eq!(reason("s3_bucket_default_encryption", "555555555555", "us-east-1", "app-logs-2"), Some("log buckets"));
        // The exception needs both its fields: account and region.
        assert_eq!(reason("s3_bucket_default_encryption", "210987654321", "eu-west-1", "logs"), None, "excepted");
        assert_eq!(reason("s3_bucket_default_encryption", "210987654321", "us-east-1", "logs"), Some("log buckets"), "region not excepted");
        assert_eq!(reason("s3_bucket_default_encryption", "555555555555", "eu-west-1", "logs"), Some("log buckets"), "account not excepted");
    }

    #[test]
    fn the_arn_is_matched_when_the_id_is_not() {
        let m = Mutelist::from_yaml("Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        '*':\n          Regions: ['*']\n          Resources: ['arn:aws:iam::.*:user/ci']\n").unwrap();
        assert!(m.mute_reason(&Subject::new("iam_x", "1", "global", "ci").arn(Some("arn:aws:iam::1:user/ci")), today()).is_some());
        assert!(m.mute_reason(&Subject::new("iam_x", "1", "global", "ci"), today()).is_none());
    }

    #[test]
    fn expired_entries_mute_nothing_and_are_listed() {
        let m = Mutelist::from_yaml(FILE).unwrap();
        let day_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(m.mute_reason(&Subject::new("ec2_instance_x", "123456789012", "eu-west-1", "sg-0abc"), day_of), Some("legacy bastion"), "the last day still mutes");
        assert_eq!(m.mute_reason(&Subject::new("ec2_instance_x", "123456789012", "eu-west-1", "sg-0abc"), today()), None);
        let expired = m.expired(today());
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].reason, "legacy bastion");
        assert!(expired[0].rule.contains(r#"Checks."ec2_*""#), "{}", expired[0].rule);
        assert!(m.expired(day_of).is_empty());
    }

    #[test]
    fn tags_are_searched_as_prowler_does_and_unknown_tags_never_mute() {
        let m = Mutelist::from_yaml(FILE).unwrap();
        let tags = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let reason = |t: Option<&[(String, String)]>| m.mute_reason(&Subject::new("kms_cmk_rotation_enabled", "1", "eu-west-1", "key").tags(t), today());
        // The entry has no description: it is named by its place.
        assert_eq!(reason(Some(&tags(&[("Environment", "dev"), ("team", "x")]))), Some(r#"mutelist Accounts."*".Checks."kms_*""#));
        assert!(reason(Some(&tags(&[("team", "x"), ("Environment", "dev")]))).is_some());
        assert_eq!(reason(Some(&tags(&[("Environment", "prod")]))), None);
        assert_eq!(reason(Some(&[])), None, "no tags");
        assert_eq!(reason(None), None, "tags that could not be read never mute");
        assert!(m.warnings().is_empty(), "{:?}", m.warnings());

        // Several patterns must all be found; `|` inside one is an alternative.
        let text = "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        '*':\n          Regions: ['*']\n          Resources: ['*']\n          Tags: ['team=data', 'env=dev|env=test']\n          Exceptions:\n            Tags: ['keep=yes']\n";
        let m = Mutelist::from_yaml(text).unwrap();
        let reason = |t: Option<&[(String, String)]>| m.mute_reason(&Subject::new("c", "1", "r", "id").tags(t), today());
        assert!(reason(Some(&tags(&[("team", "data"), ("env", "test")]))).is_some());
        assert!(reason(Some(&tags(&[("team", "data")]))).is_none(), "both patterns");
        assert!(reason(Some(&tags(&[("team", "data"), ("env", "dev"), ("keep", "yes")]))).is_none(), "excepted by tag");
        assert!(reason(None).is_none());
    }

    #[test]
    fn an_exception_stops_the_search_as_in_prowler() {
        let text = "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        'iam_a':\n          Regions: ['*']\n          Resources: ['*']\n          Exceptions:\n            Resources: ['keep']\n        '*':\n          Regions: ['*']\n          Resources: ['*']\n";
        let m = Mutelist::from_yaml(text).unwrap();
        assert!(m.mute_reason(&Subject::new("iam_a", "1", "global", "keep"), today()).is_none());
        assert!(m.mute_reason(&Subject::new("iam_a", "1", "global", "other"), today()).is_some());
        assert!(m.mute_reason(&Subject::new("iam_b", "1", "global", "keep"), today()).is_some());
    }

    #[test]
    fn bad_files_are_refused_with_where_and_why() {
        for (text, expected) in [
            ("Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        'x':\n          Regions: ['*']\n", "Resources"),
            ("Mutelist:\n  Acounts: {}\n", "Acounts"),
            ("Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        'x':\n          Regions: ['(']\n          Resources: ['*']\n", "Regions"),
            ("Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        'x':\n          Regions: ['*']\n          Resources: ['*']\n          Expires: soon\n", "line"),
            ("- not a mutelist\n", "line"),
            ("Mutelist: [\n", "line"),
        ] {
            let err = Mutelist::from_yaml(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn prowler_v3_allowlist_key_is_read() {
        let m = Mutelist::from_yaml("Allowlist:\n  Accounts:\n    '*':\n      Checks:\n        '*':\n          Regions: ['*']\n          Resources: ['*']\n").unwrap();
        assert!(m.mute_reason(&Subject::new("x", "1", "r", "id"), today()).is_some());
    }
}
