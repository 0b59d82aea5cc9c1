//! ECR: the registry's scanning configuration, its repositories and their images, per region.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Collected;

/// What ECR holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EcrInventory {
    /// DescribeRepositories; per repository its policy, lifecycle policy and images.
    pub repositories: Collected<Vec<Repository>>,
    /// GetRegistryScanningConfiguration.
    pub scanning: Collected<ScanningConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    pub name: String,
    pub arn: String,
    /// `123456789012.dkr.ecr.eu-west-1.amazonaws.com/name`.
    pub uri: String,
    /// `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION`, `IMMUTABLE_WITH_EXCLUSION`.
    pub tag_mutability: String,
    /// The tag filters excepted from `tag_mutability` (`*` wildcards).
    #[serde(default)]
    pub tag_mutability_exclusions: Vec<String>,
    /// The repository's own scan-on-push setting (the registry's rules may cover it instead).
    pub scan_on_push: bool,
    /// `AES256`, `KMS` or `KMS_DSSE`.
    pub encryption_type: String,
    pub kms_key: Option<String>,
    /// GetRepositoryPolicy: the JSON document, `None` when the repository has none.
    #[serde(default)]
    pub policy: Collected<Option<String>>,
    /// GetLifecyclePolicy: the JSON text, `None` when the repository has none.
    #[serde(default)]
    pub lifecycle_policy: Collected<Option<String>>,
    /// DescribeImages.
    #[serde(default)]
    pub images: Collected<Vec<Image>>,
}

/// One image of a repository, with the summary of its latest scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// `sha256:…`.
    pub digest: String,
    pub tags: Vec<String>,
    pub pushed_at: Option<DateTime<Utc>>,
    /// `COMPLETE`, `ACTIVE`, `IN_PROGRESS`, `FAILED`, `UNSUPPORTED_IMAGE`, … ; `None` when
    /// the image was never scanned.
    pub scan_status: Option<String>,
    /// Findings by severity (`CRITICAL`, `HIGH`, …) of the latest completed scan.
    pub finding_counts: Vec<(String, u32)>,
}

impl Image {
    /// The count of findings of one severity (`CRITICAL`, `HIGH`).
    pub fn findings_of(&self, severity: &str) -> u32 {
        self.finding_counts.iter().filter(|(s, _)| s.eq_ignore_ascii_case(severity)).map(|(_, n)| n).sum()
    }

    /// Whether a completed scan says something (findings, or none).
    pub fn scanned(&self) -> bool {
        matches!(self.scan_status.as_deref(), Some("COMPLETE" | "ACTIVE"))
    }
}

/// The registry's scanning configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanningConfiguration {
    /// `BASIC` or `ENHANCED`.
    pub scan_type: String,
    pub rules: Vec<ScanningRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanningRule {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL`.
    pub scan_frequency: String,
    /// Repository name filters (`WILDCARD`: `*` matches any run of characters).
    pub filters: Vec<String>,
}
