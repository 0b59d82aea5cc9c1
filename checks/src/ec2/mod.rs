//! EC2 checks: security groups and network ACLs open to the internet, default security
//! groups, and instance settings (IMDSv2, public IPs, instance profiles, SSM management).
//!
//! The exposure math lives in [`crate::net`]; this module turns it into findings. The
//! checks of the other EC2 APIs are its submodules: `ebs` (volumes, snapshots and their
//! defaults) and `vpc` (flow logs, peering routes), each with its own `CHECKS`.

use crate::finding::Resource;
use crate::inventory::ec2::{Instance, NetworkAcl, SecurityGroup};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::net::sg::Opening;
use crate::net::{Cidr, Inbound, NetError, ParsedIngress, PrefixLists, Traffic};
use crate::registry::{Check, Findings};

pub(crate) mod ebs;
pub(crate) mod vpc;

mod ec2_instance_account_imdsv2_enabled;
mod ec2_instance_imdsv2_enabled;
mod ec2_instance_managed_by_ssm;
mod ec2_instance_profile_attached;
mod ec2_instance_public_ip;
mod ec2_networkacl_allow_ingress_any_port;
mod ec2_networkacl_allow_ingress_tcp_port_22;
mod ec2_networkacl_allow_ingress_tcp_port_3389;
mod ec2_securitygroup_allow_ingress_from_internet_to_all_ports;
mod ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports;
mod ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22;
mod ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389;
mod ec2_securitygroup_default_restrict_traffic;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this module (not of `ebs` or `vpc`), one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22::CHECK,
    &ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389::CHECK,
    &ec2_securitygroup_allow_ingress_from_internet_to_all_ports::CHECK,
    &ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports::CHECK,
    &ec2_securitygroup_default_restrict_traffic::CHECK,
    &ec2_networkacl_allow_ingress_tcp_port_22::CHECK,
    &ec2_networkacl_allow_ingress_tcp_port_3389::CHECK,
    &ec2_networkacl_allow_ingress_any_port::CHECK,
    &ec2_instance_imdsv2_enabled::CHECK,
    &ec2_instance_account_imdsv2_enabled::CHECK,
    &ec2_instance_public_ip::CHECK,
    &ec2_instance_profile_attached::CHECK,
    &ec2_instance_managed_by_ssm::CHECK,
];

/// The ARN of an EC2 resource: `arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1`.
pub(crate) fn ec2_arn(account: &AccountInventory, region: &str, path: &str) -> String {
    format!("arn:{}:ec2:{region}:{}:{path}", account.partition, account.account_id)
}

pub(crate) fn ec2_resource(account: &AccountInventory, region: &str, kind: &'static str, kind_path: &str, id: &str) -> Resource {
    Resource {
        id: id.to_string(),
        arn: Some(ec2_arn(account, region, &format!("{kind_path}/{id}"))),
        kind,
        region: Some(region.to_string()),
    }
}

pub(crate) fn sg_resource(account: &AccountInventory, region: &str, group: &SecurityGroup) -> Resource {
    ec2_resource(account, region, "AwsEc2SecurityGroup", "security-group", &group.group_id)
}

pub(crate) fn nacl_resource(account: &AccountInventory, region: &str, acl: &NetworkAcl) -> Resource {
    ec2_resource(account, region, "AwsEc2NetworkAcl", "network-acl", &acl.network_acl_id)
}

pub(crate) fn vpc_resource(account: &AccountInventory, region: &str, vpc_id: &str) -> Resource {
    ec2_resource(account, region, "AwsEc2Vpc", "vpc", vpc_id)
}

pub(crate) fn instance_resource(account: &AccountInventory, region: &str, instance_id: &str) -> Resource {
    ec2_resource(account, region, "AwsEc2Instance", "instance", instance_id)
}

/// A regional list, or one ERROR finding for the region saying why it is missing.
pub(crate) fn known_list<'a, T>(
    account: &AccountInventory,
    region: &str,
    list: &'a Collected<Vec<T>>,
    kind: &'static str,
    what: &str,
    out: &mut Findings,
) -> Option<&'a [T]> {
    match list.as_result() {
        Ok(items) => Some(items),
        Err(why) => {
            out.error(account.regional_resource(region, kind), format!("{what} could not be read: {why}"));
            None
        }
    }
}

fn security_groups<'a>(
    account: &AccountInventory,
    region: &str,
    inv: &'a RegionInventory,
    out: &mut Findings,
) -> Option<&'a [SecurityGroup]> {
    known_list(
        account,
        region,
        &inv.ec2.security_groups,
        "AwsEc2SecurityGroup",
        "security groups (DescribeSecurityGroups)",
        out,
    )
}

fn network_acls<'a>(
    account: &AccountInventory,
    region: &str,
    inv: &'a RegionInventory,
    out: &mut Findings,
) -> Option<&'a [NetworkAcl]> {
    known_list(account, region, &inv.ec2.network_acls, "AwsEc2NetworkAcl", "network ACLs (DescribeNetworkAcls)", out)
}

