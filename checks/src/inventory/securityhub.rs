//! Security Hub: the hub, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What Security Hub holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityHubInventory {
    /// DescribeHub; `None` when the account is not subscribed here.
    pub hub: Collected<Option<SecurityHub>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityHub {
    pub hub_arn: Option<String>,
}
