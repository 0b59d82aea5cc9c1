//! The machine-readable report formats against their published schemas (vendored in tests/schemas/),
//! validated by `jsonschema` in Python: the report of the fixture account as the binary
//! writes it, and a report made of hostile strings. Each test also shows that the validator
//! rejects a broken copy, so that a validator that accepts anything cannot pass them.
//!
//! The Python is `localstack/.venv/bin/python` (made by `localstack/start.sh`, whose
//! `moto[server]` brings `jsonschema`) or `RAMPART_SCHEMA_PYTHON`; without it these tests
//! fail, they do not skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::{fixture, rampart, root, run};
use rampart::report::{RenderContext, Report, Scope};
use rampart_checks::finding::FindingResource;
use rampart_checks::{Finding, Measure, Severity, Status};
use serde_json::Value;

const SARIF_SCHEMA: &str = "tests/schemas/sarif-2.1.0.json";

/// The interpreter that runs `tests/schemas/validate.py`.
fn python() -> PathBuf {
    let python = std::env::var_os("RAMPART_SCHEMA_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("localstack/.venv/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run localstack/start.sh once (it installs moto[server], which brings jsonschema), \
         or set RAMPART_SCHEMA_PYTHON to a Python with jsonschema 4",
        python.display()
    );
    python
}

/// Runs the validator on `instance`, one JSON document (with `--each`, an array of them;
/// with `--lines`, one a line): its exit code (0 valid, 1 invalid, 3 cannot validate) and
/// output.
fn validate(schema: &str, instance: &Path, layout: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(python());
    cmd.arg(root().join("tests/schemas/validate.py")).arg(root().join(schema)).arg(instance).args(layout);
    let out = cmd.output().expect("the validator runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().expect("the validator exited by a signal"), text)
}

fn assert_valid(schema: &str, instance: &Path, layout: &[&str]) {
    let (code, out) = validate(schema, instance, layout);
    assert_eq!(code, 0, "{} against {schema}:\n{out}", instance.display());
    assert!(out.starts_with("valid: "), "{out}");
}

/// The validator rejects `document` (written to a file in `dir`) and names `expected`.
fn assert_invalid(schema: &str, dir: &Path, document: &str, layout: &[&str], expected: &str) {
    let path = dir.join("broken.json");
    std::fs::write(&path, document).unwrap();
    let (code, out) = validate(schema, &path, layout);
    assert_eq!(code, 1, "a broken document must be rejected, not {code}:\n{out}");
    assert!(out.contains(expected), "the rejection names {expected:?}:\n{out}");
}

/// `rampart audit --snapshot aged-account.json --format <formats> --output-dir <dir>`: the
/// files written, by extension.
fn audit_fixture_into(dir: &Path, formats: &str) -> Vec<(String, PathBuf)> {
    let (code, out, err) =
        run(rampart().arg("audit").arg("--snapshot").arg(fixture("aged-account.json")).args(["--format", formats, "--output-dir"]).arg(dir));
    assert_eq!(code, 3, "the fixture has failures\n{out}\n{err}");
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let (_, ext) = name.split_once('.').unwrap_or_else(|| panic!("{name}"));
            (ext.to_string(), p)
        })
        .collect();
    files.sort();
    files
}

