//! The ASFF report of a live audit, and `--security-hub`.
//!
//! Against a loopback stub: where findings go, and how failures and throttling of the import
//! are answered. Against the emulator that scripts/test.sh starts (RAMPART_TEST_ENDPOINT,
//! reset and seeded with the demo once): the demo's findings imported and read back, then
//! archived when they disappear, within the run's scope only.
//!
//! moto 5.2.5 implements BatchImportFindings and GetFindings, with limits these tests keep to:
//! GetFindings ignores its filters (Rampart applies them again, and the tests read every
//! finding), BatchImportFindings validates nothing but `Resources` and keeps a finding by
//! `Id` alone, updating it whatever its `UpdatedAt`, and neither needs Security Hub enabled.

mod common;

use std::collections::BTreeMap;
use std::process::Command as StdCommand;

use common::proxy::seeded_emulator;
use common::stub::{self, access_denied, assumed_role, caller_identity, member_identity};
use common::{rampart, root, run};
use serde_json::Value;

fn with_keys(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test")
}

/// Every finding's ProductArn and resource regions.
fn regions_of(asff: &Value) -> Vec<(String, String)> {
    asff.as_array()
        .unwrap()
        .iter()
        .map(|f| (f["ProductArn"].as_str().unwrap().to_string(), f["Resources"][0]["Region"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn the_home_region_is_the_first_region_named_else_the_configured_one() {
    let (url, _seen) = stub::serve(|r| match r.action.as_str() {
        "GetCallerIdentity" => caller_identity(),
        "DescribeRegions" => (
            "200 OK",
            "text/xml",
            "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId><regionInfo>\
<item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>\
<item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>\
</regionInfo></DescribeRegionsResponse>"
                .to_string(),
        ),
        other => access_denied(other),
    });
    let audit = |regions: &[&str], env_region: &str| {
        let mut cmd = rampart();
        let (code, out, err) = run(with_keys(&mut cmd)
            .env("AWS_REGION", env_region)
            .args(["audit", "--format", "asff", "--endpoint-url", &url, "--checks", "iam_root_mfa_enabled"])
            .args(regions.iter().flat_map(|r| ["--region", r])));
        assert_eq!(code, 4, "denied reads are ERROR: {err}");
        let asff: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(asff[0]["Compliance"]["Status"], "NOT_AVAILABLE");
        regions_of(&asff)
    };
    let arn = |region: &str| format!("arn:aws:securityhub:{region}:123456789012:product/123456789012/default");
    // Named regions: the first as given, not in alphabetical order.
    for (product_arn, region) in audit(&["us-east-1", "eu-west-1"], "ap-south-1") {
        assert_eq!((product_arn, region.as_str()), (arn("us-east-1"), "us-east-1"), "a global resource is in the home region");
    }
    for (product_arn, _) in audit(&["eu-west-1", "us-east-1"], "ap-south-1") {
        assert_eq!(product_arn, arn("eu-west-1"));
    }
    // No region named: the configured region, even when it is not audited.
    for (product_arn, region) in audit(&[], "ap-south-1") {
        assert_eq!((product_arn, region.as_str()), (arn("ap-south-1"), "ap-south-1"));
    }
}

/// The JSON body of a request.
fn body(r: &stub::Request) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

fn json(body: Value) -> stub::Answer {
    ("200 OK", "application/json", body.to_string())
}

#[test]
fn import_retries_throttling_reports_failed_findings_and_archives_only_in_scope() {
    use std::sync::{Arc, Mutex};
    // The first finding imported, as a template for what GetFindings answers.
    let template: Arc<Mutex<Option<Value>>> = Arc::default();
    let imports = Arc::new(Mutex::new(0));
    let (t, n) = (template.clone(), imports.clone());
    let (url, seen) = stub::serve(move |r| match r.action.as_str() {
        "GetCallerIdentity" => caller_identity(),
        // No password policy: the two policy checks FAIL. Everything else is denied: the
        // root MFA check is ERROR.
        "GetAccountPasswordPolicy" => (
            "404 Not Found",
            "text/xml",
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
<Message>The Password Policy with domain name 123456789012 cannot be found.</Message></Error><RequestId>1</RequestId></ErrorResponse>"
                .into(),
        ),
        "REST POST /findings/import" => {
            let mut n = n.lock().unwrap();
            *n += 1;
            let findings = body(r)["Findings"].as_array().unwrap().clone();
            match *n {
                1 => ("429 Too Many Requests", "application/json", r#"{"__type":"TooManyRequestsException","message":"Rate exceeded"}"#.into()),
                2 => {
                    *t.lock().unwrap() = Some(findings[0].clone());
                    json(serde_json::json!({
                        "FailedCount": 1,
                        "SuccessCount": findings.len() - 1,
                        "FailedFindings": [{"Id": findings[1]["Id"], "ErrorCode": "InvalidInput", "ErrorMessage": "bad field"}],
                    }))
                }
                _ => json(serde_json::json!({"FailedCount": 0, "SuccessCount": findings.len(), "FailedFindings": []})),
            }
        }
        "REST POST /findings" => {
            // Two pages. Like moto, the stub ignores the filters: Rampart applies them again.
            let template = t.lock().unwrap().clone().unwrap();
            let account = "123456789012";
            let like = |id: &str, change: &dyn Fn(&mut Value)| {
                let mut f = template.clone();
                f["Id"] = id.into();
                f["GeneratorId"] = format!("rampart/{}", id.split('/').nth(3).unwrap_or("x")).into();
                f["ProductFields"]["aws/securityhub/FindingId"] = "arn:aws:securityhub:…".into();
                f["ProductName"] = "Default".into();
                change(&mut f);
                f
            };
            if body(r).get("NextToken").is_none() {
                json(serde_json::json!({"NextToken": "page-2", "Findings": [
                    // Gone since: archived.
                    like(&format!("rampart/{account}/global/iam_password_policy_reuse_24/00000000000000000000000000000000"), &|_| {}),
                    // Of a check this run did not select: kept.
                    like(&format!("rampart/{account}/global/iam_no_root_access_key/00000000000000000000000000000000"), &|_| {}),
                    // Of a region this run did not audit: kept.
                    like(&format!("rampart/{account}/eu-west-1/iam_password_policy_reuse_24/00000000000000000000000000000000"), &|_| {}),
                    // Of a check that could not read what it needs this time (ERROR): kept.
                    like(&format!("rampart/{account}/global/iam_root_mfa_enabled/00000000000000000000000000000000"), &|_| {}),
                ]}))
            } else {
                json(serde_json::json!({"Findings": [
                    // This run's own finding: kept (it was just imported).
                    template.clone(),
                    // Another product's, and one already archived: left alone.
                    like("other/1", &|f| f["GeneratorId"] = "other/check".into()),
                    like(&format!("rampart/{account}/global/iam_password_policy_reuse_24/11111111111111111111111111111111"), &|f| {
                        f["RecordState"] = "ARCHIVED".into();
                    }),
                ]}))
            }
        }
        other => access_denied(other),
    });
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.asff");
    let (code, _, err) = run(with_keys(&mut rampart())
        .args(["audit", "--format", "asff", "-o"])
        .arg(&report)
        .args(["--endpoint-url", &url, "--region", "us-east-1", "--security-hub", "--max-attempts", "3"])
        .args(["--checks", "iam_root_mfa_enabled,iam_password_policy_minimum_length_14,iam_password_policy_reuse_24"]));
    assert_eq!(code, 5, "a finding was refused: {err}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let statuses: Vec<&str> = written.as_array().unwrap().iter().map(|f| f["Compliance"]["Status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["NOT_AVAILABLE", "FAILED", "FAILED"], "the report is written whatever the import does");

    let requests = seen.lock().unwrap();
    let of = |action: &str| requests.iter().filter(|r| r.action == action).collect::<Vec<_>>();
    let imports = of("REST POST /findings/import");
    assert_eq!(imports.len(), 3, "throttled, retried, then the archive");
    assert_eq!(body(imports[0]), body(imports[1]), "the same batch, retried");
    assert!(imports.iter().all(|r| r.region == "us-east-1" && r.service == "securityhub"));
    // What was imported is the report, field for field.
    assert_eq!(body(imports[1])["Findings"], written);
    let archived = body(imports[2])["Findings"].as_array().unwrap().clone();
    assert_eq!(archived.len(), 1, "{archived:#?}");
    let a = &archived[0];
    assert_eq!(a["Id"], "rampart/123456789012/global/iam_password_policy_reuse_24/00000000000000000000000000000000");
    assert_eq!(a["RecordState"], "ARCHIVED");
    assert!(a.get("Workflow").is_none() && a.get("ProductName").is_none(), "{a}");
    assert!(a["ProductFields"].get("aws/securityhub/FindingId").is_none(), "{a}");
    assert!(a["UpdatedAt"].as_str().unwrap() > a["CreatedAt"].as_str().unwrap(), "{a}");
    assert_eq!(a["Title"], written[0]["Title"]);

    let pages = of("REST POST /findings");
    assert_eq!(pages.len(), 2);
    let filters = &body(pages[0])["Filters"];
    assert_eq!(filters["GeneratorId"], serde_json::json!([{"Value": "rampart/", "Comparison": "PREFIX"}]));
    assert_eq!(filters["RecordState"], serde_json::json!([{"Value": "ACTIVE", "Comparison": "EQUALS"}]));
    assert_eq!(filters["AwsAccountId"], serde_json::json!([{"Value": "123456789012", "Comparison": "EQUALS"}]));
    assert_eq!(
        filters["ProductArn"],
        serde_json::json!([{"Value": "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default", "Comparison": "EQUALS"}])
    );
    assert_eq!(body(pages[1])["NextToken"], "page-2");

    let refused = body(imports[1])["Findings"][1]["Id"].as_str().unwrap().to_string();
    assert!(
        err.contains("security hub: account 123456789012 in us-east-1: 2 findings imported, 1 archived, 1 failed:\n"),
        "{err}"
    );
    assert!(err.contains(&format!("  {refused}: InvalidInput: bad field\n")), "{err}");
}

#[test]
fn an_import_that_is_refused_outright_stops_that_account_and_exits_5() {
    let (url, seen) = stub::serve(|r| match r.action.as_str() {
        "GetCallerIdentity" => caller_identity(),
        "REST POST /findings/import" => (
            "401 Unauthorized",
            "application/json",
            r#"{"__type":"InvalidAccessException","Message":"Account 123456789012 is not subscribed to AWS Security Hub"}"#.into(),
        ),
        other => access_denied(other),
    });
    let (code, out, err) = run(with_keys(&mut rampart())
        .args(["audit", "--quiet", "--format", "json", "--endpoint-url", &url, "--region", "us-east-1", "--security-hub"])
        .args(["--checks", "iam_root_mfa_enabled"]));
    assert_eq!(code, 5, "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok(), "the report is written: {out}");
    assert!(
        err.contains("security hub: account 123456789012 in us-east-1: stopped (0 findings imported, 0 archived before): securityhub:BatchImportFindings")
            && err.contains("InvalidAccessException: Account 123456789012 is not subscribed to AWS Security Hub"),
        "{err}"
    );
    let requests = seen.lock().unwrap();
    assert!(!requests.iter().any(|r| r.action == "REST POST /findings"), "nothing is archived after a refused import");
}

#[test]
fn each_account_of_an_organization_imports_its_own_findings_with_its_own_credentials() {
    const MEMBER_KEY: &str = "ASIAMEMBER2222222222";
    let (url, seen) = stub::serve(|r| match r.action.as_str() {
        "ListAccounts" => json(serde_json::json!({"Accounts": [
            {"Id": "123456789012", "Arn": "arn:aws:organizations::123456789012:account/o-1/123456789012", "Name": "m", "Email": "m@example.com", "State": "ACTIVE", "Status": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": 1700000000},
            {"Id": "222222222222", "Arn": "arn:aws:organizations::123456789012:account/o-1/222222222222", "Name": "a", "Email": "a@example.com", "State": "ACTIVE", "Status": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": 1700000000},
            {"Id": "333333333333", "Arn": "arn:aws:organizations::123456789012:account/o-1/333333333333", "Name": "b", "Email": "b@example.com", "State": "ACTIVE", "Status": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": 1700000000}
        ]})),
        "AssumeRole" if r.body.contains("222222222222") => assumed_role("222222222222", MEMBER_KEY),
        "GetCallerIdentity" if r.access_key == MEMBER_KEY => member_identity("222222222222"),
        "GetCallerIdentity" => caller_identity(),
        "REST POST /findings/import" => {
            let n = body(r)["Findings"].as_array().unwrap().len();
            json(serde_json::json!({"FailedCount": 0, "SuccessCount": n, "FailedFindings": []}))
        }
        "REST POST /findings" => json(serde_json::json!({"Findings": []})),
        other => access_denied(other),
    });
    let (code, _, err) = run(with_keys(&mut rampart())
        .args(["audit", "--org", "--format", "json", "--endpoint-url", &url, "--region", "us-east-1", "--security-hub"])
        .args(["--checks", "iam_root_mfa_enabled,iam_password_policy_minimum_length_14"]));
    assert_eq!(code, 5, "account 333333333333 cannot be entered: {err}");
    assert!(err.contains("security hub: account 123456789012 in us-east-1: 2 findings imported, 0 archived\n"), "{err}");
    assert!(err.contains("security hub: account 222222222222 in us-east-1: 2 findings imported, 0 archived\n"), "{err}");
    assert!(
        err.contains("security hub: account 333333333333 in us-east-1: stopped (0 findings imported, 0 archived before): account 333333333333 could not be entered through arn:aws:iam::333333333333:role/OrganizationAccountAccessRole"),
        "{err}"
    );
    let requests = seen.lock().unwrap();
    let imports: Vec<&stub::Request> = requests.iter().filter(|r| r.action == "REST POST /findings/import").collect();
    assert_eq!(imports.len(), 2);
    for r in imports {
        let accounts: Vec<Value> = body(r)["Findings"].as_array().unwrap().iter().map(|f| f["AwsAccountId"].clone()).collect();
        let expected = if r.access_key == MEMBER_KEY { "222222222222" } else { "123456789012" };
        assert_eq!(accounts, [expected, expected], "each account's findings, signed by its own credentials");
    }
}

/// Runs Python with boto3 (the emulator's virtualenv) against the emulator, as the demo
/// account; returns what the script prints, as JSON.
fn python(script: &str, args: &[&str]) -> Value {
    let out = StdCommand::new(root().join("localstack/.venv/bin/python"))
        .arg("-c")
        .arg(script)
        .arg(seeded_emulator())
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .expect("run the emulator's python");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Every finding in the demo account's Security Hub in `region`, by Id.
fn hub(region: &str) -> BTreeMap<String, Value> {
    let script = r#"
import json, sys, boto3
hub = boto3.client("securityhub", endpoint_url=sys.argv[1], region_name=sys.argv[2])
found = []
for page in hub.get_paginator("get_findings").paginate(PaginationConfig={"PageSize": 100}):
    found.extend(page["Findings"])
print(json.dumps(found))
"#;
    let found = python(script, &[region]);
    let found = found.as_array().unwrap();
    let by_id: BTreeMap<String, Value> = found.iter().map(|f| (f["Id"].as_str().unwrap().to_string(), f.clone())).collect();
    assert_eq!(by_id.len(), found.len(), "one finding per Id");
    by_id
}

/// Creates (`true`) or deletes IAM users of the demo account, with a console password and no
/// MFA.
fn users(create: bool, names: &[&str]) {
    let script = r#"
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
for name in sys.argv[3:]:
    if sys.argv[2] == "create":
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Hub-Test-Only-Passw0rd!")
    else:
        iam.delete_login_profile(UserName=name)
        iam.delete_user(UserName=name)
print("[]")
"#;
    python(script, &[&[if create { "create" } else { "delete" }], names].concat());
}

/// Removes the console password of an IAM user of the demo account.
fn remove_console_password(name: &str) {
    let script = r#"
import sys, boto3
boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1").delete_login_profile(UserName=sys.argv[2])
print("[]")
"#;
    python(script, &[name]);
}

/// `rampart audit --security-hub` of the demo account in the emulator; the exit code, stderr,
/// and the ASFF report.
fn import(args: &[&str]) -> (i32, String, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.asff");
    let (code, _, err) = run(with_keys(&mut rampart())
        .args(["audit", "--security-hub", "--format", "asff", "-o"])
        .arg(&report)
        .args(["--endpoint-url", seeded_emulator()])
        .args(args));
    let asff: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{e}: {err}"))).unwrap();
    (code, err, asff.as_array().unwrap().clone())
}

#[test]
fn the_demo_findings_are_imported_as_the_asff_report_gives_them() {
    // Home region us-east-1 (the other test imports into eu-west-1).
    let (code, err, report) = import(&["--region", "us-east-1", "--region", "eu-west-1"]);
    assert_eq!(code, 3, "planted failures, and every finding imported: {err}");
    let summary = format!("security hub: account 123456789012 in us-east-1: {} findings imported, 0 archived\n", report.len());
    assert!(err.contains(&summary), "{err}");
    let hub = hub("us-east-1");
    assert!(report.len() > 100, "{}", report.len());
    assert_eq!(hub.len(), report.len());
    // What Security Hub holds is the report, field for field (moto keeps what it is sent).
    for f in &report {
        assert_eq!(&hub[f["Id"].as_str().unwrap()], f);
    }
    let one = |check: &str, resource_id: &str| -> &Value {
        let of: Vec<&Value> = report
            .iter()
            .filter(|f| f["GeneratorId"] == format!("rampart/{check}") && f["ProductFields"]["rampart/resource_id"] == resource_id)
            .collect();
        assert_eq!(of.len(), 1, "{check} on {resource_id}");
        of[0]
    };
    let failing = one("iam_user_mfa_enabled_console_access", "demo-console-no-mfa");
    assert_eq!(failing["Compliance"]["Status"], "FAILED");
    assert_eq!(failing["Workflow"]["Status"], "NEW");
    assert_eq!(failing["ProductArn"], "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default");
    assert_eq!(failing["Resources"][0]["Type"], "AwsIamUser");
    assert_eq!(failing["Resources"][0]["Id"], "arn:aws:iam::123456789012:user/demo-console-no-mfa");
    assert_eq!(failing["Resources"][0]["Region"], "us-east-1", "global: the home region");
    let passing = one("iam_user_mfa_enabled_console_access", "demo-console-mfa");
    assert_eq!((&passing["Compliance"]["Status"], &passing["Severity"]["Label"]), (&"PASSED".into(), &"INFORMATIONAL".into()));
    let regional = one("ec2_ebs_default_encryption", "123456789012/eu-west-1");
    assert_eq!(regional["Resources"][0]["Region"], "eu-west-1");
    assert_eq!(regional["ProductArn"], failing["ProductArn"], "every finding goes to the home region");
    let unknown = report.iter().find(|f| f["ProductFields"]["rampart/status"] == "ERROR").expect("the emulator leaves some checks ERROR");
    assert_eq!(unknown["Compliance"]["Status"], "NOT_AVAILABLE");
    assert!(report.iter().all(|f| f["RecordState"] == "ACTIVE"));
}

#[test]
fn a_finding_that_disappears_is_archived_and_the_scope_protects_the_others() {
    let mfa = "iam_user_mfa_enabled_console_access";
    let ebs = "ec2_ebs_default_encryption";
    let both = format!("{mfa},{ebs}");
    // Home region eu-west-1, apart from the other test's.
    let everything = ["--region", "eu-west-1", "--region", "us-east-1", "--checks", both.as_str()];
    users(true, &["hub-gone", "hub-fixed", "hub-stays"]);
    let id_of = |report: &[Value], check: &str, resource: &str| -> String {
        let of: Vec<&Value> = report
            .iter()
            .filter(|f| f["GeneratorId"] == format!("rampart/{check}") && f["ProductFields"]["rampart/resource_id"] == resource)
            .collect();
        assert_eq!(of.len(), 1, "{check} on {resource}");
        of[0]["Id"].as_str().unwrap().to_string()
    };
    let state = |id: &str| hub("eu-west-1")[id]["RecordState"].as_str().unwrap().to_string();

    let (code, err, first) = import(&everything);
    assert_eq!(code, 3, "{err}");
    let gone = id_of(&first, mfa, "hub-gone");
    let fixed = id_of(&first, mfa, "hub-fixed");
    let stays = id_of(&first, mfa, "hub-stays");
    let ebs_here = id_of(&first, ebs, "123456789012/eu-west-1");
    let ebs_there = id_of(&first, ebs, "123456789012/us-east-1");
    let all = [&gone, &fixed, &stays, &ebs_here, &ebs_there];
    for id in all {
        assert_eq!(state(id), "ACTIVE", "{id}");
    }
    assert_eq!(hub("eu-west-1").len(), first.len());

    // One user deleted, another fixed. A run of one check in one region produces neither
    // user's finding, nor the check's finding in the other region: it archives none of them.
    users(false, &["hub-gone"]);
    remove_console_password("hub-fixed");
    let (code, err, narrow) = import(&["--region", "eu-west-1", "--checks", ebs]);
    assert!(code == 0 || code == 3, "{err}");
    assert_eq!(narrow.len(), 1);
    assert!(err.contains("in eu-west-1: 1 findings imported, 0 archived\n"), "{err}");
    for id in all {
        assert_eq!(state(id), "ACTIVE", "{id} is out of the narrow run's scope");
    }

    // The whole scope again: the deleted user's finding is archived, the fixed one passes.
    let (code, err, second) = import(&everything);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&format!("in eu-west-1: {} findings imported, 1 archived\n", second.len())), "{err}");
    let hub_now = hub("eu-west-1");
    let archived = &hub_now[&gone];
    assert_eq!(archived["RecordState"], "ARCHIVED");
    assert!(archived["UpdatedAt"].as_str().unwrap() > first[0]["UpdatedAt"].as_str().unwrap(), "{archived}");
    assert_eq!(archived["Compliance"]["Status"], "FAILED", "archived as it was last seen");
    assert_eq!(hub_now[&fixed]["RecordState"], "ACTIVE");
    assert_eq!(hub_now[&fixed]["Compliance"]["Status"], "PASSED");
    for id in [&stays, &ebs_here, &ebs_there] {
        assert_eq!(hub_now[id.as_str()]["RecordState"], "ACTIVE", "{id}");
    }
    assert!(!second.iter().any(|f| f["Id"] == gone.as_str()));
    let active = hub_now.values().filter(|f| f["RecordState"] == "ACTIVE").count();
    assert_eq!(active, second.len(), "what this run found, and nothing else, is active");

    // A run with nothing gone archives nothing; a finding that comes back is active again.
    let (_, err, _) = import(&everything);
    assert!(err.contains(", 0 archived\n"), "{err}");
    users(true, &["hub-gone"]);
    let (code, err, _) = import(&everything);
    assert_eq!(code, 3, "{err}");
    assert_eq!(state(&gone), "ACTIVE");
}
