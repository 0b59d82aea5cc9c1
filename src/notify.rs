//! `--notify URL`: a summary of the audit posted to a chat channel or any web hook.
//!
//! To a Slack incoming webhook (`hooks.slack.com`, or `--notify-format slack`) the message
//! is Slack's (`text` and `blocks`, every value escaped for Slack's markup, so a resource
//! named `<!channel>` mentions nobody); to any other URL it is JSON. It holds the scores,
//! the counts, and the failures at or above `--fail-on`: the new ones when there is a
//! baseline, else all of them (at most [`LISTED`], then how many more).
//!
//! A webhook URL is a secret (whoever holds it can post): it never appears in logs,
//! messages or reports; [`WebhookUrl`]'s `Debug` hides it. Plain `http` is accepted for
//! loopback only.

use std::fmt;
use std::time::Duration;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use rampart_checks::finding::BaselineState;
use rampart_checks::{Finding, Measure, Severity, Status};
use serde::Serialize;

use crate::report::Report;

/// Failures listed in a message; the rest are counted.
pub const LISTED: usize = 10;

/// How long the post may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);

/// A webhook URL: shown as `<webhook URL>` wherever it would be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(http::Uri);

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<webhook URL>")
    }
}

impl std::str::FromStr for WebhookUrl {
    type Err = String;

    /// An `https` URL, or `http` to a loopback address. The error never repeats the URL.
    fn from_str(s: &str) -> Result<Self, String> {
        let uri: http::Uri = s.parse().map_err(|_| "the --notify URL is not a valid URL".to_string())?;
        let host = uri.host().unwrap_or("");
        let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || host == "[::1]";
        match uri.scheme_str() {
            Some("https") if !host.is_empty() => Ok(WebhookUrl(uri)),
            Some("http") if loopback => Ok(WebhookUrl(uri)),
            Some("http") => Err("the --notify URL must be https (plain http only to a loopback address)".into()),
            _ => Err("the --notify URL must be an https URL".into()),
        }
    }
}

impl WebhookUrl {
    fn is_slack(&self) -> bool {
        self.0.host().is_some_and(|h| h == "hooks.slack.com" || h.ends_with(".hooks.slack.com"))
    }
}

/// The shape of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotifyFormat {
    /// Slack's for a Slack webhook URL, JSON otherwise.
    #[default]
    Auto,
    /// Slack's incoming-webhook message (also what Mattermost and others take).
    Slack,
    /// The summary as JSON.
    Json,
}

/// Where to post, and how.
#[derive(Debug, Clone)]
pub struct Notify {
    pub url: WebhookUrl,
    pub format: NotifyFormat,
}

/// The summary a message carries.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub accounts: &'a [String],
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// Score per measure and overall (`null`: nothing evaluated).
    pub scores: Vec<(&'static str, Option<f64>)>,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub muted: usize,
    /// `new` when failures are counted against a baseline, `all` otherwise.
    pub failures: &'static str,
    pub fail_on: Severity,
    pub listed: Vec<Listed<'a>>,
    /// Failures at or above `fail_on` not listed.
    pub more: usize,
}

#[derive(Debug, Serialize)]
pub struct Listed<'a> {
    pub severity: Severity,
    pub check_id: &'a str,
    pub account_id: &'a str,
    pub region: &'a str,
    pub resource_id: &'a str,
    pub message: &'a str,
}

/// The summary of `report`.
pub fn summary(report: &Report, fail_on: Severity) -> Summary<'_> {
    let against_baseline = report.findings.iter().any(|f| f.baseline.is_some());
    let failing: Vec<&Finding> = report
        .unmuted(Status::Fail)
        .filter(|f| f.check.severity >= fail_on)
        .filter(|f| !against_baseline || f.baseline == Some(BaselineState::New))
        .collect();
    let mut scores: Vec<(&'static str, Option<f64>)> =
        Measure::ALL.iter().map(|m| (m.as_str(), report.summary.score.measures.get(m).and_then(|s| s.score))).collect();
    scores.push(("overall", report.summary.score.overall.score));
    let c = &report.summary.counts;
    Summary {
        tool: "rampart",
        version: report.tool.version,
        accounts: &report.scope.accounts,
        started_at: report.started_at,
        scores,
        pass: c.pass,
        fail: c.fail,
        error: c.error,
        muted: c.muted,
        failures: if against_baseline { "new" } else { "all" },
        fail_on,
        listed: failing
            .iter()
            .take(LISTED)
            .map(|f| Listed {
                severity: f.check.severity,
                check_id: &f.check.id,
                account_id: &f.resource.account_id,
                region: &f.resource.region,
                resource_id: &f.resource.id,
                message: &f.message,
            })
            .collect(),
        more: failing.len().saturating_sub(LISTED),
    }
}

