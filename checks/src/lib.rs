//! Rampart's check engine: the inventory model, the check registry, the checks,
//! the benchmark mappings and the scoring.
//!
//! This crate never talks to AWS. Collectors (in the `rampart` binary) fill an
//! [`inventory::Inventory`]; checks are pure functions over it.

pub mod catalogue;
pub mod config;
pub mod engine;
pub mod finding;
pub mod frameworks;
pub mod iam;
pub mod inventory;
pub mod registry;
pub mod score;

#[cfg(test)]
pub(crate) mod testing;

pub use config::Config;
pub use engine::{Selection, evaluate};
pub use finding::{Finding, Measure, Severity, Status};
pub use inventory::{Collected, Inventory};
pub use registry::{Check, all_checks, find_check};
