//! The `rampart` binary: parse, build the validated settings, run the library, map the
//! outcome to an exit code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use rampart::progress;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    match cli::Request::try_from(&cli).and_then(commands::run) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("rampart: {err}");
            err.exit_code()
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "error,rampart=warn",
        (false, 1) => "error,rampart=info",
        (false, 2) => "warn,rampart=debug,aws_config=info",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG").unwrap_or_else(|_| default.into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(progress::LogWriter::new)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}
