//! The topology table: each network, and what the internet must reach in it.

use super::lb::{Behind, behind, fronts};
use super::testing::{Topology, Via, allow_all, igw_route, nat_route, out};
use super::{Ask, Blocked, Exposure, Network};
use crate::ec2::testing::{all_traffic, entry, rule, tcp, via_group};
use crate::inventory::ec2::PublicIp;
use crate::net::addr::Family;
use crate::net::proto::Traffic;

const SSH: &[Traffic] = &[Traffic::Tcp(22)];

/// The exposure of interface `id` for `ask`.
fn exposure(topology: &mut Topology, id: &str, ask: Ask<'_>) -> Exposure {
    let inv = topology.inv().clone();
    let network = Network::new(&inv).expect("every read of the topology is known");
    let interface = network.interfaces.iter().find(|i| i.network_interface_id == id).expect("the interface exists");
    let place = Network::place_of(interface).expect("the interface has a place");
    network.exposure(&place, ask).expect("exposure can be told")
}

/// What each reach says, in one line each: `TCP 22 from 0.0.0.0/0 via …`.
fn lines(exposure: &Exposure) -> Vec<String> {
    exposure.reached.iter().map(|r| r.describe()).collect()
}

/// A public subnet `subnet-pub` and an SSH group `sg-ssh` open to the world, IPv4 and IPv6.
fn base() -> Topology {
    let mut t = Topology::new();
    t.public_subnet("subnet-pub").group("sg-ssh", vec![tcp(22, 22, &["0.0.0.0/0", "::/0"])]);
    t
}

#[test]
fn a_public_interface_is_reached_with_its_whole_path() {
    let mut t = base();
    t.interface("eni-pub", "subnet-pub", &["sg-ssh"], Some("198.51.100.7"));
    let e = exposure(&mut t, "eni-pub", Ask::Only(SSH));
    assert_eq!(
        lines(&e),
        ["TCP 22 from 0.0.0.0/0 via eni-pub public IPv4 198.51.100.7 (auto-assigned); sg-ssh tcp 22 from 0.0.0.0/0; \
          acl-subnet-pub inbound rule 100, outbound rule 100; rtb-subnet-pub route 0.0.0.0/0 → igw-1"]
    );
    assert!(e.problems.is_empty());
}

#[test]
fn a_private_subnet_is_not_reached() {
    let mut t = base();
    let mut entries = allow_all(false);
    entries.extend(allow_all(true));
    t.subnet("subnet-priv", Via::Nothing, entries).interface("eni-priv", "subnet-priv", &["sg-ssh"], Some("198.51.100.8"));
    let e = exposure(&mut t, "eni-priv", Ask::Only(SSH));
    assert!(e.reached.is_empty(), "{e:#?}");
    assert_eq!(e.blocked, Some(Blocked::NoInternetRoute));
}

#[test]
fn a_nacl_deny_before_the_allow_closes_the_port_and_only_it() {
    let mut t = base();
    let mut entries = vec![entry(50, "6", "deny", "0.0.0.0/0", Some((22, 22)))];
    entries.extend(allow_all(false));
    entries.extend(allow_all(true));
    t.subnet("subnet-deny", Via::Igw, entries)
        .group("sg-web", vec![tcp(443, 443, &["0.0.0.0/0"])])
        .interface("eni-deny", "subnet-deny", &["sg-ssh", "sg-web"], Some("198.51.100.9"));
    let e = exposure(&mut t, "eni-deny", Ask::Only(&[Traffic::Tcp(22), Traffic::Tcp(443)]));
    assert!(e.reaches(Traffic::Tcp(22)).is_empty(), "{e:#?}");
    assert_eq!(e.reaches(Traffic::Tcp(443)).len(), 1);
    assert_eq!(e.blocked, Some(Blocked::AclInbound));
    // A deny of one office range before the allow leaves the rest of the internet in.
    let mut t = base();
    let mut entries = vec![entry(50, "6", "deny", "81.2.69.0/24", Some((22, 22)))];
    entries.extend(allow_all(false));
    entries.extend(allow_all(true));
    t.subnet("subnet-office", Via::Igw, entries).interface("eni-office", "subnet-office", &["sg-ssh"], Some("198.51.100.10"));
    let e = exposure(&mut t, "eni-office", Ask::Only(SSH));
    assert_eq!(e.reached.len(), 1);
    let reached = &e.reached[0];
    assert!(!reached.sources.contains(u128::from(u32::from(std::net::Ipv4Addr::new(81, 2, 69, 1)))));
    assert!(reached.sources.contains(u128::from(u32::from(std::net::Ipv4Addr::new(81, 2, 70, 1)))));
}

