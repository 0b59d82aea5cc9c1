//! VPC checks: flow logs and peering routes.

use crate::registry::Check;

mod vpc_flow_logs_enabled;
mod vpc_peering_routing_tables_with_least_privilege;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &vpc_flow_logs_enabled::CHECK,
    &vpc_peering_routing_tables_with_least_privilege::CHECK,
];
