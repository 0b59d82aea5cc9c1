//! The CloudWatch Logs filter-pattern language: a parser and an evaluator over JSON events.
//!
//! Metric filters on a CloudTrail log group decide which events become metric data points.
//! The CIS monitoring checks need to know what a filter *does*, not what its text looks like,
//! so this module parses a pattern and evaluates it against synthetic CloudTrail events.
//!
//! # What is understood
//!
//! - The empty pattern (only whitespace): matches every event.
//! - JSON patterns `{ … }`:
//!   - selectors `$.a.b`, `$.a[0]`, `$.a[0].b` (keys may contain `-`, `:`, `@`, …);
//!   - `=` and `!=` against quoted (`"x"`) or unquoted (`x`, `123.123.*`) values, where `*`
//!     is a wildcard anywhere in the value (prefix, suffix, contains, alone); `\*` inside
//!     quotes is a literal star, `\"` and `\\` the usual escapes;
//!   - numeric comparisons `= != < > <= >=` against unquoted numbers;
//!   - `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE` (keywords in any case);
//!   - `&&` and `||` with parentheses; `&&` binds tighter than `||`; a run of the same
//!     operator is one node with a list of operands (`a && b && c` is one [`Expr::And`] of
//!     three), so only parentheses nest;
//!   - any whitespace between tokens, or none.
//! - Term patterns (`ERROR`, `"exact phrase"`, `?A ?B` for either, `-X` to exclude), matched
//!   case-sensitively as substrings of the event's compact JSON text.
//!
//! Regular expressions (`%…%`), space-delimited patterns (`[a, b, …]`) and wildcard selectors
//! (`$.*`, `$.a[*]`) are reported as [`PatternError::Unsupported`]: valid CloudWatch syntax that
//! Rampart cannot evaluate, which a check must treat as "cannot decide", not as a bad pattern.
//!
//! # Semantics of comparisons (as CloudWatch Logs applies them)
//!
//! - A comparison (`=`, `!=`, `<`, …) only matches when the selector resolves to a scalar
//!   (string, number or boolean): a missing field, `null`, an object or an array matches
//!   neither `= x` nor `!= x`. That is why CIS writes `$.userIdentity.invokedBy NOT EXISTS`
//!   rather than `!= *`.
//! - Text values compare against the field's text: a string as is, a number as its JSON
//!   text, a boolean as `true`/`false`. Wildcards match any run of characters, including none.
//! - An unquoted number compared with `=`/`!=` to a numeric field compares numerically
//!   (`123` equals `123.0`); against a string field it compares as text.
//! - `<`, `>`, `<=`, `>=` need a numeric field.
//!
//! Parsing never panics: bad input is a [`PatternError`], and nesting depth is bounded.
//! [`FilterPattern::parse`] refuses patterns longer than CloudWatch's own limit
//! ([`MAX_PATTERN_CHARS`]); parsing, evaluating, printing and dropping a pattern recurse only
//! once per level of parentheses, whatever its length.
//!
//! # Printing
//!
//! [`FilterPattern::canonical`] (and `Display` on [`PatternKind`], [`Expr`] and the parts of a
//! pattern) prints a parsed pattern in a canonical form that parses back to the same tree:
//! one space around operators, parentheses only where the tree needs them, values and terms
//! quoted and escaped only where they must be.

mod eval;
mod parse;
mod print;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

/// Why a pattern could not be turned into something Rampart can evaluate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatternError {
    /// The text is not a filter pattern (CloudWatch would reject it too, or Rampart's grammar
    /// is narrower than CloudWatch's in a way it cannot tell).
    #[error("syntax error at character {at}: {message}")]
    Syntax { at: usize, message: String },
    /// Valid CloudWatch syntax that Rampart does not evaluate.
    #[error("{0} are not supported by Rampart's filter-pattern evaluator")]
    Unsupported(&'static str),
    /// Longer than CloudWatch Logs accepts (`filterPattern` of PutMetricFilter), so it cannot
    /// be what CloudWatch stores; lengths are in characters.
    #[error("the pattern is {length} characters long, over CloudWatch Logs' limit of {limit} characters")]
    TooLong { length: usize, limit: usize },
}

