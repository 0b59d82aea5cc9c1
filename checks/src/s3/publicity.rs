//! The one judgement of whether an S3 bucket is public, through its policy or its ACL,
//! once Block Public Access has been applied. `s3_bucket_public_access` and
//! `cloudtrail_logs_s3_bucket_is_not_publicly_accessible` both use [`bucket_publicity`], so
//! they cannot disagree on the same bucket data.
//!
//! - Policy: public when the policy parser finds an `Allow` to everyone without a
//!   restricting condition (`crate::policy::analysis`), or when `GetBucketPolicyStatus`
//!   reports `IsPublic`; neutralised by `RestrictPublicBuckets` (account or bucket).
//! - ACL: public when a grant goes to `AllUsers` or `AuthenticatedUsers`; neutralised by
//!   `IgnorePublicAcls`.
//!
//! One public path makes the bucket public; otherwise a path that could not be read (or a
//! policy that cannot be parsed) makes it unknown; otherwise it is not public.

use super::{Flag, effective_flag};
use crate::inventory::s3::Bucket;
use crate::inventory::{AccountInventory, Collected};
use crate::policy::{self, join_refs};

const ALL_USERS: &str = "/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "/groups/global/AuthenticatedUsers";

/// Whether a bucket is public, or what one path (policy or ACL) contributes to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Publicity {
    /// Public; the text says through what.
    Public(String),
    /// Not public; the text says why, path by path.
    NotPublic(String),
    /// Could not be decided; the text says what could not be read.
    Unknown(String),
}

fn acl_exposure(account: &AccountInventory, bucket: &Bucket) -> Publicity {
    let ignore = effective_flag(account, bucket, |p| p.ignore_public_acls);
    let grants = match (&bucket.acl_grants, &ignore) {
        (Collected::Known(g), _) => g,
        (Collected::Unknown(_), Flag::On(at)) => {
            return Publicity::NotPublic(format!("ACL not readable, but IgnorePublicAcls is on ({at})"));
        }
        (Collected::Unknown(why), _) => return Publicity::Unknown(format!("bucket ACL could not be read: {why}")),
    };
    let public: Vec<String> = grants
        .iter()
        .filter_map(|g| {
            let uri = g.grantee_uri.as_deref()?;
            let who = if uri.ends_with(ALL_USERS) {
                "AllUsers"
            } else if uri.ends_with(AUTHENTICATED_USERS) {
                "AuthenticatedUsers"
            } else {
                return None;
            };
            Some(format!("{who}:{}", g.permission))
        })
        .collect();
    if public.is_empty() {
        return Publicity::NotPublic("no public ACL grant".to_string());
    }
    let grants = public.join(", ");
    match ignore {
        Flag::On(at) => Publicity::NotPublic(format!("public ACL grant(s) {grants} neutralised by IgnorePublicAcls ({at})")),
        Flag::Off => Publicity::Public(format!("ACL grants {grants}")),
        Flag::Unknown(why) => Publicity::Unknown(format!("ACL grants {grants} and {why}")),
    }
}

/// Whether the policy itself is public, before Block Public Access.
fn policy_is_public(bucket: &Bucket) -> Result<Option<String>, String> {
    let aws_says_public = matches!(bucket.policy_is_public, Collected::Known(Some(true)));
    let aws_says = if aws_says_public { Some("GetBucketPolicyStatus reports IsPublic".to_string()) } else { None };
    match &bucket.policy {
        Collected::Known(None) => Ok(aws_says),
        Collected::Known(Some(text)) => match policy::parse(text) {
            Ok(doc) => {
                let statements = doc.public_statements();
                if statements.is_empty() {
                    Ok(aws_says)
                } else {
                    Ok(Some(format!("policy {} allows everyone", join_refs(&statements))))
                }
            }
            Err(e) if aws_says_public => Ok(Some(format!("GetBucketPolicyStatus reports IsPublic ({e})"))),
            Err(e) => Err(format!("bucket policy: {e}")),
        },
        Collected::Unknown(why) => match &bucket.policy_is_public {
            Collected::Known(Some(true)) => Ok(aws_says),
            Collected::Known(_) => Ok(None),
            Collected::Unknown(_) => Err(format!("bucket policy could not be read: {why}")),
        },
    }
}

fn policy_exposure(account: &AccountInventory, bucket: &Bucket) -> Publicity {
    let restrict = effective_flag(account, bucket, |p| p.restrict_public_buckets);
    match (policy_is_public(bucket), restrict) {
        (Ok(None), _) => Publicity::NotPublic("policy not public".to_string()),
        (Ok(Some(why)), Flag::Off) => Publicity::Public(why),
        (Ok(Some(why)), Flag::On(at)) => Publicity::NotPublic(format!("{why}, neutralised by RestrictPublicBuckets ({at})")),
        (Ok(Some(why)), Flag::Unknown(bpa)) => Publicity::Unknown(format!("{why} and {bpa}")),
        (Err(_), Flag::On(at)) => Publicity::NotPublic(format!("policy not assessed, but RestrictPublicBuckets is on ({at})")),
        (Err(why), _) => Publicity::Unknown(why),
    }
}

/// Whether `bucket` is public (see the module documentation).
pub(crate) fn bucket_publicity(account: &AccountInventory, bucket: &Bucket) -> Publicity {
    let (mut public, mut unknown, mut private) = (Vec::new(), Vec::new(), Vec::new());
    for exposure in [policy_exposure(account, bucket), acl_exposure(account, bucket)] {
        match exposure {
            Publicity::Public(s) => public.push(s),
            Publicity::Unknown(s) => unknown.push(s),
            Publicity::NotPublic(s) => private.push(s),
        }
    }
    if !public.is_empty() {
        Publicity::Public(public.join("; "))
    } else if !unknown.is_empty() {
        Publicity::Unknown(unknown.join("; "))
    } else {
        Publicity::NotPublic(private.join("; "))
    }
}