#[test]
fn a_nacl_without_the_ephemeral_return_path_closes_everything() {
    let mut t = base();
    // Replies may only go to HTTPS servers: no client port is allowed.
    let mut entries = allow_all(false);
    entries.push(out(100, "6", "allow", "0.0.0.0/0", Some((443, 443))));
    t.subnet("subnet-noreturn", Via::Igw, entries).interface("eni-noreturn", "subnet-noreturn", &["sg-ssh"], Some("198.51.100.11"));
    let e = exposure(&mut t, "eni-noreturn", Ask::Only(SSH));
    assert!(e.reached.is_empty(), "{e:#?}");
    assert_eq!(e.blocked, Some(Blocked::AclOutbound));
    // With the ephemeral range allowed out, the replies go.
    let mut t = base();
    let mut entries = allow_all(false);
    entries.push(out(100, "6", "allow", "0.0.0.0/0", Some((1024, 65535))));
    t.subnet("subnet-return", Via::Igw, entries).interface("eni-return", "subnet-return", &["sg-ssh"], Some("198.51.100.12"));
    let e = exposure(&mut t, "eni-return", Ask::Only(SSH));
    assert_eq!(e.reached.len(), 1, "{e:#?}");
    assert_eq!(e.reached[0].path.outbound_rules, [100]);
}

#[test]
fn without_an_internet_gateway_route_or_attachment_nothing_arrives() {
    // A route to a gateway that is not attached to the VPC carries nothing.
    let mut t = base();
    let mut entries = allow_all(false);
    entries.extend(allow_all(true));
    t.subnet("subnet-detached", Via::Nothing, entries).table("subnet-detached", vec![igw_route("0.0.0.0/0", "igw-elsewhere")]);
    t.interface("eni-detached", "subnet-detached", &["sg-ssh"], Some("198.51.100.13"));
    let e = exposure(&mut t, "eni-detached", Ask::Only(SSH));
    assert!(e.reached.is_empty());
    assert_eq!(e.blocked, Some(Blocked::NoInternetRoute));
    // A subnet with no table of its own follows the main table (local only).
    let mut t = base();
    t.interface("eni-main", "subnet-none", &["sg-ssh"], Some("198.51.100.14"));
    crate::testing::known_mut(&mut t.inv().ec2.network_acls)[0].associated_subnet_ids.push("subnet-none".to_string());
    let e = exposure(&mut t, "eni-main", Ask::Only(SSH));
    assert!(e.reached.is_empty());
}

#[test]
fn a_route_to_a_nat_gateway_only_is_not_a_way_in() {
    let mut t = base();
    let mut entries = allow_all(false);
    entries.extend(allow_all(true));
    t.subnet("subnet-nat", Via::Nat, entries).interface("eni-nat", "subnet-nat", &["sg-ssh"], Some("198.51.100.15"));
    let e = exposure(&mut t, "eni-nat", Ask::Only(SSH));
    assert!(e.reached.is_empty());
    assert_eq!(e.blocked, Some(Blocked::NoInternetRoute));
}

