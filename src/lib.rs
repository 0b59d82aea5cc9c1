//! Rampart as a library: an audit is a function of its [`Settings`].
//!
//! The `rampart` binary parses its command line into [`Settings`] and calls [`audit`]; a
//! Lambda handler or a test builds the settings directly and calls the same function:
//!
//! ```no_run
//! use rampart::settings::{AwsSettings, InventorySource, Outputs, Settings};
//!
//! # async fn handler() -> Result<(), rampart::RunError> {
//! let settings = Settings {
//!     source: InventorySource::Aws(AwsSettings { regions: vec!["eu-west-1".into()], ..AwsSettings::default() }),
//!     selection: Default::default(),
//!     config: Default::default(),
//!     mutelist: None,
//!     baseline: None,
//!     notify: None,
//!     // Nothing written: the report is taken from the outcome (to upload it, say).
//!     outputs: Outputs::None,
//!     fail_on: rampart_checks::Severity::High,
//!     quiet: true,
//!     // Or import the findings into the account's Security Hub too.
//!     security_hub: false,
//! };
//! let outcome = rampart::audit(&settings).await?;
//! let json = outcome.render(rampart::report::find("json").unwrap());
//! println!("{} findings, exit code {}", outcome.report.findings.len(), outcome.exit_code());
//! # drop(json);
//! # Ok(())
//! # }
//! ```
//!
//! `aws` and `collect` are the only modules that call AWS, and only to read, but for what
//! the settings ask to write: reports to S3 (`aws::upload`) and findings to Security Hub
//! (`security_hub`). `notify` posts a summary to a webhook. None knows of the command line.

mod aws;
pub mod diff;
pub mod merge;
pub mod notify;
mod collect;
pub mod error;
pub mod exposure;
pub mod kubernetes;
pub mod lambda;
pub mod output;
pub mod progress;
pub mod report;
pub mod security_hub;
pub mod settings;
pub mod snapshot;

use std::future::Future;

use chrono::Utc;
use rampart_checks::engine::Evaluator;
use rampart_checks::inventory::Inventory;
use rampart_checks::{Config, Finding, Severity, Status, evaluate};

pub use error::{RunError, exit};
use report::{ComplianceReport, Report, Reporter, Scope};
pub use settings::{CollectSettings, InventorySource, Settings};
use settings::ConfigSource;

/// What an audit found, and the exit code it calls for.
#[derive(Debug)]
pub struct Outcome {
    /// The report model every format renders.
    pub report: Report,
    pub verdict: Verdict,
    /// What `--security-hub` imported and archived, account by account.
    pub security_hub: Option<security_hub::ImportSummary>,
}

impl Outcome {
    /// The process exit code: 5 when `--security-hub` could not import or archive
    /// everything, else the verdict's (0, 3 or 4). The findings are in the report whatever
    /// the import did; only the exit code and stderr can say that it failed.
    pub fn exit_code(&self) -> u8 {
        match &self.security_hub {
            Some(summary) if !summary.is_complete() => exit::IMPORT_FAILED,
            _ => self.verdict.exit_code(),
        }
    }

    /// The report in one format, in memory (for a caller that uploads it rather than
    /// writing files).
    pub fn render(&self, format: &dyn Reporter) -> Vec<u8> {
        let mut out = Vec::new();
        format.render(&self.report, &report::RenderContext::PLAIN, &mut out).expect("writing to memory cannot fail");
        out
    }
}

/// How an audit went, as the exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every selected check was evaluated and no unmuted finding at or above `fail_on` failed.
    Passed,
    /// An unmuted finding at or above `fail_on` failed.
    Failed,
    /// Nothing failed at or above `fail_on`, but an unmuted check could not be evaluated.
    Incomplete,
}

