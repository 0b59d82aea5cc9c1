//! EKS: clusters, their add-ons and access entries, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What EKS holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EksInventory {
    /// ListClusters + DescribeCluster; per cluster its VPC CNI add-on and access entries.
    pub clusters: Collected<Vec<Cluster>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    /// `1.33`.
    pub version: Option<String>,
    pub endpoint_public_access: bool,
    pub endpoint_private_access: bool,
    pub public_access_cidrs: Vec<String>,
    /// The KMS key of the `encryptionConfig` provider (envelope encryption with the account's key).
    pub secrets_kms_key: Option<String>,
    /// The control-plane log types enabled (`api`, `audit`, `authenticator`, …).
    pub enabled_log_types: Vec<String>,
    /// `CONFIG_MAP`, `API_AND_CONFIG_MAP` or `API`; `None` when AWS does not say.
    pub authentication_mode: Option<String>,
    /// ListAddons.
    #[serde(default)]
    pub addons: Collected<Vec<String>>,
    /// DescribeAddon(vpc-cni): its configuration values, `None` when the add-on is not installed.
    #[serde(default)]
    pub vpc_cni_configuration: Collected<Option<String>>,
    /// ListAccessEntries + ListAssociatedAccessPolicies per principal.
    #[serde(default)]
    pub access_entries: Collected<Vec<AccessEntry>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub principal_arn: String,
    /// ListAssociatedAccessPolicies: the access policies associated, with their scope.
    pub policies: Collected<Vec<AccessPolicy>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessPolicy {
    pub policy_arn: String,
    /// `cluster` or `namespace`.
    pub scope: String,
}
