//! A fault-injecting HTTP/1.1 reverse proxy on loopback, in front of the emulator.
//!
//! Every request is forwarded as it came (method, path and query, headers, body) to the
//! upstream endpoint, which must itself be on loopback, and the upstream's answer goes back,
//! except where the [`Faults`] say otherwise. Each request is recorded ([`Seen`]) with its
//! SigV4 signing name and action, as `stub::detect` tells them, and what the proxy did to it.
//!
//! Faults, all answered in the shape of the request's own protocol ([`Protocol`]):
//!
//! - **throttling** of a share of the requests, deterministically: the proxy numbers the
//!   requests it may fault (0, 1, 2, …) and throttles those whose number mod 10 falls in the
//!   last `throttle_tenths` slots (7, 8, 9 for 30 %), so the first request of a run (STS
//!   GetCallerIdentity) goes through. Query `400 Throttling`, EC2 `503
//!   RequestLimitExceeded`, S3 and S3 Control `503 SlowDown`, JSON and REST-JSON `400
//!   ThrottlingException` (`x-amzn-ErrorType` header and `__type` in the body), and Smithy
//!   RPC v2 CBOR (CloudWatch) a `400` whose CBOR body is `{"__type": "ThrottlingException"}`:
//!   CBOR requests are throttled like the others, not skipped;
//! - **HTTP 500** for the `server_error_tenths` slots just before the throttled ones;
//! - **access denied** (HTTP 403, the protocol's AccessDenied shape) for every request of
//!   one service, chosen by the signing name of the SigV4 credential scope;
//! - **delay** before forwarding, for every service or only some;
//! - **a rate limit** as AWS applies one: a token bucket per (signing name, region), and
//!   the throttling error for a request that finds it empty.
//!
//! Retries of one SDK call carry the same `amz-sdk-invocation-id`; `max_faults_per_call`
//! bounds how many of them may be throttled or failed, so that a client with more attempts
//! than that always gets through whatever the interleaving of concurrent calls (without the
//! cap, 30 % throttling fails a call in eight attempts with probability 0.3^8, which over
//! a thousand calls would make a test flaky).
//!
//! Bounded: connections idle for two minutes are closed, the upstream gets 60 s per answer,
//! delays are whatever the test asks, and dropping the [`Proxy`] stops it from accepting.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::stub::{self, RawRequest, header, read_body, read_headers, read_raw};

/// What the proxy does to the requests. `Faults::default()` forwards everything untouched.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Tenths of the requests (0–10) answered with the protocol's throttling error.
    pub throttle_tenths: usize,
    /// Tenths of the requests (0–10) answered with HTTP 500.
    pub server_error_tenths: usize,
    /// At most this many throttles and 500s for one SDK call (its retries share an
    /// invocation id); 0: no bound.
    pub max_faults_per_call: usize,
    /// Signing names whose every request is denied (HTTP 403).
    pub deny: Vec<String>,
    /// Wait this long before forwarding…
    pub delay: Option<Duration>,
    /// …requests of these signing names (empty: every service).
    pub delay_only: Vec<String>,
    /// Answer STS GetCallerIdentity here (account 123456789012, as the emulator would)
    /// instead of forwarding it.
    pub answer_caller_identity: bool,
    /// Throttle as AWS does: a token bucket per (signing name, region) that holds `burst`
    /// requests and refills at `per_second`; a request finding it empty is throttled.
    pub rate_limit: Option<RateLimit>,
    /// Signing names never throttled, failed or delayed (`sts` keeps the caller identity,
    /// which Rampart asks first, out of the way). Denial still applies.
    pub spare: Vec<String>,
}

/// A token bucket's size and refill rate.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

