//! `policy`: parsing and every analysis the checks call; `glob`: the `*`/`?` matcher
//! against an automaton reference.

use std::collections::BTreeSet;

use crate::policy::glob::{could_match_under, covers_all_under, matches_every_action, matches_every_arn, matches_text};
use crate::policy::{self, Effect, Scope, TransportVerdict, join_refs};

/// Bucket ARNs the secure-transport analysis is asked about.
const BUCKETS: &[&str] = &["arn:aws:s3:::b", "arn:aws:s3:::bucket", "arn:aws:s3:::logs-bucket", "arn:aws-cn:s3:::b"];

/// Partitions the full-admin analysis is asked about.
const PARTITIONS: &[&str] = &["aws", "aws-cn"];

/// Actions and ARNs of partition `aws` that a pattern said to match every action or every
/// resource must match.
const SAMPLE_ACTIONS: &[&str] = &["s3:GetObject", "a:b", "iam:CreateUser", "ec2:*"];
const SAMPLE_ARNS: &[&str] = &[
    "arn:aws:s3:::b",
    "arn:aws:iam::123456789012:role/admin",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    "arn:aws:sns:eu-west-1:1:topic:with:colons",
];

/// Policy text → `policy::parse`; on success every question the checks ask, with the
/// invariants that tie the answers together.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let first = policy::parse(text);
    assert_eq!(first, policy::parse(text), "policy: parsing is deterministic");
    let Ok(doc) = first else { return };

    for s in doc.numbered() {
        let st = s.statement;
        let admin = st.grants_full_admin("aws") == Ok(true);
        for partition in PARTITIONS {
            let _ = st.grants_full_admin(partition);
        }
        let public = st.grants_public_access();
        let restricted = st.condition_restricts_principal();
        let _ = s.to_string();
        if admin {
            assert_eq!(st.effect, Effect::Allow, "policy: only an Allow grants full admin ({s})");
            assert!(st.action.is_some() && st.resource.is_some(), "policy: full admin needs actions and resources ({s})");
        }
        if public {
            assert_eq!(st.effect, Effect::Allow, "policy: only an Allow is public ({s})");
            assert!(st.principal.is_some(), "policy: a public statement has a principal ({s})");
            assert!(!restricted, "policy: a statement whose condition restricts the principal is not public ({s})");
        }
        if let Some(Scope::Only(actions)) = &st.action
            && st.effect == Effect::Allow
            && actions.iter().any(|a| a == "*")
            && matches!(&st.resource, Some(Scope::Only(r)) if r.iter().any(|r| r == "*"))
        {
            assert!(admin, "policy: Allow * on * is full admin ({s})");
        }
    }

    let admin = doc.full_admin_statements("aws");
    let want: Vec<usize> = doc.numbered().filter(|s| s.statement.grants_full_admin("aws") == Ok(true)).map(|s| s.number).collect();
    let undecided = doc.numbered().any(|s| s.statement.grants_full_admin("aws").is_err());
    match &admin {
        Ok(list) => {
            let numbers: Vec<usize> = list.iter().map(|s| s.number).collect();
            assert_eq!(numbers, want, "policy: full_admin_statements lists exactly the statements that grant full admin");
            assert!(!undecided || !want.is_empty(), "policy: an undecided statement with no certain admin one is Err");
        }
        Err(why) => {
            assert!(want.is_empty() && undecided, "policy: full_admin_statements is Err only when nothing is certain ({why})");
        }
    }
    let admin_count = admin.as_ref().map(Vec::len).ok();
    let public = doc.public_statements();
    let public_numbers: Vec<usize> = public.iter().map(|s| s.number).collect();
    let want: Vec<usize> = doc.numbered().filter(|s| s.statement.grants_public_access()).map(|s| s.number).collect();
    assert_eq!(public_numbers, want, "policy: public_statements lists exactly the public statements");
    if let Ok(admin) = &admin {
        let _ = join_refs(admin);
    }
    let _ = join_refs(&public);

    let has_deny = doc.statements.iter().any(|s| s.effect == Effect::Deny);
    for bucket in BUCKETS {
        match doc.insecure_transport_denial(bucket) {
            TransportVerdict::Enforced(why) => {
                assert!(has_deny, "policy: TLS enforcement needs a Deny statement ({bucket}: {why})");
                // Dropping every Allow statement cannot change what the Deny statements say.
                let mut denies = doc.clone();
                denies.statements.retain(|s| s.effect == Effect::Deny);
                assert!(
                    matches!(denies.insecure_transport_denial(bucket), TransportVerdict::Enforced(_)),
                    "policy: TLS enforcement rests on Deny statements only ({bucket})"
                );
            }
            TransportVerdict::NotEnforced(why) => assert!(!why.is_empty(), "policy: a NotEnforced verdict says why"),
        }
    }

    // Appending a Deny statement never creates an admin or public grant.
    let mut more = doc.clone();
    if let Some(st) = doc.statements.first() {
        let mut deny = st.clone();
        deny.effect = Effect::Deny;
        more.statements.push(deny);
        assert_eq!(
            more.full_admin_statements("aws").as_ref().map(Vec::len).ok(),
            admin_count,
            "policy: a Deny statement does not change the full-admin statements"
        );
        assert_eq!(more.public_statements().len(), public.len(), "policy: a Deny statement does not change the public statements");
    }
}

