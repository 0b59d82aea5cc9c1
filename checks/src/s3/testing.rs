//! Builders of S3 inventories for the checks' unit tests: buckets and Block Public Access.

use crate::inventory::s3::{Bucket, BucketEncryption, PublicAccessBlock, S3Inventory, Versioning};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::{REGION, account};

pub const ALL_ON: PublicAccessBlock =
    PublicAccessBlock { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true };
pub const ALL_OFF: PublicAccessBlock =
    PublicAccessBlock { block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false };

/// A well-configured bucket in the test region: SSE-S3, Block Public Access all on, no policy,
/// no ACL grants, versioning with MFA delete, everything known.
pub fn bucket(name: &str) -> Bucket {
    Bucket {
        name: name.to_string(),
        region: Collected::Known(REGION.to_string()),
        encryption: Collected::Known(Some(BucketEncryption {
            sse_algorithm: "AES256".to_string(),
            kms_master_key_id: None,
        })),
        public_access_block: Collected::Known(Some(ALL_ON)),
        policy: Collected::Known(None),
        policy_is_public: Collected::Known(None),
        acl_grants: Collected::Known(Vec::new()),
        versioning: Collected::Known(Versioning { status: Some("Enabled".to_string()), mfa_delete: Some("Enabled".to_string()) }),
        logging: Collected::Known(None),
    }
}

/// An account with these buckets and account-level Block Public Access `account_bpa`.
pub fn account_with_buckets(buckets: Vec<Bucket>, account_bpa: Collected<Option<PublicAccessBlock>>) -> AccountInventory {
    let mut account = account();
    account.s3.buckets = Collected::Known(buckets);
    account.s3.account_public_access_block = account_bpa;
    account
}

/// A private bucket in the test region whose every detail was read and is off: no
/// encryption, no Block Public Access, no policy, no grants, versioning never enabled,
/// access logging off.
pub fn bare_bucket(name: &str) -> Bucket {
    Bucket {
        name: name.to_string(),
        region: Collected::Known(REGION.to_string()),
        encryption: Collected::Known(None),
        public_access_block: Collected::Known(None),
        policy: Collected::Known(None),
        policy_is_public: Collected::Known(None),
        acl_grants: Collected::Known(Vec::new()),
        versioning: Collected::Known(Versioning::default()),
        logging: Collected::Known(None),
    }
}

/// S3 read: no bucket, no account-level Block Public Access.
pub fn empty_s3() -> S3Inventory {
    S3Inventory { buckets: Collected::Known(Vec::new()), account_public_access_block: Collected::Known(None) }
}
