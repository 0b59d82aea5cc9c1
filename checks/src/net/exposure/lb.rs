//! Paths through internet-facing load balancers.
//!
//! The internet reaches a listener of an internet-facing load balancer through the same
//! layers as an interface (the load balancer's groups, each of its subnets' network ACL and
//! route table; its nodes have public addresses by its scheme and IP address type). A
//! reached load balancer forwards to the targets of its target groups (elbv2) or to its
//! registered instances (Classic), on the target port, when the target's groups admit it:
//! a rule naming one of the load balancer's groups, or a CIDR rule that holds its nodes'
//! private addresses (when the nodes' interfaces are not among those collected, any CIDR
//! rule holding private addresses is taken to admit them). A network load balancer without
//! security groups keeps the client's address, so any CIDR rule on the target port admits
//! the traffic it forwards.
//!
//! Not modelled on this hop: which listener rule forwards to which target group (every
//! reached listener of the load balancer is named), the targets' network ACLs, and
//! Lambda or load-balancer targets.

use std::collections::HashMap;

use crate::inventory::RegionInventory;
use crate::inventory::ec2::NetworkInterface;
use crate::inventory::elb::{ClassicLoadBalancer, LoadBalancer};
use crate::net::addr::{AddrSet, Cidr, Family};
use crate::net::proto::Traffic;
use crate::net::sg::rule_match;

use super::{Ask, Network, Place, Reached};

/// An internet-facing load balancer and the listeners the internet reaches.
#[derive(Debug, Clone)]
pub struct Front<'a> {
    pub name: &'a str,
    /// The ARN (elbv2); `None` for a Classic Load Balancer.
    pub arn: Option<&'a str>,
    /// `application`, `network` or `classic`.
    pub kind: &'a str,
    pub group_ids: &'a [String],
    pub listeners: Vec<ListenerReach>,
    /// What could not be read (its listeners, a group, a subnet's ACL): the reach may be
    /// wider than `listeners` says, or undecided.
    pub problems: Vec<String>,
}

/// A listener of a front and how the internet reaches it.
#[derive(Debug, Clone)]
pub struct ListenerReach {
    /// `HTTPS 443`, `TCP 22`.
    pub label: String,
    pub traffic: Traffic,
    pub reached: Vec<Reached>,
}

impl Front<'_> {
    /// `application load balancer web`, `Classic Load Balancer legacy`.
    pub fn label(&self) -> String {
        match self.kind {
            "classic" => format!("Classic Load Balancer {}", self.name),
            kind => format!("{kind} load balancer {}", self.name),
        }
    }

    /// The listeners the internet reaches.
    pub fn reached(&self) -> impl Iterator<Item = &ListenerReach> {
        self.listeners.iter().filter(|l| !l.reached.is_empty())
    }
}

/// A target the internet reaches through a front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behind {
    /// The front's label.
    pub front: String,
    /// The reached listeners of the front: `HTTPS 443`.
    pub listeners: Vec<String>,
    /// The traffic the target receives: `Traffic::Tcp(8080)`.
    pub traffic: Traffic,
    /// The target group (elbv2), for evidence.
    pub target_group: Option<String>,
    /// The rule of the target's groups that admits the load balancer.
    pub admitted_by: String,
    /// The way in to the front: its first reached listener's sources and path.
    pub way_in: String,
}

impl Behind {
    /// `through application load balancer web (listeners HTTPS 443) on TCP 8080, admitted by …`.
    pub fn describe(&self) -> String {
        let group = self.target_group.as_deref().map(|g| format!(", target group {g}")).unwrap_or_default();
        format!(
            "through {} (listener {}{group}) on {}, admitted by {}; the way in: {}",
            self.front,
            self.listeners.join(", "),
            self.traffic,
            self.admitted_by,
            self.way_in
        )
    }
}

/// The kinds of traffic a listener protocol accepts on its port.
fn listener_traffic(protocol: Option<&str>, port: Option<i32>) -> Vec<Traffic> {
    let Some(port) = port.and_then(|p| u16::try_from(p).ok()) else { return Vec::new() };
    match protocol.map(str::to_ascii_uppercase).as_deref() {
        Some("UDP") => vec![Traffic::Udp(port)],
        Some("TCP_UDP") => vec![Traffic::Tcp(port), Traffic::Udp(port)],
        Some("GENEVE") => Vec::new(),
        _ => vec![Traffic::Tcp(port)],
    }
}

