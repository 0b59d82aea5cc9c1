//! The snapshot model: what collectors write and checks read.
//!
//! Plain serde structs, no SDK types; names follow the AWS API's own. A value that comes
//! from an API call that can fail on its own is a [`Collected`]: either what AWS said
//! (`Known`, which is an `Option` where AWS can say "not configured") or `Unknown` with the
//! reason it could not be read. "Could not see" never turns into PASS or FAIL.

pub mod account;
pub mod cloudtrail;
pub mod ec2;
pub mod iam;
pub mod kms;
pub mod monitoring;
pub mod s3;
pub mod services;
pub mod source;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::finding::Resource;
pub use cloudtrail::CloudTrailInventory;
pub use ec2::Ec2Inventory;
pub use iam::IamInventory;
pub use kms::KmsInventory;
pub use s3::S3Inventory;
pub use source::{Collector, Plan, Scope, Source};

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

    /// Whether the inventory can be audited at all. An inventory with no account, or with an
    /// account that names no region, would run its checks over nothing and report a clean
    /// account: collection never writes one, so a snapshot that holds one is refused.
    pub fn validate(&self) -> Result<(), String> {
        if self.accounts.is_empty() {
            return Err("it holds no account: there is nothing to audit".to_string());
        }
        for account in &self.accounts {
            if account.account_id.trim().is_empty() {
                return Err("an account has an empty account_id".to_string());
            }
            if account.regions.is_empty() && account.regional.is_empty() {
                return Err(format!(
                    "account {} names no region: its regional checks would have nothing to judge",
                    account.account_id
                ));
            }
        }
        Ok(())
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
    /// Global: IAM.
    #[serde(default)]
    pub iam: IamInventory,
    /// Global listing: S3 buckets (each with its region) and account Block Public Access.
    #[serde(default)]
    pub s3: S3Inventory,
    /// Trails of every audited region, deduplicated.
    #[serde(default)]
    pub cloudtrail: CloudTrailInventory,
    /// Account contact details (presence only).
    #[serde(default)]
    pub contacts: account::AccountContacts,
    /// Regional services, keyed by region name.
    #[serde(default)]
    pub regional: BTreeMap<String, RegionInventory>,
}

/// What one region of one account holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionInventory {
    pub ec2: Ec2Inventory,
    pub kms: KmsInventory,
    /// CloudWatch Logs DescribeMetricFilters.
    pub metric_filters: Collected<Vec<monitoring::MetricFilter>>,
    /// CloudWatch DescribeAlarms (metric alarms).
    pub metric_alarms: Collected<Vec<monitoring::MetricAlarm>>,
    /// SNS ListSubscriptions.
    pub sns_subscriptions: Collected<Vec<monitoring::Subscription>>,
    /// AWS Config DescribeConfigurationRecorders + status.
    pub config_recorders: Collected<Vec<monitoring::ConfigRecorder>>,
    /// GuardDuty ListDetectors + GetDetector.
    pub guardduty_detectors: Collected<Vec<monitoring::GuardDutyDetector>>,
    /// Security Hub DescribeHub; `None` when the account is not subscribed here.
    pub securityhub: Collected<Option<monitoring::SecurityHub>>,
    /// IAM Access Analyzer ListAnalyzers.
    pub access_analyzers: Collected<Vec<monitoring::Analyzer>>,
    /// SSM DescribeInstanceInformation.
    pub ssm_managed_instances: Collected<Vec<services::ManagedInstance>>,
    /// SSM ListResourceComplianceSummaries(ComplianceType=Patch).
    pub ssm_patch_compliance: Collected<Vec<services::PatchCompliance>>,
    /// RDS DescribeDBInstances.
    pub rds_instances: Collected<Vec<services::DbInstance>>,
    /// RDS DescribeDBClusters.
    pub rds_clusters: Collected<Vec<services::DbCluster>>,
    /// EFS DescribeFileSystems.
    pub efs_file_systems: Collected<Vec<services::FileSystem>>,
    /// Macie GetMacieSession; `None` when Macie is not enabled in the region.
    pub macie_session: Collected<Option<services::MacieSession>>,
}

