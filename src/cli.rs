//! Command-line definitions (clap derive), and the one place they become the library's
//! validated [`Settings`]: nothing beyond this file and `commands/` sees clap.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rampart::RunError;
use rampart::merge::MergeSettings;
use rampart::report::Reporter;
use rampart::settings::{
    self, Accounts, AwsSettings, CollectSettings, ConfigSource, InventorySource, Outputs, RetrySettings, RoleSettings,
    SelectionSettings, Settings,
};
use rampart_checks::{Check, Measure, Selection, Severity};

/// Audits AWS accounts for the security posture of their infrastructure.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print nothing but the report and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum Command {
    /// Collect the inventory, evaluate the checks and report in one format or several.
    Audit(AuditArgs),
    /// Collect the inventory and write it as a JSON snapshot, without evaluating.
    Collect(CollectArgs),
    /// List the registered checks.
    Checks(ChecksArgs),
    /// Print the documentation of one check.
    Explain(ExplainArgs),
    /// Compare two JSON reports: new failures, fixed, still failing, gone, and the score of
    /// each measure. Exits 3 when anything got worse.
    Diff(DiffArgs),
    /// Print what the internet actually reaches, per account and region: every instance,
    /// network interface and load balancer with the protocols, ports and sources that get
    /// through every layer (security groups, network ACLs both ways, routes to an internet
    /// gateway, public addresses, load balancers), and the path of each.
    Exposure(ExposureArgs),
    /// Combine JSON reports (one per account, or per shard of an organization) into one
    /// report with a score per account, in every format. Exits as an audit does.
    Merge(MergeArgs),
    /// Print a shell completion script: `rampart completions bash > /etc/bash_completion.d/rampart`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `rampart man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where and how to reach AWS.
#[derive(Debug, Args, Clone)]
pub struct AwsArgs {
    /// Named profile from ~/.aws/config and ~/.aws/credentials (SSO and role_arn profiles included).
    #[arg(long)]
    pub profile: Option<String>,

    /// Region to audit; repeat for several. Default: every region enabled for the account.
    #[arg(long = "region", value_name = "REGION", value_parser = parse_region)]
    pub regions: Vec<String>,

    /// Region not to audit; repeat for several.
    #[arg(long = "exclude-region", value_name = "REGION", value_parser = parse_region)]
    pub exclude_regions: Vec<String>,

    /// Audit the account of this role, assumed with the credentials found as usual.
    #[arg(long, value_name = "ARN", conflicts_with = "org")]
    pub role_arn: Option<String>,

    /// External id to pass when assuming a role.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Session name of assumed roles (shows in the audited accounts' CloudTrail).
    #[arg(long, value_name = "NAME", default_value = "rampart-audit")]
    pub role_session_name: String,

    /// Lifetime in seconds of assumed-role sessions (refreshed as needed).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(range64(settings::bounds::ROLE_DURATION_SECS)))]
    pub role_duration: u64,

    /// Audit every active account of the AWS Organization, from its management account or a
    /// delegated administrator, by assuming --role-name in each.
    #[arg(long)]
    pub org: bool,

    /// The role assumed in each member account with --org.
    #[arg(long, value_name = "NAME", default_value = "OrganizationAccountAccessRole")]
    pub role_name: String,

    /// With --org: only these account ids (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "ID", requires = "org")]
    pub accounts: Vec<String>,

    /// With --org: not these account ids (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "ID", requires = "org")]
    pub exclude_accounts: Vec<String>,

    /// With --org: only the I-th of N shares of the organization's accounts (0-based), for
    /// audits that several processes split (a Kubernetes Indexed Job); an account's share
    /// depends on its id alone. Merge the shards' JSON reports with `rampart merge`.
    #[arg(long, value_name = "I/N", env = "RAMPART_SHARD", requires = "org")]
    pub shard: Option<settings::Shard>,

    /// Accounts audited at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(range32(settings::bounds::MAX_ACCOUNTS)))]
    pub max_accounts: u32,

    /// Send every request to this endpoint (an emulator such as LocalStack or moto).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint_url)]
    pub endpoint_url: Option<String>,

