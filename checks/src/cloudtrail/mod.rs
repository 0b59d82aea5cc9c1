//! CloudTrail checks (measure `monitoring`, trail encryption `encryption`), and the trail
//! helpers the CloudWatch monitoring checks share: which trails record all management events
//! in every region, which record S3 object-level events.

use crate::finding::Resource;
use crate::inventory::AccountInventory;
use crate::inventory::cloudtrail::{AdvancedEventSelector, EventSelectors, FieldSelector, Trail};
use crate::inventory::s3::Bucket;
use crate::registry::{Check, Findings};

mod cloudtrail_cloudwatch_logging_enabled;
mod cloudtrail_kms_encryption_enabled;
mod cloudtrail_log_file_validation_enabled;
mod cloudtrail_logs_s3_bucket_access_logging_enabled;
mod cloudtrail_logs_s3_bucket_is_not_publicly_accessible;
mod cloudtrail_multi_region_enabled;
mod cloudtrail_s3_dataevents_read_enabled;
mod cloudtrail_s3_dataevents_write_enabled;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &cloudtrail_multi_region_enabled::CHECK,
    &cloudtrail_log_file_validation_enabled::CHECK,
    &cloudtrail_kms_encryption_enabled::CHECK,
    &cloudtrail_cloudwatch_logging_enabled::CHECK,
    &cloudtrail_logs_s3_bucket_access_logging_enabled::CHECK,
    &cloudtrail_logs_s3_bucket_is_not_publicly_accessible::CHECK,
    &cloudtrail_s3_dataevents_write_enabled::CHECK,
    &cloudtrail_s3_dataevents_read_enabled::CHECK,
];

/// A three-valued answer: yes, no (and why), or cannot tell (and why).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tri {
    Yes,
    No(String),
    Unknown(String),
}

/// The trail as the resource of a finding.
pub(crate) fn trail_resource(trail: &Trail) -> Resource {
    Resource {
        id: trail.name.clone(),
        arn: Some(trail.trail_arn.clone()),
        kind: "AwsCloudTrailTrail",
        region: Some(trail.home_region.clone()),
    }
}

/// The account's trails, or an ERROR finding on the account saying why they are missing.
pub(crate) fn trails<'a>(account: &'a AccountInventory, out: &mut Findings) -> Option<&'a [Trail]> {
    match account.cloudtrail.trails.as_result() {
        Ok(trails) => Some(trails),
        Err(why) => {
            out.error(account.resource(), format!("CloudTrail trails could not be listed: {why}"));
            None
        }
    }
}

/// The S3 bucket a trail delivers to, or why it cannot be examined.
pub(crate) fn trail_bucket<'a>(account: &'a AccountInventory, trail: &Trail) -> Result<&'a Bucket, String> {
    let Some(name) = trail.s3_bucket_name.as_deref().filter(|n| !n.is_empty()) else {
        return Err("the trail names no S3 bucket".to_string());
    };
    let buckets = account.s3.buckets.as_result().map_err(|why| format!("S3 buckets could not be listed: {why}"))?;
    buckets.iter().find(|b| b.name == name).ok_or_else(|| {
        format!("bucket {name} is not in this account's inventory (it may belong to another account, e.g. a central logging account)")
    })
}

/// Which of read and write events a selector set covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    pub read: bool,
    pub write: bool,
}

impl Coverage {
    fn add(&mut self, other: Coverage) {
        self.read |= other.read;
        self.write |= other.write;
    }

    pub(crate) fn all(self) -> bool {
        self.read && self.write
    }

    fn of_read_write_type(rw: Option<&str>) -> Coverage {
        match rw.unwrap_or("All") {
            "All" => Coverage { read: true, write: true },
            "ReadOnly" => Coverage { read: true, write: false },
            "WriteOnly" => Coverage { read: false, write: true },
            _ => Coverage::default(),
        }
    }
}

/// Whether an advanced field selector lets `value` through.
fn field_allows(fs: &FieldSelector, value: &str) -> bool {
    (fs.equals.is_empty() || fs.equals.iter().any(|v| v == value))
        && (fs.starts_with.is_empty() || fs.starts_with.iter().any(|v| value.starts_with(v.as_str())))
        && (fs.ends_with.is_empty() || fs.ends_with.iter().any(|v| value.ends_with(v.as_str())))
        && !fs.not_equals.iter().any(|v| v == value)
        && !fs.not_starts_with.iter().any(|v| value.starts_with(v.as_str()))
        && !fs.not_ends_with.iter().any(|v| value.ends_with(v.as_str()))
}

/// The read/write coverage of an advanced selector's `readOnly` field (both when absent).
fn read_only_coverage(fs: Option<&FieldSelector>) -> Coverage {
    match fs {
        None => Coverage { read: true, write: true },
        Some(fs) => Coverage { read: field_allows(fs, "true"), write: field_allows(fs, "false") },
    }
}

