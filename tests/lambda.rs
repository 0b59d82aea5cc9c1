//! The Lambda handler, run in-process against the emulator that scripts/test.sh starts, as
//! the function and the state machine of deploy/lambda/template.yaml call it: a scheduled
//! EventBridge event audits the function's account and writes the JSON, HTML and OCSF
//! reports to the bucket with SSE-KMS; then the fan-out's steps (list the organization's
//! accounts, one audit per account, a merge) give the organization's report; bad payloads
//! and too short an invocation are refused with a clear error.
//!
//! The SDK reads credentials from the environment, which is the process's: this file holds
//! one test, which sets it before anything runs.

mod common;

use std::time::{Duration, SystemTime};

use common::organization::{Organization, endpoint};
use lambda_runtime::{Context, LambdaEvent};
use rampart::lambda::{Defaults, handler};
use rampart::settings::AwsSettings;
use serde_json::{Value, json};

fn invocation(payload: Value, time_left: Duration) -> LambdaEvent<Value> {
    let deadline = SystemTime::now() + time_left;
    let mut context = Context::default();
    context.request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678".into();
    context.deadline = deadline.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis() as u64;
    context.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:rampart".into();
    LambdaEvent::new(payload, context)
}

/// The objects under `prefix`: key, server-side encryption, KMS key, and the body for JSON.
fn objects(org: &Organization, prefix: &str) -> Value {
    let listing = org.python(&format!(
        "import boto3, json\n\
         s3 = boto3.client('s3')\n\
         out = {{}}\n\
         for o in s3.list_objects_v2(Bucket='{bucket}', Prefix='{prefix}').get('Contents', []):\n\
         \x20   head = s3.head_object(Bucket='{bucket}', Key=o['Key'])\n\
         \x20   body = s3.get_object(Bucket='{bucket}', Key=o['Key'])['Body'].read().decode()\n\
         \x20   out[o['Key']] = dict(sse=head.get('ServerSideEncryption'), key=head.get('SSEKMSKeyId'), body=body if o['Key'].endswith('.json') else body[:64])\n\
         print(json.dumps(out))",
        bucket = org.bucket
    ));
    serde_json::from_str(&listing).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handler_audits_on_schedule_fans_out_and_refuses_bad_payloads() {
    let org = Organization::create();
    // SAFETY: the only test of this binary, before any other thread reads the environment.
    unsafe {
        for var in ["AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            std::env::remove_var(var);
        }
        let nowhere = std::env::temp_dir().join("rampart-tests-no-aws-config");
        std::env::set_var("AWS_CONFIG_FILE", nowhere.join("config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"));
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_ACCESS_KEY_ID", &org.key);
        std::env::set_var("AWS_SECRET_ACCESS_KEY", &org.secret);
        std::env::set_var("AWS_SESSION_TOKEN", &org.token);
    }
    let mut aws = AwsSettings { endpoint_url: Some(endpoint()), ..AwsSettings::default() };
    aws.retry.max_attempts = 2;
    // The function's environment, as the template sets it.
    let defaults = Defaults {
        output: Some(format!("s3://{}/scheduled", org.bucket)),
        kms_key: Some(org.kms_key.clone()),
        regions: vec!["us-east-1".into()],
        aws,
        ..Defaults::default()
    };

    // 1. The schedule: EventBridge's event, every check, the function's own account.
    let scheduled = json!({
        "version": "0", "id": "89d1a02d-5ec7-412e-82f5-13505f849b41", "detail-type": "Scheduled Event",
        "source": "aws.events", "account": org.management, "time": "2026-12-07T06:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/rampart-nightly"], "detail": {}
    });
    let summary = handler(invocation(scheduled, Duration::from_secs(900)), &defaults).await.unwrap();
    let summary = serde_json::to_value(&summary).unwrap();
    assert_eq!(summary["action"], "audit");
    assert_eq!(summary["accounts"], json!([org.management]));
    assert_eq!(summary["verdict"], "failed", "{summary}");
    assert_eq!(summary["exit_code"], 3);
    let deadline = summary["deadline_seconds"].as_u64().unwrap();
    assert!((800..=810).contains(&deadline), "900 s less the margin: {deadline}");
    let reports = summary["reports"].as_object().unwrap();
    assert_eq!(reports.keys().collect::<Vec<_>>(), ["html", "json", "ocsf"]);
    let stored = objects(&org, "scheduled/");
    assert_eq!(stored.as_object().unwrap().len(), 3, "{stored}");
    for (format, location) in reports {
        let key = location.as_str().unwrap().strip_prefix(&format!("s3://{}/", org.bucket)).unwrap();
        let object = &stored[key];
        assert_eq!(object["sse"], "aws:kms", "{format}: {object}");
        assert_eq!(object["key"], org.kms_key.as_str(), "{format}");
    }
    let json_key = reports["json"].as_str().unwrap().strip_prefix(&format!("s3://{}/", org.bucket)).unwrap();
    let report: Value = serde_json::from_str(stored[json_key]["body"].as_str().unwrap()).unwrap();
    assert_eq!(report["summary"]["counts"], summary["counts"], "the answer's counts are the report's");
    assert_eq!(report["summary"]["score"]["overall"]["score"], summary["score"]["overall"]);
    assert!(report["findings"].as_array().unwrap().len() > 50, "every check ran");

    // 1b. A mutelist from the bucket mutes what it names; a broken one is named, not ignored.
    org.python(&format!(
        "import boto3\n\
         s3 = boto3.client('s3')\n\
         s3.put_object(Bucket='{b}', Key='settings/mutelist.yaml', Body=b'Mutelist:\\n  Accounts:\\n    \"{a}\":\\n      Checks:\\n        \"iam_root_mfa_enabled\":\\n          Regions: [\"*\"]\\n          Resources: [\"*\"]\\n          Description: \"break-glass account, reviewed quarterly\"\\n')\n\
         s3.put_object(Bucket='{b}', Key='settings/broken.yaml', Body=b'Mutelist: [')",
        b = org.bucket,
        a = org.management
    ));
    let muted = json!({
        "checks": ["iam_root_mfa_enabled"], "formats": ["json"], "output": format!("s3://{}/muted/", org.bucket),
        "mutelist": format!("s3://{}/settings/mutelist.yaml", org.bucket),
    });
    let summary = handler(invocation(muted, Duration::from_secs(900)), &defaults).await.unwrap();
    assert_eq!(summary.verdict, Some("passed"), "the one failing finding is muted");
    let stored = objects(&org, "muted/");
    let (_, object) = stored.as_object().unwrap().iter().next().unwrap();
    let report: Value = serde_json::from_str(object["body"].as_str().unwrap()).unwrap();
    let finding = &report["findings"][0];
    assert_eq!((finding["status"].as_str(), finding["muted"].as_bool()), (Some("FAIL"), Some(true)));
    assert_eq!(finding["mute_reason"], "break-glass account, reviewed quarterly");
    let broken = json!({"checks": ["iam_root_mfa_enabled"], "mutelist": format!("s3://{}/settings/broken.yaml", org.bucket)});
    let e = handler(invocation(broken, Duration::from_secs(900)), &defaults).await.unwrap_err();
    assert_eq!(e.error_type, rampart::lambda::USAGE_ERROR);
    let e = e.error_message;
    assert!(e.contains(&format!("s3://{}/settings/broken.yaml", org.bucket)) && e.contains("mutelist"), "{e}");

    // 2. The state machine's steps: the accounts, one audit per account, the merge.
    let listed = handler(invocation(json!({"action": "accounts"}), Duration::from_secs(60)), &defaults).await.unwrap();
    assert_eq!(listed.accounts, org.accounts);
    let run = "runs/exec-1";
    for account in &listed.accounts {
        let item = json!({
            "action": "audit", "accounts": [account], "output": format!("s3://{}/{run}/accounts/", org.bucket),
            "checks": ["iam_password_policy_minimum_length_14", "iam_root_mfa_enabled"],
        });
        let one = handler(invocation(item, Duration::from_secs(900)), &defaults).await.unwrap();
        assert_eq!(one.accounts, std::slice::from_ref(account));
    }
    let merge = json!({
        "action": "merge", "inputs": [format!("s3://{}/{run}/accounts/", org.bucket)],
        "output": format!("s3://{}/{run}/organization/", org.bucket), "expect_accounts": listed.accounts,
    });
    let merged = handler(invocation(merge, Duration::from_secs(900)), &defaults).await.unwrap();
    assert_eq!(merged.accounts, org.accounts);
    assert_eq!(merged.reports.len(), 3);
    let stored = objects(&org, &format!("{run}/organization/"));
    let key = merged.reports["json"].strip_prefix(&format!("s3://{}/", org.bucket)).unwrap();
    let report: Value = serde_json::from_str(stored[key]["body"].as_str().unwrap()).unwrap();
    assert_eq!(report["summary"]["accounts"].as_object().unwrap().len(), 4, "a score per account");
    let strong = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["account_id"] == org.strong_member.as_str() && f["check_id"] == "iam_password_policy_minimum_length_14")
        .unwrap();
    assert_eq!(strong["status"], "PASS");
    assert_eq!(stored[key]["sse"], "aws:kms");

    // 3. Mistakes: named, before anything is read.
    let refused = |payload: Value, left: u64| {
        let defaults = &defaults;
        async move {
            let e = handler(invocation(payload, Duration::from_secs(left)), defaults).await.unwrap_err();
            assert_eq!(e.error_type, rampart::lambda::USAGE_ERROR, "{}", e.error_message);
            e.error_message
        }
    };
    let e = refused(json!({"regoins": ["us-east-1"]}), 900).await;
    assert!(e.contains("unknown field `regoins`"), "{e}");
    let e = refused(json!({"accounts": ["12345"]}), 900).await;
    assert!(e.contains("'12345' is not an account id"), "{e}");
    let e = refused(json!({"checks": ["no_such_check"]}), 900).await;
    assert!(e.contains("unknown check id no_such_check"), "{e}");
    let e = refused(json!({"output": "s3://Bad_Bucket/x/"}), 900).await;
    assert!(e.contains("not a valid S3 bucket name"), "{e}");
    let missing = json!({"output": format!("s3://missing-{}/x/", org.management)});
    let e = handler(invocation(missing, Duration::from_secs(900)), &defaults).await.unwrap_err();
    assert_eq!(e.error_type, rampart::lambda::CANNOT_RUN);
    assert!(e.error_message.contains("the bucket does not exist"), "{}", e.error_message);
    let e = refused(json!({}), 20).await;
    assert!(e.contains("too little to audit"), "{e}");
}
