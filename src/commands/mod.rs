//! One module per subcommand. Each returns the process exit code or a [`RunError`].

mod audit;
mod checks;
mod collect;
mod explain;

use std::path::Path;
use std::process::ExitCode;

use rampart_checks::Selection;

use crate::cli::{Cli, Command, SelectArgs};
use crate::error::RunError;

pub fn run(cli: Cli) -> Result<ExitCode, RunError> {
    match cli.command {
        Command::Audit(args) => audit::run(args, cli.quiet),
        Command::Collect(args) => collect::run(args, cli.quiet),
        Command::Checks(args) => checks::run(args),
        Command::Explain(args) => explain::run(args),
    }
}

/// The check selection, with unknown ids rejected.
fn selection(args: &SelectArgs) -> Result<Selection, RunError> {
    let mut selection = Selection {
        check_ids: args.checks.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        measures: args.measure.clone(),
        min_severity: args.severity,
    };
    let unknown = selection.unknown_ids();
    if !unknown.is_empty() {
        return Err(RunError::Usage(format!(
            "unknown check id{} {} (`rampart checks` lists them)",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", ")
        )));
    }
    if let Some(name) = &args.compliance {
        let framework = framework(name)?;
        let of_framework = framework.check_ids();
        selection.check_ids = if selection.check_ids.is_empty() {
            of_framework
        } else {
            selection.check_ids.iter().filter(|id| of_framework.contains(id)).cloned().collect()
        };
        if selection.check_ids.is_empty() {
            return Err(RunError::Usage(format!("none of the selected checks belongs to {}", framework.key)));
        }
    }
    if selection.checks().is_empty() {
        return Err(RunError::Usage("the selection matches no check".into()));
    }
    Ok(selection)
}

/// The framework named by `--compliance`.
fn framework(name: &str) -> Result<&'static rampart_checks::frameworks::Framework, RunError> {
    rampart_checks::frameworks::find_framework(name).ok_or_else(|| {
        let known: Vec<String> = rampart_checks::frameworks::frameworks().iter().map(|f| f.key.to_lowercase()).collect();
        RunError::Usage(format!("unknown framework '{name}' (known: {})", known.join(", ")))
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("the async runtime starts")
}

/// Writes `text` to `path`, or to stdout when there is no path or it is `-`.
fn write_output(path: Option<&Path>, text: &str) -> Result<(), RunError> {
    write_with(path, |w| w.write_all(text.as_bytes()))
}

/// The file `-o` names, or `None` for stdout (no `-o`, or `-o -`).
fn file_destination(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| *p != Path::new("-"))
}

/// The directory a report at `path` is written in (its temporary file goes there too, so
/// that the final rename never crosses file systems).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Fails now, before a long collection, if a report could not be written to `path` later:
/// a missing or read-only directory, a destination that is a directory.
fn check_destination(path: Option<&Path>) -> Result<(), RunError> {
    let Some(path) = file_destination(path) else { return Ok(()) };
    let fail = |source| RunError::Write { path: path.to_path_buf(), source };
    if path.is_dir() {
        return Err(fail(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory")));
    }
    can_create_in(directory_of(path)).map_err(fail)
}

/// The same for `--output-dir`, before a long collection: creates `dir` (and its parents)
/// if missing, and fails if it is not a directory or files cannot be created in it.
fn check_directory(dir: &Path) -> Result<(), RunError> {
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

/// Streams what `write` produces to `path`, or to stdout when there is no path or it is
/// `-`, through a buffer: large reports are never held in memory whole. A file is written
/// whole or not at all: into a temporary file beside it, synced, then renamed over the
/// destination; on any error the temporary file is removed and whatever was at the
/// destination before is left as it was.
fn write_with(path: Option<&Path>, write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), RunError> {
    use std::io::{BufWriter, Write};
    match file_destination(path) {
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
