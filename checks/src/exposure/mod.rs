//! Effective exposure checks: what the internet actually reaches on each instance, network
//! interface and load balancer, with the whole path as evidence ([`crate::net::exposure`]
//! computes it).
//!
//! A check of one service's ports judges every instance (all its interfaces together) and
//! every other interface in use (RDS, Lambda, EKS, endpoints, …; load balancer nodes are
//! judged as their load balancer, NAT gateways take no inbound connection):
//!
//! - reached directly: FAIL at the check's severity (critical);
//! - reached only through an internet-facing load balancer's listener: FAIL, high;
//! - not reached: PASS, saying what closes the path and, when a security group of the
//!   interface opens the port to the internet, that it would be open were the path (the
//!   ACL, the route, the address) to change;
//! - ERROR when something on the way could not be read and nothing is reached.

use std::collections::BTreeMap;

use crate::ec2::{instance_resource, open_ports_of};
use crate::finding::{Resource, Severity};
use crate::inventory::ec2::NetworkInterface;
use crate::inventory::{AccountInventory, RegionInventory};
use crate::net::exposure::lb::{self, Behind, Behinds, Front};
use crate::net::exposure::{Ask, Blocked, Network, Reached};
use crate::net::{PrefixLists, Traffic};
use crate::registry::{Check, Findings};

mod ec2_instance_port_cassandra_exposed_to_internet;
mod ec2_instance_port_cifs_exposed_to_internet;
mod ec2_instance_port_elasticsearch_kibana_exposed_to_internet;
mod ec2_instance_port_ftp_exposed_to_internet;
mod ec2_instance_port_kafka_exposed_to_internet;
mod ec2_instance_port_kerberos_exposed_to_internet;
mod ec2_instance_port_ldap_exposed_to_internet;
mod ec2_instance_port_memcached_exposed_to_internet;
mod ec2_instance_port_mongodb_exposed_to_internet;
mod ec2_instance_port_mysql_exposed_to_internet;
mod ec2_instance_port_oracle_exposed_to_internet;
mod ec2_instance_port_postgresql_exposed_to_internet;
mod ec2_instance_port_rabbitmq_exposed_to_internet;
mod ec2_instance_port_rdp_exposed_to_internet;
mod ec2_instance_port_redis_exposed_to_internet;
mod ec2_instance_port_sqlserver_exposed_to_internet;
mod ec2_instance_port_ssh_exposed_to_internet;
mod ec2_instance_port_telnet_exposed_to_internet;
mod ec2_networkinterface_reachable_from_internet;

#[cfg(test)]
mod tests;

/// The checks of this module, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &ec2_instance_port_ssh_exposed_to_internet::CHECK,
    &ec2_instance_port_rdp_exposed_to_internet::CHECK,
    &ec2_instance_port_telnet_exposed_to_internet::CHECK,
    &ec2_instance_port_ftp_exposed_to_internet::CHECK,
    &ec2_instance_port_cifs_exposed_to_internet::CHECK,
    &ec2_instance_port_kerberos_exposed_to_internet::CHECK,
    &ec2_instance_port_ldap_exposed_to_internet::CHECK,
    &ec2_instance_port_mysql_exposed_to_internet::CHECK,
    &ec2_instance_port_postgresql_exposed_to_internet::CHECK,
    &ec2_instance_port_sqlserver_exposed_to_internet::CHECK,
    &ec2_instance_port_oracle_exposed_to_internet::CHECK,
    &ec2_instance_port_mongodb_exposed_to_internet::CHECK,
    &ec2_instance_port_redis_exposed_to_internet::CHECK,
    &ec2_instance_port_memcached_exposed_to_internet::CHECK,
    &ec2_instance_port_cassandra_exposed_to_internet::CHECK,
    &ec2_instance_port_elasticsearch_kibana_exposed_to_internet::CHECK,
    &ec2_instance_port_kafka_exposed_to_internet::CHECK,
    &ec2_instance_port_rabbitmq_exposed_to_internet::CHECK,
    &ec2_networkinterface_reachable_from_internet::CHECK,
];

