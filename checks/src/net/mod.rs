//! Internet exposure as set and range math: CIDR coverage of the whole IPv4/IPv6 space,
//! port ranges, security group rules and NACL rule order.
//!
//! - [`addr`]: CIDRs, address sets, "covers the internet" and the widest exposed block.
//! - [`proto`]: protocols, port ranges and what a rule matches.
//! - [`sg`]: security group ingress (allow-only, union of rules and groups, prefix lists).
//! - [`nacl`]: network ACL inbound entries in rule order.
//! - [`exposure`]: what the internet actually reaches on an interface or through a load
//!   balancer: groups ∩ NACL in ∩ NACL replies ∩ route to an internet gateway ∩ address.
//! - `cover`: whether a changing set of blocks covers the internet, in `log n` per change,
//!   for sweeps over port segments.
//!
//! Nothing here panics on data from the inventory: a malformed CIDR, protocol, port range
//! or an unreadable prefix list is a [`NetError`], which the checks turn into ERROR.

pub mod addr;
mod cover;
pub mod exposure;
pub mod nacl;
pub mod proto;
pub mod sg;

#[cfg(test)]
mod tests;

pub use addr::{AddrSet, Cidr, Family, covers_internet, internet_cover};
pub use nacl::{Inbound, NaclReach};
pub use proto::{Match, Ports, Protocol, Traffic};
pub use sg::{Opening, ParsedIngress, PrefixLists, Reach, all_tcp_ports_open, ingress_reach};

/// Why exposure could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("malformed CIDR '{cidr}': {why}")]
    MalformedCidr { cidr: String, why: &'static str },
    #[error("malformed rule: {0}")]
    MalformedRule(String),
    #[error("prefix list {id} could not be resolved: {why}")]
    UnresolvedPrefixList { id: String, why: String },
}