#[test]
fn the_longest_prefix_decides_which_sources_get_replies() {
    let mut t = base();
    t.table("subnet-pub", vec![igw_route("0.0.0.0/0", "igw-1"), nat_route("81.2.69.0/24")]);
    t.interface("eni-lpm", "subnet-pub", &["sg-ssh"], Some("198.51.100.16"));
    let e = exposure(&mut t, "eni-lpm", Ask::Only(SSH));
    assert_eq!(e.reached.len(), 1);
    let sources = &e.reached[0].sources;
    assert!(!sources.contains(u128::from(u32::from(std::net::Ipv4Addr::new(81, 2, 69, 1)))));
    assert!(!sources.contains_set(&crate::net::AddrSet::internet(Family::V4)));
}

#[test]
fn ipv6_through_an_egress_only_gateway_is_not_reached_and_through_the_internet_gateway_is() {
    let mut t = base();
    let mut entries = allow_all(false);
    entries.extend(allow_all(true));
    t.subnet("subnet-v6", Via::EgressOnly, entries).interface("eni-v6", "subnet-v6", &["sg-ssh"], None);
    t.last_interface().ipv6_addresses = vec!["2600:1f18:1:2::5".to_string()];
    let e = exposure(&mut t, "eni-v6", Ask::Only(SSH));
    assert!(e.reached.is_empty(), "{e:#?}");
    assert_eq!(e.blocked, Some(Blocked::NoInternetRoute));
    t.table("subnet-v6", vec![igw_route("::/0", "igw-1")]);
    let e = exposure(&mut t, "eni-v6", Ask::Only(SSH));
    assert_eq!(lines(&e).len(), 1);
    assert!(lines(&e)[0].starts_with("TCP 22 from ::/0 via eni-v6 IPv6 2600:1f18:1:2::5; sg-ssh tcp 22 from ::/0"), "{:?}", lines(&e));
    assert_eq!(e.reached[0].family, Family::V6);
}

#[test]
fn an_elastic_ip_opens_the_path_and_its_twin_without_one_stays_closed() {
    let mut t = base();
    t.interface("eni-eip", "subnet-pub", &["sg-ssh"], None);
    t.last_interface().public_ips = vec![PublicIp {
        public_ip: "198.51.100.20".to_string(),
        private_ip: Some("10.0.1.10".to_string()),
        allocation_id: Some("eipalloc-1".to_string()),
        ip_owner_id: Some("123456789012".to_string()),
    }];
    t.interface("eni-twin", "subnet-pub", &["sg-ssh"], None);
    let e = exposure(&mut t, "eni-eip", Ask::Only(SSH));
    assert_eq!(e.reached.len(), 1);
    assert_eq!(e.reached[0].path.address, "eni-eip public IPv4 198.51.100.20 (Elastic IP eipalloc-1)");
    let e = exposure(&mut t, "eni-twin", Ask::Only(SSH));
    assert!(e.reached.is_empty());
    assert_eq!(e.blocked, Some(Blocked::NoPublicAddress));
}

#[test]
fn two_groups_on_one_interface_split_the_internet_and_together_open_it() {
    let mut t = base();
    t.group("sg-low", vec![tcp(3306, 3306, &["0.0.0.0/1"])])
        .group("sg-high", vec![tcp(3306, 3306, &["128.0.0.0/1"])])
        .interface("eni-split", "subnet-pub", &["sg-low", "sg-high"], Some("198.51.100.21"));
    let e = exposure(&mut t, "eni-split", Ask::Only(&[Traffic::Tcp(3306)]));
    assert_eq!(e.reached.len(), 1);
    assert_eq!(e.reached[0].sources_label(), "0.0.0.0/0");
    assert_eq!(e.reached[0].path.group_rules, ["sg-low tcp 3306 from 0.0.0.0/1", "sg-high tcp 3306 from 128.0.0.0/1"]);
    // Either half alone opens half the internet, which is still reached.
    let mut t = base();
    t.group("sg-low", vec![tcp(3306, 3306, &["0.0.0.0/1"])]).interface("eni-half", "subnet-pub", &["sg-low"], Some("198.51.100.22"));
    let e = exposure(&mut t, "eni-half", Ask::Only(&[Traffic::Tcp(3306)]));
    assert_eq!(e.reached.len(), 1);
    assert_eq!(e.reached[0].sources_label(), "0.0.0.0/1");
}

