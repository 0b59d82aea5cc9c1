//! `--security-hub`: after the audit, each audited account's findings go to that account's
//! own AWS Security Hub (CSPM) in the run's home region, and the findings Rampart imported
//! there before that this run no longer produces are archived.
//!
//! Rampart reads the audited resources and never changes them; this is the one place it
//! writes to AWS, and only when asked, with two actions: `securityhub:BatchImportFindings`
//! and `securityhub:GetFindings` (not in `deploy/iam-policy.json`, the audit's read-only
//! policy).
//!
//! - The findings are those of the ASFF report ([`asff::finding`]), PASS included, so that
//!   Security Hub shows what is resolved; each is converted into the SDK's type by
//!   [`to_sdk`], field for field.
//! - They are sent in batches of at most 100 findings and 6 MB ([`Batcher`]); a finding over
//!   the 240 KB Security Hub takes is not sent, and counted as failed. Throttling is retried
//!   by the SDK, with the session's retry settings (`--max-attempts`, `--retry-mode`).
//! - Each account is entered as the audit entered it (its own credentials, `--role-arn`, or
//!   with `--org` the role `--role-name` in each member account), because Security Hub takes a
//!   finding on the default product only from the account it is about.
//! - Archiving: `GetFindings` lists the account's ACTIVE findings of the default product
//!   whose `GeneratorId` starts with `rampart/` (the filters are checked again here: an
//!   emulator may ignore them); one whose `Id` this run did not produce is archived, by
//!   importing it again with `RecordState` `ARCHIVED` and `UpdatedAt` now, but only if this
//!   run's scope covers it: its check was selected and its region audited (a global
//!   finding's region is `global`, covered whenever its check is). An audit of one region or
//!   of some checks never archives the findings of the others. Nor does a check that could
//!   not see everything: when the check has an ERROR finding in the account, in the stale
//!   finding's region or globally, its earlier findings there are kept as they are (what
//!   could not be read is never taken for resolved).
//! - Failures never stop the other accounts. Each failed finding is reported with Security
//!   Hub's error code and message; an account that cannot be entered, or whose call fails
//!   outright (denied, Security Hub not enabled), is reported with the reason.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use aws_sdk_securityhub::types as sdk;
use chrono::Utc;
use futures::StreamExt;
use rampart_checks::{Finding, Status};

use crate::aws::{self, Session, client, error};
use crate::report::Report;
use crate::report::asff::{self, AsffFinding, AsffResource, AsffSeverity};
use crate::settings::{Accounts, AwsSettings};

/// Findings in one `BatchImportFindings` call.
pub const MAX_BATCH_FINDINGS: usize = 100;
/// Bytes of one call's request body.
pub const MAX_BATCH_BYTES: usize = 6_000_000;
/// Bytes of one finding.
pub const MAX_FINDING_BYTES: usize = 240_000;
/// `{"Findings":[` and `]}` around a batch.
const ENVELOPE_BYTES: usize = 16;
/// Failed findings listed on stderr for one account; the rest are counted.
const LISTED_FAILURES: usize = 50;

/// What the import did, account by account.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// The region the findings went to.
    pub region: String,
    /// Every audited account, in order of account id.
    pub accounts: Vec<AccountImport>,
}

/// What the import did in one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountImport {
    pub account_id: String,
    /// Findings of this run Security Hub took.
    pub imported: usize,
    /// Findings of earlier runs archived.
    pub archived: usize,
    /// Findings that were not taken (this run's or those to archive), each with the reason.
    pub failed: Vec<FailedFinding>,
    /// Why the import of this account stopped, if it did: the account could not be entered,
    /// or a call failed outright. Whatever was imported before stays.
    pub error: Option<String>,
}

/// A finding Security Hub did not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedFinding {
    pub id: String,
    /// Security Hub's error code (`InvalidInput`, `InvalidAccess`, …), or Rampart's own
    /// (`FindingSizeExceeded`, `InvalidFinding`) for one it did not send.
    pub code: String,
    pub message: String,
}

