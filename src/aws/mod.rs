//! AWS sessions: one configuration load, the caller's identity, and per-service clients;
//! the calls collectors make through them go through [`read`], whose failures [`error`]
//! classifies.

mod bounded;
pub mod pace;
pub mod deadline;
pub mod error;
pub mod limited;
pub mod read;
pub mod upload;
pub mod window;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
use aws_types::os_shim_internal::{Env, Fs};
use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_types::retry::RetrySpec;
use tracing::info;

use crate::settings::{Accounts, AwsSettings, RetryMode};
use crate::error::RunError;

/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// With `--retry-mode window` or `paced`, the first retry of a throttled request waits up to this long
/// (jittered, doubling on each further retry up to [`MAX_BACKOFF`]).
const WINDOW_INITIAL_BACKOFF: Duration = Duration::from_millis(200);

/// A resolved AWS session for one account.
#[derive(Debug, Clone)]
pub struct Session {
    config: SdkConfig,
    pub account_id: String,
    pub partition: String,
    pub regions: Vec<String>,
    /// The emulator endpoint, when one was given.
    pub endpoint_url: Option<String>,
    /// Every ACTIVE ECS task definition revision is read, not only the latest of each family.
    pub ecs_all_revisions: bool,
    /// Requests in flight at once per service and region (`--max-in-flight`).
    max_in_flight: usize,
    /// How the bound of each (service, region) answers throttling (`--retry-mode`).
    adapt: window::Adapt,
    /// No request is sent after this instant (`--deadline`, counted from the start of
    /// collection).
    pub deadline: Option<tokio::time::Instant>,
    /// The bound of each (service, region), shared by every client built for it.
    bounds: Arc<Mutex<HashMap<String, Arc<window::Window>>>>,
}

/// Loads configuration exactly as the AWS CLI does (environment, profiles, SSO, `role_arn`,
/// `credential_process`, container and instance roles), checks that credentials resolve,
/// and returns the base configuration every account's session derives from.
pub async fn load_base(args: &AwsSettings) -> Result<SdkConfig, RunError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region_chain(args))
        .retry_config(retry_config(args))
        .http_client(bounded::default_client())
        // A request waits for its place (and, paced, its turn) inside the connector before
        // its body is read; the upload half of stalled-stream protection would take that wait
        // for a stalled upload of the few hundred bytes of a request and fail it after 5 s.
        // The attempt timeout still bounds it; answers keep their download protection.
        .stalled_stream_protection(StalledStreamProtectionConfig::enabled().upload_enabled(false).build())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(args.retry.attempt_timeout)
                .build(),
        );
    if let Some(profile) = &args.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &args.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    // An empty or malformed AWS_REGION (or profile region) would otherwise surface as an
    // endpoint error from the first request.
    if let Some(region) = config.region()
        && !crate::settings::is_region_name(region.as_ref())
    {
        return Err(RunError::Usage(format!(
            "the region '{}' (from AWS_REGION, AWS_DEFAULT_REGION or the profile) is not an AWS region name; \
             set a region such as us-east-1 there or with --region",
            region.as_ref().escape_debug()
        )));
    }

    let provider = config
        .credentials_provider()
        .ok_or_else(|| RunError::Credentials("no credential provider is configured".into()))?;
    if let Err(e) = provider.provide_credentials().await {
        return Err(RunError::Credentials(credentials_problem(args.profile.as_deref(), &e).await));
    }
    Ok(config)
}

/// The region of the configuration: the first `--region` as given, else the one of the
/// environment or the profile, else us-east-1.
fn region_chain(args: &AwsSettings) -> RegionProviderChain {
    RegionProviderChain::first_try(args.regions.first().cloned().map(Region::new))
        .or_default_provider()
        .or_else(Region::from_static("us-east-1"))
}

/// The home region of a run: the region of the configuration [`load_base`] makes, where
/// findings are imported into Security Hub and global resources are placed in ASFF.
pub async fn home_region(args: &AwsSettings) -> String {
    region_chain(args).region().await.map_or_else(|| "us-east-1".to_string(), |r| r.to_string())
}

