//! The snapshot model: what collectors write and checks read.
//!
//! Plain serde structs, no SDK types; names follow the AWS API's own. A value that comes
//! from an API call that can fail on its own is a [`Collected`]: either what AWS said
//! (`Known`, which is an `Option` where AWS can say "not configured") or `Unknown` with the
//! reason it could not be read. "Could not see" never turns into PASS or FAIL.

pub mod accessanalyzer;
pub mod account;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod elb;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod kubernetes;
pub mod logs;
pub mod macie;
pub mod rds;
pub mod s3;
pub mod securityhub;
pub mod sns;
pub mod source;
pub mod ssm;
pub mod tagging;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::finding::Resource;
pub use accessanalyzer::AccessAnalyzerInventory;
pub use account::AccountManagementInventory;
pub use cloudtrail::CloudTrailInventory;
pub use cloudwatch::CloudWatchInventory;
pub use config::ConfigInventory;
pub use ec2::Ec2Inventory;
pub use ecr::EcrInventory;
pub use ecs::EcsInventory;
pub use efs::EfsInventory;
pub use eks::EksInventory;
pub use elb::ElbInventory;
pub use guardduty::GuardDutyInventory;
pub use iam::IamInventory;
pub use kms::KmsInventory;
pub use kubernetes::KubernetesInventory;
pub use logs::LogsInventory;
pub use macie::MacieInventory;
pub use rds::RdsInventory;
pub use s3::S3Inventory;
pub use securityhub::SecurityHubInventory;
pub use sns::SnsInventory;
pub use ssm::SsmInventory;
pub use tagging::TaggingInventory;
pub use source::{Plan, Scope};

/// Version of the snapshot format; bumped when a field is renamed or removed.
pub const SNAPSHOT_VERSION: u32 = 3;

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
    /// AWS Account Management: contact details (presence only).
    #[serde(default)]
    pub account: AccountManagementInventory,
    /// One Kubernetes cluster's reads (`rampart audit --kubernetes`); nothing collected in an
    /// audit of AWS.
    #[serde(default)]
    pub kubernetes: KubernetesInventory,
    /// Regional services, keyed by region name.
    #[serde(default)]
    pub regional: BTreeMap<String, RegionInventory>,
}

/// What one region of one account holds: one field per regional service, each holding
/// that service's reads (`checks/src/inventory/<service>.rs`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionInventory {
    pub ec2: Ec2Inventory,
    pub kms: KmsInventory,
    pub logs: LogsInventory,
    pub cloudwatch: CloudWatchInventory,
    pub sns: SnsInventory,
    pub config: ConfigInventory,
    pub guardduty: GuardDutyInventory,
    pub securityhub: SecurityHubInventory,
    pub accessanalyzer: AccessAnalyzerInventory,
    pub ssm: SsmInventory,
    pub rds: RdsInventory,
    pub efs: EfsInventory,
    pub ecr: EcrInventory,
    pub ecs: EcsInventory,
    pub eks: EksInventory,
    pub elb: ElbInventory,
    pub macie: MacieInventory,
    pub tagging: TaggingInventory,
}

