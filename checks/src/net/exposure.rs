//! Effective exposure: what the internet can actually reach on a network interface, and the
//! path that lets it.
//!
//! A packet from the internet reaches a port of an interface when every layer lets it:
//!
//! 1. **Address**: the interface has a public IPv4 address (auto-assigned or an Elastic IP)
//!    for IPv4, or a global IPv6 address for IPv6.
//! 2. **Security groups** (stateful, allow-only, the union of the interface's groups) admit
//!    the source on that protocol and port.
//! 3. **Network ACL inbound** of the interface's subnet (stateless, lowest rule number
//!    first) allows the source.
//! 4. **Network ACL outbound** allows the reply: the same protocol to the source, on some
//!    port of the client's ephemeral range (1024–65535, which holds every operating system's
//!    client ports).
//! 5. **Route**: the subnet's route table (its own, or the VPC's main table) sends the reply
//!    to the source through an internet gateway attached to the VPC, by longest prefix
//!    match. An egress-only internet gateway, a NAT gateway, a peering connection or a
//!    blackhole route does not carry inbound connections.
//!
//! The reachable set is the intersection, computed as address-set math per protocol and port
//! segment (ports inside which no rule or entry changes its answer), so it is exact for
//! every port and every source, not a sample. Load balancers add a second kind of path:
//! the internet reaches a listener of an internet-facing load balancer (the same layers,
//! on the load balancer's subnets and groups), and the load balancer forwards to its
//! targets, whose groups must admit it ([`lb`]).
//!
//! Not modelled: security appliances (Gateway Load Balancer, Network Firewall), Transit
//! Gateway and VPN attachments, PrivateLink endpoints, gateway route tables (edge
//! associations), Global Accelerator and CloudFront in front of an origin.

pub mod lb;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::inventory::RegionInventory;
use crate::inventory::ec2::{NetworkAcl, NetworkInterface, RouteTable, SecurityGroup};

use super::addr::{AddrSet, Cidr, Family};
use super::nacl::{self, Entry};
use super::proto::{Ports, Protocol, Traffic, segments};
use super::sg::{ParsedIngress, PrefixLists};

/// The lowest and highest client port a reply may go to.
pub const EPHEMERAL: Ports = Ports { from: 1024, to: u16::MAX };

/// The networking of one region, indexed for exposure questions.
pub struct Network<'a> {
    groups: HashMap<&'a str, &'a SecurityGroup>,
    acl_of_subnet: HashMap<&'a str, &'a NetworkAcl>,
    table_of_subnet: HashMap<&'a str, &'a RouteTable>,
    main_table_of_vpc: HashMap<&'a str, &'a RouteTable>,
    /// Internet gateway id → the VPCs it is attached to.
    igw_vpcs: HashMap<&'a str, &'a [String]>,
    lists: PrefixLists<'a>,
    /// Every network interface of the region.
    pub interfaces: &'a [NetworkInterface],
}

/// Where on the network something listens: a subnet, the groups guarding it, its public
/// addresses.
#[derive(Debug, Clone)]
pub struct Place<'a> {
    pub subnet_id: &'a str,
    pub vpc_id: &'a str,
    /// `None`: no security group stands in front (a network load balancer created without
    /// one admits every source on its listeners).
    pub group_ids: Option<&'a [String]>,
    /// How the place is addressed from the internet over IPv4 (`public IPv4 198.51.100.7
    /// (Elastic IP eipalloc-1)`), or `None` when it has no public IPv4 address.
    pub public_v4: Option<String>,
    /// The same for IPv6: `IPv6 2600:1f18::5`.
    pub public_v6: Option<String>,
}

/// What to ask about: some protocols and ports, or everything.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'q> {
    /// These kinds of traffic only (`Traffic::Tcp(22)`, …).
    Only(&'q [Traffic]),
    /// Every protocol and port, by segments.
    Everything,
}

/// One kind of traffic the internet reaches, from which sources, by which path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// TCP, UDP, or `None` for every other protocol (which only all-traffic rules admit).
    pub protocol: Option<Protocol>,
    /// The ports (TCP and UDP).
    pub ports: Option<Ports>,
    pub family: Family,
    /// The public sources that get through every layer.
    pub sources: AddrSet,
    pub path: Path,
}