    /// Attempts per request, retries included (throttling, 5xx, network errors).
    #[arg(long, value_name = "N", env = "RAMPART_MAX_ATTEMPTS", default_value_t = 6, value_parser = clap::value_parser!(u32).range(range32(settings::bounds::MAX_ATTEMPTS)))]
    pub max_attempts: u32,

    /// Seconds one attempt of a request may take before it is abandoned (and retried).
    #[arg(long, value_name = "SECONDS", env = "RAMPART_ATTEMPT_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(range64(settings::bounds::ATTEMPT_TIMEOUT_SECS)))]
    pub attempt_timeout: u64,

    /// How retries pace themselves: `adaptive` (after a throttle, every request to that
    /// service and region of the account is slowed to the rate AWS accepts), `standard`
    /// (exponential backoff with jitter for the throttled request only) or `window` (after a
    /// throttle, the requests in flight to that service and region are halved, down to one,
    /// and grow back as AWS answers; short backoff for the throttled request) or `paced`
    /// (requests to that service and region are spaced at a rate that falls after throttles
    /// only while slowing down lowers them, and grows back; short backoff for the throttled
    /// request).
    #[arg(long, value_name = "MODE", env = "RAMPART_RETRY_MODE", default_value = "adaptive")]
    pub retry_mode: RetryMode,

    /// Requests in flight at once to one service in one region of one account, retries
    /// included: the audit's share of the account's API rate, so that it never starves
    /// production calls.
    #[arg(long, value_name = "N", env = "RAMPART_MAX_IN_FLIGHT", default_value_t = 8, value_parser = clap::value_parser!(u32).range(range32(settings::bounds::MAX_IN_FLIGHT)))]
    pub max_in_flight: u32,

    /// The longest collection may take (`90s`, `15m`, `1h30m`): reads not done by then are
    /// ERROR "deadline reached before <action>", the report is still written, and the exit
    /// code says the audit is incomplete (4, or 3 when something failed).
    #[arg(long, value_name = "DURATION", env = "RAMPART_DEADLINE", value_parser = settings::parse_duration)]
    pub deadline: Option<Duration>,

    /// Judge every ACTIVE revision of each ECS task definition family, not only the latest
    /// (what a service deploys when it names the family): one DescribeTaskDefinition each.
    #[arg(long, env = "RAMPART_ECS_ALL_REVISIONS")]
    pub ecs_all_revisions: bool,
}

/// The retry modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetryMode {
    Standard,
    Adaptive,
    Window,
    Paced,
}

/// Which checks to run.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectArgs {
    /// Only these check ids (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub checks: Vec<String>,

    /// Only checks of these measures (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "MEASURE", value_parser = parse_measure)]
    pub measure: Vec<Measure>,

    /// Only checks of this severity or higher.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub severity: Option<Severity>,

    /// Only the checks of this framework, and report each of its controls: cis-5.0,
    /// cis-6.0 or aws-fsbp.
    #[arg(long, value_name = "FRAMEWORK")]
    pub compliance: Option<String>,
}

/// What `rampart checks` prints: the list of checks, not a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
    Markdown,
}

/// The shape of the `--notify` message.
/// `rampart exposure --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExposureFormat {
    Table,
    Json,
}

