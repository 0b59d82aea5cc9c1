//! Calls that the emulator does not implement or answers unreadably (IAM Access Analyzer,
//! GetEbsDefaultKmsKeyId, GetInstanceMetadataDefaults, GetSnapshotBlockPublicAccessState,
//! Macie), answered here as AWS answers them by a loopback stub:
//! the collectors read them into the inventory and the checks judge them.

mod common;

use common::stub::{self, caller_identity, ec2_unauthorized};
use common::{rampart, run, status_of};
use serde_json::Value;

fn answer(r: &stub::Request) -> stub::Answer {
    match r.action.as_str() {
        "GetCallerIdentity" => caller_identity(),
        "REST GET /analyzer" => (
            "200 OK",
            "application/json",
            r#"{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/org","name":"org","type":"ACCOUNT","status":"ACTIVE","createdAt":"2023-11-14T22:13:20Z"}]}"#.to_string(),
        ),
        "REST GET /macie" => (
            "200 OK",
            "application/json",
            r#"{"status":"ENABLED","createdAt":"2024-01-02T03:04:05Z","findingPublishingFrequency":"FIFTEEN_MINUTES"}"#.to_string(),
        ),
        "GetEbsDefaultKmsKeyId" => (
            "200 OK",
            "text/xml",
            "<GetEbsDefaultKmsKeyIdResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId>\
<kmsKeyId>arn:aws:kms:us-east-1:123456789012:key/ebs-default</kmsKeyId></GetEbsDefaultKmsKeyIdResponse>"
                .to_string(),
        ),
        "GetInstanceMetadataDefaults" => (
            "200 OK",
            "text/xml",
            "<GetInstanceMetadataDefaultsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId>\
<accountLevel><httpTokens>required</httpTokens><httpEndpoint>enabled</httpEndpoint></accountLevel></GetInstanceMetadataDefaultsResponse>"
                .to_string(),
        ),
        "GetSnapshotBlockPublicAccessState" => (
            "200 OK",
            "text/xml",
            "<GetSnapshotBlockPublicAccessStateResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId>\
<state>block-new-sharing</state><managedBy>account</managedBy></GetSnapshotBlockPublicAccessStateResponse>"
                .to_string(),
        ),
        "GetEbsEncryptionByDefault" => (
            "200 OK",
            "text/xml",
            "<GetEbsEncryptionByDefaultResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId>\
<ebsEncryptionByDefault>true</ebsEncryptionByDefault></GetEbsEncryptionByDefaultResponse>"
                .to_string(),
        ),
        other => ec2_unauthorized(other),
    }
}

#[test]
fn unimplemented_calls_are_read_when_answered() {
    let (url, _) = stub::serve(answer);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let creds = |cmd: &mut assert_cmd::Command| {
        cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test");
    };
    let mut collect = rampart();
    creds(&mut collect);
    let (code, _, err) = run(collect
        .args(["collect", "--endpoint-url", &url, "--region", "us-east-1"])
        .args(["--checks", "accessanalyzer_enabled,ec2_ebs_default_encryption,ec2_instance_imdsv2_enabled,ec2_instance_account_imdsv2_enabled,ec2_ebs_snapshot_account_block_public_access,macie_is_enabled", "-o"])
        .arg(&snapshot));
    assert_eq!(code, 0, "{err}");
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let region = &snap["accounts"][0]["regional"]["us-east-1"];
    assert_eq!(region["ec2"]["ebs_default_kms_key_id"]["known"], "arn:aws:kms:us-east-1:123456789012:key/ebs-default");
    assert_eq!(region["ec2"]["instance_metadata_defaults"]["known"]["http_tokens"], "required");
    assert_eq!(region["ec2"]["snapshot_block_public_access"]["known"], "block-new-sharing");
    assert_eq!(region["accessanalyzer"]["analyzers"]["known"][0]["status"], "ACTIVE", "{}", region["accessanalyzer"]);
    // Denied calls are Unknown with the reason, not an empty list.
    assert_eq!(region["ec2"]["instances"]["unknown"]["cause"], "denied", "{}", region["ec2"]["instances"]);
    let instances = region["ec2"]["instances"]["unknown"]["reason"].as_str().unwrap();
    assert!(instances.contains("access denied") && instances.contains("UnauthorizedOperation"), "{instances}");

    let (_, out, _) = run(rampart().args(["audit", "--format", "json", "--snapshot"]).arg(&snapshot));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status_of(&report, "accessanalyzer_enabled", "123456789012/us-east-1"), "PASS");
    assert_eq!(status_of(&report, "ec2_ebs_default_encryption", "123456789012/us-east-1"), "PASS");
    assert_eq!(status_of(&report, "ec2_instance_account_imdsv2_enabled", "123456789012/us-east-1"), "PASS");
    assert_eq!(status_of(&report, "macie_is_enabled", "123456789012/us-east-1"), "PASS");
    assert_eq!(status_of(&report, "ec2_ebs_snapshot_account_block_public_access", "123456789012/us-east-1"), "FAIL");
    let imds = report["findings"].as_array().unwrap().iter().find(|f| f["check_id"] == "ec2_instance_imdsv2_enabled").unwrap();
    assert_eq!(imds["status"], "ERROR", "{imds}");
}

#[test]
fn unimplemented_calls_are_errors_with_the_reason_when_not_answered() {
    // moto answers these with HTTP 500 and an HTML page; so does this stub.
    let (url, _) = stub::serve(|r| match r.action.as_str() {
        "GetCallerIdentity" => caller_identity(),
        _ => ("500 Internal Server Error", "text/html", "<html><h1>Internal Server Error</h1></html>".to_string()),
    });
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("RAMPART_MAX_ATTEMPTS", "1")
        .args(["audit", "--format", "json", "--endpoint-url", &url, "--region", "us-east-1", "--checks", "accessanalyzer_enabled"]));
    assert_eq!(code, 4, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["status"], "ERROR");
    assert!(finding["message"].as_str().unwrap().contains("access-analyzer:ListAnalyzers"), "{finding}");
}
