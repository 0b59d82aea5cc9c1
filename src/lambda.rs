//! The AWS Lambda handler of the `rampart-lambda` binary: an audit, the organization's
//! account list, or a merge, by the invocation's JSON payload, with the function's
//! environment for whatever the payload leaves out.
//!
//! A scheduled EventBridge event (`"source": "aws.events"`) or an empty object runs an audit
//! with the environment's defaults. Any other payload is an object of these fields, all
//! optional; an unknown field, a field of another action, or a value of the wrong shape is
//! refused with a message naming it, before anything is read:
//!
//! | field | for | what |
//! |---|---|---|
//! | `action` | | `audit` (the default), `accounts` (the organization's active account ids) or `merge` |
//! | `accounts` | audit | `"org"`, or a list of account ids entered through the organization; absent: the function's own account |
//! | `role_name` | audit | the role assumed in member accounts |
//! | `regions` | audit | regions to audit (default: every enabled region) |
//! | `checks`, `measures`, `compliance` | audit | the selection, as on the command line |
//! | `formats` | audit, merge | report formats (default `json`, `html`, `ocsf`) |
//! | `output` | audit, merge | `s3://bucket/prefix/` the reports go under |
//! | `kms_key` | audit, merge | the KMS key the reports are encrypted with (SSE-KMS) |
//! | `security_hub` | audit | also import the findings into Security Hub |
//! | `mutelist` | audit | a mutelist in Prowler's YAML: `s3://bucket/key` or a file in the package |
//! | `config` | audit | a configuration file (TOML, docs/configuration.md): `s3://bucket/key` or a file |
//! | `inputs` | merge | JSON reports: `s3://bucket/prefix/` (every report under it) or objects |
//! | `expect_accounts` | merge | accounts the merged report must cover (ERROR where no report does) |
//!
//! The environment: `RAMPART_OUTPUT`, `RAMPART_KMS_KEY`, `RAMPART_REGIONS` (comma-separated),
//! `RAMPART_ROLE_NAME`, `RAMPART_ACCOUNTS` (`org` or comma-separated ids),
//! `RAMPART_SECURITY_HUB` (`true`), `RAMPART_MUTELIST` and `RAMPART_CONFIG` (`s3://bucket/key`
//! or a path), `RAMPART_NOTIFY_URL` (a webhook that gets each audit's summary, as `--notify`),
//! `RAMPART_ECS_ALL_REVISIONS` (`true`: every ACTIVE task definition revision, as
//! `--ecs-all-revisions`).
//! Reports always go to S3, encrypted with SSE-KMS when a key is named.
//!
//! An audit's collection gets the invocation's remaining time less a margin (a tenth of it,
//! at least 30 s, and 60 s more for a Security Hub import) as its `--deadline`, so that the
//! reports are written before Lambda ends the invocation; reads cut short are ERROR
//! findings. The answer is a summary: accounts, verdict, exit code, scores, counts, and where
//! each report was written.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use lambda_runtime::{Diagnostic, LambdaEvent};
use rampart_checks::score::Counts;
use rampart_checks::{Measure, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::merge::MergeSettings;
use crate::settings::{Accounts, AwsSettings, ConfigSource, InventorySource, MutelistSource, Outputs, S3Target, SelectionSettings, Settings};
use crate::{Outcome, RunError};

/// The formats written when the payload names none.
pub const DEFAULT_FORMATS: [&str; 3] = ["json", "html", "ocsf"];

/// What the function's environment sets for every invocation.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// `RAMPART_OUTPUT`: `s3://bucket/prefix/`.
    pub output: Option<String>,
    /// `RAMPART_KMS_KEY`.
    pub kms_key: Option<String>,
    /// `RAMPART_REGIONS`.
    pub regions: Vec<String>,
    /// `RAMPART_ROLE_NAME` (default `OrganizationAccountAccessRole`).
    pub role_name: Option<String>,
    /// `RAMPART_ACCOUNTS`: `org`, or account ids.
    pub accounts: Option<AccountsField>,
    /// `RAMPART_SECURITY_HUB`.
    pub security_hub: bool,
    /// `RAMPART_MUTELIST`: `s3://bucket/key` or a path.
    pub mutelist: Option<String>,
    /// `RAMPART_CONFIG`: `s3://bucket/key` or a path.
    pub config: Option<String>,
    /// `RAMPART_NOTIFY_URL`: where each audit's summary is posted.
    pub notify: Option<crate::notify::Notify>,
    /// Where AWS is reached and how: endpoint (an emulator), retries.
    pub aws: AwsSettings,
}

