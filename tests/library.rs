//! The library seam: an audit called as a function of its settings, with no command line,
//! as a Lambda handler calls it.

use std::path::{Path, PathBuf};

use rampart::settings::{ConfigSource, Destination, InventorySource, Outputs, SelectionSettings};
use rampart::{RunError, Settings, Verdict};
use rampart_checks::{Severity, Status};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn snapshot_settings() -> Settings {
    Settings {
        source: InventorySource::Snapshot(fixture("aged-account.json")),
        selection: SelectionSettings::default(),
        config: ConfigSource::Default,
        mutelist: None,
        baseline: None,
        notify: None,
        outputs: Outputs::None,
        fail_on: Severity::Informational,
        quiet: true,
        security_hub: false,
    }
}

fn status_of(outcome: &rampart::Outcome, check: &str, resource: &str) -> Status {
    let found: Vec<Status> = outcome
        .report
        .findings
        .iter()
        .filter(|f| f.check.id == check && f.resource.id == resource)
        .map(|f| f.status)
        .collect();
    assert_eq!(found.len(), 1, "{check} on {resource}: {found:?}");
    found[0]
}

#[tokio::test]
async fn a_snapshot_is_audited_by_a_function_call() {
    let outcome = rampart::audit(&snapshot_settings()).await.unwrap();
    let acct = "210987654321";
    for (check, resource, status) in [
        ("iam_no_root_access_key", acct, Status::Fail),
        ("iam_root_mfa_enabled", acct, Status::Pass),
        ("iam_rotate_access_key_90_days", "bob-stale-key", Status::Fail),
        ("iam_rotate_access_key_90_days", "alice", Status::Pass),
        ("iam_user_console_access_unused", "carol-dormant", Status::Fail),
        ("iam_password_policy_minimum_length_14", acct, Status::Pass),
    ] {
        assert_eq!(status_of(&outcome, check, resource), status, "{check} on {resource}");
    }
    assert_eq!(outcome.report.scope.accounts, [acct]);
    assert_eq!(outcome.report.collected_at.to_rfc3339(), "2026-11-26T12:00:00+00:00");
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert_eq!(outcome.verdict.exit_code(), 3);

    // The report in memory, for a caller that uploads it.
    let json: serde_json::Value = serde_json::from_slice(&outcome.render(rampart::report::find("json").unwrap())).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), outcome.report.findings.len());
}

#[test]
fn the_verdict_follows_fail_on_and_the_selection() {
    let verdict = |checks: &[&str], fail_on| {
        let mut settings = snapshot_settings();
        settings.selection.check_ids = checks.iter().map(|s| s.to_string()).collect();
        settings.fail_on = fail_on;
        rampart::audit_blocking(&settings).unwrap().verdict
    };
    // Only medium failures: below high.
    assert_eq!(verdict(&["iam_rotate_access_key_90_days"], Severity::High), Verdict::Passed);
    assert_eq!(verdict(&["iam_rotate_access_key_90_days"], Severity::Informational), Verdict::Failed);
    assert_eq!(verdict(&["iam_root_mfa_enabled", "iam_password_policy_reuse_24"], Severity::Informational), Verdict::Passed);
}

#[test]
fn configuration_given_as_text_sets_thresholds_and_mutes() {
    let mut settings = snapshot_settings();
    settings.config = ConfigSource::Toml(
        "[iam]\nmax_access_key_age_days = 400\n\n[[mute]]\ncheck = \"iam_user_console_access_unused\"\nresource = \"carol-*\"\nreason = \"on leave\"\n"
            .into(),
    );
    let outcome = rampart::audit_blocking(&settings).unwrap();
    assert_eq!(status_of(&outcome, "iam_rotate_access_key_90_days", "dave-unused-key"), Status::Pass);
    let carol = outcome
        .report
        .findings
        .iter()
        .find(|f| f.check.id == "iam_user_console_access_unused" && f.resource.id == "carol-dormant")
        .unwrap();
    assert!(carol.muted && carol.status == Status::Fail);

    settings.config = ConfigSource::Toml("[iam]\nmax_access_key_age = 10\n".into());
    match rampart::audit_blocking(&settings) {
        Err(e @ RunError::Config { .. }) => {
            assert_eq!(e.exit_code(), std::process::ExitCode::from(1));
            let message = e.to_string();
            assert!(message.starts_with("cannot read configuration <inline configuration>") && message.contains("max_access_key_age"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_outputs_the_settings_name_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    let mut settings = snapshot_settings();
    let formats = [rampart::report::find("json").unwrap(), rampart::report::find("table").unwrap()];
    settings.outputs = Outputs::Dir { formats: formats.to_vec(), dir: reports.clone() };
    let outcome = rampart::audit_blocking(&settings).unwrap();
    let mut written: Vec<String> =
        std::fs::read_dir(&reports).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    let mut expected: Vec<String> = formats.iter().map(|f| outcome.report.file_name(*f)).collect();
    expected.sort();
    assert_eq!(written, expected);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(reports.join(outcome.report.file_name(formats[0]))).unwrap()).unwrap();
    assert_eq!(json["scope"]["accounts"][0], "210987654321");

    let file = dir.path().join("report.json");
    settings.outputs = Outputs::One { format: formats[0], to: Destination::File(file.clone()) };
    rampart::audit_blocking(&settings).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&std::fs::read(&file).unwrap()).is_ok());
}

#[test]
fn the_library_validates_settings_it_is_given() {
    let mut settings = snapshot_settings();
    settings.selection.check_ids = vec!["nope".into()];
    match rampart::audit_blocking(&settings) {
        Err(RunError::Usage(message)) => assert!(message.starts_with("unknown check id nope"), "{message}"),
        other => panic!("{other:?}"),
    }
    let mut settings = snapshot_settings();
    settings.outputs = Outputs::Dir { formats: Vec::new(), dir: "never-created".into() };
    assert!(matches!(rampart::audit_blocking(&settings), Err(RunError::Usage(_))));
    assert!(!Path::new("never-created").exists());
    let mut settings = snapshot_settings();
    settings.source = InventorySource::Snapshot(fixture("missing.json"));
    assert!(matches!(rampart::audit_blocking(&settings), Err(RunError::Snapshot { .. })));
}

/// The modules of the library never see the command line: clap stays in the binary
/// (`main.rs`, `cli.rs`, `commands/`).
#[test]
fn the_library_does_not_know_of_clap() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let binary_only = [src.join("main.rs"), src.join("cli.rs"), src.join("commands"), src.join("bin")];
    let mut stack = vec![src.clone()];
    let mut seen = 0;
    while let Some(path) = stack.pop() {
        if binary_only.contains(&path) {
            continue;
        }
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            seen += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for word in ["clap", "crate::cli", "AwsArgs", "AuditArgs"] {
                    assert!(!code.contains(word), "{}:{}: {line}", path.display(), n + 1);
                }
            }
        }
    }
    assert!(seen > 20, "only {seen} files read");
}
