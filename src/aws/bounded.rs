//! A bound on the requests in flight to one service in one region of one account.
//!
//! Every client Rampart builds for a (service, account, region) sends through a
//! [`BoundedHttpClient`]: the semaphore of that (service, account, region), with
//! `--max-in-flight` permits, in front of one shared HTTPS client (one connection pool for
//! the whole run). A request holds a permit from the moment it is sent until its response
//! head arrives; retries take a permit again, so retries count against the bound too.
//! Whatever the collectors start at once, AWS sees at most that many requests of the audit
//! per service endpoint, which is what its per-account, per-region rate limits count. The
//! wait for a permit is part of the attempt, so `--attempt-timeout` covers it.

use std::fmt;
use std::sync::Arc;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::Semaphore;

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

/// An HTTP client that lets at most as many requests through at once as its semaphore has
/// permits.
/// Several clients may share one bound (one semaphore).
#[derive(Clone)]
pub struct BoundedHttpClient {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

impl BoundedHttpClient {
    pub fn new(inner: SharedHttpClient, permits: Arc<Semaphore>) -> Self {
        Self { inner, permits }
    }
}

impl fmt::Debug for BoundedHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedHttpClient").field("available", &self.permits.available_permits()).finish_non_exhaustive()
    }
}

impl HttpClient for BoundedHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(BoundedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }
}

#[derive(Debug)]
struct BoundedConnector {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for BoundedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = permits.acquire_owned().await.expect("the semaphore is never closed");
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let connector = BoundedConnector { inner: SharedHttpConnector::new(counting), permits: Arc::new(Semaphore::new(limit)) };
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
}
