//! Lexer and recursive-descent parser for filter patterns.
//!
//! ```text
//! pattern    := ws* ( ε | '{' expr '}' | terms ) ws*
//! expr       := and ( '||' and )*
//! and        := primary ( '&&' primary )*
//! primary    := '(' expr ')' | condition
//! condition  := selector ( op value | IS (NULL|TRUE|FALSE) | NOT EXISTS )
//! selector   := '$' ( '.' key | '[' digits ']' )+
//! op         := '=' | '!=' | '<' | '>' | '<=' | '>='
//! value      := '"' chars '"' | unquoted-word
//! ```

use super::{CmpOp, Condition, Expr, Glob, GlobPart, Literal, PatternError, PatternKind, Selector, Step, Terms, Test};

/// How deep parentheses may nest before the pattern is refused. Parentheses are the only
/// source of nesting in the tree, so this bounds the recursion of parsing, evaluating,
/// printing, formatting and dropping a pattern (tested on a small stack).
pub(super) const MAX_DEPTH: usize = 64;

pub(super) fn parse(text: &str) -> Result<PatternKind, PatternError> {
    let chars: Vec<char> = text.chars().collect();
    let start = chars.iter().position(|c| !c.is_whitespace());
    let Some(start) = start else { return Ok(PatternKind::MatchAll) };
    match chars[start] {
        '{' => parse_json(&chars, start),
        '[' => Err(PatternError::Unsupported("space-delimited patterns ([…])")),
        '%' => Err(PatternError::Unsupported("regular expressions (%…%)")),
        _ => parse_terms(&chars, start).map(PatternKind::Terms),
    }
}

// ---------------------------------------------------------------------------------------
// Term patterns

fn parse_terms(chars: &[char], mut i: usize) -> Result<Terms, PatternError> {
    let mut terms = Terms::default();
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let at = i;
        let prefix = match chars[i] {
            '?' | '-' => {
                i += 1;
                Some(chars[at])
            }
            _ => None,
        };
        let term = if chars.get(i) == Some(&'"') {
            let (s, next) = quoted(chars, i)?;
            i = next;
            s
        } else {
            let begin = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                if chars[i] == '"' {
                    return Err(PatternError::syntax(i, "quote inside an unquoted term"));
                }
                i += 1;
            }
            chars[begin..i].iter().collect()
        };
        if term.is_empty() && prefix.is_some() {
            return Err(PatternError::syntax(at, "operator '?' or '-' without a term"));
        }
        match prefix {
            Some('?') => terms.optional.push(term),
            Some('-') => terms.excluded.push(term),
            _ => terms.required.push(term),
        }
    }
    Ok(terms)
}

/// A double-quoted string starting at `chars[i] == '"'`: its unescaped text and the index
/// after the closing quote. `\"` and `\\` are unescaped; other escapes are kept as written.
fn quoted(chars: &[char], i: usize) -> Result<(String, usize), PatternError> {
    let mut out = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            '"' => return Ok((out, j + 1)),
            '\\' if matches!(chars.get(j + 1), Some('"') | Some('\\')) => {
                out.push(chars[j + 1]);
                j += 2;
            }
            c => {
                out.push(c);
                j += 1;
            }
        }
    }
    Err(PatternError::syntax(i, "unterminated quoted string"))
}

// ---------------------------------------------------------------------------------------
// JSON patterns: tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    RBrace,
    And,
    Or,
    Op(CmpOp),
    Selector(Selector),
    /// A quoted value, still with its raw text (wildcards resolved later).
    Quoted(Vec<QChar>),
    Word(String),
}

/// A character of a quoted value: `\*` is a literal star, a bare `*` a wildcard.
#[derive(Debug, Clone, Copy, PartialEq)]
enum QChar {
    Char(char),
    Star,
}

pub(super) fn is_word_stop(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let next = chars.get(i + 1).copied();
    c.is_whitespace()
        || matches!(c, '(' | ')' | '{' | '}' | '"' | '=' | '<' | '>')
        || (c == '!' && next == Some('='))
        || (c == '&' && next == Some('&'))
        || (c == '|' && next == Some('|'))
}

