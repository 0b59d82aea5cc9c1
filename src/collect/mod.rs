//! Collection: the only code that calls AWS. Fills an [`Inventory`] for the checks.
//!
//! Collection is planned from the sources the selected checks read ([`Plan`]): a service's
//! collector is called only when one of its sources is needed, and makes only the reads of
//! the needed sources; what is not read stays "not collected". Global services (IAM, S3,
//! CloudTrail's trail list, Account) are read once per account; regional ones run as one task
//! per service × region, all concurrently.
//!
//! Each service is one file, `<service>.rs`, registered by one line in [`GLOBAL`] or
//! [`REGIONAL`]: its entry function makes the reads the plan holds and returns an [`Apply`]
//! that stores them into the inventory fields the service fills.
//!
//! Every call goes through [`crate::aws::read`] (`read::value`, `read::optional` where "not
//! configured" is an answer, `read::items` for a paginator), which classifies a failure
//! once into the `Unknown` value's cause and reason; the error codes that mean "not
//! configured" are one table in [`crate::aws::error`]. Each collector's tests, at the bottom
//! of its file, answer its calls from a loopback stub (see `testing`).

mod accessanalyzer;
mod account;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod ecr;
mod ecs;
mod efs;
mod eks;
mod elb;
mod guardduty;
mod iam;
mod kms;
mod kubernetes;
mod logs;
mod macie;
mod rds;
mod s3;
mod securityhub;
mod sns;
mod ssm;
mod tagging;
#[cfg(test)]
mod testing;

use std::future::Future;

use chrono::{DateTime, Utc};
use rampart_checks::inventory::{AccountInventory, Collector, Inventory, Plan, RegionInventory, Source};
use rampart_checks::{Check, Collected};
use tracing::info;

use futures::StreamExt;
use futures::future::BoxFuture;

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

/// [`read`], counted as one unit by the progress bar when it is made.
pub(crate) async fn tracked<T>(plan: &Plan, source: Source, read: impl Future<Output = Collected<T>>) -> Collected<T> {
    self::read(plan, source, progress::track(read)).await
}

/// What a collector read, ready to be stored into the fields it fills (of a
/// [`RegionInventory`] or of the [`AccountInventory`]).
pub(crate) type Apply<I> = Box<dyn FnOnce(&mut I) + Send>;

/// A regional collector's reads in one region.
pub(crate) type RegionalRead<'a> = BoxFuture<'a, Apply<RegionInventory>>;

/// A global collector's reads, once per account.
pub(crate) type GlobalRead<'a> = BoxFuture<'a, Apply<AccountInventory>>;

/// A regional collector: makes the reads the plan holds of its sources in one region.
type Regional = for<'a> fn(&'a Session, &'a str, &'a Plan) -> RegionalRead<'a>;

/// A global collector: makes the reads the plan holds of its sources, once per account.
type Global = for<'a> fn(&'a Session, &'a Plan) -> GlobalRead<'a>;

/// The collectors read once per account, one line each. A collector the plan does not use
/// is not called.
const GLOBAL: &[(Collector, Global)] = &[
    (Collector::Account, account::global),
    (Collector::Iam, iam::global),
    (Collector::S3, s3::global),
    (Collector::CloudTrail, cloudtrail::global),
    (Collector::Kubernetes, kubernetes::global),
];

/// The collectors read in every audited region, one line each (a service is one file
/// `<service>.rs` with a `regional` function, and one line here). A collector the plan does
/// not use is not called; within one, a read the plan does not hold is neither sent nor
/// counted by the progress bar.
const REGIONAL: &[(Collector, Regional)] = &[
    (Collector::Ec2, ec2::regional),
    (Collector::Kms, kms::regional),
    (Collector::Logs, logs::regional),
    (Collector::CloudWatch, cloudwatch::regional),
    (Collector::Sns, sns::regional),
    (Collector::Config, config::regional),
    (Collector::GuardDuty, guardduty::regional),
    (Collector::SecurityHub, securityhub::regional),
    (Collector::AccessAnalyzer, accessanalyzer::regional),
    (Collector::Ssm, ssm::regional),
    (Collector::Rds, rds::regional),
    (Collector::Efs, efs::regional),
    (Collector::Ecr, ecr::regional),
    (Collector::Ecs, ecs::regional),
    (Collector::Eks, eks::regional),
    (Collector::Elb, elb::regional),
    (Collector::Macie, macie::regional),
    (Collector::Tagging, tagging::regional),
];

