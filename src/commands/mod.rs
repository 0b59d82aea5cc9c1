//! One module per subcommand, each given its validated settings. Each returns the process
//! exit code or a [`RunError`].

mod audit;
mod checks;
mod collect;
mod diff;
mod explain;
mod exposure;
mod merge;

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
        Request::Merge(settings) => merge::run(&settings),
        Request::Exposure(settings) => exposure::run(&settings),
        Request::Completions(shell) => {
            let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "rampart", &mut out);
            rampart::output::write_text(&rampart::settings::Destination::Stdout, &String::from_utf8_lossy(&out))?;
            Ok(ExitCode::from(rampart::exit::OK))
        }
        Request::Man => {
            let command = <crate::cli::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(command).render(&mut out).map_err(|e| RunError::Write { path: "-".into(), source: e })?;
            rampart::output::write_text(&rampart::settings::Destination::Stdout, &String::from_utf8_lossy(&out))?;
            Ok(ExitCode::from(rampart::exit::OK))
        }
    }
}
