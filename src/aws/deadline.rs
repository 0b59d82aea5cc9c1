//! `--deadline`: the instant after which no request is sent.
//!
//! Every request goes through the bounded connector ([`super::bounded`]); once the deadline
//! has passed it fails at once with [`DeadlineReached`], and one in flight at that instant is
//! abandoned the same way. [`NoRetryAtDeadline`] keeps the SDK from retrying it, and
//! [`super::error::describe`] turns it into "deadline reached before <action>" (cause
//! `timed_out`), so every read not done becomes an ERROR finding that says so, and the
//! report is written with what was read.

use std::fmt;

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};

/// A request was not sent, or was abandoned, because the audit's deadline had passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineReached;

impl fmt::Display for DeadlineReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the audit's deadline was reached")
    }
}

impl std::error::Error for DeadlineReached {}

/// Whether `DeadlineReached` is in an error's chain of sources.
pub fn reached(err: &(dyn std::error::Error + 'static)) -> bool {
    super::error::find_in_chain::<DeadlineReached>(err).is_some()
}

/// Forbids retrying a request stopped by the deadline: every attempt would be.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoRetryAtDeadline;

impl ClassifyRetry for NoRetryAtDeadline {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(err)) if reached(err) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "NoRetryAtDeadline"
    }

    /// After the SDK's classifier that calls every connection failure transient.
    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}
