//! Builders for the monitoring tests (CloudTrail, CloudWatch, Config, GuardDuty, …):
//! a small account whose every monitoring input is known and, by default, empty.

use crate::finding::Status;
use crate::inventory::cloudtrail::{
    AdvancedEventSelector, DataResource, EventSelector, EventSelectors, FieldSelector, Trail, TrailStatus,
};
use crate::inventory::cloudwatch::MetricAlarm;
use crate::inventory::logs::{MetricFilter, MetricTransformation};
use crate::inventory::sns::Subscription;
use crate::inventory::s3::{Bucket, Versioning};
use crate::inventory::{
    AccessAnalyzerInventory, AccountInventory, CloudWatchInventory, Collected, ConfigInventory, GuardDutyInventory, LogsInventory,
    RegionInventory, SecurityHubInventory, SnsInventory,
};
use crate::registry::{Check, Recorded};
pub(crate) use crate::testing::{ACCOUNT, denied, run};

pub(crate) const REGION: &str = "us-east-1";
pub(crate) const LOG_GROUP: &str = "aws-cloudtrail-logs";
pub(crate) const NAMESPACE: &str = "CISBenchmark";
pub(crate) const TOPIC: &str = "security-alarms";

pub(crate) fn log_group_arn(region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}:*")
}

pub(crate) fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}")
}

pub(crate) fn basic_management(read_write: &str) -> EventSelector {
    EventSelector {
        read_write_type: Some(read_write.to_string()),
        include_management_events: Some(true),
        exclude_management_event_sources: Vec::new(),
        data_resources: Vec::new(),
    }
}

pub(crate) fn basic_data(read_write: &str, value: &str) -> EventSelector {
    EventSelector {
        read_write_type: Some(read_write.to_string()),
        include_management_events: Some(true),
        exclude_management_event_sources: Vec::new(),
        data_resources: vec![DataResource {
            resource_type: Some("AWS::S3::Object".into()),
            values: vec![value.to_string()],
        }],
    }
}

pub(crate) fn fs(field: &str, equals: &[&str]) -> FieldSelector {
    FieldSelector {
        field: field.to_string(),
        equals: equals.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

pub(crate) fn advanced(field_selectors: Vec<FieldSelector>) -> AdvancedEventSelector {
    AdvancedEventSelector { field_selectors }
}

/// A trail that meets every CIS requirement: multi-region, logging, all management events,
/// validated, KMS-encrypted, delivering to [`LOG_GROUP`] in [`REGION`].
pub(crate) fn trail(name: &str) -> Trail {
    Trail {
        name: name.to_string(),
        trail_arn: format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"),
        home_region: REGION.to_string(),
        is_multi_region_trail: true,
        log_file_validation_enabled: true,
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")),
        s3_bucket_name: Some("trail-bucket".to_string()),
        cloud_watch_logs_log_group_arn: Some(log_group_arn(REGION, LOG_GROUP)),
        status: Collected::Known(TrailStatus { is_logging: true }),
        selectors: Collected::Known(EventSelectors { basic: vec![basic_management("All")], advanced: Vec::new() }),
    }
}

/// A private bucket in [`REGION`] whose every detail was read: no encryption, no Block Public
/// Access, no policy, no grants, versioning never enabled, access logging off.
pub(crate) fn bucket(name: &str) -> Bucket {
    Bucket {
        name: name.to_string(),
        region: Collected::Known(REGION.to_string()),
        encryption: Collected::Known(None),
        public_access_block: Collected::Known(None),
        policy: Collected::Known(None),
        policy_is_public: Collected::Known(None),
        acl_grants: Collected::Known(Vec::new()),
        versioning: Collected::Known(Versioning::default()),
        logging: Collected::Known(None),
    }
}

/// A region where every monitoring input was read and is empty.
pub(crate) fn empty_region() -> RegionInventory {
    RegionInventory {
        logs: LogsInventory { metric_filters: Collected::Known(Vec::new()) },
        cloudwatch: CloudWatchInventory { metric_alarms: Collected::Known(Vec::new()) },
        sns: SnsInventory { subscriptions: Collected::Known(Vec::new()) },
        config: ConfigInventory { configuration_recorders: Collected::Known(Vec::new()) },
        guardduty: GuardDutyInventory { detectors: Collected::Known(Vec::new()) },
        securityhub: SecurityHubInventory { hub: Collected::Known(None) },
        accessanalyzer: AccessAnalyzerInventory { analyzers: Collected::Known(Vec::new()) },
        ..RegionInventory::default()
    }
}

/// An account with the given regions, each [`empty_region`], no trails and no buckets.
pub(crate) fn account_in(regions: &[&str]) -> AccountInventory {
    let mut account = AccountInventory::new(ACCOUNT, "aws", regions.iter().map(|r| r.to_string()).collect());
    for r in regions {
        account.regional.insert(r.to_string(), empty_region());
    }
    account.cloudtrail.trails = Collected::Known(Vec::new());
    account.s3.buckets = Collected::Known(Vec::new());
    account.s3.account_public_access_block = Collected::Known(None);
    account
}

/// [`account_in`] `[REGION]`.
pub(crate) fn account() -> AccountInventory {
    account_in(&[REGION])
}

/// The regional inventory of `region` (created empty if missing).
pub(crate) fn region_mut<'a>(account: &'a mut AccountInventory, region: &str) -> &'a mut RegionInventory {
    account.regional.entry(region.to_string()).or_insert_with(empty_region)
}

