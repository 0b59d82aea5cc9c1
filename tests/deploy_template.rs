//! `deploy/lambda/template.yaml` (AWS SAM) read as data: the function's role holds exactly the
//! audit policy of `deploy/iam-policy.json` and otherwise only what the function itself needs,
//! the report bucket is encrypted with the template's key, private, TLS-only and expiring, the
//! function is the scheduled `provided.al2023` binary with its dead-letter queue, and the state
//! machine lists the accounts, audits each in a Distributed Map of bounded concurrency and merges
//! their reports with payloads that the function's event contract accepts.
//!
//! The YAML's short-form tags (`!Ref`, `!Sub`, `!GetAtt A.B`, `!If`) are read as their long
//! forms (`Ref`, `Fn::Sub`, `Fn::GetAtt: [A, B]`, `Fn::If`), so the template may use either.
//! `cfn-lint` and `checkov` check the rest (deploy/lambda/README.md).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The fields a direct invocation with `"action": "audit"` accepts.
const AUDIT_FIELDS: &[&str] = &[
    "action",
    "accounts",
    "role_name",
    "regions",
    "checks",
    "measures",
    "compliance",
    "formats",
    "output",
    "kms_key",
    "security_hub",
];

/// The fields a direct invocation with `"action": "merge"` accepts.
const MERGE_FIELDS: &[&str] = &[
    "action",
    "inputs",
    "output",
    "expect_accounts",
    "formats",
    "kms_key",
];

/// The actions the execution role may hold besides the audit policy's: writing and reading its
/// reports, its key, its dead-letter queue, its logs, and (conditionally) Security Hub.
const FUNCTION_OWN_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:GetBucketLocation",
    "s3:ListBucket",
    "s3:GetObject",
    "kms:GenerateDataKey",
    "kms:Decrypt",
    "sqs:SendMessage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "securityhub:BatchImportFindings",
    "securityhub:GetFindings",
];

const SECURITY_HUB_ACTIONS: &[&str] =
    &["securityhub:BatchImportFindings", "securityhub:GetFindings"];

/// The Lambda errors worth retrying: the service's, not the function's.
const LAMBDA_SERVICE_ERRORS: &[&str] =
    &["Lambda.ServiceException", "Lambda.TooManyRequestsException"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn template_path() -> PathBuf {
    root().join("deploy/lambda/template.yaml")
}

/// YAML to JSON, with CloudFormation's short-form tags as their long forms.
fn to_json(yaml: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::from(
                    n.as_f64()
                        .expect("a YAML number is a float when not an integer"),
                )
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    other => panic!("a mapping key that is not a string: {other:?}"),
                };
                object.insert(key, to_json(value));
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = to_json(tagged.value);
            let (key, value) = match name {
                "Ref" | "Condition" => (name.to_string(), value),
                "GetAtt" => {
                    let value = match value {
                        Value::String(s) => {
                            let (resource, attribute) = s
                                .split_once('.')
                                .unwrap_or_else(|| panic!("!GetAtt {s} has no attribute"));
                            Value::from(vec![resource, attribute])
                        }
                        other => other,
                    };
                    ("Fn::GetAtt".to_string(), value)
                }
                other => (format!("Fn::{other}"), value),
            };
            Value::Object(Map::from_iter([(key, value)]))
        }
    }
}

fn template() -> Value {
    let text =
        std::fs::read_to_string(template_path()).expect("deploy/lambda/template.yaml is readable");
    let yaml: serde_norway::Value =
        serde_norway::from_str(&text).expect("deploy/lambda/template.yaml is YAML");
    to_json(yaml)
}

fn resources(template: &Value) -> &Map<String, Value> {
    template["Resources"]
        .as_object()
        .expect("the template has Resources")
}

fn resource<'a>(template: &'a Value, name: &str) -> &'a Value {
    resources(template)
        .get(name)
        .unwrap_or_else(|| panic!("the template has no resource {name}"))
}

/// The one resource of a type, with its logical name.
fn only_of_type<'a>(template: &'a Value, kind: &str) -> (&'a str, &'a Value) {
    let found: Vec<(&str, &Value)> = resources(template)
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .map(|(name, r)| (name.as_str(), r))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {kind}, found {:?}",
        found.iter().map(|f| f.0).collect::<Vec<_>>()
    );
    found[0]
}

/// The logical name a `Ref` or `Fn::GetAtt` points at.
fn target(value: &Value) -> Option<&str> {
    if let Some(name) = value.get("Ref").and_then(Value::as_str) {
        return Some(name);
    }
    match value.get("Fn::GetAtt") {
        Some(Value::Array(parts)) => parts.first().and_then(Value::as_str),
        Some(Value::String(s)) => s.split('.').next(),
        _ => None,
    }
}

/// Whether a value is `Ref name` or `Fn::GetAtt [name, attribute]`.
fn points_at(value: &Value, name: &str) -> bool {
    target(value) == Some(name)
}

