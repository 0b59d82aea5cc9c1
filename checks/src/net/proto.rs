//! Protocols and port ranges, as security group rules and NACL entries give them.

use std::fmt;

use super::NetError;

/// The protocol of a rule or entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `-1`: every protocol, every port.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Any other IP protocol number (ESP, GRE, …): no ports.
    Other(u8),
}

impl Protocol {
    /// Parses `-1`/`all`, `tcp`/`6`, `udp`/`17`, `icmp`/`1`, `icmpv6`/`58` or a protocol
    /// number 0–255 (case-insensitive). A number is its protocol however it is written
    /// (`006` is TCP, not some other protocol 6); anything but ASCII digits in a number
    /// (`+6`, `６`) is an error.
    pub fn parse(text: &str) -> Result<Protocol, NetError> {
        let t = text.trim().to_ascii_lowercase();
        let unknown = || NetError::MalformedRule(format!("unknown protocol '{text}'"));
        Ok(match t.as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            "icmpv6" => Protocol::Icmpv6,
            number if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                match number.parse::<u8>().map_err(|_| unknown())? {
                    6 => Protocol::Tcp,
                    17 => Protocol::Udp,
                    1 => Protocol::Icmp,
                    58 => Protocol::Icmpv6,
                    n => Protocol::Other(n),
                }
            }
            _ => return Err(unknown()),
        })
    }

    /// Whether the protocol has ports (TCP and UDP).
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }
}

/// An inclusive range of ports, `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ports {
    pub from: u16,
    pub to: u16,
}

impl Ports {
    pub const ALL: Ports = Ports { from: 0, to: u16::MAX };

    /// Validates a range as the API gives it (`i32`, inclusive, `from <= to`).
    pub fn new(from: i32, to: i32) -> Result<Ports, NetError> {
        let port =
            |p: i32| u16::try_from(p).map_err(|_| NetError::MalformedRule(format!("port {p} out of range 0-65535")));
        let (from, to) = (port(from)?, port(to)?);
        if from > to {
            return Err(NetError::MalformedRule(format!("port range {from}-{to} is reversed")));
        }
        Ok(Ports { from, to })
    }

    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to { write!(f, "{}", self.from) } else { write!(f, "{}-{}", self.from, self.to) }
    }
}

/// One kind of packet a rule may let through: a TCP or UDP port, or "any other protocol"
/// (which only an all-traffic rule matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    Tcp(u16),
    Udp(u16),
    OtherProtocol,
}

impl fmt::Display for Traffic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Traffic::Tcp(p) => write!(f, "TCP {p}"),
            Traffic::Udp(p) => write!(f, "UDP {p}"),
            Traffic::OtherProtocol => f.write_str("all other protocols"),
        }
    }
}

/// A rule's protocol with its ports (for TCP/UDP), after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub protocol: Protocol,
    /// Present exactly for TCP and UDP.
    pub ports: Option<Ports>,
}

impl Match {
    /// Validates a protocol and its optional port range: TCP and UDP need one.
    pub fn new(protocol: Protocol, ports: Option<(i32, i32)>) -> Result<Match, NetError> {
        if !protocol.has_ports() {
            return Ok(Match { protocol, ports: None });
        }
        let (from, to) =
            ports.ok_or_else(|| NetError::MalformedRule("TCP/UDP rule without a port range".to_string()))?;
        Ok(Match { protocol, ports: Some(Ports::new(from, to)?) })
    }

    /// Whether packets of `traffic` match.
    pub fn matches(&self, traffic: Traffic) -> bool {
        let in_range = |p: u16| self.ports.is_some_and(|r| r.contains(p));
        match (self.protocol, traffic) {
            (Protocol::All, _) => true,
            (Protocol::Tcp, Traffic::Tcp(p)) | (Protocol::Udp, Traffic::Udp(p)) => in_range(p),
            _ => false,
        }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.protocol, self.ports) {
            (Protocol::All, _) => f.write_str("all traffic"),
            (Protocol::Tcp, Some(p)) => write!(f, "tcp {p}"),
            (Protocol::Udp, Some(p)) => write!(f, "udp {p}"),
            (Protocol::Tcp, None) => f.write_str("tcp"),
            (Protocol::Udp, None) => f.write_str("udp"),
            (Protocol::Icmp, _) => f.write_str("icmp"),
            (Protocol::Icmpv6, _) => f.write_str("icmpv6"),
            (Protocol::Other(n), _) => write!(f, "protocol {n}"),
        }
    }
}

/// Port segments of `0..=65535` inside which every range in `ranges` is either wholly
/// present or wholly absent: evaluating one port per segment evaluates them all.
pub fn segments(ranges: impl IntoIterator<Item = Ports>) -> Vec<Ports> {
    let mut starts: Vec<u32> = vec![0];
    for r in ranges {
        starts.push(u32::from(r.from));
        starts.push(u32::from(r.to) + 1);
    }
    starts.retain(|&s| s <= u32::from(u16::MAX));
    starts.sort_unstable();
    starts.dedup();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(u32::from(u16::MAX), |n| n - 1);
        // Both bounds are at most 65535 by construction.
        if let (Ok(from), Ok(to)) = (u16::try_from(s), u16::try_from(end)) {
            out.push(Ports { from, to });
        }
    }
    out
}