/// Longest pattern, text or prefix the glob harness builds (the reference is exponential
/// in nothing, but small inputs keep every execution fast).
const GLOB_MAX: usize = 24;

/// Glob input: `pattern 0xFF text [0xFF flags]`. Compares `matches_text`, `covers_all_under`
/// and `could_match_under` with a nondeterministic automaton built from the pattern.
pub fn glob(data: &[u8]) {
    let (pattern, rest) = super::split_once(data);
    let Some(rest) = rest else { return };
    let (text, flags) = super::split_once(rest);
    let (Ok(pattern), Ok(text)) = (std::str::from_utf8(pattern), std::str::from_utf8(text)) else { return };
    if pattern.chars().count() > GLOB_MAX || text.chars().count() > GLOB_MAX {
        return;
    }
    every_string_claims(pattern);
    let ignore_case = flags.is_some_and(|f| f.first().is_some_and(|b| b & 1 == 1));
    let (p, t) = (fold(pattern, ignore_case), fold(text, ignore_case));
    let nfa = Nfa(p.clone());

    let after = nfa.run(&t);
    let want = after.contains(&nfa.accept());
    assert_eq!(
        matches_text(pattern, text, ignore_case),
        want,
        "glob: matches_text({pattern:?}, {text:?}, {ignore_case}) agrees with the automaton"
    );

    // Whether some continuation of `text` matches: some state is still alive.
    assert_eq!(
        could_match_under(pattern, text, ignore_case),
        !after.is_empty(),
        "glob: could_match_under({pattern:?}, {text:?}, {ignore_case}) agrees with the automaton"
    );

    // Whether every continuation matches: every state set reachable from `after` accepts.
    let Some(universal) = nfa.universal_from(&after) else { return };
    let covers = covers_all_under(pattern, text, ignore_case);
    if covers {
        assert!(universal, "glob: covers_all_under({pattern:?}, {text:?}, {ignore_case}) only when every continuation matches");
    } else if universal {
        // Known imprecision (conservative): a pattern whose tail after its last `*` is only
        // `?`s (`*?`) covers every continuation of a long enough prefix, but the matcher
        // treats "any continuation" as one token only a `*` can absorb. Anything else is a
        // missed cover.
        let tail = p.iter().rposition(|&c| c == '*').map(|i| &p[i + 1..]);
        assert!(
            tail.is_some_and(|tail| !tail.is_empty() && tail.iter().all(|&c| c == '?')),
            "glob: covers_all_under({pattern:?}, {text:?}, {ignore_case}) is true when every continuation matches"
        );
    }
}

