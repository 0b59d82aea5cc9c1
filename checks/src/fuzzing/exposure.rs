//! `exposure`: effective exposure of one interface against a packet-by-packet model.
//!
//! The bytes build a small topology: two security groups, a subnet's network ACL (inbound
//! and outbound entries), its route table (routes to an attached or a detached internet
//! gateway, a NAT gateway, an egress-only gateway, a blackhole) and the interface's public
//! IPv4 and global IPv6 addresses. Then, for packets chosen at the edges of every range in
//! the topology, the model decides delivery the way AWS does, one packet at a time: a group
//! rule admits the source; the lowest-numbered matching inbound entry allows it; some client
//! port 1024–65535 exists whose reply the lowest-numbered matching outbound entry allows; the
//! longest matching route sends the reply to an attached internet gateway; the interface has
//! an address of the family; the source is public. `Network::exposure` must agree, asked
//! about that one kind of traffic and asked about everything (port segments merged back).

use crate::inventory::ec2::{InternetGateway, IpPermission, NetworkAcl, NetworkAclEntry, NetworkInterface, PortRange, PublicIp, Route, RouteTable, SecurityGroup};
use crate::inventory::{Collected, RegionInventory};
use crate::net::exposure::{Ask, Network};
use crate::net::{AddrSet, Cidr, Family, Match, Protocol, Traffic};

use super::Bytes;

/// Ports worth colliding on: edges of the ephemeral range, common services, the extremes.
const PORTS: [u16; 12] = [0, 1, 21, 22, 23, 443, 1023, 1024, 1025, 8080, 65534, 65535];

fn port(b: &mut Bytes<'_>) -> u16 {
    let x = b.u8();
    if x < 200 { PORTS[usize::from(x) % PORTS.len()] } else { b.u16() }
}

fn range(b: &mut Bytes<'_>) -> (u16, u16) {
    let (a, c) = (port(b), port(b));
    (a.min(c), a.max(c))
}

/// A block of either family, biased toward the interesting ones (`/0`, the halves, public).
fn cidr(b: &mut Bytes<'_>) -> Cidr {
    let family = if b.u8() % 3 == 0 { Family::V6 } else { Family::V4 };
    let prefix = match b.u8() % 4 {
        0 => 0,
        1 => 1,
        _ => b.u8() % (family.bits() + 1),
    };
    let value = match family {
        Family::V4 => u128::from(u32::from_le_bytes([b.u8(), b.u8(), b.u8(), b.u8()])),
        // Mostly global unicast (2000::/3), so that some of it is the internet.
        Family::V6 => (0x2u128 << 124) | b.u128(15),
    };
    let host = if prefix == 0 { family.max() } else { (1u128 << (family.bits() - prefix)) - 1 };
    Cidr { family, first: value & !host, prefix }
}