fn field<'a>(sel: &'a AdvancedEventSelector, name: &str) -> Option<&'a FieldSelector> {
    sel.field_selectors.iter().find(|f| f.field == name)
}

/// Read/write coverage of *all* management events (no event source excluded).
pub(crate) fn management_coverage(selectors: &EventSelectors) -> Coverage {
    let mut cov = Coverage::default();
    for s in &selectors.basic {
        if s.include_management_events.unwrap_or(true) && s.exclude_management_event_sources.is_empty() {
            cov.add(Coverage::of_read_write_type(s.read_write_type.as_deref()));
        }
    }
    for sel in &selectors.advanced {
        let management = field(sel, "eventCategory")
            .is_some_and(|f| f.equals.iter().any(|v| v == "Management") && field_allows(f, "Management"));
        let unrestricted = sel.field_selectors.iter().all(|f| f.field == "eventCategory" || f.field == "readOnly");
        if management && unrestricted {
            cov.add(read_only_coverage(field(sel, "readOnly")));
        }
    }
    cov
}

/// `arn:aws:s3` or `arn:aws:s3:::` (any partition): every bucket.
fn is_all_buckets(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("arn:") else { return false };
    let Some((partition, service)) = rest.split_once(':') else { return false };
    !partition.is_empty() && (service == "s3" || service == "s3:::")
}

/// Read/write coverage of S3 object-level (data) events on every bucket.
pub(crate) fn s3_object_coverage(selectors: &EventSelectors) -> Coverage {
    let mut cov = Coverage::default();
    for s in &selectors.basic {
        let all_objects = s.data_resources.iter().any(|d| {
            d.resource_type.as_deref() == Some("AWS::S3::Object") && d.values.iter().any(|v| is_all_buckets(v))
        });
        if all_objects {
            cov.add(Coverage::of_read_write_type(s.read_write_type.as_deref()));
        }
    }
    for sel in &selectors.advanced {
        let data = field(sel, "eventCategory")
            .is_some_and(|f| f.equals.iter().any(|v| v == "Data") && field_allows(f, "Data"));
        let objects = field(sel, "resources.type")
            .is_some_and(|f| f.equals.iter().any(|v| v == "AWS::S3::Object") && field_allows(f, "AWS::S3::Object"));
        let every_bucket = sel.field_selectors.iter().all(|f| match f.field.as_str() {
            "eventCategory" | "resources.type" | "readOnly" => true,
            // `resources.ARN` StartsWith `arn:aws:s3:::` still means every bucket.
            "resources.ARN" => {
                !f.starts_with.is_empty()
                    && f.starts_with.iter().all(|v| is_all_buckets(v))
                    && f.equals.is_empty()
                    && f.ends_with.is_empty()
                    && f.not_equals.is_empty()
                    && f.not_starts_with.is_empty()
                    && f.not_ends_with.is_empty()
            }
            _ => false,
        });
        if data && objects && every_bucket {
            cov.add(read_only_coverage(field(sel, "readOnly")));
        }
    }
    cov
}

/// Whether a trail is multi-region, logging, and its selectors pass `selectors_ok`
/// (`what` names what the selectors must record, for the "no" reason).
pub(crate) fn multi_region_logging_with(
    trail: &Trail,
    what: &str,
    selectors_ok: impl Fn(&EventSelectors) -> bool,
) -> Tri {
    if !trail.is_multi_region_trail {
        return Tri::No(format!("trail {} is single-region", trail.name));
    }
    let mut unknown = Vec::new();
    match trail.status.as_result() {
        Ok(status) if !status.is_logging => return Tri::No(format!("trail {} is not logging", trail.name)),
        Ok(_) => {}
        Err(why) => unknown.push(format!("status of trail {} could not be read: {why}", trail.name)),
    }
    match trail.selectors.as_result() {
        Ok(sel) if !selectors_ok(sel) => return Tri::No(format!("trail {} does not record {what}", trail.name)),
        Ok(_) => {}
        Err(why) => unknown.push(format!("event selectors of trail {} could not be read: {why}", trail.name)),
    }
    if unknown.is_empty() { Tri::Yes } else { Tri::Unknown(unknown.join("; ")) }
}

/// The CIS 3.1 baseline: multi-region, logging, all read and write management events.
pub(crate) fn records_all_management_events(trail: &Trail) -> Tri {
    multi_region_logging_with(trail, "all read and write management events", |s| management_coverage(s).all())
}