impl ImportSummary {
    /// Every finding taken in every account, and every archive done.
    pub fn is_complete(&self) -> bool {
        self.accounts.iter().all(|a| a.error.is_none() && a.failed.is_empty())
    }

    /// What stderr says: a line per account (failures and errors always, the counts unless
    /// `quiet`), and each failed finding, up to 50 an account.
    pub fn describe(&self, quiet: bool) -> String {
        let mut text = String::new();
        for a in &self.accounts {
            let counts = format!("{} findings imported, {} archived", a.imported, a.archived);
            let head = format!("security hub: account {} in {}", a.account_id, self.region);
            if let Some(why) = &a.error {
                let _ = writeln!(text, "{head}: stopped ({counts} before): {why}");
            }
            if !a.failed.is_empty() {
                let _ = writeln!(text, "{head}: {counts}, {} failed:", a.failed.len());
                for f in a.failed.iter().take(LISTED_FAILURES) {
                    let id = if f.id.is_empty() { "(no id)" } else { &f.id };
                    let _ = writeln!(text, "  {id}: {}: {}", f.code, f.message);
                }
                if a.failed.len() > LISTED_FAILURES {
                    let _ = writeln!(text, "  … and {} more", a.failed.len() - LISTED_FAILURES);
                }
            } else if a.error.is_none() && !quiet {
                let _ = writeln!(text, "{head}: {counts}");
            }
        }
        text
    }
}

/// Imports the report's findings into the Security Hub of each of its accounts, in its home
/// region, and archives what earlier runs imported that this one no longer finds.
pub async fn import(args: &AwsSettings, report: &Report) -> ImportSummary {
    let region = report.home_region.clone();
    let stopped = |why: String| ImportSummary {
        region: region.clone(),
        accounts: report
            .scope
            .accounts
            .iter()
            .map(|id| AccountImport { account_id: id.clone(), error: Some(why.clone()), ..Default::default() })
            .collect(),
    };
    let base = match aws::load_base(args).await {
        Ok(base) => base,
        Err(e) => return stopped(e.to_string()),
    };
    let caller = match &args.accounts {
        Accounts::Organization { .. } => match aws::session(base.clone(), args, Vec::new()).await {
            Ok(caller) => Some(caller),
            Err(e) => return stopped(e.to_string()),
        },
        _ => None,
    };
    let context = asff::Context::of(report);
    let scope = Scope::of(report);
    let mut by_account: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        by_account.entry(&f.resource.account_id).or_default().push(f);
    }
    let (base, caller, context, scope, by_account, region) = (&base, caller.as_ref(), &context, &scope, &by_account, &region);
    let mut accounts: Vec<AccountImport> = futures::stream::iter(report.scope.accounts.clone())
        .map(|id: String| async move {
            let findings = by_account.get(id.as_str()).map_or(&[][..], Vec::as_slice);
            match enter(base, caller, &id, region, args).await {
                Ok(session) => import_account(&session, region, findings, context, scope).await,
                Err(why) => AccountImport { account_id: id, error: Some(why), ..Default::default() },
            }
        })
        .buffer_unordered(args.max_accounts as usize)
        .collect()
        .await;
    accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    ImportSummary { region: region.clone(), accounts }
}

/// A session in account `id`, entered as the audit entered it, with clients in `region`.
async fn enter(
    base: &aws_config::SdkConfig,
    caller: Option<&Session>,
    id: &str,
    region: &str,
    args: &AwsSettings,
) -> Result<Session, String> {
    let (config, through) = match (&args.accounts, caller) {
        (Accounts::Organization { role_name, .. }, Some(caller)) => aws::member_config(base, caller, id, role_name, args).await,
        (Accounts::Role { arn }, _) => (aws::assume_role(base, arn, args).await, Some(arn.clone())),
        _ => (base.clone(), None),
    };
    let through = through.map(|arn| format!(" through {arn}")).unwrap_or_default();
    let session = aws::session(config, args, vec![region.to_string()])
        .await
        .map_err(|e| format!("account {id} could not be entered{through}: {e}"))?;
    if session.account_id != id {
        return Err(format!("the credentials now reach account {}, not the audited account {id}", session.account_id));
    }
    Ok(session)
}

