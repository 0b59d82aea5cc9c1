//! The `*` / `?` wildcards of IAM actions and ARNs.
//!
//! `*` matches any run of characters (including none), `?` exactly one. Actions compare
//! without regard to case (`S3:GetObject` is `s3:getobject`); ARNs compare exactly.

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
}
