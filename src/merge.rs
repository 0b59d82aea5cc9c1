//! `rampart merge`: several JSON reports (one per account, or per shard of an organization)
//! made into one report, with a score per account and for the whole, and rendered in every
//! format as an audit's would be.
//!
//! Inputs are JSON reports (`--format json`) as files, directories, or S3 objects and
//! prefixes (`s3://bucket/prefix/`): a directory or a prefix stands for every report file
//! under it, at any depth, named as `--output-dir` names them (`rampart-<account>-<time>.json`;
//! the other formats' files beside them, such as `.ocsf.json`, are not reports).
//!
//! The findings are taken as the reports give them: their checks' titles, severities and
//! mappings, their mutes and messages. Where two reports cover the same account, the later
//! run (`started_at`) gives that account's findings and the other is named on stderr: a
//! retried per-account audit leaves two reports. An account the caller expected
//! (`expect_accounts`) that no report covers gets an ERROR finding for every merged check, as
//! an audit gives an account it could not enter: a fan-out that lost an account says so.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use rampart_checks::finding::{BaselineState, FindingCheck, FindingResource};
use rampart_checks::inventory::{AccountInventory, Inventory};
use rampart_checks::mutelist::ExpiredMute;
use rampart_checks::{Finding, Measure, Selection, Severity, Status};
use serde::Deserialize;

use crate::error::RunError;
use crate::report::{ComplianceReport, Report, Scope};
use crate::settings::{AwsSettings, Outputs, S3Target};
use crate::{Outcome, Verdict};

/// Everything `merge` needs.
#[derive(Debug, Clone)]
pub struct MergeSettings {
    /// JSON reports: files, directories, `s3://bucket/key.json` or `s3://bucket/prefix/`.
    pub inputs: Vec<String>,
    /// Accounts the merged report must cover: those no input covers get ERROR findings.
    pub expect_accounts: Vec<String>,
    /// How S3 is reached (profile, endpoint) for inputs and outputs there.
    pub aws: AwsSettings,
    /// A JSON report of an earlier run: every finding is marked new or unchanged.
    pub baseline: Option<PathBuf>,
    pub outputs: Outputs,
    /// As for an audit: the outcome fails when an unmuted finding this severe fails.
    pub fail_on: Severity,
    pub quiet: bool,
}

impl MergeSettings {
    pub fn validate(&self) -> Result<(), RunError> {
        if self.inputs.is_empty() {
            return Err(RunError::Usage("merge needs at least one report, directory or s3:// prefix".into()));
        }
        for input in &self.inputs {
            if let Some(target) = S3Target::parse(input) {
                target?;
            }
        }
        if let Some(bad) = self.expect_accounts.iter().find(|id| id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit())) {
            return Err(RunError::Usage(format!("'{}' is not an AWS account id (12 digits)", bad.escape_debug())));
        }
        self.outputs.validate()?;
        self.aws.validate()
    }
}

/// Reads the inputs, merges them, writes the merged report where the outputs say, and
/// returns it with its verdict.
pub async fn merge(settings: &MergeSettings) -> Result<Outcome, RunError> {
    let started = Utc::now();
    settings.validate()?;
    let baseline = settings.baseline.as_deref().map(crate::diff::read).transpose()?;
    let s3 = crate::prepare_outputs(&settings.outputs, &settings.aws).await?;
    let sources = Sources::find(settings).await?;
    let mut merged = Merged::default();
    // Downloads overlap; reports are parsed one at a time, in the inputs' order, each
    // dropped once its findings are taken.
    let mut bodies = futures::stream::iter(sources.list.iter()).map(|source| sources.read(source)).buffered(8);
    let mut index = 0;
    while let Some(body) = bodies.next().await {
        let source = &sources.list[index];
        index += 1;
        let report: InputReport = crate::diff::parse(&body?).map_err(|message| RunError::Report { path: source.name().into(), message })?;
        merged.add(source.name(), report, settings.quiet);
    }
    drop(bodies);
    let mut report = merged.finish(&settings.expect_accounts, started, settings.quiet);
    if let Some(baseline) = &baseline {
        crate::diff::mark(&mut report.findings, baseline);
    }
    crate::deliver(&report, &settings.outputs, settings.quiet, s3.as_ref()).await?;
    let verdict = Verdict::of(&report.findings, settings.fail_on);
    Ok(Outcome { report, verdict, security_hub: None })
}