/// Whether a value is, or is a `Fn::Sub` string that names, the resource `name`.
fn refers_to(value: &Value, name: &str) -> bool {
    if points_at(value, name) {
        return true;
    }
    match value.get("Fn::Sub") {
        Some(Value::String(s)) => {
            s.contains(&format!("${{{name}}}")) || s.contains(&format!("${{{name}."))
        }
        Some(Value::Array(parts)) => parts.first().and_then(Value::as_str).is_some_and(|s| {
            s.contains(&format!("${{{name}}}")) || s.contains(&format!("${{{name}."))
        }),
        _ => false,
    }
}

/// A string or a list of strings.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .unwrap_or_else(|| panic!("not a string: {item}"))
                    .to_string()
            })
            .collect(),
        other => panic!("expected a string or a list of strings, found {other}"),
    }
}

/// The resources of a statement, one value each.
fn statement_resources(statement: &Value) -> Vec<&Value> {
    match &statement["Resource"] {
        Value::Array(items) => items.iter().collect(),
        Value::Null => panic!("a statement without Resource: {statement}"),
        other => vec![other],
    }
}

fn is_star(resource: &Value) -> bool {
    resource == "*" || resource.get("Fn::Sub").and_then(Value::as_str) == Some("*")
}

/// A policy statement, and the condition it is under when it sits in a `Fn::If`.
struct Statement<'a> {
    condition: Option<&'a str>,
    body: &'a Value,
}

impl Statement<'_> {
    fn sid(&self) -> &str {
        self.body["Sid"].as_str().unwrap_or("(no Sid)")
    }

    fn actions(&self) -> BTreeSet<String> {
        strings(&self.body["Action"]).into_iter().collect()
    }
}

/// Every statement of every inline policy of a role; `Fn::If [c, statement, AWS::NoValue]` is
/// the statement under condition `c`.
fn role_statements(role: &Value) -> Vec<Statement<'_>> {
    let mut statements = Vec::new();
    let policies = role["Properties"]["Policies"]
        .as_array()
        .expect("the role has inline Policies");
    for policy in policies {
        let listed = policy["PolicyDocument"]["Statement"]
            .as_array()
            .expect("a policy document has a list of statements");
        for entry in listed {
            if let Some(branches) = entry.get("Fn::If") {
                let branches = branches.as_array().expect("Fn::If takes a list");
                assert_eq!(
                    branches.len(),
                    3,
                    "Fn::If takes a condition and two values: {entry}"
                );
                let condition = branches[0].as_str().expect("Fn::If names a condition");
                for branch in &branches[1..] {
                    if branch.get("Ref") != Some(&Value::from("AWS::NoValue")) {
                        statements.push(Statement {
                            condition: Some(condition),
                            body: branch,
                        });
                    }
                }
            } else {
                statements.push(Statement {
                    condition: None,
                    body: entry,
                });
            }
        }
    }
    statements
}

/// deploy/iam-policy.json.
fn audit_policy() -> Value {
    let text = std::fs::read_to_string(root().join("deploy/iam-policy.json"))
        .expect("deploy/iam-policy.json is readable");
    serde_json::from_str(&text).expect("deploy/iam-policy.json is JSON")
}

fn audit_policy_statements(policy: &Value) -> &Vec<Value> {
    policy["Statement"]
        .as_array()
        .expect("the audit policy has statements")
}

/// The function, and the role it runs as.
fn function_and_role(template: &Value) -> ((&str, &Value), (&str, &Value)) {
    let (name, function) = only_of_type(template, "AWS::Serverless::Function");
    let role_name = target(&function["Properties"]["Role"])
        .expect("the function's Role is the template's role");
    let role = resource(template, role_name);
    assert_eq!(
        role["Type"], "AWS::IAM::Role",
        "the function's role is an explicit AWS::IAM::Role"
    );
    ((name, function), (role_name, role))
}

/// The Sids of the execution role's statements that carry the audit policy.
fn audit_sids(template: &Value) -> BTreeSet<String> {
    let (_, (_, role)) = function_and_role(template);
    let policy = audit_policy();
    let mut sids: BTreeSet<String> = audit_policy_statements(&policy)
        .iter()
        .filter(|s| s["Resource"] != "*")
        .map(|s| {
            s["Sid"]
                .as_str()
                .expect("every audit policy statement has a Sid")
                .to_string()
        })
        .collect();
    let star: Vec<String> = role_statements(role)
        .iter()
        .filter(|s| statement_resources(s.body).into_iter().any(is_star))
        .map(|s| s.sid().to_string())
        .collect();
    assert_eq!(
        star.len(),
        1,
        "exactly one statement of the execution role may have Resource \"*\": {star:?}"
    );
    sids.extend(star);
    sids
}

