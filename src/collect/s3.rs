//! S3 collector: buckets (each read through a client of its own region) and the account's
//! Block Public Access (S3 Control).

use std::collections::HashMap;

use futures::stream::{self, StreamExt};
use rampart_checks::Collected;
use rampart_checks::inventory::s3::{Bucket, BucketEncryption, Grant, LoggingTarget, PublicAccessBlock, S3Inventory, Versioning};

use rampart_checks::inventory::{Plan, Source};

use super::read;
use crate::aws::Session;
use crate::aws::error::{describe, has_code};


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
    match client.get_public_access_block().account_id(&session.account_id).send().await {
        Ok(out) => Collected::Known(out.public_access_block_configuration().map(|c| PublicAccessBlock {
            block_public_acls: c.block_public_acls().unwrap_or(false),
            ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
            block_public_policy: c.block_public_policy().unwrap_or(false),
            restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
        })),
        Err(e) if has_code(&e, &["NoSuchPublicAccessBlockConfiguration"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("s3:GetAccountPublicAccessBlock", &e)),
    }
}

async fn buckets(session: &Session, home_region: &str, plan: &Plan) -> Collected<Vec<Bucket>> {
    let home = session.s3(home_region);
    let listed = super::collect_items!("s3:ListBuckets", home.list_buckets().into_paginator(), |b: aws_sdk_s3::types::Bucket| (
        b.name().unwrap_or_default().to_string(),
        b.bucket_region().map(str::to_string),
    ));
    let listed = match listed {
        Collected::Known(listed) => listed,
        Collected::Unknown(why) => return Collected::Unknown(why),
    };
    // Where ListBuckets does not say a bucket's region, ask, a few buckets at a time.
    let located = stream::iter(listed)
        .map(|(name, listed_region)| {
            let home = &home;
            async move {
                let region = match listed_region {
                    Some(r) => Collected::Known(r),
                    None => bucket_location(home, &name).await,
                };
                (name, region)
            }
        })
        .buffered(super::PER_RESOURCE_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    // One client per bucket region, shared by the buckets there.
    let mut clients: HashMap<String, aws_sdk_s3::Client> = HashMap::new();
    let mut jobs = Vec::with_capacity(located.len());
    for (name, region) in located {
        let client = match &region {
            Collected::Known(r) => clients.entry(r.clone()).or_insert_with(|| session.s3(r)).clone(),
            Collected::Unknown(_) => home.clone(),
        };
        jobs.push((name, region, client));
    }
    let buckets = stream::iter(jobs)
        .map(|(name, region, client)| async move { bucket(client, name, region, plan).await })
        .buffered(super::PER_RESOURCE_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    Collected::Known(buckets)
}

async fn bucket_location(client: &aws_sdk_s3::Client, name: &str) -> Collected<String> {
    match client.get_bucket_location().bucket(name).send().await {
        Ok(out) => Collected::Known(match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(other) => other.to_string(),
        }),
        Err(e) => Collected::Unknown(describe("s3:GetBucketLocation", &e)),
    }
}

async fn bucket(
    client: aws_sdk_s3::Client,
    name: String,
    region: Collected<String>,
    plan: &Plan,
) -> Bucket {
    let c = &client;
    let n = name.as_str();
    let (encryption, public_access_block, policy, policy_is_public, acl_grants, versioning, logging) = tokio::join!(
        read(plan, Source::BucketEncryption, async {
            match c.get_bucket_encryption().bucket(n).send().await {
                Ok(out) => Collected::Known(
                    out.server_side_encryption_configuration()
                        .and_then(|conf| conf.rules().first())
                        .and_then(|rule| {
                            let default = rule.apply_server_side_encryption_by_default()?;
                            Some(BucketEncryption {
                                sse_algorithm: default.sse_algorithm().as_str().to_string(),
                                kms_master_key_id: default.kms_master_key_id().map(str::to_string),
                            })
                        }),
                ),
                Err(e) if has_code(&e, &["ServerSideEncryptionConfigurationNotFoundError"]) => Collected::Known(None),
                Err(e) => Collected::Unknown(describe("s3:GetEncryptionConfiguration", &e)),
            }
        }),
        read(plan, Source::BucketPublicAccessBlock, async {
            match c.get_public_access_block().bucket(n).send().await {
                Ok(out) => Collected::Known(out.public_access_block_configuration().map(|p| PublicAccessBlock {
                    block_public_acls: p.block_public_acls().unwrap_or(false),
                    ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                    block_public_policy: p.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
                })),
                Err(e) if has_code(&e, &["NoSuchPublicAccessBlockConfiguration"]) => Collected::Known(None),
                Err(e) => Collected::Unknown(describe("s3:GetBucketPublicAccessBlock", &e)),
            }
        }),
        read(plan, Source::BucketPolicy, async {
            match c.get_bucket_policy().bucket(n).send().await {
                Ok(out) => Collected::Known(out.policy().map(str::to_string)),
                Err(e) if has_code(&e, &["NoSuchBucketPolicy"]) => Collected::Known(None),
                Err(e) => Collected::Unknown(describe("s3:GetBucketPolicy", &e)),
            }
        }),
        read(plan, Source::BucketPolicyStatus, async {
            match c.get_bucket_policy_status().bucket(n).send().await {
                Ok(out) => Collected::Known(out.policy_status().and_then(|s| s.is_public())),
                Err(e) if has_code(&e, &["NoSuchBucketPolicy"]) => Collected::Known(None),
                Err(e) => Collected::Unknown(describe("s3:GetBucketPolicyStatus", &e)),
            }
        }),
        read(plan, Source::BucketAcl, async {
            match c.get_bucket_acl().bucket(n).send().await {
                Ok(out) => Collected::Known(
                    out.grants()
                        .iter()
                        .map(|g| Grant {
                            grantee_uri: g.grantee().and_then(|x| x.uri()).map(str::to_string),
                            permission: g.permission().map(|p| p.as_str().to_string()).unwrap_or_default(),
                        })
                        .collect(),
                ),
                Err(e) => Collected::Unknown(describe("s3:GetBucketAcl", &e)),
            }
        }),
        read(plan, Source::BucketVersioning, async {
            match c.get_bucket_versioning().bucket(n).send().await {
                Ok(out) => Collected::Known(Versioning {
                    status: out.status().map(|s| s.as_str().to_string()),
                    mfa_delete: out.mfa_delete().map(|s| s.as_str().to_string()),
                }),
                Err(e) => Collected::Unknown(describe("s3:GetBucketVersioning", &e)),
            }
        }),
        read(plan, Source::BucketLogging, async {
            match c.get_bucket_logging().bucket(n).send().await {
                Ok(out) => Collected::Known(out.logging_enabled().map(|l| LoggingTarget {
                    target_bucket: l.target_bucket().to_string(),
                })),
                Err(e) => Collected::Unknown(describe("s3:GetBucketLogging", &e)),
            }
        }),
    );
    Bucket { name, region, encryption, public_access_block, policy, policy_is_public, acl_grants, versioning, logging }
}

/// The table's entry: the S3 reads the plan holds, listed through the home region.
pub(super) fn global<'a>(session: &'a Session, plan: &'a Plan) -> super::GlobalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(session, &super::home_region(session), plan)).await;
        Box::new(move |account: &mut rampart_checks::inventory::AccountInventory| account.s3 = read) as super::Apply<_>
    })
}
