//! A small HTTP server on loopback that plays AWS for tests: it tells the action of each
//! request, whatever the protocol, records it, and answers what the test's responder says.
//!
//! The request parsing and the action detection ([`read_raw`], [`detect`], [`signing_name`])
//! are shared with the fault-injecting proxy in `proxy.rs`.
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
    /// The SigV4 signing name of the request's credential scope (`iam`, `kms`, `s3`, …).
    pub service: String,
    /// The region of the request's credential scope.
    pub region: String,
    /// The access key id that signed the request.
    pub access_key: String,
}

/// What to answer: status line (e.g. `200 OK`), content type, body.
pub type Answer = (&'static str, &'static str, String);

/// An answer whose body is bytes (RPC v2 CBOR).
pub type BinaryAnswer = (&'static str, &'static str, Vec<u8>);

/// Starts the stub; returns its URL and the requests it received.
pub fn serve(respond: impl Fn(&Request) -> Answer + Send + 'static) -> (String, Arc<Mutex<Vec<Request>>>) {
    serve_bytes(move |r| {
        let (status, content_type, body) = respond(r);
        (status, content_type, body.into_bytes())
    })
}

/// [`serve`], for answers of any bytes.
pub fn serve_bytes(respond: impl Fn(&Request) -> BinaryAnswer + Send + 'static) -> (String, Arc<Mutex<Vec<Request>>>) {
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
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&[head.as_bytes(), &body].concat());
        }
    });
    (url, seen)
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let raw = read_raw(&mut reader)?;
    let access_key = header(&raw.headers, "authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').next())
        .unwrap_or_default()
        .to_string();
    let region = credential_scope(&raw.headers).map(|(region, _)| region).unwrap_or_default();
    Some(Request {
        action: raw.action(),
        service: raw.service(),
        region,
        access_key,
        body: String::from_utf8_lossy(&raw.body).to_string(),
        method: raw.method,
        path: raw.target,
    })
}

/// An HTTP/1.1 request as read off the wire, its body complete.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    /// Path and query, as sent (`/bucket?policy`).
    pub target: String,
    pub version: String,
    /// Header names and values in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The action, as [`detect`] tells it.
    pub fn action(&self) -> String {
        detect(&self.method, &self.target, &self.headers, &self.body)
    }

    /// The SigV4 signing name, or `""` for an unsigned request.
    pub fn service(&self) -> String {
        signing_name(&self.headers).unwrap_or_default()
    }
}

/// The first value of a header (case-insensitive name).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Reads one request (request line, headers, body by `Content-Length` or chunked); `None` at
/// the end of the stream or on a malformed request.
pub fn read_raw(reader: &mut impl BufRead) -> Option<RawRequest> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).ok()? == 0 {
        return None;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let version = parts.next().unwrap_or("HTTP/1.1").to_string();
    let headers = read_headers(reader)?;
    let body = read_body(reader, &headers, false)?;
    Some(RawRequest { method, target, version, headers, body })
}

/// Header lines up to the empty line.
pub fn read_headers(reader: &mut impl BufRead) -> Option<Vec<(String, String)>> {
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Some(headers);
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
}

/// A message body: chunked, by `Content-Length`, or (`to_eof`, for responses without either)
/// up to the end of the stream. At most 64 MiB.
pub fn read_body(reader: &mut impl BufRead, headers: &[(String, String)], to_eof: bool) -> Option<Vec<u8>> {
    const LIMIT: usize = 64 << 20;
    if header(headers, "transfer-encoding").is_some_and(|te| te.to_ascii_lowercase().contains("chunked")) {
        let mut body = Vec::new();
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line).ok()?;
            let size = usize::from_str_radix(size_line.trim().split(';').next()?.trim(), 16).ok()?;
            if size == 0 {
                // Trailers, up to the empty line.
                read_headers(reader)?;
                return Some(body);
            }
            if body.len() + size > LIMIT {
                return None;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..]).ok()?;
            let mut crlf = String::new();
            reader.read_line(&mut crlf).ok()?;
        }
    }
    if let Some(length) = header(headers, "content-length") {
        let length: usize = length.parse().ok()?;
        if length > LIMIT {
            return None;
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).ok()?;
        return Some(body);
    }
    let mut body = Vec::new();
    if to_eof {
        reader.take(LIMIT as u64).read_to_end(&mut body).ok()?;
    }
    Some(body)
}

/// The action of a request, whatever the protocol: Query (`Action=` in the form body, EC2
/// included), JSON (`X-Amz-Target: Service.Action`), Smithy RPC v2 CBOR
/// (`/service/S/operation/Action`), else `REST <METHOD> <path without query>` for REST APIs
/// (S3, S3 Control, GuardDuty, Security Hub, …), which tests map themselves.
pub fn detect(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> String {
    let body = String::from_utf8_lossy(body);
    let query_action = body.split('&').find_map(|kv| kv.strip_prefix("Action=")).map(str::to_string);
    let json_target = header(headers, "x-amz-target").and_then(|t| t.rsplit('.').next()).map(str::to_string);
    let path = target.split('?').next().unwrap_or("");
    query_action
        .or(json_target)
        .or_else(|| path.split("/operation/").nth(1).map(str::to_string))
        .unwrap_or_else(|| format!("REST {method} {path}"))
}

/// The SigV4 signing name from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, …`.
pub fn signing_name(headers: &[(String, String)]) -> Option<String> {
    credential_scope(headers).map(|(_, service)| service)
}

/// The (region, signing name) of the SigV4 credential scope.
pub fn credential_scope(headers: &[(String, String)]) -> Option<(String, String)> {
    let auth = header(headers, "authorization")?;
    let credential = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    let parts: Vec<&str> = credential.split('/').collect();
    // AKID / DATE / REGION / SERVICE / aws4_request
    if parts.len() >= 5 {
        Some((parts[parts.len() - 3].to_string(), parts[parts.len() - 2].to_string()))
    } else {
        None
    }
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

/// STS's AssumeRole answer for `OrganizationAccountAccessRole` in member account `account`,
/// handing out the access key `key` (a member's GetCallerIdentity is [`member_identity`]).
pub fn assumed_role(account: &str, key: &str) -> Answer {
    (
        "200 OK",
        "text/xml",
        format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>\
<AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>\
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>\
<Arn>arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/rampart-audit</Arn>\
<AssumedRoleId>AROAEXAMPLE:rampart-audit</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>\
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>"
        ),
    )
}

/// GetCallerIdentity for the role [`assumed_role`] entered in member account `account`.
pub fn member_identity(account: &str) -> Answer {
    (
        "200 OK",
        "text/xml",
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
<Arn>arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/rampart-audit</Arn><UserId>AROAEXAMPLE</UserId>\
<Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>\
</GetCallerIdentityResponse>"
        ),
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
