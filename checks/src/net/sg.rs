//! Security group ingress: which sources reach a port, and whether they are the internet.
//!
//! Security groups only allow, and an instance gets the union of the rules of all its
//! groups, so the sources that reach a port are the union of the sources of every ingress
//! rule (of every group) whose protocol and ports cover it: IPv4 ranges, IPv6 ranges and the
//! CIDRs of referenced managed prefix lists. Referenced security groups are other members of
//! the VPC, never the internet. The port is open to the internet when those sources cover
//! the public IPv4 space or the public IPv6 space.

use std::collections::HashMap;

use crate::inventory::Collected;
use crate::inventory::ec2::{IpPermission, PrefixList, SecurityGroup};

use super::NetError;
use super::addr::{AddrSet, Cidr, Family, internet_cover};
use super::cover::InternetCover;
use super::proto::{Match, Ports, Protocol, Traffic, segments};

/// The managed prefix lists of a region, to resolve `pl-…` references.
#[derive(Debug, Clone, Copy)]
pub struct PrefixLists<'a>(Result<&'a [PrefixList], &'a str>);

impl<'a> PrefixLists<'a> {
    pub fn new(lists: &'a Collected<Vec<PrefixList>>) -> Self {
        PrefixLists(lists.as_result().map(Vec::as_slice))
    }

    /// The CIDRs of one list, or why they cannot be known.
    pub fn resolve(&self, id: &str) -> Result<Vec<Cidr>, NetError> {
        let unresolved = |why: String| NetError::UnresolvedPrefixList { id: id.to_string(), why };
        let lists = self.0.map_err(|why| unresolved(format!("prefix lists could not be read: {why}")))?;
        let list = lists
            .iter()
            .find(|l| l.prefix_list_id == id)
            .ok_or_else(|| unresolved("not among the prefix lists collected".to_string()))?;
        let entries =
            list.entries.as_result().map_err(|why| unresolved(format!("entries could not be read: {why}")))?;
        entries.iter().map(|e| Cidr::parse(e)).collect()
    }
}

/// One source of ingress traffic and the rule it comes from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub cidr: Cidr,
    /// `tcp 20-25`, `all traffic via pl-123`, `sg-1 tcp 22`.
    pub via: String,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.cidr, self.via)
    }
}

/// The sources that reach one kind of traffic through some groups, and what could not be
/// read on the way (a malformed rule or CIDR, a prefix list that is unknown).
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub sources: Vec<Source>,
    pub problems: Vec<NetError>,
}

/// The internet sources that open a port: the widest sources that together cover the
/// public space of IPv4, of IPv6, or of both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub cover: Vec<Source>,
}

impl Opening {
    /// `0.0.0.0/0 (tcp 22), ::/0 (tcp 22)`, at most `max` sources.
    pub fn describe(&self, max: usize) -> String {
        let mut parts: Vec<String> = self.cover.iter().take(max).map(Source::to_string).collect();
        if self.cover.len() > max {
            parts.push(format!("and {} more", self.cover.len() - max));
        }
        parts.join(", ")
    }
}

impl Reach {
    /// The internet cover of the sources, if they open the traffic to the internet.
    pub fn opening(&self) -> Option<Opening> {
        let cidrs: Vec<Cidr> = self.sources.iter().map(|s| s.cidr).collect();
        let covers: Vec<Vec<Cidr>> =
            Family::ALL.into_iter().filter_map(|family| internet_cover(family, &cidrs)).collect();
        if covers.is_empty() {
            return None;
        }
        // The first source of each block, looked up rather than searched for.
        let mut first: HashMap<Cidr, &Source> = HashMap::with_capacity(self.sources.len());
        for source in &self.sources {
            first.entry(source.cidr).or_insert(source);
        }
        let cover: Vec<Source> =
            covers.iter().flatten().filter_map(|cidr| first.get(cidr).map(|&s| s.clone())).collect();
        (!cover.is_empty()).then_some(Opening { cover })
    }

    /// Open to the internet (`Ok(Some)`), not open (`Ok(None)`), or undecidable because a
    /// source could not be read and what could be read does not already open it (`Err`).
    /// An opening found among the readable sources is certain: more sources only widen it.
    pub fn verdict(&self) -> Result<Option<Opening>, NetError> {
        match (self.opening(), self.problems.first()) {
            (Some(open), _) => Ok(Some(open)),
            (None, Some(problem)) => Err(problem.clone()),
            (None, None) => Ok(None),
        }
    }

    /// The widest public block among the sources (IPv4 first), for "only from …" messages.
    pub fn widest_public(&self) -> Option<Cidr> {
        Family::ALL.into_iter().find_map(|family| {
            let set = AddrSet::of(family, self.sources.iter().map(|s| &s.cidr));
            set.intersection(&AddrSet::internet(family)).widest_block()
        })
    }
}

/// A rule's protocol and ports, validated.
pub fn rule_match(rule: &IpPermission) -> Result<Match, NetError> {
    let protocol = Protocol::parse(&rule.ip_protocol)?;
    Match::new(protocol, rule.from_port.zip(rule.to_port)).map_err(|e| match e {
        NetError::MalformedRule(why) => NetError::MalformedRule(format!("rule {}: {why}", rule.ip_protocol)),
        other => other,
    })
}

