//! CloudWatch: metric alarms.

use rampart_checks::Collected;
use rampart_checks::inventory::cloudwatch::MetricAlarm;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;
use crate::aws::error::describe;

pub async fn metric_alarms(client: &aws_sdk_cloudwatch::Client) -> Collected<Vec<MetricAlarm>> {
    let mut pages = client.describe_alarms().into_paginator().send();
    let mut alarms = Vec::new();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            Err(e) => return Collected::Unknown(describe("cloudwatch:DescribeAlarms", &e)),
        };
        alarms.extend(page.metric_alarms().iter().map(|a| MetricAlarm {
            alarm_name: a.alarm_name().unwrap_or_default().to_string(),
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
    }
    Collected::Known(alarms)
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MetricAlarms, metric_alarms(&session.cloudwatch(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.cloudwatch.metric_alarms = read) as Apply<_>
    })
}
