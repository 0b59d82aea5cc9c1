//! Network ACL inbound evaluation, in rule order, as set math over the address space.
//!
//! AWS evaluates inbound entries from the lowest rule number up; for a packet, the first
//! entry whose protocol, ports and CIDR match decides (allow or deny); `*` (32767) denies
//! the rest. So for one kind of traffic the addresses an entry decides are its CIDR minus
//! everything lower-numbered entries already decided.
//!
//! Which allows are "from the internet": the widest allow entries that together cover the
//! public space of the family (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, …), exactly as
//! for security group sources. Narrower allows (an office range) are trusted ranges, as CIS
//! recommends. Traffic is reachable from the internet when one of those internet allows
//! still decides some public address after the lower-numbered entries: a lower DENY
//! `0.0.0.0/1` + DENY `128.0.0.0/1` blocks a later ALLOW `0.0.0.0/0` entirely, a lower DENY of
//! one office range does not.

use std::collections::{BTreeMap, HashSet};

use crate::inventory::ec2::{NetworkAcl, NetworkAclEntry};

use super::NetError;
use super::addr::{AddrSet, Cidr, Family, internet_cover};
use super::proto::{Match, Ports, Protocol, Traffic, segments};

/// One inbound entry, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub rule_number: i32,
    pub allow: bool,
    pub matcher: Match,
    pub cidr: Cidr,
}

impl Entry {
    pub(crate) fn parse(entry: &NetworkAclEntry) -> Result<Entry, NetError> {
        let n = entry.rule_number;
        let bad = |why: String| NetError::MalformedRule(format!("entry {n}: {why}"));
        let allow = match entry.rule_action.to_ascii_lowercase().as_str() {
            "allow" => true,
            "deny" => false,
            other => return Err(bad(format!("unknown rule action '{other}'"))),
        };
        let protocol = Protocol::parse(&entry.protocol).map_err(|e| bad(e.to_string()))?;
        let ports = entry.port_range.map(|r| (r.from, r.to));
        let matcher = Match::new(protocol, ports).map_err(|e| bad(e.to_string()))?;
        let cidr = match (&entry.cidr_block, &entry.ipv6_cidr_block) {
            (Some(c), None) | (None, Some(c)) => Cidr::parse(c)?,
            (None, None) => return Err(bad("no CIDR block".to_string())),
            (Some(_), Some(_)) => return Err(bad("both an IPv4 and an IPv6 CIDR block".to_string())),
        };
        Ok(Entry { rule_number: n, allow, matcher, cidr })
    }
}

/// The inbound entries of a NACL, in evaluation order.
#[derive(Debug, Clone)]
pub struct Inbound {
    entries: Vec<Entry>,
}

/// How internet traffic gets through: the internet allows that still let public addresses
/// in, and the widest block that reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclReach {
    pub traffic: Traffic,
    /// (rule number, CIDR) of each internet allow that still lets public addresses in.
    pub rules: Vec<(i32, Cidr)>,
    /// The widest block still reaching after lower-numbered entries.
    pub widest: Cidr,
    /// Whether lower-numbered entries decide part of what those allows name.
    pub narrowed: bool,
}

impl NaclReach {
    /// `rule 100 allows 0.0.0.0/0`, `rules 100, 110 allow 0.0.0.0/1, 128.0.0.0/1`, and when
    /// lower entries decide part of it, `(… widest block still reaching: 128.0.0.0/1)`.
    pub fn describe(&self) -> String {
        let numbers: Vec<String> = self.rules.iter().map(|(n, _)| n.to_string()).collect();
        let cidrs: Vec<String> = self.rules.iter().map(|(_, c)| c.to_string()).collect();
        let mut text = match self.rules.len() {
            1 => format!("rule {} allows {}", numbers.join(", "), cidrs.join(", ")),
            _ => format!("rules {} allow {}", numbers.join(", "), cidrs.join(", ")),
        };
        if self.narrowed {
            text.push_str(&format!(
                " (lower-numbered entries decide part of it; widest block still reaching: {})",
                self.widest
            ));
        }
        text
    }
}

impl Inbound {
    /// Validates the inbound (`egress = false`) entries; any malformed one is an error, as
    /// it could change the outcome of every entry after it.
    pub fn of(acl: &NetworkAcl) -> Result<Inbound, NetError> {
        Ok(Inbound { entries: entries_of(acl, false)? })
    }

    /// Whether `traffic` from the internet gets through, and how (IPv4 first, then IPv6).
    pub fn internet_reach(&self, traffic: Traffic) -> Vec<NaclReach> {
        Family::ALL.into_iter().filter_map(|family| self.family_reach(family, traffic)).collect()
    }

