//! Inventory sources: one per read a collector makes, so that a check can say what it reads
//! and collection can be planned from the selected checks.
//!
//! A source is one [`Collected`](super::Collected) value of the inventory (or one per
//! resource, such as each snapshot's permissions or each bucket's policy). [`Source::needs`]
//! says which other reads a read depends on (a snapshot's permissions need the snapshot
//! list); [`Plan`] is the closed set of sources a collection makes.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{AccountInventory, Collected, RegionInventory};
use crate::registry::Check;

/// The collector (one AWS service) that fills a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Collector {
    Iam,
    S3,
    CloudTrail,
    Account,
    Ec2,
    Kms,
    Logs,
    CloudWatch,
    Sns,
    Config,
    GuardDuty,
    SecurityHub,
    AccessAnalyzer,
    Ssm,
    Rds,
    Efs,
    Macie,
}

/// Whether a source is read once per account or once per audited region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    Global,
    Regional,
}

macro_rules! sources {
    ($( $(#[doc = $doc:literal])* $variant:ident = ($name:literal, $collector:ident, $scope:ident, [$($need:ident),*]), )*) => {
        /// One read of a collector.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Source {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Source {
            /// Every source, in declaration order.
            pub const ALL: &'static [Source] = &[$(Source::$variant),*];

            /// The source's name, for messages ("snapshot permissions").
            pub fn name(self) -> &'static str {
                match self { $(Source::$variant => $name,)* }
            }

            /// The collector that fills it.
            pub fn collector(self) -> Collector {
                match self { $(Source::$variant => Collector::$collector,)* }
            }

            /// Read once per account, or once per region.
            pub fn scope(self) -> Scope {
                match self { $(Source::$variant => Scope::$scope,)* }
            }

            /// The reads this one cannot be made without (the list it reads per item, the
            /// groups whose rules name the prefix lists to resolve).
            pub fn needs(self) -> &'static [Source] {
                match self { $(Source::$variant => &[$(Source::$need),*],)* }
            }
        }
    };
}