pub(crate) fn set_trails(account: &mut AccountInventory, trails: Vec<Trail>) {
    account.cloudtrail.trails = Collected::Known(trails);
}

/// The known list behind a `Collected` the test itself set to `Known`.
pub(crate) fn known_mut<T>(c: &mut Collected<Vec<T>>) -> &mut Vec<T> {
    if let Collected::Unknown(_) = c {
        *c = Collected::Known(Vec::new());
    }
    match c {
        Collected::Known(v) => v,
        Collected::Unknown(_) => unreachable!("just set to Known"),
    }
}

pub(crate) fn metric_filter(name: &str, pattern: &str, metric: &str) -> MetricFilter {
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

pub(crate) fn alarm(name: &str, metric: &str, topic: &str) -> MetricAlarm {
    MetricAlarm {
        alarm_name: name.to_string(),
        metric_name: Some(metric.to_string()),
        namespace: Some(NAMESPACE.to_string()),
        metrics: Vec::new(),
        actions_enabled: true,
        alarm_actions: vec![topic_arn(topic)],
    }
}

pub(crate) fn subscription(topic: &str, confirmed: bool) -> Subscription {
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
pub(crate) fn monitored(pattern: &str) -> AccountInventory {
    let mut account = account();
    set_trails(&mut account, vec![trail("main")]);
    let region = region_mut(&mut account, REGION);
    known_mut(&mut region.logs.metric_filters).push(metric_filter("cis", pattern, "CisMetric"));
    known_mut(&mut region.cloudwatch.metric_alarms).push(alarm("cis-alarm", "CisMetric", TOPIC));
    known_mut(&mut region.sns.subscriptions).push(subscription(TOPIC, true));
    account
}

/// The one finding a check recorded; panics unless there is exactly one.
pub(crate) fn only(recorded: &[Recorded]) -> &Recorded {
    assert_eq!(recorded.len(), 1, "expected one finding, got {recorded:#?}");
    &recorded[0]
}

/// Runs `check` and returns the status and message of its single finding.
pub(crate) fn verdict(check: &Check, account: &AccountInventory) -> (Status, String) {
    let found = run(check, account);
    let r = only(&found);
    (r.status, r.message.clone())
}

/// Asserts the CIS-standard pattern(s) pass, a vacuous one fails, and unreadable filters
/// make an ERROR: the three cases every monitoring check file tests.
pub(crate) fn assert_monitoring_check(check: &Check, passing: &[&str], failing: &[(&str, &str)]) {
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
    region_mut(&mut unreadable, REGION).logs.metric_filters = denied();
    let (status, message) = verdict(check, &unreadable);
    assert_eq!(status, Status::Error, "{}: {message}", check.id);
    assert!(message.contains("AccessDenied"), "{message}");
}