pub(crate) fn instances<'a>(
    account: &AccountInventory,
    region: &str,
    inv: &'a RegionInventory,
    out: &mut Findings,
) -> Option<&'a [Instance]> {
    known_list(account, region, &inv.ec2.instances, "AwsEc2Instance", "instances (DescribeInstances)", out)
}

/// Whether an instance still exists as far as its settings matter (not terminated).
pub(crate) fn is_live(instance: &Instance) -> bool {
    !matches!(instance.state.as_deref(), Some("terminated" | "shutting-down"))
}

/// The outcome of judging one resource, with its message.
pub(crate) enum Verdict {
    Pass(String),
    Fail(String),
    /// Could not be decided: the reason.
    Error(String),
}

impl Verdict {
    pub(crate) fn record(self, out: &mut Findings, resource: Resource) {
        match self {
            Verdict::Pass(m) => out.pass(resource, m),
            Verdict::Fail(m) => out.fail(resource, m),
            Verdict::Error(m) => out.error(resource, m),
        }
    }
}

/// A TCP port and its service name, for messages: `TCP 22 (SSH)`.
pub(crate) struct NamedPort {
    pub port: u16,
    pub name: &'static str,
}

impl std::fmt::Display for NamedPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TCP {} ({})", self.port, self.name)
    }
}

/// Records, for every security group of every region, whether any of `ports` is open to
/// the internet: FAIL naming each open port and its sources, PASS, or ERROR when a source
/// could not be read and the readable ones do not already open a port.
fn sg_ports_check(account: &AccountInventory, out: &mut Findings, ports: &[NamedPort]) {
    let names = port_names(ports);
    for (region, inv) in account.regions() {
        let Some(groups) = security_groups(account, region, inv, out) else { continue };
        let lists = PrefixLists::new(&inv.ec2.managed_prefix_lists);
        let used = used_groups(inv);
        for group in groups {
            let unused = used.as_ref().is_some_and(|used| !used.contains(group.group_id.as_str()));
            open_ports(&[group], lists, ports).record(out, sg_resource(account, region, group), &names, unused);
        }
    }
}

/// What some groups expose on some ports.
#[derive(Default)]
struct PortsOutcome {
    /// `TCP 22 (SSH) from 0.0.0.0/0 (tcp 22)` for each port open to the internet.
    open: Vec<String>,
    /// `TCP 22 (SSH): <why>` for each port that could not be decided.
    problems: Vec<String>,
    /// The widest public source of the ports that are not open, for PASS messages.
    widest_public: Option<Cidr>,
}

/// `TCP 22 (SSH), TCP 3389 (RDP)`: the ports of a check, for its messages (worked out once
/// per check, not once per group).
fn port_names(ports: &[NamedPort]) -> String {
    ports.iter().map(NamedPort::to_string).collect::<Vec<_>>().join(", ")
}

/// For each port, whether `groups` open it to the internet.
fn open_ports(groups: &[&SecurityGroup], lists: PrefixLists<'_>, ports: &[NamedPort]) -> PortsOutcome {
    let mut outcome = PortsOutcome::default();
    let ingress = ParsedIngress::new(groups);
    // Ports admitted by the same rules have the same reach: most ports of a group are
    // admitted by none, or by the same one or two rules, so it is worked out once for each
    // set of admitting rules, not once per port.
    let mut judged: Vec<(Vec<usize>, Result<Option<Opening>, NetError>, Option<Cidr>)> = Vec::new();
    for p in ports {
        let traffic = Traffic::Tcp(p.port);
        let admitting = ingress.admitting(traffic);
        let at = match judged.iter().position(|(rules, ..)| *rules == admitting) {
            Some(at) => at,
            None => {
                let reach = ingress.reach(lists, traffic);
                let verdict = reach.verdict();
                let widest = if matches!(verdict, Ok(None)) { reach.widest_public() } else { None };
                judged.push((admitting, verdict, widest));
                judged.len() - 1
            }
        };
        match &judged[at].1 {
            Ok(Some(opening)) => outcome.open.push(format!("{p} from {}", opening.describe(3))),
            Ok(None) => {
                let widest = judged[at].2;
                if widest.is_some_and(|w| outcome.widest_public.is_none_or(|cur| w.prefix < cur.prefix)) {
                    outcome.widest_public = widest;
                }
            }
            Err(e) => outcome.problems.push(format!("{p}: {e}")),
        }
    }
    outcome
}

impl PortsOutcome {
    /// FAIL when a port is open (certain even if others are undecided), ERROR when none is
    /// open but some could not be decided, PASS otherwise. `names` are the ports asked about
    /// ([`port_names`]).
    fn record(self, out: &mut Findings, resource: Resource, names: &str, unused: bool) {
        if !self.open.is_empty() {
            let mut message = format!("open to the internet: {}", self.open.join("; "));
            if !self.problems.is_empty() {
                message.push_str(&format!(" (also undecided: {})", self.problems.join("; ")));
            }
            fail_unless_unused(out, resource, message, unused);
        } else if !self.problems.is_empty() {
            out.error(
                resource,
                format!("cannot tell if the internet reaches {names}: {}", self.problems.join("; ")),
            );
        } else {
            let mut message = format!("no ingress from the internet to {names}");
            if let Some(widest) = self.widest_public {
                message.push_str(&format!(" (widest public source {widest})"));
            }
            out.pass(resource, message);
        }
    }
}