/// The region global reads go through (Account Management, the S3 listing): the first
/// audited region.
pub(crate) fn home_region(session: &Session) -> String {
    session.regions.first().cloned().unwrap_or_else(|| "us-east-1".to_string())
}

/// Collects what the selected checks read, for every account the options name: the
/// caller's, the account of `--role-arn`, or every active account of the organization with
/// `--org` (up to `--max-accounts` at once). An account that cannot be entered yields ERROR
/// findings for that account and never stops the others.
/// A progress bar shows on a terminal unless `quiet`.
pub async fn collect(args: &AwsSettings, checks: &[&Check], quiet: bool) -> Result<Inventory, RunError> {
    let collected_at = Utc::now();
    let mut accounts = Vec::new();
    collect_each(args, checks, quiet, |account| accounts.push(account)).await?;
    accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    let mut inventory = Inventory::new(collected_at);
    inventory.accounts = accounts;
    Ok(inventory)
}

/// [`collect`], handing each account's inventory to `each` as soon as it is collected
/// (accounts in the order they finish) instead of keeping them all: an organization's audit
/// then holds the inventories of only the accounts being collected. The caller notes the
/// instant it starts: the inventory's `collected_at`, from which ages are measured.
pub async fn collect_each(args: &AwsSettings, checks: &[&Check], quiet: bool, each: impl FnMut(AccountInventory)) -> Result<(), RunError> {
    progress::init(quiet);
    let deadline = args.retry.deadline.map(|d| tokio::time::Instant::now() + d);
    let done = collect_accounts(args, checks, deadline, each).await;
    progress::finish();
    done
}