/// One finding on the account: PASS when some trail answers `Yes`, ERROR when none does but
/// one might, FAIL (with every trail's reason) otherwise.
pub(crate) fn some_trail(account: &AccountInventory, out: &mut Findings, needed: &str, test: impl Fn(&Trail) -> Tri) {
    let Some(trails) = trails(account, out) else { return };
    if trails.is_empty() {
        out.fail(account.resource(), format!("no CloudTrail trail: nothing records {needed}"));
        return;
    }
    let (mut no, mut unknown) = (Vec::new(), Vec::new());
    for trail in trails {
        match test(trail) {
            Tri::Yes => {
                out.pass(account.resource(), format!("trail {} ({}) records {needed}", trail.name, trail.home_region));
                return;
            }
            Tri::No(why) => no.push(why),
            Tri::Unknown(why) => unknown.push(why),
        }
    }
    if unknown.is_empty() {
        out.fail(account.resource(), format!("no trail records {needed}: {}", no.join("; ")));
    } else {
        out.error(account.resource(), format!("cannot tell whether a trail records {needed}: {}", unknown.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudtrail::testing::{advanced, basic_data, basic_management, fs};

    #[test]
    fn management_coverage_cases() {
        let sel = |basic, advanced| EventSelectors { basic, advanced };
        assert!(management_coverage(&sel(vec![basic_management("All")], vec![])).all());
        assert!(!management_coverage(&sel(vec![basic_management("WriteOnly")], vec![])).all());
        assert!(
            management_coverage(&sel(vec![basic_management("ReadOnly"), basic_management("WriteOnly")], vec![])).all()
        );
        let mut excluded = basic_management("All");
        excluded.exclude_management_event_sources = vec!["kms.amazonaws.com".into()];
        assert!(!management_coverage(&sel(vec![excluded], vec![])).all());
        let mut off = basic_management("All");
        off.include_management_events = Some(false);
        assert!(!management_coverage(&sel(vec![off], vec![])).all());
        assert!(!management_coverage(&sel(vec![], vec![])).all());

        let mgmt = fs("eventCategory", &["Management"]);
        assert!(management_coverage(&sel(vec![], vec![advanced(vec![mgmt.clone()])])).all());
        let write_only = advanced(vec![mgmt.clone(), fs("readOnly", &["false"])]);
        assert!(!management_coverage(&sel(vec![], vec![write_only.clone()])).all());
        let read_only = advanced(vec![mgmt.clone(), fs("readOnly", &["true"])]);
        assert!(management_coverage(&sel(vec![], vec![write_only, read_only])).all());
        let mut no_kms = fs("eventSource", &[]);
        no_kms.not_equals = vec!["kms.amazonaws.com".into()];
        assert!(!management_coverage(&sel(vec![], vec![advanced(vec![mgmt, no_kms])])).all());
        assert!(!management_coverage(&sel(vec![], vec![advanced(vec![fs("eventCategory", &["Data"])])])).all());
    }

    #[test]
    fn s3_object_coverage_cases() {
        let sel = |basic, advanced| EventSelectors { basic, advanced };
        assert!(s3_object_coverage(&sel(vec![basic_data("All", "arn:aws:s3")], vec![])).all());
        assert!(s3_object_coverage(&sel(vec![basic_data("All", "arn:aws:s3:::")], vec![])).all());
        assert!(s3_object_coverage(&sel(vec![basic_data("All", "arn:aws-us-gov:s3")], vec![])).all());
        let wo = s3_object_coverage(&sel(vec![basic_data("WriteOnly", "arn:aws:s3")], vec![]));
        assert_eq!(wo, Coverage { read: false, write: true });
        let one_bucket = s3_object_coverage(&sel(vec![basic_data("All", "arn:aws:s3:::my-bucket/")], vec![]));
        assert_eq!(one_bucket, Coverage::default());

        let data = fs("eventCategory", &["Data"]);
        let objects = fs("resources.type", &["AWS::S3::Object"]);
        assert!(s3_object_coverage(&sel(vec![], vec![advanced(vec![data.clone(), objects.clone()])])).all());
        let ro = s3_object_coverage(&sel(
            vec![],
            vec![advanced(vec![data.clone(), objects.clone(), fs("readOnly", &["true"])])],
        ));
        assert_eq!(ro, Coverage { read: true, write: false });
        let mut all_arns = fs("resources.ARN", &[]);
        all_arns.starts_with = vec!["arn:aws:s3:::".into()];
        assert!(s3_object_coverage(&sel(vec![], vec![advanced(vec![data.clone(), objects.clone(), all_arns])])).all());
        let mut one_arn = fs("resources.ARN", &[]);
        one_arn.starts_with = vec!["arn:aws:s3:::my-bucket/".into()];
        assert_eq!(
            s3_object_coverage(&sel(vec![], vec![advanced(vec![data.clone(), objects, one_arn])])),
            Coverage::default()
        );
        let lambda = fs("resources.type", &["AWS::Lambda::Function"]);
        assert_eq!(s3_object_coverage(&sel(vec![], vec![advanced(vec![data, lambda])])), Coverage::default());
    }
}
