//! The JSON report: the contract other tools read (see DESIGN, `schema_version`).

use std::io::Write;

use super::Report;

/// Streams the report as pretty JSON.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

/// The report as a string.
#[cfg(test)]
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}