/// The evidence of a path from the internet: each layer and what in it lets the traffic
/// through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The public address the traffic is sent to.
    pub address: String,
    /// The security group rules that admit it: `sg-1 tcp 22 from 0.0.0.0/0`; empty where no
    /// group stands in front.
    pub group_rules: Vec<String>,
    pub network_acl_id: String,
    /// The inbound and outbound (reply) allow entries, by rule number.
    pub inbound_rules: Vec<i32>,
    pub outbound_rules: Vec<i32>,
    pub route_table_id: String,
    /// The routes to the internet gateway that carry the replies: `0.0.0.0/0 → igw-1`.
    pub routes: Vec<String>,
}

/// Why nothing (more) gets through, layer by layer, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Blocked {
    NoPublicAddress,
    NoInternetRoute,
    Groups,
    AclInbound,
    AclOutbound,
}

impl Blocked {
    pub fn describe(self) -> &'static str {
        match self {
            Blocked::NoPublicAddress => "no public IPv4 or global IPv6 address",
            Blocked::NoInternetRoute => "its subnet has no route to an internet gateway",
            Blocked::Groups => "its security groups admit no internet source",
            Blocked::AclInbound => "its subnet's network ACL denies the traffic inbound",
            Blocked::AclOutbound => "its subnet's network ACL allows no reply to the internet on ephemeral ports",
        }
    }
}

/// The exposure of one place.
#[derive(Debug, Clone, Default)]
pub struct Exposure {
    pub reached: Vec<Reached>,
    /// The first layer that stops the internet, for the traffic asked about that does not
    /// get through (the deepest layer reached, so "the NACL denies it" wins over "the group
    /// does not admit it" when one port gets further than another).
    pub blocked: Option<Blocked>,
    /// What could not be read on the way (a security group that is not among those
    /// collected, a prefix list): sources it would add could widen the reach.
    pub problems: Vec<String>,
}

impl Exposure {
    /// Whether the internet reaches `traffic`.
    pub fn reaches(&self, traffic: Traffic) -> Vec<&Reached> {
        self.reached.iter().filter(|r| r.admits(traffic)).collect()
    }
}

impl Reached {
    /// Whether this reach holds for `traffic`.
    pub fn admits(&self, traffic: Traffic) -> bool {
        match (self.protocol, self.ports, traffic) {
            (Some(Protocol::Tcp), Some(p), Traffic::Tcp(n)) | (Some(Protocol::Udp), Some(p), Traffic::Udp(n)) => {
                p.contains(n)
            }
            (None, _, Traffic::OtherProtocol) => true,
            _ => false,
        }
    }

    /// `TCP 22`, `UDP 1000-2000`, `all other protocols`.
    pub fn traffic_label(&self) -> String {
        match (self.protocol, self.ports) {
            (Some(Protocol::Tcp), Some(p)) => format!("TCP {p}"),
            (Some(Protocol::Udp), Some(p)) => format!("UDP {p}"),
            _ => "all other protocols".to_string(),
        }
    }

    /// `0.0.0.0/0` when every public address gets through, else the blocks that do (at most
    /// three, then how many more).
    pub fn sources_label(&self) -> String {
        describe_sources(&self.sources)
    }

    /// `TCP 22 from 0.0.0.0/0 via public IPv4 …; sg-1 tcp 22 from 0.0.0.0/0; acl-1 inbound
    /// rule 100, outbound rule 100; rtb-1 route 0.0.0.0/0 → igw-1`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.traffic_label(), self.describe_from())
    }

    /// `from 0.0.0.0/0 via …`: the sources and the path, without the traffic.
    pub fn describe_from(&self) -> String {
        format!("from {} via {}", self.sources_label(), self.path.describe())
    }
}

