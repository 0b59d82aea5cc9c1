//! `rampart collect`: read the inventory and save it as a snapshot.

use std::process::ExitCode;

use crate::cli::CollectArgs;
use crate::error::{RunError, exit};

pub fn run(args: CollectArgs, quiet: bool) -> Result<ExitCode, RunError> {
    let selection = super::selection(&args.select)?;
    let inventory = super::runtime().block_on(crate::collect::collect(&args.aws, &selection.checks(), quiet))?;
    let mut text = serde_json::to_string(&inventory).expect("an inventory always serialises");
    text.push('\n');
    super::write_output(Some(&args.output), &text)?;
    if !quiet && args.output.as_os_str() != "-" {
        eprintln!("snapshot written to {}", args.output.display());
    }
    Ok(ExitCode::from(exit::OK))
}
