//! A read-only identity that may call sts:GetCallerIdentity and nothing else: every check
//! must report ERROR with the reason, never PASS or FAIL, and the exit code is 4.
//!
//! A small HTTP server on loopback plays AWS: it answers GetCallerIdentity and denies
//! every other action the way IAM does (HTTP 403, query-protocol XML error).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::{rampart, run};
use serde_json::Value;

/// Starts the fake endpoint; returns its URL and the list of actions it received.
fn deny_all_but_identity() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            let mut request_line = String::new();
            let mut target = None;
            let mut first = true;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if first {
                    request_line = line.trim().to_string();
                    first = false;
                    continue;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    if name.eq_ignore_ascii_case("x-amz-target") {
                        target = value.trim().rsplit('.').next().map(str::to_string);
                    }
                }
            }
            let mut body = vec![0u8; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let body = String::from_utf8_lossy(&body).to_string();
            // The action, whatever the protocol: Query (Action=), JSON (X-Amz-Target),
            // RPC v2 CBOR (/operation/Name in the path), or REST (method and path).
            let mut parts = request_line.split_whitespace();
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let action = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .map(str::to_string)
                .or(target)
                .or_else(|| path.split("/operation/").nth(1).map(|op| op.to_string()))
                .unwrap_or_else(|| format!("REST {method} {}", path.split('?').next().unwrap_or("")));
            log.lock().unwrap().push(action.clone());
            let (status, xml) = if action == "GetCallerIdentity" {
                (
                    "200 OK",
                    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
<Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
                        .to_string(),
                )
            } else {
                (
                    "403 Forbidden",
                    format!(
                        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:{action}</Message>\
</Error><RequestId>1</RequestId></ErrorResponse>"
                    ),
                )
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                xml.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, seen)
}

#[test]
fn access_denied_everywhere_gives_errors_with_reasons_and_exit_4() {
    let (url, seen) = deny_all_but_identity();
    let (code, out, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--format", "json", "--endpoint-url", &url]));
    assert_eq!(code, 4, "stderr: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let checks = report["scope"]["checks"].as_array().unwrap();
    for check in checks {
        assert!(findings.iter().any(|f| &f["check_id"] == check), "no finding for {check}");
    }
    for f in findings {
        assert_eq!(f["status"], "ERROR", "{f}");
        let message = f["message"].as_str().unwrap();
        // This stub speaks the IAM/STS error format; other protocols see an unreadable
        // answer, which must be an ERROR all the same.
        if f["check_id"].as_str().unwrap().starts_with("iam_") {
            assert!(message.contains("access denied") && message.contains("AccessDenied"), "{message}");
        }
    }
    for measure in ["access", "encryption", "patching", "monitoring", "network"] {
        assert!(report["summary"]["score"]["measures"][measure]["score"].is_null(), "{measure}: no score without evaluated findings");
    }

    let actions = seen.lock().unwrap().clone();
    for action in ["GenerateCredentialReport", "GetCredentialReport", "GetAccountSummary", "GetAccountPasswordPolicy", "ListVirtualMFADevices"] {
        assert!(actions.iter().any(|a| a == action), "{action} not sent: {actions:?}");
    }
    let writes: Vec<_> = actions
        .iter()
        .filter(|a| {
            !(a.starts_with("Get")
                || a.starts_with("List")
                || a.starts_with("Describe")
                || a.starts_with("REST GET ")
                || *a == "GenerateCredentialReport")
        })
        .collect();
    assert!(writes.is_empty(), "non-read actions sent: {writes:?}");
}