impl Path {
    /// The path, layer by layer, in one line.
    pub fn describe(&self) -> String {
        let mut text = self.address.clone();
        if self.group_rules.is_empty() {
            text.push_str("; no security group");
        } else {
            let _ = write!(text, "; {}", self.group_rules.join(", "));
        }
        let rules = |r: &[i32]| r.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
        let _ = write!(
            text,
            "; {} inbound rule {}, outbound rule {}; {} route {}",
            self.network_acl_id,
            rules(&self.inbound_rules),
            rules(&self.outbound_rules),
            self.route_table_id,
            self.routes.join(", ")
        );
        text
    }
}

/// `0.0.0.0/0`/`::/0` for the whole public space of the family; else the blocks whose
/// public addresses the set holds (`0.0.0.0/1` for the public half below `128.0.0.0`, not the
/// twenty blocks between its private ranges), up to three, then how many more.
pub fn describe_sources(set: &AddrSet) -> String {
    let family = set.family();
    let internet = AddrSet::internet(family);
    if set.contains_set(&internet) {
        return match family {
            Family::V4 => "0.0.0.0/0".to_string(),
            Family::V6 => "::/0".to_string(),
        };
    }
    // Fill in the addresses that are never public, then keep the blocks holding sources.
    let mut filled = set.clone();
    let mut never_public = AddrSet::full(family);
    for &(a, b) in internet.ranges() {
        never_public.remove(a, b);
    }
    filled.union_with(&never_public);
    let blocks: Vec<Cidr> = filled
        .ranges()
        .iter()
        .flat_map(|&(a, b)| range_blocks(family, a, b))
        .filter(|c| !set.intersection(&AddrSet::of(family, [c])).is_empty())
        .collect();
    super::addr::list(&blocks, 3)
}

/// The aligned blocks that make up `first..=last`, in order.
pub fn range_blocks(family: Family, first: u128, last: u128) -> Vec<Cidr> {
    let mut out = Vec::new();
    let mut at = first;
    loop {
        // The widest block starting at `at` that stays within `last`.
        let mut prefix = family.bits();
        while prefix > 0 {
            let host_bits = u32::from(family.bits() - (prefix - 1));
            let mask = if host_bits >= 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
            if at & mask != 0 || at.checked_add(mask).is_none_or(|end| end > last) {
                break;
            }
            prefix -= 1;
        }
        let block = Cidr { family, first: at, prefix };
        out.push(block);
        match block.last().checked_add(1) {
            Some(next) if next <= last => at = next,
            _ => break,
        }
    }
    out
}