/// Retries as `--retry-mode` and `--max-attempts` say.
fn retry_config(args: &AwsSettings) -> RetryConfig {
    let config = match args.retry.mode {
        RetryMode::Standard => RetryConfig::standard(),
        RetryMode::Adaptive => RetryConfig::adaptive(),
        // The window paces the partition; the throttled request itself only needs to wait
        // long enough not to be sent into the same burst.
        RetryMode::Window | RetryMode::Paced => RetryConfig::standard().with_initial_backoff(WINDOW_INITIAL_BACKOFF),
    };
    // Retry Behavior 2.1 (what `AWS_NEW_RETRIES_2026=true` selects): under throttling the
    // adaptive rate limiter charges one token per attempt instead of five, which under 2.0
    // starved retries for seconds each; other errors are retried after 50 ms rather than 1 s.
    // Measured in docs/benchmarks.md ("Retries under throttling").
    config
        .with_max_attempts(args.retry.max_attempts)
        .with_max_backoff(MAX_BACKOFF)
        .with_retry_spec(RetrySpec::v2_1())
}

/// A configuration whose credentials come from assuming `role_arn` with the base ones. The
/// SDK caches and refreshes the assumed credentials.
pub async fn assume_role(base: &SdkConfig, role_arn: &str, args: &AwsSettings) -> SdkConfig {
    let mut builder = AssumeRoleProvider::builder(role_arn)
        .session_name(&args.role.session_name)
        .session_length(args.role.duration)
        .configure(base);
    if let Some(id) = &args.role.external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    base.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build()
}

/// The configuration that enters account `id` of an organization: the caller's own for the
/// caller's account, else the role `role_name` in `id` assumed with it; and that role's ARN.
pub async fn member_config(
    base: &SdkConfig,
    caller: &Session,
    id: &str,
    role_name: &str,
    args: &AwsSettings,
) -> (SdkConfig, Option<String>) {
    if id == caller.account_id {
        (base.clone(), None)
    } else {
        let arn = format!("arn:{}:iam::{id}:role/{role_name}", caller.partition);
        (assume_role(base, &arn, args).await, Some(arn))
    }
}

/// Asks STS who these credentials are, and makes the session for that account.
pub async fn session(config: SdkConfig, args: &AwsSettings, regions: Vec<String>) -> Result<Session, RunError> {
    // Short waits between attempts here: an unreachable endpoint is reported promptly, and
    // throttling is still retried.
    let sts_config = aws_sdk_sts::config::Builder::from(&config)
        .retry_config(retry_config(args).with_max_backoff(Duration::from_secs(2)))
        .build();
    let identity = aws_sdk_sts::Client::from_conf(sts_config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| match &e {
            aws_sdk_sts::error::SdkError::ServiceError(se) if error::is_credentials_code(aws_sdk_sts::error::ProvideErrorMetadata::code(se.err())) => {
                RunError::Identity(error::service_error_text(se.err()))
            }
            _ => match error::credentials_failure(&e) {
                Some(why) => RunError::Identity(why),
                None => RunError::Unreachable(error::describe("sts:GetCallerIdentity", &e).reason),
            },
        })?;
    let account_id = identity.account().unwrap_or_default().to_string();
    let caller_arn = identity.arn().unwrap_or_default().to_string();
    let partition = caller_arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws").to_string();
    info!(account = %account_id, caller = %caller_arn, regions = ?regions, "connected");
    Ok(Session {
        config,
        account_id,
        partition,
        regions,
        endpoint_url: args.endpoint_url.clone(),
        ecs_all_revisions: args.ecs_all_revisions,
        max_in_flight: args.retry.max_in_flight as usize,
        adapt: match args.retry.mode {
            RetryMode::Window => window::Adapt::InFlight,
            RetryMode::Paced => window::Adapt::Paced,
            RetryMode::Standard | RetryMode::Adaptive => window::Adapt::Fixed,
        },
        deadline: None,
        bounds: Arc::default(),
    })
}

