//! CloudWatch Logs: metric filters.

use rampart_checks::Collected;
use rampart_checks::inventory::logs::{MetricFilter, MetricTransformation};

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

pub async fn metric_filters(client: &aws_sdk_cloudwatchlogs::Client) -> Collected<Vec<MetricFilter>> {
    collect_items!(
        "logs:DescribeMetricFilters",
        client.describe_metric_filters().into_paginator(),
        |f: aws_sdk_cloudwatchlogs::types::MetricFilter| MetricFilter {
            filter_name: f.filter_name().unwrap_or_default().to_string(),
            log_group_name: f.log_group_name().unwrap_or_default().to_string(),
            filter_pattern: f.filter_pattern().unwrap_or_default().to_string(),
            metric_transformations: f
                .metric_transformations()
                .iter()
                .map(|t| MetricTransformation {
                    metric_name: t.metric_name().to_string(),
                    metric_namespace: t.metric_namespace().to_string(),
                })
                .collect(),
        }
    )
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MetricFilters, metric_filters(&session.logs(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.logs.metric_filters = read) as Apply<_>
    })
}
