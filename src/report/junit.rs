//! JUnit XML, the test report every CI system shows natively: one `<testsuite>` per check,
//! one `<testcase>` per resource. FAIL is a `<failure>` with the message, ERROR an
//! `<error>` with its reason, MANUAL and muted findings `<skipped>` (with the evidence or
//! the mute's reason), PASS a bare test case.
//!
//! Every value is escaped for XML; characters XML 1.0 cannot carry at all (control
//! characters but tab and line breaks, lone surrogates cannot occur in Rust strings) become
//! U+FFFD, so a hostile name cannot make the file unreadable.

use std::io::{self, Write};

use rampart_checks::{Finding, Status};

use super::{RenderContext, Report, Reporter};

pub struct Junit;

impl Reporter for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }

    fn extension(&self) -> &'static str {
        "xml"
    }

    fn render(&self, report: &Report, _: &RenderContext, out: &mut dyn Write) -> io::Result<()> {
        // Findings are sorted by severity, then check: a check's findings are one run.
        let suites = super::runs_by_check(&report.findings);
        let seconds = (report.finished_at - report.started_at).num_milliseconds().max(0) as f64 / 1000.0;
        let total = Tally::of(&report.findings);
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="rampart" tests="{}" failures="{}" errors="{}" skipped="{}" time="{seconds:.3}" timestamp="{}">"#,
            total.tests,
            total.failures,
            total.errors,
            total.skipped,
            report.started_at.format("%Y-%m-%dT%H:%M:%S"),
        )?;
        for findings in suites {
            let check = &findings[0].check;
            let tally = Tally::of(findings);
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
                Xml(&check.id),
                tally.tests,
                tally.failures,
                tally.errors,
                tally.skipped,
            )?;
            writeln!(out, "    <properties>")?;
            for (name, value) in [("title", check.title.as_str()), ("severity", check.severity.as_str()), ("measure", check.measure.as_str())] {
                writeln!(out, r#"      <property name="{name}" value="{}"/>"#, Xml(value))?;
            }
            for (framework, ids) in &check.compliance {
                writeln!(out, r#"      <property name="{}" value="{}"/>"#, Xml(framework), Xml(&ids.join(", ")))?;
            }
            writeln!(out, "    </properties>")?;
            for f in findings {
                let r = &*f.resource;
                write!(
                    out,
                    r#"    <testcase classname="{}" name="{} ({}/{})""#,
                    Xml(&check.id),
                    Xml(&r.id),
                    Xml(&r.account_id),
                    Xml(&r.region)
                )?;
                let message = Xml(&f.message);
                if let Some(state) = f.baseline {
                    // An extra attribute: JUnit readers ignore what they do not know.
                    write!(out, r#" baseline="{}""#, state.as_str())?;
                }
                match (f.muted, f.status) {
                    (false, Status::Pass) => writeln!(out, "/>")?,
                    (true, status) => {
                        let reason = f.mute_reason.as_deref().unwrap_or("muted");
                        writeln!(out, ">")?;
                        writeln!(out, r#"      <skipped message="muted ({status}): {}"/>"#, Xml(reason))?;
                        writeln!(out, "      <system-out>{message}</system-out>")?;
                        writeln!(out, "    </testcase>")?;
                    }
                    (false, Status::Fail) => {
                        writeln!(out, ">")?;
                        writeln!(out, r#"      <failure message="{message}" type="{}">{message}"#, check.severity)?;
                        writeln!(out, "Remediation: {}</failure>", Xml(&check.remediation))?;
                        writeln!(out, "    </testcase>")?;
                    }
                    (false, Status::Error) => {
                        writeln!(out, ">")?;
                        writeln!(out, r#"      <error message="{message}" type="ERROR">{message}</error>"#)?;
                        writeln!(out, "    </testcase>")?;
                    }
                    (false, Status::Manual) => {
                        writeln!(out, ">")?;
                        writeln!(out, r#"      <skipped message="manual review: {message}"/>"#)?;
                        writeln!(out, "    </testcase>")?;
                    }
                }
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

#[derive(Default)]
struct Tally {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Tally {
    fn of(findings: &[Finding]) -> Tally {
        let mut t = Tally { tests: findings.len(), ..Tally::default() };
        for f in findings {
            match (f.muted, f.status) {
                (true, _) | (false, Status::Manual) => t.skipped += 1,
                (false, Status::Fail) => t.failures += 1,
                (false, Status::Error) => t.errors += 1,
                (false, Status::Pass) => {}
            }
        }
        t
    }
}

/// Text escaped for XML, in element content and in double-quoted attributes alike.
struct Xml<'a>(&'a str);

impl std::fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(|c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || !allowed(c)) {
            f.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().expect("found at a char boundary");
            f.write_str(match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                _ => "\u{FFFD}",
            })?;
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// The characters XML 1.0 allows (its `Char` production). (A line break in an attribute
/// reads back as a space; in element content it stays.)
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_characters_xml_cannot_hold() {
        assert_eq!(Xml(r#"<a href="x">'&'</a>"#).to_string(), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
        assert_eq!(Xml("bell\u{7}nul\u{0}tab\tend\u{FFFE}").to_string(), "bell\u{FFFD}nul\u{FFFD}tab\tend\u{FFFD}");
        assert_eq!(Xml("plain é 🦀").to_string(), "plain é 🦀");
    }
}
