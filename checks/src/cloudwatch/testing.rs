//! Builders for the tests of the CIS metric-filter and alarm checks, which follow a trail
//! to CloudWatch Logs metric filters, CloudWatch alarms and SNS subscriptions: this module
//! holds the builders of those three services' inventories (they have no checks of their
//! own) and of the whole chain.

use crate::cloudtrail::testing::{LOG_GROUP, set_trails, trail};
use crate::finding::Status;
use crate::inventory::cloudwatch::MetricAlarm;
use crate::inventory::logs::{MetricFilter, MetricTransformation};
use crate::inventory::sns::Subscription;
use crate::inventory::{AccountInventory, CloudWatchInventory, Collected, LogsInventory, SnsInventory};
use crate::registry::Check;
use crate::testing::{ACCOUNT, REGION, account, denied, known_mut, region, verdict};

pub const NAMESPACE: &str = "CISBenchmark";
pub const TOPIC: &str = "security-alarms";

pub fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}")
}

/// An account with no trail, whose region's metric filters, alarms and SNS subscriptions
/// were read and are empty.
pub fn cloudwatch_account() -> AccountInventory {
    let mut account = account();
    account.cloudtrail.trails = Collected::Known(Vec::new());
    let r = region(&mut account);
    r.logs = LogsInventory { metric_filters: Collected::Known(Vec::new()) };
    r.cloudwatch = CloudWatchInventory { metric_alarms: Collected::Known(Vec::new()) };
    r.sns = SnsInventory { subscriptions: Collected::Known(Vec::new()) };
    account
}

pub fn metric_filter(name: &str, pattern: &str, metric: &str) -> MetricFilter {
    MetricFilter {
        filter_name: name.to_string(),
        log_group_name: LOG_GROUP.to_string(),
        filter_pattern: pattern.to_string(),
        metric_transformations: vec![MetricTransformation {
            metric_name: metric.to_string(),
            metric_namespace: NAMESPACE.to_string(),
        }],
    }
}

pub fn alarm(name: &str, metric: &str, topic: &str) -> MetricAlarm {
    MetricAlarm {
        alarm_name: name.to_string(),
        metric_name: Some(metric.to_string()),
        namespace: Some(NAMESPACE.to_string()),
        metrics: Vec::new(),
        actions_enabled: true,
        alarm_actions: vec![topic_arn(topic)],
    }
}

pub fn subscription(topic: &str, confirmed: bool) -> Subscription {
    Subscription {
        topic_arn: topic_arn(topic),
        subscription_arn: Some(if confirmed {
            format!("{}:6f2a1c3e-0000-4000-8000-000000000001", topic_arn(topic))
        } else {
            "PendingConfirmation".to_string()
        }),
    }
}

/// A complete chain: [`trail`] `main` → filter `cis` with `pattern` on metric `CisMetric` →
/// alarm `cis-alarm` → [`TOPIC`] with one confirmed e-mail subscription.
pub fn monitored(pattern: &str) -> AccountInventory {
    let mut account = cloudwatch_account();
    set_trails(&mut account, vec![trail("main")]);
    let region = region(&mut account);
    known_mut(&mut region.logs.metric_filters).push(metric_filter("cis", pattern, "CisMetric"));
    known_mut(&mut region.cloudwatch.metric_alarms).push(alarm("cis-alarm", "CisMetric", TOPIC));
    known_mut(&mut region.sns.subscriptions).push(subscription(TOPIC, true));
    account
}

/// Asserts the CIS-standard pattern(s) pass, a vacuous one fails, and unreadable filters
/// make an ERROR: the three cases every monitoring check file tests.
pub fn assert_monitoring_check(check: &Check, passing: &[&str], failing: &[(&str, &str)]) {
    for pattern in passing {
        let (status, message) = verdict(check, &monitored(pattern));
        assert_eq!(status, Status::Pass, "{}: pattern {pattern:?} should pass: {message}", check.id);
        assert!(
            message.contains("trail main") && message.contains("filter cis") && message.contains("alarm cis-alarm"),
            "{message}"
        );
    }
    for vacuous in ["", "{ $.eventName = * }", "{ $.eventVersion = * }"] {
        let (status, message) = verdict(check, &monitored(vacuous));
        assert_eq!(status, Status::Fail, "{}: vacuous pattern {vacuous:?}: {message}", check.id);
    }
    for (pattern, expected) in failing {
        let (status, message) = verdict(check, &monitored(pattern));
        assert_eq!(status, Status::Fail, "{}: pattern {pattern:?} should fail: {message}", check.id);
        assert!(
            message.contains(expected),
            "{}: pattern {pattern:?}: message {message:?} should mention {expected:?}",
            check.id
        );
    }
    let mut unreadable = monitored(passing.first().copied().unwrap_or_default());
    region(&mut unreadable).logs.metric_filters = denied();
    let (status, message) = verdict(check, &unreadable);
    assert_eq!(status, Status::Error, "{}: {message}", check.id);
    assert!(message.contains("AccessDenied"), "{message}");
}