impl<'a> Network<'a> {
    /// Indexes a region's networking; `Err` names the read that is missing (exposure cannot
    /// be told without every layer).
    pub fn new(inv: &'a RegionInventory) -> Result<Network<'a>, String> {
        let ec2 = &inv.ec2;
        fn known<'b, T>(what: &str, list: &'b crate::inventory::Collected<Vec<T>>) -> Result<&'b [T], String> {
            list.as_result().map(Vec::as_slice).map_err(|why| format!("{what} could not be read: {why}"))
        }
        let interfaces = known("network interfaces (DescribeNetworkInterfaces)", &ec2.network_interfaces)?;
        let groups = known("security groups (DescribeSecurityGroups)", &ec2.security_groups)?;
        let acls = known("network ACLs (DescribeNetworkAcls)", &ec2.network_acls)?;
        let tables = known("route tables (DescribeRouteTables)", &ec2.route_tables)?;
        let igws = known("internet gateways (DescribeInternetGateways)", &ec2.internet_gateways)?;
        let mut network = Network {
            groups: groups.iter().map(|g| (g.group_id.as_str(), g)).collect(),
            acl_of_subnet: HashMap::new(),
            table_of_subnet: HashMap::new(),
            main_table_of_vpc: HashMap::new(),
            igw_vpcs: igws.iter().map(|g| (g.internet_gateway_id.as_str(), g.attached_vpc_ids.as_slice())).collect(),
            lists: PrefixLists::new(&ec2.managed_prefix_lists),
            interfaces,
        };
        for acl in acls {
            for subnet in &acl.associated_subnet_ids {
                network.acl_of_subnet.insert(subnet, acl);
            }
        }
        for table in tables {
            for subnet in &table.associated_subnet_ids {
                network.table_of_subnet.insert(subnet, table);
            }
            if table.main
                && let Some(vpc) = &table.vpc_id
            {
                network.main_table_of_vpc.insert(vpc, table);
            }
        }
        Ok(network)
    }

    /// The groups of these ids, and a problem for each one not collected.
    fn groups_of(&self, ids: &'a [String], problems: &mut Vec<String>) -> Vec<&'a SecurityGroup> {
        ids.iter()
            .filter_map(|id| {
                let found = self.groups.get(id.as_str()).copied();
                if found.is_none() {
                    problems.push(format!("security group {id} is not among the groups collected"));
                }
                found
            })
            .collect()
    }

    /// A security group by id.
    pub fn group(&self, id: &str) -> Option<&'a SecurityGroup> {
        self.groups.get(id).copied()
    }

    /// The place of an interface: its subnet, groups and public addresses.
    pub fn place_of(interface: &'a NetworkInterface) -> Result<Place<'a>, String> {
        let subnet_id = interface.subnet_id.as_deref().ok_or("the interface names no subnet")?;
        let vpc_id = interface.vpc_id.as_deref().ok_or("the interface names no VPC")?;
        let public_v4 = interface.public_ips.first().map(|ip| {
            // Only an Elastic IP has an allocation (the owner says `amazon` for an
            // auto-assigned address on AWS, not on every emulator).
            let kind = match &ip.allocation_id {
                Some(allocation) => format!("Elastic IP {allocation}"),
                None => "auto-assigned".to_string(),
            };
            format!("{} public IPv4 {} ({kind})", interface.network_interface_id, ip.public_ip)
        });
        let internet_v6 = AddrSet::internet(Family::V6);
        let public_v6 = interface
            .ipv6_addresses
            .iter()
            .find(|a| a.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| internet_v6.contains(u128::from(ip))))
            .map(|a| format!("{} IPv6 {a}", interface.network_interface_id));
        Ok(Place { subnet_id, vpc_id, group_ids: Some(&interface.security_group_ids), public_v4, public_v6 })
    }

    /// The subnet's route table: its own association, else the VPC's main table.
    fn route_table(&self, place: &Place<'_>) -> Option<&'a RouteTable> {
        self.table_of_subnet.get(place.subnet_id).or_else(|| self.main_table_of_vpc.get(place.vpc_id)).copied()
    }

    /// The destinations of `family` that the table sends to an internet gateway attached to
    /// the VPC, by longest prefix match, with the routes that do. Routes to anything else
    /// (local, NAT, peering, egress-only gateway, blackhole) decide their destinations too.
    fn internet_routes(&self, table: &RouteTable, vpc_id: &str, family: Family) -> Result<(AddrSet, Vec<(Cidr, String)>), String> {
        let mut routes: Vec<(Cidr, Option<&str>)> = Vec::new();
        for route in &table.routes {
            let destinations = match (&route.destination_cidr_block, &route.destination_ipv6_cidr_block, &route.destination_prefix_list_id) {
                (Some(c), _, _) | (None, Some(c), _) => vec![Cidr::parse(c).map_err(|e| format!("route table {}: {e}", table.route_table_id))?],
                (None, None, Some(list)) => self.lists.resolve(list).map_err(|e| format!("route table {}: {e}", table.route_table_id))?,
                (None, None, None) => continue,
            };
            let active = route.state.as_deref().is_none_or(|s| s == "active");
            let igw = route
                .gateway_id
                .as_deref()
                .filter(|g| g.starts_with("igw-") && active)
                .filter(|g| self.igw_vpcs.get(g).is_some_and(|vpcs| vpcs.iter().any(|v| v == vpc_id)));
            routes.extend(destinations.into_iter().filter(|c| c.family == family).map(|c| (c, igw)));
        }
        // Longest prefix first: each route decides what no longer one has.
        routes.sort_by(|a, b| b.0.prefix.cmp(&a.0.prefix));
        let mut undecided = AddrSet::full(family);
        let mut to_internet = AddrSet::empty(family);
        let mut used = Vec::new();
        for (cidr, igw) in routes {
            let decided = undecided.intersection(&AddrSet::of(family, [&cidr]));
            if decided.is_empty() {
                continue;
            }
            undecided.remove(cidr.first, cidr.last());
            if let Some(igw) = igw {
                to_internet.union_with(&decided);
                used.push((cidr, igw.to_string()));
            }
        }
        Ok((to_internet, used))
    }

    /// What the internet reaches at `place`, for the traffic asked about.
    pub fn exposure(&self, place: &Place<'a>, ask: Ask<'_>) -> Result<Exposure, String> {
        let mut exposure = Exposure::default();
        let groups = match place.group_ids {
            Some(ids) => Some(self.groups_of(ids, &mut exposure.problems)),
            None => None,
        };
        let acl = self
            .acl_of_subnet
            .get(place.subnet_id)
            .ok_or_else(|| format!("no network ACL is associated with subnet {}", place.subnet_id))?;
        let inbound = nacl::entries_of(acl, false).map_err(|e| format!("network ACL {}: {e}", acl.network_acl_id))?;
        let outbound = nacl::entries_of(acl, true).map_err(|e| format!("network ACL {}: {e}", acl.network_acl_id))?;
        let table = self.route_table(place).ok_or_else(|| {
            format!("subnet {} has no route table of its own and VPC {} has no main route table among those collected", place.subnet_id, place.vpc_id)
        })?;
        let ingress = groups.as_ref().map(|g| ParsedIngress::named(g));
        let traffic: Vec<(Traffic, Option<Ports>)> = match ask {
            Ask::Only(kinds) => kinds.iter().map(|&t| (t, single_port(t))).collect(),
            Ask::Everything => everything(groups.as_deref().unwrap_or(&[]), &inbound),
        };
        let mut blocked = Vec::new();
        for family in Family::ALL {
            let address = match family {
                Family::V4 => &place.public_v4,
                Family::V6 => &place.public_v6,
            };
            let Some(address) = address else {
                blocked.push(Blocked::NoPublicAddress);
                continue;
            };
            let (routed, routes) = self.internet_routes(table, place.vpc_id, family)?;
            let internet = AddrSet::internet(family);
            let routed = routed.intersection(&internet);
            if routed.is_empty() {
                blocked.push(Blocked::NoInternetRoute);
                continue;
            }
            for &(kind, ports) in &traffic {
                // Security groups: the union of the sources of every admitting rule.
                let (sources, group_sources) = match &ingress {
                    Some(ingress) => {
                        let reach = ingress.reach(self.lists, kind);
                        exposure.problems.extend(reach.problems.iter().map(ToString::to_string));
                        let set = AddrSet::of(family, reach.sources.iter().map(|s| &s.cidr));
                        (set, reach.sources)
                    }
                    None => (AddrSet::full(family), Vec::new()),
                };
                let mut set = sources.intersection(&internet);
                if set.is_empty() {
                    blocked.push(Blocked::Groups);
                    continue;
                }
                let (allowed_in, in_rules) = nacl::allowed(&inbound, family, kind);
                set = set.intersection(&allowed_in);
                if set.is_empty() {
                    blocked.push(Blocked::AclInbound);
                    continue;
                }
                let (allowed_out, out_rules) = replies_allowed(&outbound, family, kind);
                set = set.intersection(&allowed_out);
                if set.is_empty() {
                    blocked.push(Blocked::AclOutbound);
                    continue;
                }
                set = set.intersection(&routed);
                if set.is_empty() {
                    blocked.push(Blocked::NoInternetRoute);
                    continue;
                }
                let touching = |part: &AddrSet| !part.intersection(&set).is_empty();
                let mut group_rules: Vec<String> = group_sources
                    .iter()
                    .filter(|s| s.cidr.family == family && touching(&AddrSet::of(family, [&s.cidr])))
                    .map(|s| format!("{} from {}", s.via, s.cidr))
                    .collect();
                group_rules.dedup();
                let path = Path {
                    address: address.clone(),
                    group_rules,
                    network_acl_id: acl.network_acl_id.clone(),
                    inbound_rules: in_rules.iter().filter(|(_, part)| touching(part)).map(|(n, _)| *n).collect(),
                    outbound_rules: dedup(out_rules.iter().filter(|(_, part)| touching(part)).map(|(n, _)| *n).collect()),
                    route_table_id: table.route_table_id.clone(),
                    routes: routes
                        .iter()
                        .filter(|(cidr, _)| touching(&AddrSet::of(family, [cidr])))
                        .map(|(cidr, igw)| format!("{cidr} → {igw}"))
                        .collect(),
                };
                let protocol = match kind {
                    Traffic::Tcp(_) => Some(Protocol::Tcp),
                    Traffic::Udp(_) => Some(Protocol::Udp),
                    Traffic::OtherProtocol => None,
                };
                exposure.reached.push(Reached { protocol, ports, family, sources: set, path });
            }
        }
        exposure.reached = merge(std::mem::take(&mut exposure.reached));
        exposure.problems.sort();
        exposure.problems.dedup();
        exposure.blocked = blocked.into_iter().max();
        Ok(exposure)
    }
}

