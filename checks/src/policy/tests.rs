//! Table-driven tests of the policy parser and its questions.

use super::*;

const BUCKET: &str = "arn:aws:s3:::data";

fn doc(text: &str) -> PolicyDocument {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A document with one statement.
fn one(statement: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": {statement}}}"#)
}

#[test]
fn parses_every_accepted_shape() {
    let d = doc(r#"{
        "Version": "2012-10-17",
        "Id": "key-policy",
        "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"]},
            {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", "*"], "Service": "s3.amazonaws.com",
                "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": ["abc"]},
             "NotAction": ["iam:*"], "NotResource": "arn:aws:s3:::b",
             "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:TlsVersion": 1.2},
                           "StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]},
                           "NumericEquals": {"s3:max-keys": 10}}}
        ]
    }"#);
    assert_eq!(d.version.as_deref(), Some("2012-10-17"));
    assert_eq!(d.id.as_deref(), Some("key-policy"));
    assert_eq!(d.statements.len(), 2);
    let a = &d.statements[0];
    assert_eq!(a.sid.as_deref(), Some("A"));
    assert_eq!(a.effect, Effect::Allow);
    assert_eq!(a.principal, Some(Scope::Only(Principal::Everyone)));
    assert_eq!(a.action, Some(Scope::Only(vec!["s3:GetObject".to_string()])));
    assert_eq!(a.resource, Some(Scope::Only(vec!["arn:aws:s3:::b/*".to_string()])));
    assert!(a.condition.is_empty());
    let b = &d.statements[1];
    assert_eq!(b.effect, Effect::Deny);
    let Some(Scope::AllExcept(Principal::Map(m))) = &b.principal else { panic!("{b:?}") };
    assert_eq!(m.aws, vec!["arn:aws:iam::111122223333:root", "*"]);
    assert_eq!(m.service, vec!["s3.amazonaws.com"]);
    assert_eq!(m.federated, vec!["cognito-identity.amazonaws.com"]);
    assert_eq!(m.canonical_user, vec!["abc"]);
    assert_eq!(b.action, Some(Scope::AllExcept(vec!["iam:*".to_string()])));
    assert_eq!(b.resource, Some(Scope::AllExcept(vec!["arn:aws:s3:::b".to_string()])));
    assert_eq!(b.condition["Bool"]["aws:SecureTransport"], vec!["false"]);
    assert_eq!(b.condition["NumericLessThan"]["s3:TlsVersion"], vec!["1.2"]);
    assert_eq!(b.condition["NumericEquals"]["s3:max-keys"], vec!["10"]);
    assert_eq!(b.condition["StringEquals"]["aws:SourceAccount"], vec!["111122223333", "444455556666"]);
}

