//! The questions the checks ask of a parsed policy document.
//!
//! # Full administrative access (`*:*`)
//!
//! A statement grants full administrative access when it is an `Allow` whose actions cover
//! everything and whose resources cover everything. "Covers" is decided with the glob
//! semantics of [`super::glob`], not by comparing text:
//!
//! - `Action` has a pattern that matches every action, i.e. every `service:name` with both
//!   parts non-empty ([`super::glob::matches_every_action`]): `*`, `*:*`, but also `*:**`,
//!   `*:*?*`, `*?*`. A list of services (`iam:*` plus `s3:*`) is not "everything", nor is a
//!   pattern that misses some shape (`*:??*` misses one-character names);
//! - or `NotAction` is used and does **not** exclude every IAM action: `Allow` + `NotAction`
//!   grants every action except those listed, so unless IAM as a whole (`iam:*`, `iam*`,
//!   `*`) is excluded the holder can still grant itself anything. `NotAction: ["iam:*",
//!   "organizations:*"]` (the shape of `PowerUserAccess`) is therefore *not* treated as
//!   full admin, while `NotAction: ["s3:DeleteBucket"]` is;
//! - `Resource` has a pattern that matches every ARN of the account's partition
//!   ([`super::glob::matches_every_arn`]): `*`, `arn:*`, `arn:aws:*`, `arn:aws:*:*:*:*` in
//!   partition `aws`. A policy can only name resources of its own partition, so that is every
//!   resource; `arn:aws-cn:*` in an `aws` account is not. Or `NotResource` is used and
//!   excludes less than everything (everything but a few resources is still everything that
//!   matters for administration); `NotResource: "*"` grants nothing.
//!
//! Whether a glob matches a whole set of strings is decided by an exact search with a work
//! budget; a pattern too tangled to decide within it makes the statement undecided, which
//! the checks report as ERROR (unless another statement is certainly `*:*`).
//!
//! Conditions are not credited: a conditional `*:*` (MFA, source IP) is still an
//! administrative grant, as CIS 1.15 and Security Hub IAM.1 read it.
//!
//! # Public resource policies
//!
//! A statement makes a resource policy public when it is an `Allow` to everyone —
//! `"Principal": "*"`, `{"AWS": "*"}` (or `"*"` in an `AWS` list), or any `NotPrincipal`
//! (everyone except a few) — and no condition restricts who can use it.
//!
//! A condition restricts when its key is one of [`PUBLIC_ACCESS_RESTRICTING_KEYS`], its
//! operator is positive (`StringEquals`, `StringEqualsIgnoreCase`, `StringLike`,
//! `ArnEquals`, `ArnLike`, `IpAddress`, optionally prefixed `ForAnyValue:`; `NotIpAddress`
//! for `aws:SourceIp`, below) and **every** value is restrictive:
//!
//! - account keys (`aws:SourceAccount`, `aws:SourceOwner`, `aws:PrincipalAccount`,
//!   `kms:CallerAccount`): a value without wildcards;
//! - ARN keys (`aws:SourceArn`, `aws:PrincipalArn`): a value without wildcards, or an ARN
//!   whose account field is written out (`arn:aws:iam::123456789012:*`);
//! - `aws:SourceIp`: judged as a set of addresses, not value by value (below);
//! - `aws:SourceVpc`, `aws:SourceVpce`, `aws:PrincipalOrgID`, `aws:SourceOrgID`: a value
//!   without wildcards;
//! - `aws:PrincipalOrgPaths`, `aws:SourceOrgPaths` (`o-…/` before any wildcard),
//!   `aws:userid` (`…:` before any wildcard) and `kms:ViaService` (`service.` before any
//!   wildcard): the fixed part names a specific organization, principal or service.
//!
//! `aws:SourceIp` is judged with the CIDR set math of [`crate::net`], per family, against
//! the public internet of that family (IPv4 without the private and reserved blocks, IPv6
//! `2000::/3` without the documentation block), as the security group checks do:
//!
//! - `IpAddress` admits callers in *any* listed block (the values are OR'ed). It restricts
//!   unless the union covers the whole public internet of IPv4 or of IPv6: `0.0.0.0/1` +
//!   `128.0.0.0/1` is the whole internet, as is `::/0` beside a narrow IPv4 range. A list of
//!   IPv4 ranges only restricts IPv6 callers out entirely (an IPv6 address matches no IPv4
//!   block), so a narrow IPv4-only list does restrict.
//! - `NotIpAddress` admits callers *outside* every listed block, IPv6 callers included when
//!   only IPv4 blocks are listed. "Everyone except these ranges" is still public, so it
//!   restricts only when the listed blocks cover the public internet of **both** families
//!   (what is left is private address space only).
//! - A bare address (`198.51.100.7`) is read as a `/32` or `/128`. A value that is not an
//!   address or CIDR (`10.0.0.*`, `10.0.0.0/33`, text) makes the whole entry
//!   non-restricting, as does an empty list: garbage never counts as a restriction.
//! - Both operators are judged on their own lists; conditions on other keys with either
//!   operator do not restrict.
//!
//! Not restricting: other negated operators (`StringNotEquals`, `ArnNotLike`, …: "anyone
//! except"), `…IfExists` (including `IpAddressIfExists` and `NotIpAddressIfExists`) and
//! `ForAllValues:` (both are true when the key is absent, which it can be for callers AWS
//! does not attribute), `Null`, `Bool`, wildcard-only values such as
//! `aws:SourceAccount: "*"`, and any other key.
//!
//! `Deny` statements are not credited: an `Allow` to everyone is public unless the `Allow`
//! itself carries the restriction. The common "deny unless from my range" pattern (a
//! `Deny` with `NotIpAddress`, beside an unconditional `Allow` to `*`) is therefore still
//! reported public; crediting it would need the `Deny` to cover every action, resource and
//! principal of the `Allow` with no other condition, and that is not attempted. This is a
//! conservative reading; S3 additionally consults AWS's own `GetBucketPolicyStatus`.
//!
//! # Denying requests that do not use TLS (S3)
//!
//! A bucket policy denies insecure transport when `Deny` statements for everyone (`*` or
//! `{"AWS": "*"}`) together cover the bucket (`arn:…:s3:::bucket`) and all its objects
//! (`arn:…:s3:::bucket/*`, `arn:…:s3:::*`, `*`, …) for **every** S3 action (`s3:*`, `*`,
//! or a `NotAction` that excludes no S3 action), under a condition that holds for every
//! plain-HTTP request:
//!
//! - `Bool` / `BoolIfExists` `aws:SecureTransport` = `false` (string or boolean);
//! - `NumericLessThanIfExists` / `NumericLessThanEqualsIfExists` `s3:TlsVersion` (the key
//!   is absent without TLS, so `…IfExists` holds).
//!
//! A plain `NumericLessThan` on `s3:TlsVersion` only denies *old* TLS: without TLS the key
//! is absent and the condition is false, so HTTP is still allowed. A deny limited to a few
//! actions (`s3:GetObject`, `s3:PutObject`) leaves the others (listing, deleting, ACLs)
//! open over HTTP and does not count. Any other condition in the same statement narrows
//! the deny (conditions are ANDed) and the statement does not count.