pub(super) fn is_key_stop(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '[' | ']' | '(' | ')' | '{' | '}' | '"' | '=' | '<' | '>' | '!' | '&' | '|')
}

/// Tokens of the JSON body, from just after `{` to the closing `}` (included as `RBrace`),
/// and the index after it.
fn lex_json(chars: &[char], mut i: usize) -> Result<(Vec<(usize, Tok)>, usize), PatternError> {
    let mut toks = Vec::new();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let Some(&c) = chars.get(i) else {
            return Err(PatternError::syntax(i, "missing closing '}'"));
        };
        let at = i;
        let next = chars.get(i + 1).copied();
        let tok = match c {
            '}' => {
                toks.push((at, Tok::RBrace));
                return Ok((toks, i + 1));
            }
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            '{' => return Err(PatternError::syntax(at, "unexpected '{'")),
            '&' if next == Some('&') => {
                i += 2;
                Tok::And
            }
            '|' if next == Some('|') => {
                i += 2;
                Tok::Or
            }
            '=' => {
                i += 1;
                Tok::Op(CmpOp::Eq)
            }
            '!' if next == Some('=') => {
                i += 2;
                Tok::Op(CmpOp::Ne)
            }
            '<' if next == Some('=') => {
                i += 2;
                Tok::Op(CmpOp::Le)
            }
            '>' if next == Some('=') => {
                i += 2;
                Tok::Op(CmpOp::Ge)
            }
            '<' => {
                i += 1;
                Tok::Op(CmpOp::Lt)
            }
            '>' => {
                i += 1;
                Tok::Op(CmpOp::Gt)
            }
            '$' => {
                let (sel, next_i) = lex_selector(chars, i)?;
                i = next_i;
                Tok::Selector(sel)
            }
            '"' => {
                let (q, next_i) = lex_quoted_value(chars, i)?;
                i = next_i;
                Tok::Quoted(q)
            }
            '%' => return Err(PatternError::Unsupported("regular expressions (%…%)")),
            _ => {
                let begin = i;
                while i < chars.len() && !is_word_stop(chars, i) {
                    i += 1;
                }
                if i == begin {
                    return Err(PatternError::syntax(at, format!("unexpected '{c}'")));
                }
                Tok::Word(chars[begin..i].iter().collect())
            }
        };
        toks.push((at, tok));
    }
}

fn lex_selector(chars: &[char], mut i: usize) -> Result<(Selector, usize), PatternError> {
    let at = i;
    i += 1; // '$'
    let mut steps = Vec::new();
    loop {
        match chars.get(i) {
            Some('.') => {
                i += 1;
                let begin = i;
                while i < chars.len() && !is_key_stop(chars[i]) {
                    i += 1;
                }
                let key: String = chars[begin..i].iter().collect();
                if key.is_empty() {
                    return Err(PatternError::syntax(begin, "empty field name in selector"));
                }
                if key.contains('*') {
                    return Err(PatternError::Unsupported("wildcard selectors ($.*)"));
                }
                steps.push(Step::Key(key));
            }
            Some('[') => {
                i += 1;
                let begin = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if chars.get(i) == Some(&'*') {
                    return Err(PatternError::Unsupported("wildcard array selectors ([*])"));
                }
                let digits: String = chars[begin..i].iter().collect();
                if digits.is_empty() || chars.get(i) != Some(&']') {
                    return Err(PatternError::syntax(begin, "array index must be digits followed by ']'"));
                }
                let index =
                    digits.parse::<usize>().map_err(|_| PatternError::syntax(begin, "array index too large"))?;
                steps.push(Step::Index(index));
                i += 1;
            }
            _ => break,
        }
    }
    if steps.is_empty() {
        return Err(PatternError::syntax(at, "selector '$' names no field (write $.field)"));
    }
    Ok((Selector { steps }, i))
}

