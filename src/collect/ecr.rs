//! ECR collector, one region: the registry's scanning configuration, and each repository with
//! its policy, lifecycle policy and images.

use aws_sdk_ecr::Client;
use futures::StreamExt;
use rampart_checks::Collected;
use rampart_checks::inventory::ecr::{EcrInventory, Image, Repository, ScanningConfiguration, ScanningRule};
use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, PER_RESOURCE_CONCURRENCY, RegionalRead, read, to_chrono};
use crate::aws::{Session, client, read};

/// The reads of `plan`'s ECR sources, one region.
pub async fn collect(client: &Client, plan: &Plan) -> EcrInventory {
    let (repositories, scanning) = tokio::join!(
        read(plan, Source::EcrRepositories, repositories(client, plan)),
        read(plan, Source::EcrRegistryScanning, scanning(client))
    );
    EcrInventory { repositories, scanning }
}

async fn scanning(client: &Client) -> Collected<ScanningConfiguration> {
    read::value("ecr:GetRegistryScanningConfiguration", client.get_registry_scanning_configuration().send(), |out| {
        let config = out.scanning_configuration();
        ScanningConfiguration {
            // No configuration at all is basic scanning with no rule.
            scan_type: config.and_then(|c| c.scan_type()).map_or("BASIC", |t| t.as_str()).to_string(),
            rules: config
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| ScanningRule {
                    scan_frequency: r.scan_frequency().as_str().to_string(),
                    filters: r.repository_filters().iter().map(|f| f.filter().to_string()).collect(),
                })
                .collect(),
        }
    })
    .await
}

async fn repositories(client: &Client, plan: &Plan) -> Collected<Vec<Repository>> {
    let listed = read::all("ecr:DescribeRepositories", client.describe_repositories().into_paginator().items().send(), |r| {
        let encryption = r.encryption_configuration();
        Repository {
            name: r.repository_name().unwrap_or_default().to_string(),
            arn: r.repository_arn().unwrap_or_default().to_string(),
            uri: r.repository_uri().unwrap_or_default().to_string(),
            tag_mutability: r.image_tag_mutability().map_or("MUTABLE", |m| m.as_str()).to_string(),
            tag_mutability_exclusions: r.image_tag_mutability_exclusion_filters().iter().map(|f| f.filter().to_string()).collect(),
            scan_on_push: r.image_scanning_configuration().is_some_and(|c| c.scan_on_push()),
            encryption_type: encryption.map_or("AES256", |e| e.encryption_type().as_str()).to_string(),
            kms_key: encryption.and_then(|e| e.kms_key()).map(str::to_string),
            policy: Collected::default(),
            lifecycle_policy: Collected::default(),
            images: Collected::default(),
        }
    });
    let listed = match listed.await {
        Ok(r) => r,
        Err(why) => return Collected::Unknown(why),
    };
    let repositories = futures::stream::iter(listed).map(|repo| details(client, plan, repo)).buffered(PER_RESOURCE_CONCURRENCY).collect().await;
    Collected::Known(repositories)
}

/// One repository's policy, lifecycle policy and images, as the plan holds them.
async fn details(client: &Client, plan: &Plan, mut repo: Repository) -> Repository {
    let name = repo.name.clone();
    let (policy, lifecycle_policy, images) = tokio::join!(
        read(plan, Source::EcrRepositoryPolicies, async {
            read::optional("ecr:GetRepositoryPolicy", client.get_repository_policy().repository_name(&name).send(), |out| {
                out.policy_text().map(str::to_string)
            })
            .await
        }),
        read(plan, Source::EcrLifecyclePolicies, async {
            read::optional("ecr:GetLifecyclePolicy", client.get_lifecycle_policy().repository_name(&name).send(), |out| {
                out.lifecycle_policy_text().map(str::to_string)
            })
            .await
        }),
        read(plan, Source::EcrImages, async {
            read::items("ecr:DescribeImages", client.describe_images().repository_name(&name).into_paginator().items().send(), |i| {
                let summary = i.image_scan_findings_summary();
                let mut finding_counts: Vec<(String, u32)> = summary
                    .and_then(|s| s.finding_severity_counts())
                    .into_iter()
                    .flatten()
                    .map(|(severity, n)| (severity.as_str().to_string(), u32::try_from(*n).unwrap_or(0)))
                    .collect();
                finding_counts.sort();
                Image {
                    digest: i.image_digest().unwrap_or_default().to_string(),
                    tags: i.image_tags().to_vec(),
                    pushed_at: i.image_pushed_at().and_then(to_chrono),
                    scan_status: i.image_scan_status().and_then(|s| s.status()).map(|s| s.as_str().to_string()),
                    finding_counts,
                }
            })
            .await
        })
    );
    repo.policy = policy;
    repo.lifecycle_policy = lifecycle_policy;
    repo.images = images;
    repo
}