/// The wire protocol of a request, which decides the shape of an injected error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// awsQuery: IAM, STS, SNS, RDS (form body with `Action=`, XML `<ErrorResponse>`).
    Query,
    /// ec2Query: like Query, errors as `<Response><Errors><Error>`.
    Ec2,
    /// restXml with unwrapped errors (`<Error>`): S3.
    S3,
    /// restXml with wrapped errors (`<ErrorResponse><Error>`): S3 Control (`/v20180820/…`).
    S3Control,
    /// awsJson 1.0/1.1 (`X-Amz-Target`): KMS, CloudTrail, CloudWatch Logs, Config, SSM.
    Json,
    /// restJson1: GuardDuty, Security Hub, Access Analyzer, EFS, Account, Macie.
    RestJson,
    /// Smithy RPC v2 CBOR (`smithy-protocol: rpc-v2-cbor`): CloudWatch.
    Cbor,
}

/// What the proxy did instead of (or before) forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Throttled,
    ServerError,
    Denied,
    /// Forwarded after the delay.
    Delayed,
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// SigV4 signing name (`iam`, `monitoring`, `elasticfilesystem`, …).
    pub service: String,
    /// SigV4 credential-scope region.
    pub region: String,
    /// As `stub::detect` tells it: `ListKeys`, or `REST GET /bucket` for REST APIs.
    pub action: String,
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    pub protocol: Protocol,
    /// `amz-sdk-invocation-id`: the same for every attempt of one SDK call.
    pub invocation: Option<String>,
    /// `amz-sdk-request: attempt=N; max=M`: this attempt's number and the most the SDK makes.
    pub attempt: Option<(u32, u32)>,
    pub fault: Option<Fault>,
    /// When the request arrived, since the proxy started.
    pub at: Duration,
    /// The status answered to the client; 0 until the answer is ready (a delayed request is
    /// recorded when it arrives).
    pub status: u16,
    /// When the answer was ready, since the proxy started; `None` until then.
    pub answered: Option<Duration>,
}

/// A running proxy; dropping it stops accepting connections.
pub struct Proxy {
    pub url: String,
    addr: SocketAddr,
    state: Arc<State>,
}

struct State {
    upstream: SocketAddr,
    faults: Faults,
    counter: AtomicUsize,
    per_call: Mutex<HashMap<String, usize>>,
    /// Tokens left and when they were counted, per (signing name, region).
    buckets: Mutex<HashMap<(String, String), (f64, Instant)>>,
    seen: Mutex<Vec<Seen>>,
    stop: AtomicBool,
    started: Instant,
}

/// Idle keep-alive connections are closed after this.
const IDLE: Duration = Duration::from_secs(120);
/// The upstream's time to answer one request.
const UPSTREAM: Duration = Duration::from_secs(60);

impl Proxy {
    /// Starts a proxy in front of `upstream` (`http://127.0.0.1:PORT`, loopback only).
    pub fn start(upstream: &str, faults: Faults) -> Proxy {
        assert!(faults.throttle_tenths + faults.server_error_tenths <= 10, "at most ten tenths");
        let upstream = loopback_addr(upstream);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            upstream,
            faults,
            counter: AtomicUsize::new(0),
            per_call: Mutex::new(HashMap::new()),
            buckets: Mutex::new(HashMap::new()),
            seen: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            started: Instant::now(),
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                std::thread::spawn(move || serve_connection(stream, &state));
            }
        });
        Proxy { url: format!("http://{addr}"), addr, state }
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// The socket address of a loopback `http://` URL; panics on anything else.
fn loopback_addr(url: &str) -> SocketAddr {
    let authority = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("the proxy forwards to http:// only: {url}"))
        .split('/')
        .next()
        .unwrap();
    let addr = authority
        .to_socket_addrs()
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .next()
        .unwrap_or_else(|| panic!("{url} does not resolve"));
    assert!(addr.ip().is_loopback(), "the proxy forwards to loopback only, not {url}");
    addr
}