impl Defaults {
    /// The defaults of the function's environment. A variable that cannot be understood is
    /// an error naming it: a misconfigured function fails its first invocation loudly.
    pub fn from_env() -> Result<Defaults, RunError> {
        Defaults::from_vars(|name| std::env::var(name).ok())
    }

    /// The same from any source of variables (`lookup(name)`).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Defaults, RunError> {
        let var = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let list = |name: &str| var(name).map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>());
        let accounts = match list("RAMPART_ACCOUNTS") {
            None => None,
            Some(ids) if ids == ["org"] => Some(AccountsField::Organization),
            Some(ids) => Some(AccountsField::Listed(ids)),
        };
        let flag = |name: &str| match var(name).as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(RunError::Usage(format!("{name} is '{}': say true or false", other.escape_debug()))),
        };
        let security_hub = flag("RAMPART_SECURITY_HUB")?;
        // An emulator's endpoint (a test pipeline against LocalStack, say): set on the
        // session as --endpoint-url sets it, so that every client, S3 Control's too, goes there.
        let mut aws = AwsSettings {
            endpoint_url: var("AWS_ENDPOINT_URL"),
            ecs_all_revisions: flag("RAMPART_ECS_ALL_REVISIONS")?,
            ..AwsSettings::default()
        };
        if let Some(n) = var("RAMPART_MAX_ATTEMPTS") {
            aws.retry.max_attempts = n.parse().map_err(|_| RunError::Usage(format!("RAMPART_MAX_ATTEMPTS is '{}': not a number", n.escape_debug())))?;
        }
        let notify = match var("RAMPART_NOTIFY_URL") {
            None => None,
            // The error never repeats the URL, a secret.
            Some(url) => Some(crate::notify::Notify {
                url: url.parse().map_err(|why| RunError::Usage(format!("RAMPART_NOTIFY_URL: {why}")))?,
                format: Default::default(),
            }),
        };
        aws.validate()?;
        Ok(Defaults {
            mutelist: var("RAMPART_MUTELIST"),
            config: var("RAMPART_CONFIG"),
            notify,
            output: var("RAMPART_OUTPUT"),
            kms_key: var("RAMPART_KMS_KEY"),
            regions: list("RAMPART_REGIONS").unwrap_or_default(),
            role_name: var("RAMPART_ROLE_NAME"),
            accounts,
            security_hub,
            aws,
        })
    }
}

/// What an invocation asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    #[default]
    Audit,
    Accounts,
    Merge,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Audit => "audit",
            Action::Accounts => "accounts",
            Action::Merge => "merge",
        }
    }
}

/// `accounts`: `"org"` or a list of account ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountsField {
    Organization,
    Listed(Vec<String>),
}

impl<'de> Deserialize<'de> for AccountsField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) if s == "org" => Ok(AccountsField::Organization),
            Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => Err(serde::de::Error::custom(format!("{other} is not an account id (a string of 12 digits)"))),
                })
                .collect::<Result<_, _>>()
                .map(AccountsField::Listed),
            _ => Err(serde::de::Error::custom("say \"org\" or a list of account ids")),
        }
    }
}

/// The payload of a direct invocation (see the module's documentation).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    #[serde(default)]
    pub action: Action,
    pub accounts: Option<AccountsField>,
    pub role_name: Option<String>,
    pub regions: Option<Vec<String>>,
    pub checks: Option<Vec<String>>,
    pub measures: Option<Vec<Measure>>,
    pub compliance: Option<String>,
    pub formats: Option<Vec<String>>,
    pub output: Option<String>,
    pub kms_key: Option<String>,
    pub security_hub: Option<bool>,
    pub mutelist: Option<String>,
    pub config: Option<String>,
    pub inputs: Option<Vec<String>>,
    pub expect_accounts: Option<Vec<String>>,
}

