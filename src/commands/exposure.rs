//! `rampart exposure`: what the internet reaches, with the path.

use std::process::ExitCode;

use rampart::exposure::ExposureSettings;
use rampart::{RunError, exit};

pub fn run(settings: &ExposureSettings) -> Result<ExitCode, RunError> {
    rampart::exposure::exposure_blocking(settings)?;
    Ok(ExitCode::from(exit::OK))
}
