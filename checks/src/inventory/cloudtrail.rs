//! CloudTrail trails (once per account, deduplicated across regions by ARN).

use serde::{Deserialize, Serialize};

use super::Collected;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudTrailInventory {
    /// DescribeTrails(includeShadowTrails) in every audited region, deduplicated by ARN;
    /// status and selectors read in each trail's home region. Organization trails made in
    /// the management account appear here too.
    pub trails: Collected<Vec<Trail>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub trail_arn: String,
    pub home_region: String,
    pub is_multi_region_trail: bool,
    pub log_file_validation_enabled: bool,
    pub kms_key_id: Option<String>,
    pub s3_bucket_name: Option<String>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// GetTrailStatus.
    pub status: Collected<TrailStatus>,
    /// GetEventSelectors.
    pub selectors: Collected<EventSelectors>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
}

/// A trail uses either basic or advanced event selectors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSelectors {
    pub basic: Vec<EventSelector>,
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    pub read_write_type: Option<String>,
    pub include_management_events: Option<bool>,
    pub exclude_management_event_sources: Vec<String>,
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataResource {
    /// e.g. `AWS::S3::Object`.
    pub resource_type: Option<String>,
    /// e.g. `arn:aws:s3` (all buckets) or `arn:aws:s3:::bucket/`.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvancedEventSelector {
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `readOnly`, `eventSource`, `eventName`, `resources.ARN`, …
    pub field: String,
    pub equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_equals: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}