impl From<ExposureFormat> for rampart::exposure::ExposureFormat {
    fn from(f: ExposureFormat) -> Self {
        match f {
            ExposureFormat::Table => rampart::exposure::ExposureFormat::Table,
            ExposureFormat::Json => rampart::exposure::ExposureFormat::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotifyFormat {
    /// Slack's for a Slack webhook URL, JSON otherwise.
    Auto,
    /// Slack's incoming-webhook message (also what Mattermost and others take).
    Slack,
    /// The summary as JSON.
    Json,
}

impl From<NotifyFormat> for rampart::notify::NotifyFormat {
    fn from(f: NotifyFormat) -> Self {
        match f {
            NotifyFormat::Auto => rampart::notify::NotifyFormat::Auto,
            NotifyFormat::Slack => rampart::notify::NotifyFormat::Slack,
            NotifyFormat::Json => rampart::notify::NotifyFormat::Json,
        }
    }
}

/// What `rampart diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub aws: AwsArgs,

    #[command(flatten)]
    pub select: SelectArgs,

    /// Evaluate a snapshot written by `rampart collect` instead of calling AWS.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "regions", "endpoint_url", "role_arn", "org"])]
    pub snapshot: Option<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Post a summary (scores, counts, the failures at or above --fail-on, the new ones
    /// with --baseline) to this webhook: Slack's message for a Slack webhook, JSON
    /// otherwise. The URL is a secret: it is never printed.
    #[arg(long, value_name = "URL", env = "RAMPART_NOTIFY_URL", hide_env_values = true)]
    pub notify: Option<String>,

    /// The shape of the --notify message.
    #[arg(long, value_enum, default_value_t = NotifyFormat::Auto, requires = "notify")]
    pub notify_format: NotifyFormat,

    /// A mutelist in Prowler's YAML format (Accounts, Checks, Regions, Resources,
    /// Exceptions, Description), applied after the configuration's [[mute]] rules.
    #[arg(long, value_name = "FILE", env = "RAMPART_MUTELIST")]
    pub mutelist: Option<PathBuf>,

    /// Configuration file: thresholds and mutelist (see docs/configuration.md).
    #[arg(long, value_name = "FILE", env = "RAMPART_CONFIG")]
    pub config: Option<PathBuf>,

    /// After the report is written, import the findings (ASFF, PASS included) into each
    /// audited account's AWS Security Hub in the home region (the first --region, else the
    /// configured region), and archive the findings earlier runs imported that this run, in
    /// its checks and regions, no longer produces. Writes to Security Hub: needs
    /// securityhub:BatchImportFindings and securityhub:GetFindings. Exit code 5 when a
    /// finding could not be imported or archived.
    #[arg(long, conflicts_with = "snapshot")]
    pub security_hub: bool,

    /// Audit a Kubernetes cluster instead of AWS: its workloads, namespaces and RBAC
    /// bindings, read with get/list only (the Kubernetes checks alone; see
    /// docs/kubernetes.md). The cluster is the kubeconfig's current context (KUBECONFIG or
    /// ~/.kube/config), --kube-context, --eks-cluster, or the pod's service account in the
    /// cluster.
    #[arg(long, conflicts_with_all = ["snapshot", "org", "role_arn", "security_hub"])]
    pub kubernetes: bool,

    /// With --kubernetes: the kubeconfig context to audit.
    #[arg(long, value_name = "NAME", requires = "kubernetes")]
    pub kube_context: Option<String>,

    /// With --kubernetes: audit this EKS cluster of the first --region, reached with the
    /// AWS credentials (eks:DescribeCluster, and a token as `aws eks get-token` makes).
    #[arg(long, value_name = "NAME", requires = "kubernetes", conflicts_with = "kube_context")]
    pub eks_cluster: Option<String>,
}

/// Where the report goes, in which formats, and when the run fails: the same for an audit
/// and a merge.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report formats, comma-separated or repeated. Standard output and -o take one;
    /// --output-dir writes each to its own file.
    #[arg(long, value_name = "FORMAT", value_delimiter = ',', default_value = "table", value_parser = report_format())]
    pub format: Vec<&'static dyn Reporter>,

    /// Write the report to this file instead of stdout ("-" for stdout); one format only.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write one file per format into this directory (created if missing), named
    /// rampart-<account id, or "multi">-<start in UTC, like 20261202T153012Z>.<extension>.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,

    /// The table lists every failing and ERROR finding, a table per check, rather than
    /// the summary (the failing checks, and the ERROR findings by reason).
    #[arg(long)]
    pub details: bool,

    /// Write the csv format with Prowler's 42 columns, in its order and separated by
    /// semicolons, so that what reads Prowler's CSV reads this one.
    #[arg(long)]
    pub csv_prowler: bool,

    /// Encrypt reports written to S3 (-o s3://… or --output-dir s3://…/) with this KMS key
    /// (id, ARN or alias/…) rather than with S3's own key (SSE-S3).
    #[arg(long, value_name = "KEY")]
    pub s3_kms_key: Option<String>,

    /// Exit with code 3 when an unmuted finding of this severity or higher fails.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity, default_value = "informational")]
    pub fail_on: Severity,

    /// A JSON report of an earlier audit: every finding is marked new or unchanged
    /// against it, in every format.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,

}

impl ReportArgs {
    /// The outputs these options ask for, or the usage error that makes them contradictory.
    fn outputs(&self) -> Result<Outputs, RunError> {
        let formats = layouts(&self.format, self.csv_prowler, self.details)?;
        let outputs = Outputs::from_options(&formats, self.output.clone(), self.output_dir.clone())?.with_kms_key(self.s3_kms_key.clone());
        if self.s3_kms_key.is_some() && outputs.s3_targets().is_empty() {
            return Err(RunError::Usage("--s3-kms-key encrypts reports written to S3: add -o s3://… or --output-dir s3://…/".into()));
        }
        Ok(outputs)
    }
}

/// `rampart exposure`.
#[derive(Debug, Args)]
pub struct ExposureArgs {
    #[command(flatten)]
    pub aws: AwsArgs,

    /// Read a snapshot written by `rampart collect` instead of AWS.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "regions", "endpoint_url", "role_arn", "org"])]
    pub snapshot: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExposureFormat::Table)]
    pub format: ExposureFormat,

