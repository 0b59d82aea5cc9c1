//! CloudWatch: metric alarms.

use rampart_checks::Collected;
use rampart_checks::inventory::cloudwatch::MetricAlarm;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

/// DescribeAlarms, page by page (a page also lists composite alarms, which are not kept).
pub async fn metric_alarms(client: &aws_sdk_cloudwatch::Client) -> Collected<Vec<MetricAlarm>> {
    let pages = client.describe_alarms().into_paginator().send();
    let alarms = read::fold("cloudwatch:DescribeAlarms", pages, Vec::new(), |alarms, page| {
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
    });
    read::collected(alarms.await)
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MetricAlarms, metric_alarms(&client!(session, aws_sdk_cloudwatch, "cloudwatch", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.cloudwatch.metric_alarms = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::cloudwatch::MetricAlarm;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, cbor, known, plan, unknown};

    #[tokio::test]
    async fn every_page_of_metric_alarms_is_read() {
        let stub = Stub::start(|r| {
            assert_eq!(r.action, "DescribeAlarms");
            // The request is CBOR too; the page token shows in it as text.
            if r.body.contains("page-2") {
                cbor(
                    r#"{"MetricAlarms":[{"AlarmName":"root-usage","Metrics":[{"Id":"m1",
                    "MetricStat":{"Metric":{"Namespace":"CIS","MetricName":"RootUsage"},
                    "Period":300,"Stat":"Sum"}}],"ActionsEnabled":false}]}"#,
                )
            } else {
                cbor(
                    r#"{"MetricAlarms":[{"AlarmName":"sign-ins","AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:sign-ins",
                    "MetricName":"SignIns","Namespace":"CIS","ActionsEnabled":true,"AlarmActions":["arn:aws:sns:us-east-1:123456789012:alarms"]}],
                    "CompositeAlarms":[{"AlarmName":"composite"}],"NextToken":"page-2"}"#,
                )
            }
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::MetricAlarms])).await;
        assert_eq!(known(&inv.cloudwatch.metric_alarms), &[
            MetricAlarm {
                alarm_name: "sign-ins".into(),
                metric_name: Some("SignIns".into()),
                namespace: Some("CIS".into()),
                metrics: vec![],
                actions_enabled: true,
                alarm_actions: vec!["arn:aws:sns:us-east-1:123456789012:alarms".into()],
            },
            MetricAlarm {
                alarm_name: "root-usage".into(),
                metric_name: None,
                namespace: None,
                metrics: vec![("CIS".into(), "RootUsage".into())],
                actions_enabled: false,
                alarm_actions: vec![],
            },
        ]);
        assert_eq!(stub.actions(), ["DescribeAlarms", "DescribeAlarms"]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Cbor.denied("cloudwatch:DescribeAlarms")).await;
        let inv = stub.regional(regional, &plan(&[Source::MetricAlarms])).await;
        assert_eq!(unknown(&inv.cloudwatch.metric_alarms), (
            Cause::Denied,
            "cloudwatch:DescribeAlarms access denied: AccessDenied: not authorized to perform: cloudwatch:DescribeAlarms"
        ));
    }

    #[tokio::test]
    async fn a_throttled_second_page_makes_the_whole_list_unknown() {
        let stub = Stub::start(|r| {
            let first = r#"{"MetricAlarms":[{"AlarmName":"a"}],"NextToken":"page-2"}"#;
            if r.body.contains("page-2") { Protocol::Cbor.throttled() } else { cbor(first) }
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::MetricAlarms])).await;
        assert_eq!(unknown(&inv.cloudwatch.metric_alarms), (
            Cause::Throttled,
            "cloudwatch:DescribeAlarms throttled after every retry: Throttling: Rate exceeded"
        ));
    }
}
