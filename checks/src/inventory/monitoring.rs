//! CloudWatch Logs metric filters, CloudWatch alarms, SNS subscriptions, AWS Config,
//! GuardDuty, Security Hub and IAM Access Analyzer, per region.

use serde::{Deserialize, Serialize};


#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricFilter {
    pub filter_name: String,
    pub log_group_name: String,
    pub filter_pattern: String,
    pub metric_transformations: Vec<MetricTransformation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricTransformation {
    pub metric_name: String,
    pub metric_namespace: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlarm {
    pub alarm_name: String,
    pub alarm_arn: Option<String>,
    /// Absent for metric-math alarms; see `metrics`.
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    /// Metrics of a metric-math alarm, as (namespace, metric name).
    pub metrics: Vec<(String, String)>,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub topic_arn: String,
    /// `email`, `sms`, `https`, `lambda`, `sqs`, …
    pub protocol: Option<String>,
    /// `PendingConfirmation` until the subscriber confirms.
    pub subscription_arn: Option<String>,
}

impl Subscription {
    pub fn confirmed(&self) -> bool {
        self.subscription_arn.as_deref().is_some_and(|arn| arn.starts_with("arn:"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// DescribeConfigurationRecorderStatus.
    pub recording: Option<bool>,
    pub last_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardDutyDetector {
    pub detector_id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityHub {
    pub hub_arn: Option<String>,
    pub subscribed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analyzer {
    pub arn: String,
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, …
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
}