/// A report of hostile strings: markup and a NUL in messages and the mute reason, quotes,
/// newlines, slashes and dot segments in resource ids and ARNs, in a FAIL, a muted FAIL, an
/// ERROR and a MANUAL finding.
fn hostile_report() -> Report {
    const MESSAGE: &str = "</script><img src=x onerror=alert(1)>\"\u{0}";
    let finding = |check: &str, status: Status, id: &str, arn: Option<&str>| {
        let mut f = Finding::synthetic(check, status, Severity::High, Measure::Access, false);
        f.resource = Arc::new(FindingResource {
            account_id: "123456789012".into(),
            region: "eu-west-1".into(),
            id: id.into(),
            arn: arn.map(str::to_string),
            kind: "AwsIamUser".into(),
            tags: Some(vec![("Owner".into(), MESSAGE.into()), (MESSAGE.into(), "".into())]),
        });
        f.message = format!("{MESSAGE} {status}").into();
        f
    };
    let mut muted = finding("iam_user_mfa_enabled_console_access", Status::Fail, "..", None);
    muted.muted = true;
    muted.mute_reason = Some(format!("reason {MESSAGE}\nsecond line").into());
    let findings = vec![
        finding("iam_no_root_access_key", Status::Fail, "a\"b'c\nd\r\te/../f", Some("arn:aws:iam::123456789012:user/a\"b\nc")),
        muted,
        finding("iam_password_policy_minimum_length_14", Status::Error, "\"quoted\"\n", None),
        finding("iam_check_saml_providers_sts", Status::Manual, "<b>", Some("arn:aws:iam::123456789012:saml-provider/<b>")),
        finding("iam_avoid_root_usage", Status::Pass, "", None),
    ];
    let started = "2026-11-26T12:30:00Z".parse().unwrap();
    let scope = Scope {
        accounts: vec!["123456789012".into()],
        regions: vec!["eu-west-1".into()],
        checks: findings.iter().map(|f| f.check.id.clone()).collect(),
    };
    Report::new(started, started, scope, findings)
}

fn render(format: &str, report: &Report) -> String {
    let mut out = Vec::new();
    rampart::report::find(format).unwrap().render(report, &RenderContext::PLAIN, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every `artifactLocation.uri` in a SARIF log: relative references of unreserved
/// characters, escapes and slashes only (the validator's `jsonschema` has no URI checker).
fn assert_uris_are_plain(sarif: &Value) {
    fn walk(v: &Value, uris: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(uri)) = map.get("artifactLocation").and_then(|a| a.get("uri")) {
                    uris.push(uri.clone());
                }
                map.values().for_each(|v| walk(v, uris));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, uris)),
            _ => {}
        }
    }
    let mut uris = Vec::new();
    walk(sarif, &mut uris);
    assert!(!uris.is_empty());
    for uri in uris {
        assert!(uri.starts_with("aws/"), "{uri}");
        assert!(uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)), "{uri}");
        assert!(uri.split('/').all(|s| !s.is_empty() && s != "." && s != ".."), "{uri}");
    }
}

#[test]
fn the_sarif_report_of_the_fixture_is_valid_sarif() {
    let tmp = tempfile::tempdir().unwrap();
    let files = audit_fixture_into(&tmp.path().join("out"), "sarif");
    assert_eq!(files.len(), 1, "{files:?}");
    let (ext, path) = &files[0];
    assert_eq!(ext, "sarif");
    assert_valid(SARIF_SCHEMA, path, &[]);

    let mut log: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_uris_are_plain(&log);
    // A result without its message is not SARIF.
    log["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
    assert_invalid(SARIF_SCHEMA, tmp.path(), &log.to_string(), &[], "'message' is a required property");
}

#[test]
fn hostile_strings_stay_strings_in_sarif() {
    let report = hostile_report();
    let text = render("sarif", &report);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("hostile.sarif");
    std::fs::write(&path, &text).unwrap();
    assert_valid(SARIF_SCHEMA, &path, &[]);

    let log: Value = serde_json::from_str(&text).unwrap();
    assert_uris_are_plain(&log);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "the two failures");
    for (result, f) in results.iter().zip(report.findings.iter().filter(|f| f.status == Status::Fail)) {
        assert_eq!(result["message"]["text"], &*f.message, "the message, byte for byte");
        assert_eq!(result["locations"][0]["logicalLocations"][0]["name"], f.resource.id.as_str());
        if let Some(reason) = &f.mute_reason {
            assert_eq!(result["suppressions"][0]["justification"], &**reason);
        }
    }
    let notifications = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 1);
    assert!(notifications[0]["message"]["text"].as_str().unwrap().ends_with("\u{0} ERROR"));
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/123456789012/eu-west-1/AwsIamUser/%22quoted%22%0A"
    );
    // The raw text holds no NUL and no raw newline inside a string: escapes only.
    assert!(!text.contains('\u{0}'));
    assert!(text.contains("\\u0000"));
}