/// The sources every exposure check reads.
pub(crate) const READS: &[crate::inventory::Source] = {
    use crate::inventory::Source;
    &[
        Source::NetworkInterfaces,
        Source::SecurityGroups,
        Source::ManagedPrefixLists,
        Source::NetworkAcls,
        Source::RouteTables,
        Source::InternetGateways,
        Source::LoadBalancers,
        Source::Listeners,
        Source::TargetGroups,
        Source::Targets,
        Source::ClassicLoadBalancers,
    ]
};

/// One `ec2_instance_port_<service>_exposed_to_internet` check: its ports (`PORTS`) and its
/// `CHECK`, whose documentation is the shared model with the service's own reasons. The
/// sections are those `declare_check!` documents (one leading space per line, as rustdoc
/// stores a doc comment).
macro_rules! service_port_check {
    (
        id: $id:literal,
        service: $service:literal,
        ports_text: $ports_text:literal,
        why: $why:literal,
        remediation: $remediation:literal,
        reference: $reference:literal,
        ports: [$($port:expr),+ $(,)?] $(,)?
    ) => {
        /// The ports of the service.
        pub(crate) const PORTS: &[super::ServicePort] = &[$($port),+];

        pub static CHECK: $crate::registry::Check = $crate::registry::Check {
            id: $id,
            title: concat!("The internet does not reach ", $service, " (", $ports_text, ") on any instance or interface"),
            measure: $crate::finding::Measure::Network,
            severity: $crate::finding::Severity::Critical,
            reads: super::READS,
            raw_doc: concat!(
                " ## What it checks\n",
                " The internet cannot reach ", $service, " (", $ports_text, ") on any instance or network\n",
                " interface: the effective exposure of every interface — its security groups, its subnet's\n",
                " network ACL in both directions (replies on ephemeral ports), a route to an internet\n",
                " gateway, and a public IPv4 or global IPv6 address — and of the targets behind\n",
                " internet-facing load balancers. An instance is judged with all its interfaces; other\n",
                " interfaces (RDS, Lambda, EKS, …) on their own. Reached directly: FAIL (critical), with the\n",
                " whole path; reached only through a load balancer's listener: FAIL (high); not reached:\n",
                " PASS, saying what closes the path (and when a group of the interface opens the port, that\n",
                " it would be open were that layer to change); unreadable on the way: ERROR.\n",
                " ## Why it matters\n ", $why, "\n",
                " ## Remediation\n ", $remediation, "\n",
                " The finding names the layer to change: revoke the security group rule it quotes\n",
                " (`aws ec2 revoke-security-group-ingress`), deny the port in the subnet's network ACL,\n",
                " remove the public address, or move the interface to a subnet without a route to the\n",
                " internet gateway.\n",
                " ## References\n",
                " - ", $reference, "\n",
                " - https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html\n",
                " - How reachability is computed and what it does not model: [docs/exposure.md](../exposure.md)\n",
            ),
            eval: evaluate,
        };

        fn evaluate(account: &$crate::inventory::AccountInventory, _ctx: &$crate::registry::Context<'_>, out: &mut $crate::registry::Findings) {
            super::port_check(account, out, PORTS);
        }
    };
}
use service_port_check;

/// A port of a service: `TCP 22 (SSH)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServicePort {
    pub traffic: Traffic,
    pub name: &'static str,
}

pub(crate) const fn tcp(port: u16, name: &'static str) -> ServicePort {
    ServicePort { traffic: Traffic::Tcp(port), name }
}

pub(crate) const fn udp(port: u16, name: &'static str) -> ServicePort {
    ServicePort { traffic: Traffic::Udp(port), name }
}

impl std::fmt::Display for ServicePort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.traffic, self.name)
    }
}

