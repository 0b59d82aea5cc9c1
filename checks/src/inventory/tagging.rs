//! Resource tags, per region, from the Resource Groups Tagging API: no check reads them;
//! findings carry them (reports, and mutelist entries that match on tags).

use serde::{Deserialize, Serialize};

use super::Collected;

/// The tags of one region's resources.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TaggingInventory {
    /// tag:GetResources: every resource of the region that has tags (one that has none is
    /// not listed).
    pub resources: Collected<Vec<TaggedResource>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaggedResource {
    pub arn: String,
    /// Key and value of each tag, as AWS gives them.
    pub tags: Vec<(String, String)>,
}