#[test]
fn statement_may_be_a_single_object_and_version_may_be_absent() {
    let d = doc(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    assert_eq!(d.version, None);
    assert_eq!(d.statements.len(), 1);
    assert_eq!(d.statements[0].grants_full_admin("aws"), Ok(true));
    assert!(doc(r#"{"Statement": []}"#).statements.is_empty());
}

#[test]
fn malformed_documents_are_errors_with_serde_messages() {
    let table: &[(&str, &str)] = &[
        ("", "EOF while parsing"),
        ("not json", "expected ident"),
        ("%7B%22Statement%22%3A%5B%5D%7D", "expected value"),
        ("[]", "invalid type: sequence, expected a JSON object"),
        (r#"["2012-10-17", null, []]"#, "invalid type: sequence, expected a JSON object"),
        (r#"{"Statement": [["Allow"]]}"#, "invalid type: sequence, expected a JSON object"),
        ("null", "invalid type: null"),
        (r#"{"Version": "2012-10-17"}"#, "missing field `Statement`"),
        (r#"{"Statement": "Allow"}"#, "expected a statement object or a list of statement objects"),
        (r#"{"Statement": [{"Action": "*", "Resource": "*"}]}"#, "missing field `Effect`"),
        (r#"{"Statement": [{"Effect": "allow", "Action": "*"}]}"#, "unknown variant `allow`"),
        (r#"{"Statement": [{"Effect": "Allow", "Action": 5}]}"#, "expected a string or a list of strings"),
        (r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:*", 5]}]}"#, "invalid type: integer `5`, expected a string"),
        (r#"{"Statement": [{"Effect": "Allow", "Resource": {"a": 1}}]}"#, "expected a string or a list of strings"),
        (r#"{"Statement": [{"Effect": "Allow", "Actions": "*"}]}"#, "unknown field `Actions`"),
        (r#"{"Statement": [{"Effect": "Allow", "Principal": "arn:aws:iam::1:root"}]}"#, "expected \"*\" or a map"),
        (r#"{"Statement": [{"Effect": "Allow", "Principal": {"Aws": "*"}}]}"#, "unknown field `Aws`"),
        (r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": 1}}]}"#, "expected a string or a list of strings"),
        (r#"{"Statement": [{"Effect": "Allow", "Condition": {"Bool": "x"}}]}"#, "invalid type: string"),
        (r#"{"Statement": [{"Effect": "Allow", "Condition": {"Bool": {"k": null}}}]}"#, "expected a string, boolean, number"),
        (r#"{"Statement": [{"Effect": "Allow", "Condition": {"Bool": {"k": [{"a": 1}]}}}]}"#, "expected a string, boolean or number"),
        (r#"{"Statement": [{"Effect": "Allow"}], "Extra": 1}"#, "unknown field `Extra`"),
        (r#"{"Statement": [{"Effect": "Allow", "Action": "*"}"#, "EOF while parsing"),
    ];
    for (text, want) in table {
        match parse(text) {
            Ok(d) => panic!("{text}: parsed as {d:?}"),
            Err(e @ PolicyError::Malformed(_)) => {
                assert!(e.to_string().contains(want), "{text}: got '{e}', want '{want}'");
                assert!(e.to_string().starts_with("malformed policy document: "));
            }
            Err(e) => panic!("{text}: wrong error kind {e:?}"),
        }
    }
}

#[test]
fn both_halves_of_a_pair_are_invalid() {
    let table: &[(&str, &str)] = &[
        (r#"{"Effect": "Allow", "Action": "*", "NotAction": "iam:*"}"#, "has both Action and NotAction"),
        (r#"{"Effect": "Allow", "Resource": "*", "NotResource": "x"}"#, "has both Resource and NotResource"),
        (r#"{"Effect": "Allow", "Principal": "*", "NotPrincipal": "*"}"#, "has both Principal and NotPrincipal"),
    ];
    for (statement, want) in table {
        let text = format!(r#"{{"Statement": [{{"Effect": "Deny", "Action": "*"}}, {statement}]}}"#);
        let err = parse(&text).unwrap_err();
        assert_eq!(err, PolicyError::Invalid { index: 2, message: want.to_string() }, "{statement}");
        assert_eq!(err.to_string(), format!("invalid policy document: statement 2: {want}"));
    }
}

#[test]
fn full_admin_table() {
    let table: &[(&str, bool)] = &[
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*:*", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["arn:aws:s3:::b", "*"]}"#, true),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}"#, true),
        (r#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}"#, false),
        (r#"{"Effect": "Allow", "Action": ["iam:*", "s3:*"], "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*"}"#, false),
        // NotAction: everything except the listed actions.
        (r#"{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "NotAction": ["iam:CreateUser"], "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "NotAction": "IAM*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "NotAction": "*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:aws:s3:::b"}"#, false),
        // NotResource: everything except the listed resources.
        (r#"{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret"}"#, true),
        (r#"{"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::secret"}"#, true),
        (r#"{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret"}"#, false),
    ];
    for (statement, want) in table {
        let d = doc(&one(statement));
        assert_eq!(!d.full_admin_statements("aws").unwrap().is_empty(), *want, "{statement}");
    }
}

#[test]
fn admin_statements_are_named_by_number_and_sid() {
    let d = doc(
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                          {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Effect": "Allow", "Action": "*:*", "Resource": "*"}]}"#,
    );
    assert_eq!(join_refs(&d.full_admin_statements("aws").unwrap()), "statement 2 (Sid \"Everything\"), statement 3");
}

#[test]
fn public_table() {
    let allow = |principal: &str, condition: &str| {
        format!(r#"{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "*"{condition}}}"#)
    };
    let cond = |c: &str| format!(r#", "Condition": {c}"#);
    let table: Vec<(String, bool)> = vec![
        // Principals.
        (allow(r#""*""#, ""), true),
        (allow(r#"{"AWS": "*"}"#, ""), true),
        (allow(r#"{"AWS": ["arn:aws:iam::111122223333:root", "*"]}"#, ""), true),
        (allow(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, ""), false),
        (allow(r#"{"Service": "cloudtrail.amazonaws.com"}"#, ""), false),
        (allow(r#"{"CanonicalUser": "abc"}"#, ""), false),
        (allow(r#"{"Federated": "accounts.google.com"}"#, ""), false),
        (r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}"#.into(), true),
        (r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}"#.into(), false),
        (r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#.into(), false),
        // Restricting conditions.
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceAccount": "111122223333"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"AWS:SOURCEACCOUNT": ["111122223333", "444455556666"]}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceOwner": "111122223333"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"kms:CallerAccount": "111122223333"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/*"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::my-bucket"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceVpc": "vpc-1234"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc123/r-ab12/*"}}"#)), false),
        (allow(r#""*""#, &cond(r#"{"StringLike": {"aws:userid": "AROAEXAMPLE:*"}}"#)), false),
        // One restricting entry is enough (conditions are ANDed).
        (allow(r#""*""#, &cond(r#"{"Bool": {"aws:SecureTransport": true}, "StringEquals": {"aws:SourceAccount": "111122223333"}}"#)), false),
        // Conditions that do not restrict.
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceAccount": "*"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringLike": {"aws:SourceAccount": "1111*"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceAccount": ["111122223333", "*"]}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringNotEquals": {"aws:SourceAccount": "111122223333"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringLike": {"aws:SourceVpce": "vpce-*"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringLike": {"aws:PrincipalOrgPaths": "o-*"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringLike": {"kms:ViaService": "*.amazonaws.com"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"aws:SourceAccount": []}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"Bool": {"aws:SecureTransport": "true"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"Null": {"aws:SourceAccount": "false"}}"#)), true),
        (allow(r#""*""#, &cond(r#"{"StringEquals": {"s3:prefix": "public/"}}"#)), true),
    ];
    for (statement, want) in &table {
        let d = doc(&one(statement));
        assert_eq!(!d.public_statements().is_empty(), *want, "{statement}");
    }
}

#[test]
fn restricting_key_list_is_lower_case() {
    for key in PUBLIC_ACCESS_RESTRICTING_KEYS {
        assert_eq!(*key, key.to_ascii_lowercase());
    }
}

fn tls(statements: &str) -> TransportVerdict {
    doc(&format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)).insecure_transport_denial(BUCKET)
}

fn deny(principal: &str, action: &str, resource: &str, condition: &str) -> String {
    format!(r#"{{"Effect": "Deny", "Principal": {principal}, "Action": {action}, "Resource": {resource}, "Condition": {condition}}}"#)
}

const BOTH: &str = r#"["arn:aws:s3:::data", "arn:aws:s3:::data/*"]"#;
const NO_TLS: &str = r#"{"Bool": {"aws:SecureTransport": "false"}}"#;

#[test]
fn secure_transport_table() {
    let table: Vec<(String, bool)> = vec![
        // The CIS remediation, and its equivalents.
        (deny(r#""*""#, r#""s3:*""#, BOTH, NO_TLS), true),
        (deny(r#"{"AWS": "*"}"#, r#""s3:*""#, BOTH, NO_TLS), true),
        (deny(r#""*""#, r#""*""#, BOTH, NO_TLS), true),
        (deny(r#""*""#, r#"["S3:*"]"#, BOTH, NO_TLS), true),
        (deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool": {"aws:SecureTransport": false}}"#), true),
        (deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool": {"aws:securetransport": "False"}}"#), true),
        (deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"BoolIfExists": {"aws:SecureTransport": "false"}}"#), true),
        (deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"NumericLessThanIfExists": {"s3:TlsVersion": 1.2}}"#), true),
        (
            deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool": {"aws:SecureTransport": "false"}, "NumericLessThanIfExists": {"s3:TlsVersion": "1.2"}}"#),
            true,
        ),
        (deny(r#""*""#, r#""s3:*""#, r#""*""#, NO_TLS), true),
        (deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::*""#, NO_TLS), true),
        (deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::data*""#, NO_TLS), true),
        // Bucket and objects in two statements.
        (
            format!(
                "{}, {}",
                deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::data""#, NO_TLS),
                deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::data/*""#, NO_TLS)
            ),
            true,
        ),
        // NotAction that excludes nothing of S3; NotResource elsewhere.
        (r#"{"Effect": "Deny", "Principal": "*", "NotAction": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#.into(), true),
        (r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": "arn:aws:s3:::other/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#.into(), true),
        // Not enough.
        (deny(r#""*""#, r#"["s3:GetObject", "s3:PutObject"]"#, BOTH, NO_TLS), false),
        (deny(r#""*""#, r#""s3:Get*""#, BOTH, NO_TLS), false),
        (r#"{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#.into(), false),
        (deny(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, r#""s3:*""#, BOTH, NO_TLS), false),
        (r#"{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#.into(), false),
        (deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::data""#, NO_TLS), false),
        (deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::data/*""#, NO_TLS), false),
        (deny(r#""*""#, r#""s3:*""#, r#"["arn:aws:s3:::data", "arn:aws:s3:::data/logs/*"]"#, NO_TLS), false),
        (deny(r#""*""#, r#""s3:*""#, r#"["arn:aws:s3:::other", "arn:aws:s3:::other/*"]"#, NO_TLS), false),
        (r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": "arn:aws:s3:::data/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#.into(), false),
        (deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool": {"aws:SecureTransport": "true"}}"#), false),
        (deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"NumericLessThan": {"s3:TlsVersion": 1.2}}"#), false),
        (
            deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool": {"aws:SecureTransport": "false"}, "NumericLessThan": {"s3:TlsVersion": 1.2}}"#),
            false,
        ),
        (
            deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:SourceVpce": "vpce-1"}}"#),
            false,
        ),
        (r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}"#.into(), false),
        (r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#.into(), false),
    ];
    for (statements, want) in &table {
        let verdict = tls(statements);
        assert_eq!(matches!(verdict, TransportVerdict::Enforced(_)), *want, "{statements}: {verdict:?}");
    }
}

#[test]
fn secure_transport_messages_say_why() {
    assert_eq!(tls(&deny(r#""*""#, r#""s3:*""#, BOTH, NO_TLS)), TransportVerdict::Enforced("denied by statement 1".into()));
    let TransportVerdict::NotEnforced(why) = tls(&deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::data""#, NO_TLS)) else { panic!() };
    assert_eq!(why, "statement 1 denies non-TLS requests on the bucket but not on all its objects (arn:aws:s3:::data/*)");
    let TransportVerdict::NotEnforced(why) = tls(&deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"NumericLessThan": {"s3:TlsVersion": 1.2}}"#))
    else {
        panic!()
    };
    assert!(why.contains("false for plain HTTP"), "{why}");
    let TransportVerdict::NotEnforced(why) = tls(&deny(r#""*""#, r#""s3:GetObject""#, BOTH, NO_TLS)) else { panic!() };
    assert!(why.contains("does not deny every S3 action"), "{why}");
    let TransportVerdict::NotEnforced(why) = tls(r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#)
    else {
        panic!()
    };
    assert_eq!(why, "no Deny statement for \"*\" on s3:* with condition aws:SecureTransport = false");
}

#[test]
fn full_admin_wildcards_are_judged_by_what_they_match() {
    let table: &[(&str, bool)] = &[
        (r#"{"Effect": "Allow", "Action": "*:**", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*:*?*", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*?*", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "**", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "?*:?*", "Resource": "*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*:*:*:*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "*:*:*:*:*:*"}"#, true),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "**"}"#, true),
        // Patterns that leave some action or resource out.
        (r#"{"Effect": "Allow", "Action": "*:??*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*:", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "?:*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*????*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*:*:*", "Resource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*:*:*:*:*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*:*:*:?*:*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws-cn:*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::*"}"#, false),
        // NotResource that excludes every resource grants nothing.
        (r#"{"Effect": "Allow", "Action": "*", "NotResource": "*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:*"}"#, false),
        (r#"{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws-cn:*"}"#, true),
    ];
    for (statement, want) in table {
        let d = doc(&one(statement));
        assert_eq!(!d.full_admin_statements("aws").unwrap().is_empty(), *want, "{statement}");
    }
}

#[test]
fn source_ip_conditions_are_judged_as_address_sets() {
    let allow = |condition: &str| {
        format!(r#"{{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {condition}}}"#)
    };
    let table: &[(&str, bool)] = &[
        // The whole IPv4 internet in two halves, or in pieces: still public.
        (r#"{"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": ["::/1", "8000::/1"]}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": "2000::/3"}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "::/0"]}}"#, true),
        (r#"{"ipaddress": {"AWS:SOURCEIP": ["0.0.0.0/1", "128.0.0.0/1"]}}"#, true),
        // Everything but the private ranges is the whole internet.
        (r#"{"IpAddress": {"aws:SourceIp": ["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"]}}"#, true),
        // Specific ranges restrict; IPv4-only ranges shut IPv6 callers out.
        (r#"{"IpAddress": {"aws:SourceIp": "198.51.100.7/32"}}"#, false),
        (r#"{"IpAddress": {"aws:SourceIp": "198.51.100.7"}}"#, false),
        (r#"{"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/2"]}}"#, false),
        (r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, false),
        (r#"{"IpAddress": {"aws:SourceIp": "2001:db8:1234::/48"}}"#, false),
        // Garbage never restricts.
        (r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "not-an-ip"]}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": "10.0.0.*"}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": ""}}"#, true),
        (r#"{"IpAddress": {"aws:SourceIp": []}}"#, true),
        // IfExists is true when the key is absent.
        (r#"{"IpAddressIfExists": {"aws:SourceIp": "198.51.100.0/24"}}"#, true),
        // NotIpAddress: everyone outside the ranges. Restricting only when the excluded
        // ranges cover the whole internet of both families.
        (r#"{"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}"#, true),
        (r#"{"NotIpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}"#, true),
        (r#"{"NotIpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1", "2000::/3"]}}"#, false),
        (r#"{"NotIpAddress": {"aws:SourceIp": ["0.0.0.0/0", "::/0"]}}"#, false),
        (r#"{"NotIpAddressIfExists": {"aws:SourceIp": ["0.0.0.0/0", "::/0"]}}"#, true),
        (r#"{"NotIpAddress": {"aws:SourceIp": ["0.0.0.0/0", "::/0", "bogus"]}}"#, true),
        // NotIpAddress on other keys, or IpAddress on a non-IP key, restricts nothing.
        (r#"{"NotIpAddress": {"aws:SourceAccount": "111122223333"}}"#, true),
    ];
    for (condition, want) in table {
        let d = doc(&one(&allow(condition)));
        assert_eq!(!d.public_statements().is_empty(), *want, "{condition}");
    }
}

#[test]
fn deny_unless_from_my_range_is_not_credited() {
    // A Deny does not make an Allow to everyone private (see the module documentation):
    // the restriction must be on the Allow itself.
    let d = doc(r#"{"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}}]}"#);
    assert_eq!(join_refs(&d.public_statements()), "statement 1");
}

#[test]
fn hostile_documents_are_judged_quickly_or_rejected() {
    let start = std::time::Instant::now();
    // Thousands of statements, each with thousands of addresses.
    let ips: Vec<String> = (0..4_000u32).map(|i| format!("\"{}.{}.{}.0/24\"", 1 + i % 200, (i / 200) % 256, i % 256)).collect();
    let statement = format!(
        r#"{{"Effect": "Allow", "Principal": "*", "Action": "*:*?*", "Resource": "arn:aws:*:*:*:*", "Condition": {{"IpAddress": {{"aws:SourceIp": [{}]}}}}}}"#,
        ips.join(",")
    );
    let text = format!(r#"{{"Statement": [{}]}}"#, vec![statement; 200].join(","));
    let d = doc(&text);
    assert!(d.public_statements().is_empty());
    assert_eq!(d.full_admin_statements("aws").map(|s| s.len()), Ok(200));
    // Deep nesting is a parse error, not a stack overflow.
    let deep = format!(r#"{{"Statement": [{{"Effect": "Allow", "Condition": {{"Bool": {{"k": {}1{}}}}}}}]}}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(parse(&deep), Err(PolicyError::Malformed(_))));
    // A huge pattern is judged, not matched exponentially.
    let pattern = "*a".repeat(50_000);
    let text = one(&format!(r#"{{"Effect": "Allow", "Action": "{pattern}", "Resource": "{pattern}"}}"#));
    assert_eq!(doc(&text).full_admin_statements("aws").map(|s| s.len()), Ok(0));
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
}
