//! An EKS cluster reached with the audit's AWS credentials (`--eks-cluster NAME`):
//! `eks:DescribeCluster` in the first `--region` gives the API server's endpoint and
//! certificate authority, and the bearer token is the one `aws eks get-token` makes:
//! `k8s-aws-v1.` and the base64url of an STS `GetCallerIdentity` URL presigned for 60 s with
//! the header `x-k8s-aws-id: <cluster name>` signed in. The API server's authenticator
//! calls that URL to learn who we are; the identity then needs an EKS access entry (or an
//! `aws-auth` mapping) to a group bound to read-only RBAC (`deploy/k8s/rbac-cluster-audit.yaml`).

use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign};
use aws_types::region::Region;
use base64::Engine;

use super::config::{Auth, Secret, Target};
use crate::error::RunError;
use crate::settings::AwsSettings;

/// How long the presigned token is valid: the authenticator accepts it for 15 minutes
/// after signing whatever this says, and the audit sends its reads at once.
const TOKEN_EXPIRES: Duration = Duration::from_secs(60);

/// The cluster `name`'s endpoint, certificate authority and a token.
pub async fn target(aws: &AwsSettings, name: &str, timeout: Duration) -> Result<Target, RunError> {
    let base = crate::aws::load_base(aws).await?;
    let region = crate::aws::home_region(aws).await;
    let eks = aws_sdk_eks::Client::from_conf(aws_sdk_eks::config::Builder::from(&base).region(Region::new(region.clone())).build());
    let described = tokio::time::timeout(timeout, eks.describe_cluster().name(name).send())
        .await
        .map_err(|_| RunError::Kubernetes(format!("eks:DescribeCluster {name}: no answer within {}s", timeout.as_secs())))?
        .map_err(|e| RunError::Kubernetes(format!("eks:DescribeCluster {name} in {region}: {}", crate::aws::error::describe("eks:DescribeCluster", &e).reason)))?;
    let cluster = described.cluster.ok_or_else(|| RunError::Kubernetes(format!("eks:DescribeCluster {name}: no cluster in the answer")))?;
    let endpoint = cluster.endpoint.filter(|e| !e.is_empty()).ok_or_else(|| {
        RunError::Kubernetes(format!("EKS cluster {name} has no endpoint yet (status {:?})", cluster.status.as_ref().map(|s| s.as_str())))
    })?;
    let ca_pem = match cluster.certificate_authority.and_then(|c| c.data) {
        Some(data) => Some(super::config::decode_base64(&data).map_err(|e| RunError::Kubernetes(format!("EKS cluster {name}: certificate authority {e}")))?),
        None => None,
    };
    let credentials = base
        .credentials_provider()
        .ok_or_else(|| RunError::Credentials("no credential provider is configured".into()))?
        .provide_credentials()
        .await
        .map_err(|e| RunError::Credentials(e.to_string()))?;
    let token = token(&credentials, name, &region, SystemTime::now()).map_err(RunError::Kubernetes)?;
    Ok(Target {
        name: name.to_string(),
        server: endpoint,
        ca_pem,
        tls_server_name: None,
        auth: Auth::Bearer(token),
        arn: cluster.arn,
    })
}

/// The STS host of a region.
fn sts_host(region: &str) -> String {
    if region.starts_with("cn-") { format!("sts.{region}.amazonaws.com.cn") } else { format!("sts.{region}.amazonaws.com") }
}

/// The token for cluster `name`: `k8s-aws-v1.` + base64url(presigned GetCallerIdentity URL).
pub fn token(credentials: &aws_credential_types::Credentials, name: &str, region: &str, at: SystemTime) -> Result<Secret, String> {
    let url = format!("https://{}/?Action=GetCallerIdentity&Version=2011-06-15", sts_host(region));
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(TOKEN_EXPIRES);
    let identity = credentials.clone().into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(at)
        .settings(settings)
        .build()
        .map_err(|e| format!("the EKS token could not be signed: {e}"))?
        .into();
    let signable = SignableRequest::new("GET", url.as_str(), [("x-k8s-aws-id", name)].into_iter(), SignableBody::Bytes(&[]))
        .map_err(|e| format!("the EKS token could not be signed: {e}"))?;
    let (instructions, _) = sign(signable, &params).map_err(|e| format!("the EKS token could not be signed: {e}"))?.into_parts();
    let mut request = http::Request::builder().uri(&url).body(()).map_err(|e| e.to_string())?;
    instructions.apply_to_request_http1x(&mut request);
    let presigned = request.uri().to_string();
    Ok(Secret::text(format!("k8s-aws-v1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(presigned))))
}

/// (partition, region, account id) of an EKS cluster's ARN
/// (`arn:aws:eks:eu-west-1:123456789012:cluster/prod`).
pub fn arn_parts(arn: &str) -> Option<(String, String, String)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("eks"), Some(region), Some(account), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (account_ok && resource.starts_with("cluster/") && crate::settings::is_region_name(region))
        .then(|| (partition.to_string(), region.to_string(), account.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_a_presigned_get_caller_identity_for_the_cluster() {
        let credentials = aws_credential_types::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "test");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let token = token(&credentials, "prod", "eu-west-1", at).unwrap();
        let text = token.as_str();
        let encoded = text.strip_prefix("k8s-aws-v1.").expect("the token's prefix");
        assert!(!encoded.contains('=') && !encoded.contains('+') && !encoded.contains('/'), "base64url without padding");
        let url = String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded).unwrap()).unwrap();
        assert!(url.starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"), "{url}");
        for part in ["X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Expires=60", "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id", "X-Amz-Signature=", "X-Amz-Credential=AKIDEXAMPLE%2F20270115%2Feu-west-1%2Fsts%2Faws4_request"] {
            assert!(url.contains(part), "{part} not in {url}");
        }
        assert!(!url.contains("wJalrXUtnFEMI"), "the secret key is never in the token");
        assert_eq!(format!("{token:?}"), "<redacted>");
        // Deterministic for a given instant, different for another cluster.
        assert_eq!(token, super::token(&credentials, "prod", "eu-west-1", at).unwrap());
        assert_ne!(token, super::token(&credentials, "test", "eu-west-1", at).unwrap());
    }

    #[test]
    fn arns_give_the_account_and_region() {
        assert_eq!(
            arn_parts("arn:aws:eks:eu-west-1:123456789012:cluster/prod"),
            Some(("aws".into(), "eu-west-1".into(), "123456789012".into()))
        );
        assert_eq!(arn_parts("arn:aws:eks:eu-west-1:1234:cluster/prod"), None);
        assert_eq!(arn_parts("arn:aws:iam::123456789012:role/x"), None);
        assert_eq!(arn_parts("nonsense"), None);
        assert_eq!(sts_host("cn-north-1"), "sts.cn-north-1.amazonaws.com.cn");
    }
}
