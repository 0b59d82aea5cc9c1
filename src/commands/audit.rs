//! `rampart audit`: collect (or load a snapshot), evaluate, report, and choose the exit code.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use rampart_checks::inventory::{Inventory, SNAPSHOT_VERSION};
use rampart_checks::{Config, Finding, Severity, Status, evaluate};

use crate::cli::AuditArgs;
use crate::error::{RunError, exit};
use crate::report::{ComplianceReport, RenderContext, Report, Reporter, Scope};

pub fn run(args: AuditArgs, quiet: bool) -> Result<ExitCode, RunError> {
    let started_at = Utc::now();
    let selection = super::selection(&args.select)?;
    let output = Output::of(&args)?;
    let config = load_config(args.config.as_deref())?;
    output.check()?;
    let checks = selection.checks();
    let inventory = match &args.snapshot {
        Some(path) => load_snapshot(path)?,
        None => super::runtime().block_on(crate::collect::collect(&args.aws, &checks, quiet))?,
    };
    let findings = evaluate(&inventory, &selection, &config);
    let scope = Scope {
        accounts: inventory.accounts.iter().map(|a| a.account_id.clone()).collect(),
        regions: inventory.regions(),
        checks: checks.iter().map(|c| c.id.to_string()).collect(),
    };
    let collected_at = inventory.collected_at;
    // The findings say all the report needs: free the inventory before rendering.
    drop(inventory);
    let mut report = Report::new(started_at, collected_at, scope, findings);
    if let Some(name) = &args.select.compliance {
        let framework = super::framework(name)?;
        report.compliance = Some(ComplianceReport::new(framework, &report.findings, &report.scope.checks));
    }
    output.write(&report, quiet)?;
    Ok(ExitCode::from(exit_code(&report.findings, args.fail_on)))
}

/// Where the report goes, in which formats: decided from the options before anything is
/// collected.
enum Output<'a> {
    /// One format to stdout, or to the file `-o` names.
    One { reporter: &'static dyn Reporter, file: Option<&'a Path>, output_given: bool },
    /// One file per format in the directory `--output-dir` names.
    Dir { reporters: &'a [&'static dyn Reporter], dir: &'a Path },
}

impl<'a> Output<'a> {
    /// The destination the options ask for, or the usage error that makes them
    /// contradictory: a format named twice, several formats for one stream.
    fn of(args: &'a AuditArgs) -> Result<Self, RunError> {
        let formats = args.format.as_slice();
        if let Some(twice) = formats.iter().enumerate().find(|(i, r)| formats[..*i].contains(r)).map(|(_, r)| r) {
            return Err(RunError::Usage(format!("--format names '{}' twice", twice.name())));
        }
        match (args.output_dir.as_deref(), formats) {
            (Some(dir), _) => Ok(Output::Dir { reporters: formats, dir }),
            (None, [reporter]) => Ok(Output::One {
                reporter: *reporter,
                file: super::file_destination(args.output.as_deref()),
                output_given: args.output.is_some(),
            }),
            (None, _) => {
                let names: Vec<&str> = formats.iter().map(|r| r.name()).collect();
                let to = if super::file_destination(args.output.as_deref()).is_some() { "-o FILE" } else { "standard output" };
                Err(RunError::Usage(format!(
                    "{to} takes one format, not {}: write several with --output-dir DIR",
                    names.join(", ")
                )))
            }
        }
    }

    /// Fails now, before a long collection, if the report could not be written later.
    fn check(&self) -> Result<(), RunError> {
        match self {
            Output::One { file, .. } => super::check_destination(*file),
            Output::Dir { dir, .. } => super::check_directory(dir),
        }
    }

    /// Writes the report; each file whole or not at all, its path said on stderr.
    fn write(&self, report: &Report, quiet: bool) -> Result<(), RunError> {
        let written = |path: &Path| {
            if !quiet {
                eprintln!("report written to {}", path.display());
            }
        };
        match self {
            Output::One { reporter, file, output_given } => {
                // Colour and the terminal's width only on a terminal (stdout without `-o`).
                let to_terminal = !output_given && std::io::stdout().is_terminal();
                let ctx = if to_terminal {
                    RenderContext::terminal(std::env::var_os("NO_COLOR").is_some())
                } else {
                    RenderContext::PLAIN
                };
                super::write_with(*file, |w| reporter.render(report, &ctx, w))?;
                file.map(written);
            }
            Output::Dir { reporters, dir } => {
                for reporter in *reporters {
                    let path = dir.join(report.file_name(*reporter));
                    super::write_with(Some(&path), |w| reporter.render(report, &RenderContext::PLAIN, w))?;
                    written(&path);
                }
            }
        }
        Ok(())
    }
}