/// Whether an interface is a node of this load balancer, by the description Elastic Load
/// Balancing gives its interfaces: `ELB app/web/50dc6c495c0c9188` for the load balancer
/// `…:loadbalancer/app/web/50dc6c495c0c9188`, `ELB legacy` for a Classic one.
pub fn is_node_of(interface: &NetworkInterface, arn: Option<&str>, name: &str) -> bool {
    let Some(rest) = interface.description.as_deref().and_then(|d| d.strip_prefix("ELB ")) else { return false };
    match arn {
        Some(arn) => arn.split_once(":loadbalancer/").is_some_and(|(_, path)| path == rest),
        None => rest == name,
    }
}

/// Whether an interface is the node of some load balancer (by its description).
pub fn is_load_balancer_node(interface: &NetworkInterface) -> bool {
    interface.description.as_deref().is_some_and(|d| d.starts_with("ELB "))
        || interface.interface_type.as_deref() == Some("network_load_balancer")
}

/// The internet-facing load balancers of the region with the listeners the internet
/// reaches. `Err` when the load balancers themselves could not be read.
pub fn fronts<'a>(network: &Network<'a>, inv: &'a RegionInventory) -> Result<Vec<Front<'a>>, String> {
    let elbv2 = inv.elb.load_balancers.as_result().map_err(|why| format!("load balancers (DescribeLoadBalancers) could not be read: {why}"))?;
    let classic = inv
        .elb
        .classic_load_balancers
        .as_result()
        .map_err(|why| format!("Classic Load Balancers (DescribeLoadBalancers) could not be read: {why}"))?;
    let mut out = Vec::new();
    for lb in elbv2.iter().filter(|lb| lb.scheme == "internet-facing" && lb.kind != "gateway") {
        out.push(elbv2_front(network, lb));
    }
    for lb in classic.iter().filter(|lb| lb.scheme.as_deref() == Some("internet-facing")) {
        out.push(classic_front(network, lb));
    }
    Ok(out)
}

fn elbv2_front<'a>(network: &Network<'a>, lb: &'a LoadBalancer) -> Front<'a> {
    let mut front =
        Front { name: &lb.name, arn: Some(&lb.arn), kind: &lb.kind, group_ids: &lb.security_group_ids, listeners: Vec::new(), problems: Vec::new() };
    let listeners = match lb.listeners.as_result() {
        Ok(listeners) => listeners,
        Err(why) => {
            front.problems.push(format!("its listeners could not be read: {why}"));
            return front;
        }
    };
    let ip_type = lb.ip_address_type.as_deref().unwrap_or("ipv4");
    let v4 = ip_type != "dualstack-without-public-ipv4";
    let v6 = ip_type.starts_with("dualstack");
    // A network load balancer created without groups has none in front of its listeners.
    let groups = (!(lb.security_group_ids.is_empty() && lb.kind == "network")).then_some(lb.security_group_ids.as_slice());
    let asked: Vec<(String, Traffic)> = listeners
        .iter()
        .flat_map(|l| {
            let protocol = l.protocol.clone().unwrap_or_else(|| "TCP".to_string());
            listener_traffic(l.protocol.as_deref(), l.port).into_iter().map(move |t| (format!("{protocol} {}", l.port.unwrap_or_default()), t))
        })
        .collect();
    reach_listeners(network, &mut front, lb.vpc_id.as_deref(), &lb.subnet_ids, groups, v4, v6, asked);
    front
}

fn classic_front<'a>(network: &Network<'a>, lb: &'a ClassicLoadBalancer) -> Front<'a> {
    let mut front =
        Front { name: &lb.name, arn: None, kind: "classic", group_ids: &lb.security_group_ids, listeners: Vec::new(), problems: Vec::new() };
    let asked = lb
        .listeners
        .iter()
        .filter_map(|l| {
            let port = u16::try_from(l.load_balancer_port).ok()?;
            Some((format!("{} {port}", l.protocol), Traffic::Tcp(port)))
        })
        .collect();
    reach_listeners(network, &mut front, lb.vpc_id.as_deref(), &lb.subnet_ids, Some(&lb.security_group_ids), true, false, asked);
    front
}

