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
    assert!(matches!(FilterPattern::parse_any_length(&pattern), Err(PatternError::Syntax { .. })));
    assert!(matches!(FilterPattern::parse(&pattern), Err(PatternError::TooLong { .. })));
    let within_limit = format!("{{ {}$.a = 1{} }}", "(".repeat(500), ")".repeat(500));
    assert!(matches!(FilterPattern::parse(&within_limit), Err(PatternError::Syntax { .. })));
    let ok = format!("{{ {}$.a = 1{} }}", "(".repeat(20), ")".repeat(20));
    assert!(FilterPattern::parse(&ok).is_ok());
}

#[test]
fn precedence_builds_the_expected_tree() {
    let p = FilterPattern::parse("{ $.a = 1 || $.b = 2 && $.c = 3 }").unwrap();
    let PatternKind::Json(Expr::Or(operands)) = p.kind() else { panic!("{p:?}") };
    assert_eq!(operands.len(), 2, "{p:?}");
    assert!(matches!(&operands[0], Expr::Cond(_)), "{p:?}");
    assert!(matches!(&operands[1], Expr::And(and) if and.len() == 2), "{p:?}");

    // A run of one operator is one node; parentheses keep their group.
    let p = FilterPattern::parse("{ $.a = 1 && $.b = 2 && $.c = 3 || $.d = 4 || $.e = 5 }").unwrap();
    let PatternKind::Json(Expr::Or(operands)) = p.kind() else { panic!("{p:?}") };
    assert_eq!(operands.len(), 3, "{p:?}");
    assert!(matches!(&operands[0], Expr::And(and) if and.len() == 3), "{p:?}");
    let p = FilterPattern::parse("{ ($.a = 1 && $.b = 2) && $.c = 3 }").unwrap();
    let PatternKind::Json(Expr::And(operands)) = p.kind() else { panic!("{p:?}") };
    assert_eq!(operands.len(), 2, "{p:?}");
    assert!(matches!(&operands[0], Expr::And(and) if and.len() == 2), "{p:?}");
    let p = FilterPattern::parse("{ (($.a = 1)) }").unwrap();
    assert!(matches!(p.kind(), PatternKind::Json(Expr::Cond(_))), "{p:?}");
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

/// Runs `f` on a thread with a stack of `bytes`, so that a test about stack depth does not
/// depend on the test harness's (configurable) stack size.
fn on_stack(bytes: usize, f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(bytes).spawn(f).expect("spawn").join().expect("no panic");
}

const TWO_MIB: usize = 2 << 20;

/// `n` conditions on `$.a` joined by `sep(i)` between operand `i - 1` and operand `i`.
fn chain(n: usize, value: impl Fn(usize) -> String, sep: impl Fn(usize) -> &'static str) -> String {
    let mut body = String::from("{ ");
    for i in 0..n {
        if i > 0 {
            body.push_str(sep(i));
        }
        body.push_str(&format!("$.a = {}", value(i)));
    }
    body.push_str(" }");
    body
}

fn long_chains_body() {
    const N: usize = 60_000;
    let ev = json!({ "a": 1 });
    let operands = |p: &FilterPattern| -> (char, usize) {
        match p.kind() {
            PatternKind::Json(Expr::And(v)) => ('&', v.len()),
            PatternKind::Json(Expr::Or(v)) => ('|', v.len()),
            other => panic!("{:?}", std::mem::discriminant(other)),
        }
    };

    // && of 60,000 true conditions: one And, evaluated to the end.
    let all_true = chain(N, |_| "1".into(), |_| " && ");
    let p = FilterPattern::parse_any_length(&all_true).unwrap();
    assert_eq!(operands(&p), ('&', N));
    assert!(p.matches(&ev));
    // … and the last one false.
    let last_false = chain(N, |i| if i == N - 1 { "2".into() } else { "1".into() }, |_| " && ");
    assert!(!FilterPattern::parse_any_length(&last_false).unwrap().matches(&ev));

    // || of 60,000 false conditions but the last.
    let last_true = chain(N, |i| if i == N - 1 { "1".into() } else { "2".into() }, |_| " || ");
    let q = FilterPattern::parse_any_length(&last_true).unwrap();
    assert_eq!(operands(&q), ('|', N));
    assert!(q.matches(&ev));
    assert!(!FilterPattern::parse_any_length(&chain(N, |_| "2".into(), |_| " || ")).unwrap().matches(&ev));

    // Alternating: an Or of 30,000 Ands of two; only the last And holds.
    let mixed =
        chain(N, |i| if i >= N - 2 { "1".into() } else { "2".into() }, |i| if i % 2 == 1 { " && " } else { " || " });
    let m = FilterPattern::parse_any_length(&mixed).unwrap();
    assert_eq!(operands(&m), ('|', N / 2));
    let PatternKind::Json(Expr::Or(ands)) = m.kind() else { unreachable!() };
    assert!(ands.iter().all(|e| matches!(e, Expr::And(v) if v.len() == 2)));
    assert!(m.matches(&ev));

    // Printing, formatting and re-parsing stay flat too.
    for p in [&p, &q, &m] {
        let printed = p.canonical();
        assert_eq!(FilterPattern::parse_any_length(&printed).unwrap().kind(), p.kind());
        assert!(format!("{p:?}").len() > N);
    }

    // The limit refuses them all before parsing, with the length in the error.
    for text in [&all_true, &last_true, &mixed] {
        let length = text.chars().count();
        let err = FilterPattern::parse(text).unwrap_err();
        assert_eq!(err, PatternError::TooLong { length, limit: MAX_PATTERN_CHARS });
        let message = err.to_string();
        assert!(message.contains(&length.to_string()) && message.contains("1024"), "{message}");
    }
    drop((p, q, m));
}

#[test]
fn long_and_or_chains_are_flat_lists_not_deep_trees() {
    // Used to overflow the stack (a 60,000-deep tree evaluated and dropped recursively).
    on_stack(TWO_MIB, long_chains_body);
    long_chains_body();
}

#[test]
fn the_length_limit_counts_characters() {
    // 1,024 characters parse, 1,025 do not; multi-byte characters count once.
    let fits = format!("{{ $.a = \"{}\" }}", "é".repeat(MAX_PATTERN_CHARS - 12));
    assert_eq!(fits.chars().count(), MAX_PATTERN_CHARS);
    assert!(fits.len() > MAX_PATTERN_CHARS);
    assert!(FilterPattern::parse(&fits).is_ok());
    let over = format!("{{ $.a = \"{}\" }}", "é".repeat(MAX_PATTERN_CHARS - 11));
    assert_eq!(
        FilterPattern::parse(&over),
        Err(PatternError::TooLong { length: MAX_PATTERN_CHARS + 1, limit: MAX_PATTERN_CHARS })
    );
    assert!(FilterPattern::parse_any_length(&over).is_ok());
    assert!(!PatternError::TooLong { length: 2000, limit: 1024 }.is_unsupported());
    // Even whitespace counts: CloudWatch stores the string as given.
    assert!(matches!(FilterPattern::parse(&" ".repeat(1025)), Err(PatternError::TooLong { length: 1025, .. })));
    assert!(FilterPattern::parse(&" ".repeat(1024)).is_ok());
}

/// `depth` levels of parentheses, alternating `&&` and `||` groups, each level wide.
fn nested(depth: usize) -> String {
    let mut inner = "$.a = 1 || $.b = 2".to_string();
    for level in 1..depth {
        let op = if level % 2 == 0 { "||" } else { "&&" };
        inner = format!("$.c = 1 {op} ({inner}) {op} $.d != x");
    }
    format!("{{ ({inner}) }}")
}

/// Nesting depth of And/Or nodes.
fn depth(kind: &PatternKind) -> usize {
    fn of(e: &Expr) -> usize {
        match e {
            Expr::Cond(_) => 0,
            Expr::And(v) | Expr::Or(v) => 1 + v.iter().map(of).max().unwrap_or(0),
        }
    }
    match kind {
        PatternKind::Json(e) => of(e),
        _ => 0,
    }
}

fn max_depth_body() {
    let text = nested(parse::MAX_DEPTH);
    let p = FilterPattern::parse_any_length(&text).unwrap();
    assert_eq!(depth(p.kind()), parse::MAX_DEPTH);
    assert!(p.matches(&json!({ "a": 1, "c": 1, "d": "y" })));
    assert!(!p.matches(&json!({})));
    let printed = p.canonical();
    let again = FilterPattern::parse_any_length(&printed).unwrap();
    assert_eq!(again.kind(), p.kind());
    assert!(format!("{p:?}").contains("Cond"));
    assert!(format!("{p:#?}").contains("Cond"));
    // Printed parentheses: only around each Or inside an And (an And inside an Or needs none,
    // nor does the outermost group), which is every other level.
    assert_eq!(printed.matches('(').count(), parse::MAX_DEPTH / 2, "{printed}");
    drop((p, again));
    // One level more is refused, not overflowed.
    let deeper = nested(parse::MAX_DEPTH + 1);
    assert!(matches!(FilterPattern::parse_any_length(&deeper), Err(PatternError::Syntax { .. })));
}

#[test]
fn the_parenthesis_bound_keeps_every_operation_within_a_small_stack() {
    // Parse, evaluate, print, Debug (plain and pretty) and Drop at the deepest nesting the
    // parser accepts, on a quarter of a default 2 MiB thread stack.
    on_stack(TWO_MIB / 4, max_depth_body);
    max_depth_body();
}

/// Parses `text`; if it parses, its canonical form parses back to the same tree, and printing
/// that again gives the same text.
fn assert_round_trip(text: &str) {
    let Ok(p) = FilterPattern::parse_any_length(text) else { return };
    let printed = p.canonical();
    let again = FilterPattern::parse_any_length(&printed)
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which does not parse: {e}"));
    assert_eq!(again.kind(), p.kind(), "{text:?} printed as {printed:?}");
    assert_eq!(again.canonical(), printed, "{text:?}: the canonical form is not a fixed point");
    assert_eq!(p.kind().to_string(), printed);
}

/// Patterns with characters that need quoting or escaping, or that sit at a lexer boundary.
const ODD: &[&str] = &[
    r#"{ $.a = "" }"#,
    r#"{ $.a = "with space" }"#,
    r#"{ $.a = "123" }"#,
    r#"{ $.a = "-1.5e3" }"#,
    r#"{ $.a = 1e999 }"#,
    r#"{ $.a = "1e999" }"#,
    r#"{ $.a = 00012 }"#,
    r#"{ $.a = +.5 }"#,
    r#"{ $.a = 1.2.3 }"#,
    r#"{ $.a = - }"#,
    r#"{ $.a = "$.b" }"#,
    r#"{ $.a = "%x%" }"#,
    r#"{ $.a = a%b$c }"#,
    r#"{ $.a = "a&&b" }"#,
    r#"{ $.a = a&b|c!d }"#,
    r#"{ $.a = ! }"#,
    r#"{ $.a = "!=" }"#,
    r#"{ $.a = "(x)" }"#,
    r#"{ $.a = "{x}" }"#,
    r#"{ $.a = "<>=" }"#,
    r#"{ $.a = "\"" }"#,
    r#"{ $.a = "\\" }"#,
    r#"{ $.a = "\\\"\*" }"#,
    r#"{ $.a = "\q\n" }"#,
    r#"{ $.a = a\b }"#,
    r#"{ $.a = a\*b }"#,
    r#"{ $.a = "*\**" }"#,
    r#"{ $.a = "***" }"#,
    r#"{ $.a = "é ü 日本 🎉" }"#,
    r#"{ $.a = 日本*🎉 }"#,
    "{ $.a = \"tab\there\" }",
    "{ $.a = \"nbsp\u{a0}here\" }",
    "{ $.a = \"ideographic\u{3000}space\" }",
    "{ $.a = \"nul\u{0}char\" }",
    "{ $.a = zero\u{200b}width }",
    r#"{ $.a = IS }"#,
    r#"{ $.a = NOT }"#,
    r#"{ $.a = "}" }"#,
    r#"{ $.a-b:c@d/e = 1 }"#,
    r#"{ $[0] = 1 }"#,
    r#"{ $.a[0][1].b[2] = 1 }"#,
    r#"{ $.a[999999999999] = 1 }"#,
    r#"{ $.日本.ü = x }"#,
    r#"{ $.a%b$c = x }"#,
    r#"{ $.a Is Null && $.b nOt ExIsTs || $.c is true || $.d IS false }"#,
    r#"{ $.a <= -0 && $.b >= 1e3 && $.c < .5 && $.d > 5. }"#,
    r#"{ ($.a = 1 && $.b = 2) && $.c = 3 }"#,
    r#"{ ($.a = 1 || $.b = 2) || $.c = 3 }"#,
    r#"{ $.a = 1 || ($.b = 2 && $.c = 3) }"#,
    r#"{ (($.a = 1 || $.b = 2) && ($.c = 3 || ($.d = 4 && $.e = 5))) }"#,
    "x",
    "\"\"",
    "\"a b\" c",
    "?a ?\"b c\" -d -\"e f\" g",
    "\"-x\" \"?y\" \"{z\" \"[w\" \"%v\"",
    "\"{z\" a",
    "\"[w\"",
    "\"%v\" -x",
    "?-x -?y ??z --w",
    "a\\b \"c\\\\d\" \"e\\\"f\" \"g\\h\"",
    "\"a\"b",
    "日本 ?🎉 -ü",
    "}{ )( ]",
    "x\u{3000}y",
];

#[test]
fn canonical_printing_round_trips_every_pattern() {
    let mut parsed = 0;
    for text in CASES.iter().map(|(p, _)| *p).chain(ODD.iter().copied()) {
        let p = FilterPattern::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"));
        parsed += 1;
        assert_round_trip(text);
        // Printing does not change what the pattern matches.
        let again = FilterPattern::parse_any_length(&p.canonical()).unwrap();
        assert_eq!(again.matches(&event()), p.matches(&event()), "{text:?}");
    }
    assert_eq!(parsed, CASES.len() + ODD.len());
}

#[test]
fn canonical_form_examples() {
    let canon = |t: &str| FilterPattern::parse(t).unwrap().canonical();
    assert_eq!(canon("  "), "");
    assert_eq!(canon(r#"{$.a="x"&&($.b!=1||$.c IS null)}"#), r#"{ $.a = x && ($.b != 1 || $.c IS NULL) }"#);
    assert_eq!(canon("{ ((($.a = 1))) }"), "{ $.a = 1 }");
    assert_eq!(canon("{ $.a = 1 || ($.b = 2 && $.c = 3) }"), "{ $.a = 1 || $.b = 2 && $.c = 3 }");
    assert_eq!(canon("{ ($.a = 1 && $.b = 2) && $.c = 3 }"), "{ ($.a = 1 && $.b = 2) && $.c = 3 }");
    assert_eq!(canon(r#"{ $.a = "123" }"#), r#"{ $.a = "123" }"#);
    assert_eq!(canon(r#"{ $.a = "a\*b*" }"#), r#"{ $.a = "a\*b*" }"#);
    assert_eq!(canon(r#"{ $.a = "a b" }"#), r#"{ $.a = "a b" }"#);
    assert_eq!(canon(r#"{ $.a = "$x" }"#), r#"{ $.a = "$x" }"#);
    assert_eq!(canon(r#"{ $.a[3].b NOT EXISTS }"#), r#"{ $.a[3].b NOT EXISTS }"#);
    assert_eq!(canon("-c ?b a"), "a ?b -c");
    assert_eq!(canon(r#""-x" "a\"b""#), r#""-x" "a\"b""#);
}

/// A small deterministic generator (64-bit LCG), so the mutation test needs no crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn mutated_patterns_never_panic_and_round_trip_when_they_parse() {
    const ALPHABET: &[char] = &[
        '{', '}', '(', ')', '[', ']', '$', '.', '=', '!', '<', '>', '&', '|', '"', '\\', '*', '?', '-', '%', ' ', '\t',
        'a', 'x', '0', '9', 'e', 'é', '日', '🎉', '\u{3000}', '\u{0}',
    ];
    let seeds: Vec<&str> = CASES.iter().map(|(p, _)| *p).chain(ODD.iter().copied()).collect();
    let mut rng = Lcg(0x5eed);
    let ev = event();
    let mut round_tripped = 0;
    for _ in 0..20_000 {
        let mut chars: Vec<char> = seeds[rng.next() % seeds.len()].chars().collect();
        for _ in 0..1 + rng.next() % 4 {
            let at = if chars.is_empty() { 0 } else { rng.next() % (chars.len() + 1) };
            let c = ALPHABET[rng.next() % ALPHABET.len()];
            match rng.next() % 3 {
                0 => chars.insert(at, c),
                1 if at < chars.len() => chars[at] = c,
                _ if at < chars.len() => {
                    chars.remove(at);
                }
                _ => chars.push(c),
            }
        }
        let text: String = chars.into_iter().collect();
        if let Ok(p) = FilterPattern::parse(&text) {
            let _ = p.matches(&ev);
            assert_round_trip(&text);
            round_tripped += 1;
        }
    }
    // The test proves something only if a fair share of the mutants still parse.
    assert!(round_tripped > 2_000, "{round_tripped}");
}

#[test]
fn hostile_inputs_give_errors_not_panics() {
    let ev = event();
    let huge_number = format!("{{ $.latency < {} }}", "9".repeat(400));
    let huge_index = format!("{{ $.a[{}] = 1 }}", "9".repeat(400));
    let inputs = [
        "\"",
        "\"\\",
        "\"\\\"",
        "?",
        "-",
        "?\"",
        "{ $.a = \"\\",
        "{ $.a = \"\\\" }",
        "{ $.a = \"x }",
        "{ $",
        "{ $.",
        "{ $.a[",
        "{ $.a[1",
        "{ $.a[]",
        "{ $.a[-1] = 1 }",
        "{ $.a[99999999999999999999999] = 1 }",
        &huge_index,
        &huge_number,
        "{ $.a = 1e400 }",
        "{ $.a < 1e400 }",
        "{ $.a < NaN }",
        "{ $.a < inf }",
        "{ $.a = 1 &",
        "{ $.a = 1 |",
        "{ $.a = 1 &| $.b = 2 }",
        "{ $.a !",
        "{ $.a IS",
        "{ $.a NOT",
        "{ ( }",
        "{ ) }",
        "{ $.é",
        "{ $.a = é",
        "{ $.a = 🎉",
        "🎉\"",
        "\u{0}",
        "{\u{0}}",
        "{ $.a\u{0} = 1 }",
        "\u{feff}{ $.a = 1 }",
        "{ $.a = 1 }\u{3000}",
        "{ $.a = 1 } \u{0}",
    ];
    for text in inputs {
        // Whatever the outcome, no panic; a parsed pattern evaluates and round-trips.
        match FilterPattern::parse(text) {
            Ok(p) => {
                let _ = p.matches(&ev);
                assert_round_trip(text);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    // A number beyond f64 is refused where a number is required, and is text elsewhere.
    for text in ["{ $.latency < 1e400 }", &huge_number] {
        match FilterPattern::parse(text) {
            Err(PatternError::Syntax { message, .. }) => assert!(message.contains("out of range"), "{message}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    let p = FilterPattern::parse("{ $.a = 1e400 }").unwrap();
    assert!(p.matches(&json!({ "a": "1e400" })) && !p.matches(&json!({ "a": 1 })));
    // A huge index selects nothing; one beyond usize is a syntax error.
    assert!(!FilterPattern::parse("{ $.tags[999999999999] = * }").unwrap().matches(&ev));
    assert!(matches!(FilterPattern::parse(&huge_index), Err(PatternError::Syntax { .. })));
}
