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
mod ec2_instance_port_cifs_exposed_to_internet;
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
    &ec2_instance_port_cifs_exposed_to_internet::CHECK,
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

fn ec2_resource(account: &AccountInventory, region: &str, kind: &'static str, kind_path: &str, id: &str) -> Resource {
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
        for group in groups {
            open_ports(&[group], lists, ports).record(out, sg_resource(account, region, group), &names);
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
    fn record(self, out: &mut Findings, resource: Resource, names: &str) {
        if !self.open.is_empty() {
            let mut message = format!("open to the internet: {}", self.open.join("; "));
            if !self.problems.is_empty() {
                message.push_str(&format!(" (also undecided: {})", self.problems.join("; ")));
            }
            out.fail(resource, message);
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
        assert_eq!(high, 7, "4 SG port checks, CIFS, IMDSv2 per instance and as the account default");
        assert!(CHECKS.iter().all(|c| c.id.starts_with("ec2_")));
        let access: Vec<&str> = CHECKS.iter().filter(|c| c.measure == Measure::Access).map(|c| c.id).collect();
        assert_eq!(access, ["ec2_instance_profile_attached"]);
    }
}
