//! The `*` / `?` wildcards of IAM actions and ARNs.
//!
//! `*` matches any run of characters (including none), `?` exactly one. Actions compare
//! without regard to case (`S3:GetObject` is `s3:getobject`); ARNs compare exactly.
//!
//! Matching one text is iterative with single-star backtracking: O(pattern × text) at
//! worst, never exponential, no recursion. Whether a pattern matches a whole *set* of
//! strings ([`matches_every_action`], [`matches_every_arn`]) is an exact search with a work
//! budget that answers `None` rather than run away on a hostile pattern.

/// One character of the text being matched; `Rest` stands for "any continuation" and can
/// only be absorbed by a `*`.
#[derive(Clone, Copy, PartialEq)]
enum Ch {
    C(char),
    Rest,
}

fn fold(s: &str, ignore_case: bool) -> Vec<char> {
    if ignore_case { s.to_lowercase().chars().collect() } else { s.chars().collect() }
}

fn matches(pattern: &[char], text: &[Ch]) -> bool {
    // Iterative matcher with single-star backtracking (linear in practice, no recursion).
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some('?') if matches!(text[t], Ch::C(_)) => {
                p += 1;
                t += 1;
            }
            Some(&c) if text[t] == Ch::C(c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == '*')
}

/// Whether `pattern` matches `text`.
pub fn matches_text(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let text: Vec<Ch> = fold(text, ignore_case).into_iter().map(Ch::C).collect();
    matches(&fold(pattern, ignore_case), &text)
}

/// Whether `pattern` matches `prefix` followed by *any* continuation: `s3:*`, `s3*` and
/// `*` cover every action under `s3:`; `s3:Get*` does not.
pub fn covers_all_under(pattern: &str, prefix: &str, ignore_case: bool) -> bool {
    let mut text: Vec<Ch> = fold(prefix, ignore_case).into_iter().map(Ch::C).collect();
    text.push(Ch::Rest);
    matches(&fold(pattern, ignore_case), &text)
}

/// Whether `pattern` could match *some* text that starts with `prefix`: `s3:GetObject`,
/// `s?:*` and `*` could match an action under `s3:`; `iam:*` and `ec2:Get*` cannot.
pub fn could_match_under(pattern: &str, prefix: &str, ignore_case: bool) -> bool {
    let pattern = fold(pattern, ignore_case);
    let prefix = fold(prefix, ignore_case);
    // Walk the pattern against the prefix; a `*` can absorb the rest of the prefix.
    for (i, want) in prefix.iter().enumerate() {
        match pattern.get(i) {
            None => return false,
            Some('*') => return true,
            Some('?') => {}
            Some(c) if c == want => {}
            Some(_) => return false,
        }
    }
    true
}

/// Whether `pattern` matches every string, the empty one included: a pattern of `*`s only.
/// (`?` needs one character, so `*?*` does not match the empty string.)
pub fn matches_every_string(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(|c| c == '*')
}

/// Whether `pattern` matches every IAM action: every string `service:name` with both
/// parts non-empty and no other `:` (the shape of every action AWS defines). `*`, `*:*`,
/// `*:**`, `*:*?*`, `*?*` and `?*:?*` do; `*:??*` does not (it misses a one-character
/// name), nor does `*:*:*`. `None` when the pattern is too complex to decide within the
/// work budget (see [`matches_every_arn`]).
pub fn matches_every_action(pattern: &str) -> Option<bool> {
    if matches_every_string(pattern) {
        return Some(true);
    }
    // service: one or more characters, `:`, name: one or more characters.
    let universe = Universe {
        start: 0,
        accepting: vec![false, false, false, true],
        edges: vec![
            vec![(Sym::Other, 1)],
            vec![(Sym::Other, 1), (Sym::C(':'), 2)],
            vec![(Sym::Other, 3)],
            vec![(Sym::Other, 3)],
        ],
    };
    covers_universe(&normalize(&fold(pattern, true)), &universe, COVERAGE_WORK_BUDGET)
}

/// Whether `pattern` matches every ARN of `partition`: every
/// `arn:<partition>:<service>:<region>:<account>:<resource>` with a non-empty service, any
/// region and account (empty for S3 and IAM), and a non-empty resource that may itself
/// contain `:` and `/`. For a policy of an account in partition `aws` that is every
/// resource it can name: `*`, `arn:*`, `arn:aws:*`, `arn:aws:*:*:*:*` and `*:*:*:*:*:*`
/// (every ARN has five colons) do; `arn:aws-cn:*`, `arn:aws:*:*:*:*:*` and
/// `arn:aws:s3:::*` do not. ARNs compare with case.
///
/// Deciding whether a glob matches a whole set of strings is hard in general; the search
/// below (subsets of pattern positions against the shape of an ARN) is exact but stops
/// after a fixed amount of work and then answers `None`: a pattern that long and tangled
/// is left undecided rather than guessed.
pub fn matches_every_arn(pattern: &str, partition: &str) -> Option<bool> {
    matches_every_arn_within(pattern, partition, COVERAGE_WORK_BUDGET)
}

