//! A small HTTP server on loopback that plays AWS for tests: it tells the action of each
//! request, whatever the protocol, records it, and answers what the test's responder says.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Query `Action=`, JSON `X-Amz-Target`, RPC v2 CBOR `/operation/Name`, else
    /// `REST <METHOD> <path>`.
    pub action: String,
    pub method: String,
    pub path: String,
    pub body: String,
}

/// What to answer: status line (e.g. `200 OK`), content type, body.
pub type Answer = (&'static str, &'static str, String);

/// Starts the stub; returns its URL and the requests it received.
pub fn serve(respond: impl Fn(&Request) -> Answer + Send + 'static) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(request) = read_request(&mut stream) else { continue };
            log.lock().unwrap().push(request.clone());
            let (status, content_type, body) = respond(&request);
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, seen)
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut length = 0usize;
    let mut target = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
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
    reader.read_exact(&mut body).ok()?;
    let body = String::from_utf8_lossy(&body).to_string();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let action = body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_string)
        .or(target)
        .or_else(|| path.split("/operation/").nth(1).map(str::to_string))
        .unwrap_or_else(|| format!("REST {method} {}", path.split('?').next().unwrap_or("")));
    Some(Request { action, method, path, body })
}

/// STS GetCallerIdentity for account 123456789012.
pub fn caller_identity() -> Answer {
    (
        "200 OK",
        "text/xml",
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
<Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            .to_string(),
    )
}

/// An IAM/STS-style (Query protocol) AccessDenied.
pub fn access_denied(action: &str) -> Answer {
    (
        "403 Forbidden",
        "text/xml",
        format!(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {action}</Message>\
</Error><RequestId>1</RequestId></ErrorResponse>"
        ),
    )
}

/// An EC2-style UnauthorizedOperation.
pub fn ec2_unauthorized(action: &str) -> Answer {
    (
        "403 Forbidden",
        "text/xml",
        format!(
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform: ec2:{action}</Message>\
</Error></Errors><RequestID>1</RequestID></Response>"
        ),
    )
}
