//! S3 checks: default encryption, TLS-only bucket policies, Block Public Access (account
//! and bucket), public buckets, MFA delete.
//!
//! Buckets are listed once per account (`account.s3.buckets`), each with its own region.

use crate::finding::Resource;
use crate::inventory::s3::{Bucket, PublicAccessBlock};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Check, Findings};

pub(crate) mod publicity;
mod s3_account_level_public_access_blocks;
mod s3_bucket_default_encryption;
mod s3_bucket_level_public_access_block;
mod s3_bucket_no_mfa_delete;
mod s3_bucket_public_access;
mod s3_bucket_secure_transport_policy;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &s3_bucket_default_encryption::CHECK,
    &s3_bucket_secure_transport_policy::CHECK,
    &s3_account_level_public_access_blocks::CHECK,
    &s3_bucket_level_public_access_block::CHECK,
    &s3_bucket_public_access::CHECK,
    &s3_bucket_no_mfa_delete::CHECK,
];

/// The buckets, or an ERROR finding on the account saying why they could not be listed.
fn buckets<'a>(account: &'a AccountInventory, out: &mut Findings) -> Option<&'a [Bucket]> {
    match &account.s3.buckets {
        Collected::Known(b) => Some(b),
        Collected::Unknown(why) => {
            out.error(account.resource(), format!("S3 buckets could not be listed: {why}"));
            None
        }
    }
}

fn bucket_arn(account: &AccountInventory, name: &str) -> String {
    format!("arn:{}:s3:::{name}", account.partition)
}

/// The bucket as a finding's resource; its region when `GetBucketLocation` answered.
fn bucket_resource(account: &AccountInventory, bucket: &Bucket) -> Resource {
    Resource {
        id: bucket.name.clone(),
        arn: Some(bucket_arn(account, &bucket.name)),
        kind: "AwsS3Bucket",
        region: bucket.region.known().cloned(),
    }
}

/// Reads one setting of a Block Public Access configuration.
type FlagGetter = fn(&PublicAccessBlock) -> bool;

/// The four Block Public Access settings, with their API names.
const BPA_FLAGS: [(&str, FlagGetter); 4] = [
    ("BlockPublicAcls", |p| p.block_public_acls),
    ("IgnorePublicAcls", |p| p.ignore_public_acls),
    ("BlockPublicPolicy", |p| p.block_public_policy),
    ("RestrictPublicBuckets", |p| p.restrict_public_buckets),
];

/// One Block Public Access setting as it applies to a bucket: on if the account or the
/// bucket turns it on.
#[derive(Debug, Clone, PartialEq)]
enum Flag {
    /// On; the text says where (`account`, `bucket`, `account and bucket`).
    On(&'static str),
    Off,
    /// Not on anywhere we could see, and one of the two levels could not be read.
    Unknown(String),
}

fn level(bpa: &Collected<Option<PublicAccessBlock>>, get: FlagGetter) -> Result<bool, String> {
    match bpa {
        Collected::Known(Some(p)) => Ok(get(p)),
        Collected::Known(None) => Ok(false),
        Collected::Unknown(why) => Err(why.to_string()),
    }
}

fn effective_flag(account: &AccountInventory, bucket: &Bucket, get: FlagGetter) -> Flag {
    let at_account = level(&account.s3.account_public_access_block, get);
    let at_bucket = level(&bucket.public_access_block, get);
    match (&at_account, &at_bucket) {
        (Ok(true), Ok(true)) => Flag::On("account and bucket"),
        (Ok(true), _) => Flag::On("account"),
        (_, Ok(true)) => Flag::On("bucket"),
        (Ok(false), Ok(false)) => Flag::Off,
        (Err(why), _) => Flag::Unknown(format!("account-level Block Public Access could not be read: {why}")),
        (_, Err(why)) => Flag::Unknown(format!("bucket Block Public Access could not be read: {why}")),
    }
}
