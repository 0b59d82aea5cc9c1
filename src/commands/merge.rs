//! `rampart merge`: several JSON reports made into one, written as an audit's report is.

use std::process::ExitCode;

use rampart::RunError;
use rampart::merge::MergeSettings;

pub fn run(settings: &MergeSettings) -> Result<ExitCode, RunError> {
    let outcome = rampart::merge::merge_blocking(settings)?;
    Ok(ExitCode::from(outcome.exit_code()))
}
