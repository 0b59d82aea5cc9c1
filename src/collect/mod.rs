//! Collection: the only code that calls AWS. Fills an [`Inventory`] for the checks.
//!
//! Collection is planned from the sources the selected checks read ([`Plan`]): a service's
//! collector is called only when one of its sources is needed, and makes only the reads of
//! the needed sources; what is not read stays "not collected". Global services (IAM, S3,
//! CloudTrail's trail list, Account) are read once per account; regional ones run as one task
//! per service × region, all concurrently.

/// Drains a paginator's items into `Collected<Vec<_>>`, mapping each item; the first
/// error makes the whole list `Unknown` with the reason (a partial list would be a guess).
macro_rules! collect_items {
    ($action:literal, $paginator:expr, $map:expr) => {{
        let mut items = $paginator.items().send();
        let mut out = Vec::new();
        loop {
            match items.next().await {
                None => break rampart_checks::Collected::Known(out),
                Some(Ok(item)) => out.push(($map)(item)),
                Some(Err(e)) => break rampart_checks::Collected::Unknown($crate::aws::error::describe($action, &e)),
            }
        }
    }};
}
pub(crate) use collect_items;

mod account;
mod cloudtrail;
mod ec2;
mod iam;
mod kms;
mod monitoring;
mod s3;
mod services;

use std::future::Future;

use chrono::{DateTime, Utc};
use rampart_checks::inventory::{AccountInventory, Collector, Inventory, Plan, RegionInventory, Source};
use rampart_checks::{Check, Collected};
use tracing::info;

use futures::StreamExt;

use crate::aws::{self, Session};
use crate::settings::{Accounts, AwsSettings};
use crate::error::RunError;
use crate::progress;

/// Calls made at once for per-resource reads (snapshot attributes, key details, bucket
/// settings) in one service and region: enough to be fast, few enough to stay gentle.
pub(crate) const PER_RESOURCE_CONCURRENCY: usize = 8;

/// Makes a read only when the plan holds its source; otherwise the value stays at the
/// inventory's "not collected".
pub(crate) async fn read<T>(plan: &Plan, source: Source, read: impl Future<Output = Collected<T>>) -> Collected<T> {
    if plan.reads(source) { read.await } else { Collected::default() }
}

/// Collects what the selected checks read, for every account the options name: the
/// caller's, the account of `--role-arn`, or every active account of the organization with
/// `--org` (up to `--max-accounts` at once). An account that cannot be entered yields ERROR
/// findings for that account and never stops the others.
/// A progress bar shows on a terminal unless `quiet`.
pub async fn collect(args: &AwsSettings, checks: &[&Check], quiet: bool) -> Result<Inventory, RunError> {
    progress::init(quiet);
    let inventory = collect_accounts(args, checks).await;
    progress::finish();
    inventory
}

async fn collect_accounts(args: &AwsSettings, checks: &[&Check]) -> Result<Inventory, RunError> {
    let mut inventory = Inventory::new(Utc::now());
    let base = aws::load_base(args).await?;
    let role_name = match &args.accounts {
        Accounts::Organization { role_name, .. } => role_name,
        single => {
            let config = match single {
                Accounts::Role { arn } => aws::assume_role(&base, arn, args).await,
                _ => base,
            };
            let mut session = aws::session(config, args, Vec::new()).await?;
            session.regions = aws::regions(session.config(), args).await?;
            inventory.accounts.push(collect_account(&session, checks).await);
            return Ok(inventory);
        }
    };
    let caller = aws::session(base.clone(), args, Vec::new()).await?;
    let ids = aws::organization_accounts(&base, args).await?;
    if ids.is_empty() {
        return Err(RunError::Organization(
            "it lists no active account (is this the management or a delegated administrator account, and do --accounts/--exclude-accounts leave any?)".into(),
        ));
    }
    info!(accounts = ids.len(), "organization");
    progress::accounts(ids.len() as u64);
    let accounts = futures::stream::iter(ids)
        .map(|id| {
            let (base, caller) = (&base, &caller);
            async move {
                // The caller's own account needs no role; the others are entered through it.
                let (config, entered_through) = if id == caller.account_id {
                    (base.clone(), None)
                } else {
                    let arn = format!("arn:{}:iam::{id}:role/{}", caller.partition, role_name);
                    (aws::assume_role(base, &arn, args).await, Some(arn))
                };
                let entered = async {
                    let mut session = aws::session(config, args, Vec::new()).await?;
                    session.regions = aws::regions(session.config(), args).await?;
                    Ok::<_, RunError>(session)
                };
                let account = match entered.await {
                    Ok(session) => collect_account(&session, checks).await,
                    Err(e) => {
                        let why = match entered_through {
                            Some(arn) => format!("account {id} could not be audited through {arn}: {e}"),
                            None => format!("account {id} could not be audited: {e}"),
                        };
                        tracing::warn!("{why}");
                        let regions = if args.regions.is_empty() { vec!["global".to_string()] } else { args.regions.clone() };
                        AccountInventory::unreachable(&id, &caller.partition, regions, &why)
                    }
                };
                progress::account_done();
                account
            }
        })
        .buffer_unordered(args.max_accounts as usize)
        .collect::<Vec<_>>()
        .await;
    inventory.accounts = accounts;
    inventory.accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(inventory)
}

