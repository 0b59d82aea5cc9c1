//! CIDRs and sets of addresses, as inclusive intervals of `u128` per address family.
//!
//! "The internet" is the publicly routable space of a family: IPv4 without the
//! special-purpose blocks that are never reachable from the internet (RFC 1918, loopback,
//! link-local, CGNAT, documentation, multicast, reserved), IPv6 global unicast `2000::/3`
//! without the documentation block. A set of sources "covers the internet" when its union
//! contains all of that space: `0.0.0.0/0` does, so do `0.0.0.0/1` + `128.0.0.0/1`, and so
//! does any list of ranges whose union is the whole public space.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::NetError;

/// IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// Address width in bits.
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// The highest address of the family.
    pub fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

/// An address block such as `10.0.0.0/8` or `2001:db8::/32` (host bits cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    pub family: Family,
    pub first: u128,
    pub prefix: u8,
}

/// `::ffff:0:0/96`, the IPv4-mapped IPv6 addresses.
const IPV4_MAPPED: u128 = 0xffff_0000_0000;

/// Mask of the host bits of a block of `prefix` in `family` (all ones for a /0).
fn host_mask(family: Family, prefix: u8) -> u128 {
    let host_bits = u32::from(family.bits() - prefix);
    if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 }
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x:y::/n`. Host bits are cleared (`10.0.0.1/8` is `10.0.0.0/8`),
    /// as AWS does; anything else that is not a CIDR is an error, never a panic.
    pub fn parse(text: &str) -> Result<Cidr, NetError> {
        let bad = |why: &'static str| NetError::MalformedCidr { cidr: text.to_string(), why };
        let (addr, prefix) = text.trim().split_once('/').ok_or_else(|| bad("no prefix length"))?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return Err(bad("prefix length is not a number"));
        }
        let prefix: u8 = prefix.parse().map_err(|_| bad("prefix length is not a number"))?;
        let (family, value) = if addr.contains(':') {
            let ip: Ipv6Addr = addr.parse().map_err(|_| bad("not an IPv6 address"))?;
            (Family::V6, u128::from(ip))
        } else {
            let ip: Ipv4Addr = addr.parse().map_err(|_| bad("not an IPv4 address"))?;
            (Family::V4, u128::from(u32::from(ip)))
        };
        if prefix > family.bits() {
            return Err(bad("prefix length too long for the address family"));
        }
        let first = value & !host_mask(family, prefix);
        // `::ffff:a.b.c.d` names an IPv4 address in IPv6 clothing: read as IPv6 it would be
        // neither the IPv4 internet nor the IPv6 one, so a rule naming it would pass unseen.
        if family == Family::V6 && prefix >= 96 && first & !host_mask(family, 96) == IPV4_MAPPED {
            return Err(bad("IPv4-mapped IPv6 block (name the IPv4 range instead)"));
        }
        Ok(Cidr { family, first, prefix })
    }

    /// The last address of the block.
    pub fn last(&self) -> u128 {
        self.first | host_mask(self.family, self.prefix)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.family {
            // The value of an IPv4 block always fits in 32 bits.
            Family::V4 => {
                write!(f, "{}/{}", Ipv4Addr::from(u32::try_from(self.first).unwrap_or(u32::MAX)), self.prefix)
            }
            Family::V6 => write!(f, "{}/{}", Ipv6Addr::from(self.first), self.prefix),
        }
    }
}

/// A set of addresses of one family: sorted, disjoint, non-adjacent inclusive intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrSet {
    family: Family,
    ranges: Vec<(u128, u128)>,
}

impl AddrSet {
    pub fn empty(family: Family) -> Self {
        AddrSet { family, ranges: Vec::new() }
    }

    pub fn full(family: Family) -> Self {
        AddrSet { family, ranges: vec![(0, family.max())] }
    }

    /// The union of these blocks (all must be of `family`; others are ignored).
    pub fn of<'a>(family: Family, cidrs: impl IntoIterator<Item = &'a Cidr>) -> Self {
        Self::from_ranges(family, cidrs.into_iter().filter(|c| c.family == family).map(|c| (c.first, c.last())))
    }

    /// The union of the inclusive ranges `first..=last`, in any order, overlapping or not
    /// (sorted once, then merged: `n log n`). Ranges with `first > last` are empty; ranges are
    /// clipped to the family.
    pub fn from_ranges(family: Family, ranges: impl IntoIterator<Item = (u128, u128)>) -> Self {
        let mut sorted: Vec<(u128, u128)> = ranges
            .into_iter()
            .filter(|&(a, _)| a <= family.max())
            .map(|(a, b)| (a, b.min(family.max())))
            .filter(|&(a, b)| a <= b)
            .collect();
        sorted.sort_unstable();
        let mut merged: Vec<(u128, u128)> = Vec::with_capacity(sorted.len());
        for (a, b) in sorted {
            match merged.last_mut() {
                // Overlapping or adjacent to the last kept range: extend it.
                Some(last) if last.1.checked_add(1).is_none_or(|n| n >= a) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        AddrSet { family, ranges: merged }
    }

    /// The family of the set.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Whether the address is in the set.
    pub fn contains(&self, addr: u128) -> bool {
        let i = self.ranges.partition_point(|&(a, _)| a <= addr);
        i > 0 && self.ranges[i - 1].1 >= addr
    }

    /// The sorted, disjoint, non-adjacent inclusive ranges of the set.
    pub fn ranges(&self) -> &[(u128, u128)] {
        &self.ranges
    }

    /// The public, internet-routable space of a family (computed once; checks ask for it
    /// for every port of every security group).
    pub fn internet(family: Family) -> Self {
        static INTERNET: std::sync::OnceLock<[AddrSet; 2]> = std::sync::OnceLock::new();
        let [v4, v6] = INTERNET.get_or_init(|| [Self::compute_internet(Family::V4), Self::compute_internet(Family::V6)]);
        match family {
            Family::V4 => v4.clone(),
            Family::V6 => v6.clone(),
        }
    }

    fn compute_internet(family: Family) -> Self {
        let (keep, reserved): (&[&str], &[&str]) = match family {
            Family::V4 => (&["0.0.0.0/0"], RESERVED_V4),
            Family::V6 => (&["2000::/3"], RESERVED_V6),
        };
        let mut set = AddrSet::empty(family);
        for c in keep.iter().filter_map(|c| Cidr::parse(c).ok()) {
            set.insert(c.first, c.last());
        }
        for c in reserved.iter().filter_map(|c| Cidr::parse(c).ok()) {
            set.remove(c.first, c.last());
        }
        set
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Adds the addresses `first..=last` (binary search for the ranges it touches, which
    /// become one).
    pub fn insert(&mut self, first: u128, last: u128) {
        if first > last {
            return;
        }
        // Ranges wholly below and not adjacent, then ranges that start at most one past `last`.
        let start = self.ranges.partition_point(|&(_, b)| b.checked_add(1).is_some_and(|n| n < first));
        let end = self.ranges.partition_point(|&(a, _)| last.checked_add(1).is_none_or(|n| a <= n));
        let (mut lo, mut hi) = (first, last);
        if start < end {
            lo = lo.min(self.ranges[start].0);
            hi = hi.max(self.ranges[end - 1].1);
        }
        self.ranges.splice(start..end, [(lo, hi)]);
    }

    /// Removes the addresses `first..=last` (binary search for the ranges it touches).
    pub fn remove(&mut self, first: u128, last: u128) {
        if first > last {
            return;
        }
        let start = self.ranges.partition_point(|&(_, b)| b < first);
        let end = self.ranges.partition_point(|&(a, _)| a <= last);
        if start >= end {
            return;
        }
        let mut kept = Vec::with_capacity(2);
        let (a, b) = (self.ranges[start].0, self.ranges[end - 1].1);
        if a < first {
            kept.push((a, first - 1));
        }
        if b > last {
            kept.push((last + 1, b));
        }
        self.ranges.splice(start..end, kept);
    }

    pub fn insert_cidr(&mut self, cidr: &Cidr) {
        if cidr.family == self.family {
            self.insert(cidr.first, cidr.last());
        }
    }

    pub fn remove_cidr(&mut self, cidr: &Cidr) {
        if cidr.family == self.family {
            self.remove(cidr.first, cidr.last());
        }
    }

    /// Adds every address of `other` (one merge of both sorted lists).
    pub fn union_with(&mut self, other: &AddrSet) {
        let mut both = std::mem::take(&mut self.ranges);
        both.extend_from_slice(&other.ranges);
        *self = AddrSet::from_ranges(self.family, both);
    }

    /// The addresses in both sets (one pass over both sorted lists).
    pub fn intersection(&self, other: &AddrSet) -> AddrSet {
        let mut out = AddrSet::empty(self.family);
        let (a, b) = (&self.ranges, &other.ranges);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (lo, hi) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
            if lo <= hi {
                out.ranges.push((lo, hi));
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    }

    /// True when every address of `other` is in `self`: each range of `other` lies inside
    /// one range of `self` (they are disjoint and not adjacent), found by binary search.
    pub fn contains_set(&self, other: &AddrSet) -> bool {
        other.ranges.iter().all(|&(c, d)| {
            let i = self.ranges.partition_point(|&(a, _)| a <= c);
            i > 0 && self.ranges[i - 1].1 >= d
        })
    }

    /// True when the set holds the whole public space of its family.
    pub fn covers_internet(&self) -> bool {
        self.contains_set(&AddrSet::internet(self.family))
    }

    /// The widest CIDR block inside the set (the first one of that width), for messages:
    /// "reachable from 128.0.0.0/1".
    pub fn widest_block(&self) -> Option<Cidr> {
        self.ranges.iter().filter_map(|&(a, b)| widest_block_in(self.family, a, b)).min_by_key(|c| c.prefix)
    }
}

/// The widest aligned block within `first..=last`.
fn widest_block_in(family: Family, first: u128, last: u128) -> Option<Cidr> {
    (0..=family.bits()).find_map(|prefix| {
        let mask = host_mask(family, prefix);
        let start = if first & mask == 0 { first } else { (first | mask).checked_add(1)? };
        let end = start.checked_add(mask)?;
        (end <= last).then_some(Cidr { family, first: start, prefix })
    })
}

/// IPv4 special-purpose blocks that are not reachable from the internet (IANA registry).
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

/// IPv6 blocks inside `2000::/3` that are not reachable from the internet.
const RESERVED_V6: &[&str] = &["2001:db8::/32"];

/// Whether these blocks (of any family; only `family` counts) together cover the internet.
pub fn covers_internet(family: Family, cidrs: &[Cidr]) -> bool {
    AddrSet::of(family, cidrs).covers_internet()
}

/// The widest blocks of `cidrs` that together cover the internet, or `None` when all of
/// them together do not. With `0.0.0.0/0` among them that is just `0.0.0.0/0`; with the two
/// halves it is both halves. Narrow ranges that are not needed for the cover are left out,
/// so a message names the sources that actually open the door.
pub fn internet_cover(family: Family, cidrs: &[Cidr]) -> Option<Vec<Cidr>> {
    // The blocks of the family, widest first; `ends[j]` counts those of the `j + 1` widest
    // prefix lengths. Coverage only grows with the count, so the narrowest prefix length
    // needed is found by binary search: a few unions of `n` blocks, not one per length.
    let mut mine: Vec<Cidr> = cidrs.iter().filter(|c| c.family == family).copied().collect();
    mine.sort_unstable_by_key(|c| c.prefix);
    let ends: Vec<usize> =
        (1..=mine.len()).filter(|&n| n == mine.len() || mine[n].prefix != mine[n - 1].prefix).collect();
    let internet = AddrSet::internet(family);
    let needed = ends.partition_point(|&n| !AddrSet::of(family, &mine[..n]).contains_set(&internet));
    let &n = ends.get(needed)?;
    let mut cover = mine[..n].to_vec();
    cover.sort_unstable();
    cover.dedup();
    Some(cover)
}

/// A short list of blocks for a message: `0.0.0.0/1, 128.0.0.0/1`, at most `max` of them.
pub fn list(cidrs: &[Cidr], max: usize) -> String {
    let mut text: Vec<String> = cidrs.iter().take(max).map(Cidr::to_string).collect();
    if cidrs.len() > max {
        text.push(format!("and {} more", cidrs.len() - max));
    }
    text.join(", ")
}