impl Verdict {
    /// [`Verdict::Failed`] when an unmuted finding at or above `fail_on` failed, else
    /// [`Verdict::Incomplete`] when an unmuted check could not be evaluated, else
    /// [`Verdict::Passed`].
    pub fn of(findings: &[Finding], fail_on: Severity) -> Verdict {
        let unmuted = || findings.iter().filter(|f| !f.muted);
        if unmuted().any(|f| f.status == Status::Fail && f.check.severity >= fail_on) {
            Verdict::Failed
        } else if unmuted().any(|f| f.status == Status::Error) {
            Verdict::Incomplete
        } else {
            Verdict::Passed
        }
    }

    /// The exit code of the verdict alone: 0, 3 or 4 ([`Outcome::exit_code`] adds the
    /// import's).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Passed => exit::OK,
            Verdict::Failed => exit::FAILED,
            Verdict::Incomplete => exit::INCOMPLETE,
        }
    }
}

/// Collects the inventory (or reads the snapshot), evaluates the selected checks, builds
/// the report and writes it to the outputs the settings name; then, if the settings ask,
/// imports the findings into Security Hub ([`security_hub`]), which says on stderr what it
/// did and what failed.
///
/// The settings are validated first, the configuration read and the outputs checked
/// before anything is collected: a mistake never costs a long collection. An error is a
/// run that could not report ([`RunError::exit_code`]); findings, failing or not, are an
/// [`Outcome`].
pub async fn audit(settings: &Settings) -> Result<Outcome, RunError> {
    let started_at = Utc::now();
    settings.validate()?;
    let (selection, framework) = settings.selection.resolve_for(settings.source.is_kubernetes())?;
    let mut config = load_config(&settings.config)?;
    if let Some(source) = &settings.mutelist {
        let list = load_mutelist(source)?;
        if !settings.quiet {
            for warning in list.warnings() {
                eprintln!("warning: {warning}");
            }
        }
        config.mutelist = Some(std::sync::Arc::new(list));
    }
    let baseline = settings.baseline.as_deref().map(diff::read).transpose()?;
    let aws_settings = match &settings.source {
        InventorySource::Aws(aws) => aws.clone(),
        InventorySource::Snapshot(_) => settings::AwsSettings::default(),
        InventorySource::Kubernetes(k8s) => k8s.aws.clone(),
    };
    let s3 = prepare_outputs(&settings.outputs, &aws_settings).await?;
    let checks = selection.checks();
    // The exposure table of the HTML report, where its check runs on an inventory of AWS.
    let with_exposure = checks.iter().any(|c| c.id == exposure::READS_OF);
    let mut exposures = Vec::new();
    // Each account is judged as soon as it is collected and its inventory dropped: an
    // organization's audit holds the findings of every account, not every inventory.
    let (collected_at, accounts, regions, findings, home_region) = match &settings.source {
        InventorySource::Snapshot(path) => {
            let inventory = snapshot::load(path)?;
            let findings = evaluate(&inventory, &selection, &config);
            if with_exposure {
                exposures.extend(inventory.accounts.iter().map(|a| rampart_checks::exposure::account_exposure(a, false)));
            }
            let accounts = inventory.accounts.iter().map(|a| a.account_id.clone()).collect();
            (inventory.collected_at, accounts, inventory.regions(), findings, None)
        }
        InventorySource::Aws(aws) => {
            // Collection starts now: ages are measured from this instant.
            let collected_at = Utc::now();
            let mut evaluator = Evaluator::new(&selection, &config, collected_at);
            let (mut accounts, mut regions) = (Vec::new(), Vec::new());
            collect::collect_each(aws, &checks, settings.quiet, |account| {
                evaluator.account(&account);
                if with_exposure {
                    exposures.push(rampart_checks::exposure::account_exposure(&account, false));
                }
                accounts.push(account.account_id.clone());
                regions.extend(account.regions.iter().cloned());
            })
            .await?;
            accounts.sort();
            regions.sort();
            regions.dedup();
            (collected_at, accounts, regions, evaluator.finish(), Some(aws::home_region(aws).await))
        }
        InventorySource::Kubernetes(k8s) => {
            let collected_at = Utc::now();
            let account = kubernetes::collect(k8s, &checks).await?;
            let mut evaluator = Evaluator::new(&selection, &config, collected_at);
            evaluator.account(&account);
            let findings = evaluator.finish();
            (collected_at, vec![account.account_id.clone()], account.regions.clone(), findings, None)
        }
    };
    let scope = Scope { accounts, regions, checks: checks.iter().map(|c| c.id.to_string()).collect() };
    let mut findings = findings;
    if let Some(baseline) = &baseline {
        diff::mark(&mut findings, baseline);
    }
    let mut report = Report::new(started_at, collected_at, scope, findings);
    if with_exposure && !exposures.is_empty() {
        exposures.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        report.exposure = Some(exposures);
    }
    report.expired_mutes = config.expired_mutes(collected_at.date_naive());
    if let Some(home_region) = home_region {
        report.home_region = home_region;
    }
    if let Some(framework) = framework {
        report.compliance = Some(ComplianceReport::new(framework, &report.findings, &report.scope.checks));
    }
    deliver(&report, &settings.outputs, settings.quiet, s3.as_ref()).await?;
    if let Some(notify) = &settings.notify {
        // The report is written: a notification that fails is said, not fatal.
        if let Err(why) = notify::send(notify, &report, settings.fail_on).await {
            eprintln!("warning: the notification could not be sent: {why}");
        }
    }
    let verdict = Verdict::of(&report.findings, settings.fail_on);
    let security_hub = match &settings.source {
        InventorySource::Aws(aws) if settings.security_hub => {
            let summary = security_hub::import(aws, &report).await;
            eprint!("{}", summary.describe(settings.quiet));
            Some(summary)
        }
        _ => None,
    };
    Ok(Outcome { report, verdict, security_hub })
}