    /// File to write to ("-" for stdout; default: the terminal).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also list what the internet does not reach, with the layer that closes the path.
    #[arg(long)]
    pub all: bool,
}

/// `rampart merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports (--format json): files, directories, s3://bucket/key.json or
    /// s3://bucket/prefix/. A directory or prefix stands for every rampart-*.json report
    /// under it, at any depth.
    #[arg(required = true, value_name = "REPORT")]
    pub inputs: Vec<String>,

    /// Accounts the merged report must cover (comma-separated or repeated): one that no
    /// report covers gets an ERROR finding for every check.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub accounts: Vec<String>,

    /// Named profile, for reports read from or written to S3.
    #[arg(long)]
    pub profile: Option<String>,

    /// Send every S3 request to this endpoint (an emulator).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint_url)]
    pub endpoint_url: Option<String>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,

    #[command(flatten)]
    pub select: SelectArgs,

    /// File to write the snapshot to ("-" for stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report (`--format json`).
    pub old: PathBuf,
    /// The later report.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The check id, as `rampart checks` lists it.
    pub id: String,
}

/// What the command line asks for, validated.
#[derive(Debug)]
pub enum Request {
    Audit(Settings),
    Collect(CollectSettings),
    Checks { selection: Selection, format: ListFormat },
    Explain(&'static Check),
    Diff { old: PathBuf, new: PathBuf, format: DiffFormat },
    Merge(MergeSettings),
    Exposure(rampart::exposure::ExposureSettings),
    Completions(clap_complete::Shell),
    Man,
}

impl TryFrom<&Cli> for Request {
    type Error = RunError;