#[allow(clippy::too_many_arguments)]
fn reach_listeners<'a>(
    network: &Network<'a>,
    front: &mut Front<'a>,
    vpc_id: Option<&'a str>,
    subnet_ids: &'a [String],
    groups: Option<&'a [String]>,
    v4: bool,
    v6: bool,
    asked: Vec<(String, Traffic)>,
) {
    let Some(vpc_id) = vpc_id else {
        front.problems.push("it names no VPC".to_string());
        return;
    };
    let kinds: Vec<Traffic> = asked.iter().map(|(_, t)| *t).collect();
    let mut reached: Vec<Vec<Reached>> = vec![Vec::new(); asked.len()];
    for subnet_id in subnet_ids {
        let node = format!("{} node in {subnet_id}", front.label());
        let place = Place {
            subnet_id,
            vpc_id,
            group_ids: groups,
            public_v4: v4.then(|| node.clone()),
            public_v6: v6.then(|| format!("{node} (IPv6)")),
        };
        match network.exposure(&place, Ask::Only(&kinds)) {
            Ok(exposure) => {
                front.problems.extend(exposure.problems.iter().cloned());
                for (i, (_, traffic)) in asked.iter().enumerate() {
                    reached[i].extend(exposure.reaches(*traffic).into_iter().cloned());
                }
            }
            Err(why) => front.problems.push(why),
        }
    }
    front.problems.sort();
    front.problems.dedup();
    front.listeners =
        asked.into_iter().zip(reached).map(|((label, traffic), reached)| ListenerReach { label, traffic, reached }).collect();
}

/// The targets the internet reaches through the fronts of a region.
#[derive(Debug, Clone, Default)]
pub struct Behinds {
    /// By interface id: the primary interface of an instance target, the interface holding
    /// an IP target's address.
    pub by_interface: HashMap<String, Vec<Behind>>,
    /// What could not be read (a front's listeners, a target group's targets): any interface
    /// not known to be reached might be behind it.
    pub unknown: Vec<String>,
}

/// The targets the internet reaches through `fronts`. `Err` when the target groups could
/// not be read (a target could be behind any front).
pub fn behind(network: &Network<'_>, inv: &RegionInventory, fronts: &[Front<'_>]) -> Result<Behinds, String> {
    let groups = inv.elb.target_groups.as_result().map_err(|why| format!("target groups (DescribeTargetGroups) could not be read: {why}"))?;
    let classic = inv.elb.classic_load_balancers.as_result().map(Vec::as_slice).unwrap_or(&[]);
    let mut behinds = Behinds::default();
    for front in fronts {
        let listeners: Vec<String> = front.reached().map(|l| l.label.clone()).collect();
        // A front that reaches nothing as far as could be read may reach its targets all
        // the same: what it would forward to is unknown, not safe.
        if listeners.is_empty() && !front.problems.is_empty() {
            behinds.unknown.push(format!("{}: {}", front.label(), front.problems.join("; ")));
            continue;
        }
        if listeners.is_empty() {
            continue;
        }
        let way_in = front
            .reached()
            .flat_map(|l| l.reached.first().map(|r| format!("{} {}", l.label, r.describe_from())))
            .next()
            .unwrap_or_default();
        let nodes = node_addresses(network.interfaces, front);
        let mut targets: Vec<(&NetworkInterface, Traffic, Option<String>)> = Vec::new();
        match front.arn {
            Some(arn) => {
                for group in groups.iter().filter(|g| g.load_balancer_arns.iter().any(|a| a == arn)) {
                    let registered = match group.targets.as_result() {
                        Ok(registered) => registered,
                        Err(why) => {
                            behinds.unknown.push(format!("the targets of target group {} could not be read: {why}", group.name));
                            continue;
                        }
                    };
                    for target in registered {
                        let Some(port) = target.port.or(group.port).and_then(|p| u16::try_from(p).ok()) else { continue };
                        let traffic = match group.protocol.as_deref() {
                            Some("UDP") => Traffic::Udp(port),
                            _ => Traffic::Tcp(port),
                        };
                        let interface = match group.target_type.as_deref() {
                            Some("instance") | None => primary_interface(network.interfaces, &target.id),
                            Some("ip") => network.interfaces.iter().find(|i| i.private_ip_addresses.iter().any(|a| *a == target.id)),
                            _ => None,
                        };
                        if let Some(interface) = interface {
                            targets.push((interface, traffic, Some(group.name.clone())));
                        }
                    }
                }
            }
            None => {
                if let Some(lb) = classic.iter().find(|lb| lb.name == front.name) {
                    for listener in &lb.listeners {
                        let reached = front.reached().any(|l| l.label == format!("{} {}", listener.protocol, listener.load_balancer_port));
                        let Ok(port) = u16::try_from(listener.instance_port) else { continue };
                        if !reached {
                            continue;
                        }
                        for id in &lb.instance_ids {
                            if let Some(interface) = primary_interface(network.interfaces, id) {
                                targets.push((interface, Traffic::Tcp(port), None));
                            }
                        }
                    }
                }
            }
        }
        for (interface, traffic, target_group) in targets {
            if let Some(admitted_by) = admission(network, interface, front, &nodes, traffic) {
                behinds.by_interface.entry(interface.network_interface_id.clone()).or_default().push(Behind {
                    front: front.label(),
                    listeners: listeners.clone(),
                    traffic,
                    target_group,
                    admitted_by,
                    way_in: way_in.clone(),
                });
            }
        }
    }
    Ok(behinds)
}

