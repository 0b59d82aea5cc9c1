//! S3 collector: buckets (each read through a client of its own region) and the account's
//! Block Public Access (S3 Control).

use std::collections::HashMap;

use futures::stream::{self, StreamExt};
use rampart_checks::Collected;
use rampart_checks::inventory::s3::{Bucket, BucketEncryption, Grant, LoggingTarget, PublicAccessBlock, S3Inventory, Versioning};

use rampart_checks::inventory::{Plan, Source};

use super::{read, to_chrono};
use crate::aws::{Session, read};

/// The reads of `plan`'s S3 sources.
pub async fn collect(session: &Session, home_region: &str, plan: &Plan) -> S3Inventory {
    let (buckets, account_public_access_block) = tokio::join!(
        read(plan, Source::Buckets, buckets(session, home_region, plan)),
        read(plan, Source::AccountPublicAccessBlock, account_public_access_block(session, home_region))
    );
    S3Inventory { buckets, account_public_access_block }
}

async fn account_public_access_block(session: &Session, region: &str) -> Collected<Option<PublicAccessBlock>> {
    let client = session.s3control(region);
    read::optional("s3:GetAccountPublicAccessBlock", client.get_public_access_block().account_id(&session.account_id).send(), |out| {
        out.public_access_block_configuration().map(|c| PublicAccessBlock {
            block_public_acls: c.block_public_acls().unwrap_or(false),
            ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
            block_public_policy: c.block_public_policy().unwrap_or(false),
            restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
        })
    })
    .await
}

async fn buckets(session: &Session, home_region: &str, plan: &Plan) -> Collected<Vec<Bucket>> {
    let home = session.s3(home_region);
    let listed = read::all("s3:ListBuckets", home.list_buckets().into_paginator().items().send(), |b| {
        (b.name().unwrap_or_default().to_string(), b.creation_date().and_then(to_chrono), b.bucket_region().map(str::to_string))
    });
    let listed = match listed.await {
        Ok(listed) => listed,
        Err(why) => return Collected::Unknown(why),
    };
    // Where ListBuckets does not say a bucket's region, ask, a few buckets at a time.
    let located = stream::iter(listed)
        .map(|(name, creation_date, listed_region)| {
            let home = &home;
            async move {
                let region = match listed_region {
                    Some(r) => Collected::Known(r),
                    None => bucket_location(home, &name).await,
                };
                (name, creation_date, region)
            }
        })
        .buffered(super::PER_RESOURCE_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    // One client per bucket region, shared by the buckets there.
    let mut clients: HashMap<String, aws_sdk_s3::Client> = HashMap::new();
    let mut jobs = Vec::with_capacity(located.len());
    for (name, creation_date, region) in located {
        let client = match &region {
            Collected::Known(r) => clients.entry(r.clone()).or_insert_with(|| session.s3(r)).clone(),
            Collected::Unknown(_) => home.clone(),
        };
        jobs.push((name, creation_date, region, client));
    }
    let buckets = stream::iter(jobs)
        .map(|(name, creation_date, region, client)| async move { bucket(client, name, creation_date, region, plan).await })
        .buffered(super::PER_RESOURCE_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    Collected::Known(buckets)
}

async fn bucket_location(client: &aws_sdk_s3::Client, name: &str) -> Collected<String> {
    read::value("s3:GetBucketLocation", client.get_bucket_location().bucket(name).send(), |out| {
        match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(other) => other.to_string(),
        }
    })
    .await
}

async fn bucket(
    client: aws_sdk_s3::Client,
    name: String,
    creation_date: Option<chrono::DateTime<chrono::Utc>>,
    region: Collected<String>,
    plan: &Plan,
) -> Bucket {
    let c = &client;
    let n = name.as_str();
    let (encryption, public_access_block, policy, policy_is_public, acl_grants, versioning, logging) = tokio::join!(
        read(
            plan,
            Source::BucketEncryption,
            read::optional("s3:GetEncryptionConfiguration", c.get_bucket_encryption().bucket(n).send(), |out| {
                let rule = out.server_side_encryption_configuration()?.rules().first()?;
                let default = rule.apply_server_side_encryption_by_default()?;
                Some(BucketEncryption {
                    sse_algorithm: default.sse_algorithm().as_str().to_string(),
                    kms_master_key_id: default.kms_master_key_id().map(str::to_string),
                    bucket_key_enabled: rule.bucket_key_enabled(),
                })
            })
        ),
        read(
            plan,
            Source::BucketPublicAccessBlock,
            read::optional("s3:GetBucketPublicAccessBlock", c.get_public_access_block().bucket(n).send(), |out| {
                out.public_access_block_configuration().map(|p| PublicAccessBlock {
                    block_public_acls: p.block_public_acls().unwrap_or(false),
                    ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                    block_public_policy: p.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
                })
            })
        ),
        read(
            plan,
            Source::BucketPolicy,
            read::optional("s3:GetBucketPolicy", c.get_bucket_policy().bucket(n).send(), |out| out.policy().map(str::to_string))
        ),
        read(
            plan,
            Source::BucketPolicyStatus,
            read::optional("s3:GetBucketPolicyStatus", c.get_bucket_policy_status().bucket(n).send(), |out| {
                out.policy_status().and_then(|s| s.is_public())
            })
        ),
        read(
            plan,
            Source::BucketAcl,
            read::value("s3:GetBucketAcl", c.get_bucket_acl().bucket(n).send(), |out| {
                out.grants()
                    .iter()
                    .map(|g| Grant {
                        grantee_uri: g.grantee().and_then(|x| x.uri()).map(str::to_string),
                        grantee_id: g.grantee().and_then(|x| x.id()).map(str::to_string),
                        permission: g.permission().map(|p| p.as_str().to_string()).unwrap_or_default(),
                    })
                    .collect()
            })
        ),
        read(
            plan,
            Source::BucketVersioning,
            read::value("s3:GetBucketVersioning", c.get_bucket_versioning().bucket(n).send(), |out| Versioning {
                status: out.status().map(|s| s.as_str().to_string()),
                mfa_delete: out.mfa_delete().map(|s| s.as_str().to_string()),
            })
        ),
        read(
            plan,
            Source::BucketLogging,
            read::value("s3:GetBucketLogging", c.get_bucket_logging().bucket(n).send(), |out| {
                out.logging_enabled().map(|l| LoggingTarget {
                    target_bucket: l.target_bucket().to_string(),
                    target_prefix: Some(l.target_prefix().to_string()).filter(|p| !p.is_empty()),
                })
            })
        ),
    );
    Bucket { name, region, creation_date, encryption, public_access_block, policy, policy_is_public, acl_grants, versioning, logging }
}

/// The table's entry: the S3 reads the plan holds, listed through the home region.
pub(super) fn global<'a>(session: &'a Session, plan: &'a Plan) -> super::GlobalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(session, &super::home_region(session), plan)).await;
        Box::new(move |account: &mut rampart_checks::inventory::AccountInventory| account.s3 = read) as super::Apply<_>
    })
}
