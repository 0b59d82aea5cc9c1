//! Builders of ECR inventories for the checks' unit tests.

use crate::inventory::Collected;
use crate::inventory::ecr::{Image, Repository, ScanningConfiguration, ScanningRule};
use crate::testing::{ACCOUNT, REGION};

/// A repository with every setting at AWS's default (mutable tags, AES256, no scan on push,
/// no policy, no lifecycle policy, no images).
pub fn repository(name: &str) -> Repository {
    Repository {
        name: name.to_string(),
        arn: format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}"),
        uri: format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}"),
        tag_mutability: "MUTABLE".to_string(),
        tag_mutability_exclusions: Vec::new(),
        scan_on_push: false,
        encryption_type: "AES256".to_string(),
        kms_key: None,
        policy: Collected::Known(None),
        lifecycle_policy: Collected::Known(None),
        images: Collected::Known(Vec::new()),
    }
}

/// An image pushed `day` days into November 2026, scanned with these (severity, count).
pub fn image(digest: &str, day: u32, counts: &[(&str, u32)]) -> Image {
    Image {
        digest: digest.to_string(),
        tags: vec![format!("v{day}")],
        pushed_at: Some(chrono::DateTime::parse_from_rfc3339(&format!("2026-10-{day:02}T00:00:00Z")).unwrap().into()),
        scan_status: Some("COMPLETE".to_string()),
        finding_counts: counts.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
    }
}

/// The registry's scanning configuration with one rule per (frequency, filter).
pub fn scanning(scan_type: &str, rules: &[(&str, &str)]) -> ScanningConfiguration {
    ScanningConfiguration {
        scan_type: scan_type.to_string(),
        rules: rules.iter().map(|(f, filter)| ScanningRule { scan_frequency: f.to_string(), filters: vec![filter.to_string()] }).collect(),
    }
}
