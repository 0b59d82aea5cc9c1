//! Rampart only reads, and deploy/iam-policy.json is exactly what it sends.
//!
//! A full audit of the seeded emulator (every check, two regions), and three small runs that
//! take the other paths (every enabled region, an assumed role, the organization), go
//! through a proxy that records every request. Each request is mapped to its IAM action (`service:Action`): every
//! one must be a read, every one must be allowed by the least-privilege policy, and every
//! action of the policy must have been sent, except the few listed in [`NOT_REACHED`] with
//! the reason the emulator run cannot reach them.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::proxy::{Faults, Proxy, Seen, seeded_emulator};
use common::{rampart, root, run};
use serde_json::Value;

/// Policy actions that an audit of the seeded emulator does not send, and why.
const NOT_REACHED: &[(&str, &str)] = &[
    // Called only for the managed prefix lists that a security group rule references; the
    // seed creates none (moto has no AWS-managed prefix lists such as com.amazonaws.*.s3).
    ("ec2:DescribeManagedPrefixLists", "no security group rule references a prefix list"),
    ("ec2:GetManagedPrefixListEntries", "no security group rule references a prefix list"),
    // The emulator runs an awsvpc task only with a network interface in a subnet, which would
    // change the seeded network findings; the seed runs no task, so no task is described.
    ("ecs:DescribeTasks", "the seed runs no ECS task"),
    // The emulator answers ListAccessEntries 404: no principal's access policies are listed.
    ("eks:ListAssociatedAccessPolicies", "the emulator has no EKS access entries"),
];

/// The audited regions.
const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

/// One run of rampart through a recording proxy with no faults: (exit code, stdout, stderr,
/// the requests).
fn record(args: &[&str]) -> (i32, String, String, Vec<Seen>) {
    let proxy = Proxy::start(seeded_emulator(), Faults::default());
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--format", "json", "--endpoint-url", &proxy.url])
        .args(args));
    (code, out, err, proxy.seen())
}

fn audit_through_proxy(extra: &[&str]) -> (i32, Value, Vec<Seen>) {
    let (code, out, err, seen) = record(&[&REGIONS[..], extra].concat());
    assert!(code == 0 || code == 3 || code == 4, "exit {code}: {err}");
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}\n{err}"));
    (code, report, seen)
}

/// The IAM action of a recorded request: `prefix:Action`.
fn iam_action(s: &Seen) -> Result<String, String> {
    // SigV4 signing names that differ from the IAM service prefix. (elasticfilesystem,
    // access-analyzer, macie2, logs, s3, … sign with their IAM prefix.)
    let prefix = match s.service.as_str() {
        "monitoring" => "cloudwatch",
        "tagging" => "tag",
        other => other,
    };
    if !s.action.starts_with("REST ") {
        // Query `Action=`, JSON `X-Amz-Target`, CBOR `/operation/Name`: the API name is the
        // IAM action name.
        return Ok(format!("{prefix}:{}", s.action));
    }
    let (path, query) = s.target.split_once('?').unwrap_or((s.target.as_str(), ""));
    let keys: Vec<&str> = query.split('&').filter_map(|kv| kv.split('=').next()).filter(|k| !k.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let unknown = || Err(format!("no IAM action known for {} {} {} ({})", s.service, s.method, s.target, s.action));
    let name = match (s.service.as_str(), s.method.as_str()) {
        // S3 Control signs as s3 too.
        ("s3", "GET") if path == "/v20180820/configuration/publicAccessBlock" => "GetAccountPublicAccessBlock",
        ("s3", "GET") if segments.is_empty() => "ListAllMyBuckets",
        ("s3", "GET") if segments.len() == 1 => {
            // Path-style `/{bucket}?{sub-resource}`.
            const SUB_RESOURCES: &[(&str, &str)] = &[
                ("policy", "GetBucketPolicy"),
                ("policyStatus", "GetBucketPolicyStatus"),
                ("acl", "GetBucketAcl"),
                ("encryption", "GetEncryptionConfiguration"),
                ("publicAccessBlock", "GetBucketPublicAccessBlock"),
                ("versioning", "GetBucketVersioning"),
                ("logging", "GetBucketLogging"),
                ("location", "GetBucketLocation"),
            ];
            match SUB_RESOURCES.iter().find(|(sub, _)| keys.contains(sub)) {
                Some((_, action)) => action,
                None => return unknown(),
            }
        }
        ("guardduty", "GET") if segments == ["detector"] => "ListDetectors",
        ("guardduty", "GET") if segments.len() == 2 && segments[0] == "detector" => "GetDetector",
        ("securityhub", "GET") if segments == ["accounts"] => "DescribeHub",
        ("access-analyzer", "GET") if segments == ["analyzer"] => "ListAnalyzers",
        ("elasticfilesystem", "GET") if segments == ["2015-02-01", "file-systems"] => "DescribeFileSystems",
        ("account", "POST") if segments == ["getContactInformation"] => "GetContactInformation",
        ("account", "POST") if segments == ["getAlternateContact"] => "GetAlternateContact",
        ("macie2", "GET") if segments == ["macie"] => "GetMacieSession",
        ("eks", "GET") if segments == ["clusters"] => "ListClusters",
        ("eks", "GET") if segments.len() == 2 && segments[0] == "clusters" => "DescribeCluster",
        ("eks", "GET") if segments.len() == 3 && segments[2] == "addons" => "ListAddons",
        ("eks", "GET") if segments.len() == 4 && segments[2] == "addons" => "DescribeAddon",
        ("eks", "GET") if segments.len() == 3 && segments[2] == "access-entries" => "ListAccessEntries",
        ("eks", "GET") if segments.len() == 5 && segments[2] == "access-entries" && segments[4] == "access-policies" => {
            "ListAssociatedAccessPolicies"
        }
        _ => return unknown(),
    };
    Ok(format!("{prefix}:{name}"))
}

/// Whether an IAM action only reads.
fn is_read(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    name.starts_with("Describe")
        || name.starts_with("List")
        || name.starts_with("Get")
        || matches!(action, "iam:GenerateCredentialReport" | "sts:GetCallerIdentity" | "sts:AssumeRole")
}

fn policy_actions() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("deploy/iam-policy.json")).unwrap();
    let policy: Value = serde_json::from_str(&text).unwrap();
    let mut actions = BTreeSet::new();
    for statement in policy["Statement"].as_array().unwrap() {
        assert_eq!(statement["Effect"], "Allow", "{statement}");
        match &statement["Action"] {
            Value::String(a) => {
                actions.insert(a.clone());
            }
            Value::Array(list) => actions.extend(list.iter().map(|a| a.as_str().unwrap().to_string())),
            other => panic!("unexpected Action {other}"),
        }
    }
    for action in &actions {
        assert!(!action.contains('*'), "the least-privilege policy names actions, no wildcards: {action}");
    }
    actions
}