sources! {
    /// iam:GenerateCredentialReport + GetCredentialReport.
    CredentialReport = ("credential report", Iam, Global, []),
    /// iam:GetAccountSummary.
    AccountSummary = ("account summary", Iam, Global, []),
    /// iam:GetAccountPasswordPolicy.
    PasswordPolicy = ("password policy", Iam, Global, []),
    /// iam:ListVirtualMFADevices.
    VirtualMfaDevices = ("virtual MFA devices", Iam, Global, []),
    /// iam:GetAccountAuthorizationDetails (users, groups, roles, managed policies).
    AuthorizationDetails = ("authorization details", Iam, Global, []),
    /// iam:ListServerCertificates.
    ServerCertificates = ("server certificates", Iam, Global, []),
    /// iam:ListSAMLProviders.
    SamlProviders = ("SAML providers", Iam, Global, []),
    /// iam:ListOpenIDConnectProviders.
    OidcProviders = ("OIDC providers", Iam, Global, []),
    /// s3:ListBuckets, and GetBucketLocation where the listing does not say.
    Buckets = ("S3 buckets", S3, Global, []),
    /// s3:GetEncryptionConfiguration per bucket.
    BucketEncryption = ("bucket encryption", S3, Global, [Buckets]),
    /// s3:GetBucketPublicAccessBlock per bucket.
    BucketPublicAccessBlock = ("bucket public access blocks", S3, Global, [Buckets]),
    /// s3:GetBucketPolicy per bucket.
    BucketPolicy = ("bucket policies", S3, Global, [Buckets]),
    /// s3:GetBucketPolicyStatus per bucket.
    BucketPolicyStatus = ("bucket policy status", S3, Global, [Buckets]),
    /// s3:GetBucketAcl per bucket.
    BucketAcl = ("bucket ACLs", S3, Global, [Buckets]),
    /// s3:GetBucketVersioning per bucket.
    BucketVersioning = ("bucket versioning", S3, Global, [Buckets]),
    /// s3:GetBucketLogging per bucket.
    BucketLogging = ("bucket access logging", S3, Global, [Buckets]),
    /// s3control:GetPublicAccessBlock for the account.
    AccountPublicAccessBlock = ("account public access block", S3, Global, []),
    /// cloudtrail:DescribeTrails in every audited region.
    Trails = ("CloudTrail trails", CloudTrail, Global, []),
    /// cloudtrail:GetTrailStatus per trail.
    TrailStatus = ("trail status", CloudTrail, Global, [Trails]),
    /// cloudtrail:GetEventSelectors per trail.
    TrailEventSelectors = ("trail event selectors", CloudTrail, Global, [Trails]),
    /// account:GetContactInformation.
    ContactInformation = ("contact information", Account, Global, []),
    /// account:GetAlternateContact(SECURITY).
    SecurityContact = ("security contact", Account, Global, []),
    /// ec2:GetEbsEncryptionByDefault.
    EbsEncryptionByDefault = ("EBS encryption by default", Ec2, Regional, []),
    /// ec2:GetEbsDefaultKmsKeyId.
    EbsDefaultKmsKey = ("EBS default KMS key", Ec2, Regional, []),
    /// ec2:DescribeVolumes.
    Volumes = ("EBS volumes", Ec2, Regional, []),
    /// ec2:DescribeSnapshots(self).
    Snapshots = ("EBS snapshots", Ec2, Regional, []),
    /// ec2:DescribeSnapshotAttribute(createVolumePermission) per snapshot.
    SnapshotPermissions = ("snapshot permissions", Ec2, Regional, [Snapshots]),
    /// ec2:GetSnapshotBlockPublicAccessState.
    SnapshotBlockPublicAccess = ("snapshot block public access", Ec2, Regional, []),
    /// ec2:DescribeSecurityGroups.
    SecurityGroups = ("security groups", Ec2, Regional, []),
    /// ec2:DescribeManagedPrefixLists + GetManagedPrefixListEntries, for the lists that a
    /// security group rule names.
    ManagedPrefixLists = ("managed prefix lists", Ec2, Regional, [SecurityGroups]),
    /// ec2:DescribeNetworkAcls.
    NetworkAcls = ("network ACLs", Ec2, Regional, []),
    /// ec2:DescribeVpcs.
    Vpcs = ("VPCs", Ec2, Regional, []),
    /// ec2:DescribeSubnets.
    Subnets = ("subnets", Ec2, Regional, []),
    /// ec2:DescribeRouteTables.
    RouteTables = ("route tables", Ec2, Regional, []),
    /// ec2:DescribeVpcPeeringConnections.
    VpcPeeringConnections = ("VPC peering connections", Ec2, Regional, []),
    /// ec2:DescribeInternetGateways.
    InternetGateways = ("internet gateways", Ec2, Regional, []),
    /// ec2:DescribeFlowLogs.
    FlowLogs = ("flow logs", Ec2, Regional, []),
    /// ec2:DescribeInstances.
    Instances = ("EC2 instances", Ec2, Regional, []),
    /// ec2:GetInstanceMetadataDefaults.
    InstanceMetadataDefaults = ("instance metadata defaults", Ec2, Regional, []),
    /// kms:ListKeys + DescribeKey.
    KmsKeys = ("KMS keys", Kms, Regional, []),
    /// kms:GetKeyRotationStatus per customer symmetric key.
    KmsKeyRotation = ("KMS key rotation status", Kms, Regional, [KmsKeys]),
    /// kms:GetKeyPolicy per key.
    KmsKeyPolicies = ("KMS key policies", Kms, Regional, [KmsKeys]),
    /// kms:ListAliases.
    KmsAliases = ("KMS aliases", Kms, Regional, []),
    /// logs:DescribeMetricFilters.
    MetricFilters = ("metric filters", Logs, Regional, []),
    /// cloudwatch:DescribeAlarms.
    MetricAlarms = ("CloudWatch alarms", CloudWatch, Regional, []),
    /// sns:ListSubscriptions.
    SnsSubscriptions = ("SNS subscriptions", Sns, Regional, []),
    /// config:DescribeConfigurationRecorders + DescribeConfigurationRecorderStatus.
    ConfigRecorders = ("configuration recorders", Config, Regional, []),
    /// guardduty:ListDetectors + GetDetector.
    GuardDutyDetectors = ("GuardDuty detectors", GuardDuty, Regional, []),
    /// securityhub:DescribeHub.
    SecurityHub = ("Security Hub", SecurityHub, Regional, []),
    /// access-analyzer:ListAnalyzers.
    AccessAnalyzers = ("access analyzers", AccessAnalyzer, Regional, []),
    /// ssm:DescribeInstanceInformation.
    SsmManagedInstances = ("SSM managed instances", Ssm, Regional, []),
    /// ssm:ListResourceComplianceSummaries(Patch).
    SsmPatchCompliance = ("SSM patch compliance", Ssm, Regional, []),
    /// rds:DescribeDBInstances.
    RdsInstances = ("RDS instances", Rds, Regional, []),
    /// rds:DescribeDBClusters.
    RdsClusters = ("RDS clusters", Rds, Regional, []),
    /// elasticfilesystem:DescribeFileSystems.
    EfsFileSystems = ("EFS file systems", Efs, Regional, []),
    /// macie2:GetMacieSession.
    MacieSession = ("Macie session", Macie, Regional, []),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Source {
    /// Sets what this source fills in `account` to `Unknown(reason)`: the list itself, or
    /// the value on each resource of the list it depends on.
    pub fn mark_unknown(self, account: &mut AccountInventory, reason: &str) {
        fn un<T>(c: &mut Collected<T>, reason: &str) {
            *c = Collected::unknown(crate::inventory::Cause::NotCollected, reason);
        }
        fn each<T>(list: &mut Collected<Vec<T>>, mut f: impl FnMut(&mut T)) {
            if let Collected::Known(items) = list {
                items.iter_mut().for_each(&mut f);
            }
        }
        let regions = |account: &mut AccountInventory, f: &dyn Fn(&mut RegionInventory)| {
            account.regional.values_mut().for_each(f);
        };
        use Source::*;
        match self {
            CredentialReport => un(&mut account.iam.credential_report, reason),
            AccountSummary => un(&mut account.iam.account_summary, reason),
            PasswordPolicy => un(&mut account.iam.password_policy, reason),
            VirtualMfaDevices => un(&mut account.iam.virtual_mfa_devices, reason),
            AuthorizationDetails => un(&mut account.iam.authorization_details, reason),
            ServerCertificates => un(&mut account.iam.server_certificates, reason),
            SamlProviders => un(&mut account.iam.saml_providers, reason),
            OidcProviders => un(&mut account.iam.oidc_providers, reason),
            Buckets => un(&mut account.s3.buckets, reason),
            BucketEncryption => each(&mut account.s3.buckets, |b| un(&mut b.encryption, reason)),
            BucketPublicAccessBlock => each(&mut account.s3.buckets, |b| un(&mut b.public_access_block, reason)),
            BucketPolicy => each(&mut account.s3.buckets, |b| un(&mut b.policy, reason)),
            BucketPolicyStatus => each(&mut account.s3.buckets, |b| un(&mut b.policy_is_public, reason)),
            BucketAcl => each(&mut account.s3.buckets, |b| un(&mut b.acl_grants, reason)),
            BucketVersioning => each(&mut account.s3.buckets, |b| un(&mut b.versioning, reason)),
            BucketLogging => each(&mut account.s3.buckets, |b| un(&mut b.logging, reason)),
            AccountPublicAccessBlock => un(&mut account.s3.account_public_access_block, reason),
            Trails => un(&mut account.cloudtrail.trails, reason),
            TrailStatus => each(&mut account.cloudtrail.trails, |t| un(&mut t.status, reason)),
            TrailEventSelectors => each(&mut account.cloudtrail.trails, |t| un(&mut t.selectors, reason)),
            ContactInformation => un(&mut account.account.contact_information, reason),
            SecurityContact => un(&mut account.account.security_contact, reason),
            EbsEncryptionByDefault => regions(account, &|r| un(&mut r.ec2.ebs_encryption_by_default, reason)),
            EbsDefaultKmsKey => regions(account, &|r| un(&mut r.ec2.ebs_default_kms_key_id, reason)),
            Volumes => regions(account, &|r| un(&mut r.ec2.volumes, reason)),
            Snapshots => regions(account, &|r| un(&mut r.ec2.snapshots, reason)),
            SnapshotPermissions => {
                regions(account, &|r| each(&mut r.ec2.snapshots, |s| un(&mut s.create_volume_permissions, reason)))
            }
            SnapshotBlockPublicAccess => regions(account, &|r| un(&mut r.ec2.snapshot_block_public_access, reason)),
            SecurityGroups => regions(account, &|r| un(&mut r.ec2.security_groups, reason)),
            ManagedPrefixLists => regions(account, &|r| un(&mut r.ec2.managed_prefix_lists, reason)),
            NetworkAcls => regions(account, &|r| un(&mut r.ec2.network_acls, reason)),
            Vpcs => regions(account, &|r| un(&mut r.ec2.vpcs, reason)),
            Subnets => regions(account, &|r| un(&mut r.ec2.subnets, reason)),
            RouteTables => regions(account, &|r| un(&mut r.ec2.route_tables, reason)),
            VpcPeeringConnections => regions(account, &|r| un(&mut r.ec2.vpc_peering_connections, reason)),
            InternetGateways => regions(account, &|r| un(&mut r.ec2.internet_gateways, reason)),
            FlowLogs => regions(account, &|r| un(&mut r.ec2.flow_logs, reason)),
            Instances => regions(account, &|r| un(&mut r.ec2.instances, reason)),
            InstanceMetadataDefaults => regions(account, &|r| un(&mut r.ec2.instance_metadata_defaults, reason)),
            KmsKeys => regions(account, &|r| un(&mut r.kms.keys, reason)),
            KmsKeyRotation => regions(account, &|r| each(&mut r.kms.keys, |k| un(&mut k.rotation_enabled, reason))),
            KmsKeyPolicies => regions(account, &|r| each(&mut r.kms.keys, |k| un(&mut k.policy, reason))),
            KmsAliases => regions(account, &|r| un(&mut r.kms.aliases, reason)),
            MetricFilters => regions(account, &|r| un(&mut r.logs.metric_filters, reason)),
            MetricAlarms => regions(account, &|r| un(&mut r.cloudwatch.metric_alarms, reason)),
            SnsSubscriptions => regions(account, &|r| un(&mut r.sns.subscriptions, reason)),
            ConfigRecorders => regions(account, &|r| un(&mut r.config.configuration_recorders, reason)),
            GuardDutyDetectors => regions(account, &|r| un(&mut r.guardduty.detectors, reason)),
            SecurityHub => regions(account, &|r| un(&mut r.securityhub.hub, reason)),
            AccessAnalyzers => regions(account, &|r| un(&mut r.accessanalyzer.analyzers, reason)),
            SsmManagedInstances => regions(account, &|r| un(&mut r.ssm.managed_instances, reason)),
            SsmPatchCompliance => regions(account, &|r| un(&mut r.ssm.patch_compliance, reason)),
            RdsInstances => regions(account, &|r| un(&mut r.rds.db_instances, reason)),
            RdsClusters => regions(account, &|r| un(&mut r.rds.db_clusters, reason)),
            EfsFileSystems => regions(account, &|r| un(&mut r.efs.file_systems, reason)),
            MacieSession => regions(account, &|r| un(&mut r.macie.session, reason)),
        }
    }
}

/// The sources one collection reads: those of the selected checks, and every source they
/// need (a snapshot's permissions need the snapshot list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    sources: BTreeSet<Source>,
}

