//! Reports written to S3 against the emulator that scripts/test.sh starts: every object
//! encrypted (SSE-S3 by default, SSE-KMS with --s3-kms-key), a missing bucket refused
//! before anything is read, bad locations refused as usage errors.

mod common;

use common::{fixture, rampart, root, run};
use serde_json::Value;

fn endpoint() -> String {
    std::env::var("RAMPART_TEST_ENDPOINT")
        .expect("RAMPART_TEST_ENDPOINT is not set: run the tests with scripts/test.sh, which starts the emulator")
}

/// Runs Python (the emulator's venv, with boto3) against the emulator; returns stdout.
fn python(script: &str) -> String {
    let out = std::process::Command::new(root().join("localstack/.venv/bin/python"))
        .args(["-c", script])
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "eu-west-1")
        .output()
        .expect("run python");
    assert!(out.status.success(), "{script}\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn audit() -> assert_cmd::Command {
    let mut cmd = rampart();
    cmd.env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--snapshot"])
        .arg(fixture("aged-account.json"));
    cmd
}

#[test]
fn reports_go_to_s3_encrypted_whole() {
    let bucket = "rampart-reports-s3-output";
    let key_id = python(&format!(
        "import boto3\n\
         s3 = boto3.client('s3')\n\
         s3.create_bucket(Bucket='{bucket}', CreateBucketConfiguration={{'LocationConstraint': 'eu-west-1'}})\n\
         print(boto3.client('kms').create_key()['KeyMetadata']['KeyId'])"
    ));
    let key_id = key_id.trim();

    let (code, out, err) = run(audit().args(["--format", "json,csv", "--output-dir", &format!("s3://{bucket}/nightly/")]));
    assert_eq!(code, 3, "{err}");
    assert!(out.is_empty(), "{out}");
    let said: Vec<&str> = err.lines().filter(|l| l.starts_with("report written to s3://")).collect();
    assert_eq!(said.len(), 2, "{err}");

    let listing = python(&format!(
        "import boto3, json\n\
         s3 = boto3.client('s3')\n\
         out = {{}}\n\
         for o in s3.list_objects_v2(Bucket='{bucket}', Prefix='nightly/')['Contents']:\n\
         \x20   head = s3.head_object(Bucket='{bucket}', Key=o['Key'])\n\
         \x20   body = s3.get_object(Bucket='{bucket}', Key=o['Key'])['Body'].read().decode()\n\
         \x20   out[o['Key']] = [head.get('ServerSideEncryption'), head.get('ContentType'), body]\n\
         print(json.dumps(out))"
    ));
    let objects: Value = serde_json::from_str(&listing).unwrap();
    let objects = objects.as_object().unwrap();
    assert_eq!(objects.len(), 2, "{objects:?}");
    for (key, v) in objects {
        assert!(key.starts_with("nightly/rampart-210987654321-"), "{key}");
        assert_eq!(v[0], "AES256", "{key}");
        assert!(said.iter().any(|l| l.ends_with(key.as_str())), "{key} said on stderr: {err}");
        if key.ends_with(".json") {
            assert_eq!(v[1], "application/json");
            let report: Value = serde_json::from_str(v[2].as_str().unwrap()).unwrap();
            assert!(!report["findings"].as_array().unwrap().is_empty());
        } else {
            assert!(v[2].as_str().unwrap().starts_with("finding_id,check_id,"), "{key}");
        }
    }

    // One object, SSE-KMS with the given key.
    let (code, _, err) = run(audit().args(["--format", "json", "--s3-kms-key", key_id, "-o", &format!("s3://{bucket}/one/report.json")]));
    assert_eq!(code, 3, "{err}");
    let head = python(&format!(
        "import boto3\n\
         h = boto3.client('s3').head_object(Bucket='{bucket}', Key='one/report.json')\n\
         print(h.get('ServerSideEncryption'), h.get('SSEKMSKeyId'))"
    ));
    assert!(head.starts_with("aws:kms ") && head.contains(key_id), "{head}");
}

#[test]
fn a_missing_bucket_fails_before_anything_is_read_and_bad_locations_are_usage_errors() {
    let (code, _, err) = run(audit().args(["--format", "json", "-o", "s3://rampart-no-such-bucket-here/r.json"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("s3://rampart-no-such-bucket-here/r.json") && err.contains("does not exist"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    for (args, expected) in [
        (vec!["--output-dir", "s3://Bad_Bucket/"], "not a valid S3 bucket name"),
        (vec!["--output-dir", "s3://good-bucket/no-slash"], "ends with '/'"),
        (vec!["-o", "s3://x/r.json"], "not a valid S3 bucket name"),
        (vec!["--s3-kms-key", "alias/k", "--format", "json"], "--s3-kms-key encrypts reports written to S3"),
    ] {
        let (code, _, err) = run(audit().args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
