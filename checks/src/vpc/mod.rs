//! VPC checks (flow logs).

use crate::registry::Check;

mod vpc_flow_logs_enabled;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[&vpc_flow_logs_enabled::CHECK];
