//! CloudWatch: metric alarms.

use rampart_checks::Collected;
use rampart_checks::inventory::monitoring::MetricAlarm;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, read};

/// DescribeAlarms, page by page (a page also lists composite alarms, which are not kept).
pub async fn metric_alarms(client: &aws_sdk_cloudwatch::Client) -> Collected<Vec<MetricAlarm>> {
    let pages = client.describe_alarms().into_paginator().send();
    let alarms = read::fold("cloudwatch:DescribeAlarms", pages, Vec::new(), |alarms, page| {
        alarms.extend(page.metric_alarms().iter().map(|a| MetricAlarm {
            alarm_name: a.alarm_name().unwrap_or_default().to_string(),
            alarm_arn: a.alarm_arn().map(str::to_string),
            metric_name: a.metric_name().map(str::to_string),
            namespace: a.namespace().map(str::to_string),
            metrics: a
                .metrics()
                .iter()
                .filter_map(|q| q.metric_stat()?.metric())
                .filter_map(|m| Some((m.namespace()?.to_string(), m.metric_name()?.to_string())))
                .collect(),
            actions_enabled: a.actions_enabled().unwrap_or(false),
            alarm_actions: a.alarm_actions().to_vec(),
        }));
    });
    read::collected(alarms.await)
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MetricAlarms, metric_alarms(&session.cloudwatch(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.metric_alarms = read) as Apply<_>
    })
}
