//! `net`: CIDR, protocol and port parsing, and address-set operations against a model.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::net::proto::segments;
use crate::net::{AddrSet, Cidr, Family, Match, Ports, Protocol, Traffic};

/// Special-purpose blocks outside "the internet" (the specification the crate implements,
/// restated for the model).
const RESERVED_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
];

/// Input: `text [0xFF program]`. The text (and each of its lines) goes through
/// `Cidr::parse` and `Protocol::parse`; the program drives the address sets and ports.
pub fn net(data: &[u8]) {
    let (text, program) = super::split_once(data);
    if let Ok(text) = std::str::from_utf8(text) {
        for line in std::iter::once(text).chain(text.lines()) {
            cidr_text(line);
            protocol_text(line);
        }
    }
    if let Some(program) = program {
        ports_program(program);
        sets_program(Family::V4, program);
        sets_program(Family::V6, program);
    }
}

fn cidr_text(text: &str) {
    let parsed = Cidr::parse(text);
    // The reference: `address/prefix` with std's address parsers, a decimal prefix of at
    // most three digits that fits the family, host bits cleared, no IPv4-mapped IPv6 block.
    let want = text.trim().split_once('/').and_then(|(addr, prefix)| {
        if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u32 = prefix.parse().ok()?;
        let (family, value) = if addr.contains(':') {
            (Family::V6, u128::from(addr.parse::<Ipv6Addr>().ok()?))
        } else {
            (Family::V4, u128::from(u32::from(addr.parse::<Ipv4Addr>().ok()?)))
        };
        let bits = u32::from(family.bits());
        if prefix > bits {
            return None;
        }
        let size_bits = bits - prefix;
        let first = if size_bits == 128 { 0 } else { value >> size_bits << size_bits };
        // A block inside `::ffff:0:0/96` is IPv4 in IPv6 clothing: refused.
        if family == Family::V6 && prefix >= 96 && first >> 32 == 0xffff {
            return None;
        }
        Some((family, first, prefix))
    });
    match (&parsed, want) {
        (Ok(c), Some((family, first, prefix))) => {
            assert_eq!((c.family, c.first, u32::from(c.prefix)), (family, first, prefix), "net: Cidr::parse({text:?}) agrees with std");
            assert!(c.first <= c.last() && c.last() <= c.family.max(), "net: a block lies inside its family ({text:?})");
            assert_eq!(Cidr::parse(&c.to_string()).ok(), Some(*c), "net: a CIDR reparses from its display ({text:?})");
        }
        (Err(_), None) => {}
        _ => panic!("net: Cidr::parse({text:?}) = {parsed:?}, reference says {want:?}"),
    }
}

fn protocol_text(text: &str) {
    let t = text.trim().to_ascii_lowercase();
    let want = match t.as_str() {
        "-1" | "all" => Some(Protocol::All),
        "tcp" => Some(Protocol::Tcp),
        "udp" => Some(Protocol::Udp),
        "icmp" => Some(Protocol::Icmp),
        "icmpv6" => Some(Protocol::Icmpv6),
        // A protocol number in ASCII digits only (`006` is TCP; `+6` is not a number AWS
        // writes), named where it has a name.
        n if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n.parse::<u8>().ok().map(|n| match n {
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp,
            58 => Protocol::Icmpv6,
            n => Protocol::Other(n),
        }),
        _ => None,
    };
    assert_eq!(Protocol::parse(text).ok(), want, "net: Protocol::parse({text:?})");
}