/// Fails now, before a long collection, if the outputs could not be written later (see
/// [`output::check`]); for reports that go to S3, the client, with the bucket checked.
async fn prepare_outputs(outputs: &settings::Outputs, aws_settings: &settings::AwsSettings) -> Result<Option<aws_sdk_s3::Client>, RunError> {
    output::check(outputs)?;
    match outputs.s3_targets().first() {
        None => Ok(None),
        Some(target) => {
            let config = aws::load_base(aws_settings).await?;
            Ok(Some(aws::upload::client_for(&config, target).await?))
        }
    }
}

/// Writes the report where the outputs say, uploading what goes to S3 with `s3` (from
/// [`prepare_outputs`]); says where on stderr unless `quiet` (on a terminal, with the summary
/// table).
async fn deliver(report: &Report, outputs: &settings::Outputs, quiet: bool, s3: Option<&aws_sdk_s3::Client>) -> Result<(), RunError> {
    let uploads = output::write_report(report, outputs, quiet)?;
    let Some(client) = s3 else { return Ok(()) };
    let summary = !quiet && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let mut written = Vec::new();
    for upload in uploads {
        let to = upload.to.to_string();
        aws::upload::put(client, upload).await?;
        if summary {
            written.push(to);
        } else if !quiet {
            eprintln!("report written to {to}");
        }
    }
    if summary && matches!(outputs, settings::Outputs::S3Dir { .. }) {
        output::terminal_summary(report, &written)?;
    } else if summary {
        written.iter().for_each(|to| eprintln!("report written to {to}"));
    }
    Ok(())
}

/// Collects the inventory the selected checks read and writes it as a snapshot to the
/// settings' output (checked before collecting), then returns it.
pub async fn collect(settings: &CollectSettings) -> Result<Inventory, RunError> {
    settings.validate()?;
    let (selection, _) = settings.selection.resolve_for(false)?;
    if let Some(to) = &settings.output {
        output::check_destination(to)?;
    }
    let inventory = collect::collect(&settings.aws, &selection.checks(), settings.quiet).await?;
    if let Some(to) = &settings.output {
        snapshot::write(&inventory, to)?;
        if let (false, Some(path)) = (settings.quiet, to.file()) {
            eprintln!("snapshot written to {}", path.display());
        }
    }
    Ok(inventory)
}

