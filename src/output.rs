//! Writing reports and snapshots: checked before a long collection, then written whole or
//! not at all.

use std::io::IsTerminal;
use std::path::Path;

use crate::error::RunError;
use crate::report::{RenderContext, Report, Reporter};
use crate::settings::{Destination, Outputs, S3Target};

/// A rendering that goes to S3: made in memory by [`write_report`], uploaded by the caller
/// (an upload is one request, whole or not at all).
#[derive(Debug)]
pub struct Upload {
    pub to: S3Target,
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

/// Fails now, before a long collection, if the outputs could not be written later: a
/// missing or read-only directory, a destination that is a directory. Creates the
/// directory of [`Outputs::Dir`] (and its parents) if missing.
pub fn check(outputs: &Outputs) -> Result<(), RunError> {
    match outputs {
        Outputs::None => Ok(()),
        Outputs::One { to, .. } => check_destination(to),
        Outputs::Dir { dir, .. } => check_directory(dir),
        // Checked by the caller, which can reach S3 (crate::aws::upload::check).
        Outputs::S3Dir { .. } => Ok(()),
    }
}

/// Writes the report as `outputs` say; each file whole or not at all, its path said on
/// stderr unless `quiet`. What goes to S3 is rendered and returned, for the caller to upload.
pub fn write_report(report: &Report, outputs: &Outputs, quiet: bool) -> Result<Vec<Upload>, RunError> {
    let mut uploads = Vec::new();
    let render = |format: &dyn crate::report::Reporter, to: S3Target| {
        let mut body = Vec::new();
        format.render(report, &RenderContext::PLAIN, &mut body).map(|_| Upload { to, body, content_type: content_type(format.extension()) })
    };
    let written = |path: &Path| {
        if !quiet {
            eprintln!("report written to {}", path.display());
        }
    };
    match outputs {
        Outputs::None => {}
        Outputs::One { format, to: Destination::S3(target) } => {
            uploads.push(render(*format, target.clone()).map_err(|source| RunError::Write { path: target.to_string().into(), source })?);
        }
        Outputs::S3Dir { formats, prefix } => {
            for format in formats {
                let target = prefix.join(&report.file_name(*format));
                uploads.push(render(*format, target.clone()).map_err(|source| RunError::Write { path: target.to_string().into(), source })?);
            }
        }
        Outputs::One { format, to } => {
            // Colour and the terminal's width only on a terminal (stdout without `-o`).
            let ctx = if *to == Destination::Terminal && std::io::stdout().is_terminal() {
                RenderContext::terminal(std::env::var_os("NO_COLOR").is_some())
            } else {
                RenderContext::PLAIN
            };
            write_with(to, |w| format.render(report, &ctx, w))?;
            to.file().map(written);
        }
        Outputs::Dir { formats, dir } => {
            let summary = !quiet && std::io::stdout().is_terminal();
            let mut paths = Vec::new();
            for format in formats {
                let path = dir.join(report.file_name(*format));
                write_with(&Destination::File(path.clone()), |w| format.render(report, &RenderContext::PLAIN, w))?;
                if summary {
                    paths.push(path.display().to_string());
                } else {
                    written(&path);
                }
            }
            if summary {
                terminal_summary(report, &paths)?;
            }
        }
    }
    Ok(uploads)
}

/// On a terminal, when the reports went to files: the summary table, then where the files
/// are. (A pipe or a file gets nothing on stdout: the files are the output.)
pub fn terminal_summary(report: &Report, written: &[String]) -> Result<(), RunError> {
    let ctx = RenderContext::terminal(std::env::var_os("NO_COLOR").is_some());
    write_with(&Destination::Terminal, |w| {
        crate::report::table::TABLE.render(report, &ctx, w)?;
        writeln!(w, "\nReports written:")?;
        for path in written {
            writeln!(w, "  {path}")?;
        }
        Ok(())
    })
}

/// The media type of a report file, by its extension.
fn content_type(extension: &str) -> &'static str {
    match extension {
        "json" | "ocsf" | "asff" | "sarif" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "html" => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

/// Writes `text` to `to`.
pub fn write_text(to: &Destination, text: &str) -> Result<(), RunError> {
    write_with(to, |w| w.write_all(text.as_bytes()))
}

/// The directory a file at `path` is written in (its temporary file goes there too, so
/// that the final rename never crosses file systems).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Fails now, before a long collection, if a file could not be written to `to` later:
/// a missing or read-only directory, a destination that is a directory.
pub fn check_destination(to: &Destination) -> Result<(), RunError> {
    let Some(path) = to.file() else { return Ok(()) };
    let fail = |source| RunError::Write { path: path.to_path_buf(), source };
    if path.is_dir() {
        return Err(fail(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory")));
    }
    can_create_in(directory_of(path)).map_err(fail)
}

/// The same for a directory, before a long collection: creates `dir` (and its parents) if
/// missing, and fails if it is not a directory or files cannot be created in it.
pub fn check_directory(dir: &Path) -> Result<(), RunError> {
    let fail = |source| RunError::Write { path: dir.to_path_buf(), source };
    if dir.exists() && !dir.is_dir() {
        return Err(fail(std::io::Error::new(std::io::ErrorKind::NotADirectory, "it is not a directory")));
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    can_create_in(dir).map_err(fail)
}

/// Whether a file can be created in `dir`: by creating (and removing) an empty one.
fn can_create_in(dir: &Path) -> std::io::Result<()> {
    tempfile::Builder::new().prefix(".rampart-check-").tempfile_in(dir).map(drop)
}

/// Streams what `write` produces to `to` through a buffer: large reports are never held in
/// memory whole. A file is written whole or not at all: into a temporary file beside it,
/// synced, then renamed over the destination; on any error the temporary file is removed
/// and whatever was at the destination before is left as it was.
pub fn write_with(to: &Destination, write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), RunError> {
    use std::io::{BufWriter, Write};
    if let Destination::S3(target) = to {
        // S3 is written by uploading what write_report renders; nothing streams to it.
        let source = std::io::Error::new(std::io::ErrorKind::Unsupported, "this output cannot go to S3");
        return Err(RunError::Write { path: target.to_string().into(), source });
    }
    match to.file() {
        Some(p) => {
            let fail = |source| RunError::Write { path: p.to_path_buf(), source };
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let temp = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".tmp")
                .tempfile_in(directory_of(p))
                .map_err(fail)?;
            let mut file = BufWriter::new(temp);
            write(&mut file).and_then(|_| file.flush()).map_err(fail)?;
            let temp = file.into_inner().map_err(|e| fail(e.into_error()))?;
            temp.as_file().sync_all().map_err(fail)?;
            temp.persist(p).map_err(|e| fail(e.error))?;
            Ok(())
        }
        None => {
            let mut stdout = BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`rampart … | head`) is not an error worth a message.
            match write(&mut stdout).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(RunError::Write { path: "stdout".into(), source: e })
                }
                _ => Ok(()),
            }
        }
    }
}