/// The regions to audit: those named with `--region`, or else every region enabled for the
/// account (ec2:DescribeRegions answers only enabled ones: opt-in regions count once opted
/// in); less `--exclude-region`.
pub async fn regions(config: &SdkConfig, args: &AwsSettings) -> Result<Vec<String>, RunError> {
    let mut regions = if args.regions.is_empty() {
        let client = aws_sdk_ec2::Client::new(config);
        let out = client.describe_regions().all_regions(false).send().await.map_err(|e| {
            RunError::Regions(format!("{}; name the regions with --region", error::describe("ec2:DescribeRegions", &e)))
        })?;
        out.regions().iter().filter_map(|r| r.region_name().map(str::to_string)).collect::<Vec<_>>()
    } else {
        args.regions.clone()
    };
    regions.sort();
    regions.dedup();
    regions.retain(|r| !args.exclude_regions.contains(r));
    if regions.is_empty() {
        return Err(RunError::Usage("no region left to audit".into()));
    }
    Ok(regions)
}

/// The accounts of the organization (from its management or a delegated administrator
/// account), active ones only, filtered by `--accounts` and `--exclude-accounts`.
pub async fn organization_accounts(config: &SdkConfig, args: &AwsSettings) -> Result<Vec<String>, RunError> {
    let client = aws_sdk_organizations::Client::new(config);
    let mut pages = client.list_accounts().into_paginator().send();
    let mut accounts = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| RunError::Organization(error::describe("organizations:ListAccounts", &e).reason))?;
        for account in page.accounts() {
            let active = account.state().map(|s| s.as_str() == "ACTIVE").unwrap_or_else(|| {
                #[allow(deprecated)]
                account.status().is_some_and(|s| s.as_str() == "ACTIVE")
            });
            if let Some(id) = account.id().filter(|_| active) {
                accounts.push(id.to_string());
            }
        }
    }
    if let Accounts::Organization { include, exclude, .. } = &args.accounts {
        accounts.retain(|id| include.is_empty() || include.contains(id));
        accounts.retain(|id| !exclude.contains(id));
    }
    accounts.sort();
    Ok(accounts)
}

/// Why no credentials could be had, in one line.
async fn credentials_problem(profile: Option<&str>, err: &CredentialsError) -> String {
    let profile = profile.map(str::to_string).or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    if let Some(name) = profile {
        // The chain only says the profile provider was "not enabled": say whether the
        // profile exists, then ask its provider directly.
        let files = aws_config::profile::load(&Fs::real(), &Env::real(), &ProfileFiles::default(), None).await;
        match files {
            Err(e) => return format!("profile '{name}': the shared config files cannot be read: {}", error::error_chain(&e)),
            Ok(set) if set.get_profile(&name).is_none() => {
                return format!("profile '{name}' is not defined in the shared config or credentials file");
            }
            Ok(_) => {}
        }
        let direct = ProfileFileCredentialsProvider::builder().profile_name(&name).build().provide_credentials().await;
        return match direct {
            Err(CredentialsError::CredentialsNotLoaded(_)) => format!(
                "profile '{name}' has no credentials (no aws_access_key_id, role_arn, sso_session or credential_process)"
            ),
            Err(e) => {
                let why = error::error_chain(&e);
                let hint = if why.contains("SSO") { format!(" (run `aws sso login --profile {name}`)") } else { String::new() };
                format!("profile '{name}': {why}{hint}")
            }
            Ok(_) => format!("profile '{name}': {}", error::error_chain(err)),
        };
    }
    match err {
        CredentialsError::CredentialsNotLoaded(_) => "none found in the environment, the shared config and credentials files, \
web identity, container or instance metadata (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run `aws sso login`)"
            .to_string(),
        other => error::error_chain(other),
    }
}

/// An endpoint resolver that always answers the configured endpoint.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        let endpoint = aws_sdk_s3control::config::endpoint::Endpoint::builder().url(self.0.clone()).build();
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(endpoint))
    }
}