async fn collect_accounts(
    args: &AwsSettings,
    checks: &[&Check],
    deadline: Option<tokio::time::Instant>,
    mut each: impl FnMut(AccountInventory),
) -> Result<(), RunError> {
    let base = aws::load_base(args).await?;
    let (role_name, shard) = match &args.accounts {
        Accounts::Organization { role_name, shard, .. } => (role_name, shard),
        single => {
            let config = match single {
                Accounts::Role { arn } => aws::assume_role(&base, arn, args).await,
                _ => base,
            };
            let mut session = aws::session(config, args, Vec::new()).await?;
            session.regions = by_deadline(deadline, aws::regions(session.config(), args), || {
                RunError::Regions("deadline reached before ec2:DescribeRegions; name the regions with --region".into())
            })
            .await?;
            session.deadline = deadline;
            each(collect_account(&session, checks).await);
            return Ok(());
        }
    };
    let caller = aws::session(base.clone(), args, Vec::new()).await?;
    let mut ids = by_deadline(deadline, aws::organization_accounts(&base, args), || {
        RunError::Organization("deadline reached before organizations:ListAccounts".into())
    })
    .await?;
    if ids.is_empty() {
        return Err(RunError::Organization(
            "it lists no active account (is this the management or a delegated administrator account, and do --accounts/--exclude-accounts leave any?)".into(),
        ));
    }
    if let Some(shard) = shard {
        // A share may hold no account (more shards than accounts): its report is empty.
        let listed = ids.len();
        ids.retain(|id| shard.holds(id));
        info!(shard = %shard, accounts = ids.len(), listed, "shard");
    }
    info!(accounts = ids.len(), "organization");
    progress::accounts(ids.len() as u64);
    let mut accounts = futures::stream::iter(ids)
        .map(|id| {
            let (base, caller) = (&base, &caller);
            async move {
                // The caller's own account needs no role; the others are entered through it.
                let (config, entered_through) = aws::member_config(base, caller, &id, role_name, args).await;
                let entered = async {
                    let mut session = aws::session(config, args, Vec::new()).await?;
                    session.regions = aws::regions(session.config(), args).await?;
                    session.deadline = deadline;
                    Ok::<_, RunError>(session)
                };
                let entered = by_deadline(deadline, entered, || {
                    RunError::Unreachable("deadline reached before the account was entered (sts:AssumeRole, ec2:DescribeRegions)".into())
                });
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
        .buffer_unordered(args.max_accounts as usize);
    while let Some(account) = accounts.next().await {
        each(account);
    }
    Ok(())
}

/// `step`, unless the deadline comes first: then `late()`. (The reads of an account stop at
/// the deadline in the connector; the listings that come before an account's reads are
/// bounded here.)
async fn by_deadline<T>(
    deadline: Option<tokio::time::Instant>,
    step: impl Future<Output = Result<T, RunError>>,
    late: impl FnOnce() -> RunError,
) -> Result<T, RunError> {
    match deadline {
        None => step.await,
        Some(at) => tokio::time::timeout_at(at, step).await.unwrap_or_else(|_| Err(late())),
    }
}

/// Collects one account: global services once, regional ones per region, concurrently.
async fn collect_account(session: &Session, checks: &[&Check]) -> AccountInventory {
    let plan = Plan::of(checks);
    let started = std::time::Instant::now();
    let regions = session.regions.clone();
    let mut account = AccountInventory::new(&session.account_id, &session.partition, regions.clone());
    let plan = &plan;
    let global = futures::future::join_all(GLOBAL.iter().filter(|(c, _)| plan.uses(*c)).map(|(_, collect)| collect(session, plan)));
    let regional = futures::future::join_all(regions.iter().map(|r| region(session, r, plan)));
    let (global, regional) = tokio::join!(global, regional);
    for apply in global {
        apply(&mut account);
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
    let reads = REGIONAL.iter().filter(|(c, _)| plan.uses(*c)).map(|(_, collect)| collect(session, region, plan));
    let mut inv = RegionInventory::default();
    for apply in futures::future::join_all(reads).await {
        apply(&mut inv);
    }
    inv
}

/// SDK timestamps to chrono.
pub(crate) fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::{Collector, Plan, Scope, Source};

    use super::{GLOBAL, REGIONAL};

    #[test]
    fn every_collector_is_registered_once_in_the_table_of_its_scope() {
        let global: Vec<Collector> = GLOBAL.iter().map(|(c, _)| *c).collect();
        let regional: Vec<Collector> = REGIONAL.iter().map(|(c, _)| *c).collect();
        for &collector in Collector::ALL {
            let scopes: Vec<Scope> = Source::ALL.iter().filter(|s| s.collector() == collector).map(|s| s.scope()).collect();
            assert!(!scopes.is_empty(), "{collector:?} fills no source");
            let scope = scopes[0];
            assert!(scopes.iter().all(|s| *s == scope), "{collector:?}: sources of both scopes");
            let (own, other) = match scope {
                Scope::Global => (&global, &regional),
                Scope::Regional => (&regional, &global),
            };
            assert_eq!(own.iter().filter(|c| **c == collector).count(), 1, "{collector:?}: not registered once in the {scope:?} table");
            assert!(!other.contains(&collector), "{collector:?}: registered in the wrong table");
        }
        // Nothing else is registered: each table's entries are distinct collectors of the list.
        assert_eq!(global.len() + regional.len(), Collector::ALL.len());
    }

    #[test]
    fn every_registered_check_declares_what_it_reads() {
        for check in rampart_checks::all_checks() {
            assert!(!check.reads.is_empty(), "{}: nothing is collected for it", check.id);
            assert!(!Plan::of(&[check]).is_empty());
        }
    }

    #[test]
    fn planning_one_source_calls_its_collector_and_no_other() {
        for &source in Source::ALL {
            let plan = Plan::from_sources([source]);
            assert_eq!(plan.collectors().into_iter().collect::<Vec<_>>(), [source.collector()], "{source}");
        }
    }
}
