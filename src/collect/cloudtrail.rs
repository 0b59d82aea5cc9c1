//! CloudTrail collector: trails seen from every audited region (shadow trails included),
//! deduplicated by ARN; status and event selectors read in each trail's home region.

use std::collections::BTreeMap;

use rampart_checks::Collected;
use rampart_checks::inventory::cloudtrail::{
    AdvancedEventSelector, CloudTrailInventory, DataResource, EventSelector, EventSelectors, FieldSelector, Trail, TrailStatus,
};

use rampart_checks::inventory::{Cause, Plan, Source};

use super::read;
use crate::aws::{Session, client, read};

/// The reads of `plan`'s CloudTrail sources (every one of which needs the trail list).
pub async fn collect(session: &Session, regions: &[String], plan: &Plan) -> CloudTrailInventory {
    if !plan.reads(Source::Trails) {
        return CloudTrailInventory::default();
    }
    let mut by_arn: BTreeMap<String, aws_sdk_cloudtrail::types::Trail> = BTreeMap::new();
    let mut failures = Vec::new();
    let listed = futures::future::join_all(regions.iter().map(|region| async move {
        let client = client!(session, aws_sdk_cloudtrail, "cloudtrail", region);
        (region, read::call("cloudtrail:DescribeTrails", client.describe_trails().include_shadow_trails(true).send()).await)
    }))
    .await;
    for (region, result) in listed {
        match result {
            Ok(out) => {
                for t in out.trail_list() {
                    if let Some(arn) = t.trail_arn() {
                        by_arn.entry(arn.to_string()).or_insert_with(|| t.clone());
                    }
                }
            }
            Err(why) => failures.push((region, why)),
        }
    }
    if by_arn.is_empty() && !failures.is_empty() {
        // Nothing seen and some region could not be read: "no trail" would be a guess.
        // One kind of failure everywhere keeps its kind; a mix is "other".
        let cause = failures[0].1.cause;
        let cause = if failures.iter().all(|(_, why)| why.cause == cause) { cause } else { Cause::Other };
        let text = failures.iter().map(|(region, why)| format!("{region}: {why}")).collect::<Vec<_>>().join("; ");
        return CloudTrailInventory { trails: Collected::unknown(cause, text) };
    }
    let trails = futures::future::join_all(by_arn.into_values().map(|t| trail(session, t, plan))).await;
    CloudTrailInventory { trails: Collected::Known(trails) }
}