impl Payload {
    /// The payload of an event: a scheduled EventBridge event is an empty one (an audit with
    /// the defaults); anything else is read as a [`Payload`], each mistake named.
    pub fn of_event(event: Value) -> Result<Payload, RunError> {
        if event.get("source").and_then(Value::as_str) == Some("aws.events") && event.get("detail-type").is_some() {
            return Ok(Payload::default());
        }
        if !event.is_object() {
            return Err(RunError::Usage(format!("the payload is {}, not a JSON object", kind_of(&event))));
        }
        let payload: Payload = serde_path_to_error::deserialize(event).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." { RunError::Usage(format!("payload: {inner}")) } else { RunError::Usage(format!("payload field {path}: {inner}")) }
        })?;
        payload.check_fields()?;
        Ok(payload)
    }

    /// Refuses the fields of other actions: a merge given `regions` was meant to be
    /// something else.
    fn check_fields(&self) -> Result<(), RunError> {
        let present = [
            ("accounts", self.accounts.is_some(), &[Action::Audit][..]),
            ("role_name", self.role_name.is_some(), &[Action::Audit, Action::Accounts]),
            ("regions", self.regions.is_some(), &[Action::Audit]),
            ("checks", self.checks.is_some(), &[Action::Audit]),
            ("measures", self.measures.is_some(), &[Action::Audit]),
            ("compliance", self.compliance.is_some(), &[Action::Audit]),
            ("security_hub", self.security_hub.is_some(), &[Action::Audit]),
            ("mutelist", self.mutelist.is_some(), &[Action::Audit]),
            ("config", self.config.is_some(), &[Action::Audit]),
            ("formats", self.formats.is_some(), &[Action::Audit, Action::Merge]),
            ("output", self.output.is_some(), &[Action::Audit, Action::Merge]),
            ("kms_key", self.kms_key.is_some(), &[Action::Audit, Action::Merge]),
            ("inputs", self.inputs.is_some(), &[Action::Merge]),
            ("expect_accounts", self.expect_accounts.is_some(), &[Action::Merge]),
        ];
        for (name, given, actions) in present {
            if given && !actions.contains(&self.action) {
                let of: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
                return Err(RunError::Usage(format!(
                    "payload field {name} is not one of action {}: it belongs to {}",
                    self.action.as_str(),
                    of.join(", ")
                )));
            }
        }
        if self.action == Action::Merge && self.inputs.as_ref().is_none_or(Vec::is_empty) {
            return Err(RunError::Usage("payload: action merge needs inputs (s3://bucket/prefix/ of the reports)".into()));
        }
        Ok(())
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What an invocation answers.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub action: &'static str,
    /// Accounts covered (for `accounts`: the organization's active accounts).
    pub accounts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u8>,
    /// Overall and per measure, 0–100 (`null` where nothing was evaluated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<BTreeMap<String, Option<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
    /// Format name to the S3 object it was written to.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub reports: BTreeMap<String, String>,
    /// With `security_hub`: findings imported and archived, and whether every one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<SecurityHubSummary>,
    /// The collection deadline the invocation's remaining time allowed, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_seconds: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct SecurityHubSummary {
    pub imported: usize,
    pub archived: usize,
    pub refused: usize,
    pub complete: bool,
}

/// The handler `rampart-lambda` runs: the invocation's payload and deadline, with the
/// function's environment as [`Defaults`].
///
/// A failure is answered with an error type a caller can match (Step Functions'
/// `ErrorEquals`): [`USAGE_ERROR`] for a payload, a setting or a configuration that is wrong
/// (running again will not help), [`CANNOT_RUN`] for an audit or merge that could not run
/// (credentials, the bucket, the network).
pub async fn handler(event: LambdaEvent<Value>, defaults: &Defaults) -> Result<Summary, Diagnostic> {
    let deadline = (event.context.deadline != 0).then(|| event.context.deadline());
    let payload = Payload::of_event(event.payload).map_err(diagnostic)?;
    tracing::info!(action = payload.action.as_str(), request_id = %event.context.request_id, "invocation");
    handle(payload, deadline, defaults).await.map_err(diagnostic)
}

/// The error type of a payload, setting or configuration that is wrong.
pub const USAGE_ERROR: &str = "Rampart.UsageError";
/// The error type of a run that could not be made.
pub const CANNOT_RUN: &str = "Rampart.CannotRun";