// The reads of every collector, one row each: its variant of `Source`, its name for
// messages, the collector (service) that makes it, whether it is read once per account or in
// every region, the reads it needs first, and the field of this inventory it fills (under
// the account, or under each region; `list[].field` on each item). A new service adds its
// collector and its rows here, beside its field above.
source::sources! {
    collectors: [
        Iam = "IAM",
        S3 = "S3",
        CloudTrail = "CloudTrail",
        Account = "Account Management",
        Ec2 = "EC2 (EBS and VPC included)",
        Kms = "KMS",
        Logs = "CloudWatch Logs",
        CloudWatch = "CloudWatch",
        Sns = "SNS",
        Config = "AWS Config",
        GuardDuty = "GuardDuty",
        SecurityHub = "Security Hub",
        AccessAnalyzer = "IAM Access Analyzer",
        Ssm = "Systems Manager",
        Rds = "RDS",
        Efs = "EFS",
        Ecr = "ECR",
        Ecs = "ECS",
        Eks = "EKS",
        Elb = "Elastic Load Balancing",
        Macie = "Macie",
        Tagging = "Resource Groups Tagging",
        Kubernetes = "Kubernetes API",
    ];

    /// iam:GenerateCredentialReport + GetCredentialReport.
    CredentialReport = ("credential report", Iam, Global, [], iam.credential_report),
    /// iam:GetAccountSummary.
    AccountSummary = ("account summary", Iam, Global, [], iam.account_summary),
    /// iam:GetAccountPasswordPolicy.
    PasswordPolicy = ("password policy", Iam, Global, [], iam.password_policy),
    /// iam:ListVirtualMFADevices.
    VirtualMfaDevices = ("virtual MFA devices", Iam, Global, [], iam.virtual_mfa_devices),
    /// iam:GetAccountAuthorizationDetails (users, groups, roles, customer managed policies) +
    /// ListPolicies(Scope=AWS, OnlyAttached) and GetPolicyVersion for the AWS managed policies
    /// attached in the account.
    AuthorizationDetails = ("authorization details", Iam, Global, [], iam.authorization_details),
    /// iam:ListServerCertificates.
    ServerCertificates = ("server certificates", Iam, Global, [], iam.server_certificates),
    /// iam:ListSAMLProviders.
    SamlProviders = ("SAML providers", Iam, Global, [], iam.saml_providers),
    /// iam:ListOpenIDConnectProviders.
    OidcProviders = ("OIDC providers", Iam, Global, [], iam.oidc_providers),
    /// s3:ListBuckets, and GetBucketLocation where the listing does not say.
    Buckets = ("S3 buckets", S3, Global, [], s3.buckets),
    /// s3:GetEncryptionConfiguration per bucket.
    BucketEncryption = ("bucket encryption", S3, Global, [Buckets], s3.buckets[].encryption),
    /// s3:GetBucketPublicAccessBlock per bucket.
    BucketPublicAccessBlock = ("bucket public access blocks", S3, Global, [Buckets], s3.buckets[].public_access_block),
    /// s3:GetBucketPolicy per bucket.
    BucketPolicy = ("bucket policies", S3, Global, [Buckets], s3.buckets[].policy),
    /// s3:GetBucketPolicyStatus per bucket.
    BucketPolicyStatus = ("bucket policy status", S3, Global, [Buckets], s3.buckets[].policy_is_public),
    /// s3:GetBucketAcl per bucket.
    BucketAcl = ("bucket ACLs", S3, Global, [Buckets], s3.buckets[].acl_grants),
    /// s3:GetBucketVersioning per bucket.
    BucketVersioning = ("bucket versioning", S3, Global, [Buckets], s3.buckets[].versioning),
    /// s3:GetBucketLogging per bucket.
    BucketLogging = ("bucket access logging", S3, Global, [Buckets], s3.buckets[].logging),
    /// s3control:GetPublicAccessBlock for the account.
    AccountPublicAccessBlock = ("account public access block", S3, Global, [], s3.account_public_access_block),
    /// cloudtrail:DescribeTrails in every audited region.
    Trails = ("CloudTrail trails", CloudTrail, Global, [], cloudtrail.trails),
    /// cloudtrail:GetTrailStatus per trail.
    TrailStatus = ("trail status", CloudTrail, Global, [Trails], cloudtrail.trails[].status),
    /// cloudtrail:GetEventSelectors per trail.
    TrailEventSelectors = ("trail event selectors", CloudTrail, Global, [Trails], cloudtrail.trails[].selectors),
    /// account:GetContactInformation.
    ContactInformation = ("contact information", Account, Global, [], account.contact_information),
    /// account:GetAlternateContact(SECURITY).
    SecurityContact = ("security contact", Account, Global, [], account.security_contact),
    /// ec2:GetEbsEncryptionByDefault.
    EbsEncryptionByDefault = ("EBS encryption by default", Ec2, Regional, [], ec2.ebs_encryption_by_default),
    /// ec2:GetEbsDefaultKmsKeyId.
    EbsDefaultKmsKey = ("EBS default KMS key", Ec2, Regional, [], ec2.ebs_default_kms_key_id),
    /// ec2:DescribeVolumes.
    Volumes = ("EBS volumes", Ec2, Regional, [], ec2.volumes),
    /// ec2:DescribeSnapshots(self).
    Snapshots = ("EBS snapshots", Ec2, Regional, [], ec2.snapshots),
    /// ec2:DescribeSnapshots(self, RestorableByUserIds=all): one paginated call per region,
    /// not one DescribeSnapshotAttribute per snapshot.
    PublicSnapshots = ("public snapshots", Ec2, Regional, [], ec2.public_snapshot_ids),
    /// ec2:GetSnapshotBlockPublicAccessState.
    SnapshotBlockPublicAccess = ("snapshot block public access", Ec2, Regional, [], ec2.snapshot_block_public_access),
    /// ec2:DescribeSecurityGroups.
    SecurityGroups = ("security groups", Ec2, Regional, [], ec2.security_groups),
    /// ec2:DescribeManagedPrefixLists + GetManagedPrefixListEntries, for the lists that a
    /// security group rule names.
    ManagedPrefixLists = ("managed prefix lists", Ec2, Regional, [SecurityGroups], ec2.managed_prefix_lists),
    /// ec2:DescribeNetworkAcls.
    NetworkAcls = ("network ACLs", Ec2, Regional, [], ec2.network_acls),
    /// ec2:DescribeVpcs.
    Vpcs = ("VPCs", Ec2, Regional, [], ec2.vpcs),
    /// ec2:DescribeSubnets (kept for the effective-exposure checks; none reads it yet).
    Subnets = ("subnets", Ec2, Regional, [], ec2.subnets),
    /// ec2:DescribeRouteTables.
    RouteTables = ("route tables", Ec2, Regional, [], ec2.route_tables),
    /// ec2:DescribeVpcPeeringConnections.
    VpcPeeringConnections = ("VPC peering connections", Ec2, Regional, [], ec2.vpc_peering_connections),
    /// ec2:DescribeInternetGateways (kept for the effective-exposure checks; none reads it yet).
    InternetGateways = ("internet gateways", Ec2, Regional, [], ec2.internet_gateways),
    /// ec2:DescribeFlowLogs.
    FlowLogs = ("flow logs", Ec2, Regional, [], ec2.flow_logs),
    /// ec2:DescribeInstances.
    Instances = ("EC2 instances", Ec2, Regional, [], ec2.instances),
    /// ec2:DescribeNetworkInterfaces.
    NetworkInterfaces = ("network interfaces", Ec2, Regional, [], ec2.network_interfaces),
    /// ec2:GetInstanceMetadataDefaults.
    InstanceMetadataDefaults = ("instance metadata defaults", Ec2, Regional, [], ec2.instance_metadata_defaults),
    /// kms:ListKeys + DescribeKey.
    KmsKeys = ("KMS keys", Kms, Regional, [], kms.keys),
    /// kms:GetKeyRotationStatus per customer symmetric key.
    KmsKeyRotation = ("KMS key rotation status", Kms, Regional, [KmsKeys], kms.keys[].rotation_enabled),
    /// kms:GetKeyPolicy per key.
    KmsKeyPolicies = ("KMS key policies", Kms, Regional, [KmsKeys], kms.keys[].policy),
    /// kms:ListAliases.
    KmsAliases = ("KMS aliases", Kms, Regional, [], kms.aliases),
    /// logs:DescribeMetricFilters.
    MetricFilters = ("metric filters", Logs, Regional, [], logs.metric_filters),
    /// cloudwatch:DescribeAlarms.
    MetricAlarms = ("CloudWatch alarms", CloudWatch, Regional, [], cloudwatch.metric_alarms),
    /// sns:ListSubscriptions.
    SnsSubscriptions = ("SNS subscriptions", Sns, Regional, [], sns.subscriptions),
    /// config:DescribeConfigurationRecorders + DescribeConfigurationRecorderStatus.
    ConfigRecorders = ("configuration recorders", Config, Regional, [], config.configuration_recorders),
    /// guardduty:ListDetectors + GetDetector.
    GuardDutyDetectors = ("GuardDuty detectors", GuardDuty, Regional, [], guardduty.detectors),
    /// securityhub:DescribeHub.
    SecurityHub = ("Security Hub", SecurityHub, Regional, [], securityhub.hub),
    /// access-analyzer:ListAnalyzers.
    AccessAnalyzers = ("access analyzers", AccessAnalyzer, Regional, [], accessanalyzer.analyzers),
    /// ssm:DescribeInstanceInformation.
    SsmManagedInstances = ("SSM managed instances", Ssm, Regional, [], ssm.managed_instances),
    /// ssm:ListResourceComplianceSummaries(Patch).
    SsmPatchCompliance = ("SSM patch compliance", Ssm, Regional, [], ssm.patch_compliance),
    /// rds:DescribeDBInstances.
    RdsInstances = ("RDS instances", Rds, Regional, [], rds.db_instances),
    /// rds:DescribeDBClusters.
    RdsClusters = ("RDS clusters", Rds, Regional, [], rds.db_clusters),
    /// elasticfilesystem:DescribeFileSystems.
    EfsFileSystems = ("EFS file systems", Efs, Regional, [], efs.file_systems),
    /// ecr:DescribeRepositories.
    EcrRepositories = ("ECR repositories", Ecr, Regional, [], ecr.repositories),
    /// ecr:GetRepositoryPolicy per repository.
    EcrRepositoryPolicies = ("ECR repository policies", Ecr, Regional, [EcrRepositories], ecr.repositories[].policy),
    /// ecr:GetLifecyclePolicy per repository.
    EcrLifecyclePolicies = ("ECR lifecycle policies", Ecr, Regional, [EcrRepositories], ecr.repositories[].lifecycle_policy),
    /// ecr:DescribeImages per repository (digests, tags and the summary of each image's scan).
    EcrImages = ("ECR images", Ecr, Regional, [EcrRepositories], ecr.repositories[].images),
    /// ecr:GetRegistryScanningConfiguration.
    EcrRegistryScanning = ("ECR registry scanning configuration", Ecr, Regional, [], ecr.scanning),
    /// ecs:ListClusters + DescribeClusters(SETTINGS).
    EcsClusters = ("ECS clusters", Ecs, Regional, [], ecs.clusters),
    /// ecs:ListTaskDefinitions(ACTIVE) + DescribeTaskDefinition for the latest revision of
    /// each family (every ACTIVE revision with `--ecs-all-revisions`).
    EcsTaskDefinitions = ("ECS task definitions", Ecs, Regional, [], ecs.task_definitions),
    /// ecs:ListClusters + ListTasks(RUNNING) + DescribeTasks in every cluster.
    EcsRunningImages = ("ECS running task images", Ecs, Regional, [], ecs.running_images),
    /// eks:ListClusters + DescribeCluster.
    EksClusters = ("EKS clusters", Eks, Regional, [], eks.clusters),
    /// eks:ListAddons per cluster.
    EksAddons = ("EKS add-ons", Eks, Regional, [EksClusters], eks.clusters[].addons),
    /// eks:DescribeAddon(vpc-cni) per cluster: its configuration values.
    EksVpcCniConfiguration = ("EKS VPC CNI configuration", Eks, Regional, [EksClusters], eks.clusters[].vpc_cni_configuration),
    /// eks:ListAccessEntries + ListAssociatedAccessPolicies per cluster and principal.
    EksAccessEntries = ("EKS access entries", Eks, Regional, [EksClusters], eks.clusters[].access_entries),
    /// elasticloadbalancing:DescribeLoadBalancers (application, network, gateway).
    LoadBalancers = ("load balancers", Elb, Regional, [], elb.load_balancers),
    /// elasticloadbalancing:DescribeListeners per load balancer.
    Listeners = ("load balancer listeners", Elb, Regional, [LoadBalancers], elb.load_balancers[].listeners),
    /// elasticloadbalancing:DescribeTargetGroups.
    TargetGroups = ("target groups", Elb, Regional, [], elb.target_groups),
    /// elasticloadbalancing:DescribeTargetHealth per target group.
    Targets = ("load balancer targets", Elb, Regional, [TargetGroups], elb.target_groups[].targets),
    /// elasticloadbalancing:DescribeLoadBalancers (Classic), with listeners and instances.
    ClassicLoadBalancers = ("Classic Load Balancers", Elb, Regional, [], elb.classic_load_balancers),
    /// macie2:GetMacieSession.
    MacieSession = ("Macie session", Macie, Regional, [], macie.session),
    /// tag:GetResources. Read by no check: every audit reads it for the findings' tags.
    ResourceTags = ("resource tags", Tagging, Regional, [], tagging.resources),
    /// Kubernetes: list pods (GET /api/v1/pods), all namespaces.
    KubernetesPods = ("Kubernetes pods", Kubernetes, Global, [], kubernetes.pods),
    /// Kubernetes: list replicasets (GET /apis/apps/v1/replicasets), for their owners.
    KubernetesReplicaSets = ("Kubernetes replica sets", Kubernetes, Global, [], kubernetes.replica_sets),
    /// Kubernetes: list jobs (GET /apis/batch/v1/jobs), for their owners.
    KubernetesJobs = ("Kubernetes jobs", Kubernetes, Global, [], kubernetes.jobs),
    /// Kubernetes: list namespaces (GET /api/v1/namespaces).
    KubernetesNamespaces = ("Kubernetes namespaces", Kubernetes, Global, [], kubernetes.namespaces),
    /// Kubernetes: list networkpolicies (GET /apis/networking.k8s.io/v1/networkpolicies).
    KubernetesNetworkPolicies = ("Kubernetes network policies", Kubernetes, Global, [], kubernetes.network_policies),
    /// Kubernetes: list clusterrolebindings (GET /apis/rbac.authorization.k8s.io/v1/clusterrolebindings).
    KubernetesClusterRoleBindings = ("Kubernetes cluster role bindings", Kubernetes, Global, [], kubernetes.cluster_role_bindings),
    /// Kubernetes: list rolebindings (GET /apis/rbac.authorization.k8s.io/v1/rolebindings).
    KubernetesRoleBindings = ("Kubernetes role bindings", Kubernetes, Global, [], kubernetes.role_bindings),
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
            account: AccountManagementInventory::default(),
            kubernetes: KubernetesInventory::default(),
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
        replace_unknown(&mut value, Cause::Other, reason);
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
fn replace_unknown(value: &mut serde_json::Value, cause: Cause, reason: &str) {
    match value {
        serde_json::Value::Object(map) => {
            if map.len() == 1 && map.contains_key("unknown") {
                let why = Unavailable::new(cause, reason);
                map.insert("unknown".into(), serde_json::to_value(why).expect("a reason serialises"));
                return;
            }
            map.values_mut().for_each(|v| replace_unknown(v, cause, reason));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| replace_unknown(v, cause, reason)),
        _ => {}
    }
}

/// The result of one API read: the value, or why it could not be had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    Known(T),
    /// Access denied, throttled past every retry, not supported by the endpoint, …
    Unknown(Unavailable),
}

