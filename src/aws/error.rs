//! Classifies SDK errors once, into why an inventory value is `Unknown`: [`describe`] gives
//! the kind of failure ([`Cause`]) and a one-line reason naming the action.
//!
//! The answers that mean "not configured" (no password policy, no bucket policy, Security
//! Hub or Macie not enabled) are in one table, [`NOT_CONFIGURED`], by action and error code;
//! they become [`Cause::NotConfigured`], which `super::read::optional` turns into data
//! (`Known(None)`). Everything else is access denied, throttled after every retry, not
//! supported by the endpoint, timed out, or another failure.

use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use rampart_checks::inventory::{Cause, Unavailable};

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "Forbidden",
];

const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "PriorRequestNotComplete",
];

/// Whether an error code is one of the throttling codes.
pub fn is_throttling_code(code: &str) -> bool {
    THROTTLED.contains(&code)
}

/// Whether an error document (XML, JSON or CBOR bytes) names a throttling code.
pub fn names_throttling_code(document: &[u8]) -> bool {
    THROTTLED.iter().any(|code| document.windows(code.len()).any(|w| w == code.as_bytes()))
}

const NOT_SUPPORTED: &[&str] = &["NotImplemented", "InvalidAction", "UnknownOperationException", "UnsupportedOperation"];

/// The failures that mean what an action reads is not set up, an answer rather than a
/// failure: (action, error code, words the message must contain, where the code alone does
/// not tell).
const NOT_CONFIGURED: &[(&str, &str, Option<&str>)] = &[
    // The account uses IAM's defaults.
    ("iam:GetAccountPasswordPolicy", "NoSuchEntity", None),
    ("s3:GetAccountPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration", None),
    ("s3:GetBucketPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration", None),
    ("s3:GetEncryptionConfiguration", "ServerSideEncryptionConfigurationNotFoundError", None),
    ("s3:GetBucketPolicy", "NoSuchBucketPolicy", None),
    ("s3:GetBucketPolicyStatus", "NoSuchBucketPolicy", None),
    ("account:GetContactInformation", "ResourceNotFoundException", None),
    ("account:GetAlternateContact", "ResourceNotFoundException", None),
    // "Account is not subscribed to AWS Security Hub".
    ("securityhub:DescribeHub", "InvalidAccessException", None),
    ("securityhub:DescribeHub", "ResourceNotFoundException", None),
    // Where Macie is off, AWS answers AccessDenied "Macie is not enabled" (emulators answer
    // ResourceNotFound); any other denial is a denial.
    ("macie2:GetMacieSession", "ResourceNotFoundException", None),
    ("macie2:GetMacieSession", "AccessDeniedException", Some("not enabled")),
    ("ecr:GetRepositoryPolicy", "RepositoryPolicyNotFoundException", None),
    ("ecr:GetLifecyclePolicy", "LifecyclePolicyNotFoundException", None),
    // The add-on is not installed.
    ("eks:DescribeAddon", "ResourceNotFoundException", None),
];

/// Whether `action` failing with this code and message means what it reads is not set up.
fn not_configured(action: &str, code: &str, message: Option<&str>) -> bool {
    NOT_CONFIGURED.iter().any(|&(a, c, words)| {
        a == action && c == code && words.is_none_or(|w| message.is_some_and(|m| m.contains(w)))
    })
}

/// What kind of failure an error code (or, without one, an HTTP status) is, and the words
/// that say so in a reason.
pub fn kind_of(code: &str, http_status: Option<u16>) -> (Cause, &'static str) {
    if ACCESS_DENIED.contains(&code) || http_status == Some(403) {
        (Cause::Denied, "access denied")
    } else if THROTTLED.contains(&code) || http_status == Some(429) {
        (Cause::Throttled, "throttled after every retry")
    } else if NOT_SUPPORTED.contains(&code) || matches!(http_status, Some(404) | Some(501)) {
        (Cause::Unsupported, "not supported by this endpoint")
    } else {
        (Cause::Other, "failed")
    }
}

/// `Code: message` of a service error.
pub fn service_error_text<E: ProvideErrorMetadata>(err: &E) -> String {
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        (None, Some(message)) => message.to_string(),
        (None, None) => "unknown error".to_string(),
    }
}