/// 3 when an unmuted finding at or above `fail_on` failed, else 4 when an unmuted check
/// could not be evaluated, else 0.
pub fn exit_code(findings: &[Finding], fail_on: Severity) -> u8 {
    let unmuted = || findings.iter().filter(|f| !f.muted);
    if unmuted().any(|f| f.status == Status::Fail && f.check.severity >= fail_on) {
        exit::FAILED
    } else if unmuted().any(|f| f.status == Status::Error) {
        exit::INCOMPLETE
    } else {
        exit::OK
    }
}

fn load_config(path: Option<&Path>) -> Result<Config, RunError> {
    let Some(path) = path else { return Ok(Config::default()) };
    let err = |message: String| RunError::Config { path: path.to_path_buf(), message };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    Config::from_toml(&text).map_err(|e| match e {
        rampart_checks::config::ConfigError::Parse(why) | rampart_checks::config::ConfigError::Invalid(why) => err(why),
    })
}

fn load_snapshot(path: &Path) -> Result<Inventory, RunError> {
    let err = |message: String| RunError::Snapshot { path: path.to_path_buf(), message };
    let open = || std::fs::File::open(path).map(std::io::BufReader::new).map_err(|e| err(e.to_string()));
    // Read the version alone first (other fields are skipped, not built), so that a
    // snapshot of another version gets a clear message rather than a field error. Both
    // passes stream from the file: a large snapshot is never held as text.
    struct Version {
        snapshot_version: Option<u64>,
    }
    // By hand rather than derived: a derived struct also accepts a JSON array (`[1]`).
    impl<'de> serde::Deserialize<'de> for Version {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Version;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object with a snapshot_version")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Version, A::Error> {
                    let mut snapshot_version = None;
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        if key == "snapshot_version" {
                            snapshot_version = Some(map.next_value::<u64>()?);
                        } else {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                    Ok(Version { snapshot_version })
                }
            }
            d.deserialize_map(Visit)
        }
    }
    let version = serde_json::from_reader::<_, Version>(open()?)
        .map_err(|e| match e.classify() {
            serde_json::error::Category::Data => err(format!("not a Rampart snapshot: {e}")),
            serde_json::error::Category::Io => err(e.to_string()),
            _ => err(format!("not JSON: {e}")),
        })?
        .snapshot_version;
    match version {
        Some(v) if v == u64::from(SNAPSHOT_VERSION) => {}
        Some(v) => return Err(err(format!("snapshot version {v} is not supported (this Rampart reads version {SNAPSHOT_VERSION})"))),
        None => return Err(err("not a Rampart snapshot (no snapshot_version)".into())),
    }
    let inventory: Inventory = serde_json::from_reader(open()?).map_err(|e| err(format!("invalid snapshot: {e}")))?;
    inventory.validate().map_err(|why| err(format!("not auditable: {why}")))?;
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(status: Status, severity: Severity, muted: bool) -> Finding {
        Finding::synthetic("x", status, severity, rampart_checks::Measure::Access, muted)
    }

    #[test]
    fn exit_codes() {
        use Severity::*;
        use Status::*;
        assert_eq!(exit_code(&[finding(Pass, High, false)], Informational), 0);
        assert_eq!(exit_code(&[finding(Fail, Low, false)], Informational), 3);
        assert_eq!(exit_code(&[finding(Fail, Low, false)], High), 0);
        assert_eq!(exit_code(&[finding(Fail, Low, false), finding(Error, Low, false)], High), 4);
        assert_eq!(exit_code(&[finding(Fail, Critical, true)], Informational), 0);
        assert_eq!(exit_code(&[finding(Error, Critical, true)], Informational), 0);
        assert_eq!(exit_code(&[finding(Fail, High, false), finding(Error, Low, false)], High), 3);
    }
}
