//! The canonical printer: a parsed pattern back to text that parses to the same tree.
//!
//! JSON patterns print as `{ <expr> }` with one space around every operator, parentheses
//! exactly where an operand is itself an `And`/`Or` that the precedence would otherwise
//! regroup (or flatten), keywords in capitals, and values unquoted when the lexer reads the
//! bare word back as the same value. Term patterns print required, then `?` optional, then
//! `-` excluded terms, separated by one space, quoted when bare text would read differently.
//!
//! The guarantee (parse → print → parse gives the same [`PatternKind`]) holds for every tree
//! the parser builds. A tree built by hand may hold what no pattern can say (a key with a
//! space in it, an `And` of one operand); it still prints, as the nearest pattern.

use std::fmt::{self, Display, Formatter, Write};

use super::parse::{is_word_stop, number_of};
use super::{CmpOp, Condition, Expr, Glob, GlobPart, Literal, PatternKind, Selector, Step, Terms, Test};

impl Display for PatternKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            PatternKind::MatchAll => Ok(()),
            PatternKind::Json(expr) => write!(f, "{{ {expr} }}"),
            PatternKind::Terms(terms) => terms.fmt(f),
        }
    }
}

/// An expression as it appears inside `{ … }`.
impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (operands, sep) = match self {
            Expr::Cond(c) => return c.fmt(f),
            Expr::And(operands) => (operands, " && "),
            Expr::Or(operands) => (operands, " || "),
        };
        for (i, operand) in operands.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            // `&&` binds tighter than `||`, so an `And` inside an `Or` needs no parentheses;
            // any other compound operand does (an `Or` inside an `And` for precedence, the same
            // operator inside itself so that it is not flattened into its parent).
            let bare = matches!((self, operand), (_, Expr::Cond(_)) | (Expr::Or(_), Expr::And(_)));
            if bare { operand.fmt(f)? } else { write!(f, "({operand})")? }
        }
        Ok(())
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.selector, self.test)
    }
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('$')?;
        for step in &self.steps {
            match step {
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

impl Display for Test {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Test::Compare(op, literal) => write!(f, "{op} {literal}"),
            Test::IsNull => f.write_str("IS NULL"),
            Test::NotExists => f.write_str("NOT EXISTS"),
            Test::IsTrue => f.write_str("IS TRUE"),
            Test::IsFalse => f.write_str("IS FALSE"),
        }
    }
}

impl Display for CmpOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Ge => ">=",
        })
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            // The parser only makes a number of an unquoted word that reads as one.
            Literal::Number { text, .. } => f.write_str(text),
            Literal::Text(glob) => glob.fmt(f),
        }
    }
}

/// A value: bare when the lexer reads the bare word back as this glob, otherwise quoted with
/// `\*` for a literal star and `\"`, `\\` for quote and backslash.
impl Display for Glob {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match bare_value(self) {
            Some(word) => f.write_str(&word),
            None => {
                f.write_char('"')?;
                for part in &self.parts {
                    match part {
                        GlobPart::Any => f.write_char('*')?,
                        GlobPart::Lit(s) => {
                            for c in s.chars() {
                                if matches!(c, '"' | '\\' | '*') {
                                    f.write_char('\\')?;
                                }
                                f.write_char(c)?;
                            }
                        }
                    }
                }
                f.write_char('"')
            }
        }
    }
}

/// The glob as an unquoted word, if the lexer reads that word back as the same glob: one
/// word token (no stop character, not starting a selector or a regular expression), no
/// literal star, and not a number (which would become a [`Literal::Number`]).
fn bare_value(glob: &Glob) -> Option<String> {
    let mut word = String::new();
    for part in &glob.parts {
        match part {
            GlobPart::Any => word.push('*'),
            GlobPart::Lit(s) if s.contains('*') => return None,
            GlobPart::Lit(s) => word.push_str(s),
        }
    }
    let chars: Vec<char> = word.chars().collect();
    let first = *chars.first()?;
    if matches!(first, '$' | '%') || (0..chars.len()).any(|i| is_word_stop(&chars, i)) {
        return None;
    }
    if number_of(&word).is_some() {
        return None;
    }
    Some(word)
}

impl Display for Terms {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let prefixed = self.required.iter().map(|t| ("", t));
        let prefixed = prefixed.chain(self.optional.iter().map(|t| ("?", t)));
        let prefixed = prefixed.chain(self.excluded.iter().map(|t| ("-", t)));
        for (i, (prefix, term)) in prefixed.enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            f.write_str(prefix)?;
            write_term(f, term, prefix.is_empty())?;
        }
        Ok(())
    }
}

/// One term, bare unless that would read differently: empty, with whitespace or a quote, or
/// (without a prefix) starting with a prefix character or a character that makes the whole
/// pattern something other than terms.
fn write_term(f: &mut Formatter<'_>, term: &str, unprefixed: bool) -> fmt::Result {
    let first = term.chars().next();
    let quote = first.is_none()
        || term.chars().any(|c| c.is_whitespace() || c == '"')
        || (unprefixed && matches!(first, Some('?' | '-' | '{' | '[' | '%')));
    if !quote {
        return f.write_str(term);
    }
    f.write_char('"')?;
    for c in term.chars() {
        if matches!(c, '"' | '\\') {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}