const OCSF_SCHEMA: &str = "tests/schemas/ocsf-1.5.0-detection_finding.json";

#[test]
fn the_ocsf_reports_of_the_fixture_are_valid_detection_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let files = audit_fixture_into(&tmp.path().join("out"), "ocsf,ocsf-ndjson,json");
    let extensions: Vec<&str> = files.iter().map(|(ext, _)| ext.as_str()).collect();
    assert_eq!(extensions, vec!["json", "ocsf.json", "ocsf.ndjson"]);
    let (array, lines) = (&files[1].1, &files[2].1);
    assert_valid(OCSF_SCHEMA, array, &["--each"]);
    assert_valid(OCSF_SCHEMA, lines, &["--lines"]);

    // The same findings as the JSON report, in the same order.
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&files[0].1).unwrap()).unwrap();
    let objects: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(array).unwrap()).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(objects.len(), findings.len());
    for (o, f) in objects.iter().zip(findings) {
        assert_eq!(o["metadata"]["event_code"], f["check_id"]);
        assert_eq!(o["status_code"], f["status"]);
        assert_eq!(o["resources"][0]["name"], f["resource_id"]);
    }
    let ndjson: Vec<Value> =
        std::fs::read_to_string(lines).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(ndjson, objects);

    // Without its class, or in another class, an object is not a Detection Finding.
    let mut broken = objects.clone();
    broken[0].as_object_mut().unwrap().remove("class_uid");
    assert_invalid(OCSF_SCHEMA, tmp.path(), &Value::from(broken).to_string(), &["--each"], "'class_uid' is a required property");
    let mut broken = objects.clone();
    broken[1]["class_uid"] = 2003.into();
    let lines: Vec<String> = broken.iter().map(Value::to_string).collect();
    assert_invalid(OCSF_SCHEMA, tmp.path(), &lines.join("\n"), &["--lines"], "instance 1: /class_uid: 2004 was expected");
}

#[test]
fn hostile_strings_stay_strings_in_ocsf() {
    let report = hostile_report();
    let tmp = tempfile::tempdir().unwrap();
    let array = render("ocsf", &report);
    let lines = render("ocsf-ndjson", &report);
    std::fs::write(tmp.path().join("hostile.ocsf.json"), &array).unwrap();
    std::fs::write(tmp.path().join("hostile.ocsf.ndjson"), &lines).unwrap();
    assert_valid(OCSF_SCHEMA, &tmp.path().join("hostile.ocsf.json"), &["--each"]);
    assert_valid(OCSF_SCHEMA, &tmp.path().join("hostile.ocsf.ndjson"), &["--lines"]);

    let objects: Vec<Value> = serde_json::from_str(&array).unwrap();
    assert_eq!(objects.len(), report.findings.len());
    assert_eq!(lines.lines().count(), report.findings.len(), "a newline in a value never splits a line");
    for (o, f) in objects.iter().zip(&report.findings) {
        assert_eq!(o["message"], &*f.message, "the message, byte for byte");
        assert_eq!(o["status_detail"], &*f.message);
        assert_eq!(o["resources"][0]["name"], f.resource.id.as_str());
        assert_eq!(o["resources"][0]["uid"], f.resource.arn.as_deref().unwrap_or(&f.resource.id));
        assert_eq!(o["status_code"], f.status.as_str());
        match &f.mute_reason {
            Some(reason) => assert_eq!(o["comment"], &**reason),
            None => assert!(o.get("comment").is_none()),
        }
    }
    assert!(!array.contains('\u{0}') && array.contains("\\u0000"));
}
