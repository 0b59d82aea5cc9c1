//! `rampart diff OLD.json NEW.json`: what changed between two audits.

use std::path::Path;
use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use rampart::diff::{Diff, SavedFinding, diff, read};
use rampart::settings::Destination;
use rampart::{RunError, exit, output};

use crate::cli::DiffFormat;

pub fn run(old: &Path, new: &Path, format: DiffFormat) -> Result<ExitCode, RunError> {
    let d = diff(&read(old)?, &read(new)?);
    let text = match format {
        DiffFormat::Json => serde_json::to_string_pretty(&d).expect("serialises") + "\n",
        DiffFormat::Table => table(&d),
    };
    output::write_text(&Destination::Stdout, &text)?;
    Ok(ExitCode::from(if d.worse { exit::FAILED } else { exit::OK }))
}

/// Rows shown of each list in the table.
const SHOWN: usize = 50;

fn table(d: &Diff) -> String {
    let mut out = String::new();
    let mut scores = new_table();
    scores.set_header(["measure", "old", "new", "change"]);
    let show = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "n/a".into());
    for s in &d.scores {
        let change = s.change.map(|c| format!("{c:+.1}")).unwrap_or_else(|| "-".into());
        scores.add_row([s.measure.clone(), show(s.old), show(s.new), change]);
        for i in 1..4 {
            if let Some(col) = scores.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    out.push_str(&format!("{scores}\n"));
    for (title, list, message) in [
        ("New failures", &d.new_failures, true),
        ("Fixed", &d.fixed, false),
        ("Gone (failing before, not in the new report)", &d.gone, false),
        ("No longer evaluated (ERROR now)", &d.no_longer_evaluated, true),
        ("Still failing", &d.still_failing, false),
    ] {
        out.push_str(&format!("\n{title}: {}\n", list.len()));
        if !list.is_empty() {
            out.push_str(&format!("{}\n", findings(&list[..list.len().min(SHOWN)], message)));
        }
        if list.len() > SHOWN {
            out.push_str(&format!("… and {} more (--format json lists every one)\n", list.len() - SHOWN));
        }
    }
    out.push_str(if d.worse { "\nWorse: a new failure or a lower score.\n" } else { "\nNothing got worse.\n" });
    out
}

fn findings(list: &[SavedFinding], message: bool) -> Table {
    let mut t = new_table();
    let mut header = vec!["severity", "check", "account", "region", "resource"];
    if message {
        header.push("message");
    }
    t.set_header(header);
    for f in list {
        let mut row = vec![f.severity.as_str().to_uppercase(), f.check_id.clone(), f.account_id.clone(), f.region.clone(), f.resource_id.clone()];
        if message {
            row.push(f.message.clone());
        }
        t.add_row(row);
    }
    t
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t
}
