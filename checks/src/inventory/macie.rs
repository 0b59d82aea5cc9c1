//! Macie: the Macie session, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What Macie holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MacieInventory {
    /// GetMacieSession; `None` when Macie is not enabled in the region.
    pub session: Collected<Option<MacieSession>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MacieSession {
    /// `ENABLED` or `PAUSED`.
    pub status: String,
}