/// [`merge`] on a runtime of its own.
pub fn merge_blocking(settings: &MergeSettings) -> Result<Outcome, RunError> {
    crate::block_on(merge(settings))
}

/// The largest report merge reads (1 GiB; the JSON report of a 100,000-resource account is
/// about 400 MB). Up to 8 are read at once.
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// Whether a file name is one `--output-dir` gives a JSON report:
/// `rampart-<account>-<time>.json`, with no other dot (not `.ocsf.json`, `.asff.json`).
pub fn is_report_name(name: &str) -> bool {
    name.strip_prefix("rampart-").and_then(|rest| rest.strip_suffix(".json")).is_some_and(|stem| !stem.is_empty() && !stem.contains('.'))
}

/// A warning on stderr; when `quiet`, in the log instead (the Lambda function's JSON lines).
fn warn(quiet: bool, text: String) {
    if quiet {
        tracing::warn!("{text}");
    } else {
        eprintln!("warning: {text}");
    }
}

/// One report to read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    File(PathBuf),
    S3(S3Target),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::S3(target) => target.to_string(),
        }
    }
}

/// The reports the inputs stand for, and the S3 client to read those in S3.
struct Sources {
    list: Vec<Source>,
    s3: HashMap<String, aws_sdk_s3::Client>,
}

impl Sources {
    async fn find(settings: &MergeSettings) -> Result<Sources, RunError> {
        let mut list = Vec::new();
        let mut s3 = HashMap::new();
        // The AWS configuration, loaded once, for the first input in S3.
        let mut config = None;
        for input in &settings.inputs {
            match S3Target::parse(input) {
                Some(target) => {
                    let target = target?;
                    if !s3.contains_key(&target.bucket) {
                        if config.is_none() {
                            config = Some(crate::aws::load_base(&settings.aws).await?);
                        }
                        let config = config.as_ref().expect("loaded above");
                        s3.insert(target.bucket.clone(), crate::aws::upload::client_for(config, &target).await?);
                    }
                    if target.key.is_empty() || target.key.ends_with('/') {
                        let keys = crate::aws::upload::list(&s3[&target.bucket], &target).await?;
                        let before = list.len();
                        list.extend(
                            keys.into_iter()
                                .filter(|k| is_report_name(k.rsplit('/').next().unwrap_or(k)))
                                .map(|key| Source::S3(S3Target { key, ..target.clone() })),
                        );
                        if list.len() == before {
                            return Err(no_report(input));
                        }
                    } else {
                        list.push(Source::S3(target));
                    }
                }
                None => {
                    let path = Path::new(input);
                    if path.is_dir() {
                        let before = list.len();
                        report_files(path, &mut list).map_err(|e| RunError::Report { path: path.to_path_buf(), message: e.to_string() })?;
                        if list.len() == before {
                            return Err(no_report(input));
                        }
                    } else {
                        list.push(Source::File(path.to_path_buf()));
                    }
                }
            }
        }
        // The same report named twice (a file and its directory, say) counts once.
        let mut seen = BTreeSet::new();
        list.retain(|s| seen.insert(s.name()));
        Ok(Sources { list, s3 })
    }

    async fn read(&self, source: &Source) -> Result<Vec<u8>, RunError> {
        let too_large = |size: u64| RunError::Report {
            path: source.name().into(),
            message: format!("{size} bytes: larger than the {MAX_REPORT_BYTES} bytes a report may have here (split the audit with --shard)"),
        };
        match source {
            Source::File(path) => {
                let fail = |e: std::io::Error| RunError::Report { path: path.clone(), message: e.to_string() };
                let size = std::fs::metadata(path).map_err(fail)?.len();
                if size > MAX_REPORT_BYTES {
                    return Err(too_large(size));
                }
                std::fs::read(path).map_err(fail)
            }
            Source::S3(target) => crate::aws::upload::get(&self.s3[&target.bucket], target, MAX_REPORT_BYTES).await.map_err(|e| match e {
                crate::aws::upload::GetError::TooLarge(size) => too_large(size),
                crate::aws::upload::GetError::Failed(e) => e,
            }),
        }
    }
}

fn no_report(input: &str) -> RunError {
    RunError::Report {
        path: input.into(),
        message: "holds no Rampart JSON report (files named rampart-<account>-<time>.json, as --output-dir writes them)".into(),
    }
}