/// Collects one account: global services once, regional ones per region, concurrently.
async fn collect_account(session: &Session, checks: &[&Check]) -> AccountInventory {
    let plan = Plan::of(checks);
    let started = std::time::Instant::now();
    let regions = session.regions.clone();
    let home = regions.first().cloned().unwrap_or_else(|| "us-east-1".to_string());
    let mut account = AccountInventory::new(&session.account_id, &session.partition, regions.clone());
    let plan = &plan;
    let uses = |c: Collector| plan.uses(c);
    let global = async {
        tokio::join!(
            async {
                if uses(Collector::Account) {
                    Some(progress::track(account::collect(&session.account_management(&home), plan)).await)
                } else {
                    None
                }
            },
            async { if uses(Collector::Iam) { Some(progress::track(iam::collect(&session.iam(), plan)).await) } else { None } },
            async { if uses(Collector::S3) { Some(progress::track(s3::collect(session, &home, plan)).await) } else { None } },
            async {
                if uses(Collector::CloudTrail) {
                    Some(progress::track(cloudtrail::collect(session, &regions, plan)).await)
                } else {
                    None
                }
            },
        )
    };
    let regional = futures::future::join_all(regions.iter().map(|r| region(session, r, plan)));
    let ((contacts, iam, s3, trails), regional) = tokio::join!(global, regional);
    if let Some(contacts) = contacts {
        account.contacts = contacts;
    }
    if let Some(iam) = iam {
        account.iam = iam;
    }
    if let Some(s3) = s3 {
        account.s3 = s3;
    }
    if let Some(trails) = trails {
        account.cloudtrail = trails;
    }
    account.regional = regions.iter().cloned().zip(regional).collect();
    info!(
        account = %session.account_id,
        elapsed_ms = started.elapsed().as_millis() as u64,
        services = plan.collectors().len(),
        sources = plan.len(),
        regions = regions.len(),
        "collected"
    );
    account
}

/// Every regional read the plan holds, for one region, concurrently.
async fn region(session: &Session, region: &str, plan: &Plan) -> RegionInventory {
    let mut inv = RegionInventory::default();
    // One task per read, counted by the progress bar; a read the plan does not hold is
    // neither sent nor counted.
    macro_rules! when {
        ($source:expr, $fut:expr) => {
            async {
                if plan.reads($source) { Some(progress::track($fut).await) } else { None }
            }
        };
    }
    let ec2 = session.ec2(region);
    let ssm = session.ssm(region);
    let rds = session.rds(region);
    let (ec2_inv, kms, filters, alarms, subs, recorders, detectors, hub, analyzers, managed, patches, dbs, clusters, efs, macie) = tokio::join!(
        async { if plan.uses(Collector::Ec2) { Some(progress::track(ec2::collect(&ec2, plan)).await) } else { None } },
        async { if plan.uses(Collector::Kms) { Some(progress::track(kms::collect(&session.kms(region), plan)).await) } else { None } },
        when!(Source::MetricFilters, monitoring::metric_filters(&session.logs(region))),
        when!(Source::MetricAlarms, monitoring::metric_alarms(&session.cloudwatch(region))),
        when!(Source::SnsSubscriptions, monitoring::subscriptions(&session.sns(region))),
        when!(Source::ConfigRecorders, monitoring::config_recorders(&session.config_service(region))),
        when!(Source::GuardDutyDetectors, monitoring::guardduty_detectors(&session.guardduty(region))),
        when!(Source::SecurityHub, monitoring::securityhub(&session.securityhub(region))),
        when!(Source::AccessAnalyzers, monitoring::access_analyzers(&session.accessanalyzer(region))),
        when!(Source::SsmManagedInstances, services::managed_instances(&ssm)),
        when!(Source::SsmPatchCompliance, services::patch_compliance(&ssm)),
        when!(Source::RdsInstances, services::db_instances(&rds)),
        when!(Source::RdsClusters, services::db_clusters(&rds)),
        when!(Source::EfsFileSystems, services::file_systems(&session.efs(region))),
        when!(Source::MacieSession, services::macie_session(&session.macie(region))),
    );
    macro_rules! put {
        ($($field:ident = $value:expr),* $(,)?) => { $( if let Some(v) = $value { inv.$field = v; } )* };
    }
    put!(
        ec2 = ec2_inv,
        kms = kms,
        metric_filters = filters,
        metric_alarms = alarms,
        sns_subscriptions = subs,
        config_recorders = recorders,
        guardduty_detectors = detectors,
        securityhub = hub,
        access_analyzers = analyzers,
        ssm_managed_instances = managed,
        ssm_patch_compliance = patches,
        rds_instances = dbs,
        rds_clusters = clusters,
        efs_file_systems = efs,
        macie_session = macie,
    );
    inv
}

