//! The JSON report: the contract other tools read (see DESIGN, `schema_version`).

use std::io::{self, Write};

use super::{RenderContext, Report, Reporter};

/// Pretty JSON of the whole report model, streamed.
pub struct Json;

impl Reporter for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn extension(&self) -> &'static str {
        "json"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        out.write_all(b"\n")
    }
}