/// The report files under `dir`, at any depth, in name order.
fn report_files(dir: &Path, out: &mut Vec<Source>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let kind = entry.file_type()?;
        if kind.is_dir() {
            report_files(&entry.path(), out)?;
        } else if kind.is_file() && is_report_name(&entry.file_name().to_string_lossy()) {
            out.push(Source::File(entry.path()));
        }
    }
    Ok(())
}

/// What merge reads of a JSON report.
#[derive(Deserialize)]
struct InputReport {
    started_at: DateTime<Utc>,
    collected_at: DateTime<Utc>,
    scope: InputScope,
    #[serde(default)]
    compliance: Option<InputCompliance>,
    #[serde(default)]
    expired_mutes: Vec<ExpiredMute>,
    findings: Vec<InputFinding>,
}

#[derive(Deserialize)]
struct InputScope {
    accounts: Vec<String>,
    regions: Vec<String>,
    checks: Vec<String>,
}

#[derive(Deserialize)]
struct InputCompliance {
    framework: String,
}

/// A finding as the JSON report writes it (`Finding`'s serialisation).
#[derive(Deserialize)]
struct InputFinding {
    check_id: String,
    title: String,
    status: Status,
    severity: Severity,
    measure: Measure,
    account_id: String,
    region: String,
    resource_id: String,
    resource_arn: Option<String>,
    resource_type: String,
    #[serde(default)]
    resource_tags: Option<BTreeMap<String, String>>,
    message: String,
    remediation: String,
    compliance: BTreeMap<String, Vec<String>>,
    muted: bool,
    mute_reason: Option<String>,
    #[serde(default)]
    baseline: Option<BaselineState>,
}

/// One account's findings, from the report that gave them.
struct AccountPart {
    from: String,
    started_at: DateTime<Utc>,
    findings: Vec<Finding>,
}

/// The reports read so far.
#[derive(Default)]
struct Merged {
    accounts: BTreeMap<String, AccountPart>,
    started_at: Option<DateTime<Utc>>,
    collected_at: Option<DateTime<Utc>>,
    regions: BTreeSet<String>,
    /// Every input's checks, in the order the first report that ran each lists it.
    checks: Vec<String>,
    /// The checks each input ran, to say when they differ.
    check_sets: BTreeSet<Vec<String>>,
    /// The framework of each input's compliance section (`None`: it had none).
    frameworks: BTreeSet<Option<String>>,
    expired_mutes: Vec<ExpiredMute>,
    inputs: usize,
    /// Shared values, as an audit shares them: one check, resource and message for many findings.
    interned_checks: HashMap<String, Arc<FindingCheck>>,
    messages: HashMap<String, Arc<str>>,
    kinds: HashMap<String, Arc<str>>,
}

impl Merged {
    fn add(&mut self, from: String, report: InputReport, quiet: bool) {
        self.inputs += 1;
        self.started_at = Some(self.started_at.map_or(report.started_at, |t| t.min(report.started_at)));
        self.collected_at = Some(self.collected_at.map_or(report.collected_at, |t| t.min(report.collected_at)));
        self.regions.extend(report.scope.regions);
        for check in &report.scope.checks {
            if !self.checks.contains(check) {
                self.checks.push(check.clone());
            }
        }
        let mut set = report.scope.checks.clone();
        set.sort();
        self.check_sets.insert(set);
        self.frameworks.insert(report.compliance.map(|c| c.framework));
        for mute in report.expired_mutes {
            if !self.expired_mutes.contains(&mute) {
                self.expired_mutes.push(mute);
            }
        }
        let mut by_account: BTreeMap<String, Vec<Finding>> = report.scope.accounts.into_iter().map(|a| (a, Vec::new())).collect();
        for f in report.findings {
            let finding = self.finding(f);
            by_account.entry(finding.resource.account_id.to_string()).or_default().push(finding);
        }
        for (account, findings) in by_account {
            let part = AccountPart { from: from.clone(), started_at: report.started_at, findings };
            match self.accounts.get(&account) {
                Some(kept) if kept.started_at >= part.started_at => {
                    warn(quiet, format!("account {account} is in {} and in the earlier run {}: the later one is kept", kept.from, part.from));
                }
                Some(kept) => {
                    warn(quiet, format!("account {account} is in {} and in the earlier run {}: the later one is kept", part.from, kept.from));
                    self.accounts.insert(account, part);
                }
                None => {
                    self.accounts.insert(account, part);
                }
            }
        }
    }

