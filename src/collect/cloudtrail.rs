//! CloudTrail collector: trails seen from every audited region (shadow trails included),
//! deduplicated by ARN; status and event selectors read in each trail's home region.

use std::collections::BTreeMap;

use rampart_checks::Collected;
use rampart_checks::inventory::cloudtrail::{
    AdvancedEventSelector, CloudTrailInventory, DataResource, EventSelector, EventSelectors, FieldSelector, Trail, TrailStatus,
};

use rampart_checks::inventory::{Cause, Plan, Source};

use super::read;
use crate::aws::Session;
use crate::aws::error::describe;

/// The reads of `plan`'s CloudTrail sources (every one of which needs the trail list).
pub async fn collect(session: &Session, regions: &[String], plan: &Plan) -> CloudTrailInventory {
    if !plan.reads(Source::Trails) {
        return CloudTrailInventory::default();
    }
    let mut by_arn: BTreeMap<String, aws_sdk_cloudtrail::types::Trail> = BTreeMap::new();
    let mut failures = Vec::new();
    let listed = futures::future::join_all(regions.iter().map(|region| async move {
        let client = session.cloudtrail(region);
        (region, client.describe_trails().include_shadow_trails(true).send().await)
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
            Err(e) => failures.push((region, describe("cloudtrail:DescribeTrails", &e))),
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
    let client = session.cloudtrail(&home_region);
    let (status, selectors) = tokio::join!(
        read(plan, Source::TrailStatus, async {
            match client.get_trail_status().name(&arn).send().await {
                Ok(out) => Collected::Known(TrailStatus { is_logging: out.is_logging().unwrap_or(false) }),
                Err(e) => Collected::Unknown(describe("cloudtrail:GetTrailStatus", &e)),
            }
        }),
        read(plan, Source::TrailEventSelectors, async {
            match client.get_event_selectors().trail_name(&arn).send().await {
                Ok(out) => Collected::Known(EventSelectors {
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
                }),
                Err(e) => Collected::Unknown(describe("cloudtrail:GetEventSelectors", &e)),
            }
        })
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
