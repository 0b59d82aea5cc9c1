//! Hostile conditions without the emulator: bad command lines and environments, a
//! destination that cannot be written, a write that fails half way, an endpoint that
//! answers with an endless body.

mod common;

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::stub::{self, caller_identity};
use common::{fixture, rampart, run, status_of};
use serde_json::Value;

fn with_keys(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test")
}

#[test]
fn bad_regions_and_endpoints_are_usage_errors() {
    for args in [
        &["audit", "--region", "US_EAST_1", "--endpoint-url", "http://127.0.0.1:9"][..],
        &["audit", "--exclude-region", "eu west 1"][..],
        &["collect", "-o", "x.json", "--region", ""][..],
    ] {
        let (code, _, err) = run(with_keys(&mut rampart()).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("not an AWS region name"), "{args:?}: {err}");
    }
    let (code, _, err) = run(with_keys(&mut rampart()).args(["audit", "--endpoint-url", "not a url"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not an endpoint URL") && !err.contains("Request {"), "{err}");

    // A region from the environment is checked too, before any request.
    for region in ["", "not a region", "us-east-1\n"] {
        let (code, _, err) =
            run(with_keys(&mut rampart()).env("AWS_REGION", region).args(["audit", "--endpoint-url", "http://127.0.0.1:9"]));
        assert_eq!(code, 2, "{region:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("is not an AWS region name"), "{region:?}: {err}");
        assert!(!err.contains("endpoint params"), "{err}");
    }
}

#[test]
fn configuration_errors_say_where_and_why_on_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rampart.toml");
    std::fs::write(&config, "# thresholds\n[iam]\nmax_access_key_age_days = \"ninety\"\n").unwrap();
    let (code, _, err) = run(rampart().arg("audit").arg("--config").arg(&config).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("rampart.toml: line 3, column 27: invalid type: string"), "{err}");
}

#[test]
fn stdout_is_not_called_a_file() {
    let (code, out, err) = run(rampart().args(["audit", "--format", "json", "-o", "-", "--snapshot"]).arg(fixture("aged-account.json")));
    assert_eq!(code, 3, "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok());
    assert!(!err.contains("written to"), "{err}");
}

#[test]
fn an_unwritable_destination_fails_before_collection() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("report.json");
    // The endpoint is unreachable: had collection started, that is what would be reported.
    for args in [&["audit", "-o"][..], &["collect", "-o"][..]] {
        let (code, _, err) = run(with_keys(&mut rampart())
            .args(args)
            .arg(&missing)
            .args(["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"]));
        assert_eq!(code, 1, "{err}");
        assert!(err.starts_with(&format!("rampart: cannot write {}", missing.display())), "{err}");
    }
    let (code, _, err) = run(rampart().args(["audit", "-o"]).arg(dir.path()).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("it is a directory"), "{err}");
}

/// Names of the files in `dir`.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A report is written whole or not at all: a write that fails half way (here the file size
/// limit, as a full disk would) leaves the previous report in place and no stray file; a
/// process killed half way (the limit's signal) leaves the previous report in place.
#[test]
fn a_write_that_fails_half_way_leaves_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let previous = "{\"previous\": \"complete report\"}\n";
    let bin = assert_cmd::cargo::cargo_bin("rampart");
    for (format, ignore_signal) in [("json", true), ("table", true), ("json", false)] {
        std::fs::write(&report, previous).unwrap();
        // 2 blocks of 512 bytes (or 1 KiB): far less than the report.
        let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
        let script = format!("{trap}ulimit -f 2; exec \"$0\" \"$@\"");
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .arg(&bin)
            .args(["audit", "--format", format, "-o"])
            .arg(&report)
            .arg("--snapshot")
            .arg(fixture("aged-account.json"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(3), "{format}: the report cannot have been written: {err}");
        assert_eq!(std::fs::read_to_string(&report).unwrap(), previous, "{format}: the previous report is intact");
        if ignore_signal {
            assert_eq!(out.status.code(), Some(1), "{err}");
            assert!(err.starts_with(&format!("rampart: cannot write {}", report.display())), "{err}");
            assert_eq!(files_in(dir.path()), vec!["report.json".to_string()], "the temporary file is removed");
        } else {
            assert_eq!(out.status.code(), None, "killed by SIGXFSZ: {err}");
        }
    }
    // Without the limit the new report replaces the old one.
    let (code, _, err) = run(rampart().args(["audit", "--format", "json", "-o"]).arg(&report).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 3, "{err}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["schema_version"], 1);
}

/// Answers GetCallerIdentity, and every other request with a 200 whose chunked body never
/// ends (until the client hangs up or 1 GiB has been sent). Returns the URL and the actions
/// answered so.
fn serve_endless() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let endless = Arc::new(Mutex::new(Vec::new()));
    let log = endless.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let Some(request) = stub::read_raw(&mut reader) else { return };
                if request.action() != "GetCallerIdentity" {
                    log.lock().unwrap().push(request.action());
                } else {
                    let (status, content_type, body) = caller_identity();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    return;
                }
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
                for _ in 0..(1 << 30) / (64 * 1024) {
                    if stream.write_all(chunk.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, endless)
}

#[test]
fn an_endless_response_is_an_error_not_an_allocation_failure() {
    let (url, endless) = serve_endless();
    let (code, out, err) = run(with_keys(&mut rampart())
        .env("RAMPART_MAX_ATTEMPTS", "3")
        .args(["audit", "--format", "json", "--region", "us-east-1", "--checks", "ec2_ebs_default_encryption", "--endpoint-url"])
        .arg(&url));
    assert_eq!(code, 4, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status_of(&report, "ec2_ebs_default_encryption", "123456789012/us-east-1"), "ERROR");
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("response too large: over 64 MiB"), "{message}");
    // The same request would get the same answer: it is not retried.
    let mut actions = endless.lock().unwrap().clone();
    assert!(!actions.is_empty());
    let sent = actions.len();
    actions.sort();
    actions.dedup();
    assert_eq!(actions.len(), sent, "an endless answer was asked for again: {actions:?}");
}
