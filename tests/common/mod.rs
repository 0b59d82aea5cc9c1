//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod organization;
pub mod proxy;
pub mod stub;

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The rampart binary with a clean AWS environment: no profile, no ambient credentials,
/// no config files, and the instance metadata service disabled so that nothing is ever
/// sent beyond loopback.
pub fn rampart() -> Command {
    let mut cmd = Command::cargo_bin("rampart").unwrap();
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
        "RAMPART_CONFIG",
        "RAMPART_MUTELIST",
        "RAMPART_NOTIFY_URL",
        "RAMPART_LOG",
    ] {
        cmd.env_remove(var);
    }
    let nowhere = std::env::temp_dir().join("rampart-tests-no-aws-config");
    cmd.env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().expect("rampart exited by a signal"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The findings of a JSON report as (check_id, resource_id, status) triples.
pub fn outcomes(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["check_id"].as_str().unwrap().to_string(),
                f["resource_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn status_of(report: &Value, check: &str, resource: &str) -> String {
    let matching: Vec<_> =
        outcomes(report).into_iter().filter(|(c, r, _)| c == check && r == resource).collect();
    assert_eq!(matching.len(), 1, "expected one finding for {check} on {resource}, got {matching:?}");
    matching[0].2.clone()
}
