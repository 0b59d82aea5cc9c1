//! What one run is asked to do, as plain values: where the inventory comes from (AWS or a
//! snapshot), which checks, which thresholds, which outputs, when to fail.
//!
//! The command line is turned into these types in one place (the binary's `cli.rs`); a
//! Lambda handler or a test builds them directly. Every rule is checked by
//! [`Settings::validate`] (and [`CollectSettings::validate`]), which the entry points also
//! call, so no caller can skip it. Nothing here knows of clap.

use std::path::PathBuf;
use std::time::Duration;

use rampart_checks::frameworks::Framework;
use rampart_checks::{Check, Config, Measure, Selection, Severity};

use crate::error::RunError;
use crate::report::Reporter;

/// Everything `audit` needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the inventory comes from.
    pub source: InventorySource,
    /// Which checks run.
    pub selection: SelectionSettings,
    /// Thresholds and mutelist.
    pub config: ConfigSource,
    /// Where the report goes, in which formats.
    pub outputs: Outputs,
    /// The outcome is [`Verdict::Failed`](crate::Verdict::Failed) when an unmuted finding of
    /// this severity or higher fails.
    pub fail_on: Severity,
    /// No progress bar, no "report written to" lines on stderr.
    pub quiet: bool,
}

/// Everything `collect` needs: the same AWS settings and selection, and where the snapshot
/// goes.
#[derive(Debug, Clone)]
pub struct CollectSettings {
    pub aws: AwsSettings,
    pub selection: SelectionSettings,
    /// Where the snapshot is written; `None` to only return it.
    pub output: Option<Destination>,
    pub quiet: bool,
}

/// Where the inventory comes from. (Not to be confused with the checks crate's
/// `inventory::Source`, one kind of read.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per run
pub enum InventorySource {
    /// Collect it from AWS.
    Aws(AwsSettings),
    /// Read a snapshot written by `rampart collect`: no AWS at all.
    Snapshot(PathBuf),
}

/// Where and how to reach AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// Named profile of the shared config and credentials files.
    pub profile: Option<String>,
    /// Regions to audit; empty for every region enabled for the account.
    pub regions: Vec<String>,
    /// Regions not to audit.
    pub exclude_regions: Vec<String>,
    /// Send every request to this endpoint (an emulator).
    pub endpoint_url: Option<String>,
    /// Which accounts are audited.
    pub accounts: Accounts,
    /// How roles are assumed (with [`Accounts::Role`] and [`Accounts::Organization`]).
    pub role: RoleSettings,
    /// Accounts audited at once (with [`Accounts::Organization`]).
    pub max_accounts: u32,
    /// Retries, timeouts and the bound on requests in flight.
    pub retry: RetrySettings,
}

/// Which accounts one run audits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accounts {
    /// The account of the credentials found as usual.
    Caller,
    /// The account of this role, assumed with the credentials found as usual.
    Role { arn: String },
    /// Every active account of the AWS Organization, by assuming `role_name` in each.
    Organization {
        role_name: String,
        /// Only these account ids (all when empty).
        include: Vec<String>,
        /// Not these account ids.
        exclude: Vec<String>,
    },
}

/// How roles are assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSettings {
    /// Session name (shows in the audited accounts' CloudTrail).
    pub session_name: String,
    /// Lifetime of assumed-role sessions (refreshed as needed).
    pub duration: Duration,
    /// External id passed when assuming a role.
    pub external_id: Option<String>,
}

/// Retries, timeouts and the bound on requests in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings {
    pub mode: RetryMode,
    /// Attempts per request, retries included.
    pub max_attempts: u32,
    /// How long one attempt may take before it is abandoned (and retried).
    pub attempt_timeout: Duration,
    /// Requests in flight at once to one service in one region of one account.
    pub max_in_flight: u32,
}

/// The SDK's retry modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    /// Exponential backoff with jitter for the throttled request only.
    Standard,
    /// After a throttle, every request to that service and region of the account is slowed
    /// to the rate AWS accepts.
    Adaptive,
}

/// Bounds of the numeric settings (the command line enforces the same).
pub mod bounds {
    use std::ops::RangeInclusive;
    pub const ROLE_DURATION_SECS: RangeInclusive<u32> = 900..=43200;
    pub const MAX_ACCOUNTS: RangeInclusive<u32> = 1..=64;
    pub const MAX_ATTEMPTS: RangeInclusive<u32> = 1..=20;
    pub const ATTEMPT_TIMEOUT_SECS: RangeInclusive<u32> = 1..=3600;
    pub const MAX_IN_FLIGHT: RangeInclusive<u32> = 1..=256;
}

