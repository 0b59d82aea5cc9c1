//! Internet exposure as set and range math: CIDR coverage of the whole IPv4/IPv6 space,
//! port ranges, security group rules and NACL rule order.
