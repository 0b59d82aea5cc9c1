//! The basics every check's unit tests share: one account id, one region, one collection
//! instant, an account with nothing collected, and the helpers that run a check.
//!
//! The builders of one service's inventory live in its own `testing` module
//! (`crate::<service>::testing`), built on these.

use chrono::{DateTime, Utc};

use crate::config_file::Config;
use crate::finding::Status;
use crate::inventory::{AccountInventory, Cause, Collected, RegionInventory};
use crate::registry::{Check, Context, Findings, Recorded};

/// The id of every test account.
pub const ACCOUNT: &str = "123456789012";

/// The region of every single-region test account.
pub const REGION: &str = "eu-west-1";

/// The instant every test inventory was "collected".
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z").unwrap().with_timezone(&Utc)
}

/// A value that could not be read: access denied.
pub fn denied<T>() -> Collected<T> {
    Collected::unknown(Cause::Denied, "AccessDenied: not authorized")
}

/// An account auditing `regions`, each region's inventory made by `region`; nothing global
/// is collected.
pub fn account_in(regions: &[&str], region: impl Fn() -> RegionInventory) -> AccountInventory {
    let mut account = AccountInventory::new(ACCOUNT, "aws", regions.iter().map(|r| r.to_string()).collect());
    account.regional = regions.iter().map(|r| (r.to_string(), region())).collect();
    account
}

/// An account auditing [`REGION`], with nothing collected at all.
pub fn account() -> AccountInventory {
    account_in(&[REGION], RegionInventory::default)
}

/// The inventory of [`REGION`] (created empty if missing).
pub fn region(account: &mut AccountInventory) -> &mut RegionInventory {
    region_mut(account, REGION)
}

/// The inventory of `region` (created empty if missing).
pub fn region_mut<'a>(account: &'a mut AccountInventory, region: &str) -> &'a mut RegionInventory {
    account.regional.entry(region.to_string()).or_default()
}

/// The known list behind a `Collected` the test itself set to `Known`.
pub fn known_mut<T>(c: &mut Collected<Vec<T>>) -> &mut Vec<T> {
    if let Collected::Unknown(_) = c {
        *c = Collected::Known(Vec::new());
    }
    match c {
        Collected::Known(v) => v,
        Collected::Unknown(_) => unreachable!("just set to Known"),
    }
}

/// Runs a check with the default configuration.
pub fn run(check: &Check, account: &AccountInventory) -> Vec<Recorded> {
    run_with(check, account, &Config::default())
}

pub fn run_with(check: &Check, account: &AccountInventory, config: &Config) -> Vec<Recorded> {
    let ctx = Context { now: now(), config };
    let mut out = Findings::new();
    (check.eval)(account, &ctx, &mut out);
    out.into_recorded()
}

/// (resource id, status) of each recorded finding.
pub fn outcomes(recorded: &[Recorded]) -> Vec<(String, Status)> {
    recorded.iter().map(|r| (r.resource.id.clone(), r.status)).collect()
}

/// The status recorded for one resource; panics if there is not exactly one.
pub fn status_of(recorded: &[Recorded], id: &str) -> Status {
    let matching: Vec<_> = recorded.iter().filter(|r| r.resource.id == id).collect();
    assert_eq!(matching.len(), 1, "expected one finding for {id}, got {recorded:#?}");
    matching[0].status
}

/// The one finding a check recorded; panics unless there is exactly one.
pub fn only(recorded: &[Recorded]) -> &Recorded {
    assert_eq!(recorded.len(), 1, "expected one finding, got {recorded:#?}");
    &recorded[0]
}

/// Runs `check` and returns the status and message of its single finding.
pub fn verdict(check: &Check, account: &AccountInventory) -> (Status, String) {
    let found = run(check, account);
    let r = only(&found);
    (r.status, r.message.clone())
}