/// Every port of every service check: an admin or data port the internet reaches makes the
/// any-port check critical too.
pub(crate) fn admin_and_data_ports() -> impl Iterator<Item = Traffic> {
    [
        ec2_instance_port_ssh_exposed_to_internet::PORTS,
        ec2_instance_port_rdp_exposed_to_internet::PORTS,
        ec2_instance_port_telnet_exposed_to_internet::PORTS,
        ec2_instance_port_ftp_exposed_to_internet::PORTS,
        ec2_instance_port_cifs_exposed_to_internet::PORTS,
        ec2_instance_port_kerberos_exposed_to_internet::PORTS,
        ec2_instance_port_ldap_exposed_to_internet::PORTS,
        ec2_instance_port_mysql_exposed_to_internet::PORTS,
        ec2_instance_port_postgresql_exposed_to_internet::PORTS,
        ec2_instance_port_sqlserver_exposed_to_internet::PORTS,
        ec2_instance_port_oracle_exposed_to_internet::PORTS,
        ec2_instance_port_mongodb_exposed_to_internet::PORTS,
        ec2_instance_port_redis_exposed_to_internet::PORTS,
        ec2_instance_port_memcached_exposed_to_internet::PORTS,
        ec2_instance_port_cassandra_exposed_to_internet::PORTS,
        ec2_instance_port_elasticsearch_kibana_exposed_to_internet::PORTS,
        ec2_instance_port_kafka_exposed_to_internet::PORTS,
        ec2_instance_port_rabbitmq_exposed_to_internet::PORTS,
    ]
    .into_iter()
    .flatten()
    .map(|p| p.traffic)
}

/// What is judged: an instance (its interfaces together), an interface of its own, or a
/// load balancer.
pub struct Subject<'a> {
    pub resource: Resource,
    /// `instance i-1`, `lambda interface eni-2 (AWS Lambda VPC ENI-fn)`, `application load
    /// balancer web`.
    pub label: String,
    pub interfaces: Vec<&'a NetworkInterface>,
    /// The load balancer, for a load balancer subject.
    pub front: Option<usize>,
}

/// One region's networking and load balancers, read once for every subject.
pub struct RegionView<'a> {
    pub network: Network<'a>,
    /// The internet-facing load balancers, or why they could not be read.
    pub fronts: Result<Vec<Front<'a>>, String>,
    /// The targets reached through them.
    pub behinds: Result<Behinds, String>,
    lists: PrefixLists<'a>,
}

