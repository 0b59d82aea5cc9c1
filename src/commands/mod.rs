//! One module per subcommand, each given its validated settings. Each returns the process
//! exit code or a [`RunError`].

mod audit;
mod checks;
mod collect;
mod diff;
mod explain;

use std::process::ExitCode;

use rampart::RunError;

use crate::cli::Request;

pub fn run(request: Request) -> Result<ExitCode, RunError> {
    match request {
        Request::Audit(settings) => audit::run(&settings),
        Request::Collect(settings) => collect::run(&settings),
        Request::Checks { selection, format } => checks::run(&selection, format),
        Request::Explain(check) => explain::run(check),
        Request::Diff { old, new, format } => diff::run(&old, &new, format),
    }
}