fn describe(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".to_string()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

#[test]
fn the_audit_statements_hold_exactly_the_actions_of_the_audit_policy() {
    let template = template();
    let (_, (role_name, role)) = function_and_role(&template);
    let policy = audit_policy();
    let statements = role_statements(role);

    // The actions of deploy/iam-policy.json on "*" are one statement on "*", unconditional.
    let policy_star: BTreeSet<String> = audit_policy_statements(&policy)
        .iter()
        .filter(|s| s["Resource"] == "*")
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    let star: Vec<&Statement> = statements
        .iter()
        .filter(|s| statement_resources(s.body).into_iter().any(is_star))
        .collect();
    assert_eq!(
        star.len(),
        1,
        "{role_name}: exactly one statement may have Resource \"*\""
    );
    let star = star[0];
    assert_eq!(
        star.condition,
        None,
        "{role_name}: the audit statement {} is under a condition",
        star.sid()
    );
    assert_eq!(star.body["Effect"], "Allow");
    let template_star = star.actions();
    assert!(
        template_star == policy_star,
        "{role_name}: statement {} on \"*\" differs from deploy/iam-policy.json's actions on \"*\": \
         missing from the template: {}; not in the policy: {}",
        star.sid(),
        describe(&policy_star.difference(&template_star).cloned().collect()),
        describe(&template_star.difference(&policy_star).cloned().collect()),
    );

    // Its statements on other resources keep their Sid, their actions, and their resource,
    // with the role name a parameter whose default is the policy's.
    for expected in audit_policy_statements(&policy)
        .iter()
        .filter(|s| s["Resource"] != "*")
    {
        let sid = expected["Sid"].as_str().expect("a Sid");
        let found = statements
            .iter()
            .find(|s| s.sid() == sid)
            .unwrap_or_else(|| {
                panic!("{role_name} has no statement {sid} (deploy/iam-policy.json has)")
            });
        assert_eq!(found.condition, None, "{sid} is under a condition");
        let wanted: BTreeSet<String> = strings(&expected["Action"]).into_iter().collect();
        assert_eq!(
            found.actions(),
            wanted,
            "{sid}'s actions differ from deploy/iam-policy.json's"
        );
        let policy_resource = expected["Resource"].as_str().expect("a resource");
        if let Some((_, policy_role)) = policy_resource.split_once(":role/") {
            let template_resource =
                found.body["Resource"]["Fn::Sub"]
                    .as_str()
                    .unwrap_or_else(|| {
                        panic!("{sid}'s resource is a Fn::Sub of the audit role's name")
                    });
            assert!(
                template_resource.starts_with("arn:${AWS::Partition}:iam::*:role/${"),
                "{sid}'s resource is the audit role in any account: {template_resource}"
            );
            let parameter = template_resource
                .rsplit_once("${")
                .map(|(_, p)| p.trim_end_matches('}'))
                .expect("a parameter");
            assert_eq!(
                template["Parameters"][parameter]["Default"], policy_role,
                "the audit role parameter {parameter} defaults to deploy/iam-policy.json's role"
            );
        } else {
            assert_eq!(
                found.body["Resource"], expected["Resource"],
                "{sid}'s resource"
            );
        }
    }

    // All in all: the audit statements' actions are the policy's, both ways.
    let sids = audit_sids(&template);
    let template_audit: BTreeSet<String> = statements
        .iter()
        .filter(|s| sids.contains(s.sid()))
        .flat_map(|s| s.actions())
        .collect();
    let policy_all: BTreeSet<String> = audit_policy_statements(&policy)
        .iter()
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    assert!(
        template_audit == policy_all,
        "the audit statements ({}) differ from deploy/iam-policy.json: missing from the template: {}; \
         not in the policy: {}",
        describe(&sids),
        describe(&policy_all.difference(&template_audit).cloned().collect()),
        describe(&template_audit.difference(&policy_all).cloned().collect()),
    );
}

#[test]
fn the_other_statements_of_the_execution_role_are_the_functions_own() {
    let template = template();
    let ((_, function), (role_name, role)) = function_and_role(&template);
    let sids = audit_sids(&template);
    let allowed: BTreeSet<String> = FUNCTION_OWN_ACTIONS.iter().map(|a| a.to_string()).collect();
    let (bucket, _) = only_of_type(&template, "AWS::S3::Bucket");
    let (key, _) = only_of_type(&template, "AWS::KMS::Key");
    let queue = target(&function["Properties"]["DeadLetterQueue"]["TargetArn"])
        .expect("the function's DLQ");
    let log_group = target(&function["Properties"]["LoggingConfig"]["LogGroup"])
        .expect("the function's log group");

    let mut granted = BTreeSet::new();
    for statement in role_statements(role)
        .iter()
        .filter(|s| !sids.contains(s.sid()))
    {
        let sid = statement.sid();
        assert_eq!(statement.body["Effect"], "Allow", "{role_name}: {sid}");
        let actions = statement.actions();
        let foreign: BTreeSet<String> = actions.difference(&allowed).cloned().collect();
        assert!(
            foreign.is_empty(),
            "{role_name}: statement {sid} grants actions beyond the function's own: {}",
            describe(&foreign)
        );
        for resource in statement_resources(statement.body) {
            assert!(
                !is_star(resource),
                "{role_name}: statement {sid} has Resource \"*\""
            );
            // Each action on the template's own resource of its kind.
            let owner = match actions
                .iter()
                .next()
                .map(String::as_str)
                .and_then(|a| a.split_once(':'))
                .map(|(s, _)| s)
            {
                Some("s3") => Some(bucket),
                Some("kms") => Some(key),
                Some("sqs") => Some(queue),
                Some("logs") => Some(log_group),
                _ => None,
            };
            if let Some(owner) = owner {
                assert!(
                    refers_to(resource, owner),
                    "{role_name}: statement {sid} is on {resource}, not on {owner}"
                );
            }
        }
        let touches_security_hub = actions
            .iter()
            .any(|a| SECURITY_HUB_ACTIONS.contains(&a.as_str()));
        if touches_security_hub {
            assert_eq!(
                statement.condition,
                Some("SecurityHubEnabled"),
                "{role_name}: statement {sid} grants Security Hub's actions without the SecurityHubEnabled condition"
            );
        } else {
            assert_eq!(
                statement.condition, None,
                "{role_name}: statement {sid} is under a condition"
            );
        }
        granted.extend(actions);
    }
    let missing: BTreeSet<String> = allowed.difference(&granted).cloned().collect();
    assert!(
        missing.is_empty(),
        "{role_name} lacks the function's own actions: {}",
        describe(&missing)
    );

    // S3 actions on objects and on the bucket each on the right ARN.
    for statement in role_statements(role)
        .iter()
        .filter(|s| !sids.contains(s.sid()))
    {
        let actions = statement.actions();
        for resource in statement_resources(statement.body) {
            let on_objects = resource
                .get("Fn::Sub")
                .and_then(Value::as_str)
                .is_some_and(|s| s.ends_with("/*"));
            for action in &actions {
                match action.as_str() {
                    "s3:PutObject" | "s3:GetObject" => {
                        assert!(
                            on_objects,
                            "{action} is on the bucket's objects ({bucket}.Arn/*), not {resource}"
                        )
                    }
                    "s3:ListBucket" | "s3:GetBucketLocation" => {
                        assert!(
                            points_at(resource, bucket),
                            "{action} is on the bucket {bucket}, not {resource}"
                        )
                    }
                    _ => {}
                }
            }
        }
    }

    // The condition is the parameter, false unless asked.
    assert_eq!(
        template["Conditions"]["SecurityHubEnabled"],
        serde_json::json!({"Fn::Equals": [{"Ref": "EnableSecurityHub"}, "true"]})
    );
    assert_eq!(
        template["Parameters"]["EnableSecurityHub"]["Default"],
        "false"
    );
}

#[test]
fn the_report_bucket_is_encrypted_private_tls_only_and_expiring() {
    let template = template();
    let (bucket_name, bucket) = only_of_type(&template, "AWS::S3::Bucket");
    let (key_name, key) = only_of_type(&template, "AWS::KMS::Key");
    let properties = &bucket["Properties"];

    assert_eq!(
        key["Properties"]["EnableKeyRotation"], true,
        "{key_name} rotates"
    );
    let rules = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        .as_array()
        .expect("the bucket has default encryption");
    assert_eq!(rules.len(), 1);
    let default = &rules[0]["ServerSideEncryptionByDefault"];
    assert_eq!(
        default["SSEAlgorithm"], "aws:kms",
        "{bucket_name} is SSE-KMS"
    );
    assert!(
        points_at(&default["KMSMasterKeyID"], key_name),
        "{bucket_name} is encrypted with {key_name}"
    );
    assert_eq!(
        rules[0]["BucketKeyEnabled"], true,
        "{bucket_name} uses an S3 Bucket Key"
    );

    let block = &properties["PublicAccessBlockConfiguration"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[setting], true, "{bucket_name}: {setting}");
    }
    assert_eq!(properties["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(
        properties["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerEnforced"
    );

    let lifecycle = properties["LifecycleConfiguration"]["Rules"]
        .as_array()
        .expect("a lifecycle");
    assert!(
        lifecycle.iter().any(|rule| rule["Status"] == "Enabled"
            && points_at(&rule["ExpirationInDays"], "ReportRetentionDays")),
        "{bucket_name} expires reports after ReportRetentionDays"
    );
    assert!(
        template["Parameters"]["ReportRetentionDays"]["Default"]
            .as_i64()
            .is_some_and(|d| d > 0)
    );

    let policies: Vec<&Value> = resources(&template)
        .values()
        .filter(|r| {
            r["Type"] == "AWS::S3::BucketPolicy"
                && points_at(&r["Properties"]["Bucket"], bucket_name)
        })
        .collect();
    assert_eq!(policies.len(), 1, "{bucket_name} has a bucket policy");
    let statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements");
    let tls_only = statements.iter().find(|s| {
        s["Effect"] == "Deny"
            && s["Principal"] == "*"
            && strings(&s["Action"]).iter().any(|a| a == "s3:*")
            && matches!(&s["Condition"]["Bool"]["aws:SecureTransport"], v if *v == "false" || *v == false)
    });
    let tls_only = tls_only
        .unwrap_or_else(|| panic!("{bucket_name}'s policy denies every request without TLS"));
    let targets = statement_resources(tls_only);
    assert!(
        targets.iter().any(|r| points_at(r, bucket_name)),
        "the TLS deny covers the bucket"
    );
    assert!(
        targets
            .iter()
            .any(|r| r.get("Fn::Sub").and_then(Value::as_str)
                == Some(&format!("${{{bucket_name}.Arn}}/*"))),
        "the TLS deny covers the objects"
    );
}

#[test]
fn the_function_is_the_scheduled_binary_with_a_dead_letter_queue() {
    let template = template();
    let ((name, function), _) = function_and_role(&template);
    let properties = &function["Properties"];
    let (key_name, _) = only_of_type(&template, "AWS::KMS::Key");

    assert_eq!(properties["Runtime"], "provided.al2023", "{name}");
    assert_eq!(properties["Handler"], "bootstrap", "{name}");
    assert_eq!(properties["Timeout"], 900, "{name}");
    let code = properties["CodeUri"]
        .as_str()
        .expect("CodeUri is a local path");
    assert_eq!(
        Path::new("deploy/lambda").join(code).components().fold(
            PathBuf::new(),
            |mut path, part| {
                match part {
                    std::path::Component::ParentDir => {
                        path.pop();
                    }
                    other => path.push(other),
                }
                path
            }
        ),
        Path::new("target/lambda/rampart-lambda"),
        "CodeUri is cargo-lambda's output for rampart-lambda"
    );

    assert_eq!(
        properties["Architectures"],
        serde_json::json!([{"Ref": "Architecture"}])
    );
    let architecture = &template["Parameters"]["Architecture"];
    let allowed: BTreeSet<String> = strings(&architecture["AllowedValues"])
        .into_iter()
        .collect();
    assert_eq!(
        allowed,
        BTreeSet::from(["arm64".to_string(), "x86_64".to_string()])
    );
    assert_eq!(architecture["Default"], "arm64");

    let events = properties["Events"]
        .as_object()
        .expect("the function has events");
    let schedule = events
        .values()
        .find(|e| e["Type"] == "Schedule")
        .expect("a Schedule event");
    assert!(points_at(
        &schedule["Properties"]["Schedule"],
        "ScheduleExpression"
    ));
    assert!(
        template["Parameters"]["ScheduleExpression"]["Default"]
            .as_str()
            .is_some_and(|s| s.starts_with("rate("))
    );
    assert!(
        schedule["Properties"].get("Input").is_none(),
        "the function gets the scheduled event itself"
    );

    let dlq = &properties["DeadLetterQueue"];
    assert_eq!(dlq["Type"], "SQS");
    let queue = resource(
        &template,
        target(&dlq["TargetArn"]).expect("the DLQ is the template's queue"),
    );
    assert_eq!(queue["Type"], "AWS::SQS::Queue");
    assert!(
        points_at(&queue["Properties"]["KmsMasterKeyId"], key_name),
        "the DLQ is encrypted with {key_name}"
    );

    assert!(points_at(
        &properties["ReservedConcurrentExecutions"],
        "ReservedConcurrency"
    ));
    assert!(
        points_at(&properties["KmsKeyArn"], key_name),
        "the environment is encrypted with {key_name}"
    );
    assert_eq!(properties["LoggingConfig"]["LogFormat"], "JSON");
    let log_group = resource(
        &template,
        target(&properties["LoggingConfig"]["LogGroup"]).expect("a log group"),
    );
    assert!(points_at(
        &log_group["Properties"]["RetentionInDays"],
        "LogRetentionDays"
    ));
    assert!(points_at(&log_group["Properties"]["KmsKeyId"], key_name));

    let environment = properties["Environment"]["Variables"]
        .as_object()
        .expect("environment variables");
    let names: BTreeSet<&str> = environment.keys().map(String::as_str).collect();
    let expected = BTreeSet::from([
        "RAMPART_OUTPUT",
        "RAMPART_KMS_KEY",
        "RAMPART_REGIONS",
        "RAMPART_ROLE_NAME",
        "RAMPART_SECURITY_HUB",
        "RAMPART_ACCOUNTS",
        "RAMPART_MUTELIST",
        "RAMPART_CONFIG",
        "RAMPART_NOTIFY_URL",
    ]);
    assert_eq!(names, expected, "the function's environment defaults");
    // The mutelist and the configuration are read from the report bucket (the role may
    // read nothing else), and only when their parameter names a key.
    for (variable, parameter, condition) in [("RAMPART_MUTELIST", "MutelistKey", "HasMutelist"), ("RAMPART_CONFIG", "ConfigKey", "HasConfig")] {
        let choice = environment[variable]["Fn::If"].as_array().unwrap_or_else(|| panic!("{variable}: an Fn::If"));
        assert_eq!(choice[0], condition, "{variable}");
        let location = choice[1]["Fn::Sub"].as_str().unwrap_or_default();
        let (bucket_name, _) = only_of_type(&template, "AWS::S3::Bucket");
        assert_eq!(location, format!("s3://${{{bucket_name}}}/${{{parameter}}}"), "{variable}");
        assert_eq!(choice[2], "", "{variable}: empty when no key is named");
    }
    assert!(points_at(&environment["RAMPART_NOTIFY_URL"], "NotifyUrl"));
    assert_eq!(template["Parameters"]["NotifyUrl"]["NoEcho"], true, "the webhook URL is a secret");
    assert!(points_at(
        &environment["RAMPART_ROLE_NAME"],
        "AuditRoleName"
    ));
    assert!(points_at(
        &environment["RAMPART_SECURITY_HUB"],
        "EnableSecurityHub"
    ));
    assert!(points_at(&environment["RAMPART_KMS_KEY"], key_name));
    let (bucket_name, _) = only_of_type(&template, "AWS::S3::Bucket");
    assert_eq!(
        environment["RAMPART_OUTPUT"]["Fn::Sub"]
            .as_str()
            .map(|s| s.starts_with(&format!("s3://${{{bucket_name}}}/"))),
        Some(true)
    );
}

/// The value a Map limit is bound to: the parameter behind `MaxConcurrency: ${P}` or behind a
/// `…Path` that the state before filled with `States.StringToJson('${P}')`.
fn map_limit_parameter(
    definition: &Value,
    substitutions: &Value,
    map: &Value,
    field: &str,
) -> String {
    let substitution = |text: &str| -> String {
        let name = text
            .split_once("${")
            .and_then(|(_, rest)| rest.split_once('}'))
            .map(|(name, _)| name)
            .unwrap_or_else(|| panic!("{field} is not a definition substitution: {text}"));
        target(&substitutions[name])
            .unwrap_or_else(|| panic!("the substitution {name} is not a parameter"))
            .to_string()
    };
    if let Some(text) = map[field].as_str() {
        return substitution(text);
    }
    let path = map[format!("{field}Path")]
        .as_str()
        .unwrap_or_else(|| panic!("the Map has neither {field} nor {field}Path"));
    let segments: Vec<&str> = path.trim_start_matches("$.").split('.').collect();
    let (last, parents) = segments.split_last().expect("a path");
    let previous = definition["States"]
        .as_object()
        .unwrap()
        .values()
        .find(|s| s["Next"] == "AuditAccounts")
        .expect("a state before the Map");
    let mut selector = &previous["ResultSelector"];
    for segment in parents {
        selector = &selector[*segment];
    }
    let expression = selector[format!("{last}.$")]
        .as_str()
        .unwrap_or_else(|| panic!("{field}Path {path} is not filled by the state before the Map"));
    assert!(
        expression.starts_with("States.StringToJson('"),
        "{path} is a number: {expression}"
    );
    substitution(expression)
}

/// The `Payload` of a Task that invokes the template's function.
fn invocation_payload<'a>(
    state: &'a Value,
    substitutions: &Value,
    function: &str,
    name: &str,
) -> &'a Map<String, Value> {
    assert_eq!(state["Type"], "Task", "{name}");
    assert_eq!(
        state["Resource"], "arn:aws:states:::lambda:invoke",
        "{name} invokes a Lambda function"
    );
    let function_name = state["Parameters"]["FunctionName"]
        .as_str()
        .expect("FunctionName");
    let substitution = function_name.trim_start_matches("${").trim_end_matches('}');
    assert!(
        points_at(&substitutions[substitution], function),
        "{name} invokes {function}"
    );
    let retried: BTreeSet<String> = state["Retry"]
        .as_array()
        .unwrap_or_else(|| panic!("{name} retries"))
        .iter()
        .flat_map(|r| strings(&r["ErrorEquals"]))
        .collect();
    for error in LAMBDA_SERVICE_ERRORS {
        assert!(retried.contains(*error), "{name} retries {error}");
    }
    for retry in state["Retry"].as_array().unwrap() {
        assert!(
            retry["BackoffRate"].as_f64().is_some_and(|b| b > 1.0),
            "{name} backs off"
        );
    }
    state["Parameters"]["Payload"]
        .as_object()
        .unwrap_or_else(|| panic!("{name} has a Payload"))
}