/// Why a failed call left its value unknown: the kind of failure, and a one-line reason
/// naming the action (`iam:GetAccountSummary access denied: …`). A failure that
/// [`NOT_CONFIGURED`] lists for the action is [`Cause::NotConfigured`]
/// (`s3:GetBucketPolicy not configured: NoSuchBucketPolicy: …`).
pub fn describe<E>(action: &str, err: &SdkError<E, HttpResponse>) -> Unavailable
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(large) = super::limited::too_large(err) {
        return Unavailable::new(Cause::Other, format!("{action}: {large}"));
    }
    if super::deadline::reached(err) {
        return Unavailable::new(Cause::TimedOut, format!("deadline reached before {action}"));
    }
    match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let code = e.code().unwrap_or("");
            let status = se.raw().status().as_u16();
            if not_configured(action, code, e.message()) {
                return Unavailable::new(Cause::NotConfigured, format!("{action} not configured: {}", service_error_text(e)));
            }
            let (cause, words) = kind_of(code, Some(status));
            if e.code().is_none() && e.message().is_none() {
                // A success status whose body did not parse, or an error without AWS's
                // error document (an HTML page from a proxy or an emulator).
                return if (200..300).contains(&status) {
                    Unavailable::new(Cause::Other, format!("{action} gave an unreadable response (HTTP {status})"))
                } else {
                    Unavailable::new(cause, format!("{action} {words}: HTTP {status} without an AWS error document"))
                };
            }
            Unavailable::new(cause, format!("{action} {words}: {}", service_error_text(e)))
        }
        SdkError::TimeoutError(_) => Unavailable::new(Cause::TimedOut, format!("{action} timed out")),
        SdkError::DispatchFailure(_) => Unavailable::new(Cause::Other, format!("{action} could not be sent: {}", error_chain(err))),
        SdkError::ResponseError(_) => Unavailable::new(Cause::Other, format!("{action} gave an unreadable response: {}", error_chain(err))),
        _ => Unavailable::new(Cause::Other, format!("{action} failed: {}", error_chain(err))),
    }
}

/// Error codes that mean the credentials themselves were refused.
pub fn is_credentials_code(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "InvalidClientTokenId"
                | "SignatureDoesNotMatch"
                | "ExpiredToken"
                | "ExpiredTokenException"
                | "UnrecognizedClientException"
                | "AccessDenied"
                | "InvalidAccessKeyId"
                | "IncompleteSignature"
        )
    )
}

/// When a call failed because credentials could not be had (an AssumeRole that was
/// refused, expired SSO tokens), the reason; the SDK reports those as dispatch failures.
pub fn credentials_failure<E: std::error::Error + 'static>(err: &SdkError<E, HttpResponse>) -> Option<String> {
    let text = error_chain(err);
    (text.contains("failed to load credentials") || text.contains("credentials provider") || text.contains("AssumeRole"))
        .then_some(text)
}

/// The first error of type `T` in an error's chain of sources (the error itself first).
pub fn find_in_chain<'e, T: std::error::Error + 'static>(err: &'e (dyn std::error::Error + 'static)) -> Option<&'e T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// An error and its sources on one line: each message once, joined by ": ".
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        let text = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_is_one_line_without_repeats() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("dispatch failure")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err = Outer(std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection\n refused"));
        assert_eq!(error_chain(&err), "dispatch failure: connection refused");
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("AccessDenied", Some(403)), (Cause::Denied, "access denied"));
        assert_eq!(kind_of("UnauthorizedOperation", Some(400)), (Cause::Denied, "access denied"));
        assert_eq!(kind_of("Throttling", Some(400)), (Cause::Throttled, "throttled after every retry"));
        assert_eq!(kind_of("RequestLimitExceeded", Some(503)), (Cause::Throttled, "throttled after every retry"));
        assert_eq!(kind_of("", Some(404)), (Cause::Unsupported, "not supported by this endpoint"));
        assert_eq!(kind_of("InternalFailure", Some(500)), (Cause::Other, "failed"));
    }

    #[test]
    fn not_configured_is_decided_by_action_code_and_words() {
        assert!(not_configured("iam:GetAccountPasswordPolicy", "NoSuchEntity", None));
        // The same code from another action is not an answer.
        assert!(!not_configured("iam:GetAccountSummary", "NoSuchEntity", None));
        assert!(not_configured("macie2:GetMacieSession", "AccessDeniedException", Some("Macie is not enabled.")));
        assert!(!not_configured("macie2:GetMacieSession", "AccessDeniedException", Some("User is not authorized")));
        assert!(!not_configured("macie2:GetMacieSession", "AccessDeniedException", None));
        assert!(not_configured("macie2:GetMacieSession", "ResourceNotFoundException", None));
    }
}
