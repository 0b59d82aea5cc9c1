//! Why Rampart could not run, and the exit codes, in one place.

use std::path::PathBuf;
use std::process::ExitCode;

/// The exit codes Rampart documents (README, DESIGN).
pub mod exit {
    /// Every selected check was evaluated and nothing failed at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Rampart could not run: no credentials, unreachable endpoint, unreadable snapshot.
    pub const CANNOT_RUN: u8 = 1;
    /// Usage error (clap's own code).
    pub const USAGE: u8 = 2;
    /// Failing findings at or above `--fail-on`.
    pub const FAILED: u8 = 3;
    /// No failing finding, but some selected checks could not be evaluated (ERROR).
    pub const INCOMPLETE: u8 = 4;
    /// The report was written, but `--security-hub` could not import every finding or
    /// archive every stale one (whatever the findings say: they are in the report, this only
    /// in the exit code and on stderr).
    pub const IMPORT_FAILED: u8 = 5;
}

/// An error that stops Rampart before it can report (exit code 1).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("no AWS credentials: {0}")]
    Credentials(String),
    #[error("cannot reach AWS: {0}")]
    Unreachable(String),
    #[error("AWS rejected the credentials: {0}")]
    Identity(String),
    #[error("cannot list the regions to audit: {0}")]
    Regions(String),
    #[error("cannot list the organization's accounts: {0}")]
    Organization(String),
    #[error("cannot read snapshot {path}: {message}")]
    Snapshot { path: PathBuf, message: String },
    #[error("cannot read configuration {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("cannot read report {path}: {message}")]
    Report { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot audit the Kubernetes cluster: {0}")]
    Kubernetes(String),
    #[error("{0}")]
    Usage(String),
}

impl RunError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            RunError::Usage(_) => ExitCode::from(exit::USAGE),
            _ => ExitCode::from(exit::CANNOT_RUN),
        }
    }
}