/// Port ranges and rule matches decoded from the program, against their definitions.
fn ports_program(program: &[u8]) {
    let mut b = super::Bytes::new(program);
    let mut ranges = Vec::new();
    for _ in 0..6 {
        if b.is_empty() {
            break;
        }
        // Mostly valid ports, sometimes out of range or reversed.
        let wide = |x: u16, sel: u8| -> i32 {
            match sel % 8 {
                0 => -1 - i32::from(x % 3),
                1 => 65_536 + i32::from(x % 3),
                _ => i32::from(x),
            }
        };
        let sel = b.u8();
        let (from, to) = (wide(b.u16(), sel), wide(b.u16(), sel >> 3));
        let got = Ports::new(from, to);
        let valid = (0..=65_535).contains(&from) && (0..=65_535).contains(&to) && from <= to;
        assert_eq!(got.is_ok(), valid, "net: Ports::new({from}, {to}) is Ok exactly for 0 <= from <= to <= 65535");
        let protocol = match sel % 4 {
            0 => Protocol::Tcp,
            1 => Protocol::Udp,
            2 => Protocol::All,
            _ => Protocol::Other(b.u8()),
        };
        let rule = Match::new(protocol, (sel & 0x80 == 0).then_some((from, to)));
        if protocol.has_ports() {
            assert_eq!(rule.is_ok(), valid && sel & 0x80 == 0, "net: a TCP/UDP rule needs a valid port range");
        } else {
            assert!(rule.is_ok(), "net: a rule without ports is always valid");
        }
        if let Ok(rule) = rule {
            let _ = rule.to_string();
            for port in [0u16, 1, 21, 22, 3389, 65_535, b.u16()] {
                let in_range = |p: u16| u16::try_from(from).is_ok_and(|f| f <= p) && u16::try_from(to).is_ok_and(|t| p <= t);
                let want_tcp = protocol == Protocol::All || (protocol == Protocol::Tcp && in_range(port));
                let want_udp = protocol == Protocol::All || (protocol == Protocol::Udp && in_range(port));
                assert_eq!(rule.matches(Traffic::Tcp(port)), want_tcp, "net: {rule} matches TCP {port}");
                assert_eq!(rule.matches(Traffic::Udp(port)), want_udp, "net: {rule} matches UDP {port}");
            }
            assert_eq!(rule.matches(Traffic::OtherProtocol), protocol == Protocol::All, "net: only all-traffic matches other protocols");
        }
        if let Ok(p) = got {
            ranges.push(p);
        }
    }
    let segs = segments(ranges.iter().copied());
    assert_eq!(segs.first().map(|s| s.from), Some(0), "net: segments start at port 0");
    assert_eq!(segs.last().map(|s| s.to), Some(u16::MAX), "net: segments end at port 65535");
    for w in segs.windows(2) {
        assert_eq!(u32::from(w[0].to) + 1, u32::from(w[1].from), "net: segments are contiguous ({:?})", &segs);
    }
    for s in &segs {
        assert!(s.from <= s.to, "net: a segment is not empty");
        for r in &ranges {
            assert_eq!(r.contains(s.from), r.contains(s.to), "net: range {r} is wholly in or out of segment {s}");
            assert!(!(r.from > s.from && r.from <= s.to), "net: range {r} does not start inside segment {s}");
        }
    }
}

/// An address set as its definition: a boolean formula over intervals, evaluated pointwise.
#[derive(Clone, Debug)]
enum Model {
    Empty,
    Full,
    Insert(Box<Model>, u128, u128),
    Remove(Box<Model>, u128, u128),
    Union(Box<Model>, Box<Model>),
    Inter(Box<Model>, Box<Model>),
}

impl Model {
    fn contains(&self, p: u128) -> bool {
        match self {
            Model::Empty => false,
            Model::Full => true,
            Model::Insert(m, a, b) => (*a <= p && p <= *b) || m.contains(p),
            Model::Remove(m, a, b) => !(*a <= p && p <= *b) && m.contains(p),
            Model::Union(x, y) => x.contains(p) || y.contains(p),
            Model::Inter(x, y) => x.contains(p) && y.contains(p),
        }
    }
}

/// Addresses where something interesting happens in a family: both ends, halves, the
/// reserved blocks' edges.
fn landmarks(family: Family) -> Vec<u128> {
    let max = family.max();
    let half = max / 2 + 1;
    let mut out = vec![0, 1, 2, 255, 256, half - 1, half, max - 1, max];
    if family == Family::V4 {
        for c in RESERVED_V4.iter().filter_map(|c| Cidr::parse(c).ok()) {
            out.extend([c.first, c.last()]);
        }
    } else {
        for c in ["2000::/3", "2001:db8::/32"].iter().filter_map(|c| Cidr::parse(c).ok()) {
            out.extend([c.first, c.last()]);
        }
    }
    out
}