use super::glob::{could_match_under, covers_all_under, matches_every_action, matches_every_arn, matches_text};
use super::{Effect, PolicyDocument, Scope, Statement, StatementRef, join_refs};
use crate::net::{AddrSet, Cidr, Family};

/// Condition keys that, with a positive operator and specific values, keep an `Allow` to
/// everyone from being public. Lower case; keys compare without regard to case.
pub const PUBLIC_ACCESS_RESTRICTING_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalaccount",
    "kms:calleraccount",
    "aws:sourcearn",
    "aws:principalarn",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:sourceorgid",
    "aws:principalorgpaths",
    "aws:sourceorgpaths",
    "aws:userid",
    "kms:viaservice",
];

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// The part of a value before its first wildcard.
fn fixed_head(s: &str) -> &str {
    s.find(['*', '?']).map_or(s, |i| &s[..i])
}

/// Whether one value of a restricting key pins the caller down.
fn value_restricts(key: &str, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || value.chars().all(|c| c == '*' || c == '?') {
        return false;
    }
    match key {
        "aws:sourceaccount" | "aws:sourceowner" | "aws:principalaccount" | "kms:calleraccount" => !has_wildcard(value),
        "aws:sourcearn" | "aws:principalarn" => {
            !has_wildcard(value) || value.split(':').nth(4).is_some_and(|acct| !acct.is_empty() && !has_wildcard(acct))
        }
        "aws:sourcevpc" | "aws:sourcevpce" | "aws:principalorgid" | "aws:sourceorgid" => !has_wildcard(value),
        "aws:principalorgpaths" | "aws:sourceorgpaths" => !has_wildcard(value) || fixed_head(value).contains('/'),
        "aws:userid" => !has_wildcard(value) || fixed_head(value).contains(':'),
        "kms:viaservice" => !has_wildcard(value) || fixed_head(value).contains('.'),
        _ => false,
    }
}

