//! Regional monitoring services: CloudWatch Logs metric filters, CloudWatch alarms, SNS
//! subscriptions, AWS Config recorders, GuardDuty, Security Hub, IAM Access Analyzer.

use rampart_checks::Collected;
use rampart_checks::inventory::monitoring::{
    Analyzer, ConfigRecorder, GuardDutyDetector, MetricAlarm, MetricFilter, MetricTransformation, SecurityHub, Subscription,
};

use crate::aws::error::{describe, has_code};

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
    }
    Collected::Known(alarms)
}

pub async fn subscriptions(client: &aws_sdk_sns::Client) -> Collected<Vec<Subscription>> {
    // Endpoints (e-mail addresses, phone numbers) are personal data: not kept.
    collect_items!("sns:ListSubscriptions", client.list_subscriptions().into_paginator(), |s: aws_sdk_sns::types::Subscription| {
        Subscription {
            topic_arn: s.topic_arn().unwrap_or_default().to_string(),
            protocol: s.protocol().map(str::to_string),
            subscription_arn: s.subscription_arn().map(str::to_string),
        }
    })
}

pub async fn config_recorders(client: &aws_sdk_config::Client) -> Collected<Vec<ConfigRecorder>> {
    let (recorders, statuses) = tokio::join!(
        client.describe_configuration_recorders().send(),
        client.describe_configuration_recorder_status().send()
    );
    let recorders = match recorders {
        Ok(out) => out.configuration_recorders().to_vec(),
        Err(e) => return Collected::Unknown(describe("config:DescribeConfigurationRecorders", &e)),
    };
    let statuses = match statuses {
        Ok(out) => out.configuration_recorders_status().to_vec(),
        Err(e) => return Collected::Unknown(describe("config:DescribeConfigurationRecorderStatus", &e)),
    };
    Collected::Known(
        recorders
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default().to_string();
                let status = statuses.iter().find(|s| s.name() == Some(name.as_str()));
                ConfigRecorder {
                    all_supported: r.recording_group().map(|g| g.all_supported()).unwrap_or(false),
                    include_global_resource_types: r.recording_group().map(|g| g.include_global_resource_types()).unwrap_or(false),
                    recording: status.map(|s| s.recording()),
                    last_status: status.and_then(|s| s.last_status()).map(|s| s.as_str().to_string()),
                    name,
                }
            })
            .collect(),
    )
}

pub async fn guardduty_detectors(client: &aws_sdk_guardduty::Client) -> Collected<Vec<GuardDutyDetector>> {
    let ids = collect_items!("guardduty:ListDetectors", client.list_detectors().into_paginator(), |id: String| id);
    let ids = match ids {
        Collected::Known(ids) => ids,
        Collected::Unknown(why) => return Collected::Unknown(why),
    };
    let mut detectors = Vec::with_capacity(ids.len());
    for id in ids {
        match client.get_detector().detector_id(&id).send().await {
            Ok(out) => detectors.push(GuardDutyDetector { detector_id: id, status: out.status().map(|s| s.as_str().to_string()) }),
            Err(e) => return Collected::Unknown(describe("guardduty:GetDetector", &e)),
        }
    }
    Collected::Known(detectors)
}

pub async fn securityhub(client: &aws_sdk_securityhub::Client) -> Collected<Option<SecurityHub>> {
    match client.describe_hub().send().await {
        Ok(out) => Collected::Known(Some(SecurityHub {
            hub_arn: out.hub_arn().map(str::to_string),
            subscribed_at: out.subscribed_at().map(str::to_string),
        })),
        // "Account is not subscribed to AWS Security Hub" is an answer, not a failure.
        Err(e) if has_code(&e, &["InvalidAccessException", "ResourceNotFoundException"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("securityhub:DescribeHub", &e)),
    }
}

pub async fn access_analyzers(client: &aws_sdk_accessanalyzer::Client) -> Collected<Vec<Analyzer>> {
    collect_items!(
        "access-analyzer:ListAnalyzers",
        client.list_analyzers().into_paginator(),
        |a: aws_sdk_accessanalyzer::types::AnalyzerSummary| Analyzer {
            arn: a.arn().to_string(),
            name: a.name().to_string(),
            analyzer_type: a.r#type().as_str().to_string(),
            status: a.status().as_str().to_string(),
        }
    )
}
