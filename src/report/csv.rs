//! CSV: one row per finding, for spreadsheets and data tools.
//!
//! Two layouts of the same findings. [`Csv`] (`--format csv`) has Rampart's own columns,
//! comma-separated. [`PROWLER`] (`--format csv --csv-prowler`) has Prowler's 42 columns in
//! Prowler's order, semicolon-separated, so that dashboards and scripts built on Prowler's
//! CSV read Rampart's; columns Rampart has nothing for are empty.
//!
//! Quoting is RFC 4180 (the `csv` crate): a value with the separator, a quote or a line
//! break is quoted, so a hostile tag or name cannot add columns or rows. A value a
//! spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) is written with a leading `'`, as Prowler does, unless it is a plain
//! number.

use std::io::{self, Write};

use rampart_checks::Finding;

use super::{RenderContext, Report, Reporter, check_doc_url, finding_uid};

/// Rampart's columns, comma-separated.
pub struct Csv;

/// Prowler's columns, semicolon-separated: what `--csv-prowler` puts in place of [`Csv`].
pub static PROWLER: ProwlerCsv = ProwlerCsv;

/// See [`PROWLER`]. Not in [`super::REPORTERS`]: it is the `csv` format with `--csv-prowler`.
pub struct ProwlerCsv;

const COLUMNS: [&str; 18] = [
    "finding_id",
    "check_id",
    "title",
    "status",
    "severity",
    "measure",
    "account_id",
    "region",
    "resource_id",
    "resource_arn",
    "resource_type",
    "resource_tags",
    "message",
    "remediation",
    "compliance",
    "muted",
    "mute_reason",
    "baseline",
];

/// Prowler 5's CSV columns, in its order (prowler/lib/outputs/csv/csv.py).
pub const PROWLER_COLUMNS: [&str; 42] = [
    "AUTH_METHOD",
    "TIMESTAMP",
    "ACCOUNT_UID",
    "ACCOUNT_NAME",
    "ACCOUNT_EMAIL",
    "ACCOUNT_ORGANIZATION_UID",
    "ACCOUNT_ORGANIZATION_NAME",
    "ACCOUNT_TAGS",
    "FINDING_UID",
    "PROVIDER",
    "CHECK_ID",
    "CHECK_TITLE",
    "CHECK_TYPE",
    "STATUS",
    "STATUS_EXTENDED",
    "MUTED",
    "SERVICE_NAME",
    "SUBSERVICE_NAME",
    "SEVERITY",
    "RESOURCE_TYPE",
    "RESOURCE_UID",
    "RESOURCE_NAME",
    "RESOURCE_DETAILS",
    "RESOURCE_TAGS",
    "PARTITION",
    "REGION",
    "DESCRIPTION",
    "RISK",
    "RELATED_URL",
    "REMEDIATION_RECOMMENDATION_TEXT",
    "REMEDIATION_RECOMMENDATION_URL",
    "REMEDIATION_CODE_NATIVEIAC",
    "REMEDIATION_CODE_TERRAFORM",
    "REMEDIATION_CODE_CLI",
    "REMEDIATION_CODE_OTHER",
    "COMPLIANCE",
    "CATEGORIES",
    "DEPENDS_ON",
    "RELATED_TO",
    "NOTES",
    "PROWLER_VERSION",
    "ADDITIONAL_URLS",
];

impl Reporter for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extension(&self) -> &'static str {
        "csv"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(b',', out);
        w.write_record(COLUMNS)?;
        for f in &report.findings {
            let (check, resource) = (&*f.check, &*f.resource);
            write_row(
                &mut w,
                &[
                    finding_uid(f).as_str(),
                    &check.id,
                    &check.title,
                    f.status.as_str(),
                    check.severity.as_str(),
                    check.measure.as_str(),
                    &resource.account_id,
                    &resource.region,
                    &resource.id,
                    resource.arn.as_deref().unwrap_or(""),
                    &resource.kind,
                    &tag_text(f),
                    &f.message,
                    &check.remediation,
                    &compliance(f),
                    if f.muted { "true" } else { "false" },
                    f.mute_reason.as_deref().unwrap_or(""),
                    f.baseline.map_or("", |b| b.as_str()),
                ],
            )?;
        }
        w.flush()
    }
}