/// What this run audited: a finding of an earlier run is archived only within it.
struct Scope<'a> {
    checks: HashSet<&'a str>,
    regions: HashSet<&'a str>,
}

impl<'a> Scope<'a> {
    fn of(report: &'a Report) -> Self {
        Scope {
            checks: report.scope.checks.iter().map(String::as_str).collect(),
            regions: report.scope.regions.iter().map(String::as_str).collect(),
        }
    }

    /// Whether the finding of this `Id` (`rampart/<account>/<region>/<check>/<hash>`, see
    /// [`crate::report::finding_uid`]) is of `account`, of a selected check, and of an audited
    /// region or global, and its check saw all it reads there: `unseen` holds the
    /// `<check>/<region>` of this run's ERROR findings in the account, and an ERROR in the
    /// finding's region or globally leaves it out.
    fn covers(&self, id: &str, account: &str, unseen: &HashSet<String>) -> bool {
        match id.split('/').collect::<Vec<_>>().as_slice() {
            ["rampart", of, region, check, _] => {
                *of == account
                    && self.checks.contains(check)
                    && (*region == "global" || self.regions.contains(region))
                    && !unseen.contains(&format!("{check}/{region}"))
                    && !unseen.contains(&format!("{check}/global"))
            }
            _ => false,
        }
    }
}

/// Imports one account's findings, then archives the stale ones.
async fn import_account(
    session: &Session,
    region: &str,
    findings: &[&Finding],
    context: &asff::Context,
    scope: &Scope<'_>,
) -> AccountImport {
    let client = client!(session, aws_sdk_securityhub, "securityhub", region);
    let mut result = AccountImport { account_id: session.account_id.clone(), ..Default::default() };
    if let Err(why) = import_and_archive(&client, region, findings, context, scope, &mut result).await {
        result.error = Some(why);
    }
    result
}

async fn import_and_archive(
    client: &aws_sdk_securityhub::Client,
    region: &str,
    findings: &[&Finding],
    context: &asff::Context,
    scope: &Scope<'_>,
    result: &mut AccountImport,
) -> Result<(), String> {
    let mut ids = HashSet::with_capacity(findings.len());
    let mut unseen = HashSet::new();
    let mut batcher = Batcher::default();
    for f in findings {
        if f.status == Status::Error {
            unseen.insert(format!("{}/{}", f.check.id, f.resource.region));
        }
        match asff::finding(f, context) {
            Ok(asff) => {
                ids.insert(asff.id.clone());
                if let Some(batch) = add(&mut batcher, asff, result) {
                    result.imported += send(client, batch, result).await?;
                }
            }
            Err(unfit) => result.failed.push(FailedFinding { id: unfit.id.clone(), code: "InvalidFinding".into(), message: unfit.to_string() }),
        }
    }
    if let Some(batch) = batcher.finish() {
        result.imported += send(client, batch, result).await?;
    }

    let product_arn = asff::product_arn(region, &result.account_id);
    let updated_at = asff::timestamp(Utc::now());
    let mut stale = Vec::new();
    for found in active_findings(client, &product_arn, &result.account_id).await? {
        let id = found.id().unwrap_or_default();
        let ours = found.product_arn() == Some(product_arn.as_str())
            && found.generator_id().is_some_and(|g| g.starts_with(asff::GENERATOR_PREFIX))
            && found.record_state() == Some(&sdk::RecordState::Active)
            && found.aws_account_id() == Some(result.account_id.as_str());
        if !ours || ids.contains(id) || !scope.covers(id, &result.account_id, &unseen) {
            continue;
        }
        match from_sdk(&found) {
            Ok(mut archived) => {
                archived.record_state = asff::RecordState::Archived;
                archived.updated_at = updated_at.clone();
                archived.workflow = None;
                stale.push(archived);
            }
            Err(why) => result.failed.push(FailedFinding {
                id: id.to_string(),
                code: "InvalidFinding".into(),
                message: format!("not archived: {why}"),
            }),
        }
    }
    let mut batcher = Batcher::default();
    for archived in stale {
        if let Some(batch) = add(&mut batcher, archived, result) {
            result.archived += send(client, batch, result).await?;
        }
    }
    if let Some(batch) = batcher.finish() {
        result.archived += send(client, batch, result).await?;
    }
    Ok(())
}

