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
use rampart_checks::{Check, Measure, Selection, Severity};

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
    /// A mutelist in Prowler's YAML, applied after the configuration's `[[mute]]` rules.
    pub mutelist: Option<MutelistSource>,
    /// A JSON report of an earlier audit: each finding is marked `new` or `unchanged`
    /// against it.
    pub baseline: Option<PathBuf>,
    /// Post a summary to this webhook once the report is written.
    pub notify: Option<crate::notify::Notify>,
    /// Where the report goes, in which formats.
    pub outputs: Outputs,
    /// The outcome is [`Verdict::Failed`](crate::Verdict::Failed) when an unmuted finding of
    /// this severity or higher fails.
    pub fail_on: Severity,
    /// No progress bar, no "report written to" lines on stderr.
    pub quiet: bool,
    /// After the report is written, import the findings into each audited account's AWS
    /// Security Hub in the home region, and archive those of earlier runs this one no longer
    /// produces (`crate::security_hub`). Only for an audit of AWS, not of a snapshot.
    pub security_hub: bool,
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
    /// Read one Kubernetes cluster through its API (`--kubernetes`): the Kubernetes checks
    /// alone, and no AWS call but EKS's for `--eks-cluster`.
    Kubernetes(Box<crate::kubernetes::KubernetesSettings>),
}

impl InventorySource {
    /// Whether the run audits a Kubernetes cluster rather than AWS accounts.
    pub fn is_kubernetes(&self) -> bool {
        matches!(self, InventorySource::Kubernetes(_))
    }
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
    /// Judge every ACTIVE ECS task definition revision, not only the latest of each family.
    pub ecs_all_revisions: bool,
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
        /// Only the accounts of this share of the organization (`--shard INDEX/COUNT`).
        shard: Option<Shard>,
    },
}

/// One of `count` shares of an organization's accounts (`--shard INDEX/COUNT`), for audits
/// that several processes split (a Kubernetes Indexed Job, say).
///
/// An account belongs to share `sha256(account id) mod count`: the share of an account
/// depends on its id alone, not on what else the organization lists, so shards that list
/// the organization at different moments (an account created meanwhile) never audit one
/// account twice nor leave one out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based: 0 to `count - 1`.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether account `id` falls in this share.
    pub fn holds(&self, id: &str) -> bool {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(id.as_bytes());
        let n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        n % u64::from(self.count) == u64::from(self.index)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `INDEX/COUNT`, 0-based: `0/4` to `3/4`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("'{}' is not a shard: {why}", text.escape_debug());
        let (index, count) = text.split_once('/').ok_or_else(|| bad("say INDEX/COUNT, like 0/4"))?;
        let index: u32 = index.trim().parse().map_err(|_| bad("INDEX is not a whole number"))?;
        let count: u32 = count.trim().parse().map_err(|_| bad("COUNT is not a whole number"))?;
        if !bounds::SHARDS.contains(&count) {
            return Err(bad(&format!("COUNT is not in {}..={}", bounds::SHARDS.start(), bounds::SHARDS.end())));
        }
        if index >= count {
            return Err(bad("INDEX counts from 0 and is less than COUNT"));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
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
    /// How long collection may take from its start (`--deadline`): reads not done by then
    /// are ERROR "deadline reached before <action>", and the report is still written.
    pub deadline: Option<Duration>,
}

/// How retries pace themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    /// The SDK's standard mode: exponential backoff with jitter for the throttled request only.
    Standard,
    /// The SDK's adaptive mode: after a throttle, every request to that service and region
    /// of the account is slowed to the rate AWS accepts.
    Adaptive,
    /// A congestion window per service and region of the account (`aws::window`): halved on
    /// a throttle down to one request in flight, grown back as AWS answers; the throttled
    /// request retries after a short jittered backoff.
    Window,
    /// A send rate per service and region of the account (`aws::pace`): after throttles it
    /// falls while slowing down lowers them, never when they do not follow the rate (other
    /// callers spend the account's budget), and grows back; the throttled request retries
    /// after a short jittered backoff.
    Paced,
}

/// Bounds of the numeric settings (the command line enforces the same).
pub mod bounds {
    use std::ops::RangeInclusive;
    pub const ROLE_DURATION_SECS: RangeInclusive<u32> = 900..=43200;
    pub const MAX_ACCOUNTS: RangeInclusive<u32> = 1..=64;
    pub const MAX_ATTEMPTS: RangeInclusive<u32> = 1..=20;
    pub const ATTEMPT_TIMEOUT_SECS: RangeInclusive<u32> = 1..=3600;
    pub const MAX_IN_FLIGHT: RangeInclusive<u32> = 1..=256;
    pub const DEADLINE_SECS: RangeInclusive<u32> = 1..=86400;
    pub const SHARDS: RangeInclusive<u32> = 1..=10000;
}

