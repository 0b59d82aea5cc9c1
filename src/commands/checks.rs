//! `rampart checks`: list the registry.

use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use rampart_checks::frameworks::compliance_of;
use serde::Serialize;

use rampart::settings::Destination;
use rampart::{RunError, exit, output};
use rampart_checks::Selection;

use crate::cli::ListFormat;

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    severity: rampart_checks::Severity,
    measure: rampart_checks::Measure,
    title: &'a str,
    compliance: std::collections::BTreeMap<String, Vec<String>>,
}

pub fn run(selection: &Selection, format: ListFormat) -> Result<ExitCode, RunError> {
    let checks = selection.checks();
    let text = match format {
        ListFormat::Json => {
            let entries: Vec<Entry> = checks
                .iter()
                .map(|c| Entry { id: c.id, severity: c.severity, measure: c.measure, title: c.title, compliance: compliance_of(c.id) })
                .collect();
            serde_json::to_string_pretty(&entries).expect("serialises") + "\n"
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["id", "severity", "measure", "title", "compliance"]).expect("to memory");
            for c in &checks {
                let compliance =
                    compliance_of(c.id).iter().map(|(f, ids)| format!("{f}: {}", ids.join(", "))).collect::<Vec<_>>().join(" | ");
                w.write_record([c.id, c.severity.as_str(), c.measure.as_str(), c.title, &compliance]).expect("to memory");
            }
            String::from_utf8(w.into_inner().expect("to memory")).expect("UTF-8")
        }
        ListFormat::Markdown => {
            let cell = |s: &str| s.replace('|', "\\|");
            let mut out = String::from("| id | severity | measure | title | compliance |\n|---|---|---|---|---|\n");
            for c in &checks {
                let compliance =
                    compliance_of(c.id).iter().map(|(f, ids)| format!("{f} {}", ids.join(", "))).collect::<Vec<_>>().join("; ");
                out.push_str(&format!("| `{}` | {} | {} | {} | {} |\n", c.id, c.severity, c.measure, cell(c.title), cell(&compliance)));
            }
            out
        }
        ListFormat::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
            table.set_header(["id", "severity", "measure", "title"]);
            for c in &checks {
                table.add_row([c.id, c.severity.as_str(), c.measure.as_str(), c.title]);
            }
            format!("{table}\n{} checks\n", checks.len())
        }
    };
    output::write_text(&Destination::Stdout, &text)?;
    Ok(ExitCode::from(exit::OK))
}
