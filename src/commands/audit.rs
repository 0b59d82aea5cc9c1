//! `rampart audit`: collect (or load a snapshot), evaluate, report, and choose the exit code.

use std::process::ExitCode;

use rampart::{RunError, Settings};

pub fn run(settings: &Settings) -> Result<ExitCode, RunError> {
    let outcome = rampart::audit_blocking(settings)?;
    Ok(ExitCode::from(outcome.exit_code()))
}