    fn finding(&mut self, f: InputFinding) -> Finding {
        let check = match self.interned_checks.get(&f.check_id) {
            Some(check) => check.clone(),
            None => {
                let check = Arc::new(FindingCheck {
                    id: f.check_id.clone(),
                    title: f.title,
                    severity: f.severity,
                    measure: f.measure,
                    remediation: f.remediation,
                    compliance: f.compliance,
                });
                self.interned_checks.insert(f.check_id, check.clone());
                check
            }
        };
        let message = self.messages.entry(f.message).or_insert_with_key(|m| Arc::from(m.as_str())).clone();
        let kind = self.kinds.entry(f.resource_type).or_insert_with_key(|k| Arc::from(k.as_str())).clone();
        Finding {
            check,
            resource: Arc::new(FindingResource {
                account_id: f.account_id.into(),
                region: f.region.into(),
                id: f.resource_id,
                arn: f.resource_arn,
                kind,
                tags: f.resource_tags.map(|tags| tags.into_iter().collect()),
            }),
            status: f.status,
            message,
            muted: f.muted,
            mute_reason: f.mute_reason.map(Arc::from),
            baseline: f.baseline,
        }
    }

    fn finish(mut self, expect: &[String], started: DateTime<Utc>, quiet: bool) -> Report {
        let say = |text: String| warn(quiet, text);
        if self.check_sets.len() > 1 {
            say(format!("the {} reports did not all run the same checks: an account is judged only on the checks its report ran", self.inputs));
        }
        let regions: Vec<String> = self.regions.iter().cloned().collect();
        let missing: Vec<&String> = expect.iter().filter(|id| !self.accounts.contains_key(*id)).collect();
        if !missing.is_empty() {
            let ids: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            say(format!("no report covers account{} {}: ERROR findings in its place", if ids.len() == 1 { "" } else { "s" }, ids.join(", ")));
            // What an audit reports for an account it could not enter: every check, ERROR.
            let partition = self.partition();
            let mut inventory = Inventory::new(self.collected_at.unwrap_or(started));
            let audited_regions = if regions.is_empty() { vec!["global".to_string()] } else { regions.clone() };
            for id in &missing {
                let why = format!("account {id}: no report among the merged inputs (its audit did not run, or did not finish)");
                inventory.accounts.push(AccountInventory::unreachable(id, &partition, audited_regions.clone(), &why));
            }
            let known: Vec<String> = self.checks.iter().filter(|id| rampart_checks::find_check(id).is_some()).cloned().collect();
            if !known.is_empty() {
                let selection = Selection { check_ids: known, measures: Vec::new(), min_severity: None };
                let findings = rampart_checks::evaluate(&inventory, &selection, &rampart_checks::Config::default());
                for id in missing {
                    let of_account = findings.iter().filter(|f| *f.resource.account_id == **id).cloned().collect();
                    self.accounts.insert(id.clone(), AccountPart { from: String::new(), started_at: started, findings: of_account });
                }
            }
        }
        let framework = match self.frameworks.iter().collect::<Vec<_>>().as_slice() {
            [Some(key)] => rampart_checks::frameworks::find_framework(key),
            [] | [None] => None,
            _ => {
                say("the reports were not made for the same --compliance framework: the merged report has no compliance section".into());
                None
            }
        };
        let accounts: Vec<String> = self.accounts.keys().cloned().collect();
        let findings: Vec<Finding> = std::mem::take(&mut self.accounts).into_values().flat_map(|part| part.findings).collect();
        let scope = Scope { accounts, regions, checks: self.checks.clone() };
        let mut report = Report::new(self.started_at.unwrap_or(started), self.collected_at.unwrap_or(started), scope, findings);
        report.expired_mutes = self.expired_mutes;
        if let Some(framework) = framework {
            report.compliance = Some(ComplianceReport::new(framework, &report.findings, &report.scope.checks));
        }
        report
    }