fn matches_every_arn_within(pattern: &str, partition: &str, budget: usize) -> Option<bool> {
    if matches_every_string(pattern) {
        return Some(true);
    }
    // The fixed head `arn:<partition>:`, then service (1+), `:`, region (0+), `:`,
    // account (0+), `:`, resource (1+, `:` allowed).
    let head: Vec<char> = format!("arn:{partition}:").chars().collect();
    let mut edges: Vec<Vec<(Sym, usize)>> = head.iter().enumerate().map(|(i, &c)| vec![(Sym::C(c), i + 1)]).collect();
    let s = head.len();
    edges.push(vec![(Sym::Other, s + 1)]);
    edges.push(vec![(Sym::Other, s + 1), (Sym::C(':'), s + 2)]);
    edges.push(vec![(Sym::Other, s + 2), (Sym::C(':'), s + 3)]);
    edges.push(vec![(Sym::Other, s + 3), (Sym::C(':'), s + 4)]);
    edges.push(vec![(Sym::Other, s + 5), (Sym::C(':'), s + 5)]);
    edges.push(vec![(Sym::Other, s + 5), (Sym::C(':'), s + 5)]);
    let mut accepting = vec![false; edges.len()];
    accepting[s + 5] = true;
    covers_universe(&normalize(&fold(pattern, false)), &Universe { start: 0, accepting, edges }, budget)
}

/// A character of the strings a coverage question ranges over: a given character, or
/// any character that no literal of the pattern names. A pattern that matches every
/// string written with `Other` also matches every string written with real characters in
/// those places (only `?` and `*` can match an `Other`, and they match anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    C(char),
    Other,
}

/// A set of strings as a deterministic automaton over [`Sym`]; every state can reach an
/// accepting one.
struct Universe {
    start: usize,
    accepting: Vec<bool>,
    edges: Vec<Vec<(Sym, usize)>>,
}

/// Rewrites every run of `*` and `?` that holds a `*` as its `?`s followed by one `*` (the
/// same strings: any run of at least that many characters), so `*?*?*` is `??*`.
fn normalize(pattern: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut i = 0;
    while i < pattern.len() {
        if pattern[i] == '*' || pattern[i] == '?' {
            let (mut q, mut star) = (0usize, false);
            while i < pattern.len() && (pattern[i] == '*' || pattern[i] == '?') {
                if pattern[i] == '*' {
                    star = true;
                } else {
                    q += 1;
                }
                i += 1;
            }
            out.extend(std::iter::repeat_n('?', q));
            if star {
                out.push('*');
            }
        } else {
            out.push(pattern[i]);
            i += 1;
        }
    }
    out
}

/// Set-element steps the coverage search may take before it gives up (a few milliseconds).
const COVERAGE_WORK_BUDGET: usize = 2_000_000;

/// Adds the positions reachable without reading (a `*` may match nothing), sorted.
fn close(pattern: &[char], mut set: Vec<usize>) -> Vec<usize> {
    let mut i = 0;
    while i < set.len() {
        let p = set[i];
        if pattern.get(p) == Some(&'*') {
            set.push(p + 1);
        }
        i += 1;
    }
    set.sort_unstable();
    set.dedup();
    set
}

fn step(pattern: &[char], set: &[usize], sym: Sym) -> Vec<usize> {
    let mut next = Vec::with_capacity(set.len() + 1);
    for &p in set {
        match (pattern.get(p), sym) {
            (Some('*'), _) => next.push(p),
            (Some('?'), _) => next.push(p + 1),
            (Some(&c), Sym::C(s)) if c == s => next.push(p + 1),
            _ => {}
        }
    }
    close(pattern, next)
}

