//! Builders of CloudTrail inventories for the checks' unit tests: trails and their event
//! selectors.

use crate::inventory::cloudtrail::{
    AdvancedEventSelector, DataResource, EventSelector, EventSelectors, FieldSelector, Trail, TrailStatus,
};
use crate::inventory::{AccountInventory, Collected};
use crate::s3::testing::empty_s3;
use crate::testing::{ACCOUNT, REGION, account};

/// The CloudWatch Logs group [`trail`] delivers to.
pub const LOG_GROUP: &str = "aws-cloudtrail-logs";

/// The ARN of log group `name` in `region`, as a trail names it.
pub fn log_group_arn(region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}:*")
}

/// An account whose trails and S3 (the trails' buckets) were read and hold nothing.
pub fn cloudtrail_account() -> AccountInventory {
    let mut account = account();
    account.cloudtrail.trails = Collected::Known(Vec::new());
    account.s3 = empty_s3();
    account
}

pub fn set_trails(account: &mut AccountInventory, trails: Vec<Trail>) {
    account.cloudtrail.trails = Collected::Known(trails);
}

pub fn basic_management(read_write: &str) -> EventSelector {
    EventSelector {
        read_write_type: Some(read_write.to_string()),
        include_management_events: Some(true),
        exclude_management_event_sources: Vec::new(),
        data_resources: Vec::new(),
    }
}

pub fn basic_data(read_write: &str, value: &str) -> EventSelector {
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

pub fn fs(field: &str, equals: &[&str]) -> FieldSelector {
    FieldSelector {
        field: field.to_string(),
        equals: equals.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

pub fn advanced(field_selectors: Vec<FieldSelector>) -> AdvancedEventSelector {
    AdvancedEventSelector { field_selectors }
}

/// A trail that meets every CIS requirement: multi-region, logging, all management events,
/// validated, KMS-encrypted, delivering to [`LOG_GROUP`] in [`REGION`].
pub fn trail(name: &str) -> Trail {
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