fn serve_connection(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(UPSTREAM));
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    // One upstream connection per client connection, kept alive like the client's.
    let mut upstream = Upstream { addr: state.upstream, conn: None };
    while !state.stop.load(Ordering::SeqCst) {
        let Some(request) = read_raw(&mut reader) else { break };
        let close = header(&request.headers, "connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let (status, headers, body) = handle(&request, state, &mut upstream);
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in &headers {
            if !hop_by_hop(name) && !name.eq_ignore_ascii_case("content-length") {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        // A client that gave up (attempt timeout) has closed the connection: writing fails.
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(&body)).and_then(|_| writer.flush()).is_err() || close {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

type Response = (u16, Vec<(String, String)>, Vec<u8>);

fn handle(request: &RawRequest, state: &State, upstream: &mut Upstream) -> Response {
    let faults = &state.faults;
    let (region, service) = stub::credential_scope(&request.headers).unwrap_or_default();
    let action = request.action();
    let protocol = protocol_of(request, &service);
    let invocation = header(&request.headers, "amz-sdk-invocation-id").map(str::to_string);
    let spared = faults.spare.contains(&service);

    let mut fault = None;
    if faults.deny.contains(&service) {
        fault = Some(Fault::Denied);
    } else if !spared && faults.throttle_tenths + faults.server_error_tenths > 0 {
        let slot = state.counter.fetch_add(1, Ordering::SeqCst) % 10;
        let wanted = if slot >= 10 - faults.throttle_tenths {
            Some(Fault::Throttled)
        } else if slot >= 10 - faults.throttle_tenths - faults.server_error_tenths {
            Some(Fault::ServerError)
        } else {
            None
        };
        if wanted.is_some() {
            let key = invocation.clone().unwrap_or_else(|| {
                format!("{} {} {}", request.method, request.target, String::from_utf8_lossy(&request.body))
            });
            let mut per_call = state.per_call.lock().unwrap();
            let count = per_call.entry(key).or_insert(0);
            if faults.max_faults_per_call == 0 || *count < faults.max_faults_per_call {
                *count += 1;
                fault = wanted;
            }
        }
    }
    if let Some(limit) = faults.rate_limit.filter(|_| fault.is_none() && !spared) {
        let mut buckets = state.buckets.lock().unwrap();
        let now = Instant::now();
        let (tokens, since) = buckets.entry((service.clone(), region.clone())).or_insert((limit.burst, now));
        *tokens = (*tokens + now.duration_since(*since).as_secs_f64() * limit.per_second).min(limit.burst);
        *since = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
        } else {
            fault = Some(Fault::Throttled);
        }
    }
    let delayed = faults.delay.is_some() && (faults.delay_only.is_empty() || faults.delay_only.contains(&service));
    if fault.is_none() && !spared && delayed {
        fault = Some(Fault::Delayed);
    }

    let attempt = header(&request.headers, "amz-sdk-request").and_then(|v| {
        let field = |name: &str| v.split(';').find_map(|kv| kv.trim().strip_prefix(name)?.parse().ok());
        Some((field("attempt=")?, field("max=")?))
    });
    let scope = format!("{service}:{action}");
    let index = {
        let mut seen = state.seen.lock().unwrap();
        seen.push(Seen {
            service,
            region,
            action,
            method: request.method.clone(),
            target: request.target.clone(),
            protocol,
            invocation,
            attempt,
            fault,
            at: state.started.elapsed(),
            status: 0,
            answered: None,
        });
        seen.len() - 1
    };
    if fault == Some(Fault::Delayed) {
        std::thread::sleep(faults.delay.unwrap());
    }
    let response = match fault {
        None if faults.answer_caller_identity && scope == "sts:GetCallerIdentity" => {
            let (_, content_type, body) = stub::caller_identity();
            (200, vec![("Content-Type".to_string(), content_type.to_string())], body.into_bytes())
        }
        Some(Fault::Denied) => {
            let (status, code) = match protocol {
                Protocol::Ec2 => (403, "UnauthorizedOperation"),
                Protocol::Query | Protocol::S3 | Protocol::S3Control => (403, "AccessDenied"),
                Protocol::Json | Protocol::RestJson | Protocol::Cbor => (403, "AccessDeniedException"),
            };
            let message =
                format!("User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {scope} (denied by the test proxy)");
            error_response(protocol, status, code, &message)
        }
        Some(Fault::Throttled) => {
            let (status, code, message) = match protocol {
                Protocol::Query => (400, "Throttling", "Rate exceeded"),
                Protocol::Ec2 => (503, "RequestLimitExceeded", "Request limit exceeded."),
                Protocol::S3 | Protocol::S3Control => (503, "SlowDown", "Please reduce your request rate."),
                Protocol::Json | Protocol::RestJson | Protocol::Cbor => (400, "ThrottlingException", "Rate exceeded"),
            };
            error_response(protocol, status, code, message)
        }
        Some(Fault::ServerError) => {
            let code = match protocol {
                Protocol::Ec2 | Protocol::S3 | Protocol::S3Control => "InternalError",
                _ => "InternalFailure",
            };
            error_response(protocol, 500, code, "We encountered an internal error. Please try again.")
        }
        None | Some(Fault::Delayed) => upstream.forward(request).unwrap_or_else(|e| {
            eprintln!("test proxy: {scope}: the upstream failed: {e}");
            (502, vec![("Content-Type".into(), "text/plain".into())], format!("test proxy: upstream failed: {e}").into_bytes())
        }),
    };
    let mut seen = state.seen.lock().unwrap();
    seen[index].status = response.0;
    seen[index].answered = Some(state.started.elapsed());
    drop(seen);
    response
}

fn protocol_of(request: &RawRequest, service: &str) -> Protocol {
    let content_type = header(&request.headers, "content-type").unwrap_or("").to_ascii_lowercase();
    if header(&request.headers, "smithy-protocol").is_some_and(|p| p.eq_ignore_ascii_case("rpc-v2-cbor")) {
        Protocol::Cbor
    } else if header(&request.headers, "x-amz-target").is_some() {
        Protocol::Json
    } else if service == "ec2" {
        Protocol::Ec2
    } else if service == "s3" && request.target.starts_with("/v20180820/") {
        Protocol::S3Control
    } else if service == "s3" {
        Protocol::S3
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        Protocol::Query
    } else {
        Protocol::RestJson
    }
}

/// An AWS error in the protocol's own shape.
pub fn error_response(protocol: Protocol, status: u16, code: &str, message: &str) -> Response {
    let request_id = ("x-amzn-RequestId".to_string(), "00000000-0000-0000-0000-000000000000".to_string());
    let xml = |body: String| (status, vec![("Content-Type".to_string(), "text/xml".to_string()), request_id.clone()], body.into_bytes());
    match protocol {
        Protocol::Query => xml(format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        )),
        Protocol::Ec2 => xml(format!(
            "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>\
<RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>"
        )),
        Protocol::S3 => xml(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
<RequestId>0000000000000000</RequestId><HostId>proxy</HostId></Error>"
        )),
        Protocol::S3Control => xml(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Code>{code}</Code><Message>{message}</Message></Error>\
<RequestId>0000000000000000</RequestId><HostId>proxy</HostId></ErrorResponse>"
        )),
        Protocol::Json | Protocol::RestJson => {
            let content_type = if protocol == Protocol::Json { "application/x-amz-json-1.1" } else { "application/json" };
            (
                status,
                vec![
                    ("Content-Type".to_string(), content_type.to_string()),
                    ("x-amzn-ErrorType".to_string(), code.to_string()),
                    request_id,
                ],
                serde_json::json!({ "__type": code, "message": message }).to_string().into_bytes(),
            )
        }
        Protocol::Cbor => {
            let mut body = vec![0xa2]; // a map of two entries
            for text in ["__type", code, "message", message] {
                cbor_text(&mut body, text);
            }
            (
                status,
                vec![
                    ("Content-Type".to_string(), "application/cbor".to_string()),
                    ("smithy-protocol".to_string(), "rpc-v2-cbor".to_string()),
                    request_id,
                ],
                body,
            )
        }
    }
}

