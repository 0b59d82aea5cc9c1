//! S3: buckets (listed once per account, each with its region) and account-level Block Public Access.

use serde::{Deserialize, Serialize};

use super::Collected;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct S3Inventory {
    /// ListBuckets, then per bucket the calls below (in the bucket's region).
    pub buckets: Collected<Vec<Bucket>>,
    /// s3control GetPublicAccessBlock(AccountId); `None` when not configured.
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    /// GetBucketLocation (us-east-1 for an empty LocationConstraint).
    pub region: Collected<String>,
    /// GetBucketEncryption; `None` when no default encryption is configured.
    pub encryption: Collected<Option<BucketEncryption>>,
    /// GetPublicAccessBlock; `None` when the bucket has none.
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    /// GetBucketPolicy (the JSON document); `None` when the bucket has no policy.
    pub policy: Collected<Option<String>>,
    /// GetBucketPolicyStatus IsPublic; `None` when the bucket has no policy.
    pub policy_is_public: Collected<Option<bool>>,
    /// GetBucketAcl.
    pub acl_grants: Collected<Vec<Grant>>,
    /// GetBucketVersioning.
    pub versioning: Collected<Versioning>,
    /// GetBucketLogging; `None` when access logging is off.
    pub logging: Collected<Option<LoggingTarget>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub sse_algorithm: String,
    pub kms_master_key_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls && self.ignore_public_acls && self.block_public_policy && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    /// Group grantee URI, e.g. `http://acs.amazonaws.com/groups/global/AllUsers`.
    pub grantee_uri: Option<String>,
    /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`.
    pub permission: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Versioning {
    /// `Enabled`, `Suspended`, or `None` when never enabled.
    pub status: Option<String>,
    /// `Enabled` or `Disabled`.
    pub mfa_delete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggingTarget {
    pub target_bucket: String,
}