impl Plan {
    /// The plan for these checks.
    pub fn of(checks: &[&Check]) -> Plan {
        Plan::from_sources(checks.iter().flat_map(|c| c.reads.iter().copied()))
    }

    /// These sources and, transitively, what they need.
    pub fn from_sources(sources: impl IntoIterator<Item = Source>) -> Plan {
        let mut plan = Plan::default();
        let mut todo: Vec<Source> = sources.into_iter().collect();
        while let Some(s) = todo.pop() {
            if plan.sources.insert(s) {
                todo.extend_from_slice(s.needs());
            }
        }
        plan
    }

    /// Every source, as a plan.
    pub fn everything() -> Plan {
        Plan::from_sources(Source::ALL.iter().copied())
    }

    /// Whether the source is read.
    pub fn reads(&self, source: Source) -> bool {
        self.sources.contains(&source)
    }

    /// Whether any source of this collector is read.
    pub fn uses(&self, collector: Collector) -> bool {
        self.sources.iter().any(|s| s.collector() == collector)
    }

    /// The collectors called, in order.
    pub fn collectors(&self) -> BTreeSet<Collector> {
        self.sources.iter().map(|s| s.collector()).collect()
    }

    /// The sources read, in order.
    pub fn sources(&self) -> impl Iterator<Item = Source> + '_ {
        self.sources.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }
}

#[cfg(test)]
mod tests;