/// A CBOR text string (major type 3).
fn cbor_text(out: &mut Vec<u8>, text: &str) {
    let len = text.len();
    match len {
        0..=23 => out.push(0x60 | len as u8),
        24..=0xff => out.extend([0x78, len as u8]),
        _ => {
            out.push(0x79);
            out.extend((len as u16).to_be_bytes());
        }
    }
    out.extend(text.as_bytes());
}

/// The upstream side of one client connection: a keep-alive connection, opened on demand.
struct Upstream {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

impl Upstream {
    /// Sends the request and reads the whole answer. A connection that the upstream
    /// closed or reset before answering (a kept-alive one it closed in the meantime, or a new
    /// one beyond the short listen backlog of the emulator's Python server) is replaced and
    /// the request sent again, a few times: nothing was answered, and every request that
    /// goes through here is a read.
    fn forward(&mut self, request: &RawRequest) -> std::io::Result<Response> {
        let mut wait = Duration::from_millis(20);
        loop {
            match self.exchange(request) {
                Ok(response) => return Ok(response),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionAborted && wait < Duration::from_secs(2) => {
                    self.conn = None;
                    std::thread::sleep(wait);
                    wait *= 2;
                }
                Err(e) => {
                    self.conn = None;
                    return Err(e);
                }
            }
        }
    }

