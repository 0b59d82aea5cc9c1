//! A bound on the requests in flight to one service in one region of one account.
//!
//! Every client Rampart builds for a (service, account, region) sends through a
//! [`BoundedHttpClient`]: the [`Window`] of that (service, account, region), of at most
//! `--max-in-flight` requests, in front of one shared HTTPS client (one connection pool for
//! the whole run). A request holds a place from the moment it is sent until its response
//! head arrives; retries take a place again, so retries count against the bound too.
//! Whatever the collectors start at once, AWS sees at most that many requests of the audit
//! per service endpoint, which is what its per-account, per-region rate limits count. The
//! wait for a place is part of the attempt, so `--attempt-timeout` covers it. With
//! `--retry-mode window` the window also shrinks when AWS throttles and grows back as it
//! answers (see [`super::window`]); the connector tells throttling from the answer itself,
//! in every protocol's shape.

use std::fmt;
use std::sync::Arc;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::{Bytes, BytesMut};

use super::deadline::DeadlineReached;
use super::window::{Answer, Window};
use aws_smithy_runtime_api::client::result::ConnectorError;
use tokio::time::Instant;

/// The HTTPS client the SDK would pick by default (rustls with aws-lc, proxies from
/// `HTTPS_PROXY`/`NO_PROXY`), built once so that every bounded client shares its pool.
/// Every response is read through [`super::limited::LimitedHttpClient`].
pub fn default_client() -> SharedHttpClient {
    let https = Builder::new().build_with_connector_fn(|settings, components| {
        let mut builder = Connector::builder().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    });
    SharedHttpClient::new(super::limited::LimitedHttpClient::new(https, super::limited::MAX_RESPONSE_BYTES))
}

/// An HTTP client that lets at most as many requests through at once as its window allows.
/// Several clients may share one window.
#[derive(Clone)]
pub struct BoundedHttpClient {
    inner: SharedHttpClient,
    window: Arc<Window>,
    deadline: Option<Instant>,
}

impl BoundedHttpClient {
    /// Sends through `window`; after `deadline`, sends nothing ([`super::deadline`]).
    pub fn new(inner: SharedHttpClient, window: Arc<Window>, deadline: Option<Instant>) -> Self {
        Self { inner, window, deadline }
    }
}

impl fmt::Debug for BoundedHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedHttpClient")
            .field("limit", &self.window.limit())
            .field("rate", &self.window.rate())
            .finish_non_exhaustive()
    }
}

impl HttpClient for BoundedHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(BoundedConnector {
            inner: self.inner.http_connector(settings, components),
            window: self.window.clone(),
            deadline: self.deadline,
        })
    }
}

#[derive(Debug)]
struct BoundedConnector {
    inner: SharedHttpConnector,
    window: Arc<Window>,
    deadline: Option<Instant>,
}

impl HttpConnector for BoundedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let window = self.window.clone();
        let deadline = self.deadline;
        HttpConnectorFuture::new(async move {
            let send = async {
                let slot = window.enter().await;
                // A request that fails to be sent, or is abandoned at its timeout or the
                // deadline, drops its slot: its place is freed without moving the window.
                let mut response = inner.call(request).await?;
                let throttled = throttled(&mut response).await;
                slot.answered(if throttled { Answer::Throttled } else { Answer::Served });
                Ok(response)
            };
            match deadline {
                None => send.await,
                // Past the deadline nothing more is sent.
                Some(at) if Instant::now() >= at => Err(ConnectorError::other(Box::new(DeadlineReached), None)),
                Some(at) => match tokio::time::timeout_at(at, send).await {
                    Ok(answer) => answer,
                    Err(_) => Err(ConnectorError::other(Box::new(DeadlineReached), None)),
                },
            }
        })
    }
}

/// The most of an HTTP 400 body read to tell throttling from other errors: AWS's error
/// documents are a few hundred bytes.
const ERROR_PEEK_BYTES: usize = 64 * 1024;

/// Whether an answer is throttling, in any protocol's shape: HTTP 429; HTTP 503 (EC2's
/// RequestLimitExceeded, S3's SlowDown, and any service saying it is overloaded); or an HTTP
/// 400 whose error code — in the `x-amzn-ErrorType` header of the JSON protocols, else in
/// the body (XML, JSON or CBOR) — is a throttling code. The body of a 400 is read (up to
/// [`ERROR_PEEK_BYTES`]) and put back whole for the SDK to parse.
async fn throttled(response: &mut HttpResponse) -> bool {
    match response.status().as_u16() {
        429 | 503 => return true,
        400 => {}
        _ => return false,
    }
    if let Some(kind) = response.headers().get("x-amzn-errortype") {
        let code = kind.split(':').next().unwrap_or_default();
        return super::error::is_throttling_code(code);
    }
    let body = std::mem::replace(response.body_mut(), SdkBody::taken());
    let (peeked, body) = peek(body, ERROR_PEEK_BYTES).await;
    *response.body_mut() = body;
    super::error::names_throttling_code(&peeked)
}

/// Reads the first `most` bytes of a body (or all of it, when shorter), and gives them back
/// with a body that yields everything the original would have, those bytes included.
async fn peek(mut body: SdkBody, most: usize) -> (Bytes, SdkBody) {
    use std::pin::Pin;
    let mut seen = BytesMut::new();
    loop {
        if seen.len() >= most {
            let seen = seen.freeze();
            return (seen.clone(), SdkBody::from_body_1_x(Prefixed { prefix: Some(seen), rest: body }));
        }
        match std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await {
            None => {
                let seen = seen.freeze();
                return (seen.clone(), SdkBody::from(seen));
            }
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    seen.extend_from_slice(&data);
                }
            }
            // The error is the body's to report: hand back what was read, then the error.
            Some(Err(e)) => {
                let seen = seen.freeze();
                let failed = FailedAfter { prefix: Some(seen.clone()), error: Some(e) };
                return (seen, SdkBody::from_body_1_x(failed));
            }
        }
    }
}

