use super::{ServicePort, port_check, tcp, udp};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

/// The ports of the service.
pub(crate) const PORTS: &[ServicePort] = &[
    tcp(11211, "Memcached"),
    udp(11211, "Memcached"),
];

declare_check! {
    /// ## What it checks
    /// The internet cannot reach Memcached (TCP 11211, UDP 11211) on any instance or network interface: the
    /// effective exposure of every interface — its security groups, its subnet's network ACL
    /// in both directions (replies on ephemeral ports), a route to an internet gateway, and
    /// a public IPv4 or global IPv6 address — and of the targets behind internet-facing load
    /// balancers. An instance is judged with all its interfaces; other interfaces (RDS,
    /// Lambda, EKS, …) on their own. Reached directly: FAIL (critical), with the whole path;
    /// reached only through a load balancer's listener: FAIL (high); not reached: PASS,
    /// saying what closes the path (and when a group of the interface opens the port, that
    /// it would be open were that layer to change); unreadable on the way: ERROR.
    /// ## Why it matters
    /// Memcached has no authentication: an open port gives away the cache, and UDP 11211 carried the largest reflection attacks recorded (51,000x amplification).
    /// ## Remediation
    /// Keep Memcached in a private subnet, turn UDP off, and reach it from the application only. The finding names the layer to change: revoke the security group rule it quotes
    /// (`aws ec2 revoke-security-group-ingress`), deny the port in the subnet's network ACL,
    /// remove the public address, or move the interface to a subnet without a route to the
    /// internet gateway.
    /// ## References
    /// - https://www.cisa.gov/news-events/alerts/2018/02/27/udp-based-amplification-attacks
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html
    /// - How reachability is computed and what it does not model: [docs/exposure.md](../exposure.md)
    pub static CHECK = {
        id: "ec2_instance_port_memcached_exposed_to_internet",
        title: "The internet does not reach Memcached (TCP 11211, UDP 11211) on any instance or interface",
        measure: Measure::Network,
        severity: Severity::Critical,
        reads: [
            Source::NetworkInterfaces,
            Source::SecurityGroups,
            Source::ManagedPrefixLists,
            Source::NetworkAcls,
            Source::RouteTables,
            Source::InternetGateways,
            Source::LoadBalancers,
            Source::Listeners,
            Source::TargetGroups,
            Source::Targets,
            Source::ClassicLoadBalancers,
        ],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    port_check(account, out, PORTS);
}
