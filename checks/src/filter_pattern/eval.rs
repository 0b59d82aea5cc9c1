//! Evaluation of a parsed pattern against one JSON event.

use serde_json::Value;

use super::{CmpOp, Condition, Expr, GlobPart, Literal, PatternKind, Selector, Step, Terms, Test};

pub(super) fn matches(kind: &PatternKind, event: &Value) -> bool {
    match kind {
        PatternKind::MatchAll => true,
        PatternKind::Json(expr) => expr_matches(expr, event),
        PatternKind::Terms(terms) => terms_match(terms, &event.to_string()),
    }
}

fn expr_matches(expr: &Expr, event: &Value) -> bool {
    match expr {
        // Recursion only into operands that are parenthesized groups (depth-bounded).
        Expr::And(operands) => operands.iter().all(|e| expr_matches(e, event)),
        Expr::Or(operands) => operands.iter().any(|e| expr_matches(e, event)),
        Expr::Cond(c) => condition_matches(c, event),
    }
}

fn resolve<'a>(selector: &Selector, event: &'a Value) -> Option<&'a Value> {
    let mut cur = event;
    for step in &selector.steps {
        cur = match step {
            Step::Key(k) => cur.as_object()?.get(k)?,
            Step::Index(i) => cur.as_array()?.get(*i)?,
        };
    }
    Some(cur)
}

/// The text a scalar field compares as; `None` for null, objects and arrays.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn condition_matches(c: &Condition, event: &Value) -> bool {
    let field = resolve(&c.selector, event);
    match &c.test {
        Test::NotExists => field.is_none(),
        Test::IsNull => matches!(field, Some(Value::Null)),
        Test::IsTrue => matches!(field, Some(Value::Bool(true))),
        Test::IsFalse => matches!(field, Some(Value::Bool(false))),
        Test::Compare(op, lit) => {
            let Some(field) = field else { return false };
            compare(*op, lit, field)
        }
    }
}

fn compare(op: CmpOp, lit: &Literal, field: &Value) -> bool {
    match op {
        CmpOp::Eq | CmpOp::Ne => {
            let Some(equal) = equals(lit, field) else { return false };
            if op == CmpOp::Eq { equal } else { !equal }
        }
        CmpOp::Lt | CmpOp::Gt | CmpOp::Le | CmpOp::Ge => {
            let (Literal::Number { value, .. }, Some(x)) = (lit, field.as_f64()) else { return false };
            match op {
                CmpOp::Lt => x < *value,
                CmpOp::Gt => x > *value,
                CmpOp::Le => x <= *value,
                _ => x >= *value,
            }
        }
    }
}

/// `Some(equal)` when the field is a scalar; `None` when it cannot be compared at all.
fn equals(lit: &Literal, field: &Value) -> Option<bool> {
    match lit {
        Literal::Number { value, text } => match field {
            Value::Number(n) => Some(n.as_f64().is_some_and(|x| x == *value)),
            other => scalar_text(other).map(|t| t == *text),
        },
        Literal::Text(glob) => scalar_text(field).map(|t| glob.matches(&t)),
    }
}

fn terms_match(terms: &Terms, text: &str) -> bool {
    terms.required.iter().all(|t| text.contains(t.as_str()))
        && (terms.optional.is_empty() || terms.optional.iter().any(|t| text.contains(t.as_str())))
        && !terms.excluded.iter().any(|t| text.contains(t.as_str()))
}

/// Anchored wildcard match: `Any` matches any run of characters, including none.
pub(super) fn glob_matches(parts: &[GlobPart], text: &str) -> bool {
    // Classic greedy match with backtracking to the last star; linear in practice.
    let mut rest = text;
    let mut star = false;
    let n = parts.len();
    for (idx, part) in parts.iter().enumerate() {
        match part {
            GlobPart::Any => star = true,
            GlobPart::Lit(lit) => {
                let last = idx + 1 == n;
                if !star {
                    let Some(after) = rest.strip_prefix(lit.as_str()) else { return false };
                    rest = after;
                } else if last {
                    // The final literal after a star must end the text.
                    return rest.ends_with(lit.as_str());
                } else {
                    // Leftmost occurrence is always safe for a literal between stars.
                    let Some(pos) = rest.find(lit.as_str()) else { return false };
                    rest = &rest[pos + lit.len()..];
                }
                star = false;
            }
        }
    }
    star || rest.is_empty()
}
