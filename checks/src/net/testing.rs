//! Builders for the small EC2/VPC/SSM inventories of the network, patching and flow-log
//! checks' unit tests.

use crate::inventory::ec2::{
    FlowLog, Instance, IpPermission, NetworkAcl, NetworkAclEntry, PortRange, PrefixList, SecurityGroup, Vpc,
};
use crate::inventory::ssm::{ManagedInstance, PatchCompliance};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::ACCOUNT;

pub const REGION: &str = "eu-west-1";

/// An account with one region whose EC2 and SSM lists are all known and empty.
pub fn account() -> AccountInventory {
    let mut account = AccountInventory::new(ACCOUNT, "aws", vec![REGION.to_string()]);
    let mut region = RegionInventory::default();
    region.ec2.security_groups = Collected::Known(Vec::new());
    region.ec2.network_acls = Collected::Known(Vec::new());
    region.ec2.vpcs = Collected::Known(Vec::new());
    region.ec2.flow_logs = Collected::Known(Vec::new());
    region.ec2.instances = Collected::Known(Vec::new());
    region.ec2.managed_prefix_lists = Collected::Known(Vec::new());
    region.ssm.managed_instances = Collected::Known(Vec::new());
    region.ssm.patch_compliance = Collected::Known(Vec::new());
    account.regional.insert(REGION.to_string(), region);
    account
}

/// The one region of [`account`].
pub fn region(account: &mut AccountInventory) -> &mut RegionInventory {
    account.regional.entry(REGION.to_string()).or_default()
}

/// The ARN the checks give a resource of the test region: `security-group/sg-1`, …
pub fn arn(path: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{path}")
}

/// An ingress or egress rule; CIDRs with a `:` go to the IPv6 ranges.
pub fn rule(protocol: &str, from: i32, to: i32, cidrs: &[&str]) -> IpPermission {
    let (v6, v4): (Vec<&str>, Vec<&str>) = cidrs.iter().partition(|c| c.contains(':'));
    IpPermission {
        ip_protocol: protocol.to_string(),
        from_port: Some(from),
        to_port: Some(to),
        ip_ranges: v4.into_iter().map(String::from).collect(),
        ipv6_ranges: v6.into_iter().map(String::from).collect(),
        prefix_list_ids: Box::default(),
        referenced_group_ids: Box::default(),
    }
}

pub fn tcp(from: i32, to: i32, cidrs: &[&str]) -> IpPermission {
    rule("tcp", from, to, cidrs)
}

/// Protocol `-1` as AWS gives it: no ports.
pub fn all_traffic(cidrs: &[&str]) -> IpPermission {
    IpPermission { from_port: None, to_port: None, ..rule("-1", 0, 0, cidrs) }
}

pub fn via_prefix_list(mut rule: IpPermission, id: &str) -> IpPermission {
    rule.prefix_list_ids = [&rule.prefix_list_ids[..], &[id.to_string()]].concat().into();
    rule
}

pub fn via_group(mut rule: IpPermission, id: &str) -> IpPermission {
    rule.referenced_group_ids = [&rule.referenced_group_ids[..], &[id.to_string()]].concat().into();
    rule
}

/// A security group named after its id, with these ingress rules and no egress.
pub fn sg(id: &str, ingress: Vec<IpPermission>) -> SecurityGroup {
    SecurityGroup {
        group_id: id.to_string(),
        group_name: id.to_string(),
        vpc_id: Some("vpc-1".to_string()),
        ip_permissions: ingress.into(),
        ip_permissions_egress: Box::default(),
    }
}

pub fn prefix_list(id: &str, entries: &[&str]) -> PrefixList {
    PrefixList {
        prefix_list_id: id.to_string(),
        entries: Collected::Known(entries.iter().map(|e| e.to_string()).collect()),
    }
}

pub fn set_groups(account: &mut AccountInventory, groups: Vec<SecurityGroup>) {
    region(account).ec2.security_groups = Collected::Known(groups);
}

pub fn set_prefix_lists(account: &mut AccountInventory, lists: Vec<PrefixList>) {
    region(account).ec2.managed_prefix_lists = Collected::Known(lists);
}

/// An inbound NACL entry. `protocol` as the API gives it (`-1`, `6`, …); `cidr` goes to
/// the IPv6 block when it has a `:`.
pub fn entry(rule_number: i32, protocol: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NetworkAclEntry {
    let v6 = cidr.contains(':');
    NetworkAclEntry {
        rule_number,
        protocol: protocol.to_string(),
        rule_action: action.to_string(),
        egress: false,
        cidr_block: (!v6).then(|| cidr.to_string()),
        ipv6_cidr_block: v6.then(|| cidr.to_string()),
        port_range: ports.map(|(from, to)| PortRange { from, to }),
    }
}

/// The `*` entries AWS adds to every NACL (IPv4 and IPv6, inbound).
pub fn default_denies() -> Vec<NetworkAclEntry> {
    vec![entry(32767, "-1", "deny", "0.0.0.0/0", None), entry(32768, "-1", "deny", "::/0", None)]
}

/// A NACL with these inbound entries plus the default denies.
pub fn nacl(id: &str, mut entries: Vec<NetworkAclEntry>) -> NetworkAcl {
    entries.extend(default_denies());
    NetworkAcl {
        network_acl_id: id.to_string(),
        entries,
        associated_subnet_ids: Vec::new(),
    }
}

pub fn set_nacls(account: &mut AccountInventory, acls: Vec<NetworkAcl>) {
    region(account).ec2.network_acls = Collected::Known(acls);
}

/// A running instance that passes every instance check: IMDSv2 required, no public IP,
/// an instance profile, no security groups.
pub fn instance(id: &str) -> Instance {
    Instance {
        instance_id: id.to_string(),
        state: Some("running".to_string()),
        public_ip_address: None,
        iam_instance_profile_arn: Some(format!("arn:aws:iam::{ACCOUNT}:instance-profile/app")),
        metadata_http_tokens: Some("required".to_string()),
        metadata_http_endpoint: Some("enabled".to_string()),
        security_group_ids: Vec::new(),
        subnet_id: Some("subnet-1".to_string()),
    }
}

pub fn set_instances(account: &mut AccountInventory, instances: Vec<Instance>) {
    region(account).ec2.instances = Collected::Known(instances);
}

pub fn vpc(id: &str) -> Vpc {
    Vpc { vpc_id: id.to_string() }
}

pub fn flow_log(id: &str, resource: &str, status: &str) -> FlowLog {
    FlowLog {
        flow_log_id: id.to_string(),
        resource_id: Some(resource.to_string()),
        flow_log_status: Some(status.to_string()),
        traffic_type: Some("ALL".to_string()),
    }
}

pub fn managed(id: &str) -> ManagedInstance {
    ManagedInstance {
        instance_id: id.to_string(),
        ping_status: Some("Online".to_string()),
    }
}

pub fn compliance(id: &str, status: &str, critical: i32, high: i32, total: i32) -> PatchCompliance {
    PatchCompliance {
        resource_id: id.to_string(),
        status: status.to_string(),
        non_compliant_critical: critical,
        non_compliant_high: high,
        non_compliant_total: total,
    }
}