    fn connect(&mut self) -> std::io::Result<&mut BufReader<TcpStream>> {
        if self.conn.is_none() {
            // The emulator's listen backlog is short: a refused connect is tried again.
            let mut wait = Duration::from_millis(20);
            let stream = loop {
                match TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)) {
                    Ok(stream) => break stream,
                    Err(_) if wait < Duration::from_secs(2) => {
                        std::thread::sleep(wait);
                        wait *= 2;
                    }
                    Err(e) => return Err(e),
                }
            };
            stream.set_read_timeout(Some(UPSTREAM))?;
            stream.set_write_timeout(Some(UPSTREAM))?;
            self.conn = Some(BufReader::new(stream));
        }
        Ok(self.conn.as_mut().unwrap())
    }

    fn exchange(&mut self, request: &RawRequest) -> std::io::Result<Response> {
        let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
        for (name, value) in &request.headers {
            if !hop_by_hop(name) && !name.eq_ignore_ascii_case("content-length") {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", request.body.len()));
        let conn = self.connect()?;
        // A write to, or an immediate end of, a connection the upstream closed.
        let aborted = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset => {
                std::io::Error::new(std::io::ErrorKind::ConnectionAborted, e)
            }
            _ => e,
        };
        conn.get_mut().write_all(head.as_bytes()).map_err(aborted)?;
        conn.get_mut().write_all(&request.body).map_err(aborted)?;
        conn.get_mut().flush().map_err(aborted)?;
        let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("upstream sent {what}"));
        let mut status_line = String::new();
        if conn.read_line(&mut status_line).map_err(aborted)? == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "upstream closed the connection"));
        }
        let status: u16 =
            status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status line"))?;
        let headers = read_headers(conn).ok_or_else(|| bad("broken headers"))?;
        let framed = header(&headers, "content-length").is_some()
            || header(&headers, "transfer-encoding").is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        let body = if request.method == "HEAD" || (100..200).contains(&status) || status == 204 || status == 304 {
            Vec::new()
        } else {
            read_body(conn, &headers, true).ok_or_else(|| bad("a broken body"))?
        };
        let closing = header(&headers, "connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
        if closing || !framed || status_line.starts_with("HTTP/1.0") {
            self.conn = None;
        }
        Ok((status, headers, body))
    }
}

fn hop_by_hop(name: &str) -> bool {
    ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The emulator that scripts/test.sh started (RAMPART_TEST_ENDPOINT), reset and seeded with
/// the demo account once per test binary (localstack/reset.sh, then localstack/seed.sh).
/// Tests that share it only read it.
pub fn seeded_emulator() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        let endpoint = std::env::var("RAMPART_TEST_ENDPOINT")
            .expect("RAMPART_TEST_ENDPOINT is not set: run the tests with scripts/test.sh, which starts the emulator");
        let root = super::root();
        let reset = Command::new(root.join("localstack/reset.sh")).arg(&endpoint).status().expect("run reset.sh");
        assert!(reset.success(), "emulator reset failed");
        let seed = Command::new(root.join("localstack/seed.sh")).arg(&endpoint).output().expect("run seed.sh");
        assert!(seed.status.success(), "seed.sh failed: {}", String::from_utf8_lossy(&seed.stderr));
        endpoint
    })
}
