//! What the collectors' unit tests share: a [`Session`] whose every client sends to the
//! loopback stub of `tests/common/stub.rs` (which tells the action of each request, whatever
//! the protocol), and AWS's answers in each protocol. One attempt per call, static
//! credentials, nothing sent beyond 127.0.0.1.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use rampart_checks::Collected;
use rampart_checks::inventory::{AccountInventory, Cause, Plan, RegionInventory, Source};
use serde_json::Value;

use super::{Global, Regional};
use crate::aws::{self, Session};
use crate::settings::{AwsSettings, RetrySettings};

#[path = "../../tests/common/stub.rs"]
mod stub;

pub(crate) use stub::Request;

/// What the stub answers: status line, content type, body.
pub(crate) type Answer = stub::BinaryAnswer;

/// The region the tests audit.
pub(crate) const REGION: &str = "us-east-1";

/// A stub playing AWS, and a session of account 123456789012 connected to it.
pub(crate) struct Stub {
    pub session: Session,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl Stub {
    /// Starts a stub that answers GetCallerIdentity itself and every other request with
    /// `respond`, and connects a session to it (auditing [`REGION`]).
    pub async fn start(respond: impl Fn(&Request) -> Answer + Send + 'static) -> Stub {
        Stub::in_regions(&[REGION], respond).await
    }

    /// [`Stub::start`], auditing these regions.
    pub async fn in_regions(regions: &[&str], respond: impl Fn(&Request) -> Answer + Send + 'static) -> Stub {
        let (url, seen) = stub::serve_bytes(move |r| {
            if r.action == "GetCallerIdentity" {
                let (status, content_type, body) = stub::caller_identity();
                (status, content_type, body.into_bytes())
            } else {
                respond(r)
            }
        });
        let regions: Vec<String> = regions.iter().map(|r| r.to_string()).collect();
        let args = AwsSettings {
            regions: regions.clone(),
            endpoint_url: Some(url.clone()),
            retry: RetrySettings { max_attempts: 1, ..RetrySettings::default() },
            ..AwsSettings::default()
        };
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&url)
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new("AKIDSTUB", "stub-secret", None, None, "test")))
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .timeout_config(TimeoutConfig::builder().operation_timeout(Duration::from_secs(10)).build())
            .build();
        let session = aws::session(config, &args, regions).await.expect("the stub answers GetCallerIdentity");
        seen.lock().unwrap().clear();
        Stub { session, seen }
    }

    /// The requests received since the session connected, in the order they came.
    pub fn requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }

    /// The actions of [`Stub::requests`].
    pub fn actions(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.action).collect()
    }

    /// A regional collector's reads of `plan` in [`REGION`], stored into a region's inventory.
    pub async fn regional(&self, collect: Regional, plan: &Plan) -> RegionInventory {
        let apply = collect(&self.session, REGION, plan).await;
        let mut inv = RegionInventory::default();
        apply(&mut inv);
        inv
    }

    /// A global collector's reads of `plan`, stored into the account's inventory.
    pub async fn global(&self, collect: Global, plan: &Plan) -> AccountInventory {
        let apply = collect(&self.session, plan).await;
        let mut account = AccountInventory::new(&self.session.account_id, &self.session.partition, self.session.regions.clone());
        apply(&mut account);
        account
    }
}

/// The plan of these sources (and what they need).
pub(crate) fn plan(sources: &[Source]) -> Plan {
    Plan::from_sources(sources.iter().copied())
}

/// The known value; panics with the reason when it is unknown.
pub(crate) fn known<T: Debug>(value: &Collected<T>) -> &T {
    match value {
        Collected::Known(v) => v,
        Collected::Unknown(why) => panic!("unknown ({:?}): {}", why.cause, why.reason),
    }
}

/// The kind and reason of an unknown value; panics when it is known.
pub(crate) fn unknown<T: Debug>(value: &Collected<T>) -> (Cause, &str) {
    match value {
        Collected::Unknown(why) => (why.cause, why.reason.as_str()),
        Collected::Known(v) => panic!("known: {v:?}"),
    }
}

/// A success with an XML body (Query, EC2 and REST-XML protocols).
pub(crate) fn xml(body: &str) -> Answer {
    ("200 OK", "text/xml", body.as_bytes().to_vec())
}

/// A success of the Query protocol (IAM, SNS, RDS): `result` inside `<{action}Result>`.
pub(crate) fn query(action: &str, result: &str) -> Answer {
    xml(&format!(
        "<{action}Response><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{action}Response>"
    ))
}

/// A success of the EC2 protocol: `body` inside `<{action}Response>`.
pub(crate) fn ec2(action: &str, body: &str) -> Answer {
    xml(&format!("<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId>{body}</{action}Response>"))
}

/// A success with a JSON body (JSON 1.0/1.1 and REST-JSON protocols).
pub(crate) fn json(body: &str) -> Answer {
    ("200 OK", "application/json", body.as_bytes().to_vec())
}