/// A payload's field names, without the `.$` of those computed from the state.
fn field_names(payload: &Map<String, Value>) -> BTreeSet<&str> {
    payload.keys().map(|k| k.trim_end_matches(".$")).collect()
}

#[test]
fn the_state_machine_lists_audits_in_a_distributed_map_and_merges() {
    let template = template();
    let ((function, _), _) = function_and_role(&template);
    let (bucket, _) = only_of_type(&template, "AWS::S3::Bucket");
    let (machine_name, machine) = only_of_type(&template, "AWS::Serverless::StateMachine");
    let properties = &machine["Properties"];
    assert_eq!(properties["Type"], "STANDARD");
    assert!(
        properties["Logging"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
            .is_object(),
        "{machine_name} logs"
    );
    let substitutions = &properties["DefinitionSubstitutions"];
    assert!(points_at(&substitutions["ReportBucket"], bucket));
    let definition = &properties["Definition"];
    let states = &definition["States"];

    // ListAccounts → AuditAccounts → Merge.
    assert_eq!(definition["StartAt"], "ListAccounts");
    let list = &states["ListAccounts"];
    let payload = invocation_payload(list, substitutions, function, "ListAccounts");
    assert_eq!(
        Value::Object(payload.clone()),
        serde_json::json!({"action": "accounts"})
    );
    assert_eq!(
        list["ResultSelector"]["accounts.$"], "$.Payload.accounts",
        "ListAccounts keeps the accounts"
    );
    assert_eq!(list["Next"], "AuditAccounts");

    let map = &states["AuditAccounts"];
    assert_eq!(map["Type"], "Map");
    assert_eq!(
        map["ItemProcessor"]["ProcessorConfig"]["Mode"],
        "DISTRIBUTED"
    );
    assert_eq!(
        map["ItemProcessor"]["ProcessorConfig"]["ExecutionType"],
        "STANDARD"
    );
    assert_eq!(map["ItemsPath"], "$.accounts");
    assert_eq!(
        map_limit_parameter(definition, substitutions, map, "MaxConcurrency"),
        "MapMaxConcurrency"
    );
    let concurrency = &template["Parameters"]["MapMaxConcurrency"];
    assert_eq!(
        (&concurrency["Default"], &concurrency["MinValue"]),
        (&Value::from(10), &Value::from(1))
    );
    assert!(concurrency["MaxValue"].as_i64().is_some_and(|m| m >= 10));
    assert_eq!(
        map_limit_parameter(definition, substitutions, map, "ToleratedFailurePercentage"),
        "MapToleratedFailurePercentage"
    );
    assert!(
        map["ResultPath"].is_null() && map.get("ResultPath").is_some()
            || map.get("ResultWriter").is_some(),
        "the Map's results stay out of the state (ResultPath null or a ResultWriter)"
    );
    assert_eq!(map["Next"], "Merge");

    // Each item: one account, written under the run's accounts/ prefix.
    let selector = &map["ItemSelector"];
    let processor = &map["ItemProcessor"];
    let start = processor["StartAt"]
        .as_str()
        .expect("the item processor starts somewhere");
    let item_payload =
        invocation_payload(&processor["States"][start], substitutions, function, start);
    assert_eq!(item_payload["action"], "audit");
    let fields = field_names(item_payload);
    let unknown: Vec<&&str> = fields
        .iter()
        .filter(|f| !AUDIT_FIELDS.contains(f))
        .collect();
    assert!(
        unknown.is_empty(),
        "the audit payload has fields the function rejects: {unknown:?}"
    );
    let item_field = |path: &str| -> &Value {
        let field = path
            .strip_prefix("$.")
            .unwrap_or_else(|| panic!("{path} reads the item"));
        &selector[format!("{field}.$")]
    };
    let accounts = item_payload["accounts.$"]
        .as_str()
        .expect("accounts is computed");
    let inner = accounts
        .strip_prefix("States.Array(")
        .and_then(|a| a.strip_suffix(')'))
        .expect("accounts is a list of the one item");
    assert_eq!(
        item_field(inner),
        "$$.Map.Item.Value",
        "accounts holds the item"
    );
    let accounts_prefix = "'s3://${ReportBucket}/runs/{}/accounts/', $$.Execution.Name";
    let output = item_payload["output.$"]
        .as_str()
        .expect("output is computed");
    assert_eq!(
        item_field(output),
        &Value::from(format!("States.Format({accounts_prefix})")),
        "each account's report goes under runs/<execution>/accounts/"
    );

    // Merge: every report of the run, into runs/<execution>/organization/, expecting every account.
    let merge = &states["Merge"];
    let merge_payload = invocation_payload(merge, substitutions, function, "Merge");
    assert_eq!(merge_payload["action"], "merge");
    let fields = field_names(merge_payload);
    let unknown: Vec<&&str> = fields
        .iter()
        .filter(|f| !MERGE_FIELDS.contains(f))
        .collect();
    assert!(
        unknown.is_empty(),
        "the merge payload has fields the function rejects: {unknown:?}"
    );
    assert_eq!(
        merge_payload["inputs.$"],
        format!("States.Array(States.Format({accounts_prefix}))")
    );
    assert_eq!(
        merge_payload["output.$"],
        "States.Format('s3://${ReportBucket}/runs/{}/organization/', $$.Execution.Name)"
    );
    assert_eq!(
        merge_payload["expect_accounts.$"], "$.accounts",
        "the merge expects every listed account"
    );
    assert_eq!(merge["End"], true);

    // A schedule, off unless asked.
    let events = properties["Events"]
        .as_object()
        .expect("the state machine has events");
    let schedule = events
        .values()
        .find(|e| e["Type"] == "Schedule")
        .expect("a Schedule event");
    let state_parameter =
        target(&schedule["Properties"]["State"]).expect("the schedule's state is a parameter");
    assert_eq!(
        template["Parameters"][state_parameter]["Default"],
        "DISABLED"
    );
}

#[test]
fn the_state_machine_role_may_only_invoke_the_function_run_children_and_log() {
    let template = template();
    let ((function, _), _) = function_and_role(&template);
    let (_, machine) = only_of_type(&template, "AWS::Serverless::StateMachine");
    let role_name =
        target(&machine["Properties"]["Role"]).expect("the state machine has the template's role");
    let role = resource(&template, role_name);
    assert_eq!(role["Type"], "AWS::IAM::Role");
    let machine_name = machine["Properties"]["Name"]["Fn::Sub"]
        .as_str()
        .expect("the state machine is named");
    let log_delivery = [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    ];
    let mut granted = BTreeSet::new();
    for statement in role_statements(role) {
        let sid = statement.sid().to_string();
        for action in statement.actions() {
            for resource in statement_resources(statement.body) {
                let sub = resource
                    .get("Fn::Sub")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                match action.as_str() {
                    "lambda:InvokeFunction" => assert!(
                        points_at(resource, function),
                        "{sid}: {action} on {resource}"
                    ),
                    "states:StartExecution" => {
                        assert!(
                            sub.ends_with(&format!(":stateMachine:{machine_name}")),
                            "{sid}: {action} on {resource}"
                        )
                    }
                    "states:DescribeExecution" | "states:StopExecution" => assert!(
                        sub.ends_with(&format!(":execution:{machine_name}/*")),
                        "{sid}: {action} on the Distributed Map's child executions, not {resource}"
                    ),
                    a if log_delivery.contains(&a) => {}
                    other => panic!("{role_name}: statement {sid} grants {other}"),
                }
            }
            granted.insert(action);
        }
    }
    for needed in [
        "lambda:InvokeFunction",
        "states:StartExecution",
        "states:DescribeExecution",
        "states:StopExecution",
    ] {
        assert!(granted.contains(needed), "{role_name} lacks {needed}");
    }
}

#[test]
fn the_outputs_name_the_function_state_machine_bucket_and_key() {
    let template = template();
    let ((function, _), _) = function_and_role(&template);
    let (machine, _) = only_of_type(&template, "AWS::Serverless::StateMachine");
    let (bucket, _) = only_of_type(&template, "AWS::S3::Bucket");
    let (key, _) = only_of_type(&template, "AWS::KMS::Key");
    let outputs: Vec<&Value> = template["Outputs"]
        .as_object()
        .expect("outputs")
        .values()
        .map(|o| &o["Value"])
        .collect();
    for wanted in [function, machine, bucket, key] {
        assert!(
            outputs.iter().any(|v| points_at(v, wanted)),
            "no output names {wanted}"
        );
    }
}

#[test]
fn every_checkov_skip_says_why() {
    let template = template();
    for (name, resource) in resources(&template) {
        let Some(skips) = resource["Metadata"]["checkov"]["skip"].as_array() else {
            continue;
        };
        for skip in skips {
            let id = skip["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: a checkov skip without id"));
            let comment = skip["comment"].as_str().unwrap_or("");
            assert!(
                comment.split_whitespace().count() >= 8,
                "{name}: checkov skip {id} has no written reason"
            );
        }
    }
}

