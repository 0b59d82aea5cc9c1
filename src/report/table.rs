//! The terminal report: header, scores per measure, counts, failing findings by severity,
//! and the findings that could not be evaluated with their reason.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement};
use rampart_checks::score::Score;
use rampart_checks::{Finding, Measure, Severity, Status};

use super::{RenderContext, Report, Reporter};

/// Text tables for a person: colour and width as the [`RenderContext`] says.
pub struct Table;

impl Reporter for Table {
    fn name(&self) -> &'static str {
        "table"
    }

    fn extension(&self) -> &'static str {
        "txt"
    }

    fn render(&self, report: &Report, ctx: &RenderContext, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(render(report, ctx.color, ctx.width).as_bytes())
    }
}

/// Renders the report. `color` is decided by the caller (a TTY, and NO_COLOR unset).
fn render(report: &Report, color: bool, width: Option<u16>) -> String {
    let mut out = String::new();
    let seconds = (report.finished_at - report.started_at).num_milliseconds() as f64 / 1000.0;
    out.push_str(&format!(
        "Rampart {} · account{} {} · region{} {} · {} check{} · {:.1} s\n",
        report.tool.version,
        plural(report.scope.accounts.len()),
        list_or_none(&report.scope.accounts),
        plural(report.scope.regions.len()),
        list_or_none(&report.scope.regions),
        report.scope.checks.len(),
        plural(report.scope.checks.len()),
        seconds,
    ));
    out.push_str(&format!("Inventory collected {}\n\n", report.collected_at.format("%Y-%m-%d %H:%M:%S UTC")));

    let mut scores = new_table(color, width);
    scores.set_header(["measure", "score", "pass", "fail", "error", "manual", "muted", "coverage"]);
    for measure in Measure::ALL {
        let s = &report.summary.score.measures[&measure];
        scores.add_row(score_row(measure.as_str(), s, color));
    }
    let mut overall = score_row("overall", &report.summary.score.overall, color);
    overall[0] = Cell::new("overall").add_attribute(Attribute::Bold);
    scores.add_row(overall);
    out.push_str(&scores.to_string());
    out.push('\n');

    if !report.summary.accounts.is_empty() {
        out.push_str("\nBy account\n");
        let mut table = new_table(color, width);
        let mut header = vec!["account".to_string()];
        header.extend(Measure::ALL.iter().map(|m| m.as_str().to_string()));
        header.extend(["overall".to_string(), "fail".to_string(), "error".to_string()]);
        table.set_header(header);
        for (id, s) in &report.summary.accounts {
            let show = |score: &Score| score.score.map(|v| format!("{v:.1}")).unwrap_or_else(|| "n/a".into());
            let mut row = vec![id.clone()];
            row.extend(Measure::ALL.iter().map(|m| show(&s.measures[m])));
            row.extend([show(&s.overall), s.overall.counts.fail.to_string(), s.overall.counts.error.to_string()]);
            table.add_row(row);
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }

    if let Some(compliance) = &report.compliance {
        out.push_str(&format!("\n{} {} controls\n", compliance.name, compliance.version));
        let mut table = new_table(color, width);
        table.set_header(["control", "status", "pass", "fail", "error", "title"]);
        for c in &compliance.controls {
            let status = serde_json::to_value(c.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            table.add_row([c.id.clone(), status, c.pass.to_string(), c.fail.to_string(), c.error.to_string(), c.title.clone()]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }

    let failing: Vec<&Finding> = report.unmuted(Status::Fail).collect();
    if failing.is_empty() {
        out.push_str("\nNo failing findings.\n");
    } else {
        out.push_str(&format!("\nFailing findings ({})\n", failing.len()));
        for severity in Severity::ALL {
            let of: Vec<&Finding> = failing.iter().copied().filter(|f| f.check.severity == severity).collect();
            if of.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{} ({})\n", paint(&severity.as_str().to_uppercase(), severity_color(severity), color), of.len()));
            out.push_str(&by_check(report, &of, "message", color, width));
        }
    }

    let errors: Vec<&Finding> = report.unmuted(Status::Error).collect();
    if !errors.is_empty() {
        out.push_str(&format!("\n{} ({}): these checks could not be evaluated\n", paint("ERROR", Color::Magenta, color), errors.len()));
        out.push_str(&by_check(report, &errors, "reason", color, width));
    }
    let muted = report.findings.iter().filter(|f| f.muted).count();
    if muted > 0 {
        out.push_str(&format!("\n{muted} muted finding{} not shown (see the JSON report).\n", plural(muted)));
    }
    out
}

/// Findings grouped by check: a line naming the check, then a table of its resources
/// (the account column only when the report covers several accounts). Check ids stay on
/// one line, whatever the width, because they are what users grep and mute by.
fn by_check(report: &Report, findings: &[&Finding], message: &str, color: bool, width: Option<u16>) -> String {
    let many_accounts = report.scope.accounts.len() > 1;
    let mut out = String::new();
    let mut start = 0;
    while start < findings.len() {
        let id = &findings[start].check.id;
        let end = start + findings[start..].iter().take_while(|f| &f.check.id == id).count();
        let group = &findings[start..end];
        out.push_str(&format!("\n{} — {} ({})\n", paint(id, Color::White, color), group[0].check.title, group.len()));
        let mut table = new_table(color, width);
        let mut header = Vec::new();
        if many_accounts {
            header.push("account");
        }
        header.extend(["region", "resource", message]);
        table.set_header(header);
        for f in group {
            let mut row = Vec::new();
            if many_accounts {
                row.push(&*f.resource.account_id);
            }
            row.extend([&*f.resource.region, &*f.resource.id, &*f.message]);
            table.add_row(row);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        start = end;
    }
    out
}

fn new_table(color: bool, width: Option<u16>) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        table.set_width(w);
    }
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

fn score_row(name: &str, s: &Score, color: bool) -> Vec<Cell> {
    let score_cell = match s.score {
        None => Cell::new("n/a"),
        Some(v) => {
            let cell = Cell::new(format!("{v:.1}"));
            if color {
                cell.fg(if v >= 90.0 {
                    Color::Green
                } else if v >= 60.0 {
                    Color::Yellow
                } else {
                    Color::Red
                })
            } else {
                cell
            }
        }
    };
    let c = &s.counts;
    let mut row = vec![Cell::new(name), score_cell.set_alignment(CellAlignment::Right)];
    for n in [c.pass, c.fail, c.error, c.manual, c.muted] {
        row.push(Cell::new(n).set_alignment(CellAlignment::Right));
    }
    row.push(Cell::new(s.coverage.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "-".into())).set_alignment(CellAlignment::Right));
    row
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Red,
        Severity::High => Color::DarkRed,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Informational => Color::Grey,
    }
}

fn paint(text: &str, color: Color, enabled: bool) -> String {
    if !enabled {
        return text.to_string();
    }
    let code = match color {
        Color::Red => "1;31",
        Color::DarkRed => "31",
        Color::Yellow => "33",
        Color::Blue => "34",
        Color::Magenta => "35",
        Color::White => "1",
        _ => "37",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "none".to_string() } else { items.join(", ") }
}