impl<'a> RegionView<'a> {
    pub fn new(inv: &'a RegionInventory) -> Result<RegionView<'a>, String> {
        let network = Network::new(inv)?;
        let fronts = lb::fronts(&network, inv);
        let behinds = match &fronts {
            Ok(fronts) => lb::behind(&network, inv, fronts),
            Err(why) => Err(why.clone()),
        };
        Ok(RegionView { network, fronts, behinds, lists: PrefixLists::new(&inv.ec2.managed_prefix_lists) })
    }

    /// The instances, the interfaces of their own and the internet-facing load balancers.
    pub fn subjects(&self, account: &AccountInventory, region: &str, with_load_balancers: bool) -> Vec<Subject<'a>> {
        let fronts = self.fronts.as_ref().map(Vec::as_slice).unwrap_or(&[]);
        let mut by_instance: BTreeMap<&str, Vec<&'a NetworkInterface>> = BTreeMap::new();
        let mut own = Vec::new();
        for interface in self.network.interfaces {
            if interface.status.as_deref() == Some("available") || interface.interface_type.as_deref() == Some("nat_gateway") {
                continue;
            }
            // A node of a load balancer that is read is judged as the load balancer.
            if lb::is_load_balancer_node(interface) && self.fronts.is_ok() && self.known_load_balancer(interface) {
                continue;
            }
            match interface.attached_instance_id.as_deref() {
                Some(instance) => by_instance.entry(instance).or_default().push(interface),
                None => own.push(interface),
            }
        }
        let mut subjects: Vec<Subject<'a>> = by_instance
            .into_iter()
            .map(|(id, interfaces)| Subject {
                resource: instance_resource(account, region, id),
                label: format!("instance {id}"),
                interfaces,
                front: None,
            })
            .collect();
        for interface in own {
            let id = &interface.network_interface_id;
            let kind = interface.interface_type.as_deref().filter(|t| *t != "interface").map(|t| format!("{t} ")).unwrap_or_default();
            let description = interface
                .description
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| format!(" ({})", d.chars().take(80).collect::<String>()))
                .unwrap_or_default();
            subjects.push(Subject {
                resource: crate::ec2::ec2_resource(account, region, "AwsEc2NetworkInterface", "network-interface", id),
                label: format!("{kind}interface {id}{description}"),
                interfaces: vec![interface],
                front: None,
            });
        }
        if with_load_balancers {
            for (i, front) in fronts.iter().enumerate() {
                let (kind, arn) = match front.arn {
                    Some(arn) => ("AwsElbv2LoadBalancer", arn.to_string()),
                    None => (
                        "AwsElbLoadBalancer",
                        format!("arn:{}:elasticloadbalancing:{region}:{}:loadbalancer/{}", account.partition, account.account_id, front.name),
                    ),
                };
                subjects.push(Subject {
                    resource: Resource { id: front.name.to_string(), arn: Some(arn), kind, region: Some(region.to_string()) },
                    label: front.label(),
                    interfaces: Vec::new(),
                    front: Some(i),
                });
            }
        }
        subjects
    }

    fn known_load_balancer(&self, interface: &NetworkInterface) -> bool {
        self.fronts.as_ref().is_ok_and(|fronts| fronts.iter().any(|f| lb::is_node_of(interface, f.arn, f.name)))
    }

    /// What the internet reaches at a subject, for `ask`.
    pub fn assess(&self, subject: &Subject<'a>, ask: Ask<'_>) -> Assessment {
        let mut out = Assessment::default();
        if let Some(i) = subject.front {
            let Ok(fronts) = &self.fronts else { return out };
            let front = &fronts[i];
            out.problems.extend(front.problems.iter().cloned());
            for listener in front.reached() {
                let wanted = match ask {
                    Ask::Only(kinds) => kinds.contains(&listener.traffic),
                    Ask::Everything => true,
                };
                if wanted {
                    out.listeners.push((listener.label.clone(), listener.reached.clone()));
                }
            }
            if out.listeners.is_empty() && out.problems.is_empty() {
                out.blocked = Some(Blocked::Groups);
            }
            return out;
        }
        for interface in &subject.interfaces {
            let place = match Network::place_of(interface) {
                Ok(place) => place,
                Err(why) => {
                    out.problems.push(format!("{}: {why}", interface.network_interface_id));
                    continue;
                }
            };
            match self.network.exposure(&place, ask) {
                Ok(exposure) => {
                    out.direct.extend(exposure.reached);
                    out.problems.extend(exposure.problems);
                    out.blocked = out.blocked.max(exposure.blocked);
                }
                Err(why) => out.problems.push(format!("{}: {why}", interface.network_interface_id)),
            }
            match &self.behinds {
                Ok(behinds) => {
                    if let Some(found) = behinds.by_interface.get(&interface.network_interface_id) {
                        out.behind.extend(found.iter().filter(|b| match ask {
                            Ask::Only(kinds) => kinds.contains(&b.traffic),
                            Ask::Everything => true,
                        }).cloned());
                    }
                    out.lb_unknown.extend(behinds.unknown.iter().cloned());
                }
                Err(why) => out.lb_unknown.push(why.clone()),
            }
        }
        out.problems.sort();
        out.problems.dedup();
        out.lb_unknown.sort();
        out.lb_unknown.dedup();
        out
    }
}

/// What the internet reaches at one subject.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    /// Reached directly, on the subject's own interfaces.
    pub direct: Vec<Reached>,
    /// Reached through a load balancer in front of it.
    pub behind: Vec<Behind>,
    /// For a load balancer: its reached listeners.
    pub listeners: Vec<(String, Vec<Reached>)>,
    /// The deepest layer that stops the rest.
    pub blocked: Option<Blocked>,
    /// What could not be read on the subject's own path.
    pub problems: Vec<String>,
    /// What could not be read about the load balancers that might stand in front of it.
    pub lb_unknown: Vec<String>,
}

impl Assessment {
    pub fn reached(&self) -> bool {
        !self.direct.is_empty() || !self.behind.is_empty() || !self.listeners.is_empty()
    }
}

/// ` | `-joined descriptions of what is reached directly.
fn describe_direct(direct: &[Reached], names: impl Fn(&Reached) -> String) -> String {
    direct.iter().map(|r| format!("{} from {} via {}", names(r), r.sources_label(), r.path.describe())).collect::<Vec<_>>().join(" | ")
}