/// A success of the RPC v2 CBOR protocol, its body written as JSON.
pub(crate) fn cbor(body: &str) -> Answer {
    ("200 OK", "application/cbor", encode_cbor(&serde_json::from_str(body).expect("JSON")))
}

/// How a protocol writes an error.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Protocol {
    /// `<ErrorResponse><Error>`: IAM, SNS, RDS, S3 Control.
    Query,
    /// `<Response><Errors><Error>`.
    Ec2,
    /// `<Error>` at the root: S3.
    RestXml,
    /// `{"__type": …, "message": …}`: JSON 1.0/1.1 and REST-JSON.
    Json,
    /// The JSON error's fields in CBOR: CloudWatch.
    Cbor,
}

impl Protocol {
    /// An error answer: status line (`403 Forbidden`), error code, message.
    pub(crate) fn error(self, status: &'static str, code: &str, message: &str) -> Answer {
        let xml = |body: String| (status, "text/xml", body.into_bytes());
        match self {
            Protocol::Query => xml(format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>1</RequestId></ErrorResponse>"
            )),
            Protocol::Ec2 => xml(format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>\
                 <RequestID>1</RequestID></Response>"
            )),
            Protocol::RestXml => {
                xml(format!("<Error><Code>{code}</Code><Message>{message}</Message><RequestId>1</RequestId></Error>"))
            }
            Protocol::Json => {
                (status, "application/json", serde_json::json!({"__type": code, "message": message}).to_string().into_bytes())
            }
            Protocol::Cbor => (status, "application/cbor", encode_cbor(&serde_json::json!({"__type": code, "message": message}))),
        }
    }

    /// The protocol's usual denial of `action`: "not authorized to perform: {action}".
    pub(crate) fn denied(self, action: &str) -> Answer {
        let code = match self {
            Protocol::Query | Protocol::RestXml | Protocol::Cbor => "AccessDenied",
            Protocol::Ec2 => "UnauthorizedOperation",
            Protocol::Json => "AccessDeniedException",
        };
        self.error("403 Forbidden", code, &format!("not authorized to perform: {action}"))
    }

    /// A throttling error after which, with one attempt, the call gives up.
    pub(crate) fn throttled(self) -> Answer {
        let code = match self {
            Protocol::Query | Protocol::Cbor => "Throttling",
            Protocol::Ec2 => "RequestLimitExceeded",
            Protocol::RestXml => "SlowDown",
            Protocol::Json => "ThrottlingException",
        };
        self.error("400 Bad Request", code, "Rate exceeded")
    }
}

/// JSON written as CBOR (RFC 8949): maps, arrays, text, integers, floats, booleans, null.
fn encode_cbor(value: &Value) -> Vec<u8> {
    fn head(out: &mut Vec<u8>, major: u8, n: u64) {
        let major = major << 5;
        match n {
            0..24 => out.push(major | n as u8),
            24..0x100 => out.extend([major | 24, n as u8]),
            0x100..0x1_0000 => {
                out.push(major | 25);
                out.extend((n as u16).to_be_bytes());
            }
            0x1_0000..0x1_0000_0000 => {
                out.push(major | 26);
                out.extend((n as u32).to_be_bytes());
            }
            _ => {
                out.push(major | 27);
                out.extend(n.to_be_bytes());
            }
        }
    }
    fn write(out: &mut Vec<u8>, value: &Value) {
        match value {
            Value::Null => out.push(0xf6),
            Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => head(out, 0, u),
                (None, Some(i)) => head(out, 1, (-1 - i) as u64),
                _ => {
                    out.push(0xfb);
                    out.extend(n.as_f64().unwrap_or_default().to_be_bytes());
                }
            },
            Value::String(s) => {
                head(out, 3, s.len() as u64);
                out.extend(s.as_bytes());
            }
            Value::Array(items) => {
                head(out, 4, items.len() as u64);
                items.iter().for_each(|v| write(out, v));
            }
            Value::Object(map) => {
                head(out, 5, map.len() as u64);
                for (k, v) in map {
                    write(out, &Value::String(k.clone()));
                    write(out, v);
                }
            }
        }
    }
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

#[test]
fn cbor_is_written_as_rfc_8949_says() {
    // Examples of RFC 8949, appendix A.
    assert_eq!(encode_cbor(&serde_json::json!(1000000)), [0x1a, 0x00, 0x0f, 0x42, 0x40]);
    assert_eq!(encode_cbor(&serde_json::json!(-100)), [0x38, 0x63]);
    assert_eq!(encode_cbor(&serde_json::json!([1, [2, 3]])), [0x82, 0x01, 0x82, 0x02, 0x03]);
    assert_eq!(encode_cbor(&serde_json::json!({"a": true})), [0xa1, 0x61, 0x61, 0xf5]);
    assert_eq!(encode_cbor(&serde_json::json!(1.5)), [0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]);
}
