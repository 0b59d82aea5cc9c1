//! End to end against the emulator that scripts/test.sh starts (RAMPART_TEST_ENDPOINT):
//! seed the demo accounts, audit them, and check every planted failure and compliant twin.
//!
//! Every test here only reads the emulator; it is reset and seeded once per run.

mod common;

use std::collections::BTreeMap;
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use assert_cmd::Command;
use common::{outcomes, rampart, root, run, status_of};
use serde_json::Value;

const TWIN_ACCOUNT: &str = "111111111111";

struct Emulator {
    endpoint: String,
    /// Environment that authenticates as the twin account.
    twin_credentials: Vec<(String, String)>,
    /// What seed.py planted: account label → (check, resource, status).
    expected: BTreeMap<String, Vec<(String, String, String)>>,
}

fn seed_script(args: &[&str]) -> String {
    let out = StdCommand::new(root().join("localstack/seed.sh")).args(args).output().expect("run seed.sh");
    assert!(out.status.success(), "seed.sh {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let endpoint = std::env::var("RAMPART_TEST_ENDPOINT")
            .expect("RAMPART_TEST_ENDPOINT is not set: run the tests with scripts/test.sh, which starts the emulator");
        let reset = StdCommand::new(root().join("localstack/reset.sh")).arg(&endpoint).status().unwrap();
        assert!(reset.success(), "emulator reset failed");
        seed_script(&[&endpoint]);
        let exports = seed_script(&[&endpoint, "--credentials", TWIN_ACCOUNT]);
        let twin_credentials = exports
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>();
        assert_eq!(twin_credentials.len(), 3, "{exports}");
        let planted: Value = serde_json::from_str(&seed_script(&[&endpoint, "--expected"])).unwrap();
        let expected = planted
            .as_object()
            .unwrap()
            .iter()
            .map(|(label, list)| {
                let triples = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| (t[0].as_str().unwrap().into(), t[1].as_str().unwrap().into(), t[2].as_str().unwrap().into()))
                    .collect();
                (label.clone(), triples)
            })
            .collect();
        Emulator { endpoint, twin_credentials, expected }
    })
}

/// rampart authenticated as the demo account.
fn demo() -> Command {
    let mut cmd = rampart();
    cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test");
    cmd
}

/// rampart authenticated as the twin account.
fn twin() -> Command {
    let mut cmd = rampart();
    for (k, v) in &emulator().twin_credentials {
        cmd.env(k, v);
    }
    cmd
}

fn audit_json(mut cmd: Command, extra: &[&str]) -> (i32, Value) {
    let em = emulator();
    let (code, out, err) = run(cmd.args(["audit", "--format", "json", "--endpoint-url", &em.endpoint]).args(extra));
    assert!(code == 0 || code == 3 || code == 4, "exit {code}: {err}");
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}\n{err}")))
}

fn assert_planted(label: &str, report: &Value, account: &str) {
    let expected = &emulator().expected[label];
    assert!(!expected.is_empty());
    for (check, resource, status) in expected {
        let resource = if resource == "ACCOUNT" { account } else { resource };
        assert_eq!(&status_of(report, check, resource), status, "{label}: {check} on {resource}");
    }
}

#[test]
fn demo_account_shows_every_planted_failure_and_twin() {
    let (code, report) = audit_json(demo(), &[]);
    assert_eq!(code, 3, "planted failures must fail the audit");
    assert_eq!(report["scope"]["accounts"][0], "123456789012");
    assert_planted("demo", &report, "123456789012");
    let access = &report["summary"]["score"]["measures"]["access"];
    let score = access["score"].as_f64().unwrap();
    assert!(score > 0.0 && score < 100.0, "access score {score}");
}

#[test]
fn twin_account_passes_what_the_demo_account_fails() {
    let (_, report) = audit_json(twin(), &[]);
    assert_eq!(report["scope"]["accounts"][0], TWIN_ACCOUNT);
    assert_planted("twin", &report, TWIN_ACCOUNT);
}

#[test]
fn emulator_gaps_are_errors_never_passes() {
    // moto's credential report has no <root_account> row: root use cannot be judged.
    let (code, report) = audit_json(demo(), &["--checks", "iam_avoid_root_usage"]);
    assert_eq!(code, 4);
    assert_eq!(status_of(&report, "iam_avoid_root_usage", "123456789012"), "ERROR");
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("<root_account>"), "{message}");
}

#[test]
fn exit_codes_0_3_and_4() {
    let clean = ["--checks", "iam_password_policy_minimum_length_14,iam_password_policy_reuse_24,iam_user_mfa_enabled_console_access"];
    let (code, _) = audit_json(twin(), &clean);
    assert_eq!(code, 0);
    let (code, _) = audit_json(demo(), &clean);
    assert_eq!(code, 3);
    let (code, _) = audit_json(demo(), &["--checks", "iam_avoid_root_usage,iam_password_policy_minimum_length_14", "--fail-on", "high"]);
    assert_eq!(code, 4, "a medium failure below --fail-on high, and an ERROR");
}

#[test]
fn collect_then_audit_snapshot_gives_the_same_findings() {
    let em = emulator();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let (code, _, err) = run(demo().args(["collect", "--endpoint-url", &em.endpoint, "-o"]).arg(&snapshot));
    assert_eq!(code, 0, "{err}");
    let (_, live) = audit_json(demo(), &[]);
    let (_, out, _) = run(rampart().args(["audit", "--format", "json", "--snapshot"]).arg(&snapshot));
    let saved: Value = serde_json::from_str(&out).unwrap();
    let mut a = outcomes(&live);
    let mut b = outcomes(&saved);
    a.sort();
    b.sort();
    assert!(!a.is_empty());
    assert_eq!(a, b);
    // The snapshot holds no secrets: no MFA seeds, no passwords, no secret keys.
    let text = std::fs::read_to_string(&snapshot).unwrap();
    for secret in ["Base32StringSeed", "base32", "QRCode", "Demo-Only-Passw0rd", "SecretAccessKey", "secret_access_key"] {
        assert!(!text.contains(secret), "snapshot contains {secret}");
    }
}

#[test]
fn table_report_shows_scores_and_failures() {
    let em = emulator();
    let (code, out, _) = run(demo().args(["audit", "--endpoint-url", &em.endpoint]));
    assert_eq!(code, 3);
    for needle in [
        "account 123456789012",
        "region us-east-1",
        "access",
        "encryption",
        "overall",
        "CRITICAL",
        "demo-console-no-mfa",
        "console password without MFA",
        "demo-two-keys",
        "ERROR (1)",
        "iam_avoid_root_usage",
    ] {
        assert!(out.contains(needle), "missing {needle} in\n{out}");
    }
    assert!(!out.contains("\x1b["), "no colour when not on a terminal");
    assert!(!out.contains("demo-console-mfa "), "passing twins are not listed as failures\n{out}");
}