/// What kind of failure kept a value from being read. Collection classifies each failed
/// call once; checks only ever show the reason's text, but the kind is kept in the
/// snapshot so that reports and tools can tell a denial from throttling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// No selected check reads it, so it was not asked for.
    NotCollected,
    /// The credentials may not make the call (AccessDenied, UnauthorizedOperation, HTTP 403).
    Denied,
    /// The service or setting is not set up where the answer cannot be read as data.
    NotConfigured,
    /// The endpoint does not implement the call (an emulator, a partition without it).
    Unsupported,
    /// Throttled after every retry.
    Throttled,
    /// The call or the audit's deadline timed out.
    TimedOut,
    /// Anything else: an unreadable response, a connection failure, a server error.
    Other,
}

impl Cause {
    pub const ALL: &'static [Cause] =
        &[Cause::NotCollected, Cause::Denied, Cause::NotConfigured, Cause::Unsupported, Cause::Throttled, Cause::TimedOut, Cause::Other];

    /// The snake_case name used in snapshots and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::NotCollected => "not_collected",
            Cause::Denied => "denied",
            Cause::NotConfigured => "not_configured",
            Cause::Unsupported => "unsupported",
            Cause::Throttled => "throttled",
            Cause::TimedOut => "timed_out",
            Cause::Other => "other",
        }
    }
}

