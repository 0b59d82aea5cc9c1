//! Collection: the only code that calls AWS. Fills an [`Inventory`] for the checks.

mod iam;

use chrono::{DateTime, Utc};
use rampart_checks::inventory::{AccountInventory, IamInventory, Inventory};
use rampart_checks::Check;
use tracing::info;

use crate::aws::Session;

/// Collects what the selected checks read, for the session's account and regions.
pub async fn collect(session: &Session, checks: &[&Check]) -> Inventory {
    let mut inventory = Inventory::new(Utc::now());
    let started = std::time::Instant::now();
    let needs = |service: &str| checks.iter().any(|c| c.id.starts_with(service));
    let iam = if needs("iam_") { iam::collect(&session.iam()).await } else { IamInventory::default() };
    info!(elapsed_ms = started.elapsed().as_millis() as u64, "collected iam");
    let mut account = AccountInventory::new(&session.account_id, &session.partition, session.regions.clone());
    account.iam = iam;
    inventory.accounts.push(account);
    inventory
}

/// SDK timestamps to chrono.
pub(crate) fn to_chrono(t: &aws_sdk_iam::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}