    /// The partition of the merged accounts' ARNs (`aws` when none says).
    fn partition(&self) -> String {
        self.accounts
            .values()
            .flat_map(|p| &p.findings)
            .find_map(|f| f.resource.arn.as_deref().and_then(|arn| arn.split(':').nth(1)).filter(|p| !p.is_empty()).map(str::to_string))
            .unwrap_or_else(|| "aws".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_are_those_output_dir_gives_json_reports() {
        assert!(is_report_name("rampart-123456789012-20261207T101010Z.json"));
        assert!(is_report_name("rampart-multi-20261207T101010Z.json"));
        for other in [
            "rampart-123456789012-20261207T101010Z.ocsf.json",
            "rampart-123456789012-20261207T101010Z.asff.json",
            "rampart-1-2.html",
            "report.json",
            "rampart-.json",
            "rampart-1.json.tmp",
        ] {
            assert!(!is_report_name(other), "{other}");
        }
    }

    fn report(account: &str, started: &str, status: &str, checks: &[&str]) -> InputReport {
        let findings: Vec<serde_json::Value> = checks
            .iter()
            .map(|check| {
                serde_json::json!({
                    "check_id": check, "title": check, "status": status, "severity": "high", "measure": "access",
                    "account_id": account, "region": "global", "resource_id": account,
                    "resource_arn": format!("arn:aws-cn:iam::{account}:root"), "resource_type": "AwsAccount",
                    "resource_tags": {"team": "<b>x</b>"}, "message": "same words", "remediation": "", "compliance": {},
                    "muted": false, "mute_reason": null
                })
            })
            .collect();
        let text = serde_json::json!({
            "schema_version": crate::report::SCHEMA_VERSION, "started_at": started, "collected_at": started,
            "scope": {"accounts": [account], "regions": ["eu-west-1"], "checks": checks},
            "findings": findings,
        });
        crate::diff::parse(text.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn the_later_run_of_an_account_wins_and_missing_accounts_are_errors() {
        let mut merged = Merged::default();
        let check = "iam_root_mfa_enabled";
        merged.add("a".into(), report("111111111111", "2026-12-07T10:00:00Z", "FAIL", &[check]), true);
        merged.add("b".into(), report("111111111111", "2026-12-07T11:00:00Z", "PASS", &[check]), true);
        merged.add("c".into(), report("111111111111", "2026-12-07T09:00:00Z", "FAIL", &[check]), true);
        merged.add("d".into(), report("222222222222", "2026-12-07T08:00:00Z", "FAIL", &[check]), true);
        let report = merged.finish(&["111111111111".into(), "333333333333".into()], Utc::now(), true);
        assert_eq!(report.scope.accounts, ["111111111111", "222222222222", "333333333333"]);
        let status = |account: &str| -> Vec<Status> {
            report.findings.iter().filter(|f| &*f.resource.account_id == account).map(|f| f.status).collect()
        };
        assert_eq!(status("111111111111"), [Status::Pass], "the 11:00 run is kept");
        assert_eq!(status("222222222222"), [Status::Fail]);
        assert_eq!(status("333333333333"), [Status::Error]);
        let missing = report.findings.iter().find(|f| &*f.resource.account_id == "333333333333").unwrap();
        assert!(missing.message.contains("no report among the merged inputs"), "{}", missing.message);
        assert!(missing.resource.arn.as_deref().unwrap().starts_with("arn:aws-cn:"), "the inputs' partition");
        assert_eq!(report.started_at.to_rfc3339(), "2026-12-07T08:00:00+00:00", "the earliest input's start");
        // Per-account scores, as an audit of several accounts gives them.
        assert_eq!(report.summary.accounts.len(), 3);
        // Tags and shared values survive.
        let kept = report.findings.iter().find(|f| &*f.resource.account_id == "111111111111").unwrap();
        assert_eq!(kept.resource.tags.as_deref(), Some(&[("team".to_string(), "<b>x</b>".to_string())][..]));
        let d = report.findings.iter().find(|f| &*f.resource.account_id == "222222222222").unwrap();
        assert!(Arc::ptr_eq(&kept.check, &d.check) && Arc::ptr_eq(&kept.message, &d.message));
    }

    #[test]
    fn accounts_are_twelve_digits_and_inputs_are_required() {
        let settings = MergeSettings {
            inputs: vec![],
            expect_accounts: vec![],
            aws: AwsSettings::default(),
            baseline: None,
            outputs: Outputs::None,
            fail_on: Severity::Informational,
            quiet: true,
        };
        assert!(matches!(settings.validate(), Err(RunError::Usage(m)) if m.contains("at least one")));
        let settings = MergeSettings { inputs: vec!["x".into()], expect_accounts: vec!["12345".into()], ..settings };
        assert!(matches!(settings.validate(), Err(RunError::Usage(m)) if m.contains("not an AWS account id")));
        let settings = MergeSettings { inputs: vec!["s3://A/".into()], expect_accounts: vec![], ..settings };
        assert!(matches!(settings.validate(), Err(RunError::Usage(m)) if m.contains("bucket")));
    }
}
