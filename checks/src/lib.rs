//! Rampart's check engine: the inventory model, the check registry, the checks,
//! the benchmark mappings and the scoring.
//!
//! This crate never talks to AWS. Collectors (in the `rampart` binary) fill an
//! [`inventory::Inventory`]; checks are pure functions over it.

pub mod catalogue;
pub mod config_file;
pub mod mutelist;
pub mod engine;
pub mod filter_pattern;
pub mod finding;
pub mod frameworks;
pub mod images;
#[doc(hidden)]
pub mod fuzzing;
pub mod inventory;
pub mod net;
pub mod policy;
pub mod registry;
pub mod score;

// Checks, one module per service.
pub mod accessanalyzer;
pub mod account;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod exposure;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod kubernetes;
pub mod macie;
pub mod rds;
pub mod s3;
pub mod securityhub;
pub mod ssm;

/// Every registered check, in report order: the `CHECKS` list of each service module above,
/// so that a new service's checks are declared and registered in this one file.
pub fn all_checks() -> Vec<&'static registry::Check> {
    [
        crate::iam::CHECKS,
        crate::account::CHECKS,
        crate::ec2::ebs::CHECKS,
        crate::s3::CHECKS,
        crate::macie::CHECKS,
        crate::kms::CHECKS,
        crate::rds::CHECKS,
        crate::efs::CHECKS,
        crate::ecr::CHECKS,
        crate::ecs::CHECKS,
        crate::eks::CHECKS,
        crate::cloudtrail::CHECKS,
        crate::cloudwatch::CHECKS,
        crate::config::CHECKS,
        crate::guardduty::CHECKS,
        crate::securityhub::CHECKS,
        crate::accessanalyzer::CHECKS,
        crate::ec2::CHECKS,
        crate::exposure::CHECKS,
        crate::ec2::vpc::CHECKS,
        crate::ssm::CHECKS,
        crate::kubernetes::CHECKS,
    ]
    .concat()
}

#[cfg(test)]
pub(crate) mod testing;

pub use config_file::Config;
pub use engine::{Selection, evaluate};
pub use finding::{Finding, Measure, Severity, Status};
pub use inventory::{Cause, Collected, Inventory, Unavailable};
pub use registry::{Check, find_check};