async fn trail(session: &Session, t: aws_sdk_cloudtrail::types::Trail, plan: &Plan) -> Trail {
    let arn = t.trail_arn().unwrap_or_default().to_string();
    let home_region = t.home_region().unwrap_or("us-east-1").to_string();
    let client = client!(session, aws_sdk_cloudtrail, "cloudtrail", &home_region);
    let (status, selectors) = tokio::join!(
        read(
            plan,
            Source::TrailStatus,
            read::value("cloudtrail:GetTrailStatus", client.get_trail_status().name(&arn).send(), |out| TrailStatus {
                is_logging: out.is_logging().unwrap_or(false)
            })
        ),
        read(
            plan,
            Source::TrailEventSelectors,
            read::value("cloudtrail:GetEventSelectors", client.get_event_selectors().trail_name(&arn).send(), |out| {
                EventSelectors {
                    basic: out
                        .event_selectors()
                        .iter()
                        .map(|s| EventSelector {
                            read_write_type: s.read_write_type().map(|r| r.as_str().to_string()),
                            include_management_events: s.include_management_events(),
                            exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
                            data_resources: s
                                .data_resources()
                                .iter()
                                .map(|d| DataResource { resource_type: d.r#type().map(str::to_string), values: d.values().to_vec() })
                                .collect(),
                        })
                        .collect(),
                    advanced: out
                        .advanced_event_selectors()
                        .iter()
                        .map(|s| AdvancedEventSelector {
                            field_selectors: s
                                .field_selectors()
                                .iter()
                                .map(|f| FieldSelector {
                                    field: f.field().to_string(),
                                    equals: f.equals().to_vec(),
                                    starts_with: f.starts_with().to_vec(),
                                    ends_with: f.ends_with().to_vec(),
                                    not_equals: f.not_equals().to_vec(),
                                    not_starts_with: f.not_starts_with().to_vec(),
                                    not_ends_with: f.not_ends_with().to_vec(),
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
        )
    );
    Trail {
        name: t.name().unwrap_or_default().to_string(),
        trail_arn: arn,
        home_region,
        is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
        log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
        kms_key_id: t.kms_key_id().map(str::to_string),
        s3_bucket_name: t.s3_bucket_name().map(str::to_string),
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        status,
        selectors,
    }
}

/// The table's entry: the CloudTrail reads the plan holds, from every audited region.
pub(super) fn global<'a>(session: &'a Session, plan: &'a Plan) -> super::GlobalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(session, &session.regions, plan)).await;
        Box::new(move |account: &mut rampart_checks::inventory::AccountInventory| account.cloudtrail = read) as super::Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::Collected;
    use rampart_checks::inventory::cloudtrail::{DataResource, EventSelector, EventSelectors, TrailStatus};
    use rampart_checks::inventory::{Cause, Source};

    use super::global;
    use crate::collect::testing::{Answer, Protocol, Request, Stub, json, known, plan, unknown};

    const EVERY: &[Source] = &[Source::Trails, Source::TrailStatus, Source::TrailEventSelectors];

    /// One multi-region trail whose home is eu-west-1, listed (as a shadow trail) by every
    /// region; status and selectors answered only in its home region.
    fn answer(r: &Request) -> Answer {
        match r.action.as_str() {
            "DescribeTrails" => {
                assert!(r.body.contains(r#""includeShadowTrails":true"#), "{}", r.body);
                json(
                    r#"{"trailList":[{"Name":"org","TrailARN":"arn:aws:cloudtrail:eu-west-1:123456789012:trail/org","HomeRegion":"eu-west-1",
                    "IsMultiRegionTrail":true,"IsOrganizationTrail":false,"IncludeGlobalServiceEvents":true,"LogFileValidationEnabled":true,
                    "S3BucketName":"trail-logs","KmsKeyId":"arn:aws:kms:eu-west-1:123456789012:key/k"}]}"#,
                )
            }
            "GetTrailStatus" if r.region == "eu-west-1" => json(r#"{"IsLogging":true}"#),
            "GetEventSelectors" if r.region == "eu-west-1" => json(
                r#"{"TrailARN":"arn:aws:cloudtrail:eu-west-1:123456789012:trail/org","EventSelectors":[{"ReadWriteType":"All",
                "IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}],
                "ExcludeManagementEventSources":[]}]}"#,
            ),
            other => panic!("unexpected {other} in {}", r.region),
        }
    }

    #[tokio::test]
    async fn a_trail_seen_from_every_region_is_one_read_in_its_home_region() {
        let stub = Stub::in_regions(&["eu-west-1", "us-east-1"], answer).await;
        let account = stub.global(global, &plan(EVERY)).await;
        let trails = known(&account.cloudtrail.trails);
        assert_eq!(trails.len(), 1, "{trails:?}");
        let trail = &trails[0];
        assert_eq!((trail.name.as_str(), trail.home_region.as_str()), ("org", "eu-west-1"));
        assert!(trail.is_multi_region_trail && trail.log_file_validation_enabled);
        assert_eq!(trail.s3_bucket_name.as_deref(), Some("trail-logs"));
        assert_eq!(trail.status, Collected::Known(TrailStatus { is_logging: true }));
        assert_eq!(trail.selectors, Collected::Known(EventSelectors {
            basic: vec![EventSelector {
                read_write_type: Some("All".into()),
                include_management_events: Some(true),
                exclude_management_event_sources: vec![],
                data_resources: vec![DataResource { resource_type: Some("AWS::S3::Object".into()), values: vec!["arn:aws:s3".into()] }],
            }],
            advanced: vec![],
        }));
        assert_eq!(stub.actions().iter().filter(|a| *a == "DescribeTrails").count(), 2);
    }

    #[tokio::test]
    async fn denied_everywhere_is_unknown_denied_naming_each_region() {
        let stub = Stub::in_regions(&["eu-west-1", "us-east-1"], |_| {
            Protocol::Json.denied("cloudtrail:DescribeTrails")
        })
        .await;
        let account = stub.global(global, &plan(EVERY)).await;
        let denied = "cloudtrail:DescribeTrails access denied: AccessDeniedException: not authorized to perform: cloudtrail:DescribeTrails";
        assert_eq!(unknown(&account.cloudtrail.trails), (Cause::Denied, format!("eu-west-1: {denied}; us-east-1: {denied}").as_str()));
    }

    #[tokio::test]
    async fn failures_of_different_kinds_are_other_and_one_region_listing_trails_is_enough() {
        let mixed = Stub::in_regions(&["eu-west-1", "us-east-1"], |r| {
            if r.region == "eu-west-1" { Protocol::Json.throttled() } else { Protocol::Json.denied("cloudtrail:DescribeTrails") }
        })
        .await;
        let account = mixed.global(global, &plan(&[Source::Trails])).await;
        assert_eq!(unknown(&account.cloudtrail.trails), (
            Cause::Other,
            "eu-west-1: cloudtrail:DescribeTrails throttled after every retry: ThrottlingException: Rate exceeded; \
             us-east-1: cloudtrail:DescribeTrails access denied: AccessDeniedException: not authorized to perform: cloudtrail:DescribeTrails"
        ));

        let partly = Stub::in_regions(&["eu-west-1", "us-east-1"], |r| {
            if r.region == "us-east-1" { Protocol::Json.throttled() } else { answer(r) }
        })
        .await;
        let account = partly.global(global, &plan(&[Source::Trails])).await;
        assert_eq!(known(&account.cloudtrail.trails).len(), 1);
    }

    #[tokio::test]
    async fn status_and_selectors_outside_the_plan_are_not_sent() {
        let stub = Stub::start(answer).await;
        let account = stub.global(global, &plan(&[Source::Trails])).await;
        let trail = &known(&account.cloudtrail.trails)[0];
        assert_eq!(unknown(&trail.status).0, Cause::NotCollected);
        assert_eq!(unknown(&trail.selectors).0, Cause::NotCollected);
        assert_eq!(stub.actions(), ["DescribeTrails"]);
    }

    #[tokio::test]
    async fn a_denied_status_is_unknown_for_its_trail() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "GetTrailStatus" => Protocol::Json.denied("cloudtrail:GetTrailStatus"),
            _ => answer(r),
        })
        .await;
        let account = stub.global(global, &plan(&[Source::Trails, Source::TrailStatus])).await;
        assert_eq!(unknown(&known(&account.cloudtrail.trails)[0].status), (
            Cause::Denied,
            "cloudtrail:GetTrailStatus access denied: AccessDeniedException: not authorized to perform: cloudtrail:GetTrailStatus"
        ));
    }
}