impl Default for AwsSettings {
    /// The command line's defaults.
    fn default() -> Self {
        AwsSettings {
            profile: None,
            regions: Vec::new(),
            exclude_regions: Vec::new(),
            endpoint_url: None,
            accounts: Accounts::Caller,
            role: RoleSettings::default(),
            max_accounts: 4,
            retry: RetrySettings::default(),
        }
    }
}

impl Default for RoleSettings {
    fn default() -> Self {
        RoleSettings { session_name: "rampart-audit".into(), duration: Duration::from_secs(3600), external_id: None }
    }
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings { mode: RetryMode::Adaptive, max_attempts: 6, attempt_timeout: Duration::from_secs(60), max_in_flight: 8 }
    }
}

/// Which checks to run, as asked: [`SelectionSettings::resolve`] checks the names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionSettings {
    /// Only these check ids (all when empty).
    pub check_ids: Vec<String>,
    /// Only checks of these measures (all when empty).
    pub measures: Vec<Measure>,
    /// Only checks of this severity or higher.
    pub min_severity: Option<Severity>,
    /// Only the checks of this framework (`cis-5.0`, `cis-6.0`, `aws-fsbp`), and report each
    /// of its controls.
    pub compliance: Option<String>,
}

/// Thresholds and mutelist.
#[derive(Debug, Clone, Default)]
pub enum ConfigSource {
    /// The defaults (docs/configuration.md).
    #[default]
    Default,
    /// A TOML file, read when the run starts.
    File(PathBuf),
    /// Already parsed.
    Given(Config),
}

/// Where one stream of output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output, with colour and the terminal's width when it is a terminal.
    Terminal,
    /// Standard output, plain even on a terminal (`-o -`).
    Stdout,
    /// A file, written whole or not at all.
    File(PathBuf),
}

impl Destination {
    /// The file, if this is one.
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            Destination::File(path) => Some(path),
            _ => None,
        }
    }
}