/// The longest `filterPattern` PutMetricFilter accepts ("Length Constraints: Minimum length of
/// 0. Maximum length of 1024."), counted in characters of the string.
pub const MAX_PATTERN_CHARS: usize = 1024;

impl PatternError {
    pub(crate) fn syntax(at: usize, message: impl Into<String>) -> Self {
        PatternError::Syntax { at, message: message.into() }
    }

    /// True when the pattern may well be valid but Rampart cannot evaluate it.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, PatternError::Unsupported(_))
    }
}

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPattern {
    source: String,
    kind: PatternKind,
}

/// The three forms of pattern Rampart understands.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternKind {
    /// The empty pattern: every event matches.
    MatchAll,
    /// `{ … }`.
    Json(Expr),
    /// Unstructured terms.
    Terms(Terms),
}

/// A boolean expression of a JSON pattern.
///
/// The parser gives `And` and `Or` two operands or more, flattened over a run of the same
/// operator: `a && b && c` is `And([a, b, c])`, while `(a && b) && c` keeps its parentheses as
/// `And([And([a, b]), c])`. Nesting therefore only comes from parentheses, whose depth the
/// parser bounds.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every operand holds.
    And(Vec<Expr>),
    /// At least one operand holds.
    Or(Vec<Expr>),
    Cond(Condition),
}

/// One test on one selected field.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub selector: Selector,
    pub test: Test,
}

/// `$.a.b[0]`: the path to a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Compare(CmpOp, Literal),
    IsNull,
    NotExists,
    IsTrue,
    IsFalse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A quoted value, or an unquoted one that is not a number; may hold wildcards.
    Text(Glob),
    /// An unquoted number, with its text for textual comparison against string fields.
    Number { value: f64, text: String },
}

/// A value with `*` wildcards.
#[derive(Debug, Clone, PartialEq)]
pub struct Glob {
    pub parts: Vec<GlobPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GlobPart {
    Lit(String),
    Any,
}

/// A term pattern: every `required` term, at least one `optional` term when there are any,
/// and no `excluded` term must appear in the event text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Terms {
    pub required: Vec<String>,
    pub optional: Vec<String>,
    pub excluded: Vec<String>,
}

impl FilterPattern {
    /// Parses a pattern as stored in a metric filter; a pattern longer than CloudWatch accepts
    /// ([`MAX_PATTERN_CHARS`] characters) is [`PatternError::TooLong`].
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let length = text.chars().count();
        if length > MAX_PATTERN_CHARS {
            return Err(PatternError::TooLong { length, limit: MAX_PATTERN_CHARS });
        }
        Self::parse_any_length(text)
    }

    /// [`FilterPattern::parse`] without the length limit, for tooling that parses text which
    /// is not a stored metric filter (such as the [`canonical`](Self::canonical) form of one,
    /// which may be longer than its source). Parentheses are still bounded; the rest is
    /// linear in the length of the text.
    pub fn parse_any_length(text: &str) -> Result<Self, PatternError> {
        let kind = parse::parse(text)?;
        Ok(FilterPattern { source: text.to_string(), kind })
    }

    /// The pattern in canonical form: it parses (with [`FilterPattern::parse_any_length`])
    /// back to the same [`PatternKind`]. Equal to `self.kind().to_string()`.
    pub fn canonical(&self) -> String {
        self.kind.to_string()
    }

    /// Whether CloudWatch Logs would count this event.
    pub fn matches(&self, event: &Value) -> bool {
        eval::matches(&self.kind, event)
    }

    /// The pattern text as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn kind(&self) -> &PatternKind {
        &self.kind
    }
}

impl FromStr for FilterPattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FilterPattern::parse(s)
    }
}

/// The pattern text as given ([`FilterPattern::canonical`] for the canonical form).
impl fmt::Display for FilterPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Glob {
    /// A glob with no wildcard.
    pub fn literal(text: &str) -> Self {
        Glob { parts: vec![GlobPart::Lit(text.to_string())] }
    }

    /// Whether `text` matches, anchored at both ends.
    pub fn matches(&self, text: &str) -> bool {
        eval::glob_matches(&self.parts, text)
    }
}
