//! IAM Access Analyzer: analyzers, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What IAM Access Analyzer holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessAnalyzerInventory {
    /// ListAnalyzers.
    pub analyzers: Collected<Vec<Analyzer>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analyzer {
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, …
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
}