impl Reporter for ProwlerCsv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extension(&self) -> &'static str {
        "csv"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(b';', out);
        w.write_record(PROWLER_COLUMNS)?;
        let timestamp = report.started_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        let version = format!("rampart {}", report.tool.version);
        // The documentation sections are the same for every finding of a check: read once.
        let mut docs: std::collections::HashMap<&str, CheckText> = std::collections::HashMap::new();
        for f in &report.findings {
            let (check, resource) = (&*f.check, &*f.resource);
            let text = docs.entry(&check.id).or_insert_with(|| CheckText::of(&check.id));
            let url = check_doc_url(&check.id);
            let service = check.id.split('_').next().unwrap_or("");
            let row: [&str; 42] = [
                "",
                &timestamp,
                &resource.account_id,
                "",
                "",
                "",
                "",
                "",
                &finding_uid(f),
                "aws",
                &check.id,
                &check.title,
                "",
                f.status.as_str(),
                &f.message,
                if f.muted { "True" } else { "False" },
                service,
                "",
                check.severity.as_str(),
                &resource.kind,
                resource.arn.as_deref().unwrap_or(&resource.id),
                &resource.id,
                "",
                &tag_text(f),
                partition(resource.arn.as_deref(), &resource.region),
                &resource.region,
                &text.description,
                &text.risk,
                text.reference.as_deref().unwrap_or(&url),
                &check.remediation,
                &url,
                "",
                "",
                "",
                "",
                &compliance(f),
                check.measure.as_str(),
                "",
                "",
                f.mute_reason.as_deref().unwrap_or(""),
                &version,
                "",
            ];
            write_row(&mut w, &row)?;
        }
        w.flush()
    }
}

/// What Prowler's columns take from a check's documentation.
struct CheckText {
    description: String,
    risk: String,
    /// The first web address under References.
    reference: Option<String>,
}

impl CheckText {
    fn of(check_id: &str) -> CheckText {
        let check = rampart_checks::registry::find_check(check_id);
        let section = |h: &str| check.and_then(|c| c.doc_section(h)).map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
        let reference = check.and_then(|c| c.doc_section("References")).and_then(|refs| {
            refs.split_whitespace().find(|w| w.starts_with("https://")).map(str::to_string)
        });
        CheckText { description: section("What it checks").unwrap_or_default(), risk: section("Why it matters").unwrap_or_default(), reference }
    }
}

fn writer(delimiter: u8, out: &mut dyn Write) -> ::csv::Writer<&mut dyn Write> {
    ::csv::WriterBuilder::new().delimiter(delimiter).terminator(::csv::Terminator::CRLF).from_writer(out)
}

/// The resource's tags as Prowler writes them: `key=value | key=value`.
fn tag_text(f: &Finding) -> String {
    rampart_checks::mutelist::tag_text(f.resource.tags.as_deref().unwrap_or_default())
}

/// One row, each cell defused.
fn write_row(w: &mut ::csv::Writer<&mut dyn Write>, cells: &[&str]) -> ::csv::Result<()> {
    for cell in cells {
        w.write_field(defuse(cell).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// The compliance ids as Prowler writes them: `CIS-5.0: 1.3, 1.4 | AWS-FSBP: IAM.4`.
fn compliance(f: &Finding) -> String {
    f.check
        .compliance
        .iter()
        .map(|(framework, ids)| format!("{framework}: {}", ids.join(", ")))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The AWS partition of a resource: from its ARN, else from its region's name.
pub fn partition<'a>(arn: Option<&'a str>, region: &str) -> &'a str {
    if let Some(p) = arn.and_then(|a| a.strip_prefix("arn:")).and_then(|a| a.split(':').next()) {
        if !p.is_empty() {
            return p;
        }
    }
    super::asff::region_partition(region)
}

/// A cell a spreadsheet would evaluate as a formula gets a leading `'`; plain numbers (a
/// negative count, say) are left as they are.
fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = value.starts_with(['\t', '\r']) || value.trim_start().starts_with(['=', '+', '-', '@']);
    let number = value == value.trim() && value.parse::<f64>().is_ok_and(f64::is_finite);
    if risky && !number { format!("'{value}").into() } else { value.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_are_not() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+2", "'+1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("  =1", "'  =1"),
            ("\t=1", "'\t=1"),
            ("-1", "-1"),
            ("-1.5", "-1.5"),
            ("-inf", "'-inf"),
            ("- 1", "'- 1"),
            ("plain", "plain"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(defuse(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn partition_from_the_arn_or_the_region() {
        assert_eq!(partition(Some("arn:aws-cn:iam::1:user/a"), "global"), "aws-cn");
        assert_eq!(partition(None, "cn-north-1"), "aws-cn");
        assert_eq!(partition(None, "us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition(Some("not an arn"), "eu-west-1"), "aws");
        assert_eq!(partition(None, "global"), "aws");
    }
}