/// The blocked reason for messages: `(its subnet has no route to an internet gateway)`.
fn blocked_note(blocked: Option<Blocked>) -> String {
    blocked.map(|b| format!(" ({})", b.describe())).unwrap_or_default()
}

/// A check of one service's ports on every instance and interface of every region.
pub(crate) fn port_check(account: &AccountInventory, out: &mut Findings, ports: &[ServicePort]) {
    let names = ports.iter().map(ServicePort::to_string).collect::<Vec<_>>().join(", ");
    let kinds: Vec<Traffic> = ports.iter().map(|p| p.traffic).collect();
    let name_of = |traffic: Traffic| ports.iter().find(|p| p.traffic == traffic).map_or_else(|| traffic.to_string(), ServicePort::to_string);
    for (region, inv) in account.regions() {
        let view = match RegionView::new(inv) {
            Ok(view) => view,
            Err(why) => {
                out.error(account.regional_resource(region, "AwsEc2NetworkInterface"), why);
                continue;
            }
        };
        for subject in view.subjects(account, region, false) {
            let assessment = view.assess(&subject, Ask::Only(&kinds));
            let direct = describe_direct(&assessment.direct, |r| {
                r.ports.map(|p| name_of(match r.protocol {
                    Some(crate::net::Protocol::Udp) => Traffic::Udp(p.from),
                    _ => Traffic::Tcp(p.from),
                })).unwrap_or_else(|| r.traffic_label())
            });
            let behind: Vec<String> = assessment.behind.iter().map(|b| format!("{} {}", name_of(b.traffic), b.describe())).collect();
            if !direct.is_empty() {
                let mut message = format!("{} is reachable from the internet: {direct}", subject.label);
                if !behind.is_empty() {
                    let _ = std::fmt::Write::write_fmt(&mut message, format_args!(" | and {}", behind.join(" | ")));
                }
                out.fail(subject.resource, message);
                continue;
            }
            if !behind.is_empty() {
                out.fail_at(
                    Severity::High,
                    subject.resource,
                    format!("{} is reachable from the internet only through a load balancer: {}", subject.label, behind.join(" | ")),
                );
                continue;
            }
            let unknown: Vec<&String> = assessment.problems.iter().chain(&assessment.lb_unknown).collect();
            if !unknown.is_empty() {
                out.error(
                    subject.resource,
                    format!(
                        "cannot tell whether the internet reaches {names} on {}: {}",
                        subject.label,
                        unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
                    ),
                );
                continue;
            }
            // Not reached: say so, and whether a group would let it in were the path open.
            let groups: Vec<&crate::inventory::ec2::SecurityGroup> = subject
                .interfaces
                .iter()
                .flat_map(|i| i.security_group_ids.iter())
                .filter_map(|id| view.network.group(id))
                .collect();
            let open = open_ports_of(&groups, view.lists, ports.iter().map(|p| (p.traffic, p.to_string())));
            let blocked = blocked_note(assessment.blocked);
            // Without the resource's name (the finding names it): passing findings share their
            // text, which a large account holds once (see docs/benchmarks.md).
            let mut message = format!("the internet reaches none of {names}{blocked}");
            if !open.is_empty() {
                message.push_str(&format!("; its security groups would admit {} were the path open", open.join("; ")));
            }
            out.pass(subject.resource, message);
        }
    }
}

/// The exposure of one account, region by region, as `rampart exposure` and the HTML
/// report show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountExposure {
    pub account_id: String,
    pub regions: Vec<RegionExposure>,
}

/// One region: what the internet reaches there, or why it could not be told.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RegionExposure {
    pub region: String,
    /// Why the region could not be judged (a layer that could not be read).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The resources the internet reaches, and those that could not be judged; with `all`,
    /// every resource.
    pub resources: Vec<ResourceExposure>,
}

/// One instance, interface or load balancer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResourceExposure {
    /// `AwsEc2Instance`, `AwsEc2NetworkInterface`, `AwsElbv2LoadBalancer`, `AwsElbLoadBalancer`.
    pub kind: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arn: Option<String>,
    /// `instance i-1`, `lambda interface eni-2 (…)`, `application load balancer web`.
    pub label: String,
    /// The resource's `Name` tag, where the tagging API lists it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Every reachable protocol, port range and source range, with its path.
    pub reachable: Vec<ReachEntry>,
    /// What could not be read on the way (the reach may be wider).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub problems: Vec<String>,
    /// For a resource not reached: the layer that closes the path.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub closed_by: Option<String>,
}

