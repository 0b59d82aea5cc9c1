//! S3 collector: buckets (each read through a client of its own region) and the account's
//! Block Public Access (S3 Control).

use std::collections::HashMap;

use futures::stream::{self, StreamExt};
use rampart_checks::Collected;
use rampart_checks::inventory::s3::{Bucket, BucketEncryption, Grant, LoggingTarget, PublicAccessBlock, S3Inventory, Versioning};

use rampart_checks::inventory::{Plan, Source};

use super::read;
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

/// Buckets per ListBuckets page.
const LIST_BUCKETS_PAGE: i32 = 1000;

async fn buckets(session: &Session, home_region: &str, plan: &Plan) -> Collected<Vec<Bucket>> {
    let home = session.s3(home_region);
    // Paginated, as AWS asks of every caller (an account allowed more than 10,000 buckets has
    // its unpaginated ListBuckets refused), which is also when it names each bucket's region.
    let pages = home.list_buckets().max_buckets(LIST_BUCKETS_PAGE).into_paginator().items().send();
    let listed = read::all("s3:ListBuckets", pages, |b| {
        (b.name().unwrap_or_default().to_string(), b.bucket_region().map(str::to_string))
    });
    let listed = match listed.await {
        Ok(listed) => listed,
        Err(why) => return Collected::Unknown(why),
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
    read::value("s3:GetBucketLocation", client.get_bucket_location().bucket(name).send(), |out| {
        match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(other) => other.to_string(),
        }
    })
    .await
}

/// The bucket policy, and whether AWS finds it public. The status is asked only of a bucket
/// that has a policy (or whose policy could not be read): without one, AWS answers
/// NoSuchBucketPolicy to both, and a bucket without a policy is not public by policy.
async fn policy_and_status(c: &aws_sdk_s3::Client, n: &str, plan: &Plan) -> (Collected<Option<String>>, Collected<Option<bool>>) {
    let policy = read(
        plan,
        Source::BucketPolicy,
        read::optional("s3:GetBucketPolicy", c.get_bucket_policy().bucket(n).send(), |out| out.policy().map(str::to_string)),
    )
    .await;
    let status = match &policy {
        Collected::Known(None) => read(plan, Source::BucketPolicyStatus, std::future::ready(Collected::Known(None))).await,
        _ => {
            read(
                plan,
                Source::BucketPolicyStatus,
                read::optional("s3:GetBucketPolicyStatus", c.get_bucket_policy_status().bucket(n).send(), |out| {
                    out.policy_status().and_then(|s| s.is_public())
                }),
            )
            .await
        }
    };
    (policy, status)
}

