//! A bound on the size of one response.
//!
//! The SDK reads a whole answer into memory before it parses it. An endpoint that answers
//! with an endless body (a broken proxy, a hostile emulator) would make it buffer until the
//! process runs out of memory. Every client Rampart builds reads responses through
//! [`LimitedHttpClient`]: past [`MAX_RESPONSE_BYTES`] the body fails with
//! [`ResponseTooLarge`], the call fails, and the checks that needed it report ERROR
//! "response too large". The largest AWS answers Rampart asks for (a page of
//! GetAccountAuthorizationDetails with AWS managed policies, the credential report of 5,000
//! users, a page of 1,000 snapshots) are a few megabytes.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;

/// The most Rampart reads of one response: 64 MiB, over ten times any AWS answer it asks for.
pub const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// A response body went past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTooLarge {
    pub limit: u64,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response too large: over {} MiB, the most Rampart reads of one answer", self.limit / (1024 * 1024))
    }
}

impl std::error::Error for ResponseTooLarge {}

/// The `ResponseTooLarge` in an error's chain of sources, if there is one.
pub fn too_large(err: &(dyn std::error::Error + 'static)) -> Option<ResponseTooLarge> {
    super::error::find_in_chain::<ResponseTooLarge>(err).copied()
}

/// Forbids retrying a call whose response was too large: the same request would get the same
/// answer, and reading it again costs another [`MAX_RESPONSE_BYTES`].
#[derive(Debug, Default, Clone, Copy)]
pub struct NoRetryWhenTooLarge;

impl ClassifyRetry for NoRetryWhenTooLarge {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(err)) if too_large(err).is_some() => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "NoRetryWhenTooLarge"
    }

    /// After the SDK's classifier that calls every unreadable response transient.
    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// A body that fails once more than `left` bytes have come.
struct LimitedBody {
    inner: SdkBody,
    left: u64,
    limit: u64,
}

impl http_body::Body for LimitedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                let len = frame.data_ref().map_or(0, |d| d.len() as u64);
                if len > this.left {
                    this.left = 0;
                    return Poll::Ready(Some(Err(Box::new(ResponseTooLarge { limit: this.limit }))));
                }
                this.left -= len;
                Poll::Ready(Some(Ok(frame)))
            }
            other => Poll::Ready(other),
        }
    }

    fn is_end_stream(&self) -> bool {
        http_body::Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::Body::size_hint(&self.inner)
    }
}

/// An HTTP client whose responses are read through [`LimitedBody`].
#[derive(Debug, Clone)]
pub struct LimitedHttpClient {
    inner: SharedHttpClient,
    limit: u64,
}

impl LimitedHttpClient {
    pub fn new(inner: SharedHttpClient, limit: u64) -> Self {
        Self { inner, limit }
    }
}

impl HttpClient for LimitedHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(LimitedConnector { inner: self.inner.http_connector(settings, components), limit: self.limit })
    }
}

#[derive(Debug)]
struct LimitedConnector {
    inner: SharedHttpConnector,
    limit: u64,
}

impl HttpConnector for LimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let limit = self.limit;
        HttpConnectorFuture::new(async move {
            let response = inner.call(request).await?;
            Ok(response.map(|body| SdkBody::from_body_1_x(LimitedBody { inner: body, left: limit, limit })))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use http_body_util::BodyExt;

    #[derive(Debug)]
    struct Fixed(&'static str);

    impl HttpConnector for Fixed {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let body = self.0;
            HttpConnectorFuture::new(async move { Ok(HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body))) })
        }
    }

    async fn read(limit: u64, body: &'static str) -> Result<Bytes, Box<dyn std::error::Error + Send + Sync>> {
        let connector = LimitedConnector { inner: SharedHttpConnector::new(Fixed(body)), limit };
        let response = connector.call(HttpRequest::empty()).await.unwrap();
        Ok(response.into_body().collect().await?.to_bytes())
    }

    #[tokio::test]
    async fn bodies_up_to_the_limit_are_read_whole_and_longer_ones_fail() {
        assert_eq!(read(5, "12345").await.unwrap(), "12345");
        assert_eq!(read(64, "").await.unwrap(), "");
        let err = read(4, "12345").await.unwrap_err();
        assert_eq!(too_large(err.as_ref()), Some(ResponseTooLarge { limit: 4 }), "{err}");
        assert_eq!(
            ResponseTooLarge { limit: MAX_RESPONSE_BYTES }.to_string(),
            "response too large: over 64 MiB, the most Rampart reads of one answer"
        );
    }
}
