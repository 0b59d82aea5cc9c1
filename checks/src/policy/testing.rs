//! Builders for the unit tests of the encryption, public-access and IAM-policy checks
//! (S3, KMS, EBS, RDS/EFS and the policy checks of IAM).

use crate::inventory::ec2::{CreateVolumePermission, Snapshot, Volume};
use crate::inventory::iam::{AuthorizationDetails, GroupDetail, InlinePolicy, ManagedPolicyDetail, RoleDetail, UserDetail};
use crate::inventory::kms::{Alias, Key};
use crate::inventory::s3::{Bucket, BucketEncryption, PublicAccessBlock, Versioning};
use crate::inventory::efs::FileSystem;
use crate::inventory::rds::{DbCluster, DbInstance};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::ACCOUNT;

pub const REGION: &str = "eu-west-1";

/// An account with one (empty) region, `eu-west-1`, and nothing else collected.
pub fn account() -> AccountInventory {
    let mut account = AccountInventory::new(ACCOUNT, "aws", vec![REGION.to_string()]);
    account.regional.insert(REGION.to_string(), RegionInventory::default());
    account
}

/// The inventory of `eu-west-1`.
pub fn region(account: &mut AccountInventory) -> &mut RegionInventory {
    account.regional.entry(REGION.to_string()).or_default()
}

pub fn denied<T>() -> Collected<T> {
    Collected::unknown(crate::inventory::Cause::Denied, "AccessDenied: not authorized")
}

// ---- EBS

pub fn volume(id: &str, encrypted: bool) -> Volume {
    Volume {
        volume_id: id.to_string(),
        encrypted,
        kms_key_id: encrypted.then(|| "alias/aws/ebs".to_string()),
        attached_instance_ids: vec!["i-0123".to_string()],
    }
}

pub fn snapshot(id: &str, encrypted: bool) -> Snapshot {
    Snapshot {
        snapshot_id: id.to_string(),
        volume_id: Some("vol-1".to_string()),
        encrypted,
        kms_key_id: None,
        create_volume_permissions: Collected::Known(Vec::new()),
    }
}

pub fn permission(group: Option<&str>, user_id: Option<&str>) -> CreateVolumePermission {
    CreateVolumePermission { group: group.map(str::to_string), user_id: user_id.map(str::to_string) }
}

// ---- S3

pub const ALL_ON: PublicAccessBlock =
    PublicAccessBlock { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true };
pub const ALL_OFF: PublicAccessBlock =
    PublicAccessBlock { block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false };

/// A well-configured bucket in `eu-west-1`: SSE-S3, Block Public Access all on, no policy,
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

// ---- KMS

/// An enabled customer-managed symmetric key with rotation on and a private key policy.
pub fn key(id: &str) -> Key {
    Key {
        key_id: id.to_string(),
        arn: format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
        key_manager: Some("CUSTOMER".to_string()),
        key_spec: Some("SYMMETRIC_DEFAULT".to_string()),
        key_state: Some("Enabled".to_string()),
        origin: Some("AWS_KMS".to_string()),
        deletion_date: None,
        rotation_enabled: Collected::Known(Some(true)),
        policy: Collected::Known(Some(format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                "Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:root"}}, "Action": "kms:*", "Resource": "*"}}]}}"#
        ))),
    }
}

pub fn alias(name: &str, target: &str) -> Alias {
    Alias { alias_name: name.to_string(), target_key_id: Some(target.to_string()) }
}

/// An account whose `eu-west-1` holds these keys and aliases.
pub fn account_with_keys(keys: Vec<Key>, aliases: Vec<Alias>) -> AccountInventory {
    let mut account = account();
    region(&mut account).kms.keys = Collected::Known(keys);
    region(&mut account).kms.aliases = Collected::Known(aliases);
    account
}

// ---- RDS / EFS

pub fn db_instance(id: &str) -> DbInstance {
    DbInstance {
        db_instance_identifier: id.to_string(),
        arn: Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:{id}")),
        storage_encrypted: true,
        publicly_accessible: false,
        auto_minor_version_upgrade: true,
        multi_az: false,
        db_cluster_identifier: None,
    }
}

pub fn db_cluster(id: &str, storage_encrypted: bool) -> DbCluster {
    DbCluster {
        db_cluster_identifier: id.to_string(),
        arn: Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{id}")),
        storage_encrypted,
        multi_az: true,
    }
}

pub fn file_system(id: &str, encrypted: bool) -> FileSystem {
    FileSystem {
        file_system_id: id.to_string(),
        arn: Some(format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{id}")),
        encrypted,
    }
}

/// An account whose `eu-west-1` holds these instances (clusters and file systems empty).
pub fn account_with_instances(instances: Vec<DbInstance>) -> AccountInventory {
    let mut account = account();
    let r = region(&mut account);
    r.rds.db_instances = Collected::Known(instances);
    r.rds.db_clusters = Collected::Known(Vec::new());
    r.efs.file_systems = Collected::Known(Vec::new());
    account
}

// ---- IAM authorization details

pub const ADMIN_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
pub const READ_POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}}"#;
pub const BROKEN_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": 42}]}"#;

pub fn inline(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy { policy_name: name.to_string(), policy_document: document.to_string() }
}

pub fn iam_user(name: &str) -> UserDetail {
    UserDetail {
        user_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        attached_managed_policies: Vec::new(),
        user_policies: Vec::new(),
    }
}

pub fn iam_group(name: &str) -> GroupDetail {
    GroupDetail {
        group_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
        attached_managed_policies: Vec::new(),
        group_policies: Vec::new(),
    }
}

pub fn iam_role(name: &str) -> RoleDetail {
    RoleDetail {
        role_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        attached_managed_policies: Vec::new(),
        role_policies: Vec::new(),
    }
}

/// A customer managed policy (`arn:aws:iam::<account>:policy/<name>`).
pub fn customer_policy(name: &str, attachments: i32, document: Option<&str>) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}"),
        attachment_count: attachments,
        default_version_document: document.map(str::to_string),
    }
}

/// An AWS managed policy (`arn:aws:iam::aws:policy/<name>`).
pub fn aws_policy(name: &str, attachments: i32, document: Option<&str>) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: name.to_string(),
        arn: format!("arn:aws:iam::aws:policy/{name}"),
        attachment_count: attachments,
        default_version_document: document.map(str::to_string),
    }
}

/// An account whose IAM authorization details are `details` (the rest of IAM unknown).
pub fn account_with_details(details: AuthorizationDetails) -> AccountInventory {
    let mut account = account();
    account.iam.authorization_details = Collected::Known(details);
    account
}
