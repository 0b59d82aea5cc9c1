//! The terminal report. By default a summary that fits a screen or two: the header, the
//! scores per measure, counts by severity, the failing checks as one table (severity,
//! check, failing count, first resources), and the findings that could not be evaluated
//! grouped by their reason, one line each. With `--details` ([`DETAILED`]), every failing
//! and ERROR finding, a table per check.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement};
use rampart_checks::score::Score;
use rampart_checks::{Finding, Measure, Severity, Status};

use super::{RenderContext, Report, Reporter};

/// Text tables for a person: colour and width as the [`RenderContext`] says.
pub struct Table {
    /// Every failing and ERROR finding rather than the summary.
    pub details: bool,
}

/// The summary, the `table` format.
pub static TABLE: Table = Table { details: false };

/// The full listing: what `--details` puts in place of [`TABLE`].
pub static DETAILED: Table = Table { details: true };

impl Reporter for Table {
    fn name(&self) -> &'static str {
        "table"
    }

    fn extension(&self) -> &'static str {
        "txt"
    }

    fn render(&self, report: &Report, ctx: &RenderContext, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(render(report, ctx.color, ctx.width, self.details).as_bytes())
    }
}

/// Renders the report. `color` is decided by the caller (a TTY, and NO_COLOR unset).
fn render(report: &Report, color: bool, width: Option<u16>, details: bool) -> String {
    // A terminal that reports no width, or one too narrow for any table (a pseudo-terminal
    // without a size says 0), is taken as 120 columns.
    let width = Some(width.or_else(|| comfy_table::Table::new().width()).filter(|w| *w >= 40).unwrap_or(120));
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

    out.push_str("\nBy severity\n");
    let mut severities = new_table(color, width);
    severities.set_header(["severity", "pass", "fail", "error", "manual", "muted"]);
    for (severity, c) in report.summary.by_severity.iter().rev() {
        let name = Cell::new(severity.as_str().to_uppercase());
        let mut row = vec![if color { name.fg(severity_color(*severity)) } else { name }];
        for n in [c.pass, c.fail, c.error, c.manual, c.muted] {
            row.push(Cell::new(n).set_alignment(CellAlignment::Right));
        }
        severities.add_row(row);
    }
    out.push_str(&severities.to_string());
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
            let mut row = vec![clean(id)];
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

    if !report.expired_mutes.is_empty() {
        out.push_str(&format!("\n{} mute rule{} expired and muted nothing:\n", report.expired_mutes.len(), plural(report.expired_mutes.len())));
        for m in &report.expired_mutes {
            out.push_str(&format!("  {} (expired {}): {}\n", m.rule, m.expired, cut(&m.reason, 80)));
        }
    }
    if !details {
        out.push_str(&summary_of_findings(report, color, width));
        return out;
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

/// The failing checks as one table and the ERROR findings grouped by reason, every cell
/// on one line, cut with an ellipsis to the width.
fn summary_of_findings(report: &Report, color: bool, width: Option<u16>) -> String {
    let width = usize::from(width.unwrap_or(120));
    let mut out = String::new();

    // Failing findings are sorted most severe first, then by check: one run per check.
    let failing: Vec<&Finding> = report.unmuted(Status::Fail).collect();
    let checks = super::runs_by_check(&failing);
    if checks.is_empty() {
        out.push_str("\nNo failing findings.\n");
    } else {
        let new = failing.iter().filter(|f| f.baseline == Some(rampart_checks::finding::BaselineState::New)).count();
        let against_baseline = failing.iter().any(|f| f.baseline.is_some());
        out.push_str(&format!(
            "\nFailing: {} finding{} in {} check{}{}\n",
            failing.len(),
            plural(failing.len()),
            checks.len(),
            plural(checks.len()),
            if against_baseline { format!(", {new} new since the baseline") } else { String::new() }
        ));
        let rows: Vec<[String; 4]> = checks
            .iter()
            .map(|group| {
                let check = &group[0].check;
                [check.severity.as_str().to_uppercase(), check.id.clone(), group.len().to_string(), first_resources(group)]
            })
            .collect();
        out.push_str(&one_line_table(["severity", "check", "fail", "resources"], rows, &[(3, 12)], width, color, |row| {
            severity_color(report_severity(&row[0]))
        }));
    }

    let errors: Vec<&Finding> = report.unmuted(Status::Error).collect();
    if !errors.is_empty() {
        // One line per distinct reason, most frequent first.
        let mut reasons: Vec<(&str, Vec<&Finding>)> = Vec::new();
        for f in &errors {
            match reasons.iter_mut().find(|(r, _)| *r == &*f.message) {
                Some((_, of)) => of.push(f),
                None => reasons.push((&f.message, vec![f])),
            }
        }
        reasons.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
        out.push_str(&format!(
            "\n{}: {} finding{} could not be evaluated, for {} reason{}\n",
            paint("ERROR", Color::Magenta, color),
            errors.len(),
            plural(errors.len()),
            reasons.len(),
            plural(reasons.len())
        ));
        let rows: Vec<[String; 3]> = reasons
            .iter()
            .map(|(reason, of)| {
                let mut checks: Vec<&str> = of.iter().map(|f| f.check.id.as_str()).collect();
                checks.dedup();
                checks.sort_unstable();
                checks.dedup();
                [reason.to_string(), of.len().to_string(), list_cut(&checks, 3)]
            })
            .collect();
        out.push_str(&one_line_table(["reason", "findings", "checks"], rows, &[(2, 24), (0, 20)], width, false, |_| Color::Reset));
    }
    let muted = report.findings.iter().filter(|f| f.muted).count();
    if muted > 0 {
        out.push_str(&format!("\n{muted} muted finding{} not counted.\n", plural(muted)));
    }
    if !failing.is_empty() || !errors.is_empty() {
        out.push_str("\nEvery finding: --details, or a file format (json, csv, html).\n");
    }
    out
}

fn report_severity(upper: &str) -> Severity {
    upper.to_lowercase().parse().unwrap_or(Severity::Informational)
}

/// The first few resources of a check's failing findings, with how many more.
fn first_resources(group: &[&Finding]) -> String {
    let many_accounts = group.iter().any(|f| f.resource.account_id != group[0].resource.account_id);
    let names: Vec<String> = group
        .iter()
        .map(|f| {
            let r = &f.resource;
            let region = if &*r.region == "global" { String::new() } else { format!(" ({})", r.region) };
            if many_accounts { format!("{}:{}{region}", r.account_id, r.id) } else { format!("{}{region}", r.id) }
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    list_cut(&names, 3)
}

/// Up to `n` items, then `(+k)`.
fn list_cut(items: &[&str], n: usize) -> String {
    let mut s = items.iter().take(n).copied().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        s.push_str(&format!(" (+{})", items.len() - n));
    }
    s
}

/// A table whose rows each stay on one line: when it is wider than `width`, the columns
/// of `cut_order` (index, narrowest width) are cut in turn, each cell ending with `…`; the
/// first column of a row is painted as `paint_first` says. Check ids are never in
/// `cut_order`: they are what users grep and mute by.
fn one_line_table<const N: usize>(
    header: [&str; N],
    rows: Vec<[String; N]>,
    cut_order: &[(usize, usize)],
    width: usize,
    color: bool,
    paint_first: impl Fn(&[String; N]) -> Color,
) -> String {
    let chars = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| chars(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(chars(cell));
        }
    }
    // Borders: "│ " before each column, " " after, and the closing "│".
    let frame = 3 * N + 1;
    for &(i, floor) in cut_order {
        let total = widths.iter().sum::<usize>() + frame;
        if total <= width {
            break;
        }
        widths[i] = widths[i].saturating_sub(total - width).max(floor.max(chars(header[i])));
    }
    let mut table = comfy_table::Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.iter().map(|h| Cell::new(h)));
    for row in &rows {
        let color_of_first = paint_first(row);
        let cells = row.iter().zip(&widths).enumerate().map(|(i, (cell, w))| {
            let cell = Cell::new(cut(cell, *w));
            let cell = if i == 0 && color { cell.fg(color_of_first) } else { cell };
            if matches!(header[i], "fail" | "findings") { cell.set_alignment(CellAlignment::Right) } else { cell }
        });
        table.add_row(cells);
    }
    format!("{table}\n")
}

/// `s` with every control character but the line break as a space.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).collect()
}

/// `s` on one line, at most `width` characters: line breaks and tabs become spaces, and
/// a longer text ends with `…`.
fn cut(s: &str, width: usize) -> String {
    let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() <= width {
        return flat;
    }
    let mut out: String = flat.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
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
            // Values from AWS never reach the terminal with control characters: an escape
            // sequence in a name could rewrite the screen.
            table.add_row(row.into_iter().map(|cell| clean(cell)));
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
    if items.is_empty() { "none".to_string() } else { clean(&items.join(", ")).replace('\n', " ") }
}