/// One reachable protocol and port range.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReachEntry {
    /// `tcp`, `udp` or `other` (every other protocol).
    pub protocol: String,
    /// `22`, `1024-65535`; absent for other protocols.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ports: Option<String>,
    /// `ipv4` or `ipv6`.
    pub family: String,
    /// The public sources that get through, as CIDR blocks (`0.0.0.0/0` for all).
    pub sources: String,
    /// `direct`, `listener` (a load balancer's own listener) or `load_balancer` (a target
    /// reached through one).
    pub via: String,
    /// The path, layer by layer, in one line.
    pub path: String,
}

fn family_name(family: crate::net::Family) -> &'static str {
    match family {
        crate::net::Family::V4 => "ipv4",
        crate::net::Family::V6 => "ipv6",
    }
}

fn entry_of(r: &Reached, via: &str, prefix: &str) -> ReachEntry {
    ReachEntry {
        protocol: match r.protocol {
            Some(crate::net::Protocol::Tcp) => "tcp",
            Some(crate::net::Protocol::Udp) => "udp",
            _ => "other",
        }
        .to_string(),
        ports: r.ports.map(|p| p.to_string()),
        family: family_name(r.family).to_string(),
        sources: r.sources_label(),
        via: via.to_string(),
        path: format!("{prefix}{}", r.path.describe()),
    }
}

/// What the internet reaches in every region of an account; with `all`, the resources it
/// does not reach too (with what closes their path).
pub fn account_exposure(account: &AccountInventory, all: bool) -> AccountExposure {
    let tags = crate::engine::Tags::of(account);
    let mut regions = Vec::new();
    for (region, inv) in account.regions() {
        let view = match RegionView::new(inv) {
            Ok(view) => view,
            Err(why) => {
                regions.push(RegionExposure { region: region.to_string(), error: Some(why), resources: Vec::new() });
                continue;
            }
        };
        let mut resources = Vec::new();
        for subject in view.subjects(account, region, true) {
            let a = view.assess(&subject, Ask::Everything);
            let mut reachable: Vec<ReachEntry> = a.direct.iter().map(|r| entry_of(r, "direct", "")).collect();
            for (listener, reached) in &a.listeners {
                reachable.extend(reached.iter().map(|r| entry_of(r, "listener", &format!("listener {listener}: "))));
            }
            for b in &a.behind {
                let (protocol, port) = match b.traffic {
                    Traffic::Tcp(p) => ("tcp", Some(p)),
                    Traffic::Udp(p) => ("udp", Some(p)),
                    Traffic::OtherProtocol => ("other", None),
                };
                reachable.push(ReachEntry {
                    protocol: protocol.to_string(),
                    ports: port.map(|p| p.to_string()),
                    family: "ipv4".to_string(),
                    sources: "load balancer".to_string(),
                    via: "load_balancer".to_string(),
                    path: b.describe(),
                });
            }
            let mut problems = a.problems.clone();
            if reachable.is_empty() {
                problems.extend(a.lb_unknown.iter().cloned());
            }
            if !all && reachable.is_empty() && problems.is_empty() {
                continue;
            }
            let closed_by = (reachable.is_empty() && problems.is_empty()).then(|| a.blocked.map_or("nothing admits it", |b| b.describe()).to_string());
            let name = tags
                .get(subject.resource.arn.as_deref())
                .and_then(|t| t.iter().find(|(k, _)| k == "Name"))
                .map(|(_, v)| v.clone());
            resources.push(ResourceExposure {
                kind: subject.resource.kind.to_string(),
                id: subject.resource.id.clone(),
                arn: subject.resource.arn.clone(),
                label: subject.label.clone(),
                name,
                reachable,
                problems,
                closed_by,
            });
        }
        regions.push(RegionExposure { region: region.to_string(), error: None, resources });
    }
    AccountExposure { account_id: account.account_id.clone(), regions }
}
