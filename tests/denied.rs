//! A read-only identity that may call sts:GetCallerIdentity and nothing else: every check
//! must report ERROR with the reason, never PASS or FAIL, and the exit code is 4.
//!
//! A small HTTP server on loopback plays AWS: it answers GetCallerIdentity and denies
//! every other action the way IAM does (HTTP 403, query-protocol XML error).

mod common;

use common::stub::{self, access_denied, caller_identity};
use common::{rampart, run};
use serde_json::Value;

#[test]
fn access_denied_everywhere_gives_errors_with_reasons_and_exit_4() {
    let (url, seen) = stub::serve(|r| if r.action == "GetCallerIdentity" { caller_identity() } else { access_denied(&r.action) });
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--format", "json", "--endpoint-url", &url, "--region", "us-east-1"]));
    assert_eq!(code, 4, "stderr: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let checks = report["scope"]["checks"].as_array().unwrap();
    for check in checks {
        assert!(findings.iter().any(|f| &f["check_id"] == check), "no finding for {check}");
    }
    for f in findings {
        assert_eq!(f["status"], "ERROR", "{f}");
        let message = f["message"].as_str().unwrap();
        // This stub speaks the IAM/STS error format; other protocols see an unreadable
        // answer, which must be an ERROR all the same.
        if f["check_id"].as_str().unwrap().starts_with("iam_") {
            assert!(message.contains("access denied") && message.contains("AccessDenied"), "{message}");
        }
    }
    for measure in ["access", "encryption", "patching", "monitoring", "network", "containers"] {
        assert!(report["summary"]["score"]["measures"][measure]["score"].is_null(), "{measure}: no score without evaluated findings");
    }

    let actions: Vec<String> = seen.lock().unwrap().iter().map(|r| r.action.clone()).collect();
    for action in ["GenerateCredentialReport", "GetCredentialReport", "GetAccountSummary", "GetAccountPasswordPolicy", "ListVirtualMFADevices"] {
        assert!(actions.iter().any(|a| a == action), "{action} not sent: {actions:?}");
    }
    let writes: Vec<_> = actions
        .iter()
        .filter(|a| {
            !(a.starts_with("Get")
                || a.starts_with("List")
                || a.starts_with("Describe")
                || a.starts_with("REST GET ")
                || a.strip_prefix("REST POST /").is_some_and(|op| {
                    // REST-JSON APIs that read with POST (account:GetContactInformation).
                    let op = op.to_ascii_lowercase();
                    op.starts_with("get") || op.starts_with("list") || op.starts_with("describe")
                })
                || *a == "GenerateCredentialReport")
        })
        .collect();
    assert!(writes.is_empty(), "non-read actions sent: {writes:?}");
}

#[test]
fn regions_that_cannot_be_listed_stop_the_audit_with_one_line() {
    // Without --region, Rampart audits every enabled region; if it cannot list them it says
    // so, rather than auditing fewer regions than the user expects.
    let (url, _) = stub::serve(|r| if r.action == "GetCallerIdentity" { caller_identity() } else { access_denied(&r.action) });
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--endpoint-url", &url]));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot list the regions") && err.contains("--region"), "{err}");
}
