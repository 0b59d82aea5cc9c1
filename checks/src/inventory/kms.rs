//! KMS keys and aliases, per region.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Collected;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KmsInventory {
    /// ListKeys + DescribeKey, and per customer key rotation status and key policy.
    pub keys: Collected<Vec<Key>>,
    /// ListAliases.
    pub aliases: Collected<Vec<Alias>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    pub key_id: String,
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub key_manager: Option<String>,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, …
    pub key_spec: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable`, …
    pub key_state: Option<String>,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: Option<String>,
    pub deletion_date: Option<DateTime<Utc>>,
    /// GetKeyRotationStatus (customer symmetric keys only; `None` when not applicable).
    pub rotation_enabled: Collected<Option<bool>>,
    /// GetKeyPolicy(default) JSON document.
    pub policy: Collected<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub alias_name: String,
    pub target_key_id: Option<String>,
}
