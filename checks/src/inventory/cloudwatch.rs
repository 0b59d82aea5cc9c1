//! CloudWatch: metric alarms, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What CloudWatch holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudWatchInventory {
    /// DescribeAlarms (metric alarms).
    pub metric_alarms: Collected<Vec<MetricAlarm>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlarm {
    pub alarm_name: String,
    /// Absent for metric-math alarms; see `metrics`.
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    /// Metrics of a metric-math alarm, as (namespace, metric name).
    pub metrics: Vec<(String, String)>,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
}