fn dedup(mut v: Vec<i32>) -> Vec<i32> {
    v.sort_unstable();
    v.dedup();
    v
}

fn single_port(traffic: Traffic) -> Option<Ports> {
    match traffic {
        Traffic::Tcp(p) | Traffic::Udp(p) => Some(Ports { from: p, to: p }),
        Traffic::OtherProtocol => None,
    }
}

/// Every kind of traffic worth asking about: one port per TCP and UDP segment of the
/// groups' rules and the inbound entries (inside a segment no rule changes its answer), and
/// every other protocol.
fn everything(groups: &[&SecurityGroup], inbound: &[Entry]) -> Vec<(Traffic, Option<Ports>)> {
    let mut out = Vec::new();
    for (protocol, make) in [(Protocol::Tcp, Traffic::Tcp as fn(u16) -> Traffic), (Protocol::Udp, Traffic::Udp)] {
        let rule_ports = groups
            .iter()
            .flat_map(|g| g.ip_permissions.iter())
            .filter_map(|r| super::sg::rule_match(r).ok())
            .filter(|m| m.protocol == protocol)
            .filter_map(|m| m.ports);
        let entry_ports = inbound.iter().filter(|e| e.matcher.protocol == protocol).filter_map(|e| e.matcher.ports);
        for seg in segments(rule_ports.chain(entry_ports)) {
            out.push((make(seg.from), Some(seg)));
        }
    }
    out.push((Traffic::OtherProtocol, None));
    out
}

