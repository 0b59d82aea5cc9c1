//! IAM and resource policy documents: parsing (serde) and the questions checks ask of them.
//!
//! [`parse`] turns the JSON text AWS returns (identity policies, bucket policies, key
//! policies) into a [`PolicyDocument`]. Every shape AWS accepts is read:
//!
//! - `Statement` as one object or a list of objects;
//! - `Action`/`NotAction` and `Resource`/`NotResource` as a string or a list of strings;
//! - `Principal`/`NotPrincipal` as `"*"` or a map of `AWS`, `Service`, `Federated`,
//!   `CanonicalUser`, each a string or a list;
//! - `Condition` as operator → key → value, the value a string, a boolean, a number or a
//!   list of those (booleans and numbers are kept as their JSON text: `false`, `1.2`).
//!
//! A document that is not JSON, has a value of the wrong type, an unknown element (a typo
//! such as `"Actions"`), an `Effect` other than `Allow`/`Deny`, or both halves of a pair
//! (`Action` and `NotAction`) is a [`PolicyError`] carrying serde's message. Parsing never
//! panics; checks turn the error into an ERROR finding, never a PASS.
//!
//! The questions are answered in [`analysis`]: [`PolicyDocument::full_admin_statements`],
//! [`PolicyDocument::public_statements`] and [`PolicyDocument::insecure_transport_denial`].
//! Each documents how it treats `NotAction`, `NotResource`, `NotPrincipal` and conditions.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

pub mod analysis;
mod de;
pub mod glob;
pub mod iam;

#[cfg(test)]
mod tests;

pub use analysis::{PUBLIC_ACCESS_RESTRICTING_KEYS, TransportVerdict};

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Not JSON, or a value of the wrong type or an unknown element (serde's message).
    #[error("malformed policy document: {0}")]
    Malformed(String),
    /// Well-formed JSON that breaks the policy grammar (e.g. both `Action` and `NotAction`).
    #[error("invalid policy document: statement {index}: {message}")]
    Invalid { index: usize, message: String },
}

/// `Allow` or `Deny`, spelt exactly so (AWS rejects any other spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A list that is either the things named (`Action`, `Resource`, `Principal`) or
/// everything except them (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope<T> {
    Only(T),
    AllExcept(T),
}

/// The principals of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, signed or anonymous.
    Everyone,
    /// `"Principal": {"AWS": …, "Service": …, …}`.
    Map(PrincipalMap),
}

/// The map form of a principal; each list is empty when its key is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalMap {
    #[serde(rename = "AWS", default, deserialize_with = "de::strings")]
    pub aws: Vec<String>,
    #[serde(rename = "Service", default, deserialize_with = "de::strings")]
    pub service: Vec<String>,
    #[serde(rename = "Federated", default, deserialize_with = "de::strings")]
    pub federated: Vec<String>,
    #[serde(rename = "CanonicalUser", default, deserialize_with = "de::strings")]
    pub canonical_user: Vec<String>,
}

impl Principal {
    /// `"*"` or `{"AWS": "*"}` (also `"*"` inside an `AWS` list): anyone at all.
    pub fn is_everyone(&self) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Map(map) => map.aws.iter().any(|p| p == "*"),
        }
    }
}

/// `Condition`: operator (`StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`, …) →
/// condition key → values. Booleans and numbers are kept as their JSON text.
pub type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// One statement, checked against the policy grammar.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`; `None` in identity policies.
    pub principal: Option<Scope<Principal>>,
    /// `Action` or `NotAction`.
    pub action: Option<Scope<Vec<String>>>,
    /// `Resource` or `NotResource`; `None` in trust policies.
    pub resource: Option<Scope<Vec<String>>>,
    pub condition: Conditions,
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// Parses a policy document (the JSON text, already URL-decoded).
pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
    let de::MapOnly(raw) =
        serde_json::from_str::<de::MapOnly<de::RawDocument>>(text).map_err(|e| PolicyError::Malformed(e.to_string()))?;
    let statements = raw
        .statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.validate().map_err(|message| PolicyError::Invalid { index: i + 1, message }))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PolicyDocument { version: raw.version, id: raw.id, statements })
}

impl PolicyDocument {
    /// The statements with their 1-based position, for messages.
    pub fn numbered(&self) -> impl Iterator<Item = StatementRef<'_>> {
        self.statements.iter().enumerate().map(|(i, statement)| StatementRef { number: i + 1, statement })
    }
}

/// A statement and its 1-based position in the document; displays as
/// `statement 2 (Sid "AllowAll")`.
#[derive(Debug, Clone, Copy)]
pub struct StatementRef<'a> {
    pub number: usize,
    pub statement: &'a Statement,
}

impl fmt::Display for StatementRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.statement.sid.as_deref().filter(|s| !s.is_empty()) {
            Some(sid) => write!(f, "statement {} (Sid \"{sid}\")", self.number),
            None => write!(f, "statement {}", self.number),
        }
    }
}

/// Joins statement labels for a message: `statement 1, statement 3 (Sid "X")`.
pub fn join_refs(refs: &[StatementRef<'_>]) -> String {
    refs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}
