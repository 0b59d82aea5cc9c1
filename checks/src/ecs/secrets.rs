//! What a plain environment value looks like, judged at collection so that the value itself
//! is never kept, written to a snapshot or printed: only its [`ValueShape`].
//!
//! The shapes are those of credentials that leak through task definitions (anyone with
//! `ecs:DescribeTaskDefinition` reads them, and they stay in every revision): AWS access key
//! ids, private keys, JSON Web Tokens, tokens with a vendor prefix, URLs carrying a password,
//! and long high-entropy strings. Short words, numbers, booleans and references to a secret
//! store (ARNs, `ssm:`/`secretsmanager:` names) are not secrets.

use serde::{Deserialize, Serialize};

/// The shape of a plain environment value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueShape {
    Empty,
    /// A number or a boolean.
    Scalar,
    /// An ARN or a secret-store name: where a secret is, not the secret.
    Reference,
    AwsAccessKeyId,
    PrivateKey,
    JsonWebToken,
    /// A token with a vendor's prefix (`ghp_`, `github_pat_`, `xoxb-`, `sk_live_`, `glpat-`, …).
    VendorToken,
    /// `scheme://user:password@host`.
    UrlWithPassword,
    /// 20 characters or more from a base64 or hex alphabet, with high entropy.
    HighEntropy,
    /// Anything else.
    Text,
}

impl ValueShape {
    /// The shape of `value`.
    pub fn of(value: &str) -> ValueShape {
        let v = value.trim();
        if v.is_empty() {
            return ValueShape::Empty;
        }
        if v.parse::<f64>().is_ok() || ["true", "false", "yes", "no", "on", "off"].contains(&v.to_ascii_lowercase().as_str()) {
            return ValueShape::Scalar;
        }
        if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
            return ValueShape::PrivateKey;
        }
        if is_access_key_id(v) {
            return ValueShape::AwsAccessKeyId;
        }
        if v.starts_with("arn:") || v.starts_with("ssm:") || v.starts_with("secretsmanager:") {
            return ValueShape::Reference;
        }
        const PREFIXES: &[&str] =
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "sk_live_", "rk_live_", "glpat-", "npm_", "AIza", "SG."];
        if PREFIXES.iter().any(|p| v.starts_with(p)) && v.len() >= 20 {
            return ValueShape::VendorToken;
        }
        if is_jwt(v) {
            return ValueShape::JsonWebToken;
        }
        if url_with_password(v) {
            return ValueShape::UrlWithPassword;
        }
        if v.len() >= 20 && v.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c)) && entropy(v) >= 3.5 {
            return ValueShape::HighEntropy;
        }
        ValueShape::Text
    }

    /// Whether the shape alone says credential, whatever the variable's name.
    pub fn is_credential(self) -> bool {
        matches!(
            self,
            ValueShape::AwsAccessKeyId | ValueShape::PrivateKey | ValueShape::JsonWebToken | ValueShape::VendorToken | ValueShape::UrlWithPassword
        )
    }

    /// Words for a finding ("an AWS access key id").
    pub fn describe(self) -> &'static str {
        match self {
            ValueShape::Empty => "an empty value",
            ValueShape::Scalar => "a number or boolean",
            ValueShape::Reference => "a reference to a secret store",
            ValueShape::AwsAccessKeyId => "an AWS access key id",
            ValueShape::PrivateKey => "a private key",
            ValueShape::JsonWebToken => "a JSON Web Token",
            ValueShape::VendorToken => "an API token",
            ValueShape::UrlWithPassword => "a URL with a password",
            ValueShape::HighEntropy => "a high-entropy string",
            ValueShape::Text => "text",
        }
    }
}

/// Whether a variable's name says it holds a secret (`DB_PASSWORD`, `API_KEY`, `AUTH_TOKEN`,
/// `AWS_SECRET_ACCESS_KEY`, `ECS_ENGINE_AUTH_DATA`).
pub fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase().replace('-', "_");
    const WORDS: &[&str] = &[
        "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL", "ACCESS_KEY", "AUTH_DATA", "CLIENT_KEY",
    ];
    WORDS.iter().any(|w| n.contains(w)) || n.ends_with("_PWD") || n == "PWD_HASH"
}

/// Why a variable's value is judged a secret, or `None`.
pub fn why_secret(name: &str, shape: ValueShape) -> Option<String> {
    if shape.is_credential() {
        return Some(format!("holds {}", shape.describe()));
    }
    let plain = matches!(shape, ValueShape::Empty | ValueShape::Scalar | ValueShape::Reference);
    (secret_name(name) && !plain).then(|| format!("is named as a secret and holds {}", shape.describe()))
}

fn is_access_key_id(v: &str) -> bool {
    v.len() == 20
        && ["AKIA", "ASIA", "ABIA", "ACCA"].iter().any(|p| v.starts_with(p))
        && v.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].len() >= 4
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '='))
}

fn url_with_password(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once("://") else { return false };
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo.split_once(':').is_some_and(|(_, password)| !password.is_empty()),
        None => false,
    }
}

/// Shannon entropy in bits per character.
fn entropy(v: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in v.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    let n = v.chars().count() as f64;
    counts.values().map(|&c| {
        let p = f64::from(c) / n;
        -p * p.log2()
    }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for (value, shape) in [
            ("", ValueShape::Empty),
            ("8080", ValueShape::Scalar),
            ("true", ValueShape::Scalar),
            ("AKIAIOSFODNN7EXAMPLE", ValueShape::AwsAccessKeyId),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", ValueShape::PrivateKey),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", ValueShape::JsonWebToken),
            ("ghp_0123456789abcdefghijABCDEFGHIJ012345", ValueShape::VendorToken),
            ("postgres://app:hunter2@db.internal:5432/app", ValueShape::UrlWithPassword),
            ("https://example.com/path?q=a@b", ValueShape::Text),
            ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ValueShape::HighEntropy),
            ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", ValueShape::Reference),
            ("production", ValueShape::Text),
            ("aaaaaaaaaaaaaaaaaaaaaaaa", ValueShape::Text),
        ] {
            assert_eq!(ValueShape::of(value), shape, "{value:?}");
        }
    }

    #[test]
    fn secrets_by_shape_or_by_name() {
        assert!(why_secret("DATABASE_URL", ValueShape::UrlWithPassword).is_some());
        assert!(why_secret("DB_PASSWORD", ValueShape::Text).is_some());
        assert!(why_secret("AWS_SECRET_ACCESS_KEY", ValueShape::HighEntropy).is_some());
        assert!(why_secret("DB_PASSWORD", ValueShape::Reference).is_none());
        assert!(why_secret("TOKEN_TTL", ValueShape::Scalar).is_none());
        assert!(why_secret("BUILD_SHA", ValueShape::HighEntropy).is_none());
        assert!(why_secret("LOG_LEVEL", ValueShape::Text).is_none());
    }
}
