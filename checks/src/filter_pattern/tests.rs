use serde_json::{Value, json};

use super::*;

fn event() -> Value {
    json!({
        "eventVersion": "1.09",
        "eventName": "ConsoleLogin",
        "eventSource": "signin.amazonaws.com",
        "eventType": "AwsConsoleSignIn",
        "errorCode": "Client.UnauthorizedOperation",
        "sourceIPAddress": "123.123.1.2",
        "userIdentity": { "type": "IAMUser", "userName": "alice" },
        "additionalEventData": { "MFAUsed": "No" },
        "responseElements": { "ConsoleLogin": "Success" },
        "latency": 1500,
        "ratio": 0.5,
        "someInt": 123,
        "nothing": null,
        "flag": true,
        "off": false,
        "resources": [ { "ARN": "arn:aws:s3:::b1" }, { "ARN": "arn:aws:s3:::b2" } ],
        "tags": ["a", "b"],
        "weird-key:x": "yes",
        "quote": "say \"hi\"",
        "star": "a*b"
    })
}

/// (pattern, expected match against `event()`).
const CASES: &[(&str, bool)] = &[
    // empty pattern and whitespace
    ("", true),
    ("   \n ", true),
    // equality, quoted and unquoted
    (r#"{ $.eventName = "ConsoleLogin" }"#, true),
    (r#"{ $.eventName = ConsoleLogin }"#, true),
    (r#"{$.eventName="ConsoleLogin"}"#, true),
    (r#"{ $.eventName = "consolelogin" }"#, false),
    (r#"{ $.eventName = "Console" }"#, false),
    (r#"{ $.eventName != "ConsoleLogin" }"#, false),
    (r#"{ $.eventName != "GetObject" }"#, true),
    (r#"{ $.eventName != GetObject }"#, true),
    // wildcards: prefix, suffix, contains, alone, middle
    (r#"{ $.errorCode = "*UnauthorizedOperation" }"#, true),
    (r#"{ $.errorCode = "Client.*" }"#, true),
    (r#"{ $.errorCode = "*Unauthorized*" }"#, true),
    (r#"{ $.errorCode = "AccessDenied*" }"#, false),
    (r#"{ $.errorCode = * }"#, true),
    (r#"{ $.errorCode = "*" }"#, true),
    (r#"{ $.errorCode = Client*Operation }"#, true),
    (r#"{ $.sourceIPAddress = 123.123.* }"#, true),
    (r#"{ $.sourceIPAddress != 123.123.* }"#, false),
    (r#"{ $.star = "a\*b" }"#, true),
    (r#"{ $.star = "a\*c" }"#, false),
    (r#"{ $.quote = "say \"hi\"" }"#, true),
    // nested selectors, arrays, odd keys
    (r#"{ $.additionalEventData.MFAUsed != "Yes" }"#, true),
    (r#"{ $.userIdentity.type = IAMUser }"#, true),
    (r#"{ $.resources[1].ARN = "arn:aws:s3:::b2" }"#, true),
    (r#"{ $.resources[0].ARN = "arn:aws:s3:::b2" }"#, false),
    (r#"{ $.resources[5].ARN = * }"#, false),
    (r#"{ $.tags[0] = a }"#, true),
    (r#"{ $.weird-key:x = yes }"#, true),
    // comparisons need an existing scalar: missing, null, objects and arrays match neither = nor !=
    (r#"{ $.missing = * }"#, false),
    (r#"{ $.missing != "x" }"#, false),
    (r#"{ $.nothing != "x" }"#, false),
    (r#"{ $.userIdentity != "x" }"#, false),
    (r#"{ $.tags = * }"#, false),
    // numbers
    ("{ $.latency > 1000 }", true),
    ("{ $.latency >= 1500 }", true),
    ("{ $.latency < 1500 }", false),
    ("{ $.latency <= 1500 }", true),
    ("{ $.latency = 1500 }", true),
    ("{ $.latency = 1500.0 }", true),
    ("{ $.latency != 1500 }", false),
    ("{ $.ratio < 1 }", true),
    ("{ $.ratio > -1 }", true),
    ("{ $.someInt = 12* }", true),
    ("{ $.someInt = *23 }", true),
    ("{ $.someInt != 3* }", true),
    ("{ $.eventName > 5 }", false),
    ("{ $.missing < 5 }", false),
    // IS NULL, NOT EXISTS, IS TRUE / IS FALSE
    ("{ $.nothing IS NULL }", true),
    ("{ $.missing IS NULL }", false),
    ("{ $.eventName IS NULL }", false),
    ("{ $.missing NOT EXISTS }", true),
    ("{ $.nothing NOT EXISTS }", false),
    ("{ $.userIdentity.invokedBy NOT EXISTS }", true),
    ("{ $.userIdentity.type NOT EXISTS }", false),
    ("{ $.flag IS TRUE }", true),
    ("{ $.flag IS FALSE }", false),
    ("{ $.off IS FALSE }", true),
    ("{ $.nothing is null }", true),
    // && / || precedence and parentheses
    (r#"{ $.eventName = X || $.eventName = ConsoleLogin && $.latency > 1000 }"#, true),
    (r#"{ $.eventName = ConsoleLogin || $.eventName = X && $.latency > 9999 }"#, true),
    (r#"{ ($.eventName = ConsoleLogin || $.eventName = X) && $.latency > 9999 }"#, false),
    (r#"{ $.eventName = X && $.latency > 1 || $.flag IS TRUE }"#, true),
    (r#"{ (($.eventName = ConsoleLogin)) }"#, true),
    (r#"{($.eventName=ConsoleLogin)&&($.latency>1000)}"#, true),
    // CIS forms
    (r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#, true),
    (
        r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
        true,
    ),
    (
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        true,
    ),
    (r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "No") }"#, false),
    (
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        false,
    ),
    (r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#, false),
    // term patterns over the event text
    ("ConsoleLogin", true),
    ("ConsoleLogin alice", true),
    ("ConsoleLogin bob", false),
    ("?bob ?alice", true),
    ("?bob ?carol", false),
    ("ConsoleLogin -alice", false),
    ("ConsoleLogin -bob", true),
    (r#""signin.amazonaws.com""#, true),
    ("consolelogin", false),
];

#[test]
fn table() {
    let ev = event();
    for (pattern, expected) in CASES {
        let parsed = FilterPattern::parse(pattern).unwrap_or_else(|e| panic!("{pattern:?} should parse: {e}"));
        assert_eq!(parsed.matches(&ev), *expected, "pattern {pattern:?}");
    }
}

#[test]
fn syntax_errors_are_typed_not_panics() {
    let bad = [
        "{",
        "{ }",
        "{ $.a = }",
        "{ $.a }",
        "{ $ = x }",
        "{ $. = x }",
        "{ $.a[x] = 1 }",
        "{ $.a[1 = 1 }",
        "{ $.a = \"open }",
        "{ $.a = x } trailing",
        "{ ($.a = x }",
        "{ $.a = x) }",
        "{ $.a = x && }",
        "{ $.a = x || || $.b = y }",
        "{ && $.a = x }",
        "{ $.a < abc }",
        "{ $.a >= \"5\" }",
        "{ $.a IS }",
        "{ $.a IS MAYBE }",
        "{ $.a NOT THERE }",
        "{ x = 1 }",
        "{ $.a = x { }",
        "{ $.a == x }",
        "\"unterminated",
        "- ",
        "a\"b",
    ];
    for pattern in bad {
        match FilterPattern::parse(pattern) {
            Err(PatternError::Syntax { .. }) => {}
            other => panic!("{pattern:?}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn unsupported_forms_are_reported_as_such() {
    for pattern in ["{ $.eventName = %Create.*% }", "[ip, user, ...]", "%ERROR%", "{ $.* = x }", "{ $.a[*] = x }"] {
        let err = FilterPattern::parse(pattern).expect_err(pattern);
        assert!(err.is_unsupported(), "{pattern:?}: {err}");
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let pattern = format!("{{ {}$.a = 1{} }}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(FilterPattern::parse(&pattern), Err(PatternError::Syntax { .. })));
    let ok = format!("{{ {}$.a = 1{} }}", "(".repeat(20), ")".repeat(20));
    assert!(FilterPattern::parse(&ok).is_ok());
}

#[test]
fn precedence_builds_the_expected_tree() {
    let p = FilterPattern::parse("{ $.a = 1 || $.b = 2 && $.c = 3 }").unwrap();
    let PatternKind::Json(Expr::Or(_, right)) = p.kind() else { panic!("{p:?}") };
    assert!(matches!(**right, Expr::And(_, _)));
}

#[test]
fn globs() {
    let cases: &[(&[GlobPart], &str, bool)] = &[
        (&[], "", true),
        (&[], "x", false),
        (&[GlobPart::Any], "", true),
        (&[GlobPart::Lit(String::new())], "", true),
    ];
    for (parts, text, expected) in cases {
        assert_eq!(Glob { parts: parts.to_vec() }.matches(text), *expected, "{parts:?} {text:?}");
    }
    let g = |s: &str| match FilterPattern::parse(&format!("{{ $.x = \"{s}\" }}")).unwrap().kind().clone() {
        PatternKind::Json(Expr::Cond(Condition { test: Test::Compare(_, Literal::Text(g)), .. })) => g,
        other => panic!("{other:?}"),
    };
    assert!(g("a*a").matches("aa"));
    assert!(!g("a*a").matches("a"));
    assert!(g("*ab*b").matches("xabyb"));
    assert!(!g("*ab*b").matches("ab"));
    assert!(g("**").matches("anything"));
    assert!(Glob::literal("x*").matches("x*"));
    assert!(!Glob::literal("x*").matches("xy"));
}

#[test]
fn non_object_events_do_not_panic() {
    let p = FilterPattern::parse("{ $.a.b[0] = x }").unwrap();
    for ev in [json!(null), json!([1, 2]), json!("text"), json!({"a": [1]}), json!({"a": {"b": "x"}})] {
        assert!(!p.matches(&ev));
    }
}