impl AccountInventory {
    /// An account with nothing collected yet.
    pub fn new(account_id: impl Into<String>, partition: impl Into<String>, regions: Vec<String>) -> Self {
        AccountInventory {
            account_id: account_id.into(),
            partition: partition.into(),
            regions,
            iam: IamInventory::default(),
            s3: S3Inventory::default(),
            cloudtrail: CloudTrailInventory::default(),
            contacts: account::AccountContacts::default(),
            regional: BTreeMap::new(),
        }
    }

    /// An account that could not be read at all (its role could not be assumed, its
    /// credentials were refused): every value is unknown for `reason`, so every selected
    /// check reports ERROR with it.
    pub fn unreachable(account_id: &str, partition: &str, regions: Vec<String>, reason: &str) -> Self {
        let mut account = AccountInventory::new(account_id, partition, regions.clone());
        account.regional = regions.into_iter().map(|r| (r, RegionInventory::default())).collect();
        let mut value = serde_json::to_value(&account).expect("an inventory serialises");
        replace_unknown(&mut value, reason);
        serde_json::from_value(value).expect("the same inventory deserialises")
    }

    /// The regional inventories of every audited region, in region order. A region that
    /// was audited but has no inventory (a partial snapshot) yields an empty one whose
    /// values are all "not collected", so its checks report ERROR instead of nothing.
    pub fn regions(&self) -> impl Iterator<Item = (&str, &RegionInventory)> {
        static NOT_COLLECTED: std::sync::LazyLock<RegionInventory> = std::sync::LazyLock::new(RegionInventory::default);
        let mut names: Vec<&str> = self.regions.iter().map(String::as_str).chain(self.regional.keys().map(String::as_str)).collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(|r| (r, self.regional.get(r).unwrap_or(&NOT_COLLECTED)))
    }

    /// The account as the resource of a finding about one region (e.g. "EBS default
    /// encryption in eu-west-1").
    pub fn regional_resource(&self, region: &str, kind: &'static str) -> Resource {
        Resource {
            id: format!("{}/{region}", self.account_id),
            arn: Some(format!("arn:{}:iam::{}:root", self.partition, self.account_id)),
            kind,
            region: Some(region.to_string()),
        }
    }

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

/// Replaces every `Unknown` reason in a serialised inventory.
fn replace_unknown(value: &mut serde_json::Value, reason: &str) {
    match value {
        serde_json::Value::Object(map) => {
            if map.len() == 1 && map.contains_key("unknown") {
                map.insert("unknown".into(), serde_json::Value::String(reason.to_string()));
                return;
            }
            map.values_mut().for_each(|v| replace_unknown(v, reason));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| replace_unknown(v, reason)),
        _ => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_of_nothing_is_refused() {
        let mut inventory = Inventory::new(crate::testing::now());
        assert_eq!(inventory.validate(), Err("it holds no account: there is nothing to audit".to_string()));
        inventory.accounts.push(AccountInventory::new("123456789012", "aws", vec![]));
        let err = inventory.validate().unwrap_err();
        assert!(err.contains("account 123456789012 names no region"), "{err}");
        inventory.accounts[0].regional.insert("eu-west-1".into(), RegionInventory::default());
        assert_eq!(inventory.validate(), Ok(()));
        inventory.accounts[0].regional.clear();
        inventory.accounts[0].regions.push("eu-west-1".into());
        assert_eq!(inventory.validate(), Ok(()));
        inventory.accounts.push(AccountInventory::new(" ", "aws", vec!["eu-west-1".into()]));
        assert!(inventory.validate().is_err());
    }

    #[test]
    fn an_unreachable_account_makes_every_check_error_with_the_reason() {
        let account = AccountInventory::unreachable("210987654321", "aws", vec!["eu-west-1".into()], "cannot assume role x");
        let mut inventory = Inventory::new(crate::testing::now());
        inventory.accounts.push(account);
        let findings = crate::evaluate(&inventory, &crate::Selection::default(), &crate::Config::default());
        assert!(findings.len() >= crate::all_checks().len());
        for f in &findings {
            assert_eq!(f.status, crate::Status::Error, "{f:?}");
            assert_eq!(&*f.resource.account_id, "210987654321");
        }
        // Every check says why (summary findings may refer to the regional ones instead).
        for check in crate::all_checks() {
            assert!(
                findings.iter().any(|f| f.check.id == check.id && f.message.contains("cannot assume role x")),
                "{}: the reason is not given",
                check.id
            );
        }
    }
}
