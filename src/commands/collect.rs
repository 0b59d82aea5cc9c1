//! `rampart collect`: read the inventory and save it as a snapshot.

use std::process::ExitCode;

use crate::cli::CollectArgs;
use crate::error::{RunError, exit};

pub fn run(args: CollectArgs, quiet: bool) -> Result<ExitCode, RunError> {
    let selection = super::selection(&args.select)?;
    super::check_destination(Some(&args.output))?;
    let inventory = super::runtime().block_on(crate::collect::collect(&args.aws, &selection.checks(), quiet))?;
    super::write_with(Some(&args.output), |w| {
        serde_json::to_writer(&mut *w, &inventory)?;
        w.write_all(b"\n")
    })?;
    if !quiet && super::file_destination(Some(&args.output)).is_some() {
        eprintln!("snapshot written to {}", args.output.display());
    }
    Ok(ExitCode::from(exit::OK))
}