/// The active accounts of the organization `aws` reaches from its management or a
/// delegated administrator account, filtered by its `include` and `exclude`, in order.
pub async fn organization_accounts(aws: &settings::AwsSettings) -> Result<Vec<String>, RunError> {
    aws.validate()?;
    let base = aws::load_base(aws).await?;
    aws::organization_accounts(&base, aws).await
}

/// [`audit`] on a runtime of its own, for callers that are not async (the CLI).
pub fn audit_blocking(settings: &Settings) -> Result<Outcome, RunError> {
    block_on(audit(settings))
}

/// [`collect`] on a runtime of its own.
pub fn collect_blocking(settings: &CollectSettings) -> Result<Inventory, RunError> {
    block_on(collect(settings))
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("the async runtime starts").block_on(future)
}

/// The mutelist in Prowler's format the settings name.
pub(crate) fn load_mutelist(source: &settings::MutelistSource) -> Result<rampart_checks::mutelist::Mutelist, RunError> {
    let (path, text) = match source {
        settings::MutelistSource::Yaml(text) => (std::path::PathBuf::from(settings::INLINE_MUTELIST), text.clone()),
        settings::MutelistSource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| RunError::Config { path: path.to_path_buf(), message: e.to_string() })?;
            (path.clone(), text)
        }
    };
    rampart_checks::mutelist::Mutelist::from_yaml(&text).map_err(|message| RunError::Config { path, message: format!("mutelist: {message}") })
}

/// The thresholds and mute rules the settings name.
pub(crate) fn load_config(source: &ConfigSource) -> Result<Config, RunError> {
    let (path, text) = match source {
        ConfigSource::Default => return Ok(Config::default()),
        ConfigSource::Toml(text) => (std::path::Path::new(settings::INLINE_CONFIG), text.clone()),
        ConfigSource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| RunError::Config { path: path.to_path_buf(), message: e.to_string() })?;
            (path.as_path(), text)
        }
    };
    Config::from_toml(&text).map_err(|e| match e {
        rampart_checks::config_file::ConfigError::Parse(message) | rampart_checks::config_file::ConfigError::Invalid(message) => {
            RunError::Config { path: path.to_path_buf(), message }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(status: Status, severity: Severity, muted: bool) -> Finding {
        Finding::synthetic("x", status, severity, rampart_checks::Measure::Access, muted)
    }

    fn exit_code(findings: &[Finding], fail_on: Severity) -> u8 {
        Verdict::of(findings, fail_on).exit_code()
    }

    #[test]
    fn exit_codes() {
        use Severity::*;
        use Status::*;
        assert_eq!(exit_code(&[finding(Pass, High, false)], Informational), 0);
        assert_eq!(exit_code(&[finding(Fail, Low, false)], Informational), 3);
        assert_eq!(exit_code(&[finding(Fail, Low, false)], High), 0);
        assert_eq!(exit_code(&[finding(Fail, Low, false), finding(Error, Low, false)], High), 4);
        assert_eq!(exit_code(&[finding(Fail, Critical, true)], Informational), 0);
        assert_eq!(exit_code(&[finding(Error, Critical, true)], Informational), 0);
        assert_eq!(exit_code(&[finding(Fail, High, false), finding(Error, Low, false)], High), 3);
    }

    /// A Lambda runtime polls the handler's future from its worker threads.
    #[test]
    fn the_entry_points_can_run_on_any_thread() {
        fn send<T: Send>(_: &T) {}
        let settings = Settings {
            source: InventorySource::Snapshot("none.json".into()),
            selection: Default::default(),
            config: Default::default(),
            mutelist: None,
            baseline: None,
            notify: None,
            outputs: settings::Outputs::None,
            fail_on: Severity::Informational,
            quiet: true,
            security_hub: false,
        };
        send(&audit(&settings));
        let collect_settings =
            CollectSettings { aws: Default::default(), selection: Default::default(), output: None, quiet: true };
        send(&collect(&collect_settings));
    }
}
