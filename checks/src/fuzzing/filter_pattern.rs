//! `filter_pattern`: the CloudWatch Logs filter-pattern parser and evaluator.

use serde_json::Value;

use crate::cloudwatch::events;
use crate::filter_pattern::{FilterPattern, Glob, GlobPart, PatternKind, Terms};

/// Longest pattern text tried (CloudWatch's own limit is 1024 characters).
const MAX_PATTERN: usize = 4096;

/// The events a pattern is evaluated against when the input brings none: the monitoring
/// checks' synthetic CloudTrail events and a few odd shapes.
fn fixed_events() -> Vec<Value> {
    let mut out: Vec<Value> = events::unrelated().into_iter().map(|e| e.json).collect();
    out.push(events::api_call("iam.amazonaws.com", "CreatePolicy").json);
    out.push(events::as_root(events::api_call("s3.amazonaws.com", "PutBucketPolicy")).json);
    out.push(events::console_login(false).json);
    out.push(events::failed_console_login().json);
    out.push(serde_json::json!({"a": [1, 2.5, "x", null, true, {"b": "c"}], "n": -0.0, "s": "*"}));
    out.push(Value::Null);
    out
}

/// Input: `pattern [0xFF event-json] [0xFF glob-program]`. The pattern is parsed; on success
/// it is evaluated against the event (or the fixed events), with these properties:
///
/// - the empty pattern matches everything;
/// - a term pattern matches exactly by its definition (every required term, one optional
///   term when there are any, no excluded term, as substrings of the compact event text);
/// - `{ X }`, `{ (X) }`, `{ X && X }` and `{ X || X }` match the same events;
/// - the parse → print → parse round trip gives the same tree;
/// - `Glob::matches` agrees with a reference matcher on globs built from the bytes.
pub fn filter_pattern(data: &[u8]) {
    let (pattern, rest) = super::split_once(data);
    let (event, globs) = rest.map_or((None, None), |r| {
        let (e, g) = super::split_once(r);
        (Some(e), g)
    });
    if let Some(globs) = globs {
        glob_program(globs);
    }
    let Ok(text) = std::str::from_utf8(pattern) else { return };
    if text.len() > MAX_PATTERN {
        return;
    }
    let parsed = FilterPattern::parse(text);
    let Ok(pattern) = parsed else { return };
    // Round trip: the canonical form parses back to the same tree (it may be longer than the
    // source, so without the length limit).
    let printed = pattern.canonical();
    match FilterPattern::parse_any_length(&printed) {
        Ok(again) => assert!(
            again.kind() == pattern.kind(),
            "filter_pattern: parse → print → parse changed the tree of {text:?} (printed {printed:?})"
        ),
        Err(e) => panic!("filter_pattern: the canonical form {printed:?} of {text:?} does not parse: {e}"),
    }
    let events: Vec<Value> = match event.and_then(|e| serde_json::from_slice::<Value>(e).ok()) {
        Some(e) => vec![e],
        None => fixed_events(),
    };
    let wrapped: Vec<FilterPattern> = match pattern.kind() {
        PatternKind::Json(_) => json_variants(text).into_iter().filter_map(|t| FilterPattern::parse(&t).ok()).collect(),
        _ => Vec::new(),
    };
    for event in &events {
        let got = pattern.matches(event);
        assert_eq!(got, pattern.matches(event), "filter_pattern: evaluation is deterministic");
        match pattern.kind() {
            PatternKind::MatchAll => assert!(got, "filter_pattern: the empty pattern matches every event"),
            PatternKind::Terms(terms) => {
                assert_eq!(got, terms_reference(terms, &event.to_string()), "filter_pattern: term pattern {text:?} by definition")
            }
            PatternKind::Json(_) => {
                for w in &wrapped {
                    assert_eq!(w.matches(event), got, "filter_pattern: {:?} matches like {text:?}", w.source());
                }
            }
        }
    }
}

/// `{ (X) }`, `{ X && X }`, `{ X || X }` for a JSON pattern `{ X }`.
fn json_variants(text: &str) -> Vec<String> {
    let Some(inner) = text.trim().strip_prefix('{').and_then(|t| t.strip_suffix('}')) else { return Vec::new() };
    vec![format!("{{ ({inner}) }}"), format!("{{ ({inner}) && ({inner}) }}"), format!("{{ ({inner}) || ({inner}) }}")]
}

fn terms_reference(terms: &Terms, text: &str) -> bool {
    terms.required.iter().all(|t| text.contains(t.as_str()))
        && (terms.optional.is_empty() || terms.optional.iter().any(|t| text.contains(t.as_str())))
        && !terms.excluded.iter().any(|t| text.contains(t.as_str()))
}

/// A small program that builds globs and texts: each part is `kind` (even: literal, odd:
/// `*`) and, for literals, a length and that many bytes from the alphabet `ab*\`. The
/// glob is normalised as the parser builds it: `Glob::matches` is not meant for
/// hand-built globs with empty or adjacent literals (`[Any, Lit("a"), Lit("b")]` misses
/// `"aXab"`), which the parser never produces.
fn glob_program(data: &[u8]) {
    const ALPHABET: [char; 4] = ['a', 'b', '*', '\\'];
    let mut bytes = super::Bytes::new(data);
    let mut parts = Vec::new();
    for _ in 0..8 {
        if bytes.is_empty() {
            break;
        }
        if bytes.u8() % 2 == 1 {
            parts.push(GlobPart::Any);
        } else {
            let n = usize::from(bytes.u8() % 4);
            parts.push(GlobPart::Lit((0..n).map(|_| ALPHABET[usize::from(bytes.u8() % 4)]).collect()));
        }
    }
    let glob = Glob { parts: normalised(parts) };
    for _ in 0..4 {
        let n = usize::from(bytes.u8() % 8);
        let text: String = (0..n).map(|_| ALPHABET[usize::from(bytes.u8() % 4)]).collect();
        assert_eq!(
            glob.matches(&text),
            glob_reference(&glob.parts, &text),
            "filter_pattern: Glob::matches({:?}, {text:?}) agrees with the reference",
            glob.parts
        );
    }
}

/// The form the parser builds (and the matcher relies on): no empty literal, no two
/// literals or two `Any` in a row.
fn normalised(parts: Vec<GlobPart>) -> Vec<GlobPart> {
    let mut out: Vec<GlobPart> = Vec::new();
    for part in parts {
        match (out.last_mut(), part) {
            (_, GlobPart::Lit(l)) if l.is_empty() => {}
            (Some(GlobPart::Lit(prev)), GlobPart::Lit(l)) => prev.push_str(&l),
            (Some(GlobPart::Any), GlobPart::Any) => {}
            (_, part) => out.push(part),
        }
    }
    out
}

/// Plain recursion: a literal must be a prefix, `Any` tries every split.
fn glob_reference(parts: &[GlobPart], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((GlobPart::Lit(l), rest)) => text.strip_prefix(l.as_str()).is_some_and(|t| glob_reference(rest, t)),
        Some((GlobPart::Any, rest)) => text.char_indices().map(|(i, _)| i).chain([text.len()]).any(|i| glob_reference(rest, &text[i..])),
    }
}