/// The ids of the security groups some network interface of the region uses, or `None`
/// when the interfaces could not be read. Every load balancer node, RDS instance, Lambda
/// function in a VPC and endpoint has an interface carrying its groups.
pub(crate) fn used_groups(inv: &RegionInventory) -> Option<std::collections::HashSet<&str>> {
    let interfaces = inv.ec2.network_interfaces.as_result().ok()?;
    Some(interfaces.iter().flat_map(|i| i.security_group_ids.iter().map(String::as_str)).collect())
}

/// A FAIL about a group's rules: informational when no network interface uses the group
/// (the rule opens nothing today; the effective exposure checks judge what is reached).
pub(crate) fn fail_unless_unused(out: &mut Findings, resource: Resource, message: String, unused: bool) {
    if unused {
        out.fail_at(crate::finding::Severity::Informational, resource, format!("{message}; no network interface uses the group"));
    } else {
        out.fail(resource, message);
    }
}

/// The kinds of traffic among `ports` (each with its name for messages) that `groups` open
/// to the internet, each as `TCP 22 (SSH) from 0.0.0.0/0 (sg-1 tcp 22)`. A source that could
/// not be read only narrows what is listed.
pub(crate) fn open_ports_of(
    groups: &[&SecurityGroup],
    lists: PrefixLists<'_>,
    ports: impl IntoIterator<Item = (Traffic, String)>,
) -> Vec<String> {
    let ingress = ParsedIngress::named(groups);
    ports
        .into_iter()
        .filter_map(|(traffic, name)| ingress.reach(lists, traffic).opening().map(|o| format!("{name} from {}", o.describe(3))))
        .collect()
}

/// Records, for every NACL of every region, whether TCP `port` is reachable from the
/// internet through its inbound entries.
fn nacl_port_check(account: &AccountInventory, out: &mut Findings, port: &NamedPort) {
    for (region, inv) in account.regions() {
        let Some(acls) = network_acls(account, region, inv, out) else { continue };
        for acl in acls {
            let resource = nacl_resource(account, region, acl);
            match Inbound::of(acl) {
                Err(e) => out.error(resource, format!("cannot evaluate the inbound entries: {e}")),
                Ok(inbound) => match inbound.internet_reach(Traffic::Tcp(port.port)).as_slice() {
                    [] => out.pass(resource, format!("{port} not reachable from the internet")),
                    reach => {
                        let how: Vec<String> = reach.iter().map(|r| r.describe()).collect();
                        out.fail(resource, format!("{port} reachable from the internet: {}", how.join("; ")));
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECKS;
    use crate::finding::{Measure, Severity};

    #[test]
    fn registered_with_the_measures_and_severities_of_the_brief() {
        let high = CHECKS.iter().filter(|c| c.severity == Severity::High).count();
        assert_eq!(high, 6, "4 SG port checks, IMDSv2 per instance and as the account default (CIFS moved to crate::exposure)");
        assert!(CHECKS.iter().all(|c| c.id.starts_with("ec2_")));
        let access: Vec<&str> = CHECKS.iter().filter(|c| c.measure == Measure::Access).map(|c| c.id).collect();
        assert_eq!(access, ["ec2_instance_profile_attached"]);
    }

    #[test]
    fn a_world_open_group_no_interface_uses_is_informational() {
        use crate::ec2::testing::*;
        use crate::finding::Status;
        use crate::net::exposure::testing::Topology;
        use crate::testing::run;
        let mut t = Topology::new();
        t.public_subnet("subnet-pub")
            .group("sg-used", vec![all_traffic(&["0.0.0.0/0"])])
            .group("sg-unused", vec![all_traffic(&["0.0.0.0/0"])])
            .interface("eni-1", "subnet-pub", &["sg-used"], None);
        for check in CHECKS.iter().filter(|c| c.id.starts_with("ec2_securitygroup_allow_ingress")) {
            let found = run(check, &t.account);
            let used = found.iter().find(|f| f.resource.id == "sg-used").unwrap();
            let unused = found.iter().find(|f| f.resource.id == "sg-unused").unwrap();
            assert_eq!((used.status, used.severity), (Status::Fail, None), "{}", check.id);
            assert_eq!((unused.status, unused.severity), (Status::Fail, Some(Severity::Informational)), "{}", check.id);
            assert!(unused.message.ends_with("; no network interface uses the group"), "{}", unused.message);
        }
        // Interfaces that could not be read leave every group at the check's severity.
        t.inv().ec2.network_interfaces = crate::testing::denied();
        let found = run(CHECKS[0], &t.account);
        assert!(found.iter().all(|f| f.severity.is_none()));
    }
}
