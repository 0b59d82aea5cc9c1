//! Builders of EC2 inventories for the unit tests of the EC2 checks (`ec2`, `ec2::ebs`,
//! `ec2::vpc`) and of the exposure math in `crate::net`: volumes and snapshots, security
//! groups and their rules, network ACLs, instances, VPCs, flow logs, route tables and
//! peering connections.

use crate::inventory::ec2::{
    FlowLog, Instance, InstanceMetadataDefaults, IpPermission, NetworkAcl, NetworkAclEntry,
    PeeringSide, PortRange, PrefixList, Route, RouteTable, SecurityGroup, Snapshot, Volume, Vpc, VpcPeeringConnection,
};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::{ACCOUNT, REGION, account, region};

/// An account whose region's security groups, network ACLs, VPCs, flow logs, instances and
/// prefix lists were read and are empty.
pub fn ec2_account() -> AccountInventory {
    let mut account = account();
    let ec2 = &mut region(&mut account).ec2;
    ec2.security_groups = Collected::Known(Vec::new());
    ec2.network_acls = Collected::Known(Vec::new());
    ec2.vpcs = Collected::Known(Vec::new());
    ec2.flow_logs = Collected::Known(Vec::new());
    ec2.instances = Collected::Known(Vec::new());
    ec2.managed_prefix_lists = Collected::Known(Vec::new());
    account
}

// ---- EBS

pub fn volume(id: &str, encrypted: bool) -> Volume {
    Volume {
        volume_id: id.to_string(),
        encrypted,
        kms_key_id: encrypted.then(|| "alias/aws/ebs".to_string()),
        attached_instance_ids: vec!["i-0123".to_string()],
    }
}

pub fn snapshot(id: &str, encrypted: bool) -> Snapshot {
    Snapshot {
        snapshot_id: id.to_string(),
        volume_id: Some("vol-1".to_string()),
        encrypted,
        kms_key_id: None,
    }
}

// ---- Security groups, network ACLs, instances, VPCs

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

/// Account-level instance metadata defaults with these settings.
pub fn defaults(tokens: Option<&str>, endpoint: Option<&str>) -> Collected<Option<InstanceMetadataDefaults>> {
    Collected::Known(Some(InstanceMetadataDefaults {
        http_tokens: tokens.map(String::from),
        http_endpoint: endpoint.map(String::from),
    }))
}

// ---- Route tables and peering

/// An active route to `destination` (IPv6 when it has a `:`) through `pcx`, or through
/// the local target when `pcx` is `None`.
pub fn route(destination: &str, pcx: Option<&str>) -> Route {
    let v6 = destination.contains(':');
    Route {
        destination_cidr_block: (!v6).then(|| destination.to_string()),
        destination_ipv6_cidr_block: v6.then(|| destination.to_string()),
        destination_prefix_list_id: None,
        gateway_id: pcx.is_none().then(|| "local".to_string()),
        vpc_peering_connection_id: pcx.map(String::from),
        nat_gateway_id: None,
        transit_gateway_id: None,
        egress_only_internet_gateway_id: None,
        state: Some("active".to_string()),
    }
}

/// A route table of `vpc-1`, associated with `subnet-1`, with these routes.
pub fn table(id: &str, routes: Vec<Route>) -> RouteTable {
    RouteTable {
        route_table_id: id.to_string(),
        vpc_id: Some("vpc-1".to_string()),
        main: false,
        associated_subnet_ids: vec!["subnet-1".to_string()],
        routes,
    }
}

pub fn set_tables(account: &mut AccountInventory, tables: Vec<RouteTable>) {
    region(account).ec2.route_tables = Collected::Known(tables);
}

/// A peering connection between `vpc-1` (this side, requester) and `peer`, whose blocks
/// are `blocks` (IPv6 ones have a `:`).
pub fn connection(id: &str, peer: &str, blocks: &[&str]) -> VpcPeeringConnection {
    let side = |vpc: &str, blocks: &[&str]| PeeringSide {
        vpc_id: Some(vpc.to_string()),
        cidr_blocks: blocks.iter().filter(|b| !b.contains(':')).map(|b| b.to_string()).collect(),
        ipv6_cidr_blocks: blocks.iter().filter(|b| b.contains(':')).map(|b| b.to_string()).collect(),
    };
    VpcPeeringConnection {
        id: id.to_string(),
        requester: side("vpc-1", &["10.0.0.0/16"]),
        accepter: side(peer, blocks),
    }
}