/// Reads a duration as `90`, `90s`, `15m`, `1h30m` or `2h`: whole seconds, minutes and
/// hours, largest first, each at most once.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("'{}' is not a duration (say 90s, 15m or 1h30m)", text.escape_debug());
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u64>().map(Duration::from_secs).map_err(|_| bad());
    }
    let mut total: u64 = 0;
    let mut rest = text;
    let mut last_unit = u64::MAX;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        let unit = match rest.as_bytes().get(digits) {
            Some(b'h') => 3600,
            Some(b'm') => 60,
            Some(b's') => 1,
            _ => return Err(bad()),
        };
        if unit >= last_unit {
            return Err(bad());
        }
        last_unit = unit;
        total = number.checked_mul(unit).and_then(|n| total.checked_add(n)).ok_or_else(bad)?;
        rest = &rest[digits + 1..];
    }
    if text.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
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
            ecs_all_revisions: false,
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
        RetrySettings {
            mode: RetryMode::Adaptive,
            max_attempts: 6,
            attempt_timeout: Duration::from_secs(60),
            max_in_flight: 8,
            deadline: None,
        }
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
    /// The text of such a file (from an environment variable or an object store, say);
    /// errors name it [`INLINE_CONFIG`].
    Toml(String),
}

/// Where a mutelist in Prowler's format comes from.
#[derive(Debug, Clone)]
pub enum MutelistSource {
    /// A YAML file, read when the run starts.
    File(PathBuf),
    /// The text of such a file; errors name it [`INLINE_MUTELIST`].
    Yaml(String),
}

/// The name errors give a [`MutelistSource::Yaml`].
pub const INLINE_MUTELIST: &str = "<inline mutelist>";

/// The name errors give a [`ConfigSource::Toml`].
pub const INLINE_CONFIG: &str = "<inline configuration>";

/// Where one stream of output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output, with colour and the terminal's width when it is a terminal.
    Terminal,
    /// Standard output, plain even on a terminal (`-o -`).
    Stdout,
    /// A file, written whole or not at all.
    File(PathBuf),
    /// An S3 object (`-o s3://bucket/key`), uploaded whole with server-side encryption.
    S3(S3Target),
}

/// An S3 location reports are uploaded to: an object's key, or (for `--output-dir`) the
/// prefix the file names are appended to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Target {
    pub bucket: String,
    pub key: String,
    /// SSE-KMS with this key (id, ARN or alias); SSE-S3 (AES-256) when `None`.
    pub kms_key: Option<String>,
}

impl S3Target {
    /// `s3://bucket/key`, if `text` starts with `s3://`: `Some(Err(why))` when it does but is
    /// not a valid location.
    pub fn parse(text: &str) -> Option<Result<S3Target, RunError>> {
        let rest = text.strip_prefix("s3://")?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid_bucket {
            return Some(Err(RunError::Usage(format!("{text}: not a valid S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"))));
        }
        if key.len() > 900 || key.chars().any(char::is_control) {
            return Some(Err(RunError::Usage(format!("{text}: not a valid S3 key"))));
        }
        Some(Ok(S3Target { bucket: bucket.to_string(), key: key.to_string(), kms_key: None }))
    }

    /// The object `name` under this prefix: `prefix/name` (one `/` between them).
    pub fn join(&self, name: &str) -> S3Target {
        let key = match self.key.as_str() {
            "" => name.to_string(),
            k if k.ends_with('/') => format!("{k}{name}"),
            k => format!("{k}/{name}"),
        };
        S3Target { key, ..self.clone() }
    }
}

