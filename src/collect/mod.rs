//! Collection: the only code that calls AWS. Fills an [`Inventory`] for the checks.
//!
//! Only the services the selected checks read are called. Global services (IAM, S3,
//! CloudTrail's trail list) are read once per account; regional ones run as one task per
//! service × region, all concurrently.

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

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rampart_checks::Check;
use rampart_checks::inventory::{AccountInventory, Inventory, RegionInventory};
use tracing::info;

use futures::StreamExt;

use crate::aws::{self, Session};
use crate::cli::AwsArgs;
use crate::error::RunError;
use crate::progress;

/// Calls made at once for per-resource reads (snapshot attributes, key details, bucket
/// settings) in one service and region: enough to be fast, few enough to stay gentle.
pub(crate) const PER_RESOURCE_CONCURRENCY: usize = 8;

/// The AWS services Rampart reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Iam,
    S3,
    CloudTrail,
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
    Account,
    Macie,
}

/// The services whose data a check reads, from its id.
pub fn services_for(check_id: &str) -> &'static [Service] {
    use Service::*;
    let id = check_id;
    if id.starts_with("cloudwatch_") {
        &[CloudTrail, Logs, CloudWatch, Sns]
    } else if id.starts_with("cloudtrail_logs_s3_bucket") {
        &[CloudTrail, S3]
    } else if id.starts_with("cloudtrail_") {
        &[CloudTrail]
    } else if id == "ec2_instance_managed_by_ssm" {
        &[Ec2, Ssm]
    } else if id.starts_with("ssm_") {
        &[Ssm]
    } else if id.starts_with("ec2_") || id.starts_with("vpc_") {
        &[Ec2]
    } else if id.starts_with("accessanalyzer_") {
        &[AccessAnalyzer]
    } else if id.starts_with("iam_") {
        &[Iam]
    } else if id.starts_with("s3_") {
        &[S3]
    } else if id.starts_with("kms_") {
        &[Kms]
    } else if id.starts_with("config_") {
        &[Config]
    } else if id.starts_with("guardduty_") {
        &[GuardDuty]
    } else if id.starts_with("securityhub_") {
        &[SecurityHub]
    } else if id.starts_with("rds_") {
        &[Rds]
    } else if id.starts_with("efs_") {
        &[Efs]
    } else if id.starts_with("account_") {
        &[Account]
    } else if id.starts_with("macie_") {
        &[Macie]
    } else {
        &[]
    }
}

/// Collects what the selected checks read, for every account the options name: the
/// caller's, the account of `--role-arn`, or every active account of the organization with
/// `--org` (up to `--max-accounts` at once). An account that cannot be entered yields ERROR
/// findings for that account and never stops the others.
/// A progress bar shows on a terminal unless `quiet`.
pub async fn collect(args: &AwsArgs, checks: &[&Check], quiet: bool) -> Result<Inventory, RunError> {
    progress::init(quiet);
    let inventory = collect_accounts(args, checks).await;
    progress::finish();
    inventory
}

async fn collect_accounts(args: &AwsArgs, checks: &[&Check]) -> Result<Inventory, RunError> {
    let mut inventory = Inventory::new(Utc::now());
    let base = aws::load_base(args).await?;
    if !args.org {
        let config = match &args.role_arn {
            Some(arn) => aws::assume_role(&base, arn, args).await,
            None => base,
        };
        let mut session = aws::session(config, args, Vec::new()).await?;
        session.regions = aws::regions(session.config(), args).await?;
        inventory.accounts.push(collect_account(&session, checks).await);
        return Ok(inventory);
    }
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
                    let arn = format!("arn:{}:iam::{id}:role/{}", caller.partition, args.role_name);
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
    let needs: BTreeSet<Service> = checks.iter().flat_map(|c| services_for(c.id).iter().copied()).collect();
    let started = std::time::Instant::now();
    let regions = session.regions.clone();
    let home = regions.first().cloned().unwrap_or_else(|| "us-east-1".to_string());
    let mut account = AccountInventory::new(&session.account_id, &session.partition, regions.clone());
    let global = async {
        tokio::join!(
            async {
                if needs.contains(&Service::Account) {
                    Some(progress::track(account::collect(&session.account_management(&home))).await)
                } else {
                    None
                }
            },
            async {
                if needs.contains(&Service::Iam) { Some(progress::track(iam::collect(&session.iam())).await) } else { None }
            },
            async {
                if needs.contains(&Service::S3) { Some(progress::track(s3::collect(session, &home)).await) } else { None }
            },
            async {
                if needs.contains(&Service::CloudTrail) { Some(progress::track(cloudtrail::collect(session, &regions)).await) } else { None }
            },
        )
    };
    let regional = futures::future::join_all(regions.iter().map(|r| region(session, r, &needs)));
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
    info!(account = %session.account_id, elapsed_ms = started.elapsed().as_millis() as u64, services = needs.len(), regions = regions.len(), "collected");
    account
}

/// Every regional service the checks need, for one region, concurrently.
async fn region(session: &Session, region: &str, needs: &BTreeSet<Service>) -> RegionInventory {
    let need = |s: Service| needs.contains(&s);
    let mut inv = RegionInventory::default();
    macro_rules! when {
        ($service:expr, $fut:expr) => {
            async {
                if need($service) { Some(progress::track($fut).await) } else { None }
            }
        };
    }
    let ec2 = session.ec2(region);
    let ssm = session.ssm(region);
    let rds = session.rds(region);
    let (ec2_inv, kms, filters, alarms, subs, recorders, detectors, hub, analyzers, managed, patches, dbs, clusters, efs, macie) = tokio::join!(
        when!(Service::Ec2, ec2::collect(&ec2)),
        when!(Service::Kms, kms::collect(&session.kms(region))),
        when!(Service::Logs, monitoring::metric_filters(&session.logs(region))),
        when!(Service::CloudWatch, monitoring::metric_alarms(&session.cloudwatch(region))),
        when!(Service::Sns, monitoring::subscriptions(&session.sns(region))),
        when!(Service::Config, monitoring::config_recorders(&session.config_service(region))),
        when!(Service::GuardDuty, monitoring::guardduty_detectors(&session.guardduty(region))),
        when!(Service::SecurityHub, monitoring::securityhub(&session.securityhub(region))),
        when!(Service::AccessAnalyzer, monitoring::access_analyzers(&session.accessanalyzer(region))),
        when!(Service::Ssm, services::managed_instances(&ssm)),
        when!(Service::Ssm, services::patch_compliance(&ssm)),
        when!(Service::Rds, services::db_instances(&rds)),
        when!(Service::Rds, services::db_clusters(&rds)),
        when!(Service::Efs, services::file_systems(&session.efs(region))),
        when!(Service::Macie, services::macie_session(&session.macie(region))),
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
    use super::services_for;

    #[test]
    fn every_registered_check_says_which_services_it_reads() {
        for check in rampart_checks::all_checks() {
            assert!(!services_for(check.id).is_empty(), "{}: no service is collected for it", check.id);
        }
    }
}