/// Whether the (normalized) pattern matches every string of `universe`: a breadth-first
/// walk over pairs (universe state, set of pattern positions) looking for a string of the
/// universe that the pattern does not match. `None` when the work budget runs out.
fn covers_universe(pattern: &[char], universe: &Universe, budget: usize) -> Option<bool> {
    let end = pattern.len();
    let mut seen: std::collections::HashSet<(usize, Vec<usize>)> = std::collections::HashSet::new();
    let start = (universe.start, close(pattern, vec![0]));
    let mut queue = std::collections::VecDeque::new();
    seen.insert(start.clone());
    queue.push_back(start);
    let mut work = 0usize;
    while let Some((state, set)) = queue.pop_front() {
        // Every state can still reach an accepting one, so an empty set is a miss.
        if set.is_empty() || (universe.accepting[state] && set.binary_search(&end).is_err()) {
            return Some(false);
        }
        for &(sym, to) in &universe.edges[state] {
            work = work.saturating_add(set.len() + 1);
            if work > budget {
                return None;
            }
            let next = (to, step(pattern, &set, sym));
            if !seen.contains(&next) {
                seen.insert(next.clone());
                queue.push_back(next);
            }
        }
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_iam() {
        let table: &[(&str, &str, bool, bool)] = &[
            ("*", "anything", true, true),
            ("s3:*", "S3:GetObject", true, true),
            ("s3:*", "s3:GetObject", false, true),
            ("s3:Get*", "s3:PutObject", true, false),
            ("s3:?etObject", "s3:GetObject", true, true),
            ("s3:?etObject", "s3:etObject", true, false),
            ("arn:aws:s3:::b", "arn:aws:s3:::B", false, false),
            ("arn:aws:s3:::b*", "arn:aws:s3:::b/x/y", false, true),
            ("a*b*c", "aXXbYYc", false, true),
            ("a*b*c", "aXXbYY", false, false),
            ("", "", false, true),
            ("", "x", false, false),
            ("**", "", false, true),
        ];
        for (pattern, text, ignore_case, want) in table {
            assert_eq!(matches_text(pattern, text, *ignore_case), *want, "{pattern} vs {text}");
        }
    }

    #[test]
    fn covers_all_under_needs_a_trailing_star() {
        let table: &[(&str, &str, bool)] = &[
            ("*", "s3:", true),
            ("*:*", "s3:", true),
            ("s3:*", "s3:", true),
            ("S3*", "s3:", true),
            ("s3:Get*", "s3:", false),
            ("s3:GetObject", "s3:", false),
            ("s3:?", "s3:", false),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/", true),
            ("arn:aws:s3:::bucket/?", "arn:aws:s3:::bucket/", false),
            ("arn:aws:s3:::bucket/logs/*", "arn:aws:s3:::bucket/", false),
            ("arn:aws:s3:::*", "arn:aws:s3:::bucket/", true),
            ("arn:*:s3:::bucket/*", "arn:aws:s3:::bucket/", true),
        ];
        for (pattern, prefix, want) in table {
            assert_eq!(covers_all_under(pattern, prefix, true), *want, "{pattern} under {prefix}");
        }
    }

    #[test]
    fn could_match_under_reads_the_literal_head() {
        let table: &[(&str, &str, bool)] = &[
            ("*", "s3:", true),
            ("s*", "s3:", true),
            ("s?:*", "s3:", true),
            ("s3:GetObject", "s3:", true),
            ("iam:*", "s3:", false),
            ("s", "s3:", false),
            ("ec2:Get*", "s3:", false),
        ];
        for (pattern, prefix, want) in table {
            assert_eq!(could_match_under(pattern, prefix, true), *want, "{pattern} under {prefix}");
        }
    }

    #[test]
    fn every_action_and_every_arn() {
        assert!(matches_every_string("*") && matches_every_string("***"));
        assert!(!matches_every_string("") && !matches_every_string("*?*"));
        let actions: &[(&str, bool)] = &[
            ("*", true),
            ("*:*", true),
            ("*:**", true),
            ("*:*?*", true),
            ("*?*", true),
            ("*???*", true),
            ("?*:?*", true),
            ("*????*", false),
            ("*:??*", false),
            ("??*:*", false),
            ("*:", false),
            ("*:*:*", false),
            ("s3:*", false),
            ("", false),
        ];
        for (pattern, want) in actions {
            assert_eq!(matches_every_action(pattern), Some(*want), "{pattern}");
        }
        let arns: &[(&str, bool)] = &[
            ("*", true),
            ("arn:*", true),
            ("arn:aws:*", true),
            ("arn:aws*", true),
            ("arn:aws:*:*:*:*", true),
            ("arn:aws:?*:*:*:?*", true),
            ("*:*:*:*:*:*", true),
            ("*aws*", true),
            ("arn:aws:*:*:*:*:*", false),
            ("arn:aws:*:?*:*:*", false),
            ("arn:aws:*:*:*:??*", false),
            ("arn:aws-cn:*", false),
            ("arn:AWS:*", false),
            ("arn:aws:s3:::*", false),
            ("*:*:*:*:*:*:*", false),
        ];
        for (pattern, want) in arns {
            assert_eq!(matches_every_arn(pattern, "aws"), Some(*want), "{pattern}");
        }
    }

    #[test]
    fn hostile_patterns_stay_fast() {
        // Matching is O(pattern x text) at worst, with no recursion.
        let pattern = format!("{}b", "*a".repeat(20_000));
        let text = "a".repeat(20_000);
        let start = std::time::Instant::now();
        assert!(!matches_text(&pattern, &text, false));
        assert!(matches_text(&"*".repeat(100_000), &text, false));
        // The backtracking worst case: every position of the text restarts the literal run.
        let pattern = format!("*{}b", "a".repeat(2_000));
        assert!(!matches_text(&pattern, &"a".repeat(5_000), false));
        assert!(matches_text(&pattern, &format!("{}b", "a".repeat(5_000)), false));
        // Coverage questions give up (None) rather than run away.
        let tangled = format!("arn:aws:*{}", ":?*:??*".repeat(5_000));
        assert_eq!(matches_every_arn(&tangled, "aws"), Some(false));
        let huge = "*?".repeat(500_000);
        assert_eq!(matches_every_action(&huge), Some(false));
        // A search that runs out of budget answers None, never a guess.
        assert_eq!(matches_every_arn_within("arn:aws:*:*:*:*", "aws", 10), None);
        assert_eq!(matches_every_arn_within("arn:aws:*:*:*:*", "aws", 10_000), Some(true));
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "{:?}", start.elapsed());
    }
}