/// Where the report goes, in which formats.
#[derive(Debug, Clone)]
pub enum Outputs {
    /// Nothing is written: the caller takes the report from the outcome (and may render it
    /// with [`crate::report::find`]).
    None,
    /// One format to one stream.
    One { format: &'static dyn Reporter, to: Destination },
    /// One file per format in a directory (created if missing), named by
    /// [`crate::report::Report::file_name`].
    Dir { formats: Vec<&'static dyn Reporter>, dir: PathBuf },
}

impl Outputs {
    /// The outputs the command line's `--format`, `-o` and `--output-dir` ask for, or the
    /// usage error that makes them contradictory: a format named twice, several formats for
    /// one stream. `-o -` is standard output.
    pub fn from_options(
        formats: &[&'static dyn Reporter],
        output: Option<PathBuf>,
        output_dir: Option<PathBuf>,
    ) -> Result<Outputs, RunError> {
        no_format_twice(formats)?;
        match (output_dir, formats) {
            (Some(dir), _) => Ok(Outputs::Dir { formats: formats.to_vec(), dir }),
            (None, [format]) => Ok(Outputs::One { format: *format, to: destination(output) }),
            (None, _) => {
                let names: Vec<&str> = formats.iter().map(|r| r.name()).collect();
                let to = if destination(output).file().is_some() { "-o FILE" } else { "standard output" };
                Err(RunError::Usage(format!(
                    "{to} takes one format, not {}: write several with --output-dir DIR",
                    names.join(", ")
                )))
            }
        }
    }

    fn validate(&self) -> Result<(), RunError> {
        match self {
            Outputs::None | Outputs::One { .. } => Ok(()),
            Outputs::Dir { formats, .. } if formats.is_empty() => {
                Err(RunError::Usage("--output-dir needs at least one --format".into()))
            }
            Outputs::Dir { formats, .. } => no_format_twice(formats),
        }
    }
}

fn no_format_twice(formats: &[&'static dyn Reporter]) -> Result<(), RunError> {
    match formats.iter().enumerate().find(|(i, r)| formats[..*i].contains(r)) {
        Some((_, twice)) => Err(RunError::Usage(format!("--format names '{}' twice", twice.name()))),
        None => Ok(()),
    }
}

/// The destination `-o` names: standard output without it (styled on a terminal), plain
/// standard output for `-o -`, else the file.
pub fn destination(output: Option<PathBuf>) -> Destination {
    match output {
        None => Destination::Terminal,
        Some(path) if path.as_os_str() == "-" => Destination::Stdout,
        Some(path) => Destination::File(path),
    }
}

impl Settings {
    /// Every rule of the settings, checked before anything is read: region names, the
    /// endpoint URL, numeric bounds, check ids and framework names, and the outputs.
    pub fn validate(&self) -> Result<(), RunError> {
        self.selection.resolve()?;
        self.outputs.validate()?;
        if let InventorySource::Aws(aws) = &self.source {
            aws.validate()?;
        }
        Ok(())
    }
}

impl CollectSettings {
    /// The rules of [`Settings::validate`] that apply to a collection.
    pub fn validate(&self) -> Result<(), RunError> {
        self.selection.resolve()?;
        self.aws.validate()
    }
}

impl AwsSettings {
    /// Region names, the endpoint URL and the numeric bounds.
    pub fn validate(&self) -> Result<(), RunError> {
        for region in self.regions.iter().chain(&self.exclude_regions) {
            check_region(region).map_err(|why| RunError::Usage(format!("region '{}': {why}", region.escape_debug())))?;
        }
        if let Some(url) = &self.endpoint_url {
            check_endpoint_url(url).map_err(|why| RunError::Usage(format!("endpoint '{}': {why}", url.escape_debug())))?;
        }
        let out_of = |what: &str, value: u64, range: std::ops::RangeInclusive<u32>| {
            if (u64::from(*range.start())..=u64::from(*range.end())).contains(&value) {
                Ok(())
            } else {
                Err(RunError::Usage(format!("{what} {value} is not in {}..={}", range.start(), range.end())))
            }
        };
        out_of("--role-duration", self.role.duration.as_secs(), bounds::ROLE_DURATION_SECS)?;
        out_of("--max-accounts", self.max_accounts.into(), bounds::MAX_ACCOUNTS)?;
        out_of("--max-attempts", self.retry.max_attempts.into(), bounds::MAX_ATTEMPTS)?;
        out_of("--attempt-timeout", self.retry.attempt_timeout.as_secs(), bounds::ATTEMPT_TIMEOUT_SECS)?;
        out_of("--max-in-flight", self.retry.max_in_flight.into(), bounds::MAX_IN_FLIGHT)?;
        Ok(())
    }
}

impl SelectionSettings {
    /// The check selection, with unknown ids and framework names rejected, and the
    /// framework of `compliance`.
    pub fn resolve(&self) -> Result<(Selection, Option<&'static Framework>), RunError> {
        let mut selection = Selection {
            check_ids: self.check_ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            measures: self.measures.clone(),
            min_severity: self.min_severity,
        };
        let unknown = selection.unknown_ids();
        if !unknown.is_empty() {
            return Err(RunError::Usage(format!(
                "unknown check id{} {} (`rampart checks` lists them)",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            )));
        }
        let framework = match &self.compliance {
            None => None,
            Some(name) => {
                let framework = framework(name)?;
                let of_framework = framework.check_ids();
                selection.check_ids = if selection.check_ids.is_empty() {
                    of_framework
                } else {
                    selection.check_ids.iter().filter(|id| of_framework.contains(id)).cloned().collect()
                };
                if selection.check_ids.is_empty() {
                    return Err(RunError::Usage(format!("none of the selected checks belongs to {}", framework.key)));
                }
                Some(framework)
            }
        };
        if selection.checks().is_empty() {
            return Err(RunError::Usage("the selection matches no check".into()));
        }
        Ok((selection, framework))
    }
}

/// The framework called `name` (`cis-5.0`, case-insensitive).
pub fn framework(name: &str) -> Result<&'static Framework, RunError> {
    rampart_checks::frameworks::find_framework(name).ok_or_else(|| {
        let known: Vec<String> = rampart_checks::frameworks::frameworks().iter().map(|f| f.key.to_lowercase()).collect();
        RunError::Usage(format!("unknown framework '{name}' (known: {})", known.join(", ")))
    })
}

/// The check called `id`, for `rampart explain`.
pub fn check(id: &str) -> Result<&'static Check, RunError> {
    rampart_checks::find_check(id)
        .ok_or_else(|| RunError::Usage(format!("unknown check id {id} (`rampart checks` lists them)")))
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

/// A region name, or why it is not one.
pub fn check_region(s: &str) -> Result<(), String> {
    if is_region_name(s) { Ok(()) } else { Err("not an AWS region name (like us-east-1 or eu-west-2)".to_string()) }
}

/// An `http://` or `https://` URL with a host (and, if given, a port number), or why it is
/// not one.
pub fn check_endpoint_url(s: &str) -> Result<(), String> {
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
    Ok(())
}
