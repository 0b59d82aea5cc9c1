//! `rampart explain ID`: print a check's documentation.

use std::process::ExitCode;

use rampart::settings::Destination;
use rampart::{RunError, exit, output};
use rampart_checks::Check;
use rampart_checks::catalogue::render_check;

pub fn run(check: &Check) -> Result<ExitCode, RunError> {
    output::write_text(&Destination::Stdout, &render_check(check))?;
    Ok(ExitCode::from(exit::OK))
}
