//! Report formats and their destinations, from a saved snapshot (no AWS, no emulator):
//! several formats into `--output-dir`, one to stdout or `-o`, and the usage errors between.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, rampart, run};
use serde_json::Value;

/// Names of the files in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// `rampart audit --snapshot aged-account.json` with colour allowed (no NO_COLOR).
fn audit_fixture() -> assert_cmd::Command {
    let mut cmd = rampart();
    cmd.env_remove("NO_COLOR").arg("audit").arg("--snapshot").arg(fixture("aged-account.json"));
    cmd
}

/// `rampart-<account>-<YYYYMMDDTHHMMSSZ>.<ext>` split into (account, stamp, ext).
fn parse_name(name: &str) -> (String, String, String) {
    let rest = name.strip_prefix("rampart-").unwrap_or_else(|| panic!("{name}"));
    let (stem, ext) = rest.rsplit_once('.').unwrap_or_else(|| panic!("{name}"));
    let (account, stamp) = stem.rsplit_once('-').unwrap_or_else(|| panic!("{name}"));
    let b = stamp.as_bytes();
    assert!(
        b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit),
        "{name}: the stamp is not like 20261202T153012Z"
    );
    (account.to_string(), stamp.to_string(), ext.to_string())
}

#[test]
fn several_formats_are_written_to_one_directory_one_file_each() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports").join("nightly");
    let (code, out, err) = run(audit_fixture().args(["--format", "table,json", "--output-dir"]).arg(&dir));
    assert_eq!(code, 3, "{err}");
    assert!(out.is_empty(), "nothing goes to stdout: {out}");

    let names = files_in(&dir);
    assert_eq!(names.len(), 2, "{names:?}");
    let parsed: Vec<_> = names.iter().map(|n| parse_name(n)).collect();
    assert_eq!(parsed[0].0, "210987654321");
    assert_eq!(parsed[0].0, parsed[1].0);
    assert_eq!(parsed[0].1, parsed[1].1, "the files of one run share their stamp");
    assert_eq!(vec![parsed[0].2.as_str(), parsed[1].2.as_str()], vec!["json", "txt"]);
    let written: Vec<String> = err.lines().map(str::to_string).collect();
    assert_eq!(
        written,
        vec![
            format!("report written to {}", dir.join(&names[1]).display()),
            format!("report written to {}", dir.join(&names[0]).display()),
        ],
        "each path on stderr, in --format order"
    );

    // The stamp is the report's start.
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(&names[0])).unwrap()).unwrap();
    let started: chrono::DateTime<chrono::Utc> = report["started_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(started.format("%Y%m%dT%H%M%SZ").to_string(), parsed[0].1);

    // The same findings as the one format on stdout.
    let (code, out, _) = run(audit_fixture().args(["--format", "json"]));
    assert_eq!(code, 3);
    let stdout: Value = serde_json::from_str(&out).unwrap();
    assert!(!report["findings"].as_array().unwrap().is_empty());
    assert_eq!(report["findings"], stdout["findings"]);
    assert_eq!(report["summary"], stdout["summary"]);

    // The table is for reading in a file: no colour codes, even with colour allowed.
    let table = std::fs::read_to_string(dir.join(&names[1])).unwrap();
    assert!(table.starts_with("Rampart ") && table.contains("Failing: "), "{table}");
    assert!(!table.contains('\x1b'), "{table}");

    // --quiet: the files, and nothing said.
    let quiet = tmp.path().join("quiet");
    let (code, _, err) = run(audit_fixture().args(["--quiet", "--format", "json", "--output-dir"]).arg(&quiet));
    assert_eq!(code, 3, "{err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(files_in(&quiet).len(), 1);
}

#[test]
fn an_account_id_from_a_snapshot_is_not_a_path() {
    let tmp = tempfile::tempdir().unwrap();
    let mut snapshot: Value = serde_json::from_str(&std::fs::read_to_string(fixture("aged-account.json")).unwrap()).unwrap();
    snapshot["accounts"][0]["account_id"] = "../../x/y z".into();
    let path = tmp.path().join("snapshot.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let dir = tmp.path().join("a").join("b");
    let (code, _, err) = run(rampart().args(["audit", "--format", "json", "--output-dir"]).arg(&dir).arg("--snapshot").arg(&path));
    assert_eq!(code, 3, "{err}");
    let names = files_in(&dir);
    assert_eq!(names.len(), 1, "{names:?}");
    assert_eq!(parse_name(&names[0]).0, "______x_y_z");
    assert_eq!(files_in(tmp.path()), vec!["a".to_string(), "snapshot.json".to_string()], "nothing lands outside");
}

#[test]
fn contradictory_formats_and_destinations_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.txt");

    let (code, _, err) = run(audit_fixture().args(["--format", "table,yaml"]));
    assert_eq!(code, 2);
    assert!(err.contains("'yaml'") && err.contains("table, json"), "names the known formats: {err}");

    let (code, out, err) = run(audit_fixture().args(["--format", "table,json"]));
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("standard output takes one format") && err.contains("--output-dir"), "{err}");

    let (code, _, err) = run(audit_fixture().args(["--format", "json", "--format", "table", "-o", "-"]));
    assert_eq!(code, 2);
    assert!(err.contains("standard output takes one format"), "{err}");

    let (code, _, err) = run(audit_fixture().args(["--format", "table,json", "-o"]).arg(&report));
    assert_eq!(code, 2);
    assert!(err.contains("-o FILE takes one format") && err.contains("--output-dir"), "{err}");

    let (code, _, err) = run(audit_fixture().args(["--format", "json,table,json", "--output-dir"]).arg(tmp.path()));
    assert_eq!(code, 2);
    assert!(err.contains("'json' twice"), "{err}");

    let (code, _, err) = run(audit_fixture().args(["--format", "json", "-o"]).arg(&report).arg("--output-dir").arg(tmp.path()));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");

    assert!(files_in(tmp.path()).is_empty(), "nothing written");
}

