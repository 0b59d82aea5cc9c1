//! `rampart exposure`: what the internet actually reaches, per account and region, by
//! instance, interface and load balancer, with each path (`rampart_checks::exposure`).

use std::path::PathBuf;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::ContentArrangement;
use rampart_checks::exposure::{AccountExposure, account_exposure};
use rampart_checks::inventory::Inventory;
use rampart_checks::registry::find_check;

use crate::settings::{AwsSettings, Destination};
use crate::{RunError, collect, output, snapshot};

/// The check whose reads are exactly what exposure needs.
pub const READS_OF: &str = "ec2_networkinterface_reachable_from_internet";

/// Where the inventory comes from.
#[derive(Debug, Clone)]
pub enum ExposureSource {
    Aws(AwsSettings),
    Snapshot(PathBuf),
}

/// How the exposure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposureFormat {
    Table,
    Json,
}

#[derive(Debug, Clone)]
pub struct ExposureSettings {
    pub source: ExposureSource,
    pub format: ExposureFormat,
    pub output: Destination,
    /// Also list what the internet does not reach, with what closes the path.
    pub all: bool,
    pub quiet: bool,
}

/// The JSON document: one entry per account.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExposureDocument {
    pub collected_at: chrono::DateTime<chrono::Utc>,
    pub accounts: Vec<AccountExposure>,
}

/// Collects what exposure reads (or loads the snapshot), and writes the exposure.
pub async fn exposure(settings: &ExposureSettings) -> Result<ExposureDocument, RunError> {
    output::check_destination(&settings.output)?;
    let inventory: Inventory = match &settings.source {
        ExposureSource::Snapshot(path) => snapshot::load(path)?,
        ExposureSource::Aws(aws) => {
            aws.validate()?;
            let check = find_check(READS_OF).ok_or_else(|| RunError::Usage(format!("no check {READS_OF}")))?;
            collect::collect(aws, &[check], settings.quiet).await?
        }
    };
    let document = ExposureDocument {
        collected_at: inventory.collected_at,
        accounts: inventory.accounts.iter().map(|a| account_exposure(a, settings.all)).collect(),
    };
    let text = match settings.format {
        ExposureFormat::Json => serde_json::to_string_pretty(&document).map_err(|e| RunError::Usage(e.to_string()))? + "\n",
        ExposureFormat::Table => render_table(&document.accounts),
    };
    output::write_text(&settings.output, &text)?;
    Ok(document)
}

/// [`exposure`] on a runtime of its own.
pub fn exposure_blocking(settings: &ExposureSettings) -> Result<ExposureDocument, RunError> {
    crate::block_on(exposure(settings))
}

/// Text from AWS with every control character as a space: nothing read from an account
/// reaches the terminal as an escape sequence.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// One table per account and region: a row per reachable protocol and port range.
pub fn render_table(accounts: &[AccountExposure]) -> String {
    let mut out = String::new();
    for account in accounts {
        for region in &account.regions {
            out.push_str(&format!("\n{} {}\n", account.account_id, region.region));
            if let Some(error) = &region.error {
                out.push_str(&format!("  cannot tell what the internet reaches: {}\n", clean(error)));
                continue;
            }
            if region.resources.is_empty() {
                out.push_str("  the internet reaches nothing\n");
                continue;
            }
            let mut table = comfy_table::Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(table.width().filter(|w| *w >= 60).unwrap_or(160));
            table.set_header(["resource", "reachable", "from", "path"]);
            for resource in &region.resources {
                let label = match &resource.name {
                    Some(name) => format!("{} ({name})", resource.label),
                    None => resource.label.clone(),
                };
                if resource.reachable.is_empty() {
                    let why = if resource.problems.is_empty() {
                        format!("closed: {}", resource.closed_by.as_deref().unwrap_or("nothing admits it"))
                    } else {
                        format!("cannot tell: {}", resource.problems.join("; "))
                    };
                    table.add_row([clean(&label), "-".to_string(), "-".to_string(), clean(&why)]);
                }
                for entry in &resource.reachable {
                    let what = match &entry.ports {
                        Some(ports) => format!("{} {ports}", entry.protocol.to_uppercase()),
                        None => "other protocols".to_string(),
                    };
                    table.add_row([clean(&label), what, clean(&entry.sources), clean(&entry.path)]);
                }
            }
            out.push_str(&table.to_string());
            out.push('\n');
        }
    }
    if out.is_empty() {
        out.push_str("no account\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use rampart_checks::exposure::{AccountExposure, ReachEntry, RegionExposure, ResourceExposure};

    use super::render_table;

    #[test]
    fn the_table_shows_each_reach_and_why_the_rest_is_closed_with_no_control_character() {
        let reached = ResourceExposure {
            kind: "AwsEc2Instance".into(),
            id: "i-1".into(),
            arn: None,
            label: "instance i-1".into(),
            name: Some("web\u{1b}[31m".into()),
            reachable: vec![ReachEntry {
                protocol: "tcp".into(),
                ports: Some("22".into()),
                family: "ipv4".into(),
                sources: "0.0.0.0/0".into(),
                via: "direct".into(),
                path: "eni-1 public IPv4 198.51.100.1 (auto-assigned); sg-1 tcp 22 from 0.0.0.0/0".into(),
            }],
            problems: Vec::new(),
            closed_by: None,
        };
        let closed = ResourceExposure {
            id: "i-2".into(),
            label: "instance i-2".into(),
            name: None,
            reachable: Vec::new(),
            closed_by: Some("no public IPv4 or global IPv6 address".into()),
            ..reached.clone()
        };
        let accounts = [AccountExposure {
            account_id: "123456789012".into(),
            regions: vec![
                RegionExposure { region: "eu-west-1".into(), error: None, resources: vec![reached, closed] },
                RegionExposure { region: "us-east-1".into(), error: None, resources: Vec::new() },
                RegionExposure { region: "eu-north-1".into(), error: Some("route tables could not be read: denied".into()), resources: Vec::new() },
            ],
        }];
        let text = render_table(&accounts);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("instance i-1 (web [31m)") && text.contains("TCP 22") && text.contains("sg-1 tcp 22"), "{text}");
        assert!(text.contains("closed: no public IPv4 or global IPv6 address"), "{text}");
        assert!(text.contains("123456789012 us-east-1\n  the internet reaches nothing"), "{text}");
        assert!(text.contains("cannot tell what the internet reaches: route tables could not be read: denied"), "{text}");
    }
}
