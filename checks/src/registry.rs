//! The check registry: the [`Check`] record, the [`declare_check!`] macro that builds one
//! from a doc comment and a few fields, and [`Findings`], the recorder a check writes to.
//!
//! Each service module lists its checks in a `CHECKS` slice, one line per check; this
//! module concatenates those slices. There is no other registration.

use chrono::{DateTime, Utc};

use crate::config_file::Config;
use crate::finding::{Measure, Resource, Severity, Status};
use crate::inventory::{AccountInventory, Source};

/// What a check sees besides the inventory.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The instant the inventory was collected. Ages ("unused for 45 days") are measured
    /// from here, never from the clock at evaluation time.
    pub now: DateTime<Utc>,
    /// Thresholds from the configuration file (benchmark defaults otherwise).
    pub config: &'a Config,
}

/// The signature of a check's evaluation function.
pub type EvalFn = fn(&AccountInventory, &Context<'_>, &mut Findings);

/// One registered check.
#[derive(Debug)]
pub struct Check {
    /// Stable snake_case id; Prowler's where the meaning is the same.
    pub id: &'static str,
    pub title: &'static str,
    pub measure: Measure,
    pub severity: Severity,
    /// The inventory sources the check reads: collection is planned from them, and a
    /// meta-test proves that the check reads nothing else.
    pub reads: &'static [Source],
    /// The check's doc comment, verbatim (one leading space per line, as rustdoc stores it).
    pub raw_doc: &'static str,
    pub eval: EvalFn,
}

impl Check {
    /// The documentation as Markdown, with the doc-comment indentation removed.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.raw_doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The text of one `## Heading` section of the documentation, trimmed.
    pub fn doc_section(&self, heading: &str) -> Option<String> {
        let doc = self.doc();
        let mut in_section = false;
        let mut body = Vec::new();
        for line in doc.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                if in_section {
                    break;
                }
                in_section = h.trim() == heading;
                continue;
            }
            if in_section {
                body.push(line);
            }
        }
        in_section.then(|| body.join("\n").trim().to_string())
    }

    /// The remediation section, as it appears in findings.
    pub fn remediation(&self) -> String {
        self.doc_section("Remediation").unwrap_or_default()
    }
}

/// Declares a check: its doc comment (with the sections `## What it checks`,
/// `## Why it matters`, `## Remediation`, `## References`) and its fields, among them
/// `reads: [Source::…]`, the inventory sources its evaluation reads (at least one), or a
/// slice of them that several checks share.
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            title: $title:literal,
            measure: $measure:expr,
            severity: $severity:expr,
            reads: [$(Source::$read:ident),+ $(,)?],
            eval: $eval:path $(,)?
        }
    ) => {
        $crate::declare_check! {
            $(#[doc = $doc])*
            pub static $name = {
                id: $id,
                title: $title,
                measure: $measure,
                severity: $severity,
                reads: &[$($crate::inventory::Source::$read),+],
                eval: $eval,
            }
        }
    };
    // `reads` given as a slice shared by several checks (`reads: super::READS`).
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            title: $title:literal,
            measure: $measure:expr,
            severity: $severity:expr,
            reads: $reads:expr,
            eval: $eval:path $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::registry::Check = $crate::registry::Check {
            id: $id,
            title: $title,
            measure: $measure,
            severity: $severity,
            reads: $reads,
            raw_doc: concat!($($doc, "\n"),*),
            eval: $eval,
        };
    };
}

pub use crate::all_checks;

/// The check with this id.
pub fn find_check(id: &str) -> Option<&'static Check> {
    all_checks().into_iter().find(|c| c.id == id)
}

/// A finding as a check records it, before the engine adds the check's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub status: Status,
    pub resource: Resource,
    pub message: String,
    /// The severity of this finding when it differs from the check's (a port the internet
    /// reaches only through a load balancer is less severe than one it reaches directly).
    pub severity: Option<Severity>,
}

/// What a check writes its results to.
#[derive(Debug, Default)]
pub struct Findings {
    recorded: Vec<Recorded>,
}

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn record(&mut self, status: Status, resource: Resource, message: impl Into<String>) {
        self.recorded.push(Recorded { status, resource, message: message.into(), severity: None });
    }

    /// A FAIL whose severity is not the check's own: `severity` says how bad this one is.
    pub fn fail_at(&mut self, severity: Severity, resource: Resource, message: impl Into<String>) {
        self.recorded.push(Recorded { status: Status::Fail, resource, message: message.into(), severity: Some(severity) });
    }

    pub fn pass(&mut self, resource: Resource, message: impl Into<String>) {
        self.record(Status::Pass, resource, message);
    }

    pub fn fail(&mut self, resource: Resource, message: impl Into<String>) {
        self.record(Status::Fail, resource, message);
    }

    /// The check could not decide for this resource: `reason` says why.
    pub fn error(&mut self, resource: Resource, reason: impl Into<String>) {
        self.record(Status::Error, resource, reason);
    }

    pub fn manual(&mut self, resource: Resource, evidence: impl Into<String>) {
        self.record(Status::Manual, resource, evidence);
    }

    pub fn into_recorded(self) -> Vec<Recorded> {
        self.recorded
    }

    pub fn recorded(&self) -> &[Recorded] {
        &self.recorded
    }
}