fn diagnostic(e: RunError) -> Diagnostic {
    let error_type = match e {
        RunError::Usage(_) | RunError::Config { .. } => USAGE_ERROR,
        _ => CANNOT_RUN,
    };
    tracing::error!(error_type, "{e}");
    Diagnostic { error_type: error_type.into(), error_message: e.to_string() }
}

/// Runs what the payload asks, with `deadline` the instant Lambda ends the invocation.
pub async fn handle(payload: Payload, deadline: Option<SystemTime>, defaults: &Defaults) -> Result<Summary, RunError> {
    match payload.action {
        Action::Accounts => {
            let aws = AwsSettings {
                accounts: Accounts::Organization {
                    role_name: payload.role_name.or_else(|| defaults.role_name.clone()).unwrap_or_else(default_role),
                    include: Vec::new(),
                    exclude: Vec::new(),
                    shard: None,
                },
                ..defaults.aws.clone()
            };
            let accounts = crate::organization_accounts(&aws).await?;
            tracing::info!(accounts = accounts.len(), "organization listed");
            Ok(Summary {
                action: "accounts",
                accounts,
                verdict: None,
                exit_code: None,
                score: None,
                counts: None,
                reports: BTreeMap::new(),
                security_hub: None,
                deadline_seconds: None,
            })
        }
        Action::Audit => audit(payload, deadline, defaults).await,
        Action::Merge => merge(payload, defaults).await,
    }
}

fn default_role() -> String {
    "OrganizationAccountAccessRole".to_string()
}

/// The reports' destination: the payload's or the environment's prefix, with the key.
fn outputs(payload: &Payload, defaults: &Defaults) -> Result<Outputs, RunError> {
    let output = payload.output.clone().or_else(|| defaults.output.clone()).ok_or_else(|| {
        RunError::Usage("no output: give the payload an output (s3://bucket/prefix/) or set RAMPART_OUTPUT".into())
    })?;
    let mut prefix = match S3Target::parse(&output) {
        Some(target) => target?,
        None => return Err(RunError::Usage(format!("output '{}' is not an S3 location (s3://bucket/prefix/)", output.escape_debug()))),
    };
    if !prefix.key.is_empty() && !prefix.key.ends_with('/') {
        prefix.key.push('/');
    }
    prefix.kms_key = payload.kms_key.clone().or_else(|| defaults.kms_key.clone());
    let names: Vec<String> = payload.formats.clone().unwrap_or_else(|| DEFAULT_FORMATS.iter().map(|s| s.to_string()).collect());
    let mut formats = Vec::new();
    for name in &names {
        let known = crate::report::find(name).ok_or_else(|| {
            let all: Vec<&str> = crate::report::reporters().iter().map(|r| r.name()).collect();
            RunError::Usage(format!("payload field formats: unknown format '{}' (known: {})", name.escape_debug(), all.join(", ")))
        })?;
        formats.push(known);
    }
    Ok(Outputs::S3Dir { formats, prefix })
}

/// The collection deadline: the time left less a margin for writing the reports.
fn collection_deadline(deadline: Option<SystemTime>, security_hub: bool) -> Result<Option<Duration>, RunError> {
    let Some(deadline) = deadline else { return Ok(None) };
    let left = deadline.duration_since(SystemTime::now()).unwrap_or_default();
    let margin = (left / 10).max(Duration::from_secs(30)) + if security_hub { Duration::from_secs(60) } else { Duration::ZERO };
    match left.checked_sub(margin) {
        Some(budget) if budget >= Duration::from_secs(10) => Ok(Some(Duration::from_secs(budget.as_secs()))),
        _ => Err(RunError::Usage(format!(
            "{} s left in the invocation: too little to audit and write the reports (raise the function's timeout)",
            left.as_secs()
        ))),
    }
}