/// Small runs, one check each, that reach what a full audit with named regions does not:
/// the account's regions (no --region), a role (--role-arn) and the organization (--org).
const PATHS: &[(&str, &[&str])] = &[
    ("every enabled region", &["--checks", "iam_password_policy_minimum_length_14"]),
    (
        "an assumed role",
        &["--region", "us-east-1", "--checks", "iam_password_policy_minimum_length_14", "--role-arn", "arn:aws:iam::111111111111:role/rampart-audit"],
    ),
    ("the organization", &["--region", "us-east-1", "--checks", "iam_password_policy_minimum_length_14", "--org"]),
];

#[test]
fn a_full_audit_only_reads_and_sends_exactly_the_policy() {
    let (code, report, mut seen) = audit_through_proxy(&[]);
    assert_eq!(code, 3, "the demo account has planted failures");
    assert!(report["findings"].as_array().unwrap().len() > 100);
    assert!(!seen.is_empty());
    // Every audited region was read.
    for region in ["us-east-1", "eu-west-1"] {
        assert!(seen.iter().any(|s| s.service == "ec2" && s.region == region), "no EC2 request in {region}");
    }
    for (what, args) in PATHS {
        let (code, _, err, more) = record(args);
        // Whatever the run concluded (the emulator has no organization: --org finds no
        // account), what it sent is what counts here; a usage error would test nothing.
        assert_ne!(code, 2, "{what}: {err}");
        assert!(more.len() > 1, "{what}: {more:?}");
        seen.extend(more);
    }

    // Every request maps to an IAM action, and every one is a read.
    let mut sent: BTreeMap<String, usize> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for s in &seen {
        assert!(s.fault.is_none());
        assert!(!s.service.is_empty(), "an unsigned request: {s:?}");
        match iam_action(s) {
            Ok(action) => *sent.entry(action).or_default() += 1,
            Err(e) => unmapped.push(e),
        }
    }
    eprintln!("{} requests, {} actions: {sent:#?}", seen.len(), sent.len());
    assert!(unmapped.is_empty(), "requests with no known IAM action (a new REST call? map it here):\n{}", unmapped.join("\n"));
    let writes: Vec<&String> = sent.keys().filter(|a| !is_read(a)).collect();
    assert!(writes.is_empty(), "non-read actions sent: {writes:?}");

    // The policy allows everything sent, and sends everything it allows.
    let policy = policy_actions();
    let sent: BTreeSet<String> = sent.into_keys().collect();
    let not_allowed: Vec<&String> = sent.difference(&policy).collect();
    assert!(not_allowed.is_empty(), "sent but missing from deploy/iam-policy.json: {not_allowed:?}");
    let not_reached: BTreeSet<&str> = NOT_REACHED.iter().map(|(a, _)| *a).collect();
    for action in &not_reached {
        assert!(policy.contains(*action), "{action} is listed as not reached but is not in the policy");
        assert!(!sent.contains(*action), "{action} is listed as not reached but was sent: remove it from NOT_REACHED");
    }
    let never_sent: Vec<&String> = policy.difference(&sent).filter(|a| !not_reached.contains(a.as_str())).collect();
    assert!(
        never_sent.is_empty(),
        "in deploy/iam-policy.json but never sent (remove them, or list them in NOT_REACHED with the reason): {never_sent:?}"
    );
    // sts:GetCallerIdentity needs no permission in AWS, but Rampart sends it and the policy
    // lists it: the two stay consistent.
    assert!(sent.contains("sts:GetCallerIdentity") && policy.contains("sts:GetCallerIdentity"));
}

#[test]
fn only_the_services_of_the_selected_checks_are_called() {
    let (code, report, seen) = audit_through_proxy(&["--checks", "iam_password_policy_minimum_length_14"]);
    assert_eq!(code, 3, "{report}");
    let services: BTreeSet<&str> = seen.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, BTreeSet::from(["iam", "sts"]), "{seen:#?}");
    let actions: BTreeSet<String> = seen.iter().map(|s| iam_action(s).unwrap()).collect();
    assert!(actions.iter().all(|a| is_read(a)), "{actions:?}");
}
