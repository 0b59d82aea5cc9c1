//! The snapshot model: what collectors write and checks read.
//!
//! Plain serde structs, no SDK types; names follow the AWS API's own. A value that comes
//! from an API call that can fail on its own is a [`Collected`]: either what AWS said
//! (`Known`, which is an `Option` where AWS can say "not configured") or `Unknown` with the
//! reason it could not be read. "Could not see" never turns into PASS or FAIL.

pub mod iam;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::finding::Resource;
pub use iam::IamInventory;

/// Version of the snapshot format; bumped when a field is renamed or removed.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Everything collected in one run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inventory {
    pub snapshot_version: u32,
    /// When collection started. Checks measure ages from here.
    pub collected_at: DateTime<Utc>,
    pub accounts: Vec<AccountInventory>,
}

impl Inventory {
    pub fn new(collected_at: DateTime<Utc>) -> Self {
        Self { snapshot_version: SNAPSHOT_VERSION, collected_at, accounts: Vec::new() }
    }

    /// Every region named by any account, sorted and deduplicated.
    pub fn regions(&self) -> Vec<String> {
        let mut regions: Vec<String> = self.accounts.iter().flat_map(|a| a.regions.iter().cloned()).collect();
        regions.sort();
        regions.dedup();
        regions
    }
}

/// One AWS account's inventory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountInventory {
    pub account_id: String,
    /// `aws`, `aws-cn` or `aws-us-gov`; used to build ARNs.
    pub partition: String,
    /// The regions audited in this account.
    pub regions: Vec<String>,
    pub iam: IamInventory,
}

impl AccountInventory {
    /// The account itself as the resource of a finding.
    pub fn resource(&self) -> Resource {
        Resource {
            id: self.account_id.clone(),
            arn: Some(format!("arn:{}:iam::{}:root", self.partition, self.account_id)),
            kind: "AwsAccount",
            region: None,
        }
    }
}

/// The result of one API read: the value, or why it could not be had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    Known(T),
    /// Access denied, throttled past every retry, not supported by the endpoint, …
    Unknown(String),
}

impl<T> Collected<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Collected::Known(v) => Some(v),
            Collected::Unknown(_) => None,
        }
    }

    pub fn as_result(&self) -> Result<&T, &str> {
        match self {
            Collected::Known(v) => Ok(v),
            Collected::Unknown(why) => Err(why),
        }
    }
}

impl<T> Default for Collected<T> {
    /// Not collected at all (the service was not selected).
    fn default() -> Self {
        Collected::Unknown("not collected".to_string())
    }
}