/// SDK timestamps to chrono.
pub(crate) fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::{Collector, Plan, Source};

    #[test]
    fn every_registered_check_declares_what_it_reads() {
        for check in rampart_checks::all_checks() {
            assert!(!check.reads.is_empty(), "{}: nothing is collected for it", check.id);
            assert!(!Plan::of(&[check]).is_empty());
        }
    }

    /// The collectors `collect_account` and `region` call, each for the sources it fills.
    const FILLED: &[(Collector, &[Source])] = &[
        (Collector::Iam, &[
            Source::CredentialReport,
            Source::AccountSummary,
            Source::PasswordPolicy,
            Source::VirtualMfaDevices,
            Source::AuthorizationDetails,
            Source::ServerCertificates,
            Source::SamlProviders,
            Source::OidcProviders,
        ]),
        (Collector::S3, &[
            Source::Buckets,
            Source::BucketEncryption,
            Source::BucketPublicAccessBlock,
            Source::BucketPolicy,
            Source::BucketPolicyStatus,
            Source::BucketAcl,
            Source::BucketVersioning,
            Source::BucketLogging,
            Source::AccountPublicAccessBlock,
        ]),
        (Collector::CloudTrail, &[Source::Trails, Source::TrailStatus, Source::TrailEventSelectors]),
        (Collector::Account, &[Source::ContactInformation, Source::SecurityContact]),
        (Collector::Ec2, &[
            Source::EbsEncryptionByDefault,
            Source::EbsDefaultKmsKey,
            Source::Volumes,
            Source::Snapshots,
            Source::SnapshotPermissions,
            Source::SnapshotBlockPublicAccess,
            Source::SecurityGroups,
            Source::ManagedPrefixLists,
            Source::NetworkAcls,
            Source::Vpcs,
            Source::Subnets,
            Source::RouteTables,
            Source::VpcPeeringConnections,
            Source::InternetGateways,
            Source::FlowLogs,
            Source::Instances,
            Source::InstanceMetadataDefaults,
        ]),
        (Collector::Kms, &[Source::KmsKeys, Source::KmsKeyRotation, Source::KmsKeyPolicies, Source::KmsAliases]),
        (Collector::Logs, &[Source::MetricFilters]),
        (Collector::CloudWatch, &[Source::MetricAlarms]),
        (Collector::Sns, &[Source::SnsSubscriptions]),
        (Collector::Config, &[Source::ConfigRecorders]),
        (Collector::GuardDuty, &[Source::GuardDutyDetectors]),
        (Collector::SecurityHub, &[Source::SecurityHub]),
        (Collector::AccessAnalyzer, &[Source::AccessAnalyzers]),
        (Collector::Ssm, &[Source::SsmManagedInstances, Source::SsmPatchCompliance]),
        (Collector::Rds, &[Source::RdsInstances, Source::RdsClusters]),
        (Collector::Efs, &[Source::EfsFileSystems]),
        (Collector::Macie, &[Source::MacieSession]),
    ];

    #[test]
    fn every_source_is_filled_by_a_collector() {
        for &source in Source::ALL {
            let by: Vec<Collector> = FILLED.iter().filter(|(_, s)| s.contains(&source)).map(|(c, _)| *c).collect();
            assert_eq!(by, [source.collector()], "{source}: filled by {by:?}");
            // Planning it alone calls that collector and no other.
            let plan = Plan::from_sources([source]);
            assert_eq!(plan.collectors().into_iter().collect::<Vec<_>>(), [source.collector()], "{source}");
        }
        let listed: usize = FILLED.iter().map(|(_, s)| s.len()).sum();
        assert_eq!(listed, Source::ALL.len());
    }
}
