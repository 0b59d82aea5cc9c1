//! EC2 and VPC networking, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ec2Inventory {
    /// GetEbsEncryptionByDefault.
    pub ebs_encryption_by_default: Collected<bool>,
    /// GetEbsDefaultKmsKeyId (`alias/aws/ebs` when never changed).
    pub ebs_default_kms_key_id: Collected<Option<String>>,
    /// DescribeVolumes.
    pub volumes: Collected<Vec<Volume>>,
    /// DescribeSnapshots(OwnerIds=self).
    pub snapshots: Collected<Vec<Snapshot>>,
    /// DescribeSnapshots(OwnerIds=self, RestorableByUserIds=all): the ids of the account's
    /// snapshots that any AWS account may restore (createVolumePermission `group: all`).
    pub public_snapshot_ids: Collected<Vec<String>>,
    /// DescribeSecurityGroups.
    pub security_groups: Collected<Vec<SecurityGroup>>,
    /// DescribeNetworkAcls.
    pub network_acls: Collected<Vec<NetworkAcl>>,
    /// DescribeVpcs.
    pub vpcs: Collected<Vec<Vpc>>,
    /// DescribeSubnets: with the route tables and internet gateways, which subnets route to
    /// the internet (effective exposure, `crate::net::exposure`).
    pub subnets: Collected<Vec<Subnet>>,
    /// DescribeRouteTables.
    pub route_tables: Collected<Vec<RouteTable>>,
    /// DescribeVpcPeeringConnections: both sides of each peering connection of the region.
    pub vpc_peering_connections: Collected<Vec<VpcPeeringConnection>>,
    /// DescribeInternetGateways.
    pub internet_gateways: Collected<Vec<InternetGateway>>,
    /// DescribeFlowLogs.
    pub flow_logs: Collected<Vec<FlowLog>>,
    /// DescribeNetworkInterfaces: every interface of the region (instances, load balancer
    /// nodes, RDS, Lambda, NAT gateways, endpoints, …), with its groups and addresses.
    pub network_interfaces: Collected<Vec<NetworkInterface>>,
    /// DescribeInstances (every reservation flattened).
    pub instances: Collected<Vec<Instance>>,
    /// GetInstanceMetadataDefaults (account-level IMDS defaults for new instances).
    pub instance_metadata_defaults: Collected<Option<InstanceMetadataDefaults>>,
    /// DescribeManagedPrefixLists with their entries (GetManagedPrefixListEntries).
    pub managed_prefix_lists: Collected<Vec<PrefixList>>,
    /// GetSnapshotBlockPublicAccessState: `block-all-sharing`, `block-new-sharing` or
    /// `unblocked`, as AWS spells it.
    pub snapshot_block_public_access: Collected<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    pub volume_id: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    /// Instance ids the volume is attached to.
    pub attached_instance_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub snapshot_id: String,
    pub volume_id: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
}

/// A security group. Its rules and their sources are boxed slices, not `Vec`s: an account
/// can have tens of thousands of groups, each with a few short lists, and a `Vec` read from
/// a snapshot keeps room for at least four items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    pub vpc_id: Option<String>,
    pub ip_permissions: Box<[IpPermission]>,
    pub ip_permissions_egress: Box<[IpPermission]>,
}

/// One rule of a security group, as the API gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), or a protocol number as text.
    pub ip_protocol: String,
    /// For tcp/udp the first port; for icmp the type; `-1`/absent with protocol `-1`.
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// IPv4 CIDRs (`IpRanges[].CidrIp`).
    pub ip_ranges: Box<[String]>,
    /// IPv6 CIDRs (`Ipv6Ranges[].CidrIpv6`).
    pub ipv6_ranges: Box<[String]>,
    /// Managed prefix list ids (`PrefixListIds[].PrefixListId`).
    pub prefix_list_ids: Box<[String]>,
    /// Referenced security group ids (`UserIdGroupPairs[].GroupId`): effective exposure
    /// follows a rule that admits a load balancer's group to the load balancer's exposure.
    pub referenced_group_ids: Box<[String]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub entries: Vec<NetworkAclEntry>,
    /// The subnets the ACL guards (effective exposure judges a subnet's traffic by its ACL).
    pub associated_subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    pub rule_number: i32,
    /// `-1` (all), `6` (tcp), `17` (udp), `1` (icmp), … as text, as the API gives it.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    pub egress: bool,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    /// Inclusive port range for tcp/udp; absent for all-protocol rules.
    pub port_range: Option<PortRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortRange {
    pub from: i32,
    pub to: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub vpc_id: String,
}