/// The operator without its `ForAnyValue:` prefix, lower case, if it is a positive
/// operator that is false when its key is absent, or `NotIpAddress` (judged on its own);
/// `None` otherwise.
fn restricting_operator(op: &str) -> Option<String> {
    let op = op.trim().to_ascii_lowercase();
    let op = op.strip_prefix("foranyvalue:").unwrap_or(&op).to_string();
    if op.starts_with("forallvalues:") || op.ends_with("ifexists") {
        return None;
    }
    matches!(
        op.as_str(),
        "stringequals" | "stringequalsignorecase" | "stringlike" | "arnequals" | "arnlike" | "ipaddress" | "notipaddress"
    )
    .then_some(op)
}

/// One `aws:SourceIp` value as a block: a CIDR, or a bare address (a /32 or /128, as AWS
/// reads it). `None` for anything else (wildcards, garbage, a prefix too long).
fn source_ip_block(value: &str) -> Option<Cidr> {
    let value = value.trim();
    if value.contains('/') {
        Cidr::parse(value).ok()
    } else if value.contains(':') {
        Cidr::parse(&format!("{value}/128")).ok()
    } else {
        Cidr::parse(&format!("{value}/32")).ok()
    }
}

/// Whether these blocks together hold the whole public internet of `family`. The blocks are
/// sorted and merged once, and each gap between them is tested against the public space,
/// so thousands of values cost a sort rather than a quadratic number of set insertions.
fn blocks_cover_internet(family: Family, blocks: &[Cidr]) -> bool {
    let mut ranges: Vec<(u128, u128)> = blocks.iter().filter(|c| c.family == family).map(|c| (c.first, c.last())).collect();
    ranges.sort_unstable();
    let internet = AddrSet::internet(family);
    let gap_is_private = |first: u128, last: u128| {
        let mut gap = AddrSet::empty(family);
        gap.insert(first, last);
        internet.intersection(&gap).is_empty()
    };
    // `next` is the first address not yet covered; `None` once the top of the family is.
    let mut next = Some(0u128);
    for (first, last) in ranges {
        let Some(from) = next else { break };
        if first > from && !gap_is_private(from, first - 1) {
            return false;
        }
        if last >= from {
            next = last.checked_add(1).filter(|&n| n <= family.max());
        }
    }
    next.is_none_or(|from| gap_is_private(from, family.max()))
}

/// Whether an `IpAddress` / `NotIpAddress` condition on `aws:SourceIp` keeps the public
/// internet out (see the module documentation). A value that is not an address or CIDR
/// makes the whole entry non-restricting.
fn source_ip_restricts(base_op: &str, values: &[String]) -> bool {
    let Some(blocks) = values.iter().map(|v| source_ip_block(v)).collect::<Option<Vec<Cidr>>>() else {
        return false;
    };
    if blocks.is_empty() {
        return false;
    }
    let covered = Family::ALL.map(|f| blocks_cover_internet(f, &blocks));
    match base_op {
        // Callers in any listed block: restricting unless some family's internet is all in.
        "ipaddress" => !covered.iter().any(|&c| c),
        // Callers outside every listed block: only when no public address of either family
        // is left outside.
        "notipaddress" => covered.iter().all(|&c| c),
        _ => false,
    }
}

/// Whether some item makes `judge` true; `Err` only when none does and some could not be
/// judged.
fn any_of(items: &[String], judge: impl Fn(&String) -> Result<bool, String>) -> Result<bool, String> {
    let mut undecided = None;
    for item in items {
        match judge(item) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(e) => undecided = undecided.or(Some(e)),
        }
    }
    undecided.map_or(Ok(false), Err)
}

fn too_complex(what: &str, pattern: &str) -> String {
    format!("{what} pattern of {} characters is too complex to decide whether it matches everything", pattern.chars().count())
}