#[test]
fn a_target_behind_a_load_balancer_is_reached_only_through_its_listener() {
    let mut t = base();
    t.public_subnet("subnet-pub-b")
        .subnet("subnet-app", Via::Nothing, {
            let mut e = allow_all(false);
            e.extend(allow_all(true));
            e
        })
        .group("sg-lb", vec![tcp(443, 443, &["0.0.0.0/0"])])
        .group("sg-app", vec![via_group(tcp(8080, 8080, &[]), "sg-lb")])
        .group("sg-other", vec![tcp(8080, 8080, &["81.2.69.0/24"])])
        .interface("eni-app", "subnet-app", &["sg-app"], None)
        .of_instance("i-app")
        .interface("eni-other", "subnet-app", &["sg-other"], None)
        .of_instance("i-other")
        .alb(&["subnet-pub", "subnet-pub-b"], &["sg-lb"], &[("HTTPS", 443), ("HTTP", 8443)], &["i-app", "i-other"], 8080);
    // Directly, the target is not reached.
    assert!(exposure(&mut t, "eni-app", Ask::Everything).reached.is_empty());
    let inv = t.inv().clone();
    let network = Network::new(&inv).unwrap();
    let fronts = fronts(&network, &inv).unwrap();
    assert_eq!(fronts.len(), 1);
    let reached: Vec<&str> = fronts[0].reached().map(|l| l.label.as_str()).collect();
    assert_eq!(reached, ["HTTPS 443"], "the load balancer's group does not admit 8443");
    let behinds = behind(&network, &inv, &fronts).unwrap();
    assert_eq!(
        behinds.by_interface.get("eni-app").map(Vec::as_slice),
        Some(
            &[Behind {
                front: "application load balancer web".to_string(),
                listeners: vec!["HTTPS 443".to_string()],
                traffic: Traffic::Tcp(8080),
                target_group: Some("tg-web".to_string()),
                admitted_by: "sg-app tcp 8080 from sg-lb".to_string(),
                way_in: "HTTPS 443 from 0.0.0.0/0 via application load balancer web node in subnet-pub; sg-lb tcp 443 from 0.0.0.0/0; \
                         acl-subnet-pub inbound rule 100, outbound rule 100; rtb-subnet-pub route 0.0.0.0/0 → igw-1"
                    .to_string(),
            }][..]
        )
    );
    assert!(!behinds.by_interface.contains_key("eni-other"), "its group admits an office range, not the load balancer");
    assert!(behinds.unknown.is_empty());
}

#[test]
fn a_load_balancer_whose_group_is_unknown_leaves_its_targets_unknown() {
    let mut t = base();
    t.public_subnet("subnet-pub-b")
        .group("sg-app", vec![via_group(tcp(8080, 8080, &[]), "sg-lb")])
        .interface("eni-app", "subnet-pub", &["sg-app"], None)
        .of_instance("i-app")
        .alb(&["subnet-pub", "subnet-pub-b"], &["sg-lb"], &[("HTTPS", 443)], &["i-app"], 8080);
    let inv = t.inv().clone();
    let network = Network::new(&inv).unwrap();
    let fronts = fronts(&network, &inv).unwrap();
    assert_eq!(fronts[0].reached().count(), 0);
    assert_eq!(fronts[0].problems, ["security group sg-lb is not among the groups collected"]);
    let behinds = behind(&network, &inv, &fronts).unwrap();
    assert!(behinds.by_interface.is_empty());
    assert_eq!(behinds.unknown, ["application load balancer web: security group sg-lb is not among the groups collected"]);
}