/// A subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: Option<String>,
    pub map_public_ip_on_launch: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: Option<String>,
    /// The VPC's main table, which routes every subnet no table names.
    pub main: bool,
    pub associated_subnet_ids: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub destination_cidr_block: Option<String>,
    pub destination_ipv6_cidr_block: Option<String>,
    pub destination_prefix_list_id: Option<String>,
    /// The targets other than peering (an internet gateway is a `gateway_id`, as is a
    /// virtual private gateway `vgw-…`).
    pub gateway_id: Option<String>,
    pub vpc_peering_connection_id: Option<String>,
    pub nat_gateway_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    /// An egress-only internet gateway (`eigw-…`): IPv6 out, nothing in.
    #[serde(default)]
    pub egress_only_internet_gateway_id: Option<String>,
    /// `active` or `blackhole`.
    pub state: Option<String>,
}

/// An internet gateway and the VPCs it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub internet_gateway_id: String,
    pub attached_vpc_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowLog {
    pub flow_log_id: String,
    /// The VPC, subnet or network interface the flow log watches.
    pub resource_id: Option<String>,
    /// `ACTIVE` when it delivers.
    pub flow_log_status: Option<String>,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub instance_id: String,
    /// `pending`, `running`, `stopped`, `terminated`, …
    pub state: Option<String>,
    pub public_ip_address: Option<String>,
    pub iam_instance_profile_arn: Option<String>,
    /// `required` means IMDSv2 only.
    pub metadata_http_tokens: Option<String>,
    /// `disabled` means no metadata service at all.
    pub metadata_http_endpoint: Option<String>,
    pub security_group_ids: Vec<String>,
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceMetadataDefaults {
    pub http_tokens: Option<String>,
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefixList {
    pub prefix_list_id: String,
    /// The CIDRs of the list (GetManagedPrefixListEntries).
    pub entries: Collected<Vec<String>>,
}

/// A VPC peering connection as DescribeVpcPeeringConnections shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcPeeringConnection {
    pub id: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
}

/// One VPC of a peering connection, with the address blocks it brings to the peering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeeringSide {
    pub vpc_id: Option<String>,
    /// The VPC's IPv4 blocks (`CidrBlockSet`, or `CidrBlock` when the set is absent).
    pub cidr_blocks: Vec<String>,
    pub ipv6_cidr_blocks: Vec<String>,
}

/// A network interface as DescribeNetworkInterfaces shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub network_interface_id: String,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    /// `interface`, `nat_gateway`, `network_load_balancer`, `lambda`, `vpc_endpoint`, … as
    /// AWS spells it.
    pub interface_type: Option<String>,
    /// Free text, set by the owner or by the service that made the interface
    /// (`ELB app/web/50dc6c495c0c9188`, `RDSNetworkInterface`, …): may hold anything.
    pub description: Option<String>,
    /// `in-use`, `available`, …
    pub status: Option<String>,
    /// The instance it is attached to, if any, and its device index (0 is the primary).
    pub attached_instance_id: Option<String>,
    pub device_index: Option<i32>,
    pub security_group_ids: Vec<String>,
    /// Private IPv4 addresses.
    pub private_ip_addresses: Vec<String>,
    /// Public IPv4 addresses mapped to the private ones (auto-assigned or Elastic IPs).
    pub public_ips: Vec<PublicIp>,
    /// IPv6 addresses of the interface.
    pub ipv6_addresses: Vec<String>,
}

/// A public IPv4 address associated with a private address of an interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicIp {
    pub public_ip: String,
    pub private_ip: Option<String>,
    /// The Elastic IP's allocation (`eipalloc-…`); `None` for an auto-assigned address.
    pub allocation_id: Option<String>,
    /// `amazon` for an auto-assigned address, `amazon-elb` for a load balancer node's, the
    /// account id for an Elastic IP.
    pub ip_owner_id: Option<String>,
}