/// The ingress sources of `groups` that reach `traffic`.
pub fn ingress_reach(groups: &[&SecurityGroup], lists: PrefixLists<'_>, traffic: Traffic) -> Reach {
    ParsedIngress::new(groups).reach(lists, traffic)
}

/// The ingress rules of some security groups with their protocol, ports and CIDRs parsed
/// once, to be asked about many ports (a check of 25 ports would otherwise parse every CIDR
/// 25 times).
pub struct ParsedIngress<'a> {
    rules: Vec<ParsedRule<'a>>,
    /// Several groups: sources name their group.
    several: bool,
}

struct ParsedRule<'a> {
    group_id: &'a str,
    matched: Result<Match, NetError>,
    /// The IPv4 then IPv6 ranges, in the rule's order.
    cidrs: Vec<Result<Cidr, NetError>>,
    prefix_list_ids: &'a [String],
}

impl<'a> ParsedIngress<'a> {
    pub fn new(groups: &[&'a SecurityGroup]) -> Self {
        let rules = groups
            .iter()
            .flat_map(|group| {
                group.ip_permissions.iter().map(|rule| ParsedRule {
                    group_id: &group.group_id,
                    matched: rule_match(rule),
                    cidrs: rule.ip_ranges.iter().chain(&rule.ipv6_ranges).map(|text| Cidr::parse(text)).collect(),
                    prefix_list_ids: &rule.prefix_list_ids,
                })
            })
            .collect();
        ParsedIngress { rules, several: groups.len() > 1 }
    }

    /// As [`ParsedIngress::new`], with every source naming its group, even of one group.
    pub fn named(groups: &[&'a SecurityGroup]) -> Self {
        ParsedIngress { several: true, ..Self::new(groups) }
    }

    /// The rules (by position) whose protocol and ports admit `traffic`. Two kinds of
    /// traffic admitted by the same rules have the same [`ParsedIngress::reach`], sources and
    /// problems alike (a rule that cannot be read is a problem for any traffic).
    pub fn admitting(&self, traffic: Traffic) -> Vec<usize> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.matched.as_ref().is_ok_and(|m| m.matches(traffic)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether the rules' protocols and ports together admit every TCP port 1–65535 (their
    /// sources aside), or some rule cannot be read. When not, some port is admitted by no
    /// rule at all, so not every port is open.
    fn may_admit_every_tcp_port(&self) -> bool {
        let mut ranges: Vec<(u16, u16)> = Vec::new();
        for rule in &self.rules {
            match &rule.matched {
                Err(_) => return true,
                Ok(m) if m.protocol == Protocol::All => return true,
                Ok(Match { protocol: Protocol::Tcp, ports: Some(p) }) => ranges.push((p.from, p.to)),
                Ok(_) => {}
            }
        }
        ranges.sort_unstable();
        // The first port not yet admitted.
        let mut next: u32 = 1;
        for (from, to) in ranges {
            if u32::from(from) > next {
                return false;
            }
            next = next.max(u32::from(to) + 1);
        }
        next > 65535
    }

    /// The sources that reach `traffic`, and what could not be read on the way.
    pub fn reach(&self, lists: PrefixLists<'_>, traffic: Traffic) -> Reach {
        let mut reach = Reach::default();
        // Each list is looked up and parsed once, however many rules name it.
        let mut resolved: HashMap<&str, Result<Vec<Cidr>, NetError>> = HashMap::new();
        for rule in &self.rules {
            let matched = match &rule.matched {
                Ok(m) => m,
                Err(e) => {
                    reach.problems.push(e.clone());
                    continue;
                }
            };
            if !matched.matches(traffic) {
                continue;
            }
            let via = if self.several { format!("{} {matched}", rule.group_id) } else { matched.to_string() };
            for cidr in &rule.cidrs {
                match cidr {
                    Ok(cidr) => reach.sources.push(Source { cidr: *cidr, via: via.clone() }),
                    Err(e) => reach.problems.push(e.clone()),
                }
            }
            for id in rule.prefix_list_ids {
                match resolved.entry(id).or_insert_with(|| lists.resolve(id)) {
                    Ok(cidrs) => {
                        let via = format!("{via} via {id}");
                        reach.sources.extend(cidrs.iter().map(|&cidr| Source { cidr, via: via.clone() }));
                    }
                    Err(e) => reach.problems.push(e.clone()),
                }
            }
        }
        reach
    }
}

/// TCP port segments of the ingress rules of `groups` (see [`segments`]).
pub fn tcp_segments(groups: &[&SecurityGroup]) -> Vec<Ports> {
    let ranges = groups
        .iter()
        .flat_map(|g| &g.ip_permissions)
        .filter_map(|r| rule_match(r).ok())
        .filter(|m| m.protocol == Protocol::Tcp)
        .filter_map(|m| m.ports);
    segments(ranges)
}

/// Whether every TCP port 1–65535 is open to the internet through `groups` (port 0 is not
/// a usable port, so `1-65535` counts as all ports): `Ok(Some)` with the opening of the
/// first segment, `Ok(None)` when some port is not open, `Err` when undecidable.
///
/// One port certainly closed settles it, whatever else could not be read; otherwise the
/// first segment that is not open gives its error, and when all are open the first one
/// gives the opening. Which segments are open is found in one sweep over the port segments
/// ([`ParsedIngress::tcp_segment_states`]), `n log n` in the rules and their sources; only
/// the one segment that decides is then described.
pub fn all_tcp_ports_open(groups: &[&SecurityGroup], lists: PrefixLists<'_>) -> Result<Option<Opening>, NetError> {
    let ingress = ParsedIngress::new(groups);
    // Most groups admit a few ports: a port no rule admits is certainly closed, which the
    // sweep would find at a greater cost.
    if !ingress.may_admit_every_tcp_port() {
        return Ok(None);
    }
    let segments: Vec<Ports> = tcp_segments(groups).into_iter().filter(|seg| seg.to > 0).collect();
    let states = ingress.tcp_segment_states(lists, &segments);
    if states.iter().any(|s| !s.open && !s.problem) {
        return Ok(None);
    }
    let decisive = segments.iter().zip(&states).find(|(_, s)| !s.open).or(segments.iter().zip(&states).next());
    match decisive {
        Some((seg, _)) => ingress.reach(lists, Traffic::Tcp(seg.from.max(1))).verdict(),
        None => Ok(None),
    }
}

/// What one TCP port segment's sources amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentState {
    /// The sources cover the public IPv4 or IPv6 space.
    pub open: bool,
    /// Some source of the segment (or some rule) could not be read.
    pub problem: bool,
}

impl ParsedIngress<'_> {
    /// For each segment (ascending, disjoint port ranges, each wholly inside or outside every
    /// rule, as [`tcp_segments`] gives them), whether the internet reaches its first usable
    /// port and whether something could not be read: the same answers as [`Self::reach`]
    /// port by port, in one sweep. Each rule's sources enter a counted cover of the public
    /// space at the first segment it matches and leave after the last, so the cost is
    /// `(rules + sources) log sources`, not segments × rules.
    pub fn tcp_segment_states(&self, lists: PrefixLists<'_>, segments: &[Ports]) -> Vec<SegmentState> {
        let ports: Vec<u16> = segments.iter().map(|seg| seg.from.max(1)).collect();
        let mut always_problem = false;
        let mut resolved: HashMap<&str, Result<Vec<Cidr>, NetError>> = HashMap::new();
        // (first segment, one past the last, sources, whether one could not be read).
        let mut active: Vec<(usize, usize, Vec<Cidr>, bool)> = Vec::new();
        for rule in &self.rules {
            let matched = match &rule.matched {
                Ok(m) => m,
                Err(_) => {
                    always_problem = true;
                    continue;
                }
            };
            let (start, end) = match (matched.protocol, matched.ports) {
                (Protocol::All, _) => (0, ports.len()),
                (Protocol::Tcp, Some(range)) => {
                    (ports.partition_point(|&p| p < range.from), ports.partition_point(|&p| p <= range.to))
                }
                _ => continue,
            };
            if start >= end {
                continue;
            }
            let mut problem = false;
            let mut sources = Vec::new();
            for cidr in &rule.cidrs {
                match cidr {
                    Ok(c) => sources.push(*c),
                    Err(_) => problem = true,
                }
            }
            for id in rule.prefix_list_ids {
                match resolved.entry(id).or_insert_with(|| lists.resolve(id)) {
                    Ok(cidrs) => sources.extend_from_slice(cidrs),
                    Err(_) => problem = true,
                }
            }
            active.push((start, end, sources, problem));
        }
        let all_sources = || active.iter().flat_map(|(_, _, sources, _)| sources);
        let mut covers = Family::ALL.map(|family| InternetCover::new(family, all_sources()));
        // Rules entering and leaving at each segment.
        let mut enter: Vec<Vec<usize>> = vec![Vec::new(); ports.len() + 1];
        let mut leave: Vec<Vec<usize>> = vec![Vec::new(); ports.len() + 1];
        for (i, (start, end, _, _)) in active.iter().enumerate() {
            enter[*start].push(i);
            leave[*end].push(i);
        }
        let mut problems = 0usize;
        let mut states = Vec::with_capacity(ports.len());
        for seg in 0..ports.len() {
            for &i in &leave[seg] {
                let (_, _, sources, problem) = &active[i];
                sources.iter().for_each(|c| covers.iter_mut().for_each(|cover| cover.remove(c)));
                problems -= usize::from(*problem);
            }
            for &i in &enter[seg] {
                let (_, _, sources, problem) = &active[i];
                sources.iter().for_each(|c| covers.iter_mut().for_each(|cover| cover.add(c)));
                problems += usize::from(*problem);
            }
            states.push(SegmentState {
                open: covers.iter().any(InternetCover::covers_internet),
                problem: always_problem || problems > 0,
            });
        }
        states
    }
}