    fn family_reach(&self, family: Family, traffic: Traffic) -> Option<NaclReach> {
        let matching: Vec<&Entry> =
            self.entries.iter().filter(|e| e.cidr.family == family && e.matcher.matches(traffic)).collect();
        let allows: Vec<Cidr> = matching.iter().filter(|e| e.allow).map(|e| e.cidr).collect();
        let internet_allows: HashSet<Cidr> = internet_cover(family, &allows)?.into_iter().collect();
        let internet = AddrSet::internet(family);
        // What no lower-numbered entry has decided yet: disjoint ranges by first address.
        // Every range enters once and leaves once, so the walk is `n log n` in the entries.
        let mut undecided: BTreeMap<u128, u128> = BTreeMap::from([(0, family.max())]);
        let mut rules = Vec::new();
        let mut named = Vec::new();
        let mut exposed = Vec::new();
        for entry in matching {
            let decided = AddrSet::from_ranges(family, take(&mut undecided, entry.cidr.first, entry.cidr.last()));
            if entry.allow && internet_allows.contains(&entry.cidr) && !decided.intersection(&internet).is_empty() {
                rules.push((entry.rule_number, entry.cidr));
                named.push(entry.cidr);
                exposed.extend_from_slice(decided.ranges());
            }
        }
        let exposed = AddrSet::from_ranges(family, exposed);
        let named = AddrSet::of(family, &named);
        let widest = exposed.widest_block()?;
        Some(NaclReach { traffic, rules, widest, narrowed: exposed != named })
    }

    /// The inbound entries in evaluation order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Port segments of the entries of one protocol (see [`segments`]).
    fn segments(&self, protocol: Protocol) -> Vec<Ports> {
        segments(self.entries.iter().filter(|e| e.matcher.protocol == protocol).filter_map(|e| e.matcher.ports))
    }

    /// Every kind of traffic (TCP port ranges, UDP port ranges, other protocols) that the
    /// internet reaches, each with the range of ports it holds for.
    pub fn any_internet_reach(&self) -> Vec<(String, NaclReach)> {
        let mut out = Vec::new();
        for (name, protocol, traffic) in
            [("TCP", Protocol::Tcp, Traffic::Tcp as fn(u16) -> Traffic), ("UDP", Protocol::Udp, Traffic::Udp)]
        {
            for seg in self.segments(protocol) {
                if let Some(reach) = self.internet_reach(traffic(seg.from)).into_iter().next() {
                    out.push((format!("{name} {seg}"), reach));
                }
            }
        }
        if let Some(reach) = self.internet_reach(Traffic::OtherProtocol).into_iter().next() {
            out.push(("other protocols".to_string(), reach));
        }
        out
    }
}

/// The entries of one direction of a NACL (`egress`: outbound), validated, in evaluation
/// order. Any malformed entry is an error, as it could change the outcome of every entry
/// after it.
pub fn entries_of(acl: &NetworkAcl, egress: bool) -> Result<Vec<Entry>, NetError> {
    let mut entries =
        acl.entries.iter().filter(|e| e.egress == egress).map(Entry::parse).collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.rule_number);
    Ok(entries)
}

/// The addresses of `family` whose packets of `traffic` the entries (in evaluation order)
/// allow, and for each allow entry that decides some of them, its rule number and the part
/// it decides. Inbound, the addresses are sources; outbound, destinations.
pub fn allowed(entries: &[Entry], family: Family, traffic: Traffic) -> (AddrSet, Vec<(i32, AddrSet)>) {
    let mut undecided: BTreeMap<u128, u128> = BTreeMap::from([(0, family.max())]);
    let mut all = Vec::new();
    let mut by_rule = Vec::new();
    for entry in entries.iter().filter(|e| e.cidr.family == family && e.matcher.matches(traffic)) {
        let decided = take(&mut undecided, entry.cidr.first, entry.cidr.last());
        if entry.allow && !decided.is_empty() {
            all.extend_from_slice(&decided);
            by_rule.push((entry.rule_number, AddrSet::from_ranges(family, decided)));
        }
        if undecided.is_empty() {
            break;
        }
    }
    (AddrSet::from_ranges(family, all), by_rule)
}

/// Port segments of entries of one protocol (see [`segments`]).
pub fn entry_segments(entries: &[Entry], protocol: Protocol) -> Vec<Ports> {
    segments(entries.iter().filter(|e| e.matcher.protocol == protocol).filter_map(|e| e.matcher.ports))
}

/// Removes `first..=last` from the disjoint ranges of `set` (keyed by their first address)
/// and returns the parts it removed, in order.
fn take(set: &mut BTreeMap<u128, u128>, first: u128, last: u128) -> Vec<(u128, u128)> {
    // A range that starts below `first` and reaches into it: split off its part from `first`.
    if let Some((&a, &b)) = set.range(..first).next_back()
        && b >= first
    {
        set.insert(a, first - 1);
        set.insert(first, b);
    }
    let starts: Vec<u128> = set.range(first..=last).map(|(&a, _)| a).collect();
    let mut taken = Vec::with_capacity(starts.len());
    for a in starts {
        let Some(b) = set.remove(&a) else { continue };
        if b > last {
            set.insert(last + 1, b);
            taken.push((a, last));
        } else {
            taken.push((a, b));
        }
    }
    taken
}