async fn audit(payload: Payload, deadline: Option<SystemTime>, defaults: &Defaults) -> Result<Summary, RunError> {
    let outputs = outputs(&payload, defaults)?;
    let security_hub = payload.security_hub.unwrap_or(defaults.security_hub);
    let role_name = payload.role_name.clone().or_else(|| defaults.role_name.clone()).unwrap_or_else(default_role);
    let accounts = match payload.accounts.clone().or_else(|| defaults.accounts.clone()) {
        None => Accounts::Caller,
        Some(AccountsField::Organization) => Accounts::Organization { role_name, include: Vec::new(), exclude: Vec::new(), shard: None },
        Some(AccountsField::Listed(ids)) => {
            if let Some(bad) = ids.iter().find(|id| id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit())) {
                return Err(RunError::Usage(format!("payload field accounts: '{}' is not an account id (12 digits)", bad.escape_debug())));
            }
            if ids.is_empty() {
                return Err(RunError::Usage("payload field accounts: an empty list (say \"org\", or leave it out for this account)".into()));
            }
            Accounts::Organization { role_name, include: ids, exclude: Vec::new(), shard: None }
        }
    };
    let mut aws = AwsSettings { accounts, regions: payload.regions.clone().unwrap_or_else(|| defaults.regions.clone()), ..defaults.aws.clone() };
    aws.retry.deadline = collection_deadline(deadline, security_hub)?;
    let mutelist = match payload.mutelist.clone().or_else(|| defaults.mutelist.clone()) {
        None => None,
        Some(location) => {
            let text = read_setting(&location, &aws).await?;
            crate::load_mutelist(&MutelistSource::Yaml(text.clone()))
                .map_err(|e| RunError::Config { path: location.clone().into(), message: config_message(e) })?;
            Some(MutelistSource::Yaml(text))
        }
    };
    let config = match payload.config.clone().or_else(|| defaults.config.clone()) {
        None => ConfigSource::Default,
        Some(location) => {
            let text = read_setting(&location, &aws).await?;
            crate::load_config(&ConfigSource::Toml(text.clone()))
                .map_err(|e| RunError::Config { path: location.clone().into(), message: config_message(e) })?;
            ConfigSource::Toml(text)
        }
    };
    let settings = Settings {
        source: InventorySource::Aws(aws.clone()),
        selection: SelectionSettings {
            check_ids: payload.checks.clone().unwrap_or_default(),
            measures: payload.measures.clone().unwrap_or_default(),
            min_severity: None,
            compliance: payload.compliance.clone(),
        },
        config,
        mutelist,
        baseline: None,
        notify: defaults.notify.clone(),
        outputs: outputs.clone(),
        fail_on: Severity::Informational,
        quiet: true,
        security_hub,
    };
    tracing::info!(deadline_seconds = aws.retry.deadline.map(|d| d.as_secs()), regions = ?aws.regions, "audit");
    let outcome = crate::audit(&settings).await?;
    let mut summary = summarise("audit", &outcome, &outputs);
    summary.deadline_seconds = aws.retry.deadline.map(|d| d.as_secs());
    tracing::info!(verdict = summary.verdict, accounts = summary.accounts.len(), findings = outcome.report.findings.len(), "audited");
    Ok(summary)
}

/// The largest mutelist or configuration file read from S3.
const MAX_SETTINGS_BYTES: u64 = 1 << 20;

/// The text of a mutelist or configuration: an S3 object (`s3://bucket/key`) or a file.
async fn read_setting(location: &str, aws: &AwsSettings) -> Result<String, RunError> {
    let fail = |message: String| RunError::Config { path: location.into(), message };
    let bytes = match S3Target::parse(location) {
        None => std::fs::read(location).map_err(|e| fail(e.to_string()))?,
        Some(target) => {
            let target = target?;
            let config = crate::aws::load_base(aws).await?;
            let client = crate::aws::upload::client_for(&config, &target).await?;
            match crate::aws::upload::get(&client, &target, MAX_SETTINGS_BYTES).await {
                Ok(bytes) => bytes,
                Err(crate::aws::upload::GetError::TooLarge(size)) => return Err(fail(format!("{size} bytes: more than {MAX_SETTINGS_BYTES}"))),
                Err(crate::aws::upload::GetError::Failed(e)) => return Err(e),
            }
        }
    };
    String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))
}

/// The message of a configuration error, without the placeholder name of inline text.
fn config_message(e: RunError) -> String {
    match e {
        RunError::Config { message, .. } => message,
        other => other.to_string(),
    }
}