/// The table's entry: the ECR reads the plan holds, in one region (one unit of progress).
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&client!(session, aws_sdk_ecr, "ecr", region), plan)).await;
        Box::new(move |inv: &mut RegionInventory| inv.ecr = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::Collected;
    use rampart_checks::inventory::{Cause, Source};

    use super::collect;
    use crate::collect::testing::{Protocol, Request, Stub, json, known, plan, unknown};

    const EVERY: &[Source] =
        &[Source::EcrRepositories, Source::EcrRepositoryPolicies, Source::EcrLifecyclePolicies, Source::EcrImages, Source::EcrRegistryScanning];

    fn answer(r: &Request) -> crate::collect::testing::Answer {
        let about = |name: &str| r.body.contains(&format!(r#""repositoryName":"{name}""#));
        match r.action.as_str() {
            "DescribeRepositories" => json(
                r#"{"repositories":[
                {"repositoryName":"app","repositoryArn":"arn:aws:ecr:us-east-1:123456789012:repository/app",
                 "repositoryUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/app","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION",
                 "imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"latest"}],
                 "imageScanningConfiguration":{"scanOnPush":true},"encryptionConfiguration":{"encryptionType":"KMS","kmsKey":"arn:aws:kms:us-east-1:123456789012:key/k"}},
                {"repositoryName":"bare","repositoryArn":"arn:aws:ecr:us-east-1:123456789012:repository/bare",
                 "repositoryUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/bare"}]}"#,
            ),
            "GetRepositoryPolicy" if about("app") => json(r#"{"repositoryName":"app","policyText":"{\"Statement\":[]}"}"#),
            "GetRepositoryPolicy" => Protocol::Json.error("400 Bad Request", "RepositoryPolicyNotFoundException", "no policy"),
            "GetLifecyclePolicy" if about("app") => Protocol::Json.error("400 Bad Request", "LifecyclePolicyNotFoundException", "none"),
            "GetLifecyclePolicy" => Protocol::Json.denied("ecr:GetLifecyclePolicy"),
            "DescribeImages" if about("app") => json(
                r#"{"imageDetails":[{"imageDigest":"sha256:abc","imageTags":["v1"],"imagePushedAt":1767225600,
                "imageScanStatus":{"status":"COMPLETE"},"imageScanFindingsSummary":{"findingSeverityCounts":{"HIGH":2,"CRITICAL":1}}},
                {"imageDigest":"sha256:def"}]}"#,
            ),
            "DescribeImages" => json(r#"{"imageDetails":[]}"#),
            "GetRegistryScanningConfiguration" => json(
                r#"{"registryId":"123456789012","scanningConfiguration":{"scanType":"ENHANCED","rules":[
                {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]}]}}"#,
            ),
            other => panic!("unexpected {other}"),
        }
    }

    #[tokio::test]
    async fn repositories_with_their_policies_images_and_the_registry_scanning() {
        let stub = Stub::start(answer).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_ecr, "ecr", "us-east-1");
        let inv = collect(&client, &plan(EVERY)).await;
        let repos = known(&inv.repositories);
        let (app, bare) = (&repos[0], &repos[1]);
        assert_eq!((app.tag_mutability.as_str(), app.tag_mutability_exclusions.as_slice()), ("IMMUTABLE_WITH_EXCLUSION", &["latest".to_string()][..]));
        assert!(app.scan_on_push);
        assert_eq!((app.encryption_type.as_str(), app.kms_key.as_deref()), ("KMS", Some("arn:aws:kms:us-east-1:123456789012:key/k")));
        assert_eq!((bare.tag_mutability.as_str(), bare.encryption_type.as_str(), bare.scan_on_push), ("MUTABLE", "AES256", false));
        assert_eq!(app.policy, Collected::Known(Some(r#"{"Statement":[]}"#.to_string())));
        assert_eq!(bare.policy, Collected::Known(None), "no policy is an answer");
        assert_eq!(app.lifecycle_policy, Collected::Known(None));
        assert_eq!(unknown(&bare.lifecycle_policy).0, Cause::Denied);
        let images = known(&app.images);
        assert_eq!(images[0].finding_counts, [("CRITICAL".to_string(), 1), ("HIGH".to_string(), 2)]);
        assert!(images[0].scanned() && !images[1].scanned());
        let scanning = known(&inv.scanning);
        assert_eq!((scanning.scan_type.as_str(), scanning.rules[0].filters.as_slice()), ("ENHANCED", &["prod-*".to_string()][..]));
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_and_nothing_per_repository_is_sent() {
        let stub = Stub::start(|r| Protocol::Json.denied(&format!("ecr:{}", r.action))).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_ecr, "ecr", "us-east-1");
        let inv = collect(&client, &plan(EVERY)).await;
        assert_eq!(unknown(&inv.repositories).0, Cause::Denied);
        assert_eq!(unknown(&inv.scanning).0, Cause::Denied);
        let mut actions = stub.actions();
        actions.sort();
        assert_eq!(actions, ["DescribeRepositories", "GetRegistryScanningConfiguration"]);
    }
}
