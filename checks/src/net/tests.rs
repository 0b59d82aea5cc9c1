//! Table-driven tests of the exposure math.

use crate::ec2::testing::*;
use super::*;
use crate::inventory::Collected;
use crate::inventory::ec2::{IpPermission, NetworkAclEntry, PrefixList, SecurityGroup};

fn cidrs(texts: &[&str]) -> Vec<Cidr> {
    texts.iter().map(|t| Cidr::parse(t).unwrap_or_else(|e| panic!("{t}: {e}"))).collect()
}

#[test]
fn cidr_parsing() {
    let ok = [
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("10.0.0.1/8", "10.0.0.0/8"),
        (" 192.168.1.0/24 ", "192.168.1.0/24"),
        ("255.255.255.255/32", "255.255.255.255/32"),
        ("::/0", "::/0"),
        ("2001:DB8::1/32", "2001:db8::/32"),
        ("8000::/1", "8000::/1"),
    ];
    for (text, want) in ok {
        assert_eq!(Cidr::parse(text).map(|c| c.to_string()), Ok(want.to_string()), "{text}");
    }
    let malformed = [
        "10.0.0.300/8",
        "abc",
        "/33",
        "10.0.0.0/33",
        "10.0.0.0",
        "::/129",
        "10.0.0.0/-1",
        "10.0.0.0/+8",
        "10.0.0.0/",
        "",
        "1.2.3/24",
        "fe80::zz/64",
        "10.0.0.0/0008",
    ];
    for text in malformed {
        let err = Cidr::parse(text).expect_err(text);
        assert!(matches!(err, NetError::MalformedCidr { .. }), "{text}: {err:?}");
        assert!(err.to_string().contains("malformed CIDR"), "{text}: {err}");
    }
}

#[test]
fn internet_coverage() {
    let cases: &[(&str, Family, &[&str], bool)] = &[
        ("the whole space", Family::V4, &["0.0.0.0/0"], true),
        ("two /1 halves", Family::V4, &["0.0.0.0/1", "128.0.0.0/1"], true),
        ("one half", Family::V4, &["0.0.0.0/1"], false),
        ("quarters and a half", Family::V4, &["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"], true),
        (
            "everything but 10/8 (private)",
            Family::V4,
            &[
                "0.0.0.0/5",
                "8.0.0.0/7",
                "11.0.0.0/8",
                "12.0.0.0/6",
                "16.0.0.0/4",
                "32.0.0.0/3",
                "64.0.0.0/2",
                "128.0.0.0/1",
            ],
            true,
        ),
        (
            "everything but 10/8 and 11/8 (public)",
            Family::V4,
            &["0.0.0.0/5", "8.0.0.0/7", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"],
            false,
        ),
        ("private ranges", Family::V4, &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], false),
        ("nothing", Family::V4, &[], false),
        ("IPv6 only, asked about IPv4", Family::V4, &["::/0"], false),
        ("IPv6 whole space", Family::V6, &["::/0"], true),
        ("IPv6 halves", Family::V6, &["::/1", "8000::/1"], true),
        ("IPv6 lower half holds all global unicast", Family::V6, &["::/1"], true),
        ("IPv6 upper half is not the internet", Family::V6, &["8000::/1"], false),
        ("IPv6 global unicast", Family::V6, &["2000::/3"], true),
        ("IPv6 documentation", Family::V6, &["2001:db8::/32"], false),
        ("IPv4 only, asked about IPv6", Family::V6, &["0.0.0.0/0"], false),
    ];
    for (name, family, texts, want) in cases {
        assert_eq!(covers_internet(*family, &cidrs(texts)), *want, "{name}");
    }
}

#[test]
fn the_cover_names_only_the_sources_that_open_the_door() {
    let cases: &[(&[&str], Option<&str>)] = &[
        (&["0.0.0.0/0", "81.2.69.0/24"], Some("0.0.0.0/0")),
        (&["81.2.69.0/24", "128.0.0.0/1", "0.0.0.0/1"], Some("0.0.0.0/1, 128.0.0.0/1")),
        (&["81.2.69.0/24", "0.0.0.0/1"], None),
    ];
    for (texts, want) in cases {
        let got = internet_cover(Family::V4, &cidrs(texts)).map(|c| addr::list(&c, 5));
        assert_eq!(got.as_deref(), *want, "{texts:?}");
    }
}

#[test]
fn set_operations_and_widest_block() {
    let mut set = AddrSet::full(Family::V4);
    set.remove_cidr(&cidrs(&["0.0.0.0/1"])[0]);
    assert_eq!(set.widest_block().map(|c| c.to_string()).as_deref(), Some("128.0.0.0/1"));

    let merged = AddrSet::of(Family::V4, &cidrs(&["10.128.0.0/9", "10.0.0.0/9"]));
    assert_eq!(merged.widest_block().map(|c| c.to_string()).as_deref(), Some("10.0.0.0/8"));

    let odd = AddrSet::of(Family::V4, &cidrs(&["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30"]));
    assert_eq!(odd.widest_block().map(|c| c.to_string()).as_deref(), Some("10.0.0.4/30"));

    let v6 = AddrSet::full(Family::V6);
    assert_eq!(v6.widest_block().map(|c| c.to_string()).as_deref(), Some("::/0"));
    assert!(v6.covers_internet());
    assert!(AddrSet::empty(Family::V6).widest_block().is_none());

    let a = AddrSet::of(Family::V4, &cidrs(&["10.0.0.0/8"]));
    let b = AddrSet::of(Family::V4, &cidrs(&["10.1.0.0/16", "11.0.0.0/8"]));
    assert_eq!(a.intersection(&b), AddrSet::of(Family::V4, &cidrs(&["10.1.0.0/16"])));
    assert!(a.contains_set(&a.intersection(&b)));
    assert!(!a.contains_set(&b));
}