/// A pattern said to match every action or every ARN of `aws` matches each sample of them.
fn every_string_claims(pattern: &str) {
    if matches_every_action(pattern) == Some(true) {
        for action in SAMPLE_ACTIONS {
            assert!(matches_text(pattern, action, true), "glob: {pattern:?} matches every action, so {action:?}");
        }
    }
    if matches_every_arn(pattern, "aws") == Some(true) {
        for arn in SAMPLE_ARNS {
            assert!(matches_text(pattern, arn, false), "glob: {pattern:?} matches every ARN of aws, so {arn:?}");
        }
    }
    // The sample ARNs are all of partition aws: a pattern that misses one cannot cover aws.
    if SAMPLE_ARNS.iter().any(|arn| !matches_text(pattern, arn, false)) {
        assert_ne!(matches_every_arn(pattern, "aws"), Some(true), "glob: {pattern:?} misses an ARN of aws");
    }
    if SAMPLE_ACTIONS.iter().any(|a| !matches_text(pattern, a, true)) {
        assert_ne!(matches_every_action(pattern), Some(true), "glob: {pattern:?} misses an action");
    }
}

/// Both sides folded the way the matcher folds them (whole-string lower case).
fn fold(s: &str, ignore_case: bool) -> Vec<char> {
    if ignore_case { s.to_lowercase().chars().collect() } else { s.chars().collect() }
}

/// The most state sets the reference explores before it declines to decide a cover.
const UNIVERSAL_BUDGET: usize = 2_000;

/// The textbook automaton of a glob: state `i` means "the first `i` pattern elements have
/// been matched"; a `*` state loops on any character and may be skipped.
struct Nfa(Vec<char>);

impl Nfa {
    fn accept(&self) -> usize {
        self.0.len()
    }

    fn close(&self, states: BTreeSet<usize>) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<usize> = states.into_iter().collect();
        while let Some(i) = todo.pop() {
            if out.insert(i) && self.0.get(i) == Some(&'*') {
                todo.push(i + 1);
            }
        }
        out
    }

    fn step(&self, states: &BTreeSet<usize>, c: Option<char>) -> BTreeSet<usize> {
        let mut next = BTreeSet::new();
        for &i in states {
            match (self.0.get(i), c) {
                (Some('*'), _) => {
                    next.insert(i);
                }
                (Some('?'), _) => {
                    next.insert(i + 1);
                }
                (Some(&p), Some(c)) if p == c => {
                    next.insert(i + 1);
                }
                _ => {}
            }
        }
        self.close(next)
    }

    fn run(&self, text: &[char]) -> BTreeSet<usize> {
        text.iter().fold(self.close(BTreeSet::from([0])), |s, &c| self.step(&s, Some(c)))
    }

    /// Every state set reachable from `from` contains the accepting state. The alphabet
    /// that matters is the pattern's literal characters plus one "other" (`None`).
    /// `None` when deciding would take more than [`UNIVERSAL_BUDGET`] state sets: the subset
    /// construction is exponential in the `?`s after a `*` (`*:??????????????????*` has
    /// hundreds of thousands of reachable sets), and the harness must stay fast.
    fn universal_from(&self, from: &BTreeSet<usize>) -> Option<bool> {
        let mut alphabet: Vec<Option<char>> = self.0.iter().filter(|&&c| c != '*' && c != '?').map(|&c| Some(c)).collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        alphabet.push(None);
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(set) = todo.pop() {
            if !set.contains(&self.accept()) {
                return Some(false);
            }
            if !seen.insert(set.clone()) {
                continue;
            }
            if seen.len() > UNIVERSAL_BUDGET {
                return None;
            }
            for &c in &alphabet {
                todo.push(self.step(&set, c));
            }
        }
        Some(true)
    }
}