/// A body that yields `prefix`, then what `rest` yields.
struct Prefixed {
    prefix: Option<Bytes>,
    rest: SdkBody,
}

impl http_body::Body for Prefixed {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(prefix) = this.prefix.take() {
            return std::task::Poll::Ready(Some(Ok(http_body::Frame::data(prefix))));
        }
        std::pin::Pin::new(&mut this.rest).poll_frame(cx)
    }
}

/// A body that yields `prefix`, then fails with `error`.
struct FailedAfter {
    prefix: Option<Bytes>,
    error: Option<aws_smithy_types::body::Error>,
}

impl http_body::Body for FailedAfter {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(prefix) = this.prefix.take().filter(|p| !p.is_empty()) {
            return std::task::Poll::Ready(Some(Ok(http_body::Frame::data(prefix))));
        }
        std::task::Poll::Ready(this.error.take().map(Err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::window::Adapt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    /// Answers every request after a short wait, counting how many are being answered at once.
    #[derive(Debug, Default)]
    struct Counting {
        now: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }

    impl HttpConnector for Counting {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let (now, most) = (self.now.clone(), self.most.clone());
            HttpConnectorFuture::new(async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::empty()))
            })
        }
    }

    async fn most_at_once(limit: usize, requests: usize) -> usize {
        let counting = Counting::default();
        let most = counting.most.clone();
        let connector = BoundedConnector { inner: SharedHttpConnector::new(counting), window: Window::new(limit, Adapt::Fixed), deadline: None };
        let calls = (0..requests).map(|_| connector.call(HttpRequest::empty()));
        for answer in futures::future::join_all(calls).await {
            assert_eq!(answer.unwrap().status().as_u16(), 200);
        }
        most.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn never_more_requests_at_once_than_the_bound() {
        assert_eq!(most_at_once(3, 40).await, 3);
        assert_eq!(most_at_once(1, 10).await, 1);
    }

    #[tokio::test]
    async fn without_contention_requests_are_not_held_back() {
        assert_eq!(most_at_once(64, 10).await, 10);
    }

    /// Answers every request with one canned response.
    #[derive(Debug)]
    struct Canned {
        status: u16,
        header: Option<(&'static str, &'static str)>,
        body: &'static [u8],
    }

    impl HttpConnector for Canned {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let mut response = HttpResponse::new(StatusCode::try_from(self.status).unwrap(), SdkBody::from(self.body));
            if let Some((name, value)) = self.header {
                response.headers_mut().insert(name, value);
            }
            HttpConnectorFuture::ready(Ok(response))
        }
    }

    /// Sends one request answered with `canned` through an adapting window of 8; gives the
    /// window's limit after it and the body the SDK would read.
    async fn through_window(canned: Canned) -> (usize, Vec<u8>) {
        let window = Window::new(8, Adapt::InFlight);
        let connector = BoundedConnector { inner: SharedHttpConnector::new(canned), window: window.clone(), deadline: None };
        let response = connector.call(HttpRequest::empty()).await.unwrap();
        let body = aws_smithy_types::byte_stream::ByteStream::new(response.into_body()).collect().await.unwrap().into_bytes().to_vec();
        (window.limit(), body)
    }

    #[tokio::test]
    async fn throttling_is_told_in_every_protocol_s_shape_and_the_body_is_kept() {
        let query = b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        let json = br#"{"__type":"com.amazonaws.kms#ThrottlingException","message":"Rate exceeded"}"#;
        // Smithy RPC v2 CBOR: {"__type": "ThrottlingException"} (a map of one text pair).
        let cbor = b"\xa1\x66__type\x73ThrottlingException";
        let throttles: [Canned; 6] = [
            Canned { status: 400, header: None, body: query },
            Canned { status: 400, header: None, body: json },
            Canned { status: 400, header: None, body: cbor },
            Canned { status: 400, header: Some(("x-amzn-errortype", "ThrottlingException:http://internal.amazon.com/")), body: b"{}" },
            Canned { status: 503, header: None, body: b"<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>" },
            Canned { status: 429, header: None, body: b"{}" },
        ];
        for canned in throttles {
            let sent = canned.body.to_vec();
            let (limit, body) = through_window(canned).await;
            assert_eq!(limit, 4, "{}", String::from_utf8_lossy(&sent));
            assert_eq!(body, sent);
        }
        let served: [Canned; 4] = [
            Canned { status: 200, header: None, body: b"<Throttling/>" },
            Canned { status: 400, header: None, body: b"<Error><Code>ValidationError</Code></Error>" },
            Canned { status: 400, header: Some(("x-amzn-errortype", "AccessDeniedException")), body: b"Throttling" },
            Canned { status: 403, header: None, body: b"<Code>AccessDenied</Code>" },
        ];
        for canned in served {
            let sent = canned.body.to_vec();
            let (limit, body) = through_window(canned).await;
            assert_eq!(limit, 8, "{}", String::from_utf8_lossy(&sent));
            assert_eq!(body, sent);
        }
    }

    #[tokio::test]
    async fn a_long_error_body_is_put_back_whole() {
        let long: &'static [u8] = Box::leak(vec![b'x'; ERROR_PEEK_BYTES * 2 + 7].into_boxed_slice());
        let (limit, body) = through_window(Canned { status: 400, header: None, body: long }).await;
        assert_eq!((limit, body.len()), (8, long.len()));
    }
}
