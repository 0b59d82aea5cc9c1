//! A read-only client of the Kubernetes API: `GET` of collection URLs, page by page, over the
//! HTTP and TLS stack the AWS SDK already builds (hyper, rustls with aws-lc). It has no
//! method that sends anything but `GET`.
//!
//! A failed listing is an [`Unavailable`] with its cause: 401/403 are `denied`, 404 (an API
//! group the cluster does not serve) `unsupported`, a request past its timeout `timed_out`,
//! anything else (a connection refused, a 5xx after retries, an answer that is not the
//! expected JSON) `other`. The server's own message is kept, cut short; credentials are in
//! no message.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rampart_checks::inventory::{Cause, Unavailable};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde::de::DeserializeOwned;

use super::config::{Auth, Secret, Target};
use crate::error::RunError;

/// Items asked for per page.
const PAGE_SIZE: usize = 500;
/// Pages followed at most for one listing: a server that always answers with a `continue`
/// token cannot keep the audit reading forever.
const MAX_PAGES: usize = 2_000;
/// The largest answer read (one page).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// What a query value escapes: all but the unreserved characters of RFC 3986.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// Attempts of one request when the server is busy (429, 5xx) or unreachable.
const ATTEMPTS: u32 = 3;

/// A connection to one cluster's API server, with its credentials resolved.
pub struct Client {
    http: HyperClient<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>,
    server: String,
    bearer: Option<Secret>,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("server", &self.server).finish_non_exhaustive()
    }
}

/// One page of a listing: `items` and the `continue` token of the next.
#[derive(serde::Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
    #[serde(default)]
    metadata: ListMeta,
}

#[derive(Default, serde::Deserialize)]
struct ListMeta {
    #[serde(default, rename = "continue")]
    next: Option<String>,
}

/// The `Status` object of an error answer.
#[derive(Default, serde::Deserialize)]
struct ApiStatus {
    #[serde(default)]
    message: String,
}

impl Client {
    /// A client for `target`, its credentials obtained now (an `exec` plugin is run, a token
    /// file read): a target whose credentials cannot be had is an error of the run.
    pub async fn new(target: &Target, timeout: Duration) -> Result<Client, RunError> {
        let (bearer, client_cert) = match &target.auth {
            Auth::None => (None, None),
            Auth::Bearer(token) => (Some(token.clone()), None),
            Auth::TokenFile(path) => {
                let token = std::fs::read_to_string(path).map_err(|e| RunError::Config { path: path.clone(), message: format!("token file: {e}") })?;
                (Some(Secret::text(token.trim())), None)
            }
            Auth::ClientCertificate { cert_pem, key_pem } => (None, Some((cert_pem.clone(), key_pem.clone()))),
            Auth::Exec(exec) => match super::exec::run(exec, timeout).await? {
                super::exec::Credential::Token(token) => (Some(token), None),
                super::exec::Credential::Certificate { cert_pem, key_pem } => (None, Some((cert_pem, key_pem))),
            },
        };
        let scheme = target.server.split("://").next().unwrap_or_default().to_ascii_lowercase();
        match scheme.as_str() {
            "https" => {}
            "http" if is_loopback(&target.server) => {}
            "http" => {
                return Err(RunError::Usage(format!(
                    "the API server {} is plain http: credentials go only to https servers (or to http on a loopback address, such as kubectl proxy)",
                    target.server
                )));
            }
            _ => return Err(RunError::Usage(format!("the API server {:?} is not an http(s) URL", target.server))),
        }
        let tls = tls_config(target, client_cert).map_err(|why| RunError::Usage(format!("cluster {}: {why}", target.name)))?;
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http();
        let builder = match &target.tls_server_name {
            Some(name) => {
                let name = rustls_pki_types::ServerName::try_from(name.clone())
                    .map_err(|_| RunError::Usage(format!("cluster {}: tls-server-name {name:?} is not a host name", target.name)))?;
                builder.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
            }
            None => builder,
        };
        let connector = builder.enable_http1().build();
        let http = HyperClient::builder(TokioExecutor::new()).build(connector);
        Ok(Client { http, server: target.server.trim_end_matches('/').to_string(), bearer, timeout })
    }