fn lex_quoted_value(chars: &[char], i: usize) -> Result<(Vec<QChar>, usize), PatternError> {
    let mut out = Vec::new();
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            '"' => return Ok((out, j + 1)),
            '\\' if matches!(chars.get(j + 1), Some('"') | Some('\\') | Some('*')) => {
                out.push(QChar::Char(chars[j + 1]));
                j += 2;
            }
            '*' => {
                out.push(QChar::Star);
                j += 1;
            }
            c => {
                out.push(QChar::Char(c));
                j += 1;
            }
        }
    }
    Err(PatternError::syntax(i, "unterminated quoted string"))
}

fn glob_of(chars: impl IntoIterator<Item = QChar>) -> Glob {
    let mut parts: Vec<GlobPart> = Vec::new();
    for c in chars {
        match c {
            QChar::Star => {
                if parts.last() != Some(&GlobPart::Any) {
                    parts.push(GlobPart::Any);
                }
            }
            QChar::Char(ch) => match parts.last_mut() {
                Some(GlobPart::Lit(s)) => s.push(ch),
                _ => parts.push(GlobPart::Lit(ch.to_string())),
            },
        }
    }
    Glob { parts }
}

/// The value of an unquoted word that is a (finite) number.
pub(super) fn number_of(word: &str) -> Option<f64> {
    if !looks_numeric(word) {
        return None;
    }
    word.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Made of a number's characters only, starting like one (`12`, `-1.5e3`, `1.2.3`).
fn looks_numeric(word: &str) -> bool {
    let Some(first) = word.chars().next() else { return false };
    (first.is_ascii_digit() || matches!(first, '-' | '+' | '.'))
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
}

// ---------------------------------------------------------------------------------------
// JSON patterns: parser

fn parse_json(chars: &[char], open: usize) -> Result<PatternKind, PatternError> {
    let (toks, after) = lex_json(chars, open + 1)?;
    if let Some(extra) = (after..chars.len()).find(|&k| !chars[k].is_whitespace()) {
        return Err(PatternError::syntax(extra, "text after the closing '}'"));
    }
    let mut p = Parser { toks, pos: 0, depth: 0 };
    if matches!(p.peek(), Some(Tok::RBrace)) {
        return Err(PatternError::syntax(open, "empty JSON pattern '{}'"));
    }
    let expr = p.or_expr()?;
    match p.next() {
        Some((_, Tok::RBrace)) => Ok(PatternKind::Json(expr)),
        Some((at, tok)) => {
            Err(PatternError::syntax(at, format!("expected '&&', '||' or '}}', found {}", describe(&tok))))
        }
        None => Err(PatternError::syntax(chars.len(), "missing closing '}'")),
    }
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    depth: usize,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::RBrace => "'}'".into(),
        Tok::And => "'&&'".into(),
        Tok::Or => "'||'".into(),
        Tok::Op(_) => "an operator".into(),
        Tok::Selector(_) => "a selector".into(),
        Tok::Quoted(_) => "a quoted value".into(),
        Tok::Word(w) => format!("'{w}'"),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn next(&mut self) -> Option<(usize, Tok)> {
        let t = self.toks.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Position of the current token (or of the last one, at the end).
    fn here(&self) -> usize {
        self.toks.get(self.pos).or_else(|| self.toks.last()).map_or(0, |(at, _)| *at)
    }

    /// `and ( '||' and )*`, as one `Or` of every operand (or the single operand itself).
    fn or_expr(&mut self) -> Result<Expr, PatternError> {
        let first = self.and_expr()?;
        if !matches!(self.peek(), Some(Tok::Or)) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while matches!(self.peek(), Some(Tok::Or)) {
            self.pos += 1;
            operands.push(self.and_expr()?);
        }
        Ok(Expr::Or(operands))
    }

    /// `primary ( '&&' primary )*`, as one `And` of every operand (or the single operand).
    fn and_expr(&mut self) -> Result<Expr, PatternError> {
        let first = self.primary()?;
        if !matches!(self.peek(), Some(Tok::And)) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while matches!(self.peek(), Some(Tok::And)) {
            self.pos += 1;
            operands.push(self.primary()?);
        }
        Ok(Expr::And(operands))
    }

    fn primary(&mut self) -> Result<Expr, PatternError> {
        let at = self.here();
        match self.next() {
            Some((_, Tok::LParen)) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(PatternError::syntax(at, "parentheses nested too deeply"));
                }
                let inner = self.or_expr()?;
                self.depth -= 1;
                match self.next() {
                    Some((_, Tok::RParen)) => Ok(inner),
                    Some((at, tok)) => Err(PatternError::syntax(at, format!("expected ')', found {}", describe(&tok)))),
                    None => Err(PatternError::syntax(at, "missing ')'")),
                }
            }
            Some((_, Tok::Selector(selector))) => {
                let test = self.test()?;
                Ok(Expr::Cond(Condition { selector, test }))
            }
            Some((at, tok)) => {
                Err(PatternError::syntax(at, format!("expected a selector ($.field) or '(', found {}", describe(&tok))))
            }
            None => Err(PatternError::syntax(at, "expected a selector")),
        }
    }

    fn test(&mut self) -> Result<Test, PatternError> {
        let at = self.here();
        match self.next() {
            Some((_, Tok::Op(op))) => {
                let lit_at = self.here();
                // A word that reads as a number too large for f64 (it stays text for `=`).
                let mut out_of_range = None;
                let literal = match self.next() {
                    Some((_, Tok::Quoted(q))) => Literal::Text(glob_of(q)),
                    Some((_, Tok::Word(w))) => match number_of(&w) {
                        Some(value) => Literal::Number { value, text: w },
                        None => {
                            if looks_numeric(&w) && w.parse::<f64>().is_ok() {
                                out_of_range = Some(w.clone());
                            }
                            Literal::Text(glob_of(
                                w.chars().map(|c| if c == '*' { QChar::Star } else { QChar::Char(c) }),
                            ))
                        }
                    },
                    Some((at, tok)) => {
                        return Err(PatternError::syntax(at, format!("expected a value, found {}", describe(&tok))));
                    }
                    None => return Err(PatternError::syntax(lit_at, "expected a value")),
                };
                let numeric_only = matches!(op, CmpOp::Lt | CmpOp::Gt | CmpOp::Le | CmpOp::Ge);
                if numeric_only && !matches!(literal, Literal::Number { .. }) {
                    let message = match out_of_range {
                        Some(w) => format!("number {w} is out of range"),
                        None => "'<', '>', '<=' and '>=' compare with a number".to_string(),
                    };
                    return Err(PatternError::syntax(lit_at, message));
                }
                Ok(Test::Compare(op, literal))
            }
            Some((_, Tok::Word(w))) if w.eq_ignore_ascii_case("IS") => match self.next() {
                Some((_, Tok::Word(k))) if k.eq_ignore_ascii_case("NULL") => Ok(Test::IsNull),
                Some((_, Tok::Word(k))) if k.eq_ignore_ascii_case("TRUE") => Ok(Test::IsTrue),
                Some((_, Tok::Word(k))) if k.eq_ignore_ascii_case("FALSE") => Ok(Test::IsFalse),
                _ => Err(PatternError::syntax(at, "expected NULL, TRUE or FALSE after IS")),
            },
            Some((_, Tok::Word(w))) if w.eq_ignore_ascii_case("NOT") => match self.next() {
                Some((_, Tok::Word(k))) if k.eq_ignore_ascii_case("EXISTS") => Ok(Test::NotExists),
                _ => Err(PatternError::syntax(at, "expected EXISTS after NOT")),
            },
            Some((at, tok)) => Err(PatternError::syntax(
                at,
                format!("expected an operator after the selector, found {}", describe(&tok)),
            )),
            None => Err(PatternError::syntax(at, "expected an operator after the selector")),
        }
    }
}
