//! CloudWatch Logs: metric filters, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What CloudWatch Logs holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LogsInventory {
    /// DescribeMetricFilters.
    pub metric_filters: Collected<Vec<MetricFilter>>,
}

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
