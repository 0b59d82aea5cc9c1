//! SNS: subscriptions, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What SNS holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SnsInventory {
    /// ListSubscriptions.
    pub subscriptions: Collected<Vec<Subscription>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub topic_arn: String,
    /// `PendingConfirmation` until the subscriber confirms.
    pub subscription_arn: Option<String>,
}

impl Subscription {
    pub fn confirmed(&self) -> bool {
        self.subscription_arn.as_deref().is_some_and(|arn| arn.starts_with("arn:"))
    }
}