impl Statement {
    /// `Allow` of every action on every resource of `partition` (see the module
    /// documentation for wildcards, `NotAction` and `NotResource`). `Err` when a pattern
    /// is too complex to decide (and nothing else already decides the statement).
    pub fn grants_full_admin(&self, partition: &str) -> Result<bool, String> {
        if self.effect != Effect::Allow {
            return Ok(false);
        }
        let every_action = |a: &String| matches_every_action(a).ok_or_else(|| too_complex("action", a));
        let every_resource = |r: &String| matches_every_arn(r, partition).ok_or_else(|| too_complex("resource", r));
        let all_actions = match &self.action {
            Some(Scope::Only(actions)) => any_of(actions, every_action),
            Some(Scope::AllExcept(excluded)) => Ok(!excluded.iter().any(|a| covers_all_under(a, "iam:", true))),
            None => Ok(false),
        };
        if all_actions == Ok(false) {
            return Ok(false);
        }
        let all_resources = match &self.resource {
            Some(Scope::Only(resources)) => any_of(resources, every_resource),
            // Everything but a few resources is still everything that matters, unless the
            // exclusion is itself every resource.
            Some(Scope::AllExcept(excluded)) => any_of(excluded, every_resource).map(|all| !all),
            None => Ok(false),
        };
        match (all_actions, all_resources) {
            (_, Ok(false)) => Ok(false),
            (Ok(true), Ok(true)) => Ok(true),
            (Err(e), _) | (_, Err(e)) => Err(e),
            (Ok(false), _) => Ok(false),
        }
    }

    /// Whether the principal is everyone (`*`, `{"AWS": "*"}`) or everyone but some
    /// (`NotPrincipal`).
    fn principal_is_everyone_or_almost(&self) -> bool {
        match &self.principal {
            Some(Scope::Only(p)) => p.is_everyone(),
            Some(Scope::AllExcept(_)) => true,
            None => false,
        }
    }

    /// Whether some condition of this statement limits who can use it (see the module
    /// documentation).
    pub fn condition_restricts_principal(&self) -> bool {
        self.condition.iter().any(|(op, keys)| {
            let Some(base) = restricting_operator(op) else { return false };
            keys.iter().any(|(key, values)| {
                let key = key.to_ascii_lowercase();
                match (key.as_str(), base.as_str()) {
                    ("aws:sourceip", "ipaddress" | "notipaddress") => source_ip_restricts(&base, values),
                    (_, "ipaddress" | "notipaddress") | ("aws:sourceip", _) => false,
                    _ => {
                        PUBLIC_ACCESS_RESTRICTING_KEYS.contains(&key.as_str())
                            && !values.is_empty()
                            && values.iter().all(|v| value_restricts(&key, v))
                    }
                }
            })
        })
    }

    /// `Allow` to everyone with no restricting condition.
    pub fn grants_public_access(&self) -> bool {
        self.effect == Effect::Allow && self.principal_is_everyone_or_almost() && !self.condition_restricts_principal()
    }
}

/// What a bucket policy says about requests that do not use TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportVerdict {
    /// Denied for the bucket and its objects; the text names the statements.
    Enforced(String),
    /// Not (fully) denied; the text says why.
    NotEnforced(String),
}

/// How one condition entry behaves on a plain-HTTP request.
enum HttpCondition {
    /// True for every plain-HTTP request and about TLS (`aws:SecureTransport=false`).
    DeniesHttp,
    /// `NumericLessThan s3:TlsVersion` without `IfExists`: false without TLS.
    OnlyOldTls,
    /// Anything else: narrows the statement.
    Other,
}

fn classify_condition(op: &str, key: &str, values: &[String]) -> HttpCondition {
    let op = op.trim().to_ascii_lowercase();
    let key = key.to_ascii_lowercase();
    match (op.as_str(), key.as_str()) {
        ("bool" | "boolifexists", "aws:securetransport") if values.iter().any(|v| v.eq_ignore_ascii_case("false")) => {
            HttpCondition::DeniesHttp
        }
        ("numericlessthanifexists" | "numericlessthanequalsifexists", "s3:tlsversion")
            if !values.is_empty() && values.iter().all(|v| v.trim().parse::<f64>().is_ok()) =>
        {
            HttpCondition::DeniesHttp
        }
        ("numericlessthan" | "numericlessthanequals", "s3:tlsversion") => HttpCondition::OnlyOldTls,
        _ => HttpCondition::Other,
    }
}

fn mentions_tls(statement: &Statement) -> bool {
    statement.condition.values().any(|keys| {
        keys.keys().any(|k| k.eq_ignore_ascii_case("aws:SecureTransport") || k.eq_ignore_ascii_case("s3:TlsVersion"))
    })
}

