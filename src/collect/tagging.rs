//! Resource tags: one paginated tag:GetResources per region, for every finding's tags.

use rampart_checks::Collected;
use rampart_checks::inventory::tagging::TaggedResource;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn resources(client: &aws_sdk_resourcegroupstagging::Client) -> Collected<Vec<TaggedResource>> {
    read::items(
        "tag:GetResources",
        // 100 a page, the most the API gives.
        client.get_resources().resources_per_page(100).into_paginator().items().send(),
        |r| TaggedResource {
            arn: r.resource_arn().unwrap_or_default().to_string(),
            tags: r.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect(),
        },
    )
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = client!(session, aws_sdk_resourcegroupstagging, "tagging", region);
        let read = tracked(plan, Source::ResourceTags, resources(&client)).await;
        Box::new(move |inv: &mut RegionInventory| inv.tagging.resources = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::tagging::TaggedResource;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn every_page_of_tagged_resources_is_read() {
        let stub = Stub::start(|r| match (r.action.as_str(), r.body.contains("\"PaginationToken\":\"p2\"")) {
            ("GetResources", false) => json(
                r#"{"PaginationToken":"p2","ResourceTagMappingList":[
                {"ResourceARN":"arn:aws:ec2:eu-west-1:123456789012:volume/vol-1","Tags":[{"Key":"team","Value":"data"},{"Key":"Name","Value":"<img src=x>"}]}]}"#,
            ),
            ("GetResources", true) => json(
                r#"{"PaginationToken":"","ResourceTagMappingList":[
                {"ResourceARN":"arn:aws:s3:::logs","Tags":[{"Key":"env","Value":""}]}]}"#,
            ),
            (other, _) => panic!("unexpected {other}"),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::ResourceTags])).await;
        assert_eq!(known(&inv.tagging.resources), &[
            TaggedResource {
                arn: "arn:aws:ec2:eu-west-1:123456789012:volume/vol-1".into(),
                tags: vec![("team".into(), "data".into()), ("Name".into(), "<img src=x>".into())],
            },
            TaggedResource { arn: "arn:aws:s3:::logs".into(), tags: vec![("env".into(), "".into())] },
        ]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("tag:GetResources")).await;
        let inv = stub.regional(regional, &plan(&[Source::ResourceTags])).await;
        let (cause, reason) = unknown(&inv.tagging.resources);
        assert_eq!(cause, Cause::Denied);
        assert!(reason.starts_with("tag:GetResources access denied"), "{reason}");
    }

    #[tokio::test]
    async fn throttling_past_the_attempts_is_unknown_throttled() {
        let stub = Stub::start(|_| Protocol::Json.throttled()).await;
        let inv = stub.regional(regional, &plan(&[Source::ResourceTags])).await;
        assert_eq!(unknown(&inv.tagging.resources).0, Cause::Throttled);
    }

    #[tokio::test]
    async fn nothing_is_sent_when_the_plan_holds_no_tags() {
        let stub = Stub::start(|r| panic!("sent {}", r.action)).await;
        let inv = stub.regional(regional, &plan(&[Source::Vpcs])).await;
        assert_eq!(unknown(&inv.tagging.resources).0, Cause::NotCollected);
        assert!(stub.actions().is_empty());
    }
}