/// The payloads the state machine sends, with every `.$` field given a value of the shape
/// the state gives it, are accepted by the function's own parser with the action they name;
/// and the fields the state machine reads from the answers are fields the function answers.
#[test]
fn the_state_machine_payloads_are_what_the_function_accepts() {
    let template = template();
    let (_, machine) = only_of_type(&template, "AWS::Serverless::StateMachine");
    let states = &machine["Properties"]["Definition"]["States"];
    let map = &states["AuditAccounts"];
    let item = &map["ItemProcessor"]["States"][map["ItemProcessor"]["StartAt"].as_str().unwrap()];
    let concrete = |payload: &Value| -> Value {
        let mut out = Map::new();
        for (key, value) in payload.as_object().expect("a payload object") {
            match key.strip_suffix(".$") {
                None => {
                    out.insert(key.clone(), value.clone());
                }
                Some(field) => {
                    // What the state fills the field with: an account list, a prefix, a list of prefixes.
                    let sample = match field {
                        "accounts" | "expect_accounts" => serde_json::json!(["123456789012", "210987654321"]),
                        "output" => serde_json::json!("s3://reports/runs/exec/accounts/"),
                        "inputs" => serde_json::json!(["s3://reports/runs/exec/accounts/"]),
                        other => panic!("no sample for the computed field {other}: add one of its shape"),
                    };
                    out.insert(field.to_string(), sample);
                }
            }
        }
        Value::Object(out)
    };
    for (state, action) in [
        (&states["ListAccounts"], rampart::lambda::Action::Accounts),
        (item, rampart::lambda::Action::Audit),
        (&states["Merge"], rampart::lambda::Action::Merge),
    ] {
        let payload = concrete(&state["Parameters"]["Payload"]);
        let parsed = rampart::lambda::Payload::of_event(payload.clone()).unwrap_or_else(|e| panic!("{payload} is refused: {e}"));
        assert_eq!(parsed.action, action, "{payload}");
    }

    // The answers' fields the states read: `$.Payload.<field>`.
    let answer = serde_json::to_value(rampart::lambda::Summary {
        action: "audit",
        accounts: vec!["123456789012".into()],
        verdict: Some("failed"),
        exit_code: Some(3),
        score: Some(Default::default()),
        counts: Some(Default::default()),
        reports: Default::default(),
        security_hub: None,
        deadline_seconds: Some(800),
    })
    .unwrap();
    for selector in [&states["ListAccounts"]["ResultSelector"], &item["ResultSelector"]] {
        for path in selector.as_object().unwrap().values().filter_map(Value::as_str) {
            if let Some(field) = path.strip_prefix("$.Payload.") {
                assert!(answer.get(field).is_some(), "the state reads {field}, which the function does not answer: {answer}");
            }
        }
    }
}