/// Why a value is `Unknown`: the kind of failure and the human text naming the call
/// (`iam:GetAccountSummary access denied: …`). It reads as its text (`Display`, and it
/// dereferences to `str`), which is what findings show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unavailable {
    pub cause: Cause,
    pub reason: String,
}

impl Unavailable {
    pub fn new(cause: Cause, reason: impl Into<String>) -> Self {
        Unavailable { cause, reason: reason.into() }
    }
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::ops::Deref for Unavailable {
    type Target = str;
    fn deref(&self) -> &str {
        &self.reason
    }
}

/// A reason without a kind (a check's own derivation, a test's) is `Other`.
impl From<String> for Unavailable {
    fn from(reason: String) -> Self {
        Unavailable::new(Cause::Other, reason)
    }
}

impl From<&str> for Unavailable {
    fn from(reason: &str) -> Self {
        Unavailable::new(Cause::Other, reason)
    }
}

/// Reads `{"cause": "denied", "reason": "…"}`, or a bare reason string (kind `other`), which
/// hand-written fixtures use.
impl<'de> Deserialize<'de> for Unavailable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Full {
                cause: Cause,
                reason: String,
            },
        }
        Ok(match Form::deserialize(d)? {
            Form::Text(reason) => Unavailable::new(Cause::Other, reason),
            Form::Full { cause, reason } => Unavailable::new(cause, reason),
        })
    }
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
            Collected::Unknown(why) => Err(&why.reason),
        }
    }

    /// Why it is unknown, if it is.
    pub fn unavailable(&self) -> Option<&Unavailable> {
        match self {
            Collected::Known(_) => None,
            Collected::Unknown(why) => Some(why),
        }
    }

    /// Unknown for `reason` of kind `cause`.
    pub fn unknown(cause: Cause, reason: impl Into<String>) -> Self {
        Collected::Unknown(Unavailable::new(cause, reason))
    }
}