impl PolicyDocument {
    /// The statements that grant every action on every resource of `partition` (the
    /// partition of the account the policy lives in). `Err` only when no statement
    /// certainly does and some statement could not be decided (a pattern too complex to
    /// judge): that is neither a PASS nor a FAIL.
    pub fn full_admin_statements(&self, partition: &str) -> Result<Vec<StatementRef<'_>>, String> {
        let mut admin = Vec::new();
        let mut undecided = None;
        for s in self.numbered() {
            match s.statement.grants_full_admin(partition) {
                Ok(true) => admin.push(s),
                Ok(false) => {}
                Err(e) => {
                    undecided.get_or_insert_with(|| format!("{s}: {e}"));
                }
            }
        }
        match undecided {
            Some(why) if admin.is_empty() => Err(why),
            _ => Ok(admin),
        }
    }

    /// The statements that make a resource policy public.
    pub fn public_statements(&self) -> Vec<StatementRef<'_>> {
        self.numbered().filter(|s| s.statement.grants_public_access()).collect()
    }

    /// Whether this bucket policy denies requests without TLS for the bucket whose ARN is
    /// `bucket_arn` (`arn:aws:s3:::name`) and all its objects.
    pub fn insecure_transport_denial(&self, bucket_arn: &str) -> TransportVerdict {
        let objects = format!("{bucket_arn}/");
        let mut covering = Vec::new();
        let (mut bucket_covered, mut objects_covered) = (false, false);
        let mut hints: Vec<String> = Vec::new();
        for s in self.numbered() {
            let st = s.statement;
            if st.effect != Effect::Deny || !mentions_tls(st) {
                continue;
            }
            let everyone = matches!(&st.principal, Some(Scope::Only(p)) if p.is_everyone());
            if !everyone {
                hints.push(format!("{s} is not for every principal (\"*\")"));
                continue;
            }
            let all_s3 = match &st.action {
                Some(Scope::Only(actions)) => actions.iter().any(|a| covers_all_under(a, "s3:", true)),
                Some(Scope::AllExcept(excluded)) => !excluded.iter().any(|a| could_match_under(a, "s3:", true)),
                None => false,
            };
            if !all_s3 {
                hints.push(format!("{s} does not deny every S3 action (s3:*)"));
                continue;
            }
            let mut denies_http = false;
            let mut narrowed = false;
            let mut only_old_tls = false;
            for (op, keys) in &st.condition {
                for (key, values) in keys {
                    match classify_condition(op, key, values) {
                        HttpCondition::DeniesHttp => denies_http = true,
                        HttpCondition::OnlyOldTls => only_old_tls = true,
                        HttpCondition::Other => narrowed = true,
                    }
                }
            }
            if only_old_tls {
                hints.push(format!(
                    "{s} uses NumericLessThan on s3:TlsVersion, which is false for plain HTTP (the key is absent)"
                ));
                continue;
            }
            if narrowed || !denies_http {
                hints.push(format!("{s} has other conditions that narrow the deny"));
                continue;
            }
            let (b, o) = match &st.resource {
                Some(Scope::Only(resources)) => (
                    resources.iter().any(|r| matches_text(r, bucket_arn, false)),
                    resources.iter().any(|r| covers_all_under(r, &objects, false)),
                ),
                Some(Scope::AllExcept(excluded)) => (
                    !excluded.iter().any(|r| matches_text(r, bucket_arn, false)),
                    !excluded.iter().any(|r| could_match_under(r, &objects, false)),
                ),
                None => (false, false),
            };
            if !b && !o {
                hints.push(format!("{s} does not cover {bucket_arn} or its objects"));
                continue;
            }
            bucket_covered |= b;
            objects_covered |= o;
            covering.push(s);
        }
        match (bucket_covered, objects_covered) {
            (true, true) => TransportVerdict::Enforced(format!("denied by {}", join_refs(&covering))),
            (true, false) => TransportVerdict::NotEnforced(format!(
                "{} denies non-TLS requests on the bucket but not on all its objects ({objects}*)",
                join_refs(&covering)
            )),
            (false, true) => TransportVerdict::NotEnforced(format!(
                "{} denies non-TLS requests on the objects but not on the bucket itself ({bucket_arn})",
                join_refs(&covering)
            )),
            (false, false) if hints.is_empty() => TransportVerdict::NotEnforced(
                "no Deny statement for \"*\" on s3:* with condition aws:SecureTransport = false".to_string(),
            ),
            (false, false) => TransportVerdict::NotEnforced(format!("no effective TLS-only deny: {}", hints.join("; "))),
        }
    }
}