/// Every ACTIVE finding of Rampart in the account, as `GetFindings` pages them.
async fn active_findings(
    client: &aws_sdk_securityhub::Client,
    product_arn: &str,
    account: &str,
) -> Result<Vec<sdk::AwsSecurityFinding>, String> {
    let filter = |value: &str, comparison| vec![sdk::StringFilter::builder().value(value).comparison(comparison).build()];
    let filters = sdk::AwsSecurityFindingFilters::builder()
        .set_product_arn(Some(filter(product_arn, sdk::StringFilterComparison::Equals)))
        .set_generator_id(Some(filter(asff::GENERATOR_PREFIX, sdk::StringFilterComparison::Prefix)))
        .set_record_state(Some(filter("ACTIVE", sdk::StringFilterComparison::Equals)))
        .set_aws_account_id(Some(filter(account, sdk::StringFilterComparison::Equals)))
        .build();
    let mut pages = client.get_findings().filters(filters).max_results(100).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| error::describe("securityhub:GetFindings", &e).reason)?;
        found.extend(page.findings.unwrap_or_default());
    }
    Ok(found)
}

/// Adds a finding to the batcher, or counts it as failed if it is too large to send.
fn add(batcher: &mut Batcher, finding: AsffFinding, result: &mut AccountImport) -> Option<Vec<AsffFinding>> {
    let size = json_size(&finding);
    if size > MAX_FINDING_BYTES {
        result.failed.push(FailedFinding {
            id: finding.id,
            code: "FindingSizeExceeded".into(),
            message: format!("not sent: the finding is {size} bytes, over the {MAX_FINDING_BYTES} Security Hub takes"),
        });
        return None;
    }
    batcher.push(finding, size)
}

/// Sends one batch: the findings taken, those refused in `result`, or why the call failed.
async fn send(client: &aws_sdk_securityhub::Client, batch: Vec<AsffFinding>, result: &mut AccountImport) -> Result<usize, String> {
    let sent = batch.len();
    let out = client
        .batch_import_findings()
        .set_findings(Some(batch.iter().map(to_sdk).collect()))
        .send()
        .await
        .map_err(|e| error::describe("securityhub:BatchImportFindings", &e).reason)?;
    let failed = out.failed_findings();
    for f in failed {
        result.failed.push(FailedFinding {
            id: f.id().unwrap_or_default().to_string(),
            code: f.error_code().unwrap_or("(no code)").to_string(),
            message: f.error_message().unwrap_or_default().to_string(),
        });
    }
    let failed_count = out.failed_count().map_or(failed.len(), |n| usize::try_from(n).unwrap_or(0));
    if failed_count > failed.len() {
        result.failed.push(FailedFinding {
            id: String::new(),
            code: "FailedCount".into(),
            message: format!("{} findings failed without an error of their own", failed_count - failed.len()),
        });
    }
    Ok(out.success_count().and_then(|n| usize::try_from(n).ok()).unwrap_or(sent.saturating_sub(failed_count)))
}

/// Groups findings into `BatchImportFindings` calls as they come: at most
/// [`MAX_BATCH_FINDINGS`] findings, and a request body of at most [`MAX_BATCH_BYTES`].
#[derive(Debug)]
pub struct Batcher {
    batch: Vec<AsffFinding>,
    bytes: usize,
}

impl Default for Batcher {
    fn default() -> Self {
        Batcher { batch: Vec::new(), bytes: ENVELOPE_BYTES }
    }
}