    /// The command line as the library's settings, every rule checked here (clap has
    /// already checked the value of each option alone): the same messages and exit codes
    /// whichever rule fails.
    fn try_from(cli: &Cli) -> Result<Request, RunError> {
        Ok(match &cli.command {
            Command::Audit(args) => {
                let selection = args.select.settings();
                selection.resolve_for(args.kubernetes)?;
                let outputs = args.report.outputs()?;
                let settings = Settings {
                    source: match &args.snapshot {
                        Some(path) => InventorySource::Snapshot(path.clone()),
                        None if args.kubernetes => InventorySource::Kubernetes(Box::new(rampart::kubernetes::KubernetesSettings {
                            context: args.kube_context.clone(),
                            eks_cluster: args.eks_cluster.clone(),
                            aws: args.aws.settings(),
                            timeout: Duration::from_secs(args.aws.attempt_timeout),
                        })),
                        None => InventorySource::Aws(args.aws.settings()),
                    },
                    selection,
                    config: args.config.clone().map_or(ConfigSource::Default, ConfigSource::File),
                    mutelist: args.mutelist.clone().map(rampart::settings::MutelistSource::File),
                    baseline: args.report.baseline.clone(),
                    // Parsed here, not by clap, whose errors would repeat the secret URL.
                    notify: match &args.notify {
                        None => None,
                        Some(url) => Some(rampart::notify::Notify { url: url.parse().map_err(RunError::Usage)?, format: args.notify_format.into() }),
                    },
                    outputs,
                    fail_on: args.report.fail_on,
                    quiet: cli.quiet,
                    security_hub: args.security_hub,
                };
                settings.validate()?;
                Request::Audit(settings)
            }
            Command::Collect(args) => {
                let settings = CollectSettings {
                    aws: args.aws.settings(),
                    selection: args.select.settings(),
                    output: Some(settings::destination(Some(args.output.clone()))),
                    quiet: cli.quiet,
                };
                settings.validate()?;
                Request::Collect(settings)
            }
            Command::Checks(args) => Request::Checks { selection: args.select.settings().resolve()?.0, format: args.format },
            Command::Explain(args) => Request::Explain(settings::check(&args.id)?),
            Command::Diff(args) => Request::Diff { old: args.old.clone(), new: args.new.clone(), format: args.format },
            Command::Merge(args) => {
                let settings = MergeSettings {
                    inputs: args.inputs.clone(),
                    expect_accounts: args.accounts.clone(),
                    aws: AwsSettings { profile: args.profile.clone(), endpoint_url: args.endpoint_url.clone(), ..AwsSettings::default() },
                    baseline: args.report.baseline.clone(),
                    outputs: args.report.outputs()?,
                    fail_on: args.report.fail_on,
                    quiet: cli.quiet,
                };
                settings.validate()?;
                Request::Merge(settings)
            }
            Command::Exposure(args) => {
                let output = settings::destination(args.output.clone());
                if matches!(output, settings::Destination::S3(_)) {
                    return Err(RunError::Usage("rampart exposure writes to a file, stdout or the terminal, not to S3".to_string()));
                }
                let source = match &args.snapshot {
                    Some(path) => rampart::exposure::ExposureSource::Snapshot(path.clone()),
                    None => {
                        let aws = args.aws.settings();
                        aws.validate()?;
                        rampart::exposure::ExposureSource::Aws(aws)
                    }
                };
                Request::Exposure(rampart::exposure::ExposureSettings {
                    source,
                    format: args.format.into(),
                    output,
                    all: args.all,
                    quiet: cli.quiet,
                })
            }
            Command::Completions(args) => Request::Completions(args.shell),
            Command::Man => Request::Man,
        })
    }
}

impl AwsArgs {
    fn settings(&self) -> AwsSettings {
        let accounts = if self.org {
            Accounts::Organization {
                role_name: self.role_name.clone(),
                include: self.accounts.clone(),
                exclude: self.exclude_accounts.clone(),
                shard: self.shard,
            }
        } else if let Some(arn) = &self.role_arn {
            Accounts::Role { arn: arn.clone() }
        } else {
            Accounts::Caller
        };
        AwsSettings {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            exclude_regions: self.exclude_regions.clone(),
            endpoint_url: self.endpoint_url.clone(),
            accounts,
            role: RoleSettings {
                session_name: self.role_session_name.clone(),
                duration: Duration::from_secs(self.role_duration),
                external_id: self.external_id.clone(),
            },
            max_accounts: self.max_accounts,
            retry: RetrySettings {
                mode: match self.retry_mode {
                    RetryMode::Standard => settings::RetryMode::Standard,
                    RetryMode::Adaptive => settings::RetryMode::Adaptive,
                    RetryMode::Window => settings::RetryMode::Window,
                    RetryMode::Paced => settings::RetryMode::Paced,
                },
                max_attempts: self.max_attempts,
                attempt_timeout: Duration::from_secs(self.attempt_timeout),
                max_in_flight: self.max_in_flight,
                deadline: self.deadline,
            },
            ecs_all_revisions: self.ecs_all_revisions,
        }
    }
}

impl SelectArgs {
    fn settings(&self) -> SelectionSettings {
        SelectionSettings {
            check_ids: self.checks.clone(),
            measures: self.measure.clone(),
            min_severity: self.severity,
            compliance: self.compliance.clone(),
        }
    }
}

/// A bound of the settings as the range of clap's `u32` parser (which takes `i64`s).
fn range32(r: std::ops::RangeInclusive<u32>) -> std::ops::RangeInclusive<i64> {
    i64::from(*r.start())..=i64::from(*r.end())
}

/// A bound of the settings as the range of clap's `u64` parser.
fn range64(r: std::ops::RangeInclusive<u32>) -> std::ops::RangeInclusive<u64> {
    u64::from(*r.start())..=u64::from(*r.end())
}

fn parse_region(s: &str) -> Result<String, String> {
    settings::check_region(s).map(|()| s.to_string())
}

fn parse_endpoint_url(s: &str) -> Result<String, String> {
    settings::check_endpoint_url(s).map(|()| s.to_string())
}

/// A name of [`rampart::report::reporters`]; clap lists them in `--help` and in the error for
/// any other name.
/// The formats with the options that change a format's layout applied: `--csv-prowler`
/// (the csv format in Prowler's columns) and `--details` (the table with every finding).
fn layouts(formats: &[&'static dyn Reporter], csv_prowler: bool, details: bool) -> Result<Vec<&'static dyn Reporter>, RunError> {
    use rampart::report::{csv, table};
    let mut formats = formats.to_vec();
    for (on, option, name, layout) in [
        (csv_prowler, "--csv-prowler", "csv", &csv::PROWLER as &'static dyn Reporter),
        (details, "--details", "table", &table::DETAILED),
    ] {
        if !on {
            continue;
        }
        let Some(slot) = formats.iter_mut().find(|f| f.name() == name) else {
            return Err(RunError::Usage(format!("{option} changes the layout of the {name} format: add --format {name}")));
        };
        *slot = layout;
    }
    Ok(formats)
}

fn report_format() -> impl clap::builder::TypedValueParser<Value = &'static dyn Reporter> {
    use clap::builder::TypedValueParser;
    let names = rampart::report::reporters().iter().map(|r| r.name());
    clap::builder::PossibleValuesParser::new(names).map(|name| rampart::report::find(&name).expect("a registered name"))
}

fn parse_measure(s: &str) -> Result<Measure, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn regions_and_endpoints_are_checked_when_parsed() {
        for good in ["us-east-1", "us-gov-west-1", "eu-isoe-west-1", "ap-southeast-5", "cn-north-1"] {
            assert_eq!(parse_region(good).as_deref(), Ok(good));
        }
        for bad in ["", "US-EAST-1", "us_east_1", "us-east", "us-east-1 ", "-1", "us--1", "u-east-1", "us-east-1/../x"] {
            assert!(parse_region(bad).is_err(), "{bad:?}");
        }
        for good in ["http://127.0.0.1:4566", "https://localhost", "http://[::1]:5000/", "http://host:1/path?q"] {
            assert_eq!(parse_endpoint_url(good).as_deref(), Ok(good));
        }
        for bad in ["not a url", "127.0.0.1:4566", "ftp://x", "http://", "http://:80", "http://h:port", "http://h:70000", "http://[::1", "http://a b"] {
            assert!(parse_endpoint_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_repeated_and_comma_separated_lists() {
        let cli = Cli::try_parse_from([
            "rampart", "audit", "--region", "us-east-1", "--region", "eu-west-1", "--checks", "a,b", "--measure", "access",
            "--severity", "high", "--fail-on", "critical", "--format", "json",
        ])
        .unwrap();
        let Command::Audit(args) = cli.command else { panic!() };
        assert_eq!(args.aws.regions, vec!["us-east-1", "eu-west-1"]);
        assert_eq!(args.select.checks, vec!["a", "b"]);
        assert_eq!(args.select.measure, vec![Measure::Access]);
        assert_eq!(args.select.severity, Some(Severity::High));
        assert_eq!(args.report.fail_on, Severity::Critical);
        assert_eq!(args.report.format, vec![rampart::report::find("json").unwrap()]);
    }

    #[test]
    fn formats_are_a_list_of_registered_names() {
        let formats = |extra: &[&str]| {
            let cli = Cli::try_parse_from(["rampart", "audit"].iter().chain(extra))?;
            let Command::Audit(args) = cli.command else { panic!() };
            Ok::<_, clap::Error>(args.report.format.iter().map(|r| r.name()).collect::<Vec<_>>())
        };
        assert_eq!(formats(&[]).unwrap(), vec!["table"]);
        assert_eq!(formats(&["--format", "table,json"]).unwrap(), vec!["table", "json"]);
        assert_eq!(formats(&["--format", "json", "--format", "table"]).unwrap(), vec!["json", "table"]);
        let err = formats(&["--format", "table,yaml"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("[possible values: table, json, html, csv, junit, sarif, ocsf, ocsf-ndjson, asff]"), "{err}");
        let err = formats(&["-o", "r.json", "--output-dir", "reports"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
        let cli = Cli::try_parse_from(["rampart", "checks", "--format", "json"]).unwrap();
        let Command::Checks(args) = cli.command else { panic!() };
        assert_eq!(args.format, ListFormat::Json);
        assert!(Cli::try_parse_from(["rampart", "checks", "--format", "table,json"]).is_err());
    }

    #[test]
    fn rejects_unknown_severity_and_snapshot_with_aws_options() {
        assert!(Cli::try_parse_from(["rampart", "audit", "--fail-on", "huge"]).is_err());
        assert!(Cli::try_parse_from(["rampart", "audit", "--snapshot", "s.json", "--endpoint-url", "http://x"]).is_err());
        let err = Cli::try_parse_from(["rampart", "audit", "--snapshot", "s.json", "--security-hub"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    fn request(args: &[&str]) -> Result<Request, RunError> {
        Request::try_from(&Cli::try_parse_from(["rampart"].iter().chain(args)).unwrap())
    }

    fn audit_settings(args: &[&str]) -> Settings {
        match request(&[&["audit"], args].concat()).unwrap() {
            Request::Audit(settings) => settings,
            other => panic!("{other:?}"),
        }
    }

    fn aws_of(settings: &Settings) -> &AwsSettings {
        match &settings.source {
            InventorySource::Aws(aws) => aws,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_defaults_of_the_options_are_those_of_the_settings() {
        // The options' declared defaults (read from the definition: the environment, such
        // as RAMPART_MAX_ATTEMPTS in the test script, would override parsed ones).
        let command = Cli::command();
        let audit = command.find_subcommand("audit").unwrap();
        let default = |id: &str| {
            let arg = audit.get_arguments().find(|a| a.get_id() == id).unwrap_or_else(|| panic!("{id}"));
            arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect::<Vec<_>>().join(",")
        };
        let aws = AwsSettings::default();
        assert_eq!(aws.role.session_name, default("role_session_name"));
        assert_eq!(aws.role.duration.as_secs().to_string(), default("role_duration"));
        assert_eq!(aws.max_accounts.to_string(), default("max_accounts"));
        assert_eq!(aws.retry.max_attempts.to_string(), default("max_attempts"));
        assert_eq!(aws.retry.attempt_timeout.as_secs().to_string(), default("attempt_timeout"));
        assert_eq!(aws.retry.max_in_flight.to_string(), default("max_in_flight"));
        assert_eq!((aws.retry.mode, default("retry_mode").as_str()), (settings::RetryMode::Adaptive, "adaptive"));
        assert_eq!(default("role_name"), "OrganizationAccountAccessRole");
        assert_eq!(default("format"), "table");
        assert_eq!(default("fail_on"), "informational");

        let settings = audit_settings(&["--max-attempts", "6", "--attempt-timeout", "60", "--retry-mode", "adaptive", "--max-in-flight", "8"]);
        assert_eq!(aws_of(&settings), &aws);
        assert_eq!(settings.selection, SelectionSettings::default());
        assert!(matches!(settings.outputs, Outputs::One { to: settings::Destination::Terminal, format } if format.name() == "table"));
        assert_eq!(settings.fail_on, Severity::Informational);
        assert!(!settings.quiet);
        assert!(!settings.security_hub);
    }

    #[test]
    fn the_command_line_becomes_settings() {
        let settings = audit_settings(&[
            "--profile", "p", "--region", "eu-west-1", "--exclude-region", "us-east-1", "--role-arn", "arn:aws:iam::1:role/r",
            "--external-id", "x", "--role-duration", "900", "--endpoint-url", "http://127.0.0.1:1", "--retry-mode", "standard",
            "--max-attempts", "2", "--attempt-timeout", "5", "--max-in-flight", "3", "--checks", "iam_root_mfa_enabled",
            "--measure", "access", "--severity", "high", "--compliance", "cis-5.0", "--config", "c.toml", "--format",
            "json,table", "--output-dir", "out", "--fail-on", "critical", "--security-hub",
        ]);
        let aws = aws_of(&settings);
        assert_eq!(aws.profile.as_deref(), Some("p"));
        assert_eq!((aws.regions.as_slice(), aws.exclude_regions.as_slice()), (&["eu-west-1".to_string()][..], &["us-east-1".to_string()][..]));
        assert_eq!(aws.accounts, Accounts::Role { arn: "arn:aws:iam::1:role/r".into() });
        assert_eq!(aws.role, RoleSettings { session_name: "rampart-audit".into(), duration: Duration::from_secs(900), external_id: Some("x".into()) });
        assert_eq!(aws.endpoint_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(
            aws.retry,
            RetrySettings {
                mode: settings::RetryMode::Standard,
                max_attempts: 2,
                attempt_timeout: Duration::from_secs(5),
                max_in_flight: 3,
                deadline: None
            }
        );
        assert_eq!(settings.selection.check_ids, ["iam_root_mfa_enabled"]);
        assert_eq!(settings.selection.measures, [Measure::Access]);
        assert_eq!(settings.selection.min_severity, Some(Severity::High));
        assert_eq!(settings.selection.compliance.as_deref(), Some("cis-5.0"));
        assert!(matches!(&settings.config, ConfigSource::File(p) if p == std::path::Path::new("c.toml")));
        assert!(matches!(&settings.outputs, Outputs::Dir { formats, dir } if formats.len() == 2 && dir == std::path::Path::new("out")));
        assert_eq!(settings.fail_on, Severity::Critical);
        assert!(settings.security_hub);

        let org = audit_settings(&["--org", "--role-name", "Audit", "--accounts", "1,2", "--exclude-accounts", "3", "--max-accounts", "9"]);
        let aws = aws_of(&org);
        assert_eq!(aws.accounts, Accounts::Organization { role_name: "Audit".into(), include: vec!["1".into(), "2".into()], exclude: vec!["3".into()], shard: None });
        assert_eq!(aws.max_accounts, 9);

        let snapshot = audit_settings(&["--snapshot", "s.json", "-o", "-"]);
        assert!(matches!(&snapshot.source, InventorySource::Snapshot(p) if p == std::path::Path::new("s.json")));
        assert!(matches!(snapshot.outputs, Outputs::One { to: settings::Destination::Stdout, .. }));

        let Ok(Request::Collect(collect)) = request(&["-q", "collect", "-o", "snap.json", "--region", "eu-west-1"]) else { panic!() };
        assert_eq!(collect.output, Some(settings::Destination::File("snap.json".into())));
        assert_eq!(collect.aws.regions, ["eu-west-1"]);
        assert!(collect.quiet);
        let Ok(Request::Checks { selection, format }) = request(&["checks", "--compliance", "cis-5.0", "--format", "json"]) else { panic!() };
        assert_eq!(format, ListFormat::Json);
        assert!(!selection.check_ids.is_empty());
        let Ok(Request::Explain(check)) = request(&["explain", "iam_root_mfa_enabled"]) else { panic!() };
        assert_eq!(check.id, "iam_root_mfa_enabled");
    }

    #[test]
    fn contradictions_are_usage_errors_of_the_conversion() {
        let usage = |args: &[&str]| match request(args) {
            Err(RunError::Usage(message)) => message,
            other => panic!("{args:?}: {other:?}"),
        };
        assert!(usage(&["audit", "--checks", "nope"]).starts_with("unknown check id nope"));
        assert!(usage(&["audit", "--compliance", "nope"]).starts_with("unknown framework 'nope'"));
        assert!(usage(&["audit", "--format", "table,json"]).starts_with("standard output takes one format"));
        assert!(usage(&["audit", "--csv-prowler"]).starts_with("--csv-prowler changes the layout of the csv format"));
        assert!(usage(&["audit", "--details", "--format", "json"]).starts_with("--details changes the layout of the table format"));
        assert!(request(&["audit", "--details"]).is_ok());
        // The selection is judged before the outputs.
        assert!(usage(&["audit", "--checks", "nope", "--format", "table,json"]).starts_with("unknown check id nope"));
        assert!(usage(&["collect", "-o", "s.json", "--checks", "nope"]).starts_with("unknown check id nope"));
        assert!(usage(&["checks", "--checks", "nope"]).starts_with("unknown check id nope"));
        assert!(usage(&["explain", "nope"]).starts_with("unknown check id nope"));
    }
}