    /// Every item of the collection at `path` (`/api/v1/pods`), page by page; `what` names it
    /// in reasons ("list pods").
    pub async fn list<T: DeserializeOwned>(&self, path: &str, what: &str) -> Result<Vec<T>, Unavailable> {
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = format!("{}{path}?limit={PAGE_SIZE}", self.server);
            if let Some(token) = &next {
                url.push_str("&continue=");
                url.push_str(&percent_encoding::utf8_percent_encode(token, QUERY_VALUE).to_string());
            }
            let body = self.get(&url, what).await?;
            let page: Page<T> = serde_json::from_slice(&body)
                .map_err(|e| Unavailable::new(Cause::Other, format!("{what}: the answer is not a readable list ({e})")))?;
            items.extend(page.items);
            match page.metadata.next.filter(|t| !t.is_empty()) {
                None => return Ok(items),
                Some(token) if Some(&token) == next.as_ref() => {
                    return Err(Unavailable::new(Cause::Other, format!("{what}: the server repeated its continue token")));
                }
                Some(token) => next = Some(token),
            }
        }
        Err(Unavailable::new(Cause::Other, format!("{what}: more than {MAX_PAGES} pages")))
    }

    /// One `GET`, retried when the server is busy or unreachable.
    async fn get(&self, url: &str, what: &str) -> Result<Bytes, Unavailable> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = tokio::time::timeout(self.timeout, self.get_once(url, what)).await;
            let retry = match &outcome {
                Err(_) => true,
                Ok(Err((retry, _))) => *retry,
                Ok(Ok(_)) => false,
            };
            if !retry || attempt >= ATTEMPTS {
                return match outcome {
                    Err(_) => Err(Unavailable::new(Cause::TimedOut, format!("{what}: no answer within {}s", self.timeout.as_secs()))),
                    Ok(Err((_, why))) => Err(why),
                    Ok(Ok(body)) => Ok(body),
                };
            }
            tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
        }
    }

    /// One attempt: the body of a 200, or (whether to retry, why not).
    async fn get_once(&self, url: &str, what: &str) -> Result<Bytes, (bool, Unavailable)> {
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(url)
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, concat!("rampart/", env!("CARGO_PKG_VERSION")));
        if let Some(token) = &self.bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.as_str()))
                .map_err(|_| (false, Unavailable::new(Cause::Other, format!("{what}: the bearer token is not a valid header"))))?;
            value.set_sensitive(true);
            request = request.header(http::header::AUTHORIZATION, value);
        }
        let request = request.body(Empty::new()).map_err(|e| (false, Unavailable::new(Cause::Other, format!("{what}: {e}"))))?;
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| (true, Unavailable::new(Cause::Other, format!("{what}: the API server could not be reached ({})", error_chain(&e)))))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| (true, Unavailable::new(Cause::Other, format!("{what}: the answer could not be read ({e})"))))?
            .to_bytes();
        if status == StatusCode::OK {
            return Ok(body);
        }
        let message = serde_json::from_slice::<ApiStatus>(&body).map(|s| s.message).unwrap_or_default();
        let message: String = message.chars().filter(|c| !c.is_control()).take(300).collect();
        let said = if message.is_empty() { String::new() } else { format!(": {message}") };
        let (retry, cause, text) = match status {
            StatusCode::UNAUTHORIZED => (false, Cause::Denied, format!("{what}: unauthorized (HTTP 401): the credentials were refused{said}")),
            StatusCode::FORBIDDEN => (false, Cause::Denied, format!("{what}: forbidden (HTTP 403){said}")),
            StatusCode::NOT_FOUND => (false, Cause::Unsupported, format!("{what}: the API server does not serve it (HTTP 404){said}")),
            StatusCode::TOO_MANY_REQUESTS => (true, Cause::Throttled, format!("{what}: throttled (HTTP 429){said}")),
            s if s.is_server_error() => (true, Cause::Other, format!("{what}: server error (HTTP {}){said}", s.as_u16())),
            s => (false, Cause::Other, format!("{what}: unexpected answer (HTTP {}){said}", s.as_u16())),
        };
        Err((retry, Unavailable::new(cause, text)))
    }
}

/// The error and its sources, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Whether the URL's host is a loopback address.
fn is_loopback(url: &str) -> bool {
    let Ok(uri) = url.parse::<http::Uri>() else { return false };
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The TLS configuration: the target's certificate authorities (else the system's) and its
/// client certificate, if any.
fn tls_config(target: &Target, client_cert: Option<(Vec<u8>, Secret)>) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    match &target.ca_pem {
        Some(pem) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("the certificate authority is not PEM ({e})"))?;
            if certs.is_empty() {
                return Err("the certificate authority holds no certificate".into());
            }
            for cert in certs {
                roots.add(cert).map_err(|e| format!("the certificate authority is not usable ({e})"))?;
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    match client_cert {
        None => Ok(builder.with_no_client_auth()),
        Some((cert_pem, key_pem)) => {
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("the client certificate is not PEM ({e})"))?;
            // The key's parse error is not shown: it could quote the key.
            let key = PrivateKeyDer::from_pem_slice(&key_pem.0).map_err(|_| "the client key is not a PEM private key".to_string())?;
            builder.with_client_auth_cert(chain, key).map_err(|e| format!("the client certificate is not usable ({e})"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_only_for_loopback() {
        assert!(is_loopback("http://127.0.0.1:8001"));
        assert!(is_loopback("http://localhost:8001/"));
        assert!(is_loopback("http://[::1]:8001"));
        assert!(!is_loopback("http://10.0.0.1"));
        assert!(!is_loopback("http://localhost.example.com"));
        assert!(!is_loopback("not a url"));
    }

    #[tokio::test]
    async fn credentials_never_go_to_a_remote_plain_http_server() {
        let target = Target {
            name: "x".into(),
            server: "http://203.0.113.9".into(),
            ca_pem: None,
            tls_server_name: None,
            auth: Auth::Bearer(Secret::text("t")),
            arn: None,
        };
        let err = Client::new(&target, Duration::from_secs(1)).await.unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
    }

    #[test]
    fn bad_certificates_are_said() {
        let mut target = Target {
            name: "x".into(),
            server: "https://a".into(),
            ca_pem: Some(b"not pem".to_vec()),
            tls_server_name: None,
            auth: Auth::None,
            arn: None,
        };
        assert!(tls_config(&target, None).unwrap_err().contains("no certificate"));
        target.ca_pem = None;
        let err = tls_config(&target, Some((b"".to_vec(), Secret::text("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")))).unwrap_err();
        assert!(!err.contains("c2VjcmV0"), "{err}");
    }
}
