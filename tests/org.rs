//! `--org` across an organization whose accounts a loopback stub plays: one member account
//! can be entered, one refuses the role. The refused one gets ERROR findings naming the role
//! and the reason; the audit of the others goes on; one report covers all three.

mod common;

use common::stub::{self, access_denied, assumed_role, caller_identity, member_identity};
use common::{rampart, run};
use serde_json::Value;

const MEMBER_KEY: &str = "ASIAMEMBER2222222222";

fn organization(r: &stub::Request) -> stub::Answer {
    match r.action.as_str() {
        "ListAccounts" => (
            "200 OK",
            "application/x-amz-json-1.1",
            r#"{"Accounts":[
                {"Id":"123456789012","Arn":"arn:aws:organizations::123456789012:account/o-1/123456789012","Name":"management","Email":"m@example.com","State":"ACTIVE","Status":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1700000000},
                {"Id":"222222222222","Arn":"arn:aws:organizations::123456789012:account/o-1/222222222222","Name":"member","Email":"a@example.com","State":"ACTIVE","Status":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1700000000},
                {"Id":"333333333333","Arn":"arn:aws:organizations::123456789012:account/o-1/333333333333","Name":"locked","Email":"b@example.com","State":"ACTIVE","Status":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1700000000},
                {"Id":"444444444444","Arn":"arn:aws:organizations::123456789012:account/o-1/444444444444","Name":"closed","Email":"c@example.com","State":"CLOSED","Status":"SUSPENDED","JoinedMethod":"CREATED","JoinedTimestamp":1700000000}
            ]}"#
            .to_string(),
        ),
        "AssumeRole" if r.body.contains("222222222222") => assumed_role("222222222222", MEMBER_KEY),
        "GetCallerIdentity" if r.access_key == MEMBER_KEY => member_identity("222222222222"),
        "GetCallerIdentity" => caller_identity(),
        other => access_denied(other),
    }
}

#[test]
fn a_member_account_that_refuses_the_role_gets_errors_and_the_others_go_on() {
    let (url, seen) = stub::serve(organization);
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--org", "--format", "json", "--endpoint-url", &url, "--region", "us-east-1"])
        .args(["--checks", "iam_root_mfa_enabled,iam_password_policy_minimum_length_14"]));
    assert_eq!(code, 4, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let accounts: Vec<&str> = report["scope"]["accounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(accounts, ["123456789012", "222222222222", "333333333333"], "the closed account is skipped");
    let findings = report["findings"].as_array().unwrap();
    let of = |account: &str| -> Vec<&Value> { findings.iter().filter(|f| f["account_id"] == account).collect() };
    for f in of("333333333333") {
        assert_eq!(f["status"], "ERROR");
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains("arn:aws:iam::333333333333:role/OrganizationAccountAccessRole") && message.contains("AccessDenied"),
            "{message}"
        );
    }
    // The member account was entered: its findings come from its own (denied) IAM reads.
    let member = of("222222222222");
    assert_eq!(member.len(), 2);
    for f in member {
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("iam:") && !message.contains("could not be audited"), "{message}");
    }
    assert_eq!(report["summary"]["accounts"].as_object().unwrap().len(), 3);
    // The management account was audited with the caller's own credentials, not a role.
    let requests = seen.lock().unwrap();
    let assumed: Vec<&str> = requests.iter().filter(|r| r.action == "AssumeRole").map(|r| r.body.as_str()).collect();
    assert_eq!(assumed.len(), 2, "{assumed:?}");
    assert!(assumed.iter().all(|b| !b.contains("123456789012")), "{assumed:?}");
}

#[test]
fn the_deadline_bounds_the_organization_listing() {
    // ListAccounts answers after 10 s; the audit may take 2.
    let (url, _seen) = stub::serve(|r| {
        if r.action == "ListAccounts" {
            std::thread::sleep(std::time::Duration::from_secs(10));
        }
        organization(r)
    });
    let started = std::time::Instant::now();
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--org", "--format", "json", "--endpoint-url", &url, "--region", "us-east-1", "--deadline", "2s"])
        .args(["--checks", "iam_root_mfa_enabled"]));
    let elapsed = started.elapsed();
    assert!(elapsed < std::time::Duration::from_secs(8), "the deadline did not end the listing: {elapsed:?}");
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("deadline reached before organizations:ListAccounts"), "{err}");
}