/// The primary interface (device index 0) of an instance.
pub fn primary_interface<'a>(interfaces: &'a [NetworkInterface], instance_id: &str) -> Option<&'a NetworkInterface> {
    interfaces
        .iter()
        .filter(|i| i.attached_instance_id.as_deref() == Some(instance_id))
        .min_by_key(|i| i.device_index.unwrap_or(i32::MAX))
}

/// The private addresses of a front's nodes, from their interfaces (empty when none was
/// collected).
fn node_addresses(interfaces: &[NetworkInterface], front: &Front<'_>) -> AddrSet {
    let mut set = AddrSet::empty(Family::V4);
    for interface in interfaces.iter().filter(|i| is_node_of(i, front.arn, front.name)) {
        for address in &interface.private_ip_addresses {
            if let Ok(ip) = address.parse::<std::net::Ipv4Addr>() {
                set.insert(u128::from(u32::from(ip)), u128::from(u32::from(ip)));
            }
        }
    }
    set
}

/// The rule of the target's groups that admits traffic the front forwards, if any.
fn admission(network: &Network<'_>, target: &NetworkInterface, front: &Front<'_>, nodes: &AddrSet, traffic: Traffic) -> Option<String> {
    let private = |c: &Cidr| c.family == Family::V4 && !AddrSet::of(Family::V4, [c]).intersection(&AddrSet::internet(Family::V4)).eq(&AddrSet::of(Family::V4, [c]));
    for id in &target.security_group_ids {
        let Some(group) = network.group(id) else { continue };
        for rule in group.ip_permissions.iter() {
            let Ok(matched) = rule_match(rule) else { continue };
            if !matched.matches(traffic) {
                continue;
            }
            if let Some(lb_group) = rule.referenced_group_ids.iter().find(|g| front.group_ids.contains(g)) {
                return Some(format!("{id} {matched} from {lb_group}"));
            }
            for text in rule.ip_ranges.iter().chain(rule.ipv6_ranges.iter()) {
                let Ok(cidr) = Cidr::parse(text) else { continue };
                let block = AddrSet::of(cidr.family, [&cidr]);
                if front.group_ids.is_empty() {
                    // The client's address is kept: any source range lets some of it in.
                    return Some(format!("{id} {matched} from {cidr} (the load balancer keeps the client's address)"));
                }
                if !nodes.is_empty() && !block.intersection(nodes).is_empty() {
                    return Some(format!("{id} {matched} from {cidr}, which holds the load balancer's nodes"));
                }
                if nodes.is_empty() && private(&cidr) {
                    return Some(format!(
                        "{id} {matched} from {cidr} (taken to hold the load balancer's nodes, whose interfaces were not collected)"
                    ));
                }
            }
        }
    }
    None
}