async fn merge(payload: Payload, defaults: &Defaults) -> Result<Summary, RunError> {
    let outputs = outputs(&payload, defaults)?;
    let settings = MergeSettings {
        inputs: payload.inputs.clone().unwrap_or_default(),
        expect_accounts: payload.expect_accounts.clone().unwrap_or_default(),
        aws: defaults.aws.clone(),
        baseline: None,
        outputs: outputs.clone(),
        fail_on: Severity::Informational,
        // Its warnings (an account without a report, one in two reports) go to the log.
        quiet: true,
    };
    let outcome = crate::merge::merge(&settings).await?;
    let summary = summarise("merge", &outcome, &outputs);
    tracing::info!(verdict = summary.verdict, accounts = summary.accounts.len(), findings = outcome.report.findings.len(), "merged");
    Ok(summary)
}

fn summarise(action: &'static str, outcome: &Outcome, outputs: &Outputs) -> Summary {
    let report = &outcome.report;
    let scores = &report.summary.score;
    let mut score: BTreeMap<String, Option<f64>> = scores.measures.iter().map(|(m, s)| (m.as_str().to_string(), s.score)).collect();
    score.insert("overall".into(), scores.overall.score);
    let reports = match outputs {
        Outputs::S3Dir { formats, prefix } => {
            formats.iter().map(|f| (f.name().to_string(), prefix.join(&report.file_name(*f)).to_string())).collect()
        }
        _ => BTreeMap::new(),
    };
    Summary {
        action,
        accounts: report.scope.accounts.clone(),
        verdict: Some(match outcome.verdict {
            crate::Verdict::Passed => "passed",
            crate::Verdict::Failed => "failed",
            crate::Verdict::Incomplete => "incomplete",
        }),
        exit_code: Some(outcome.exit_code()),
        score: Some(score),
        counts: Some(report.summary.counts.clone()),
        reports,
        security_hub: outcome.security_hub.as_ref().map(|s| SecurityHubSummary {
            imported: s.accounts.iter().map(|a| a.imported).sum(),
            archived: s.accounts.iter().map(|a| a.archived).sum(),
            refused: s.accounts.iter().map(|a| a.failed.len()).sum(),
            complete: s.is_complete(),
        }),
        deadline_seconds: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(event: Value) -> String {
        match Payload::of_event(event) {
            Err(RunError::Usage(m)) => m,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_scheduled_event_or_an_empty_object_is_an_audit_with_the_defaults() {
        let scheduled = serde_json::json!({
            "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": "2026-12-07T06:00:00Z", "region": "eu-west-1",
            "resources": ["arn:aws:events:eu-west-1:123456789012:rule/nightly"], "detail": {}
        });
        for event in [scheduled, serde_json::json!({})] {
            let p = Payload::of_event(event).unwrap();
            assert_eq!(p.action, Action::Audit);
            assert!(p.accounts.is_none() && p.regions.is_none() && p.output.is_none());
        }
    }

    #[test]
    fn mistakes_in_the_payload_are_named() {
        assert!(usage(serde_json::json!({"regoins": ["eu-west-1"]})).contains("unknown field `regoins`"));
        let m = usage(serde_json::json!({"regions": "eu-west-1"}));
        assert!(m.starts_with("payload field regions:"), "{m}");
        assert!(usage(serde_json::json!({"action": "delete"})).contains("payload field action"));
        assert!(usage(serde_json::json!({"accounts": 12})).contains("say \"org\""));
        assert!(usage(serde_json::json!({"measures": ["speed"]})).contains("payload field measures"));
        assert!(usage(serde_json::json!({"action": "merge", "regions": ["eu-west-1"], "inputs": ["s3://b/p/"]})).contains("regions is not one of action merge"));
        assert!(usage(serde_json::json!({"action": "merge"})).contains("needs inputs"));
        assert!(usage(serde_json::json!({"inputs": ["s3://b/p/"]})).contains("inputs is not one of action audit"));
        assert!(usage(serde_json::json!(["audit"])).contains("not a JSON object"));
    }

    #[test]
    fn the_environment_sets_the_defaults_and_a_bad_value_is_named() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        let d = Defaults::from_vars(vars(&[
            ("RAMPART_OUTPUT", "s3://reports/nightly/"),
            ("RAMPART_REGIONS", "eu-west-1, us-east-1,"),
            ("RAMPART_ACCOUNTS", "org"),
            ("RAMPART_SECURITY_HUB", "true"),
            ("RAMPART_MUTELIST", "s3://reports/settings/mutelist.yaml"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
            ("RAMPART_MAX_ATTEMPTS", "2"),
            ("RAMPART_ECS_ALL_REVISIONS", "true"),
        ]))
        .unwrap();
        assert!(d.aws.ecs_all_revisions);
        assert_eq!(d.regions, ["eu-west-1", "us-east-1"]);
        assert_eq!(d.accounts, Some(AccountsField::Organization));
        assert!(d.security_hub);
        assert_eq!(d.aws.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"), "every client goes to the emulator, S3 Control too");
        assert_eq!(d.aws.retry.max_attempts, 2);
        let d = Defaults::from_vars(vars(&[("RAMPART_ACCOUNTS", "111111111111,222222222222"), ("RAMPART_SECURITY_HUB", "")])).unwrap();
        assert_eq!(d.accounts, Some(AccountsField::Listed(vec!["111111111111".into(), "222222222222".into()])));
        assert!(!d.security_hub && d.aws.endpoint_url.is_none() && !d.aws.ecs_all_revisions);
        let usage = |pairs| match Defaults::from_vars(vars(pairs)) {
            Err(RunError::Usage(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(usage(&[("RAMPART_SECURITY_HUB", "maybe")]).contains("RAMPART_SECURITY_HUB"));
        assert!(usage(&[("RAMPART_ECS_ALL_REVISIONS", "yes")]).contains("RAMPART_ECS_ALL_REVISIONS"));
        assert!(usage(&[("RAMPART_MAX_ATTEMPTS", "many")]).contains("RAMPART_MAX_ATTEMPTS"));
        let m = usage(&[("RAMPART_NOTIFY_URL", "http://hooks.example.com/T0/secret-token")]);
        assert!(m.contains("RAMPART_NOTIFY_URL") && !m.contains("secret-token"), "the URL is never repeated: {m}");
        assert!(usage(&[("AWS_ENDPOINT_URL", "not a url")]).contains("endpoint"));
    }

    #[test]
    fn outputs_need_an_s3_prefix_and_known_formats() {
        let defaults = Defaults::default();
        let err = |p: Payload, d: &Defaults| match outputs(&p, d) {
            Err(RunError::Usage(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(err(Payload::default(), &defaults).contains("RAMPART_OUTPUT"));
        assert!(err(Payload { output: Some("/tmp/reports".into()), ..Default::default() }, &defaults).contains("not an S3 location"));
        let p = Payload { output: Some("s3://reports/x".into()), formats: Some(vec!["pdf".into()]), ..Default::default() };
        assert!(err(p, &defaults).contains("unknown format 'pdf'"));
        let d = Defaults { output: Some("s3://reports/nightly".into()), kms_key: Some("alias/reports".into()), ..Default::default() };
        let Outputs::S3Dir { formats, prefix } = outputs(&Payload::default(), &d).unwrap() else { panic!() };
        assert_eq!(formats.iter().map(|f| f.name()).collect::<Vec<_>>(), DEFAULT_FORMATS);
        assert_eq!((prefix.bucket.as_str(), prefix.key.as_str(), prefix.kms_key.as_deref()), ("reports", "nightly/", Some("alias/reports")));
    }

    #[test]
    fn the_collection_leaves_a_margin_for_the_reports() {
        let in_secs = |s: u64| Some(SystemTime::now() + Duration::from_secs(s));
        let d = collection_deadline(in_secs(900), false).unwrap().unwrap().as_secs();
        assert!((805..=810).contains(&d), "{d}");
        let d = collection_deadline(in_secs(900), true).unwrap().unwrap().as_secs();
        assert!((745..=750).contains(&d), "{d}");
        let d = collection_deadline(in_secs(120), false).unwrap().unwrap().as_secs();
        assert!((85..=90).contains(&d), "{d}");
        assert!(matches!(collection_deadline(in_secs(35), false), Err(RunError::Usage(m)) if m.contains("too little")));
        assert_eq!(collection_deadline(None, false).unwrap(), None);
    }
}
