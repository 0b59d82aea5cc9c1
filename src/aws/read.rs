//! The one way a collector makes a call: it runs the call (or drains a paginator) and, when it
//! fails, classifies the error once with [`describe`] into the [`Unavailable`] that says why
//! the value is unknown.
//!
//! - [`value`]: one call, its answer mapped into the value.
//! - [`optional`]: one call whose "not configured" answer (as the table in [`super::error`]
//!   lists them) is data, `Known(None)`: no password policy, no bucket policy, no hub.
//! - [`items`]: every item of a paginator, mapped; [`fold`] for paginators read page by page
//!   (a page that fills several lists, an answer with no single item list).
//! - [`call`] and [`all`]: the same as results, for reads made of several calls (list, then
//!   describe each); [`collected`] turns such a result into the value.
//!
//! A paginated read is all or nothing: the first failed page makes the whole list unknown
//! (a partial list would be a guess).
//!
//! The one-call helpers are future combinators rather than `async fn`s: an `async fn` keeps
//! its argument future and the future it awaits side by side, which would double the size of
//! every SDK call's future (several kilobytes each) at each level and overflow a 2 MiB stack
//! where a collector joins many calls (S3's per-bucket reads) in a debug build.
//!
//! [`describe`]: super::error::describe

use std::future::Future;

use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use futures::{FutureExt, TryFutureExt};
use rampart_checks::Collected;
use rampart_checks::inventory::{Cause, Unavailable};

use super::error::describe;

/// One call; its failure classified as `action` (`iam:GetAccountSummary`).
pub fn call<O, E>(
    action: &str,
    send: impl Future<Output = Result<O, SdkError<E, HttpResponse>>>,
) -> impl Future<Output = Result<O, Unavailable>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    send.map_err(move |e| describe(action, &e))
}

/// One call's answer mapped into the value, or why it could not be had.
pub fn value<O, E, T>(
    action: &str,
    send: impl Future<Output = Result<O, SdkError<E, HttpResponse>>>,
    map: impl FnOnce(O) -> T,
) -> impl Future<Output = Collected<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    call(action, send).map(|answer| collected(answer.map(map)))
}

/// One call where "not configured" is an answer: `Known(None)` when [`describe`] finds the
/// failure in the not-configured table of [`super::error`], else as [`value`].
pub fn optional<O, E, T>(
    action: &str,
    send: impl Future<Output = Result<O, SdkError<E, HttpResponse>>>,
    map: impl FnOnce(O) -> Option<T>,
) -> impl Future<Output = Collected<Option<T>>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    call(action, send).map(|answer| match answer {
        Ok(out) => Collected::Known(map(out)),
        Err(why) if why.cause == Cause::NotConfigured => Collected::Known(None),
        Err(why) => Collected::Unknown(why),
    })
}

/// Every item (or page) a paginator yields, each folded into `acc` by `step`; the first
/// failure, classified as `action`, instead.
pub async fn fold<I, E, A>(
    action: &str,
    mut stream: PaginationStream<Result<I, SdkError<E, HttpResponse>>>,
    mut acc: A,
    mut step: impl FnMut(&mut A, I),
) -> Result<A, Unavailable>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    while let Some(item) = stream.next().await {
        step(&mut acc, item.map_err(|e| describe(action, &e))?);
    }
    Ok(acc)
}

/// Every item a paginator yields, mapped; the first failure instead.
pub async fn all<I, E, T>(
    action: &str,
    stream: PaginationStream<Result<I, SdkError<E, HttpResponse>>>,
    mut map: impl FnMut(I) -> T,
) -> Result<Vec<T>, Unavailable>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    fold(action, stream, Vec::new(), |out, item| out.push(map(item))).await
}

/// [`all`], as the value of a read.
pub async fn items<I, E, T>(
    action: &str,
    stream: PaginationStream<Result<I, SdkError<E, HttpResponse>>>,
    map: impl FnMut(I) -> T,
) -> Collected<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    collected(all(action, stream, map).await)
}

/// A read's result as its value: `Known`, or `Unknown` with why.
pub fn collected<T>(result: Result<T, Unavailable>) -> Collected<T> {
    match result {
        Ok(value) => Collected::Known(value),
        Err(why) => Collected::Unknown(why),
    }
}