async fn bucket(
    client: aws_sdk_s3::Client,
    name: String,
    region: Collected<String>,
    plan: &Plan,
) -> Bucket {
    let c = &client;
    let n = name.as_str();
    let (encryption, public_access_block, (policy, policy_is_public), acl_grants, versioning, logging) = tokio::join!(
        read(
            plan,
            Source::BucketEncryption,
            read::optional("s3:GetEncryptionConfiguration", c.get_bucket_encryption().bucket(n).send(), |out| {
                let rule = out.server_side_encryption_configuration()?.rules().first()?;
                let default = rule.apply_server_side_encryption_by_default()?;
                Some(BucketEncryption {
                    sse_algorithm: default.sse_algorithm().as_str().to_string(),
                    kms_master_key_id: default.kms_master_key_id().map(str::to_string),
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
        policy_and_status(c, n, plan),
        read(
            plan,
            Source::BucketAcl,
            read::value("s3:GetBucketAcl", c.get_bucket_acl().bucket(n).send(), |out| {
                out.grants()
                    .iter()
                    .map(|g| Grant {
                        grantee_uri: g.grantee().and_then(|x| x.uri()).map(str::to_string),
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
                })
            })
        ),
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

#[cfg(test)]
mod tests {
    use rampart_checks::Collected;
    use rampart_checks::inventory::s3::{BucketEncryption, Grant, LoggingTarget, PublicAccessBlock, Versioning};
    use rampart_checks::inventory::{Cause, Plan, Source};

    use super::global;
    use crate::collect::testing::{Answer, Protocol, Request, Stub, known, plan, unknown, xml};

    const BLOCK: &str = "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>\
        <BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>";
    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[]}"#;

    /// The bucket a request is about, and its subresource (`policy`, `acl`, …).
    fn target(r: &Request) -> (&str, &str) {
        let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
        (path.trim_matches('/'), query.split(['&', '=']).next().unwrap_or(""))
    }

    /// `logs` (its region listed) and `eu-data` (its region asked), every setting answered,
    /// and the account's Block Public Access.
    fn answer(r: &Request) -> Answer {
        if r.action == "REST GET /v20180820/configuration/publicAccessBlock" {
            return xml(BLOCK);
        }
        match target(r) {
            ("", "x-id") => xml(
                "<ListAllMyBucketsResult><Owner><ID>owner</ID></Owner><Buckets>\
                 <Bucket><Name>logs</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>\
                 <Bucket><Name>eu-data</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>",
            ),
            (_, "location") => xml("<LocationConstraint>eu-west-1</LocationConstraint>"),
            (_, "encryption") => xml(
                "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>\
                 <KMSMasterKeyID>arn:aws:kms:eu-west-1:123456789012:key/k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>\
                 <BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>",
            ),
            (_, "publicAccessBlock") => xml(BLOCK),
            (_, "policy") => ("200 OK", "application/json", POLICY.as_bytes().to_vec()),
            (_, "policyStatus") => xml("<PolicyStatus><IsPublic>false</IsPublic></PolicyStatus>"),
            (_, "acl") => xml(
                "<AccessControlPolicy><Owner><ID>owner</ID></Owner><AccessControlList><Grant>\
                 <Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">\
                 <URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>\
                 </AccessControlList></AccessControlPolicy>",
            ),
            (_, "versioning") => {
                xml("<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>")
            }
            (_, "logging") => xml(
                "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>eu-data/</TargetPrefix>\
                 </LoggingEnabled></BucketLoggingStatus>",
            ),
            other => panic!("unexpected {other:?}: {} {}", r.action, r.path),
        }
    }

    #[tokio::test]
    async fn buckets_are_read_with_every_setting_through_their_region() {
        let stub = Stub::start(answer).await;
        let s3 = stub.global(global, &Plan::everything()).await.s3;
        let buckets = known(&s3.buckets);
        assert_eq!(buckets.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["logs", "eu-data"]);
        assert_eq!(buckets[0].region, Collected::Known("us-east-1".to_string()));
        assert_eq!(buckets[1].region, Collected::Known("eu-west-1".to_string()));
        let eu = &buckets[1];
        assert_eq!(known(&eu.encryption), &Some(BucketEncryption {
            sse_algorithm: "aws:kms".into(),
            kms_master_key_id: Some("arn:aws:kms:eu-west-1:123456789012:key/k".into()),
        }));
        let block =
            PublicAccessBlock { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: false };
        assert_eq!(known(&eu.public_access_block), &Some(block));
        assert_eq!(known(&eu.policy).as_deref(), Some(POLICY));
        assert_eq!(known(&eu.policy_is_public), &Some(false));
        assert_eq!(known(&eu.acl_grants), &[Grant {
            grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
            permission: "READ".into(),
        }]);
        assert_eq!(known(&eu.versioning), &Versioning { status: Some("Enabled".into()), mfa_delete: Some("Disabled".into()) });
        assert_eq!(known(&eu.logging), &Some(LoggingTarget { target_bucket: "logs".into() }));
        assert_eq!(known(&s3.account_public_access_block), &Some(block));

        // Only the bucket whose region was not listed is located; each bucket's settings go
        // to its own region. ListBuckets is paginated (AWS names regions in paginated answers).
        let requests = stub.requests();
        let listings: Vec<&str> = requests.iter().filter(|r| target(r).1 == "x-id").map(|r| r.path.as_str()).collect();
        assert!(listings.len() == 1 && listings[0].contains("max-buckets=1000"), "{listings:?}");
        assert_eq!(requests.iter().filter(|r| target(r).1 == "location").map(|r| target(r).0).collect::<Vec<_>>(), ["eu-data"]);
        let settings = requests.iter().filter(|r| !matches!(target(r).1, "x-id" | "location") && !r.path.starts_with("/v20180820/"));
        assert_eq!(settings.clone().count(), 14);
        for r in settings {
            let expected = if target(r).0 == "eu-data" { "eu-west-1" } else { "us-east-1" };
            assert_eq!(r.region, expected, "{}", r.path);
        }
    }

    #[tokio::test]
    async fn settings_never_made_are_none() {
        let stub = Stub::start(|r| {
            let missing = |code| Protocol::RestXml.error("404 Not Found", code, "The configuration does not exist");
            match target(r) {
                _ if r.path.starts_with("/v20180820/") => {
                    Protocol::Query.error("404 Not Found", "NoSuchPublicAccessBlockConfiguration", "The configuration was not found")
                }
                (_, "encryption") => missing("ServerSideEncryptionConfigurationNotFoundError"),
                (_, "publicAccessBlock") => missing("NoSuchPublicAccessBlockConfiguration"),
                (_, "policy" | "policyStatus") => missing("NoSuchBucketPolicy"),
                (_, "logging") => xml("<BucketLoggingStatus/>"),
                _ => answer(r),
            }
        })
        .await;
        let s3 = stub.global(global, &Plan::everything()).await.s3;
        for bucket in known(&s3.buckets) {
            assert_eq!(known(&bucket.encryption), &None, "{}", bucket.name);
            assert_eq!(known(&bucket.public_access_block), &None);
            assert_eq!(known(&bucket.policy), &None);
            assert_eq!(known(&bucket.policy_is_public), &None);
            assert_eq!(known(&bucket.logging), &None);
        }
        assert_eq!(known(&s3.account_public_access_block), &None);
        // Without a policy, its status is not asked: AWS would answer NoSuchBucketPolicy.
        assert!(!stub.requests().iter().any(|r| target(r).1 == "policyStatus"));
    }

    #[tokio::test]
    async fn denied_reads_are_unknown_with_the_reason() {
        let stub = Stub::start(|r| {
            let denied = || Protocol::RestXml.error("403 Forbidden", "AccessDenied", "Access Denied");
            match target(r) {
                _ if r.path.starts_with("/v20180820/") => Protocol::Query.error("403 Forbidden", "AccessDenied", "Access Denied"),
                (_, "x-id" | "location") => answer(r),
                _ => denied(),
            }
        })
        .await;
        let s3 = stub.global(global, &Plan::everything()).await.s3;
        let bucket = &known(&s3.buckets)[0];
        let reason = |action: &str| format!("s3:{action} access denied: AccessDenied: Access Denied");
        assert_eq!(unknown(&bucket.encryption), (Cause::Denied, reason("GetEncryptionConfiguration").as_str()));
        assert_eq!(unknown(&bucket.public_access_block), (Cause::Denied, reason("GetBucketPublicAccessBlock").as_str()));
        assert_eq!(unknown(&bucket.policy), (Cause::Denied, reason("GetBucketPolicy").as_str()));
        assert_eq!(unknown(&bucket.policy_is_public), (Cause::Denied, reason("GetBucketPolicyStatus").as_str()));
        assert_eq!(unknown(&bucket.acl_grants), (Cause::Denied, reason("GetBucketAcl").as_str()));
        assert_eq!(unknown(&bucket.versioning), (Cause::Denied, reason("GetBucketVersioning").as_str()));
        assert_eq!(unknown(&bucket.logging), (Cause::Denied, reason("GetBucketLogging").as_str()));
        assert_eq!(unknown(&s3.account_public_access_block), (Cause::Denied, reason("GetAccountPublicAccessBlock").as_str()));

        let listing = Stub::start(|_| Protocol::RestXml.error("403 Forbidden", "AccessDenied", "Access Denied")).await;
        let s3 = listing.global(global, &plan(&[Source::Buckets])).await.s3;
        assert_eq!(unknown(&s3.buckets), (Cause::Denied, reason("ListBuckets").as_str()));
    }

    #[tokio::test]
    async fn a_bucket_that_cannot_be_located_is_read_through_the_home_region() {
        let stub = Stub::start(|r| match target(r) {
            (_, "location") => Protocol::RestXml.error("403 Forbidden", "AccessDenied", "Access Denied"),
            _ => answer(r),
        })
        .await;
        let s3 = stub.global(global, &plan(&[Source::BucketVersioning])).await.s3;
        let eu = &known(&s3.buckets)[1];
        assert_eq!(unknown(&eu.region), (Cause::Denied, "s3:GetBucketLocation access denied: AccessDenied: Access Denied"));
        assert_eq!(known(&eu.versioning).status.as_deref(), Some("Enabled"));
        let versioning = stub.requests().into_iter().find(|r| target(r) == ("eu-data", "versioning")).unwrap();
        assert_eq!(versioning.region, "us-east-1");
    }

    #[tokio::test]
    async fn bucket_settings_outside_the_plan_are_not_sent() {
        let stub = Stub::start(answer).await;
        let s3 = stub.global(global, &plan(&[Source::Buckets])).await.s3;
        assert_eq!(unknown(&known(&s3.buckets)[0].policy).0, Cause::NotCollected);
        assert_eq!(unknown(&s3.account_public_access_block).0, Cause::NotCollected);
        let sent: Vec<_> = stub.requests().iter().map(|r| target(r).1.to_string()).collect();
        assert_eq!(sent, ["x-id", "location"]);
    }
}