#[test]
fn a_load_balancer_in_private_subnets_reaches_nothing() {
    let mut t = base();
    let mut entries = allow_all(false);
    entries.extend(allow_all(true));
    t.subnet("subnet-app", Via::Nothing, entries)
        .group("sg-lb", vec![tcp(443, 443, &["0.0.0.0/0"])])
        .group("sg-app", vec![via_group(tcp(8080, 8080, &[]), "sg-lb")])
        .interface("eni-app", "subnet-app", &["sg-app"], None)
        .of_instance("i-app")
        .alb(&["subnet-app"], &["sg-lb"], &[("HTTPS", 443)], &["i-app"], 8080);
    let inv = t.inv().clone();
    let network = Network::new(&inv).unwrap();
    let fronts = fronts(&network, &inv).unwrap();
    assert_eq!(fronts[0].reached().count(), 0);
    assert!(behind(&network, &inv, &fronts).unwrap().by_interface.is_empty());
}

#[test]
fn everything_is_asked_by_port_segments_and_merged_back() {
    let mut t = base();
    let mut entries = vec![entry(50, "6", "deny", "0.0.0.0/0", Some((22, 22)))];
    entries.extend(allow_all(false));
    entries.extend(allow_all(true));
    t.subnet("subnet-all", Via::Igw, entries).group("sg-all", vec![all_traffic(&["0.0.0.0/0"])]).interface(
        "eni-all",
        "subnet-all",
        &["sg-all"],
        Some("198.51.100.30"),
    );
    let e = exposure(&mut t, "eni-all", Ask::Everything);
    let kinds: Vec<String> = e.reached.iter().map(|r| r.traffic_label()).collect();
    assert_eq!(kinds, ["TCP 0-21", "TCP 23-65535", "UDP 0-65535", "all other protocols"]);
}

#[test]
fn an_unknown_group_is_a_problem_and_unreadable_layers_are_errors() {
    let mut t = base();
    t.interface("eni-gone", "subnet-pub", &["sg-gone"], Some("198.51.100.31"));
    let e = exposure(&mut t, "eni-gone", Ask::Only(SSH));
    assert!(e.reached.is_empty());
    assert_eq!(e.problems, ["security group sg-gone is not among the groups collected"]);
    // A subnet whose NACL is not known cannot be judged.
    let mut t = base();
    t.interface("eni-lost", "subnet-lost", &["sg-ssh"], Some("198.51.100.32"));
    let inv = t.inv().clone();
    let network = Network::new(&inv).unwrap();
    let place = Network::place_of(&network.interfaces[0]).unwrap();
    assert_eq!(network.exposure(&place, Ask::Only(SSH)).unwrap_err(), "no network ACL is associated with subnet subnet-lost");
    // A malformed entry makes the whole ACL unreadable.
    let mut t = base();
    crate::testing::known_mut(&mut t.inv().ec2.network_acls)[0].entries.push(entry(70, "6", "allow", "not-a-cidr", Some((1, 2))));
    t.interface("eni-bad", "subnet-pub", &["sg-ssh"], Some("198.51.100.33"));
    let inv = t.inv().clone();
    let network = Network::new(&inv).unwrap();
    let place = Network::place_of(&network.interfaces[0]).unwrap();
    assert!(network.exposure(&place, Ask::Only(SSH)).unwrap_err().starts_with("network ACL acl-subnet-pub: malformed CIDR"));
    // Denied reads are named.
    let mut t = base();
    t.inv().ec2.route_tables = crate::testing::denied();
    let inv = t.inv().clone();
    assert!(Network::new(&inv).err().unwrap().starts_with("route tables (DescribeRouteTables) could not be read"));
    let _ = rule("udp", 1, 2, &[]);
}
