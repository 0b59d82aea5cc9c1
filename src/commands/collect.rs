//! `rampart collect`: read the inventory and save it as a snapshot.

use std::process::ExitCode;

use rampart::{CollectSettings, RunError, exit};

pub fn run(settings: &CollectSettings) -> Result<ExitCode, RunError> {
    rampart::collect_blocking(settings)?;
    Ok(ExitCode::from(exit::OK))
}