fn internet_model(family: Family, p: u128) -> bool {
    match family {
        Family::V4 => !RESERVED_V4.iter().filter_map(|c| Cidr::parse(c).ok()).any(|c| c.first <= p && p <= c.last()),
        Family::V6 => {
            let inside = |s: &str| Cidr::parse(s).is_ok_and(|c| c.first <= p && p <= c.last());
            inside("2000::/3") && !inside("2001:db8::/32")
        }
    }
}

/// Runs a program of set operations on two registers, keeping a model of each, then
/// compares membership at every boundary and the set's canonical form.
fn sets_program(family: Family, program: &[u8]) {
    let mut b = super::Bytes::new(program);
    let marks = landmarks(family);
    let width = usize::from(family.bits() / 8);
    let mut endpoints: BTreeSet<u128> = marks.iter().copied().collect();
    let addr = |b: &mut super::Bytes<'_>, endpoints: &mut BTreeSet<u128>| -> u128 {
        let sel = b.u8();
        let a = if sel < 0xC0 {
            let base = marks[usize::from(sel) % marks.len()];
            // Nudge by -2..=+2 within the family.
            match (sel >> 5) % 5 {
                0 => base.saturating_sub(2),
                1 => base.saturating_sub(1),
                2 => base,
                3 => base.saturating_add(1).min(family.max()),
                _ => base.saturating_add(2).min(family.max()),
            }
        } else {
            b.u128(width) & family.max()
        };
        endpoints.insert(a);
        a
    };
    let mut sets = [AddrSet::empty(family), AddrSet::empty(family)];
    let mut models = [Model::Empty, Model::Empty];
    let mut steps = 0;
    while !b.is_empty() && steps < 24 {
        steps += 1;
        let op = b.u8();
        let r = usize::from(op >> 7);
        match op % 8 {
            kind @ (0 | 1) => {
                let (x, y) = (addr(&mut b, &mut endpoints), addr(&mut b, &mut endpoints));
                let (lo, hi) = (x.min(y), x.max(y));
                if kind == 0 {
                    sets[r].insert(lo, hi);
                    models[r] = Model::Insert(Box::new(models[r].clone()), lo, hi);
                } else {
                    sets[r].remove(lo, hi);
                    models[r] = Model::Remove(Box::new(models[r].clone()), lo, hi);
                }
            }
            kind @ (2 | 3) => {
                let base = addr(&mut b, &mut endpoints);
                let prefix = b.u8() % (family.bits() + 1);
                let text = match family {
                    Family::V4 => format!("{}/{prefix}", Ipv4Addr::from(u32::try_from(base).unwrap_or(u32::MAX))),
                    Family::V6 => format!("{}/{prefix}", Ipv6Addr::from(base)),
                };
                let cidr = Cidr::parse(&text).unwrap_or_else(|e| panic!("net: {text} parses ({e})"));
                endpoints.extend([cidr.first, cidr.last()]);
                if kind == 2 {
                    sets[r].insert_cidr(&cidr);
                    models[r] = Model::Insert(Box::new(models[r].clone()), cidr.first, cidr.last());
                } else {
                    sets[r].remove_cidr(&cidr);
                    models[r] = Model::Remove(Box::new(models[r].clone()), cidr.first, cidr.last());
                }
            }
            4 => {
                let other = sets[1 - r].clone();
                sets[r].union_with(&other);
                models[r] = Model::Union(Box::new(models[r].clone()), Box::new(models[1 - r].clone()));
            }
            5 => {
                sets[r] = sets[r].intersection(&sets[1 - r]);
                models[r] = Model::Inter(Box::new(models[r].clone()), Box::new(models[1 - r].clone()));
            }
            6 => {
                sets[r] = AddrSet::full(family);
                models[r] = Model::Full;
            }
            _ => {
                sets[r] = AddrSet::empty(family);
                models[r] = Model::Empty;
            }
        }
    }
    // Membership can only change at an endpoint or just after one: probing those decides
    // every question about these sets exactly.
    let mut probes: BTreeSet<u128> = BTreeSet::new();
    for &e in &endpoints {
        probes.insert(e);
        probes.insert(e.saturating_sub(1));
        if e < family.max() {
            probes.insert(e + 1);
        }
    }
    let probes: Vec<u128> = probes.into_iter().collect();
    let point = |p: u128| {
        let mut s = AddrSet::empty(family);
        s.insert(p, p);
        s
    };
    for (set, model) in sets.iter().zip(&models) {
        for &p in &probes {
            assert_eq!(set.contains_set(&point(p)), model.contains(p), "net: membership of {p:#x} in {model:?}");
        }
        // The canonical form: maximal runs of members between boundaries, rebuilt in order.
        let mut canonical = AddrSet::empty(family);
        let mut run: Option<u128> = None;
        let mut runs = Vec::new();
        for &p in &probes {
            match (model.contains(p), run) {
                (true, None) => run = Some(p),
                (false, Some(start)) => {
                    runs.push((start, p - 1));
                    run = None;
                }
                _ => {}
            }
        }
        if let Some(start) = run {
            runs.push((start, family.max()));
        }
        for &(a, z) in &runs {
            canonical.insert(a, z);
        }
        assert_eq!(set, &canonical, "net: sorted, disjoint, non-adjacent ranges for {model:?}");
        assert_eq!(set.is_empty(), runs.is_empty(), "net: is_empty of {model:?}");
        assert_eq!(
            set.covers_internet(),
            probes.iter().all(|&p| !internet_model(family, p) || model.contains(p)),
            "net: covers_internet of {model:?}"
        );
        match set.widest_block() {
            None => assert!(runs.is_empty(), "net: a non-empty set has a widest block ({model:?})"),
            Some(c) => {
                assert_eq!(c.family, family, "net: the widest block is of the set's family");
                assert_eq!(Cidr::parse(&c.to_string()).ok(), Some(c), "net: the widest block is a proper CIDR ({c})");
                assert!(
                    probes.iter().filter(|&&p| c.first <= p && p <= c.last()).all(|&p| model.contains(p)),
                    "net: the widest block {c} lies inside {model:?}"
                );
                let widest = runs.iter().filter_map(|&(a, z)| widest_prefix(family, a, z)).min();
                assert_eq!(Some(c.prefix), widest, "net: {c} is the widest aligned block of {model:?}");
            }
        }
    }
    // Subset relations against the model.
    let (a, b2) = (&sets[0], &sets[1]);
    let subset = |x: &Model, y: &Model| probes.iter().all(|&p| !y.contains(p) || x.contains(p));
    assert_eq!(a.contains_set(b2), subset(&models[0], &models[1]), "net: contains_set A ⊇ B");
    assert_eq!(b2.contains_set(a), subset(&models[1], &models[0]), "net: contains_set B ⊇ A");
    let mut cidrs: Vec<Cidr> = Vec::new();
    if let Some(c) = a.widest_block() {
        cidrs.push(c);
    }
    if let Some(c) = b2.widest_block() {
        cidrs.push(c);
    }
    let cover = crate::net::internet_cover(family, &cidrs);
    assert_eq!(cover.is_some(), crate::net::covers_internet(family, &cidrs), "net: internet_cover exists exactly when the blocks cover the internet");
}

/// The smallest prefix of an aligned block inside `first..=last`, by trying every prefix.
fn widest_prefix(family: Family, first: u128, last: u128) -> Option<u8> {
    (0..=family.bits()).find(|&prefix| {
        let host = u32::from(family.bits() - prefix);
        let size_minus_one = if host == 128 { u128::MAX } else { (1u128 << host) - 1 };
        // The first aligned start at or after `first`.
        let start = if first & size_minus_one == 0 { Some(first) } else { (first | size_minus_one).checked_add(1) };
        start.and_then(|s| s.checked_add(size_minus_one)).is_some_and(|end| end <= last)
    })
}
