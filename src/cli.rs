//! Command-line definitions (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rampart_checks::{Measure, Severity};

use crate::report::Reporter;

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
pub enum Command {
    /// Collect the inventory, evaluate the checks and report in one format or several.
    Audit(AuditArgs),
    /// Collect the inventory and write it as a JSON snapshot, without evaluating.
    Collect(CollectArgs),
    /// List the registered checks.
    Checks(ChecksArgs),
    /// Print the documentation of one check.
    Explain(ExplainArgs),
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
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(900..=43200))]
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

    /// Accounts audited at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_accounts: u32,

    /// Send every request to this endpoint (an emulator such as LocalStack or moto).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint_url)]
    pub endpoint_url: Option<String>,

    /// Attempts per request, retries included (throttling, 5xx, network errors).
    #[arg(long, value_name = "N", env = "RAMPART_MAX_ATTEMPTS", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,

    /// Seconds one attempt of a request may take before it is abandoned (and retried).
    #[arg(long, value_name = "SECONDS", env = "RAMPART_ATTEMPT_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub attempt_timeout: u64,

    /// How retries pace themselves: `adaptive` (after a throttle, every request to that
    /// service and region of the account is slowed to the rate AWS accepts) or `standard`
    /// (exponential backoff with jitter for the throttled request only).
    #[arg(long, value_name = "MODE", env = "RAMPART_RETRY_MODE", default_value = "adaptive")]
    pub retry_mode: RetryMode,

    /// Requests in flight at once to one service in one region of one account, retries
    /// included: the audit's share of the account's API rate, so that it never starves
    /// production calls.
    #[arg(long, value_name = "N", env = "RAMPART_MAX_IN_FLIGHT", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub max_in_flight: u32,
}

/// The SDK's retry modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetryMode {
    Standard,
    Adaptive,
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

    /// Exit with code 3 when an unmuted finding of this severity or higher fails.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity, default_value = "informational")]
    pub fail_on: Severity,

    /// Configuration file: thresholds and mutelist (see docs/configuration.md).
    #[arg(long, value_name = "FILE", env = "RAMPART_CONFIG")]
    pub config: Option<PathBuf>,
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
pub struct ExplainArgs {
    /// The check id, as `rampart checks` lists it.
    pub id: String,
}

/// Whether `s` has the shape of an AWS region name: lowercase letters, then hyphen-separated
/// parts of letters and digits, the last one a number (`us-east-1`, `us-gov-west-1`,
/// `eu-isoe-west-1`).
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    s.len() <= 64
        && parts.len() >= 2
        && parts[0].len() >= 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

fn parse_region(s: &str) -> Result<String, String> {
    if is_region_name(s) {
        Ok(s.to_string())
    } else {
        Err("not an AWS region name (like us-east-1 or eu-west-2)".to_string())
    }
}

/// An `http://` or `https://` URL with a host (and, if given, a port number).
fn parse_endpoint_url(s: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("not an endpoint URL: {why} (like http://127.0.0.1:4566)"));
    let Some(rest) = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://")) else {
        return bad("it must start with http:// or https://");
    };
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it contains spaces or control characters");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return bad("an IPv6 host needs its closing ]"),
        },
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    if host.is_empty() {
        return bad("it names no host");
    }
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return bad("its port is not a number from 0 to 65535");
    }
    Ok(s.to_string())
}

/// A name of [`crate::report::reporters`]; clap lists them in `--help` and in the error for
/// any other name.
fn report_format() -> impl clap::builder::TypedValueParser<Value = &'static dyn Reporter> {
    use clap::builder::TypedValueParser;
    let names = crate::report::reporters().iter().map(|r| r.name());
    clap::builder::PossibleValuesParser::new(names).map(|name| crate::report::find(&name).expect("a registered name"))
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
        assert_eq!(args.fail_on, Severity::Critical);
        assert_eq!(args.format, vec![crate::report::find("json").unwrap()]);
    }

    #[test]
    fn formats_are_a_list_of_registered_names() {
        let formats = |extra: &[&str]| {
            let cli = Cli::try_parse_from(["rampart", "audit"].iter().chain(extra))?;
            let Command::Audit(args) = cli.command else { panic!() };
            Ok::<_, clap::Error>(args.format.iter().map(|r| r.name()).collect::<Vec<_>>())
        };
        assert_eq!(formats(&[]).unwrap(), vec!["table"]);
        assert_eq!(formats(&["--format", "table,json"]).unwrap(), vec!["table", "json"]);
        assert_eq!(formats(&["--format", "json", "--format", "table"]).unwrap(), vec!["json", "table"]);
        let err = formats(&["--format", "table,yaml"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("[possible values: table, json]"), "{err}");
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
    }
}