#[test]
fn rule_matching() {
    type Case = (&'static str, Option<(i32, i32)>, Traffic, bool);
    let cases: &[Case] = &[
        ("-1", None, Traffic::Tcp(22), true),
        ("-1", Some((-1, -1)), Traffic::Udp(53), true),
        ("-1", None, Traffic::OtherProtocol, true),
        ("tcp", Some((20, 25)), Traffic::Tcp(22), true),
        ("tcp", Some((22, 22)), Traffic::Tcp(22), true),
        ("tcp", Some((23, 25)), Traffic::Tcp(22), false),
        ("tcp", Some((0, 65535)), Traffic::Tcp(65535), true),
        ("6", Some((22, 22)), Traffic::Tcp(22), true),
        ("TCP", Some((22, 22)), Traffic::Tcp(22), true),
        ("tcp", Some((22, 22)), Traffic::Udp(22), false),
        ("udp", Some((22, 22)), Traffic::Tcp(22), false),
        ("17", Some((0, 65535)), Traffic::Udp(53), true),
        ("icmp", Some((-1, -1)), Traffic::Tcp(22), false),
        ("icmpv6", Some((-1, -1)), Traffic::Tcp(22), false),
        ("50", None, Traffic::Tcp(22), false),
        ("50", None, Traffic::OtherProtocol, false),
    ];
    for (protocol, ports, traffic, want) in cases {
        let m =
            Protocol::parse(protocol).and_then(|p| Match::new(p, *ports)).unwrap_or_else(|e| panic!("{protocol}: {e}"));
        assert_eq!(m.matches(*traffic), *want, "{protocol} {ports:?} vs {traffic}");
    }
    let malformed: &[(&str, Option<(i32, i32)>)] = &[
        ("tcp", None),
        ("tcp", Some((0, 70000))),
        ("udp", Some((25, 20))),
        ("tcp", Some((-1, -1))),
        ("bogus", None),
        ("256", None),
    ];
    for (protocol, ports) in malformed {
        let got = Protocol::parse(protocol).and_then(|p| Match::new(p, *ports));
        assert!(matches!(got, Err(NetError::MalformedRule(_))), "{protocol} {ports:?}: {got:?}");
    }
}

#[test]
fn port_segments_split_at_every_rule_edge() {
    let segs =
        proto::segments([Ports { from: 20, to: 25 }, Ports { from: 22, to: 22 }, Ports { from: 65535, to: 65535 }]);
    let text: Vec<String> = segs.iter().map(Ports::to_string).collect();
    assert_eq!(text, ["0-19", "20-21", "22", "23-25", "26-65534", "65535"]);
    assert_eq!(proto::segments([]), vec![Ports::ALL]);
}

/// What a security group case expects for its port.
#[derive(Debug)]
enum Want {
    /// Open; the description of the opening contains this.
    Open(&'static str),
    Closed,
    /// Undecidable; the error contains this.
    Error(&'static str),
}

fn known_lists() -> Collected<Vec<PrefixList>> {
    let mut unreadable = prefix_list("pl-unreadable", &[]);
    unreadable.entries = Collected::unknown(crate::inventory::Cause::Denied, "AccessDenied");
    Collected::Known(vec![
        prefix_list("pl-world", &["0.0.0.0/0"]),
        prefix_list("pl-office", &["81.2.69.0/24"]),
        prefix_list("pl-broken", &["10.0.0.300/8"]),
        unreadable,
    ])
}

#[test]
fn security_group_exposure() {
    let pl = via_prefix_list;
    let cases: Vec<(&str, Vec<IpPermission>, u16, Want)> = vec![
        ("ssh from anywhere", vec![tcp(22, 22, &["0.0.0.0/0"])], 22, Want::Open("0.0.0.0/0 (tcp 22)")),
        ("range containing the port", vec![tcp(20, 25, &["0.0.0.0/0"])], 22, Want::Open("tcp 20-25")),
        ("range next to the port", vec![tcp(23, 25, &["0.0.0.0/0"])], 22, Want::Closed),
        ("protocol -1", vec![all_traffic(&["0.0.0.0/0"])], 3389, Want::Open("all traffic")),
        ("protocol 6", vec![rule("6", 22, 22, &["0.0.0.0/0"])], 22, Want::Open("0.0.0.0/0")),
        ("two /1 halves in one rule", vec![tcp(22, 22, &["0.0.0.0/1", "128.0.0.0/1"])], 22, Want::Open("128.0.0.0/1")),
        (
            "two /1 halves across rules",
            vec![tcp(22, 22, &["0.0.0.0/1"]), tcp(0, 100, &["128.0.0.0/1"])],
            22,
            Want::Open("0.0.0.0/1 (tcp 22), 128.0.0.0/1 (tcp 0-100)"),
        ),
        ("one half only", vec![tcp(22, 22, &["0.0.0.0/1"])], 22, Want::Closed),
        ("ipv6 anywhere", vec![tcp(22, 22, &["::/0"])], 22, Want::Open("::/0")),
        ("ipv6 halves", vec![tcp(22, 22, &["::/1", "8000::/1"])], 22, Want::Open("::/1")),
        ("private range", vec![tcp(22, 22, &["10.0.0.0/8"])], 22, Want::Closed),
        ("office range", vec![tcp(22, 22, &["81.2.69.0/24"])], 22, Want::Closed),
        ("udp is not tcp", vec![rule("udp", 22, 22, &["0.0.0.0/0"])], 22, Want::Closed),
        ("icmp", vec![rule("icmp", -1, -1, &["0.0.0.0/0"])], 22, Want::Closed),
        ("prefix list of the internet", vec![pl(tcp(22, 22, &[]), "pl-world")], 22, Want::Open("via pl-world")),
        ("prefix list of an office", vec![pl(tcp(22, 22, &[]), "pl-office")], 22, Want::Closed),
        ("prefix list not collected", vec![pl(tcp(22, 22, &[]), "pl-nowhere")], 22, Want::Error("pl-nowhere")),
        (
            "prefix list entries unreadable",
            vec![pl(tcp(22, 22, &[]), "pl-unreadable")],
            22,
            Want::Error("AccessDenied"),
        ),
        ("prefix list with a bad entry", vec![pl(tcp(22, 22, &[]), "pl-broken")], 22, Want::Error("10.0.0.300/8")),
        (
            "unknown prefix list, but open anyway",
            vec![pl(tcp(22, 22, &["0.0.0.0/0"]), "pl-nowhere")],
            22,
            Want::Open("0.0.0.0/0"),
        ),
        ("unknown prefix list on another port", vec![pl(tcp(443, 443, &[]), "pl-nowhere")], 22, Want::Closed),
        ("malformed CIDR", vec![tcp(22, 22, &["10.0.0.300/8"])], 22, Want::Error("10.0.0.300/8")),
        ("malformed CIDR, open anyway", vec![tcp(22, 22, &["abc", "0.0.0.0/0"])], 22, Want::Open("0.0.0.0/0")),
        ("malformed rule", vec![rule("tcp", 25, 20, &["0.0.0.0/0"])], 22, Want::Error("reversed")),
        ("referenced group", vec![via_group(tcp(22, 22, &[]), "sg-other")], 22, Want::Closed),
    ];
    let lists = known_lists();
    for (name, rules, port, want) in cases {
        let group = sg("sg-1", rules);
        let verdict = ingress_reach(&[&group], PrefixLists::new(&lists), Traffic::Tcp(port)).verdict();
        match (&want, &verdict) {
            (Want::Open(text), Ok(Some(open))) => {
                assert!(open.describe(5).contains(text), "{name}: {}", open.describe(5))
            }
            (Want::Closed, Ok(None)) => {}
            (Want::Error(text), Err(e)) => assert!(e.to_string().contains(text), "{name}: {e}"),
            _ => panic!("{name}: wanted {want:?}, got {verdict:?}"),
        }
    }
}

#[test]
fn unreadable_prefix_lists_are_an_error_not_a_pass() {
    let group = sg("sg-1", vec![via_prefix_list(tcp(22, 22, &[]), "pl-world")]);
    let lists: Collected<Vec<PrefixList>> = Collected::unknown(crate::inventory::Cause::Denied, "AccessDenied");
    let verdict = ingress_reach(&[&group], PrefixLists::new(&lists), Traffic::Tcp(22)).verdict();
    assert!(matches!(verdict, Err(NetError::UnresolvedPrefixList { .. })), "{verdict:?}");
}

#[test]
fn instance_groups_are_united() {
    let (a, b) = (sg("sg-a", vec![tcp(445, 445, &["0.0.0.0/1"])]), sg("sg-b", vec![tcp(445, 445, &["128.0.0.0/1"])]));
    let lists = known_lists();
    let open = ingress_reach(&[&a, &b], PrefixLists::new(&lists), Traffic::Tcp(445)).verdict();
    let text = open.ok().flatten().map(|o| o.describe(5)).unwrap_or_default();
    assert_eq!(text, "0.0.0.0/1 (sg-a tcp 445), 128.0.0.0/1 (sg-b tcp 445)");
}

#[test]
fn all_ports() {
    let lists = known_lists();
    let cases: Vec<(&str, Vec<IpPermission>, Result<bool, &str>)> = vec![
        ("protocol -1", vec![all_traffic(&["0.0.0.0/0"])], Ok(true)),
        ("tcp 0-65535", vec![tcp(0, 65535, &["::/0"])], Ok(true)),
        ("tcp 1-65535", vec![tcp(1, 65535, &["0.0.0.0/0"])], Ok(true)),
        ("two ranges", vec![tcp(0, 1000, &["0.0.0.0/0"]), tcp(1001, 65535, &["0.0.0.0/0"])], Ok(true)),
        ("a gap", vec![tcp(0, 1000, &["0.0.0.0/0"]), tcp(1002, 65535, &["0.0.0.0/0"])], Ok(false)),
        ("private", vec![all_traffic(&["10.0.0.0/8"])], Ok(false)),
        ("udp only", vec![rule("udp", 0, 65535, &["0.0.0.0/0"])], Ok(false)),
        ("nothing", vec![], Ok(false)),
        ("unknown list", vec![via_prefix_list(all_traffic(&[]), "pl-nowhere")], Err("pl-nowhere")),
        (
            "unknown list, but a port is certainly closed",
            vec![via_prefix_list(tcp(0, 1000, &[]), "pl-nowhere")],
            Ok(false),
        ),
    ];
    for (name, rules, want) in cases {
        let group = sg("sg-1", rules);
        let got = all_tcp_ports_open(&[&group], PrefixLists::new(&lists));
        match (want, got) {
            (Ok(open), Ok(o)) => assert_eq!(o.is_some(), open, "{name}"),
            (Err(text), Err(e)) => assert!(e.to_string().contains(text), "{name}: {e}"),
            (want, got) => panic!("{name}: wanted {want:?}, got {got:?}"),
        }
    }
}

fn inbound(entries: Vec<NetworkAclEntry>) -> Inbound {
    Inbound::of(&nacl("acl-1", entries)).unwrap_or_else(|e| panic!("{e}"))
}

/// `None` when not reachable, else the description of the first internet allow.
fn nacl_reach(entries: Vec<NetworkAclEntry>, traffic: Traffic) -> Option<String> {
    inbound(entries).internet_reach(traffic).first().map(NaclReach::describe)
}

#[test]
fn nacl_rule_order() {
    let ssh = Some((22, 22));
    let cases: Vec<(&str, Vec<NetworkAclEntry>, Option<&str>)> = vec![
        ("only the default denies", vec![], None),
        ("allow all", vec![entry(100, "-1", "allow", "0.0.0.0/0", None)], Some("rule 100 allows 0.0.0.0/0")),
        ("allow tcp 22", vec![entry(100, "6", "allow", "0.0.0.0/0", ssh)], Some("rule 100")),
        ("allow a range containing 22", vec![entry(100, "6", "allow", "0.0.0.0/0", Some((20, 25)))], Some("rule 100")),
        ("allow a range next to 22", vec![entry(100, "6", "allow", "0.0.0.0/0", Some((23, 25)))], None),
        ("allow udp 22", vec![entry(100, "17", "allow", "0.0.0.0/0", ssh)], None),
        (
            "deny with a lower number wins",
            vec![entry(90, "6", "deny", "0.0.0.0/0", ssh), entry(100, "-1", "allow", "0.0.0.0/0", None)],
            None,
        ),
        (
            "deny with a higher number loses",
            vec![entry(100, "-1", "allow", "0.0.0.0/0", None), entry(200, "6", "deny", "0.0.0.0/0", ssh)],
            Some("rule 100"),
        ),
        (
            "rule numbers, not list order",
            vec![entry(100, "-1", "allow", "0.0.0.0/0", None), entry(50, "-1", "deny", "0.0.0.0/0", None)],
            None,
        ),
        (
            "two deny halves block a later allow",
            vec![
                entry(10, "-1", "deny", "0.0.0.0/1", None),
                entry(20, "6", "deny", "128.0.0.0/1", ssh),
                entry(100, "-1", "allow", "0.0.0.0/0", None),
            ],
            None,
        ),
        (
            "one deny half leaves the other half open",
            vec![entry(10, "-1", "deny", "0.0.0.0/1", None), entry(100, "-1", "allow", "0.0.0.0/0", None)],
            Some(
                "rule 100 allows 0.0.0.0/0 (lower-numbered entries decide part of it; widest block still reaching: 128.0.0.0/1)",
            ),
        ),
        (
            "a deny of private space changes nothing public",
            vec![entry(10, "-1", "deny", "10.0.0.0/8", None), entry(100, "-1", "allow", "0.0.0.0/0", None)],
            Some(
                "rule 100 allows 0.0.0.0/0 (lower-numbered entries decide part of it; widest block still reaching: 128.0.0.0/1)",
            ),
        ),
        (
            "public space denied, only private space left",
            vec![
                entry(10, "-1", "deny", "0.0.0.0/5", None),
                entry(11, "-1", "deny", "8.0.0.0/7", None),
                entry(12, "-1", "deny", "11.0.0.0/8", None),
                entry(13, "-1", "deny", "12.0.0.0/6", None),
                entry(14, "-1", "deny", "16.0.0.0/4", None),
                entry(15, "-1", "deny", "32.0.0.0/3", None),
                entry(16, "-1", "deny", "64.0.0.0/2", None),
                entry(17, "-1", "deny", "128.0.0.0/1", None),
                entry(100, "-1", "allow", "0.0.0.0/0", None),
            ],
            None,
        ),
        ("an office range is not the internet", vec![entry(100, "6", "allow", "81.2.69.0/24", ssh)], None),
        (
            "office first, then deny the rest of 22, then allow all",
            vec![
                entry(10, "6", "allow", "81.2.69.0/24", ssh),
                entry(20, "6", "deny", "0.0.0.0/0", ssh),
                entry(100, "-1", "allow", "0.0.0.0/0", None),
            ],
            None,
        ),
        (
            "two allow halves are the internet",
            vec![entry(100, "6", "allow", "0.0.0.0/1", ssh), entry(110, "6", "allow", "128.0.0.0/1", ssh)],
            Some("rules 100, 110 allow 0.0.0.0/1, 128.0.0.0/1"),
        ),
        (
            "a small deny before allow halves",
            vec![
                entry(50, "-1", "deny", "1.2.3.4/32", None),
                entry(100, "6", "allow", "0.0.0.0/1", ssh),
                entry(110, "6", "allow", "128.0.0.0/1", ssh),
            ],
            Some(
                "rules 100, 110 allow 0.0.0.0/1, 128.0.0.0/1 (lower-numbered entries decide part of it; widest block still reaching: 128.0.0.0/1)",
            ),
        ),
        ("ipv6", vec![entry(100, "6", "allow", "::/0", Some((0, 1024)))], Some("rule 100 allows ::/0")),
        (
            "ipv4 denied, ipv6 open",
            vec![entry(90, "-1", "deny", "0.0.0.0/0", None), entry(100, "-1", "allow", "::/0", None)],
            Some("rule 100 allows ::/0"),
        ),
    ];
    for (name, entries, want) in cases {
        let got = nacl_reach(entries, Traffic::Tcp(22));
        match (want, &got) {
            (None, None) => {}
            (Some(w), Some(g)) => assert!(g.starts_with(w), "{name}: {g}"),
            _ => panic!("{name}: wanted {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn nacl_egress_entries_are_ignored() {
    let mut out = entry(100, "-1", "allow", "0.0.0.0/0", None);
    out.egress = true;
    assert_eq!(nacl_reach(vec![out], Traffic::Tcp(22)), None);
}

#[test]
fn nacl_any_port() {
    let cases: Vec<(&str, Vec<NetworkAclEntry>, Option<&str>)> = vec![
        ("nothing allowed", vec![], None),
        (
            "deny 22 but allow all: still open",
            vec![entry(90, "6", "deny", "0.0.0.0/0", Some((22, 22))), entry(100, "-1", "allow", "0.0.0.0/0", None)],
            Some("TCP 0-21"),
        ),
        (
            "ephemeral tcp ports",
            vec![entry(100, "6", "allow", "0.0.0.0/0", Some((1024, 65535)))],
            Some("TCP 1024-65535"),
        ),
        ("udp", vec![entry(100, "17", "allow", "0.0.0.0/0", Some((53, 53)))], Some("UDP 53")),
        (
            "all protocols, tcp and udp denied",
            vec![
                entry(80, "6", "deny", "0.0.0.0/0", Some((0, 65535))),
                entry(90, "17", "deny", "0.0.0.0/0", Some((0, 65535))),
                entry(100, "-1", "allow", "0.0.0.0/0", None),
            ],
            Some("other protocols"),
        ),
        ("office only", vec![entry(100, "-1", "allow", "81.2.69.0/24", None)], None),
        (
            "all denied first",
            vec![entry(10, "-1", "deny", "0.0.0.0/0", None), entry(100, "-1", "allow", "0.0.0.0/0", None)],
            None,
        ),
    ];
    for (name, entries, want) in cases {
        let open = inbound(entries).any_internet_reach();
        assert_eq!(open.first().map(|(what, _)| what.as_str()), want, "{name}: {open:?}");
    }
}

#[test]
fn malformed_nacl_entries_are_errors() {
    let cases: Vec<(&str, NetworkAclEntry, &str)> = vec![
        ("bad cidr", entry(100, "-1", "allow", "10.0.0.300/8", None), "10.0.0.300/8"),
        ("no cidr", NetworkAclEntry { cidr_block: None, ..entry(100, "-1", "allow", "0.0.0.0/0", None) }, "no CIDR"),
        (
            "two cidrs",
            NetworkAclEntry {
                ipv6_cidr_block: Some("::/0".to_string()),
                ..entry(100, "-1", "allow", "0.0.0.0/0", None)
            },
            "both",
        ),
        ("bad action", entry(100, "-1", "permit", "0.0.0.0/0", None), "permit"),
        ("tcp without ports", entry(100, "6", "allow", "0.0.0.0/0", None), "port range"),
        ("bad protocol", entry(100, "ssh", "allow", "0.0.0.0/0", None), "ssh"),
    ];
    for (name, bad, text) in cases {
        let err = Inbound::of(&nacl("acl-1", vec![bad])).expect_err(name);
        assert!(err.to_string().contains(text), "{name}: {err}");
    }
}

/// `11.a.2b.0/24` for `i = a * 128 + b`: a distinct public /24 for each `i < 32768`, no two
/// adjacent (so that no two merge into one range).
fn distinct_v4(i: usize) -> String {
    format!("11.{}.{}.0/24", (i / 128) % 256, 2 * (i % 128))
}

/// `n` TCP rules with nested, distinct port ranges (`6i..=65535-6i`) and a distinct /24
/// each: every port segment is reached by up to `n` rules and none by the internet. The
/// worst case for evaluating every segment against every rule.
fn nested_rules(n: usize) -> Vec<IpPermission> {
    (0..n)
        .map(|i| {
            let from = i32::try_from(6 * i).unwrap_or(i32::MAX);
            tcp(from, 65535 - from, &[&distinct_v4(i)])
        })
        .collect()
}

/// `n` TCP rules whose distinct port ranges tile 0-65535, each open to the internet through
/// the two /1 halves and a distinct /24, plus an all-traffic rule naming `n` distinct /24s.
fn tiled_open_rules(n: usize) -> Vec<IpPermission> {
    let width = 65536 / n;
    let mut rules: Vec<IpPermission> = (0..n)
        .map(|i| {
            let from = i32::try_from(i * width).unwrap_or(i32::MAX);
            let to = if i + 1 == n { 65535 } else { from + i32::try_from(width).unwrap_or(0) - 1 };
            tcp(from, to, &["0.0.0.0/1", "128.0.0.0/1", &distinct_v4(i)])
        })
        .collect();
    let many: Vec<String> = (0..n).map(|i| distinct_v4(n + i)).collect();
    rules.push(all_traffic(&many.iter().map(String::as_str).collect::<Vec<_>>()));
    rules
}

#[test]
fn all_ports_on_groups_of_thousands_of_rules() {
    // 5,000 rules: the old segment-by-segment evaluation took minutes on the nested group
    // (see docs/benchmarks.md); the sweep takes a fraction of a second, debug build.
    const N: usize = 5000;
    let lists = known_lists();
    let nested = sg("sg-nested", nested_rules(N));
    assert_eq!(all_tcp_ports_open(&[&nested], PrefixLists::new(&lists)), Ok(None));

    let tiled = sg("sg-tiled", tiled_open_rules(N));
    let open = all_tcp_ports_open(&[&tiled], PrefixLists::new(&lists)).map(|o| o.map(|o| o.describe(5)));
    let first = format!("tcp 0-{}", 65536 / N - 1);
    assert_eq!(open, Ok(Some(format!("0.0.0.0/1 ({first}), 128.0.0.0/1 ({first})"))));

    // One port (the last) reached only from a private range: closed, and certainly so.
    let mut gap = tiled_open_rules(N);
    gap[N - 1] = tcp(65532, 65535, &["10.0.0.0/8"]);
    let gap = sg("sg-gap", gap);
    assert_eq!(all_tcp_ports_open(&[&gap], PrefixLists::new(&lists)), Ok(None));
}

/// A small deterministic pseudo-random generator (xorshift64*), for the equivalence tests.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[test]
fn address_set_operations_agree_with_a_set_of_every_address() {
    // Two universes of 256 addresses: the bottom of IPv4 and the top of IPv6 (where the
    // last address has no successor).
    for (family, base) in [(Family::V4, 0u128), (Family::V6, u128::MAX - 255)] {
        let mut rng = Prng(0x5eed_0001 ^ base.count_ones() as u64);
        let range = |rng: &mut Prng| {
            let a = rng.below(256);
            let b = (a + rng.below(24)).min(255);
            (a, b)
        };
        let to_set = |bits: &[bool]| {
            AddrSet::from_ranges(
                family,
                bits.iter().enumerate().filter(|(_, b)| **b).map(|(i, _)| (base + i as u128, base + i as u128)),
            )
        };
        for round in 0..300 {
            let (mut set, mut bits) = (AddrSet::empty(family), vec![false; 256]);
            for _ in 0..rng.below(12) {
                let (a, b) = range(&mut rng);
                let insert = rng.below(3) > 0;
                if insert {
                    set.insert(base + a as u128, base + b as u128);
                } else {
                    set.remove(base + a as u128, base + b as u128);
                }
                bits[a..=b].iter_mut().for_each(|x| *x = insert);
                assert_eq!(set, to_set(&bits), "round {round}");
            }
            let mut other_bits = vec![false; 256];
            let mut pieces = Vec::new();
            for _ in 0..rng.below(6) {
                let (a, b) = range(&mut rng);
                pieces.push((base + a as u128, base + b as u128));
                other_bits[a..=b].iter_mut().for_each(|x| *x = true);
            }
            let other = AddrSet::from_ranges(family, pieces);
            assert_eq!(other, to_set(&other_bits), "round {round}");
            let both: Vec<bool> = bits.iter().zip(&other_bits).map(|(a, b)| *a && *b).collect();
            let either: Vec<bool> = bits.iter().zip(&other_bits).map(|(a, b)| *a || *b).collect();
            assert_eq!(set.intersection(&other), to_set(&both), "round {round}");
            let mut union = set.clone();
            union.union_with(&other);
            assert_eq!(union, to_set(&either), "round {round}");
            let contains = other_bits.iter().zip(&bits).all(|(o, s)| !o || *s);
            assert_eq!(set.contains_set(&other), contains, "round {round}");
            for (i, bit) in bits.iter().enumerate() {
                assert_eq!(set.contains(base + i as u128), *bit, "round {round}, address {i}");
            }
        }
    }
}

/// Whether these blocks cover the public space, by merging their sorted ranges.
fn naive_covers(family: Family, cidrs: &[Cidr]) -> bool {
    let mut ranges: Vec<(u128, u128)> =
        cidrs.iter().filter(|c| c.family == family).map(|c| (c.first, c.last())).collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u128, u128)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a == 0 || last.1 >= a - 1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    AddrSet::internet(family).ranges().iter().all(|&(a, b)| merged.iter().any(|&(c, d)| c <= a && b <= d))
}

/// [`internet_cover`] by its definition: the blocks of the first prefix length `k` such that
/// those of prefix `k` or wider cover the internet.
fn naive_cover(family: Family, cidrs: &[Cidr]) -> Option<Vec<Cidr>> {
    (0..=family.bits()).find_map(|k| {
        let mut wide: Vec<Cidr> = cidrs.iter().filter(|c| c.family == family && c.prefix <= k).copied().collect();
        naive_covers(family, &wide).then(|| {
            wide.sort_unstable();
            wide.dedup();
            wide
        })
    })
}

const POOL: &[&str] = &[
    "0.0.0.0/0",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "0.0.0.0/2",
    "64.0.0.0/2",
    "0.0.0.0/5",
    "8.0.0.0/7",
    "11.0.0.0/8",
    "12.0.0.0/6",
    "16.0.0.0/4",
    "32.0.0.0/3",
    "10.0.0.0/8",
    "81.2.69.0/24",
    "255.255.255.255/32",
    "::/0",
    "::/1",
    "8000::/1",
    "2000::/3",
    "2001:db8::/32",
    "2000::/4",
    "3000::/4",
];

#[test]
fn internet_cover_agrees_with_its_definition() {
    let mut rng = Prng(0x00c0_ffee);
    let pool = cidrs(POOL);
    for round in 0..2000 {
        let picked: Vec<Cidr> = (0..rng.below(10)).map(|_| *rng.pick(&pool)).collect();
        for family in Family::ALL {
            assert_eq!(internet_cover(family, &picked), naive_cover(family, &picked), "round {round}: {picked:?}");
            assert_eq!(covers_internet(family, &picked), naive_covers(family, &picked), "round {round}: {picked:?}");
        }
    }
}

/// [`all_tcp_ports_open`] port by port: every TCP port 1–65535 asked of every rule, each
/// distinct set of matching rules judged once by [`ParsedIngress::reach`]. Closed somewhere
/// (and certainly so) is `Ok(None)`; else the first undecidable port's error; else the
/// opening of port 1.
fn naive_all_tcp_ports_open(groups: &[&SecurityGroup], lists: PrefixLists<'_>) -> Result<Option<Opening>, NetError> {
    // The TCP ports each rule matches: all of them for protocol -1, its range for TCP.
    let rules: Vec<Option<Ports>> = groups
        .iter()
        .flat_map(|g| &g.ip_permissions)
        .map(|r| match sg::rule_match(r) {
            Ok(Match { protocol: Protocol::All, .. }) => Some(Ports::ALL),
            Ok(Match { protocol: Protocol::Tcp, ports }) => ports,
            _ => None,
        })
        .collect();
    let ingress = ParsedIngress::new(groups);
    assert!(rules.len() <= 64, "the reference keys on a 64-bit mask of matching rules");
    let mut judged: std::collections::HashMap<u64, Result<Option<Opening>, NetError>> = Default::default();
    let mut verdicts = Vec::with_capacity(65535);
    let mut last: Option<u64> = None;
    for port in 1..=u16::MAX {
        let key = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_some_and(|p| p.from <= port && port <= p.to))
            .fold(0u64, |key, (i, _)| key | 1 << i);
        // Consecutive ports mostly match the same rules: judge a set only when it changes.
        if last != Some(key) {
            let verdict = judged.entry(key).or_insert_with(|| ingress.reach(lists, Traffic::Tcp(port)).verdict());
            verdicts.push(verdict.clone());
            last = Some(key);
        }
    }
    if verdicts.iter().any(|v| matches!(v, Ok(None))) {
        return Ok(None);
    }
    verdicts.into_iter().find(|v| v.is_err()).unwrap_or_else(|| ingress.reach(lists, Traffic::Tcp(1)).verdict())
}

#[test]
fn all_ports_agrees_with_asking_every_port() {
    let mut rng = Prng(0x0a11_0075);
    let lists = known_lists();
    let ports: &[i32] = &[0, 1, 2, 21, 22, 23, 1000, 1001, 1002, 32767, 32768, 65534, 65535];
    let sources: Vec<&str> =
        POOL.iter().copied().chain(["abc", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "::/0"]).collect();
    let protocols = ["tcp", "tcp", "tcp", "6", "-1", "udp", "icmp", "50"];
    let mut outcomes = [0usize; 3];
    for round in 0..120 {
        let mut groups = Vec::new();
        for g in 0..1 + rng.below(2) {
            let mut rules = Vec::new();
            for _ in 0..rng.below(7) {
                let protocol = *rng.pick(&protocols);
                let (mut from, mut to) = (*rng.pick(ports), *rng.pick(ports));
                if rng.below(12) > 0 && from > to {
                    (from, to) = (to, from);
                }
                let picked: Vec<&str> = (0..rng.below(3)).map(|_| *rng.pick(&sources)).collect();
                let mut r = rule(protocol, from, to, &picked);
                if protocol == "-1" {
                    r = all_traffic(&picked);
                }
                if rng.below(8) == 0 {
                    let id = rng.pick(&["pl-world", "pl-office", "pl-nowhere", "pl-broken"]).to_string();
                    r = via_prefix_list(r, &id);
                }
                rules.push(r);
            }
            groups.push(sg(&format!("sg-{g}"), rules));
        }
        let groups: Vec<&SecurityGroup> = groups.iter().collect();
        let got = all_tcp_ports_open(&groups, PrefixLists::new(&lists));
        let want = naive_all_tcp_ports_open(&groups, PrefixLists::new(&lists));
        assert_eq!(got, want, "round {round}: {groups:#?}");
        outcomes[match &got {
            Ok(Some(_)) => 0,
            Ok(None) => 1,
            Err(_) => 2,
        }] += 1;
    }
    // The draw reaches every outcome, so the comparison is not one-sided.
    assert!(outcomes.iter().all(|&n| n >= 5), "open, closed, error: {outcomes:?}");
}

/// [`Inbound::internet_reach`] as first written: entry after entry, each deciding its CIDR
/// minus what lower-numbered entries decided, with one address set operation at a time.
fn stepwise_internet_reach(inbound: &Inbound, traffic: Traffic) -> Vec<NaclReach> {
    Family::ALL
        .into_iter()
        .filter_map(|family| {
            let matching: Vec<&nacl::Entry> =
                inbound.entries().iter().filter(|e| e.cidr.family == family && e.matcher.matches(traffic)).collect();
            let allows: Vec<Cidr> = matching.iter().filter(|e| e.allow).map(|e| e.cidr).collect();
            let internet_allows = naive_cover(family, &allows)?;
            let internet = AddrSet::internet(family);
            let mut undecided = AddrSet::full(family);
            let (mut rules, mut named, mut exposed) = (Vec::new(), AddrSet::empty(family), AddrSet::empty(family));
            for entry in matching {
                let decided = undecided.intersection(&AddrSet::of(family, [&entry.cidr]));
                if entry.allow && internet_allows.contains(&entry.cidr) && !decided.intersection(&internet).is_empty()
                {
                    rules.push((entry.rule_number, entry.cidr));
                    named.insert_cidr(&entry.cidr);
                    for &(a, b) in decided.ranges() {
                        exposed.insert(a, b);
                    }
                }
                undecided.remove_cidr(&entry.cidr);
            }
            let widest = exposed.widest_block()?;
            Some(NaclReach { traffic, rules, widest, narrowed: exposed != named })
        })
        .collect()
}

#[test]
fn nacl_reach_agrees_with_stepwise_evaluation() {
    let mut rng = Prng(0x0ac1_0001);
    let protocols = ["-1", "6", "6", "17", "1"];
    let ports: &[i32] = &[0, 21, 22, 23, 1024, 65535];
    let pool: Vec<&str> = POOL.iter().copied().chain(["1.2.3.4/32", "128.0.0.0/2", "192.0.0.0/2"]).collect();
    let mut reached = 0;
    for round in 0..400 {
        let entries: Vec<NetworkAclEntry> = (0..rng.below(9))
            .map(|i| {
                let protocol = *rng.pick(&protocols);
                let (a, b) = (*rng.pick(ports), *rng.pick(ports));
                let range = matches!(protocol, "6" | "17").then_some((a.min(b), a.max(b)));
                let action = if rng.below(3) > 0 { "allow" } else { "deny" };
                let number = i32::try_from(rng.below(20) * 10 + i).unwrap_or(1);
                let cidr: &str = pool[rng.below(pool.len())];
                entry(number, protocol, action, cidr, range)
            })
            .collect();
        let inbound = inbound(entries);
        for traffic in [Traffic::Tcp(22), Traffic::Tcp(1024), Traffic::Udp(22), Traffic::OtherProtocol] {
            let got = inbound.internet_reach(traffic);
            assert_eq!(got, stepwise_internet_reach(&inbound, traffic), "round {round}, {traffic}: {inbound:?}");
            reached += usize::from(!got.is_empty());
        }
    }
    assert!(reached >= 100, "only {reached} reachable cases");
}

#[test]
fn nacl_reach_through_thousands_of_entries() {
    // 5,000 denies of distinct, non-adjacent /24s carve 5,000 holes into what is undecided,
    // then an allow of everything: each entry used to cost a pass over every hole.
    let mut entries: Vec<NetworkAclEntry> = (0..5000)
        .map(|i| entry(i32::try_from(i + 1).unwrap_or(i32::MAX), "6", "deny", &distinct_v4(i), Some((0, 1024))))
        .collect();
    entries.push(entry(20000, "-1", "allow", "0.0.0.0/0", None));
    let got = nacl_reach(entries, Traffic::Tcp(22));
    assert_eq!(
        got.as_deref(),
        Some(
            "rule 20000 allows 0.0.0.0/0 (lower-numbered entries decide part of it; widest block still reaching: 128.0.0.0/1)"
        )
    );
}

#[test]
fn hostile_cidrs_are_errors() {
    let hostile = [
        "10.0.0.0/33",
        "::/129",
        "1.2.3.4/-1",
        "",
        "/",
        " / ",
        "１０.0.0.0/8",
        "10.0.0.0/８",
        "10.0.0.0/٣",
        "10.0.0.0/99999999999999999999",
        "99999999999999999999/8",
        "4294967296/0",
        "10.0.0.0/8/8",
        "010.0.0.0/8",
        "0x0a.0.0.0/8",
        "1.2.3.4:80/32",
        "fe80::1%eth0/64",
        "::ffff:1.2.3.4/128",
        "::ffff:0.0.0.0/96",
        "::ffff:128.0.0.0/97",
        "::FFFF:0:0/96",
    ];
    for text in hostile {
        let got = Cidr::parse(text);
        assert!(matches!(got, Err(NetError::MalformedCidr { .. })), "{text:?}: {got:?}");
    }
    // Blocks that merely contain the IPv4-mapped space are ordinary IPv6 blocks.
    for text in ["::/0", "::/64", "::ffff:0:0/95"] {
        assert!(Cidr::parse(text).is_ok(), "{text}");
    }
}

#[test]
fn hostile_protocols_and_ports_are_errors_or_read_as_aws_does() {
    let same: &[(&str, Protocol)] = &[
        ("6", Protocol::Tcp),
        ("006", Protocol::Tcp),
        ("17", Protocol::Udp),
        ("017", Protocol::Udp),
        ("1", Protocol::Icmp),
        ("58", Protocol::Icmpv6),
        ("icmpv6", Protocol::Icmpv6),
        ("ICMPv6", Protocol::Icmpv6),
        (" tcp ", Protocol::Tcp),
        ("-1", Protocol::All),
        ("50", Protocol::Other(50)),
    ];
    for (text, want) in same {
        assert_eq!(Protocol::parse(text), Ok(*want), "{text:?}");
    }
    for text in ["", "+6", "-6", "-01", "256", "99999999999999999999", "６", "tcp6", "ｔｃｐ", "6.0", "0x6"] {
        let got = Protocol::parse(text);
        assert!(matches!(got, Err(NetError::MalformedRule(_))), "{text:?}: {got:?}");
    }
    // Ports: -1 only means "no ports" for protocols without them.
    let bad: &[(&str, (i32, i32))] = &[
        ("tcp", (-1, -1)),
        ("6", (-1, -1)),
        ("udp", (-1, 53)),
        ("17", (53, -1)),
        ("tcp", (443, 80)),
        ("tcp", (0, 65536)),
        ("tcp", (i32::MIN, i32::MAX)),
        ("006", (-1, -1)),
    ];
    for (protocol, ports) in bad {
        let got = Protocol::parse(protocol).and_then(|p| Match::new(p, Some(*ports)));
        assert!(matches!(got, Err(NetError::MalformedRule(_))), "{protocol} {ports:?}: {got:?}");
    }
    for (protocol, ports) in [("icmp", (-1, -1)), ("58", (-1, -1)), ("-1", (-1, -1)), ("-1", (443, 80))] {
        assert!(Protocol::parse(protocol).and_then(|p| Match::new(p, Some(ports))).is_ok(), "{protocol} {ports:?}");
    }
}

#[test]
fn hostile_rules_make_the_port_checks_undecided_not_passed() {
    let lists = known_lists();
    // A TCP rule written with a zero-padded protocol number is a TCP rule.
    let padded = sg("sg-1", vec![rule("006", 22, 22, &["0.0.0.0/0"])]);
    let verdict = ingress_reach(&[&padded], PrefixLists::new(&lists), Traffic::Tcp(22)).verdict();
    assert!(matches!(verdict, Ok(Some(_))), "{verdict:?}");
    for (name, bad) in [
        ("mapped IPv6", tcp(0, 65535, &["::ffff:0.0.0.0/96"])),
        ("prefix too long", all_traffic(&["0.0.0.0/33"])),
        ("ports -1 on tcp", rule("6", -1, -1, &["0.0.0.0/0"])),
        ("reversed ports", rule("tcp", 23, 21, &["0.0.0.0/0"])),
        ("huge protocol", rule("4294967302", 22, 22, &["0.0.0.0/0"])),
    ] {
        let group = sg("sg-1", vec![bad]);
        let verdict = ingress_reach(&[&group], PrefixLists::new(&lists), Traffic::Tcp(22)).verdict();
        assert!(verdict.is_err(), "{name}: {verdict:?}");
        assert!(all_tcp_ports_open(&[&group], PrefixLists::new(&lists)).is_err(), "{name}");
    }
}

#[test]
fn counted_cover_agrees_with_merging_the_blocks_present() {
    let mut rng = Prng(0x0c0e_4ed7);
    let pool = cidrs(POOL);
    for round in 0..200 {
        let blocks: Vec<Cidr> = (0..1 + rng.below(8)).map(|_| *rng.pick(&pool)).collect();
        let mut counted = Family::ALL.map(|family| cover::InternetCover::new(family, &blocks));
        let mut present: Vec<Cidr> = Vec::new();
        for step in 0..20 {
            if !present.is_empty() && rng.below(3) == 0 {
                let gone = present.remove(rng.below(present.len()));
                counted.iter_mut().for_each(|c| c.remove(&gone));
            } else {
                let block = *rng.pick(&blocks);
                present.push(block);
                counted.iter_mut().for_each(|c| c.add(&block));
            }
            for (family, cover) in Family::ALL.into_iter().zip(&counted) {
                let want = naive_covers(family, &present);
                assert_eq!(cover.covers_internet(), want, "round {round} step {step}: {present:?}");
            }
        }
    }
}