/// The configuration builder of one service's client for one region of the session's
/// account: the session's credentials and endpoint, the region, the retry partition and
/// bounded connector of (service, account, region), the classifiers that stop retries of
/// an answer too large and of anything past the deadline, and a sleep cut short at it. `service` is the signing name,
/// which names the partition. A collector builds its own client with [`client!`]; S3 and S3
/// Control add their own settings to this builder.
macro_rules! config_for {
    ($session:expr, $krate:ident, $service:literal, $region:expr) => {{
        let (session, region): (&$crate::aws::Session, &str) = ($session, $region);
        $crate::aws::partition_config!(session, $krate, $service, region).region(::aws_config::Region::new(region.to_string()))
    }};
}

/// [`config_for!`] without the region: the session's configuration with the transport of
/// the partition (service, account, `partition_region`), its retry classifiers and its
/// sleep. IAM, which is global, takes it as it is (partition region `global`).
macro_rules! partition_config {
    ($session:expr, $krate:ident, $service:literal, $partition_region:expr) => {{
        let session: &$crate::aws::Session = $session;
        let (retry_partition, http) = session.transport($service, $partition_region);
        $krate::config::Builder::from(session.config())
            .retry_partition(retry_partition)
            .http_client(http)
            .retry_classifier($crate::aws::limited::NoRetryWhenTooLarge)
            .retry_classifier($crate::aws::deadline::NoRetryAtDeadline)
            .sleep_impl(session.sleep())
    }};
}

/// One service's client for one region of the session's account:
/// `client!(session, aws_sdk_efs, "efs", region)` (see [`config_for!`]).
macro_rules! client {
    ($session:expr, $krate:ident, $service:literal, $region:expr) => {
        $krate::Client::from_conf($crate::aws::config_for!($session, $krate, $service, $region).build())
    };
}

pub(crate) use {client, config_for, partition_config};

impl Session {
    /// The configuration this session's clients are built from.
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// The run's one HTTPS client behind the bound of `--max-in-flight` requests of one
    /// (service, region) of this account, shared by every client built for it.
    fn bounded_http(&self, partition: &str) -> bounded::BoundedHttpClient {
        let shared = self.config.http_client().unwrap_or_else(bounded::default_client);
        let mut bounds = self.bounds.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = bounds.entry(partition.to_string()).or_insert_with(|| window::Window::named(self.max_in_flight, self.adapt, partition));
        bounded::BoundedHttpClient::new(shared, window.clone(), self.deadline)
    }

    /// A retry partition per (service, account, region): one account's throttling never
    /// slows another's requests. Its name also keys the bound on requests in flight.
    fn partition_for(&self, service: &str, region: &str) -> (RetryPartition, String) {
        let name = format!("{service}-{}-{region}", self.account_id);
        (RetryPartition::new(name.clone()), name)
    }

    /// The retry partition and bounded connector of one (service, region) of this account,
    /// for the clients [`config_for!`] builds.
    pub(crate) fn transport(&self, service: &str, region: &str) -> (RetryPartition, bounded::BoundedHttpClient) {
        let (retry_partition, partition) = self.partition_for(service, region);
        (retry_partition, self.bounded_http(&partition))
    }

    /// The SDK's sleep for this session's clients: cut short at the deadline.
    pub(crate) fn sleep(&self) -> aws_smithy_async::rt::sleep::SharedAsyncSleep {
        aws_smithy_async::rt::sleep::SharedAsyncSleep::new(deadline::DeadlineSleep::new(self.deadline))
    }

    /// The S3 client for one region; path-style addressing against an emulator.
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let config = config_for!(self, aws_sdk_s3, "s3", region)
            .force_path_style(self.endpoint_url.is_some())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// The S3 Control client. Against an emulator the account id would be put in front of
    /// the endpoint's host (`123456789012.127.0.0.1`), which does not resolve: keep the
    /// given endpoint as it is.
    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        let mut config = config_for!(self, aws_sdk_s3control, "s3control", region);
        if let Some(url) = &self.endpoint_url {
            config = config.endpoint_resolver(FixedEndpoint(url.clone()));
        }
        aws_sdk_s3control::Client::from_conf(config.build())
    }

    /// The IAM client (IAM is global: one per account).
    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::from_conf(partition_config!(self, aws_sdk_iam, "iam", "global").build())
    }
}