#[test]
fn an_output_dir_that_is_a_file_fails_before_anything_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("reports");
    std::fs::write(&file, "not a directory\n").unwrap();
    let missing_snapshot: PathBuf = tmp.path().join("no-such-snapshot.json");
    // Had the snapshot been read, that is the error that would be reported.
    let (code, _, err) = run(rampart()
        .args(["audit", "--format", "table,json", "--output-dir"])
        .arg(&file)
        .arg("--snapshot")
        .arg(&missing_snapshot));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.trim(), format!("rampart: cannot write {}: it is not a directory", file.display()));
    // Nor is AWS called: the endpoint would be unreachable.
    let (code, _, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--output-dir"])
        .arg(&file)
        .args(["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&format!("rampart: cannot write {}", file.display())), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a directory\n");
    // A directory below a file cannot be created either.
    let below = file.join("sub");
    let (code, _, err) = run(rampart().args(["audit", "--output-dir"]).arg(&below).arg("--snapshot").arg(&missing_snapshot));
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&format!("rampart: cannot write {}", below.display())), "{err}");
}

#[test]
fn checks_has_its_own_formats() {
    let (code, out, err) = run(rampart().args(["checks", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    assert!(list.as_array().unwrap().iter().any(|c| c["id"] == "iam_root_mfa_enabled"));
    let (code, out, _) = run(rampart().args(["checks", "--format", "table"]));
    assert_eq!(code, 0);
    assert!(out.contains("iam_root_mfa_enabled"), "{out}");
    // A list of checks is not a report: one format, and no --output-dir.
    assert_eq!(run(rampart().args(["checks", "--format", "table,json"])).0, 2);
    assert_eq!(run(rampart().args(["checks", "--output-dir", "x"])).0, 2);
}

/// On a terminal (a pseudo-terminal from util-linux `script`) the table to stdout is in
/// colour, and the files of --output-dir still are not.
#[test]
fn on_a_terminal_only_stdout_is_coloured() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let bin = assert_cmd::cargo::cargo_bin("rampart");
    let snapshot = fixture("aged-account.json");
    let in_terminal = |args: &str| {
        let line = format!("{} audit --snapshot {} {args}", quote(&bin), quote(&snapshot));
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = in_terminal("--format table");
    assert!(shown.contains("\x1b[38;5;9m CRITICAL"), "the terminal gets colour: {shown}");
    let details = in_terminal("--format table --details");
    assert!(details.contains("\x1b[1;31mCRITICAL\x1b[0m"), "the terminal gets colour: {details}");
    let dir = tmp.path().join("out");
    let shown = in_terminal(&format!("--format table,json --output-dir {}", quote(&dir)));
    let names = files_in(&dir);
    assert_eq!(names.len(), 2, "{names:?}");
    // On a terminal, the summary and where the files are.
    assert!(shown.contains("Failing: ") && shown.contains("Reports written:"), "{shown}");
    for name in &names {
        assert!(shown.contains(&dir.join(name).display().to_string()), "{name}: {shown}");
    }
    let table = std::fs::read_to_string(dir.join(names.iter().find(|n| n.ends_with(".txt")).unwrap())).unwrap();
    assert!(table.contains("CRITICAL") && !table.contains('\x1b'), "{table}");
}