/// Text escaped for Slack's markup: `&`, `<` and `>` (which start links and mentions).
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The message body for `format`.
pub fn body(summary: &Summary<'_>, slack: bool) -> String {
    if !slack {
        return serde_json::to_string(summary).expect("a summary serialises");
    }
    let scores = summary
        .scores
        .iter()
        .map(|(m, s)| format!("{m} {}", s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "n/a".into())))
        .collect::<Vec<_>>()
        .join(" · ");
    let accounts = slack_escape(&summary.accounts.join(", "));
    let headline = format!(
        "Rampart audit of {accounts}: {} failing, {} passing, {} not evaluated, {} muted",
        summary.fail, summary.pass, summary.error, summary.muted
    );
    let mut lines = vec![format!("*{headline}*"), format!("Scores: {scores}")];
    let what = if summary.failures == "new" { "New failures" } else { "Failures" };
    let total = summary.listed.len() + summary.more;
    if total == 0 {
        lines.push(format!("{what} at {} or above: none", summary.fail_on));
    } else {
        lines.push(format!("{what} at {} or above: {total}", summary.fail_on));
        for l in &summary.listed {
            lines.push(format!(
                "• {} `{}` {}/{} {}: {}",
                l.severity.as_str().to_uppercase(),
                slack_escape(l.check_id),
                slack_escape(l.account_id),
                slack_escape(l.region),
                slack_escape(l.resource_id),
                slack_escape(l.message)
            ));
        }
        if summary.more > 0 {
            lines.push(format!("… and {} more", summary.more));
        }
    }
    // Slack cuts a section's text at 3,000 characters.
    let mut text = lines.join("\n");
    if text.chars().count() > 2900 {
        text = text.chars().take(2900).collect::<String>() + "…";
    }
    serde_json::json!({
        "text": slack_escape(&headline),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    })
    .to_string()
}

/// Posts the summary. The error says why, never where.
pub async fn send(notify: &Notify, report: &Report, fail_on: Severity) -> Result<(), String> {
    let slack = match notify.format {
        NotifyFormat::Auto => notify.url.is_slack(),
        NotifyFormat::Slack => true,
        NotifyFormat::Json => false,
    };
    let body = body(&summary(report, fail_on), slack);
    let request = http::Request::builder()
        .method("POST")
        .uri(notify.url.0.clone())
        .header("content-type", "application/json")
        .header("user-agent", concat!("rampart/", env!("CARGO_PKG_VERSION")))
        .body(SdkBody::from(body))
        .map_err(|_| "the request could not be built".to_string())?;
    let request = HttpRequest::try_from(request).map_err(|_| "the request could not be built".to_string())?;
    let connector = Connector::builder().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc)).build();
    let response = tokio::time::timeout(TIMEOUT, connector.call(request))
        .await
        .map_err(|_| format!("no answer within {} s", TIMEOUT.as_secs()))?
        .map_err(|e| {
            // A connector error's text names the address: give its kind only.
            if e.is_timeout() {
                "the connection timed out".to_string()
            } else if e.is_io() {
                "the connection failed".to_string()
            } else {
                "the request failed".to_string()
            }
        })?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("the webhook answered HTTP {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_or_loopback_and_are_never_shown() {
        assert!("https://hooks.slack.com/services/T0/B0/secret".parse::<WebhookUrl>().unwrap().is_slack());
        assert!(!"https://example.com/hook".parse::<WebhookUrl>().unwrap().is_slack());
        assert!("http://127.0.0.1:8080/x".parse::<WebhookUrl>().is_ok());
        assert!("http://localhost/x".parse::<WebhookUrl>().is_ok());
        for bad in ["http://example.com/secret-token", "ftp://x/secret-token", "secret-token", ""] {
            let err = bad.parse::<WebhookUrl>().unwrap_err();
            assert!(!err.contains("secret-token"), "{err}");
        }
        let url: WebhookUrl = "https://hooks.slack.com/services/T0/B0/secret".parse().unwrap();
        assert_eq!(format!("{url:?}"), "<webhook URL>");
    }

    #[test]
    fn slack_markup_in_values_is_escaped() {
        let summary = Summary {
            tool: "rampart",
            version: "0",
            accounts: &["1".to_string()],
            started_at: chrono::Utc::now(),
            scores: vec![("overall", Some(50.0))],
            pass: 1,
            fail: 1,
            error: 0,
            muted: 0,
            failures: "all",
            fail_on: Severity::High,
            listed: vec![Listed {
                severity: Severity::High,
                check_id: "c",
                account_id: "1",
                region: "global",
                resource_id: "<!channel>",
                message: "a & <https://evil|click>",
            }],
            more: 3,
        };
        let body: serde_json::Value = serde_json::from_str(&body(&summary, true)).unwrap();
        let text = body["blocks"][0]["text"]["text"].as_str().unwrap();
        assert!(text.contains("&lt;!channel&gt;") && text.contains("a &amp; &lt;https://evil|click&gt;"), "{text}");
        assert!(!text.contains("<!channel>"));
        assert!(text.contains("… and 3 more"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&body_json(&summary)).unwrap();
        assert_eq!(json["listed"][0]["resource_id"], "<!channel>", "JSON carries the value as it is");
    }

    fn body_json(summary: &Summary<'_>) -> String {
        body(summary, false)
    }
}
