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

/// Streams what `write` produces to `path`, or to stdout when there is no path or it is
/// `-`, through a buffer: large reports are never held in memory whole.
fn write_with(path: Option<&Path>, write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), RunError> {
    use std::io::{BufWriter, Write};
    match path {
        Some(p) if p != Path::new("-") => {
            let fail = |source| RunError::Write { path: p.to_path_buf(), source };
            let mut file = BufWriter::new(std::fs::File::create(p).map_err(fail)?);
            write(&mut file).and_then(|_| file.flush()).map_err(fail)
        }
        _ => {
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