impl Batcher {
    /// Adds a finding whose JSON is `size` bytes; returns the batch to send first when the
    /// finding does not fit in it.
    pub fn push(&mut self, finding: AsffFinding, size: usize) -> Option<Vec<AsffFinding>> {
        let cost = size + 1; // and a comma
        let full = !self.batch.is_empty() && (self.batch.len() == MAX_BATCH_FINDINGS || self.bytes + cost > MAX_BATCH_BYTES);
        let ready = full.then(|| {
            self.bytes = ENVELOPE_BYTES;
            std::mem::take(&mut self.batch)
        });
        self.batch.push(finding);
        self.bytes += cost;
        ready
    }

    /// The last batch, if anything is left.
    pub fn finish(self) -> Option<Vec<AsffFinding>> {
        (!self.batch.is_empty()).then_some(self.batch)
    }
}

/// The length of a finding's JSON, without keeping it.
pub fn json_size(finding: &AsffFinding) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, finding).expect("a finding serialises");
    count.0
}

/// The finding as the SDK sends it: every field of [`AsffFinding`], and nothing else.
pub fn to_sdk(f: &AsffFinding) -> sdk::AwsSecurityFinding {
    let severity = sdk::Severity::builder()
        .label(sdk::SeverityLabel::from(f.severity.label.as_str()))
        .original(&f.severity.original)
        .build();
    let provider = &f.finding_provider_fields;
    let provider_fields = sdk::FindingProviderFields::builder()
        .severity(
            sdk::FindingProviderSeverity::builder()
                .label(sdk::SeverityLabel::from(provider.severity.label.as_str()))
                .original(&provider.severity.original)
                .build(),
        )
        .set_types(Some(provider.types.clone()))
        .build();
    let recommendation = &f.remediation.recommendation;
    sdk::AwsSecurityFinding::builder()
        .schema_version(&f.schema_version)
        .id(&f.id)
        .product_arn(&f.product_arn)
        .generator_id(&f.generator_id)
        .aws_account_id(&f.aws_account_id)
        .set_types(Some(f.types.clone()))
        .created_at(&f.created_at)
        .updated_at(&f.updated_at)
        .severity(severity)
        .title(&f.title)
        .description(&f.description)
        .remediation(
            sdk::Remediation::builder()
                .recommendation(sdk::Recommendation::builder().set_text(recommendation.text.clone()).url(&recommendation.url).build())
                .build(),
        )
        .set_product_fields(Some(f.product_fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
        .set_resources(Some(
            f.resources
                .iter()
                .map(|r| {
                    sdk::Resource::builder()
                        .r#type(&r.r#type)
                        .id(&r.id)
                        .partition(sdk::Partition::from(r.partition.as_str()))
                        .region(&r.region)
                        .set_tags(r.tags.as_ref().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
                        .build()
                })
                .collect(),
        ))
        .compliance(
            sdk::Compliance::builder()
                .status(sdk::ComplianceStatus::from(f.compliance.status.as_str()))
                .set_related_requirements((!f.compliance.related_requirements.is_empty()).then(|| f.compliance.related_requirements.clone()))
                .build(),
        )
        .record_state(sdk::RecordState::from(f.record_state.as_str()))
        .set_workflow(f.workflow.as_ref().map(|w| sdk::Workflow::builder().status(sdk::WorkflowStatus::from(w.status.as_str())).build()))
        .finding_provider_fields(provider_fields)
        .build()
}

/// A finding of Rampart as Security Hub returns it, back in [`AsffFinding`]: what Security Hub
/// adds (its `aws/` product fields, `Normalized` severities, product and company names) is
/// left out; a field Rampart always fills that is missing, or a value ASFF does not list, is
/// an error.
pub fn from_sdk(f: &sdk::AwsSecurityFinding) -> Result<AsffFinding, String> {
    fn req(value: Option<&str>, name: &str) -> Result<String, String> {
        value.map(str::to_string).ok_or_else(|| format!("it has no {name}"))
    }
    fn parsed<T>(value: Option<&str>, parse: fn(&str) -> Option<T>, name: &str) -> Result<T, String> {
        let value = value.ok_or_else(|| format!("it has no {name}"))?;
        parse(value).ok_or_else(|| format!("its {name} '{value}' is not one ASFF lists"))
    }
    let severity = f.severity.as_ref().ok_or("it has no Severity")?;
    let provider = f.finding_provider_fields.as_ref().ok_or("it has no FindingProviderFields")?;
    let provider_severity = provider.severity.as_ref().ok_or("it has no FindingProviderFields.Severity")?;
    let recommendation = f.remediation.as_ref().and_then(|r| r.recommendation.as_ref()).ok_or("it has no Remediation.Recommendation")?;
    let compliance = f.compliance.as_ref().ok_or("it has no Compliance")?;
    Ok(AsffFinding {
        schema_version: req(f.schema_version(), "SchemaVersion")?,
        id: req(f.id(), "Id")?,
        product_arn: req(f.product_arn(), "ProductArn")?,
        generator_id: req(f.generator_id(), "GeneratorId")?,
        aws_account_id: req(f.aws_account_id(), "AwsAccountId")?,
        types: f.types().to_vec(),
        created_at: req(f.created_at(), "CreatedAt")?,
        updated_at: req(f.updated_at(), "UpdatedAt")?,
        severity: AsffSeverity {
            label: parsed(severity.label().map(|l| l.as_str()), asff::SeverityLabel::parse, "Severity.Label")?,
            original: req(severity.original(), "Severity.Original")?,
        },
        title: req(f.title(), "Title")?,
        description: req(f.description(), "Description")?,
        remediation: asff::Remediation {
            recommendation: asff::Recommendation {
                text: recommendation.text().map(str::to_string),
                url: req(recommendation.url(), "Remediation.Recommendation.Url")?,
            },
        },
        product_fields: f
            .product_fields()
            .into_iter()
            .flatten()
            .filter(|(k, _)| !k.starts_with("aws/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        resources: f
            .resources()
            .iter()
            .map(|r| {
                Ok(AsffResource {
                    r#type: req(r.r#type(), "Resources[].Type")?,
                    id: req(r.id(), "Resources[].Id")?,
                    partition: req(r.partition().map(|p| p.as_str()), "Resources[].Partition")?,
                    tags: r.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                    region: req(r.region(), "Resources[].Region")?,
                })
            })
            .collect::<Result<_, String>>()?,
        compliance: asff::Compliance {
            status: parsed(compliance.status().map(|s| s.as_str()), asff::ComplianceStatus::parse, "Compliance.Status")?,
            related_requirements: compliance.related_requirements().to_vec(),
        },
        record_state: parsed(f.record_state().map(|s| s.as_str()), asff::RecordState::parse, "RecordState")?,
        workflow: match f.workflow().and_then(|w| w.status()) {
            None => None,
            Some(status) => Some(asff::Workflow { status: parsed(Some(status.as_str()), asff::WorkflowStatus::parse, "Workflow.Status")? }),
        },
        finding_provider_fields: asff::FindingProviderFields {
            severity: AsffSeverity {
                label: parsed(
                    provider_severity.label().map(|l| l.as_str()),
                    asff::SeverityLabel::parse,
                    "FindingProviderFields.Severity.Label",
                )?,
                original: req(provider_severity.original(), "FindingProviderFields.Severity.Original")?,
            },
            types: provider.types().to_vec(),
        },
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::DateTime;
    use rampart_checks::finding::FindingResource;
    use rampart_checks::{Measure, Severity, Status};

    use super::*;

    fn context() -> asff::Context {
        asff::Context {
            home_region: "us-east-1".into(),
            observed_at: DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z").unwrap().with_timezone(&Utc),
        }
    }

    /// The ASFF of a failing finding on user `name`, with a message of `message_len`
    /// characters and an ARN of at least `arn_len`.
    fn asff_of(name: &str, message_len: usize, arn_len: usize) -> AsffFinding {
        let mut f = Finding::synthetic("iam_x", Status::Fail, Severity::High, Measure::Access, false);
        let padding = "p".repeat(arn_len);
        f.resource = Arc::new(FindingResource {
            account_id: "123456789012".into(),
            region: "global".into(),
            id: name.into(),
            arn: Some(format!("arn:aws:iam::123456789012:user/{name}{padding}")),
            kind: "AwsIamUser".into(),
            tags: None,
        });
        f.message = "m".repeat(message_len).into();
        asff::finding(&f, &context()).unwrap()
    }

    /// Every batch of the findings, in order.
    fn batches(findings: Vec<AsffFinding>) -> Vec<Vec<AsffFinding>> {
        let mut batcher = Batcher::default();
        let mut out = Vec::new();
        for f in findings {
            let size = json_size(&f);
            out.extend(batcher.push(f, size));
        }
        out.extend(batcher.finish());
        out
    }

    #[test]
    fn batches_hold_at_most_100_findings() {
        let findings: Vec<AsffFinding> = (0..250).map(|i| asff_of(&format!("u{i}"), 10, 0)).collect();
        let ids: Vec<String> = findings.iter().map(|f| f.id.clone()).collect();
        let batches = batches(findings);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
        let sent: Vec<String> = batches.into_iter().flatten().map(|f| f.id).collect();
        assert_eq!(sent, ids, "every finding once, in order");
        assert!(Batcher::default().finish().is_none(), "no findings, no call");
    }

    #[test]
    fn a_batch_never_exceeds_6_mb() {
        // Huge messages are cut to 1,024 characters; huge resource ARNs are not.
        let findings: Vec<AsffFinding> = (0..100).map(|i| asff_of(&format!("u{i}"), 1_000_000, 200_000)).collect();
        assert!(findings.iter().all(|f| f.description.chars().count() == asff::limits::DESCRIPTION));
        let one = json_size(&findings[0]);
        assert!(one > 200_000 && one < MAX_FINDING_BYTES, "{one}");
        let batches = batches(findings);
        assert!(batches.len() >= 4, "{} batches", batches.len());
        for batch in &batches {
            let body = serde_json::to_vec(&serde_json::json!({ "Findings": batch })).unwrap();
            assert!(body.len() <= MAX_BATCH_BYTES, "{} bytes", body.len());
            assert!(batch.len() <= MAX_BATCH_FINDINGS);
        }
        assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 100);
        // Filled up to the limit: the next finding would not have fitted.
        let body = |n: usize| ENVELOPE_BYTES + n * (one + 1);
        assert!(body(batches[0].len()) <= MAX_BATCH_BYTES && body(batches[0].len() + 1) > MAX_BATCH_BYTES);
    }

    #[test]
    fn a_finding_too_large_to_send_is_counted_as_failed() {
        let mut result = AccountImport::default();
        let mut batcher = Batcher::default();
        assert!(add(&mut batcher, asff_of("big", 10, MAX_FINDING_BYTES), &mut result).is_none());
        assert_eq!(result.failed.len(), 1);
        assert_eq!(result.failed[0].code, "FindingSizeExceeded");
        assert!(batcher.finish().is_none(), "it is not sent");
    }

    #[test]
    fn the_sdk_finding_reads_back_as_the_same_asff() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aged-account.json");
        let inventory: rampart_checks::inventory::Inventory = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut findings = rampart_checks::evaluate(&inventory, &Default::default(), &Default::default());
        assert!(findings.len() > 20);
        findings[0].muted = true;
        findings[0].mute_reason = Some("accepted".into());
        for f in &findings {
            let asff = asff::finding(f, &context()).unwrap();
            let sdk = to_sdk(&asff);
            assert_eq!(from_sdk(&sdk).as_ref(), Ok(&asff));
        }
        // What Security Hub adds is left out; what it cannot have lost is required.
        let asff = asff::finding(&findings[0], &context()).unwrap();
        let mut sdk = to_sdk(&asff);
        sdk.product_fields.as_mut().unwrap().insert("aws/securityhub/FindingId".into(), "x".into());
        sdk.product_name = Some("Default".into());
        sdk.severity.as_mut().unwrap().normalized = Some(90);
        assert_eq!(from_sdk(&sdk), Ok(asff.clone()));
        let mut no_title = to_sdk(&asff);
        no_title.title = None;
        assert_eq!(from_sdk(&no_title), Err("it has no Title".into()));
        let mut odd = to_sdk(&asff);
        odd.record_state = Some(sdk::RecordState::from("DELETED"));
        assert_eq!(from_sdk(&odd), Err("its RecordState 'DELETED' is not one ASFF lists".into()));
    }

    #[test]
    fn only_findings_of_the_account_checks_and_regions_audited_are_archived() {
        let scope = Scope { checks: HashSet::from(["iam_x", "ec2_y"]), regions: HashSet::from(["eu-west-1", "us-east-1"]) };
        let account = "123456789012";
        let none = HashSet::new();
        let covers = |id: &str| scope.covers(id, account, &none);
        assert!(covers("rampart/123456789012/global/iam_x/0f"));
        assert!(covers("rampart/123456789012/eu-west-1/ec2_y/0f"));
        assert!(!covers("rampart/123456789012/ap-south-1/ec2_y/0f"), "a region not audited");
        assert!(!covers("rampart/123456789012/global/iam_z/0f"), "a check not selected");
        assert!(!covers("rampart/210987654321/global/iam_x/0f"), "another account");
        assert!(!covers("rampart/123456789012/global/iam_x"), "not an id of Rampart's");
        assert!(!covers("other/123456789012/global/iam_x/0f"));
        assert!(!covers("rampart/123456789012/global/iam_x/0f/extra"));
        // A check that could not read everything in a region (or at all) archives nothing there.
        let unseen = HashSet::from(["ec2_y/eu-west-1".to_string(), "iam_x/global".to_string()]);
        assert!(!scope.covers("rampart/123456789012/eu-west-1/ec2_y/0f", account, &unseen));
        assert!(scope.covers("rampart/123456789012/us-east-1/ec2_y/0f", account, &unseen), "another region was read");
        assert!(!scope.covers("rampart/123456789012/global/iam_x/0f", account, &unseen));
        let everywhere = HashSet::from(["ec2_y/global".to_string()]);
        assert!(!scope.covers("rampart/123456789012/us-east-1/ec2_y/0f", account, &everywhere));
    }

    #[test]
    fn the_summary_lists_failures_even_when_quiet() {
        let summary = ImportSummary {
            region: "us-east-1".into(),
            accounts: vec![
                AccountImport { account_id: "111111111111".into(), imported: 5, archived: 1, ..Default::default() },
                AccountImport {
                    account_id: "222222222222".into(),
                    imported: 3,
                    failed: (0..52)
                        .map(|i| FailedFinding { id: format!("rampart/x/{i}"), code: "InvalidInput".into(), message: "bad".into() })
                        .collect(),
                    ..Default::default()
                },
                AccountImport { account_id: "333333333333".into(), error: Some("AccessDenied".into()), ..Default::default() },
            ],
        };
        assert!(!summary.is_complete());
        let loud = summary.describe(false);
        assert!(loud.contains("security hub: account 111111111111 in us-east-1: 5 findings imported, 1 archived\n"), "{loud}");
        assert!(loud.contains("account 222222222222 in us-east-1: 3 findings imported, 0 archived, 52 failed:\n  rampart/x/0: InvalidInput: bad\n"), "{loud}");
        assert!(loud.contains("  rampart/x/49: InvalidInput: bad\n  … and 2 more\n"), "{loud}");
        assert!(loud.contains("account 333333333333 in us-east-1: stopped (0 findings imported, 0 archived before): AccessDenied"), "{loud}");
        let quiet = summary.describe(true);
        assert!(!quiet.contains("111111111111") && quiet.contains("222222222222") && quiet.contains("333333333333"), "{quiet}");
        let complete = ImportSummary { accounts: summary.accounts[..1].to_vec(), ..summary };
        assert!(complete.is_complete());
        assert_eq!(complete.describe(true), "");
    }
}