impl<T> Default for Collected<T> {
    /// Not collected at all (no selected check reads it).
    fn default() -> Self {
        Collected::unknown(Cause::NotCollected, "not collected")
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
    fn a_reason_keeps_its_kind_and_shows_its_text() {
        let denied: Collected<u8> = Collected::unknown(Cause::Denied, "iam:GetAccountSummary access denied: AccessDenied");
        let json = serde_json::to_string(&denied).unwrap();
        assert_eq!(json, r#"{"unknown":{"cause":"denied","reason":"iam:GetAccountSummary access denied: AccessDenied"}}"#);
        assert_eq!(serde_json::from_str::<Collected<u8>>(&json).unwrap(), denied);
        assert_eq!(denied.as_result(), Err("iam:GetAccountSummary access denied: AccessDenied"));
        assert_eq!(denied.unavailable().map(|u| u.to_string()).as_deref(), Some("iam:GetAccountSummary access denied: AccessDenied"));
        // A bare reason (hand-written fixtures) is of kind "other"; an unknown kind is refused.
        let bare: Collected<u8> = serde_json::from_str(r#"{"unknown":"no"}"#).unwrap();
        assert_eq!(bare.unavailable().map(|u| u.cause), Some(Cause::Other));
        assert!(serde_json::from_str::<Collected<u8>>(r#"{"unknown":{"cause":"bored","reason":"x"}}"#).is_err());
        for cause in Cause::ALL {
            assert_eq!(serde_json::to_value(cause).unwrap(), serde_json::Value::String(cause.as_str().to_string()));
        }
        let never: Collected<u8> = Collected::default();
        assert_eq!(never.unavailable().map(|u| u.cause), Some(Cause::NotCollected));
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
