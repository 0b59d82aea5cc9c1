//! `--deadline`: the instant after which no request is sent.
//!
//! Every request goes through the bounded connector ([`super::bounded`]); once the deadline
//! has passed it fails at once with [`DeadlineReached`], and one in flight at that instant is
//! abandoned the same way. [`NoRetryAtDeadline`] keeps the SDK from retrying it, and
//! [`super::error::describe`] turns it into "deadline reached before <action>" (cause
//! `timed_out`), so every read not done becomes an ERROR finding that says so, and the
//! report is written with what was read. The SDK's own waits — the backoff before a retry,
//! up to 8 s — end at the deadline too ([`DeadlineSleep`]), so that a retry waiting to be
//! sent meets the deadline in the connector instead of after its backoff.

use std::fmt;
use std::time::Duration;

use aws_smithy_async::rt::sleep::{AsyncSleep, Sleep};
use tokio::time::Instant;

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

/// The SDK's sleep (backoff before a retry, attempt timeouts), cut short at the deadline:
/// waking a little after it, the retry reaches the connector, which refuses it with
/// [`DeadlineReached`] (the margin lets the connector's own deadline answer first).
#[derive(Debug, Clone, Copy)]
pub struct DeadlineSleep {
    deadline: Option<Instant>,
}

/// How long after the deadline a cut-short sleep wakes.
const MARGIN: Duration = Duration::from_millis(50);

impl DeadlineSleep {
    pub fn new(deadline: Option<Instant>) -> Self {
        DeadlineSleep { deadline }
    }

    /// When a sleep of `duration` begun now wakes.
    fn wakes(&self, now: Instant, duration: Duration) -> Instant {
        let asked = now + duration;
        match self.deadline {
            Some(deadline) => asked.min(deadline.max(now) + MARGIN),
            None => asked,
        }
    }
}

impl AsyncSleep for DeadlineSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        Sleep::new(tokio::time::sleep_until(self.wakes(Instant::now(), duration)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sleep_ends_at_the_deadline() {
        let now = Instant::now();
        let none = DeadlineSleep::new(None);
        assert_eq!(none.wakes(now, Duration::from_secs(8)), now + Duration::from_secs(8));
        let soon = DeadlineSleep::new(Some(now + Duration::from_secs(2)));
        assert_eq!(soon.wakes(now, Duration::from_secs(8)), now + Duration::from_secs(2) + MARGIN);
        assert_eq!(soon.wakes(now, Duration::from_millis(200)), now + Duration::from_millis(200));
        // Begun after the deadline: at once (and the connector refuses what follows).
        let past = DeadlineSleep::new(Some(now));
        assert_eq!(past.wakes(now + Duration::from_secs(1), Duration::from_secs(8)), now + Duration::from_secs(1) + MARGIN);
    }
}
