//! `config`: the configuration file and its mutelist; `credential_report`: the IAM
//! credential report CSV.

use chrono::{DateTime, Utc};

use crate::config_file::{Config, wildcard_match};
use crate::engine::{Selection, evaluate};
use crate::inventory::iam::CredentialReport;
use crate::inventory::{AccountInventory, Collected, Inventory};

/// Input: `toml [0xFF pattern 0xFF value]`. `Config::from_toml` on the text; on success the
/// mutelist is asked about a few findings, and `wildcard_match` is compared with a
/// reference on every rule's patterns and on the extra pattern and value.
pub fn config(data: &[u8]) {
    let (text, rest) = super::split_once(data);
    if let Some(rest) = rest {
        let (pattern, value) = super::split_once(rest);
        if let (Ok(p), Ok(v)) = (std::str::from_utf8(pattern), std::str::from_utf8(value.unwrap_or_default())) {
            check_wildcard(p, v);
        }
    }
    let Ok(text) = std::str::from_utf8(text) else { return };
    let Ok(config) = Config::from_toml(text) else { return };
    let iam = &config.iam;
    assert!(iam.max_access_key_age_days >= 1 && iam.max_unused_credential_days >= 1 && iam.root_usage_window_days >= 1, "config: day thresholds are at least 1");
    assert!((6..=128).contains(&iam.min_password_length), "config: min_password_length within IAM's range");
    assert!((1..=24).contains(&iam.password_reuse_prevention), "config: password_reuse_prevention within IAM's range");
    assert!((1..=1095).contains(&iam.max_password_age_days), "config: max_password_age_days within IAM's range");
    let mut values: Vec<String> = vec!["iam_root_mfa_enabled".into(), "123456789012".into(), "alice".into(), String::new()];
    for rule in &config.mute {
        assert!(!rule.reason.trim().is_empty(), "config: every mute rule has a reason");
        for p in [&rule.check, &rule.account, &rule.resource].into_iter().flatten() {
            values.push(p.replace('*', ""));
            values.push(p.replace('*', "x"));
            for v in &values {
                check_wildcard(p, v);
            }
        }
    }
    for check in &values {
        for resource in &values {
            for arn in [None, Some("arn:aws:iam::123456789012:user/alice")] {
                let reason = config.mute_reason(&crate::mutelist::Subject::new(check, "123456789012", "global", resource).arn(arn), chrono::NaiveDate::MIN);
                let first = config.mute.iter().find(|r| r.live(chrono::NaiveDate::MIN) && r.matches(&crate::mutelist::Subject::new(check, "123456789012", "global", resource).arn(arn)));
                assert_eq!(reason, first.map(|r| r.reason.as_str()), "config: mute_reason is the first matching rule's reason");
                if let Some(rule) = first {
                    let field = |p: &Option<String>, v: &str| p.as_deref().is_none_or(|p| wildcard_reference(p, v));
                    assert!(
                        field(&rule.check, check)
                            && field(&rule.account, "123456789012")
                            && (field(&rule.resource, resource) || arn.is_some_and(|a| field(&rule.resource, a))),
                        "config: a matching rule matches field by field"
                    );
                }
            }
        }
    }
}

fn check_wildcard(pattern: &str, value: &str) {
    if pattern.len() > 64 || value.len() > 64 {
        return;
    }
    assert_eq!(
        wildcard_match(pattern, value),
        wildcard_reference(pattern, value),
        "config: wildcard_match({pattern:?}, {value:?}) agrees with the reference"
    );
}

/// `*` matches any run of characters; plain recursion over characters with memoisation.
fn wildcard_reference(pattern: &str, value: &str) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let mut memo = vec![vec![None; v.len() + 1]; p.len() + 1];
    fn go(p: &[char], v: &[char], i: usize, j: usize, memo: &mut Vec<Vec<Option<bool>>>) -> bool {
        if let Some(r) = memo[i][j] {
            return r;
        }
        let r = match p.get(i) {
            None => j == v.len(),
            Some('*') => go(p, v, i + 1, j, memo) || (j < v.len() && go(p, v, i, j + 1, memo)),
            Some(c) => v.get(j) == Some(c) && go(p, v, i + 1, j + 1, memo),
        };
        memo[i][j] = Some(r);
        r
    }
    go(&p, &v, 0, 0, &mut memo)
}

/// The instant the credential-report harness audits at.
fn audit_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// Bytes → `CredentialReport::from_csv`; on success the accessors the checks use, their
/// invariants, and every check run on an account whose only known data is this report
/// (none may panic).
pub fn credential_report(data: &[u8]) {
    let Ok(report) = CredentialReport::from_csv(data) else { return };
    let root = report.root();
    if let Some(root) = root {
        assert!(root.is_root(), "credential_report: root() is the root row");
    }
    let users: Vec<_> = report.users().collect();
    assert_eq!(
        users.len(),
        report.rows.len() - report.rows.iter().filter(|r| r.is_root()).count(),
        "credential_report: users() is every row but root's"
    );
    assert_eq!(root.is_some(), report.rows.iter().any(|r| r.is_root()), "credential_report: root() finds a root row when there is one");
    assert!(users.iter().all(|u| !u.is_root()), "credential_report: users() has no root row");
    for row in &report.rows {
        let keys = row.access_keys();
        assert_eq!((keys[0].0, keys[1].0), (1, 2), "credential_report: access keys are numbered 1 and 2");
        let active: Vec<u8> = row.active_access_keys().map(|(n, _)| n).collect();
        let want: Vec<u8> = keys.iter().filter(|(_, k)| k.active).map(|(n, _)| *n).collect();
        assert_eq!(active, want, "credential_report: active_access_keys are the active ones");
        let _ = row.has_console_password();
        let resource = row.resource();
        assert_eq!(resource.id, row.user, "credential_report: the resource is the user");
        assert_eq!(resource.arn.as_deref(), Some(row.arn.as_str()), "credential_report: the resource carries the ARN");
        for t in [row.user_creation_time, row.password_last_used, row.password_last_changed] {
            let _ = t.at();
        }
    }
    let mut account = AccountInventory::new("123456789012", "aws", vec!["us-east-1".into()]);
    account.iam.credential_report = Collected::Known(report);
    let mut inventory = Inventory::new(audit_time());
    inventory.accounts.push(account);
    for f in evaluate(&inventory, &Selection::default(), &Config::default()) {
        assert!(!f.message.contains("internal error in check"), "credential_report: a check panicked: {}", f.message);
    }
}