impl std::fmt::Display for S3Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
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
    /// One object per format under an S3 prefix, named the same way.
    S3Dir { formats: Vec<&'static dyn Reporter>, prefix: S3Target },
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
        if let Some(prefix) = output_dir.as_ref().and_then(|d| S3Target::parse(&d.to_string_lossy())) {
            return Ok(Outputs::S3Dir { formats: formats.to_vec(), prefix: prefix? });
        }
        if let Some(Err(e)) = output.as_ref().and_then(|o| S3Target::parse(&o.to_string_lossy())) {
            return Err(e);
        }
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

    pub(crate) fn validate(&self) -> Result<(), RunError> {
        match self {
            Outputs::None | Outputs::One { .. } => Ok(()),
            Outputs::Dir { formats, .. } if formats.is_empty() => {
                Err(RunError::Usage("--output-dir needs at least one --format".into()))
            }
            Outputs::Dir { formats, .. } => no_format_twice(formats),
            Outputs::S3Dir { formats, .. } if formats.is_empty() => {
                Err(RunError::Usage("--output-dir needs at least one --format".into()))
            }
            Outputs::S3Dir { formats, prefix } => {
                no_format_twice(formats)?;
                if prefix.key.is_empty() || prefix.key.ends_with('/') {
                    Ok(())
                } else {
                    Err(RunError::Usage(format!("--output-dir {prefix}: an S3 prefix ends with '/'")))
                }
            }
        }
    }

    /// Server-side encryption with this KMS key for whatever goes to S3.
    pub fn with_kms_key(mut self, key: Option<String>) -> Self {
        match &mut self {
            Outputs::One { to: Destination::S3(t), .. } => t.kms_key = key,
            Outputs::S3Dir { prefix, .. } => prefix.kms_key = key,
            _ => {}
        }
        self
    }

    /// The S3 locations the outputs write to.
    pub fn s3_targets(&self) -> Vec<&S3Target> {
        match self {
            Outputs::One { to: Destination::S3(t), .. } => vec![t],
            Outputs::S3Dir { prefix, .. } => vec![prefix],
            _ => Vec::new(),
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
        Some(path) => match S3Target::parse(&path.to_string_lossy()) {
            Some(Ok(target)) => Destination::S3(target),
            _ => Destination::File(path),
        },
    }
}

impl Settings {
    /// Every rule of the settings, checked before anything is read: region names, the
    /// endpoint URL, numeric bounds, check ids and framework names, and the outputs.
    pub fn validate(&self) -> Result<(), RunError> {
        self.selection.resolve_for(self.source.is_kubernetes())?;
        self.outputs.validate()?;
        match &self.source {
            InventorySource::Aws(aws) => aws.validate()?,
            InventorySource::Kubernetes(_) if self.security_hub => {
                return Err(RunError::Usage(
                    "--security-hub imports into AWS accounts, and an audit of a Kubernetes cluster reports on the cluster: \
                     import the --format asff report of an EKS cluster yourself"
                        .into(),
                ));
            }
            InventorySource::Kubernetes(k8s) => k8s.validate()?,
            InventorySource::Snapshot(_) if self.security_hub => {
                return Err(RunError::Usage(
                    "--security-hub imports into the audited accounts, which an audit of a snapshot does not reach: \
                     audit AWS, or import the --format asff report yourself"
                        .into(),
                ));
            }
            InventorySource::Snapshot(_) => {}
        }
        Ok(())
    }
}

impl CollectSettings {
    /// The rules of [`Settings::validate`] that apply to a collection.
    pub fn validate(&self) -> Result<(), RunError> {
        self.selection.resolve_for(false)?;
        if let Some(Destination::S3(target)) = &self.output {
            return Err(RunError::Usage(format!("collect writes its snapshot to a file or stdout, not to {target}")));
        }
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
        if let Some(deadline) = self.retry.deadline {
            out_of("--deadline (seconds)", deadline.as_secs(), bounds::DEADLINE_SECS)?;
        }
        if let Accounts::Organization { shard: Some(shard), .. } = &self.accounts {
            // The same rules as the command line's parser.
            shard.to_string().parse::<Shard>().map_err(RunError::Usage)?;
        }
        Ok(())
    }
}

impl SelectionSettings {
    /// [`resolve`](Self::resolve), kept to the checks of one kind of audit: those of a
    /// Kubernetes cluster (`kubernetes`) or those of AWS accounts. An audit of AWS never
    /// selects a cluster's checks (they would only say that no cluster was read), and an
    /// audit of a cluster selects nothing else.
    pub fn resolve_for(&self, kubernetes: bool) -> Result<(Selection, Option<&'static Framework>), RunError> {
        let (mut selection, framework) = self.resolve()?;
        let ids: Vec<String> = selection
            .checks()
            .into_iter()
            .filter(|c| rampart_checks::kubernetes::is_cluster_check(c) == kubernetes)
            .map(|c| c.id.to_string())
            .collect();
        if ids.is_empty() {
            return Err(RunError::Usage(if kubernetes {
                "the selection matches no Kubernetes check (`rampart checks --measure containers` lists them)".into()
            } else {
                "the selection matches only Kubernetes checks: audit a cluster with --kubernetes".into()
            }));
        }
        selection.check_ids = ids;
        Ok((selection, framework))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_falls_in_exactly_one_shard_and_shards_are_near_even() {
        let ids: Vec<String> = (0..4000u64).map(|n| format!("{:012}", 100_000_000_000 + n * 7919)).collect();
        let shards: Vec<Shard> = (0..4).map(|index| Shard { index, count: 4 }).collect();
        let mut sizes = [0usize; 4];
        for id in &ids {
            let holding: Vec<u32> = shards.iter().filter(|s| s.holds(id)).map(|s| s.index).collect();
            assert_eq!(holding.len(), 1, "{id} is in shards {holding:?}");
            sizes[holding[0] as usize] += 1;
        }
        assert!(sizes.iter().all(|&n| (850..=1150).contains(&n)), "uneven shards: {sizes:?}");
        // One share of one is everything.
        assert!(ids.iter().all(|id| Shard { index: 0, count: 1 }.holds(id)));
    }

    #[test]
    fn shards_parse_as_index_over_count() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
        assert_eq!(" 0 / 1 ".trim().parse::<Shard>(), Ok(Shard { index: 0, count: 1 }));
        for bad in ["5/5", "1/0", "-1/4", "a/4", "3", "", "1/10001", "1/4/2"] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("is not a shard"), "{bad}: {err}");
        }
        let mut aws = AwsSettings {
            accounts: Accounts::Organization { role_name: "r".into(), include: vec![], exclude: vec![], shard: Some(Shard { index: 4, count: 4 }) },
            ..AwsSettings::default()
        };
        assert!(usage(aws.validate()).contains("INDEX counts from 0"));
        aws.accounts = Accounts::Organization { role_name: "r".into(), include: vec![], exclude: vec![], shard: Some(Shard { index: 3, count: 4 }) };
        assert!(aws.validate().is_ok());
    }

    fn usage(result: Result<impl std::fmt::Debug, RunError>) -> String {
        match result {
            Err(RunError::Usage(message)) => message,
            other => panic!("not a usage error: {other:?}"),
        }
    }

    fn format(name: &str) -> &'static dyn Reporter {
        crate::report::find(name).unwrap()
    }

    fn audit(source: InventorySource, selection: SelectionSettings, outputs: Outputs) -> Settings {
        Settings { source, selection, config: ConfigSource::Default, mutelist: None, baseline: None, notify: None, outputs, fail_on: Severity::Informational, quiet: true, security_hub: false }
    }

    fn aws() -> InventorySource {
        InventorySource::Aws(AwsSettings::default())
    }

    fn ids(selection: &SelectionSettings) -> Vec<String> {
        let mut ids: Vec<String> = selection.resolve().unwrap().0.checks().iter().map(|c| c.id.to_string()).collect();
        ids.sort();
        ids
    }

    #[test]
    fn unknown_check_ids_are_named() {
        let select = |ids: &[&str]| SelectionSettings { check_ids: ids.iter().map(|s| s.to_string()).collect(), ..Default::default() };
        assert_eq!(
            usage(select(&["iam_root_mfa_enabled", "nope"]).resolve()),
            "unknown check id nope (`rampart checks` lists them)"
        );
        assert_eq!(usage(select(&["nope", "nix"]).resolve()), "unknown check ids nope, nix (`rampart checks` lists them)");
        // Blank entries (`--checks a,,b`) and spaces around ids are not ids.
        assert_eq!(ids(&select(&[" iam_root_mfa_enabled ", ""])), ["iam_root_mfa_enabled"]);
        assert_eq!(usage(check("nope")), "unknown check id nope (`rampart checks` lists them)");
        assert_eq!(check("iam_root_mfa_enabled").unwrap().id, "iam_root_mfa_enabled");
    }

    #[test]
    fn frameworks_are_known_by_name_and_narrow_the_selection() {
        let in_cis = SelectionSettings { compliance: Some("cis-5.0".into()), ..Default::default() };
        let (selection, framework) = in_cis.resolve().unwrap();
        assert_eq!(framework.unwrap().key, "CIS-5.0");
        let mut of_framework = framework.unwrap().check_ids();
        of_framework.sort();
        assert_eq!(ids(&in_cis), of_framework);
        assert!(selection.checks().len() < rampart_checks::all_checks().len());

        let message = usage(SelectionSettings { compliance: Some("cis-9".into()), ..Default::default() }.resolve());
        assert!(message.starts_with("unknown framework 'cis-9' (known: ") && message.contains("cis-5.0"), "{message}");

        // An id outside the framework is dropped; nothing left is an error.
        let all = rampart_checks::all_checks();
        let outside = all.iter().find(|c| !of_framework.contains(&c.id.to_string())).unwrap();
        let both = SelectionSettings {
            check_ids: vec![of_framework[0].clone(), outside.id.into()],
            compliance: Some("CIS-5.0".into()),
            ..Default::default()
        };
        assert_eq!(ids(&both), [of_framework[0].clone()]);
        let none = SelectionSettings { check_ids: vec![outside.id.into()], compliance: Some("CIS-5.0".into()), ..Default::default() };
        assert_eq!(usage(none.resolve()), "none of the selected checks belongs to CIS-5.0");
    }

    #[test]
    fn a_selection_that_matches_nothing_is_refused() {
        let root_mfa = check("iam_root_mfa_enabled").unwrap();
        assert_eq!(root_mfa.measure, Measure::Access);
        let other_measure =
            SelectionSettings { check_ids: vec![root_mfa.id.into()], measures: vec![Measure::Network], ..Default::default() };
        assert_eq!(usage(other_measure.resolve()), "the selection matches no check");
        let everything = SelectionSettings::default().resolve().unwrap().0;
        assert_eq!(everything.checks().len(), rampart_checks::all_checks().len());
    }

    #[test]
    fn one_format_per_stream_and_several_only_in_a_directory() {
        let (table, json) = (format("table"), format("json"));
        assert!(matches!(Outputs::from_options(&[json], None, None), Ok(Outputs::One { to: Destination::Terminal, .. })));
        assert!(matches!(Outputs::from_options(&[json], Some("-".into()), None), Ok(Outputs::One { to: Destination::Stdout, .. })));
        match Outputs::from_options(&[json], Some("r.json".into()), None) {
            Ok(Outputs::One { format, to: Destination::File(path) }) => {
                assert_eq!(format.name(), "json");
                assert_eq!(path, PathBuf::from("r.json"));
            }
            other => panic!("{other:?}"),
        }
        match Outputs::from_options(&[table, json], None, Some("out".into())) {
            Ok(Outputs::Dir { formats, dir }) => {
                assert_eq!(formats.iter().map(|f| f.name()).collect::<Vec<_>>(), ["table", "json"]);
                assert_eq!(dir, PathBuf::from("out"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            usage(Outputs::from_options(&[table, json], None, None)),
            "standard output takes one format, not table, json: write several with --output-dir DIR"
        );
        assert_eq!(
            usage(Outputs::from_options(&[table, json], Some("-".into()), None)),
            "standard output takes one format, not table, json: write several with --output-dir DIR"
        );
        assert_eq!(
            usage(Outputs::from_options(&[table, json], Some("r".into()), None)),
            "-o FILE takes one format, not table, json: write several with --output-dir DIR"
        );
        assert_eq!(usage(Outputs::from_options(&[json, table, json], None, Some("out".into()))), "--format names 'json' twice");

        // The same rules for outputs built without the options.
        let validate = |outputs| audit(aws(), SelectionSettings::default(), outputs).validate();
        assert_eq!(usage(validate(Outputs::Dir { formats: vec![json, json], dir: "out".into() })), "--format names 'json' twice");
        assert_eq!(usage(validate(Outputs::Dir { formats: vec![], dir: "out".into() })), "--output-dir needs at least one --format");
        validate(Outputs::None).unwrap();
        validate(Outputs::One { format: table, to: Destination::Terminal }).unwrap();
    }

    #[test]
    fn regions_endpoints_and_bounds_of_the_aws_settings() {
        AwsSettings::default().validate().unwrap();
        let with = |change: &dyn Fn(&mut AwsSettings)| {
            let mut aws = AwsSettings::default();
            change(&mut aws);
            aws.validate()
        };
        with(&|a| a.regions = vec!["us-east-1".into(), "us-gov-west-1".into()]).unwrap();
        assert_eq!(
            usage(with(&|a| a.regions = vec!["us-east-1".into(), "US-EAST-1".into()])),
            "region 'US-EAST-1': not an AWS region name (like us-east-1 or eu-west-2)"
        );
        assert_eq!(
            usage(with(&|a| a.exclude_regions = vec!["eu-west-1\n".into()])),
            "region 'eu-west-1\\n': not an AWS region name (like us-east-1 or eu-west-2)"
        );
        with(&|a| a.endpoint_url = Some("http://127.0.0.1:4566".into())).unwrap();
        assert_eq!(
            usage(with(&|a| a.endpoint_url = Some("127.0.0.1:4566".into()))),
            "endpoint '127.0.0.1:4566': not an endpoint URL: it must start with http:// or https:// (like http://127.0.0.1:4566)"
        );
        assert_eq!(usage(with(&|a| a.role.duration = Duration::from_secs(899))), "--role-duration 899 is not in 900..=43200");
        with(&|a| a.role.duration = Duration::from_secs(43200)).unwrap();
        assert_eq!(usage(with(&|a| a.max_accounts = 0)), "--max-accounts 0 is not in 1..=64");
        assert_eq!(usage(with(&|a| a.retry.max_attempts = 21)), "--max-attempts 21 is not in 1..=20");
        assert_eq!(usage(with(&|a| a.retry.attempt_timeout = Duration::ZERO)), "--attempt-timeout 0 is not in 1..=3600");
        assert_eq!(usage(with(&|a| a.retry.max_in_flight = 257)), "--max-in-flight 257 is not in 1..=256");
        assert_eq!(usage(with(&|a| a.retry.deadline = Some(Duration::ZERO))), "--deadline (seconds) 0 is not in 1..=86400");
        assert_eq!(usage(with(&|a| a.retry.deadline = Some(Duration::from_secs(86401)))), "--deadline (seconds) 86401 is not in 1..=86400");
    }

    #[test]
    fn durations_read_as_people_write_them() {
        for (text, secs) in [("90", 90), ("90s", 90), ("15m", 900), ("1h30m", 5400), ("2h", 7200), ("1h1m1s", 3661), (" 5m ", 300)] {
            assert_eq!(parse_duration(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        for text in ["", "m", "5x", "1m1h", "1m1m", "-5s", "1.5m", "99999999999999999999h", "5 m"] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
    }

    #[test]
    fn settings_validate_every_part_they_use() {
        let bad_region = InventorySource::Aws(AwsSettings { regions: vec!["nowhere".into()], ..AwsSettings::default() });
        assert!(usage(audit(bad_region.clone(), SelectionSettings::default(), Outputs::None).validate()).starts_with("region 'nowhere'"));
        // A snapshot needs no AWS settings, and reaches no Security Hub.
        let mut snapshot = audit(InventorySource::Snapshot("s.json".into()), SelectionSettings::default(), Outputs::None);
        snapshot.validate().unwrap();
        snapshot.security_hub = true;
        assert!(usage(snapshot.validate()).starts_with("--security-hub imports into the audited accounts"));
        let mut live = audit(aws(), SelectionSettings::default(), Outputs::None);
        live.security_hub = true;
        live.validate().unwrap();
        let unknown = SelectionSettings { check_ids: vec!["nope".into()], ..Default::default() };
        assert!(usage(audit(aws(), unknown.clone(), Outputs::None).validate()).starts_with("unknown check id nope"));

        let InventorySource::Aws(bad_region) = bad_region else { unreachable!() };
        let collect = |aws: AwsSettings, selection| CollectSettings { aws, selection, output: None, quiet: true }.validate();
        collect(AwsSettings::default(), SelectionSettings::default()).unwrap();
        assert!(usage(collect(bad_region, SelectionSettings::default())).starts_with("region 'nowhere'"));
        assert!(usage(collect(AwsSettings::default(), unknown)).starts_with("unknown check id nope"));
    }

    #[test]
    fn region_names_and_endpoint_urls() {
        for good in ["us-east-1", "us-gov-west-1", "eu-isoe-west-1", "ap-southeast-5", "cn-north-1"] {
            assert_eq!(check_region(good), Ok(()));
        }
        for bad in ["", "US-EAST-1", "us_east_1", "us-east", "us-east-1 ", "-1", "us--1", "u-east-1", "us-east-1/../x"] {
            assert!(check_region(bad).is_err(), "{bad:?}");
        }
        for good in ["http://127.0.0.1:4566", "https://localhost", "http://[::1]:5000/", "http://host:1/path?q"] {
            assert_eq!(check_endpoint_url(good), Ok(()));
        }
        for bad in ["not a url", "127.0.0.1:4566", "ftp://x", "http://", "http://:80", "http://h:port", "http://h:70000", "http://[::1", "http://a b"] {
            assert!(check_endpoint_url(bad).is_err(), "{bad:?}");
        }
    }
}
