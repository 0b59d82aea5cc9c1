//! `rampart explain ID`: print a check's documentation.

use std::process::ExitCode;

use rampart_checks::catalogue::render_check;
use rampart_checks::find_check;

use crate::cli::ExplainArgs;
use crate::error::{RunError, exit};

pub fn run(args: ExplainArgs) -> Result<ExitCode, RunError> {
    let check = find_check(&args.id)
        .ok_or_else(|| RunError::Usage(format!("unknown check id {} (`rampart checks` lists them)", args.id)))?;
    super::write_output(None, &render_check(check))?;
    Ok(ExitCode::from(exit::OK))
}