/// The destinations the outbound entries let the replies to `traffic` reach: the same
/// protocol, to some client port in [`EPHEMERAL`] (the union over the ephemeral port
/// segments of the entries), with the allow entries that decide them.
fn replies_allowed(outbound: &[Entry], family: Family, traffic: Traffic) -> (AddrSet, Vec<(i32, AddrSet)>) {
    let (protocol, make): (Protocol, fn(u16) -> Traffic) = match traffic {
        Traffic::Tcp(_) => (Protocol::Tcp, Traffic::Tcp),
        Traffic::Udp(_) => (Protocol::Udp, Traffic::Udp),
        Traffic::OtherProtocol => return nacl::allowed(outbound, family, Traffic::OtherProtocol),
    };
    let mut all = AddrSet::empty(family);
    let mut rules = Vec::new();
    for seg in nacl::entry_segments(outbound, protocol) {
        if seg.to < EPHEMERAL.from {
            continue;
        }
        let (set, by_rule) = nacl::allowed(outbound, family, make(seg.from.max(EPHEMERAL.from)));
        all.union_with(&set);
        rules.extend(by_rule);
    }
    (all, rules)
}

/// Adjacent port segments of one protocol and family with the same sources and path become
/// one range.
fn merge(reached: Vec<Reached>) -> Vec<Reached> {
    let mut out: Vec<Reached> = Vec::with_capacity(reached.len());
    for r in reached {
        if let Some(last) = out.last_mut()
            && last.protocol == r.protocol
            && last.family == r.family
            && last.sources == r.sources
            && last.path == r.path
            && let (Some(a), Some(b)) = (last.ports, r.ports)
            && u32::from(a.to) + 1 == u32::from(b.from)
        {
            last.ports = Some(Ports { from: a.from, to: b.to });
            continue;
        }
        out.push(r);
    }
    out
}