fn protocol(b: &mut Bytes<'_>) -> &'static str {
    ["6", "17", "-1", "1"][usize::from(b.u8() % 4)]
}

fn sg_rule(b: &mut Bytes<'_>) -> IpPermission {
    let protocol = ["tcp", "udp", "-1", "icmp"][usize::from(b.u8() % 4)];
    let (from, to) = range(b);
    let c = cidr(b);
    let text = c.to_string();
    IpPermission {
        ip_protocol: protocol.to_string(),
        from_port: Some(i32::from(from)),
        to_port: Some(i32::from(to)),
        ip_ranges: if c.family == Family::V4 { vec![text.clone()].into() } else { Box::default() },
        ipv6_ranges: if c.family == Family::V6 { vec![text].into() } else { Box::default() },
        prefix_list_ids: Box::default(),
        referenced_group_ids: Box::default(),
    }
}

fn acl_entry(b: &mut Bytes<'_>, egress: bool, number: i32) -> NetworkAclEntry {
    let protocol = protocol(b);
    let (from, to) = range(b);
    let c = cidr(b);
    NetworkAclEntry {
        rule_number: number,
        protocol: protocol.to_string(),
        rule_action: if b.u8() % 3 == 0 { "deny" } else { "allow" }.to_string(),
        egress,
        cidr_block: (c.family == Family::V4).then(|| c.to_string()),
        ipv6_cidr_block: (c.family == Family::V6).then(|| c.to_string()),
        port_range: matches!(protocol, "6" | "17").then_some(PortRange { from: i32::from(from), to: i32::from(to) }),
    }
}

/// Where a route sends traffic, as the model reads it: true for an attached internet gateway.
fn route(b: &mut Bytes<'_>, dest: Cidr) -> (Route, bool) {
    let kind = b.u8() % 5;
    let (v4, v6) = match dest.family {
        Family::V4 => (Some(dest.to_string()), None),
        Family::V6 => (None, Some(dest.to_string())),
    };
    let mut r = Route {
        destination_cidr_block: v4,
        destination_ipv6_cidr_block: v6,
        destination_prefix_list_id: None,
        gateway_id: None,
        vpc_peering_connection_id: None,
        nat_gateway_id: None,
        transit_gateway_id: None,
        egress_only_internet_gateway_id: None,
        state: Some("active".to_string()),
    };
    let to_internet = match kind {
        0 => {
            r.gateway_id = Some("igw-attached".to_string());
            true
        }
        1 => {
            r.gateway_id = Some("igw-elsewhere".to_string());
            false
        }
        2 => {
            r.nat_gateway_id = Some("nat-1".to_string());
            false
        }
        3 => {
            r.egress_only_internet_gateway_id = Some("eigw-1".to_string());
            false
        }
        _ => {
            r.gateway_id = Some("igw-attached".to_string());
            r.state = Some("blackhole".to_string());
            false
        }
    };
    (r, to_internet)
}

struct Model {
    rules: Vec<(Match, Cidr)>,
    inbound: Vec<(bool, Match, Cidr)>,
    outbound: Vec<(bool, Match, Cidr)>,
    routes: Vec<(Cidr, bool)>,
    v4: bool,
    v6: bool,
}

fn model_push(model: &mut Model, egress: bool, m: Match, c: Cidr) {
    let list = if egress { &mut model.outbound } else { &mut model.inbound };
    list.push((true, m, c));
}

fn matcher(protocol: &str, ports: Option<(u16, u16)>) -> Option<Match> {
    Match::new(Protocol::parse(protocol).ok()?, ports.map(|(a, b)| (i32::from(a), i32::from(b)))).ok()
}

fn contains(c: &Cidr, family: Family, addr: u128) -> bool {
    c.family == family && c.first <= addr && addr <= c.last()
}

/// The first matching entry's action; no match denies.
fn first_match(entries: &[(bool, Match, Cidr)], traffic: Traffic, family: Family, addr: u128) -> bool {
    entries.iter().find(|(_, m, c)| m.matches(traffic) && contains(c, family, addr)).is_some_and(|(allow, _, _)| *allow)
}

impl Model {
    fn delivers(&self, traffic: Traffic, family: Family, src: u128) -> bool {
        let address = match family {
            Family::V4 => self.v4,
            Family::V6 => self.v6,
        };
        if !address || !AddrSet::internet(family).contains(src) {
            return false;
        }
        if !self.rules.iter().any(|(m, c)| m.matches(traffic) && contains(c, family, src)) {
            return false;
        }
        if !first_match(&self.inbound, traffic, family, src) {
            return false;
        }
        let reply_ok = match traffic {
            Traffic::OtherProtocol => first_match(&self.outbound, Traffic::OtherProtocol, family, src),
            Traffic::Tcp(_) | Traffic::Udp(_) => {
                let make = |p: u16| if matches!(traffic, Traffic::Tcp(_)) { Traffic::Tcp(p) } else { Traffic::Udp(p) };
                // Every client port whose answer could differ: the range's ends and every
                // entry's edges inside it.
                let mut candidates = vec![1024u16, 65535];
                for (_, m, _) in &self.outbound {
                    if let Some(p) = m.ports {
                        for q in [p.from, p.to, p.from.saturating_sub(1), p.to.saturating_add(1)] {
                            if q >= 1024 {
                                candidates.push(q);
                            }
                        }
                    }
                }
                candidates.iter().any(|&p| first_match(&self.outbound, make(p), family, src))
            }
        };
        if !reply_ok {
            return false;
        }
        // Longest prefix match over the routes holding the source.
        self.routes
            .iter()
            .filter(|(c, _)| contains(c, family, src))
            .max_by_key(|(c, _)| c.prefix)
            .is_some_and(|(_, to_internet)| *to_internet)
    }
}

/// Input: the bytes of the topology, then of the probes.
pub fn exposure(data: &[u8]) {
    run(data);
}

/// The harness; returns how many probes were judged and how many the model delivered.
fn run(data: &[u8]) -> (usize, usize) {
    let mut b = Bytes::new(data);
    let mut model = Model { rules: Vec::new(), inbound: Vec::new(), outbound: Vec::new(), routes: Vec::new(), v4: false, v6: false };
    let mut groups = Vec::new();
    for g in 0..2 {
        let rules: Vec<IpPermission> = (0..b.u8() % 5).map(|_| sg_rule(&mut b)).collect();
        for r in &rules {
            let ports = r.from_port.zip(r.to_port).map(|(a, c)| (a as u16, c as u16));
            let proto = match r.ip_protocol.as_str() {
                "tcp" => "6",
                "udp" => "17",
                "icmp" => "1",
                other => other,
            };
            let m = matcher(proto, matches!(proto, "6" | "17").then_some(ports).flatten());
            let c = r.ip_ranges.iter().chain(r.ipv6_ranges.iter()).next().and_then(|t| Cidr::parse(t).ok());
            if let (Some(m), Some(c)) = (m, c) {
                model.rules.push((m, c));
            }
        }
        groups.push(SecurityGroup {
            group_id: format!("sg-{g}"),
            group_name: format!("sg-{g}"),
            vpc_id: Some("vpc-1".to_string()),
            ip_permissions: rules.into(),
            ip_permissions_egress: Box::default(),
        });
    }
    let mut entries = Vec::new();
    for egress in [false, true] {
        let mut number = 0;
        for _ in 0..b.u8() % 6 {
            number += 1 + i32::from(b.u8() % 20);
            let e = acl_entry(&mut b, egress, number);
            let ports = e.port_range.map(|r| (r.from as u16, r.to as u16));
            let c = e.cidr_block.as_deref().or(e.ipv6_cidr_block.as_deref()).and_then(|t| Cidr::parse(t).ok());
            if let (Some(m), Some(c)) = (matcher(&e.protocol, ports), c) {
                let list = if egress { &mut model.outbound } else { &mut model.inbound };
                list.push((e.rule_action == "allow", m, c));
            }
            entries.push(e);
        }
        // Often the allow-all a default ACL has, after the entries drawn.
        if b.u8() % 2 == 0 {
            for (i, everyone) in ["0.0.0.0/0", "::/0"].into_iter().enumerate() {
                let c = Cidr::parse(everyone).unwrap_or(Cidr { family: Family::V4, first: 0, prefix: 0 });
                model_push(&mut model, egress, Match { protocol: Protocol::All, ports: None }, c);
                entries.push(NetworkAclEntry {
                    rule_number: 30000 + i as i32,
                    protocol: "-1".to_string(),
                    rule_action: "allow".to_string(),
                    egress,
                    cidr_block: (c.family == Family::V4).then(|| everyone.to_string()),
                    ipv6_cidr_block: (c.family == Family::V6).then(|| everyone.to_string()),
                    port_range: None,
                });
            }
        }
    }
    let mut routes = Vec::new();
    let mut seen: Vec<Cidr> = Vec::new();
    for _ in 0..b.u8() % 5 {
        let dest = cidr(&mut b);
        let (r, to_internet) = route(&mut b, dest);
        // A table holds one route per destination.
        if seen.contains(&dest) {
            continue;
        }
        seen.push(dest);
        model.routes.push((dest, to_internet));
        routes.push(r);
    }
    // Often the default routes to the attached internet gateway.
    if b.u8() % 2 == 0 {
        for everyone in ["0.0.0.0/0", "::/0"] {
            let Ok(dest) = Cidr::parse(everyone) else { continue };
            if !seen.contains(&dest) {
                seen.push(dest);
                let (mut r, _) = route(&mut Bytes::new(&[0]), dest);
                r.gateway_id = Some("igw-attached".to_string());
                model.routes.push((dest, true));
                routes.push(r);
            }
        }
    }
    model.v4 = b.u8() % 2 == 0;
    model.v6 = b.u8() % 2 == 0;
    let mut inv = RegionInventory::default();
    inv.ec2.security_groups = Collected::Known(groups);
    inv.ec2.managed_prefix_lists = Collected::Known(Vec::new());
    inv.ec2.network_acls =
        Collected::Known(vec![NetworkAcl { network_acl_id: "acl-1".to_string(), entries, associated_subnet_ids: vec!["subnet-1".to_string()] }]);
    inv.ec2.route_tables = Collected::Known(vec![RouteTable {
        route_table_id: "rtb-1".to_string(),
        vpc_id: Some("vpc-1".to_string()),
        main: false,
        associated_subnet_ids: vec!["subnet-1".to_string()],
        routes,
    }]);
    inv.ec2.internet_gateways = Collected::Known(vec![
        InternetGateway { internet_gateway_id: "igw-attached".to_string(), attached_vpc_ids: vec!["vpc-1".to_string()] },
        InternetGateway { internet_gateway_id: "igw-elsewhere".to_string(), attached_vpc_ids: vec!["vpc-2".to_string()] },
    ]);
    inv.ec2.network_interfaces = Collected::Known(vec![NetworkInterface {
        network_interface_id: "eni-1".to_string(),
        subnet_id: Some("subnet-1".to_string()),
        vpc_id: Some("vpc-1".to_string()),
        interface_type: Some("interface".to_string()),
        description: None,
        status: Some("in-use".to_string()),
        attached_instance_id: None,
        device_index: None,
        security_group_ids: vec!["sg-0".to_string(), "sg-1".to_string()],
        private_ip_addresses: vec!["10.0.0.5".to_string()],
        public_ips: if model.v4 {
            vec![PublicIp { public_ip: "198.51.100.9".to_string(), private_ip: None, allocation_id: None, ip_owner_id: None }]
        } else {
            Vec::new()
        },
        ipv6_addresses: if model.v6 { vec!["2600:1f18::5".to_string()] } else { Vec::new() },
    }]);
    let Ok(network) = Network::new(&inv) else { panic!("every read of the topology is known") };
    let Ok(place) = Network::place_of(&network.interfaces[0]) else { panic!("the interface has a subnet and a VPC") };
    let everything = match network.exposure(&place, Ask::Everything) {
        Ok(e) => e,
        // Only a malformed entry could refuse it, and the generator writes none.
        Err(why) => panic!("exposure refused a well-formed topology: {why}"),
    };
    // Probes: every kind of traffic at every port edge, from every block edge.
    let mut sources: Vec<(Family, u128)> = Vec::new();
    let blocks = model.rules.iter().map(|(_, c)| *c).chain(model.inbound.iter().chain(&model.outbound).map(|(_, _, c)| *c)).chain(model.routes.iter().map(|(c, _)| *c));
    for c in blocks {
        for a in [c.first, c.last(), c.first.wrapping_sub(1), c.last().wrapping_add(1)] {
            if a <= c.family.max() {
                sources.push((c.family, a));
            }
        }
    }
    while !b.is_empty() && sources.len() < 64 {
        let c = cidr(&mut b);
        sources.push((c.family, c.first | (b.u128(4) & (c.last() - c.first))));
    }
    let mut ports: Vec<u16> = PORTS.to_vec();
    for (m, _) in &model.rules {
        if let Some(p) = m.ports {
            ports.extend([p.from, p.to, p.from.saturating_sub(1), p.to.saturating_add(1)]);
        }
    }
    for (_, m, _) in &model.inbound {
        if let Some(p) = m.ports {
            ports.extend([p.from, p.to, p.from.saturating_sub(1), p.to.saturating_add(1)]);
        }
    }
    ports.sort_unstable();
    ports.dedup();
    let kinds: Vec<Traffic> = ports.iter().flat_map(|&p| [Traffic::Tcp(p), Traffic::Udp(p)]).chain([Traffic::OtherProtocol]).collect();
    let (mut probes, mut delivered) = (0, 0);
    for &traffic in &kinds {
        let only = match network.exposure(&place, Ask::Only(&[traffic])) {
            Ok(e) => e,
            Err(why) => panic!("exposure refused a well-formed topology: {why}"),
        };
        for &(family, src) in &sources {
            let want = model.delivers(traffic, family, src);
            let got = |e: &crate::net::exposure::Exposure| e.reaches(traffic).iter().any(|r| r.family == family && r.sources.contains(src));
            assert_eq!(got(&only), want, "asked about {traffic} only: source {src:#x} ({family:?})");
            assert_eq!(got(&everything), want, "asked about everything: {traffic} from {src:#x} ({family:?})");
            probes += 1;
            delivered += usize::from(want);
        }
    }
    (probes, delivered)
}

#[cfg(test)]
mod tests {
    /// Thousands of pseudo-random topologies on every test run (the fuzzer goes further):
    /// the model must deliver some packets and refuse others, or the property proves nothing.
    #[test]
    fn exposure_agrees_with_the_packet_model_on_random_topologies() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut probes, mut delivered) = (0, 0);
        for _ in 0..1500 {
            let len = 40 + (next() % 160) as usize;
            let data: Vec<u8> = (0..len).map(|_| (next() & 0xff) as u8).collect();
            let (p, d) = super::run(&data);
            probes += p;
            delivered += d;
        }
        assert!(probes > 100_000, "{probes} probes");
        assert!(delivered > 10_000 && delivered < probes / 2, "{delivered} of {probes} delivered");
    }
}
