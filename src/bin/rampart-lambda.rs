//! `rampart-lambda`: Rampart as an AWS Lambda function (`provided.al2023`, handler
//! `bootstrap`). The payload and the environment it reads are described in
//! `rampart::lambda`; logs are JSON lines on stdout, which Lambda sends to CloudWatch Logs.

// The audit's future is deep: its layout takes more than the default 128 levels.
#![recursion_limit = "256"]

use lambda_runtime::{LambdaEvent, service_fn};
use rampart::lambda::{Defaults, handler};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG").unwrap_or_else(|_| "warn,rampart=info".into());
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_target(false)
        .init();
    // A misconfigured function fails at its start, not at each invocation.
    let defaults = Defaults::from_env().inspect_err(|e| tracing::error!("the function's environment: {e}"))?;
    let defaults: &'static Defaults = Box::leak(Box::new(defaults));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move { handler(event, defaults).await })).await
}
