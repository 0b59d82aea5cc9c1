//! CloudWatch Logs: metric filters.

use rampart_checks::Collected;
use rampart_checks::inventory::logs::{MetricFilter, MetricTransformation};

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn metric_filters(client: &aws_sdk_cloudwatchlogs::Client) -> Collected<Vec<MetricFilter>> {
    read::items(
        "logs:DescribeMetricFilters",
        client.describe_metric_filters().into_paginator().items().send(),
        |f| MetricFilter {
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
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MetricFilters, metric_filters(&client!(session, aws_sdk_cloudwatchlogs, "logs", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.logs.metric_filters = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::logs::{MetricFilter, MetricTransformation};
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn metric_filters_are_read() {
        let stub = Stub::start(|r| {
            assert_eq!(r.action, "DescribeMetricFilters");
            json(
                r#"{"metricFilters":[{"filterName":"console-signin","logGroupName":"trail","filterPattern":"{ $.eventName = ConsoleLogin }",
                "metricTransformations":[{"metricName":"SignIns","metricNamespace":"CIS","metricValue":"1"}],"creationTime":1700000000000}]}"#,
            )
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::MetricFilters])).await;
        assert_eq!(known(&inv.logs.metric_filters), &[MetricFilter {
            filter_name: "console-signin".into(),
            log_group_name: "trail".into(),
            filter_pattern: "{ $.eventName = ConsoleLogin }".into(),
            metric_transformations: vec![MetricTransformation { metric_name: "SignIns".into(), metric_namespace: "CIS".into() }],
        }]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("logs:DescribeMetricFilters")).await;
        let inv = stub.regional(regional, &plan(&[Source::MetricFilters])).await;
        assert_eq!(unknown(&inv.logs.metric_filters), (
            Cause::Denied,
            "logs:DescribeMetricFilters access denied: AccessDeniedException: not authorized to perform: logs:DescribeMetricFilters"
        ));
    }

    #[tokio::test]
    async fn throttling_past_the_attempts_is_unknown_throttled() {
        let stub = Stub::start(|_| Protocol::Json.throttled()).await;
        let inv = stub.regional(regional, &plan(&[Source::MetricFilters])).await;
        assert_eq!(unknown(&inv.logs.metric_filters), (
            Cause::Throttled,
            "logs:DescribeMetricFilters throttled after every retry: ThrottlingException: Rate exceeded"
        ));
    }
}
