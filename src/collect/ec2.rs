//! EC2 and VPC networking collector, one region.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::Filter;
use rampart_checks::Collected;
use rampart_checks::inventory::ec2::{
    Ec2Inventory, FlowLog, Instance, InstanceMetadataDefaults, InternetGateway, IpPermission,
    NetworkAcl, NetworkAclEntry, NetworkInterface, PeeringSide, PortRange, PrefixList, PublicIp, Route, RouteTable,
    SecurityGroup, Snapshot, Subnet, Volume, Vpc, VpcPeeringConnection,
};

use rampart_checks::inventory::{Plan, Source};

use super::read;
use crate::aws::{client, read};

/// The reads of `plan`'s EC2 sources, one region.
pub async fn collect(client: &Client, plan: &Plan) -> Ec2Inventory {
    // Everything at once; only prefix lists wait, for the security groups that name them.
    let groups_and_prefix_lists = async {
        let security_groups = read(plan, Source::SecurityGroups, security_groups(client)).await;
        let referenced: Vec<String> = match &security_groups {
            Collected::Known(groups) => {
                let mut ids: Vec<String> = groups
                    .iter()
                    .flat_map(|g| g.ip_permissions.iter().chain(&g.ip_permissions_egress))
                    .flat_map(|p| p.prefix_list_ids.iter().cloned())
                    .collect();
                ids.sort();
                ids.dedup();
                ids
            }
            Collected::Unknown(_) => Vec::new(),
        };
        let managed_prefix_lists = read(plan, Source::ManagedPrefixLists, managed_prefix_lists(client, referenced)).await;
        (security_groups, managed_prefix_lists)
    };
    let (
        (security_groups, managed_prefix_lists),
        ((ebs_encryption_by_default, ebs_default_kms_key_id), volumes, snapshots, public_snapshot_ids, snapshot_block_public_access, network_acls),
        (vpcs, subnets, route_tables, vpc_peering_connections, internet_gateways, flow_logs, instances, instance_metadata_defaults),
        network_interfaces,
    ) = tokio::join!(
        groups_and_prefix_lists,
        async {
            tokio::join!(
                ebs_default_encryption(client, plan),
                read(plan, Source::Volumes, volumes(client)),
                read(plan, Source::Snapshots, snapshots(client)),
                read(plan, Source::PublicSnapshots, public_snapshot_ids(client)),
                read(plan, Source::SnapshotBlockPublicAccess, snapshot_block_public_access(client)),
                read(plan, Source::NetworkAcls, network_acls(client)),
            )
        },
        async {
            tokio::join!(
                read(plan, Source::Vpcs, vpcs(client)),
                read(plan, Source::Subnets, subnets(client)),
                read(plan, Source::RouteTables, route_tables(client)),
                read(plan, Source::VpcPeeringConnections, vpc_peering_connections(client)),
                read(plan, Source::InternetGateways, internet_gateways(client)),
                read(plan, Source::FlowLogs, flow_logs(client)),
                read(plan, Source::Instances, instances(client)),
                read(plan, Source::InstanceMetadataDefaults, instance_metadata_defaults(client)),
            )
        },
        read(plan, Source::NetworkInterfaces, network_interfaces(client)),
    );
    Ec2Inventory {
        ebs_encryption_by_default,
        ebs_default_kms_key_id,
        volumes,
        snapshots,
        public_snapshot_ids,
        security_groups,
        network_acls,
        vpcs,
        subnets,
        route_tables,
        vpc_peering_connections,
        internet_gateways,
        flow_logs,
        network_interfaces,
        instances,
        instance_metadata_defaults,
        managed_prefix_lists,
        snapshot_block_public_access,
    }
}

/// Whether EBS encryption by default is on, and its KMS key. The key is asked only where the
/// encryption is on (or could not be read): where it is off, the key is used by nothing and
/// judged by nothing, and one request a region is saved.
async fn ebs_default_encryption(client: &Client, plan: &Plan) -> (Collected<bool>, Collected<Option<String>>) {
    let on = read(plan, Source::EbsEncryptionByDefault, ebs_encryption_by_default(client)).await;
    let key = match on {
        Collected::Known(false) => Collected::default(),
        _ => read(plan, Source::EbsDefaultKmsKey, ebs_default_kms_key_id(client)).await,
    };
    (on, key)
}

async fn ebs_encryption_by_default(client: &Client) -> Collected<bool> {
    read::value("ec2:GetEbsEncryptionByDefault", client.get_ebs_encryption_by_default().send(), |out| {
        out.ebs_encryption_by_default().unwrap_or(false)
    })
    .await
}

async fn ebs_default_kms_key_id(client: &Client) -> Collected<Option<String>> {
    read::value("ec2:GetEbsDefaultKmsKeyId", client.get_ebs_default_kms_key_id().send(), |out| out.kms_key_id().map(str::to_string)).await
}

async fn snapshot_block_public_access(client: &Client) -> Collected<String> {
    let answer = read::call("ec2:GetSnapshotBlockPublicAccessState", client.get_snapshot_block_public_access_state().send()).await;
    read::collected(answer.and_then(|out| match out.state() {
        Some(state) => Ok(state.as_str().to_string()),
        // Every answer names the state; one without it is not read as any of them.
        None => Err("ec2:GetSnapshotBlockPublicAccessState answered without a state".into()),
    }))
}

async fn instance_metadata_defaults(client: &Client) -> Collected<Option<InstanceMetadataDefaults>> {
    read::value("ec2:GetInstanceMetadataDefaults", client.get_instance_metadata_defaults().send(), |out| {
        out.account_level().map(|d| InstanceMetadataDefaults {
            http_tokens: d.http_tokens().map(|t| t.as_str().to_string()),
            http_endpoint: d.http_endpoint().map(|t| t.as_str().to_string()),
        })
    })
    .await
}

async fn volumes(client: &Client) -> Collected<Vec<Volume>> {
    read::items("ec2:DescribeVolumes", client.describe_volumes().into_paginator().items().send(), |v| Volume {
        volume_id: v.volume_id().unwrap_or_default().to_string(),
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: v.kms_key_id().map(str::to_string),
        attached_instance_ids: v.attachments().iter().filter_map(|a| a.instance_id().map(str::to_string)).collect(),
    })
    .await
}

/// The account's snapshots.
async fn snapshots(client: &Client) -> Collected<Vec<Snapshot>> {
    read::items("ec2:DescribeSnapshots", client.describe_snapshots().owner_ids("self").into_paginator().items().send(), |s| Snapshot {
        snapshot_id: s.snapshot_id().unwrap_or_default().to_string(),
        volume_id: s.volume_id().map(str::to_string),
        encrypted: s.encrypted().unwrap_or(false),
        kms_key_id: s.kms_key_id().map(str::to_string),
    })
    .await
}

/// The ids of the account's snapshots that every AWS account may restore: those whose
/// createVolumePermission grants `group: all`. One paginated call per region, instead of one
/// DescribeSnapshotAttribute per snapshot (an account with tens of thousands of backup
/// snapshots would otherwise spend its API rate on them).
async fn public_snapshot_ids(client: &Client) -> Collected<Vec<String>> {
    let send = client.describe_snapshots().owner_ids("self").restorable_by_user_ids("all").into_paginator().items().send();
    read::items("ec2:DescribeSnapshots", send, |s| s.snapshot_id().unwrap_or_default().to_string()).await
}

fn ip_permission(p: &aws_sdk_ec2::types::IpPermission) -> IpPermission {
    IpPermission {
        ip_protocol: p.ip_protocol().unwrap_or("-1").to_string(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ip_ranges: p.ip_ranges().iter().filter_map(|r| r.cidr_ip().map(str::to_string)).collect(),
        ipv6_ranges: p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6().map(str::to_string)).collect(),
        prefix_list_ids: p.prefix_list_ids().iter().filter_map(|r| r.prefix_list_id().map(str::to_string)).collect(),
        referenced_group_ids: p.user_id_group_pairs().iter().filter_map(|g| g.group_id().map(str::to_string)).collect(),
    }
}

async fn security_groups(client: &Client) -> Collected<Vec<SecurityGroup>> {
    read::items(
        "ec2:DescribeSecurityGroups",
        client.describe_security_groups().into_paginator().items().send(),
        |g| SecurityGroup {
            group_id: g.group_id().unwrap_or_default().to_string(),
            group_name: g.group_name().unwrap_or_default().to_string(),
            vpc_id: g.vpc_id().map(str::to_string),
            ip_permissions: g.ip_permissions().iter().map(ip_permission).collect(),
            ip_permissions_egress: g.ip_permissions_egress().iter().map(ip_permission).collect(),
        }
    )
    .await
}

async fn network_acls(client: &Client) -> Collected<Vec<NetworkAcl>> {
    read::items(
        "ec2:DescribeNetworkAcls",
        client.describe_network_acls().into_paginator().items().send(),
        |n| NetworkAcl {
            network_acl_id: n.network_acl_id().unwrap_or_default().to_string(),
            entries: n
                .entries()
                .iter()
                .map(|e| NetworkAclEntry {
                    rule_number: e.rule_number().unwrap_or(32767),
                    protocol: e.protocol().unwrap_or("-1").to_string(),
                    rule_action: e.rule_action().map(|a| a.as_str().to_string()).unwrap_or_default(),
                    egress: e.egress().unwrap_or(false),
                    cidr_block: e.cidr_block().map(str::to_string),
                    ipv6_cidr_block: e.ipv6_cidr_block().map(str::to_string),
                    port_range: e.port_range().and_then(|r| Some(PortRange { from: r.from()?, to: r.to()? })),
                })
                .collect(),
            associated_subnet_ids: n.associations().iter().filter_map(|a| a.subnet_id().map(str::to_string)).collect(),
        }
    )
    .await
}

async fn vpcs(client: &Client) -> Collected<Vec<Vpc>> {
    read::items("ec2:DescribeVpcs", client.describe_vpcs().into_paginator().items().send(), |v| Vpc {
        vpc_id: v.vpc_id().unwrap_or_default().to_string(),
    })
    .await
}

async fn subnets(client: &Client) -> Collected<Vec<Subnet>> {
    read::items("ec2:DescribeSubnets", client.describe_subnets().into_paginator().items().send(), |s| Subnet {
        subnet_id: s.subnet_id().unwrap_or_default().to_string(),
        vpc_id: s.vpc_id().map(str::to_string),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
    })
    .await
}

async fn route_tables(client: &Client) -> Collected<Vec<RouteTable>> {
    read::items(
        "ec2:DescribeRouteTables",
        client.describe_route_tables().into_paginator().items().send(),
        |t| RouteTable {
            route_table_id: t.route_table_id().unwrap_or_default().to_string(),
            vpc_id: t.vpc_id().map(str::to_string),
            main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
            associated_subnet_ids: t.associations().iter().filter_map(|a| a.subnet_id().map(str::to_string)).collect(),
            routes: t
                .routes()
                .iter()
                .map(|r| Route {
                    destination_cidr_block: r.destination_cidr_block().map(str::to_string),
                    destination_ipv6_cidr_block: r.destination_ipv6_cidr_block().map(str::to_string),
                    destination_prefix_list_id: r.destination_prefix_list_id().map(str::to_string),
                    gateway_id: r.gateway_id().map(str::to_string),
                    vpc_peering_connection_id: r.vpc_peering_connection_id().map(str::to_string),
                    nat_gateway_id: r.nat_gateway_id().map(str::to_string),
                    transit_gateway_id: r.transit_gateway_id().map(str::to_string),
                    egress_only_internet_gateway_id: r.egress_only_internet_gateway_id().map(str::to_string),
                    state: r.state().map(|s| s.as_str().to_string()),
                })
                .collect(),
        }
    )
    .await
}

async fn vpc_peering_connections(client: &Client) -> Collected<Vec<VpcPeeringConnection>> {
    fn side(info: Option<&aws_sdk_ec2::types::VpcPeeringConnectionVpcInfo>) -> PeeringSide {
        let mut cidr_blocks: Vec<String> =
            info.map(|i| i.cidr_block_set().iter().filter_map(|b| b.cidr_block().map(str::to_string)).collect()).unwrap_or_default();
        if cidr_blocks.is_empty() {
            cidr_blocks.extend(info.and_then(|i| i.cidr_block()).map(str::to_string));
        }
        PeeringSide {
            vpc_id: info.and_then(|i| i.vpc_id()).map(str::to_string),
            cidr_blocks,
            ipv6_cidr_blocks: info
                .map(|i| i.ipv6_cidr_block_set().iter().filter_map(|b| b.ipv6_cidr_block().map(str::to_string)).collect())
                .unwrap_or_default(),
        }
    }
    read::items(
        "ec2:DescribeVpcPeeringConnections",
        client.describe_vpc_peering_connections().into_paginator().items().send(),
        |c| VpcPeeringConnection {
            id: c.vpc_peering_connection_id().unwrap_or_default().to_string(),
            requester: side(c.requester_vpc_info()),
            accepter: side(c.accepter_vpc_info()),
        }
    )
    .await
}

async fn internet_gateways(client: &Client) -> Collected<Vec<InternetGateway>> {
    read::items(
        "ec2:DescribeInternetGateways",
        client.describe_internet_gateways().into_paginator().items().send(),
        |g| InternetGateway {
            internet_gateway_id: g.internet_gateway_id().unwrap_or_default().to_string(),
            attached_vpc_ids: g.attachments().iter().filter_map(|a| a.vpc_id().map(str::to_string)).collect(),
        }
    )
    .await
}

async fn flow_logs(client: &Client) -> Collected<Vec<FlowLog>> {
    read::items("ec2:DescribeFlowLogs", client.describe_flow_logs().into_paginator().items().send(), |f| FlowLog {
        flow_log_id: f.flow_log_id().unwrap_or_default().to_string(),
        resource_id: f.resource_id().map(str::to_string),
        flow_log_status: f.flow_log_status().map(str::to_string),
        traffic_type: f.traffic_type().map(|t| t.as_str().to_string()),
    })
    .await
}

async fn network_interfaces(client: &Client) -> Collected<Vec<NetworkInterface>> {
    read::items(
        "ec2:DescribeNetworkInterfaces",
        client.describe_network_interfaces().into_paginator().items().send(),
        network_interface,
    )
    .await
}

fn network_interface(n: aws_sdk_ec2::types::NetworkInterface) -> NetworkInterface {
    let public_ip = |a: &aws_sdk_ec2::types::NetworkInterfaceAssociation, private_ip: Option<&str>| {
        a.public_ip().map(|ip| PublicIp {
            public_ip: ip.to_string(),
            private_ip: private_ip.map(str::to_string),
            allocation_id: a.allocation_id().map(str::to_string),
            ip_owner_id: a.ip_owner_id().map(str::to_string),
        })
    };
    // Each private address names its own public one; an answer that lists no private
    // address with an association says it only at the top, for the primary address.
    let mut public_ips: Vec<PublicIp> = n
        .private_ip_addresses()
        .iter()
        .filter_map(|p| p.association().and_then(|a| public_ip(a, p.private_ip_address())))
        .collect();
    if public_ips.is_empty() {
        public_ips.extend(n.association().and_then(|a| public_ip(a, n.private_ip_address())));
    }
    let mut private_ip_addresses: Vec<String> = n.private_ip_addresses().iter().filter_map(|p| p.private_ip_address().map(str::to_string)).collect();
    if private_ip_addresses.is_empty() {
        private_ip_addresses.extend(n.private_ip_address().map(str::to_string));
    }
    NetworkInterface {
        network_interface_id: n.network_interface_id().unwrap_or_default().to_string(),
        subnet_id: n.subnet_id().map(str::to_string),
        vpc_id: n.vpc_id().map(str::to_string),
        interface_type: n.interface_type().map(|t| t.as_str().to_string()),
        description: n.description().map(str::to_string),
        status: n.status().map(|s| s.as_str().to_string()),
        attached_instance_id: n.attachment().and_then(|a| a.instance_id()).map(str::to_string),
        device_index: n.attachment().and_then(|a| a.device_index()),
        security_group_ids: n.groups().iter().filter_map(|g| g.group_id().map(str::to_string)).collect(),
        private_ip_addresses,
        public_ips,
        ipv6_addresses: n.ipv6_addresses().iter().filter_map(|a| a.ipv6_address().map(str::to_string)).collect(),
    }
}

async fn instances(client: &Client) -> Collected<Vec<Instance>> {
    // Terminated instances are gone for every purpose of an audit.
    let paginator = client
        .describe_instances()
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .set_values(Some(["pending", "running", "shutting-down", "stopping", "stopped"].map(String::from).to_vec()))
                .build(),
        )
        .into_paginator();
    let instances = read::fold("ec2:DescribeInstances", paginator.items().send(), Vec::new(), |out, r| {
        out.extend(r.instances().iter().map(|i| Instance {
            instance_id: i.instance_id().unwrap_or_default().to_string(),
            state: i.state().and_then(|s| s.name()).map(|n| n.as_str().to_string()),
            public_ip_address: i.public_ip_address().map(str::to_string),
            iam_instance_profile_arn: i.iam_instance_profile().and_then(|p| p.arn()).map(str::to_string),
            metadata_http_tokens: i.metadata_options().and_then(|m| m.http_tokens()).map(|t| t.as_str().to_string()),
            metadata_http_endpoint: i
                .metadata_options()
                .and_then(|m| m.http_endpoint())
                .map(|t| t.as_str().to_string()),
            security_group_ids: i.security_groups().iter().filter_map(|g| g.group_id().map(str::to_string)).collect(),
            subnet_id: i.subnet_id().map(str::to_string),
        }))
    });
    read::collected(instances.await)
}

/// The referenced managed prefix lists with their CIDRs.
async fn managed_prefix_lists(client: &Client, ids: Vec<String>) -> Collected<Vec<PrefixList>> {
    if ids.is_empty() {
        return Collected::Known(Vec::new());
    }
    let lists = client.describe_managed_prefix_lists().set_prefix_list_ids(Some(ids)).into_paginator().items().send();
    let lists = match read::all("ec2:DescribeManagedPrefixLists", lists, |p| p).await {
        Ok(lists) => lists,
        Err(why) => return Collected::Unknown(why),
    };
    let mut out = Vec::with_capacity(lists.len());
    for p in lists {
        let id = p.prefix_list_id().unwrap_or_default().to_string();
        let entries = client.get_managed_prefix_list_entries().prefix_list_id(&id).into_paginator().items().send();
        let entries = read::items("ec2:GetManagedPrefixListEntries", entries, |e| e.cidr().unwrap_or_default().to_string()).await;
        out.push(PrefixList {
            prefix_list_id: id,
            entries,
        });
    }
    Collected::Known(out)
}

/// The table's entry: the EC2 and VPC reads the plan holds, in one region (one unit of progress).
pub(super) fn regional<'a>(session: &'a crate::aws::Session, region: &'a str, plan: &'a Plan) -> super::RegionalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&client!(session, aws_sdk_ec2, "ec2", region), plan)).await;
        Box::new(move |inv: &mut rampart_checks::inventory::RegionInventory| inv.ec2 = read) as super::Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::Collected;
    use rampart_checks::inventory::ec2::{
        FlowLog, Instance, InstanceMetadataDefaults, InternetGateway, IpPermission, NetworkAcl, NetworkAclEntry,
        NetworkInterface, PeeringSide, PortRange, PrefixList, PublicIp, Route, RouteTable, SecurityGroup, Snapshot, Subnet,
        Volume, Vpc, VpcPeeringConnection,
    };
    use rampart_checks::inventory::{Cause, Plan, Source};

    use super::regional;
    use crate::collect::testing::{Answer, Protocol, Request, Stub, ec2, known, plan, unknown};

    /// One of everything; the security group names prefix list `pl-1`.
    fn answer(r: &Request) -> Answer {
        let action = r.action.as_str();
        let body = match action {
            "GetEbsEncryptionByDefault" => "<ebsEncryptionByDefault>true</ebsEncryptionByDefault>",
            "GetEbsDefaultKmsKeyId" => "<kmsKeyId>alias/aws/ebs</kmsKeyId>",
            "GetSnapshotBlockPublicAccessState" => "<state>block-all-sharing</state><managedBy>account</managedBy>",
            "GetInstanceMetadataDefaults" => {
                "<accountLevel><httpTokens>required</httpTokens><httpEndpoint>enabled</httpEndpoint></accountLevel>"
            }
            "DescribeVolumes" => {
                "<volumeSet><item><volumeId>vol-1</volumeId><size>8</size><status>in-use</status><encrypted>false</encrypted>\
                 <attachmentSet><item><volumeId>vol-1</volumeId><instanceId>i-1</instanceId><status>attached</status></item></attachmentSet>\
                 </item></volumeSet>"
            }
            "DescribeSnapshots" if r.body.contains("RestorableBy.1=all") => {
                assert!(r.body.contains("Owner.1=self"), "{}", r.body);
                "<snapshotSet><item><snapshotId>snap-2</snapshotId><volumeId>vol-1</volumeId><status>completed</status>\
                 <encrypted>false</encrypted></item></snapshotSet>"
            }
            "DescribeSnapshots" => {
                assert!(r.body.contains("Owner.1=self"), "{}", r.body);
                "<snapshotSet><item><snapshotId>snap-1</snapshotId><volumeId>vol-1</volumeId><status>completed</status>\
                 <startTime>2024-01-02T03:04:05.000Z</startTime><encrypted>true</encrypted>\
                 <kmsKeyId>arn:aws:kms:us-east-1:123456789012:key/k</kmsKeyId>\
                 </item><item><snapshotId>snap-2</snapshotId><volumeId>vol-1</volumeId><status>completed</status>\
                 <encrypted>false</encrypted></item></snapshotSet>"
            }
            "DescribeSecurityGroups" => {
                "<securityGroupInfo><item><ownerId>123456789012</ownerId><groupId>sg-1</groupId><groupName>web</groupName>\
                 <groupDescription>web</groupDescription><vpcId>vpc-1</vpcId><ipPermissions><item><ipProtocol>tcp</ipProtocol>\
                 <fromPort>22</fromPort><toPort>22</toPort><groups><item><groupId>sg-2</groupId></item></groups>\
                 <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>\
                 <prefixListIds><item><prefixListId>pl-1</prefixListId></item></prefixListIds></item></ipPermissions>\
                 <ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>\
                 </item></ipPermissionsEgress></item></securityGroupInfo>"
            }
            "DescribeManagedPrefixLists" => {
                assert!(r.body.contains("PrefixListId.1=pl-1"), "{}", r.body);
                "<prefixListSet><item><prefixListId>pl-1</prefixListId><addressFamily>IPv4</addressFamily>\
                 <prefixListName>offices</prefixListName></item></prefixListSet>"
            }
            "GetManagedPrefixListEntries" => "<entrySet><item><cidr>203.0.113.0/24</cidr></item></entrySet>",
            "DescribeNetworkAcls" => {
                "<networkAclSet><item><networkAclId>acl-1</networkAclId><vpcId>vpc-1</vpcId><default>true</default>\
                 <entrySet><item><ruleNumber>100</ruleNumber><protocol>6</protocol><ruleAction>allow</ruleAction><egress>false</egress>\
                 <cidrBlock>0.0.0.0/0</cidrBlock><portRange><from>22</from><to>22</to></portRange></item></entrySet>\
                 <associationSet><item><networkAclAssociationId>aclassoc-1</networkAclAssociationId><networkAclId>acl-1</networkAclId>\
                 <subnetId>subnet-1</subnetId></item></associationSet></item></networkAclSet>"
            }
            "DescribeVpcs" => {
                "<vpcSet><item><vpcId>vpc-1</vpcId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock>\
                 <isDefault>true</isDefault></item></vpcSet>"
            }
            "DescribeSubnets" => {
                "<subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><mapPublicIpOnLaunch>true</mapPublicIpOnLaunch></item></subnetSet>"
            }
            "DescribeRouteTables" => {
                "<routeTableSet><item><routeTableId>rtb-1</routeTableId><vpcId>vpc-1</vpcId><routeSet><item>\
                 <destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><gatewayId>igw-1</gatewayId><state>active</state></item>\
                 <item><destinationIpv6CidrBlock>::/0</destinationIpv6CidrBlock><egressOnlyInternetGatewayId>eigw-1</egressOnlyInternetGatewayId>\
                 <state>active</state></item></routeSet>\
                 <associationSet><item><main>true</main></item><item><main>false</main><subnetId>subnet-1</subnetId></item></associationSet>\
                 </item></routeTableSet>"
            }
            "DescribeVpcPeeringConnections" => {
                "<vpcPeeringConnectionSet><item><vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId><status><code>active</code></status>\
                 <requesterVpcInfo><vpcId>vpc-1</vpcId><ownerId>123456789012</ownerId><region>us-east-1</region>\
                 <cidrBlock>10.0.0.0/16</cidrBlock></requesterVpcInfo>\
                 <accepterVpcInfo><vpcId>vpc-9</vpcId><ownerId>999999999999</ownerId><region>eu-west-1</region>\
                 <cidrBlockSet><item><cidrBlock>10.9.0.0/16</cidrBlock></item></cidrBlockSet>\
                 <ipv6CidrBlockSet><item><ipv6CidrBlock>2001:db8::/56</ipv6CidrBlock></item></ipv6CidrBlockSet></accepterVpcInfo>\
                 </item></vpcPeeringConnectionSet>"
            }
            "DescribeInternetGateways" => {
                "<internetGatewaySet><item><internetGatewayId>igw-1</internetGatewayId><attachmentSet><item><vpcId>vpc-1</vpcId>\
                 <state>available</state></item></attachmentSet></item></internetGatewaySet>"
            }
            "DescribeFlowLogs" => {
                "<flowLogSet><item><flowLogId>fl-1</flowLogId><resourceId>vpc-1</resourceId><flowLogStatus>ACTIVE</flowLogStatus>\
                 <trafficType>REJECT</trafficType></item></flowLogSet>"
            }
            // An instance's interface with an auto-assigned address on its primary private
            // address and an Elastic IP on its secondary one; a load balancer node's, whose
            // address is named only at the top.
            "DescribeNetworkInterfaces" => {
                "<networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>\
                 <description>Primary network interface</description><ownerId>123456789012</ownerId><status>in-use</status>\
                 <privateIpAddress>10.0.0.5</privateIpAddress><interfaceType>interface</interfaceType>\
                 <groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>\
                 <attachment><attachmentId>eni-attach-1</attachmentId><instanceId>i-1</instanceId><deviceIndex>0</deviceIndex>\
                 <status>attached</status></attachment>\
                 <association><publicIp>198.51.100.7</publicIp><ipOwnerId>amazon</ipOwnerId></association>\
                 <privateIpAddressesSet><item><privateIpAddress>10.0.0.5</privateIpAddress><primary>true</primary>\
                 <association><publicIp>198.51.100.7</publicIp><ipOwnerId>amazon</ipOwnerId></association></item>\
                 <item><privateIpAddress>10.0.0.6</privateIpAddress><primary>false</primary>\
                 <association><publicIp>203.0.113.9</publicIp><ipOwnerId>123456789012</ipOwnerId><allocationId>eipalloc-1</allocationId>\
                 <associationId>eipassoc-1</associationId></association></item></privateIpAddressesSet>\
                 <ipv6AddressesSet><item><ipv6Address>2001:db8::5</ipv6Address></item></ipv6AddressesSet></item>\
                 <item><networkInterfaceId>eni-2</networkInterfaceId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>\
                 <description>ELB app/web/50dc6c495c0c9188</description><status>in-use</status><privateIpAddress>10.0.0.9</privateIpAddress>\
                 <interfaceType>interface</interfaceType><groupSet><item><groupId>sg-2</groupId></item></groupSet>\
                 <association><publicIp>192.0.2.44</publicIp><ipOwnerId>amazon-elb</ipOwnerId></association></item>\
                 </networkInterfaceSet>"
            }
            "DescribeInstances" => {
                assert!(r.body.contains("Filter.1.Name=instance-state-name"), "{}", r.body);
                "<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId>\
                 <imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState><subnetId>subnet-1</subnetId>\
                 <vpcId>vpc-1</vpcId><ipAddress>198.51.100.7</ipAddress><groupSet><item><groupId>sg-1</groupId></item></groupSet>\
                 <iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/web</arn></iamInstanceProfile>\
                 <metadataOptions><httpTokens>optional</httpTokens><httpEndpoint>enabled</httpEndpoint></metadataOptions>\
                 <platformDetails>Linux/UNIX</platformDetails><launchTime>2024-01-02T03:04:05.000Z</launchTime></item></instancesSet>\
                 </item></reservationSet>"
            }
            other => panic!("unexpected {other}"),
        };
        ec2(action, body)
    }

    fn denied(r: &Request) -> Answer {
        Protocol::Ec2.denied(&format!("ec2:{}", r.action))
    }

    fn permission(protocol: &str, ports: Option<i32>, ip_ranges: &[&str]) -> IpPermission {
        IpPermission {
            ip_protocol: protocol.into(),
            from_port: ports,
            to_port: ports,
            ip_ranges: ip_ranges.iter().map(|s| s.to_string()).collect(),
            ipv6_ranges: Box::default(),
            prefix_list_ids: Box::default(),
            referenced_group_ids: Box::default(),
        }
    }

    #[tokio::test]
    async fn every_ec2_source_is_read() {
        let stub = Stub::start(answer).await;
        let ec2 = stub.regional(regional, &Plan::everything()).await.ec2;
        assert_eq!(known(&ec2.ebs_encryption_by_default), &true);
        assert_eq!(known(&ec2.ebs_default_kms_key_id).as_deref(), Some("alias/aws/ebs"));
        assert_eq!(known(&ec2.snapshot_block_public_access), "block-all-sharing");
        assert_eq!(known(&ec2.instance_metadata_defaults), &Some(InstanceMetadataDefaults {
            http_tokens: Some("required".into()),
            http_endpoint: Some("enabled".into()),
        }));
        assert_eq!(known(&ec2.volumes), &[Volume {
            volume_id: "vol-1".into(),
            encrypted: false,
            kms_key_id: None,
            attached_instance_ids: vec!["i-1".into()],
        }]);
        assert_eq!(known(&ec2.snapshots), &[Snapshot {
            snapshot_id: "snap-1".into(),
            volume_id: Some("vol-1".into()),
            encrypted: true,
            kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/k".into()),
        }, Snapshot {
            snapshot_id: "snap-2".into(),
            volume_id: Some("vol-1".into()),
            encrypted: false,
            kms_key_id: None,
        }]);
        // Only the snapshot that every account may restore, from the one filtered listing.
        assert_eq!(known(&ec2.public_snapshot_ids), &["snap-2".to_string()]);
        assert_eq!(known(&ec2.security_groups), &[SecurityGroup {
            group_id: "sg-1".into(),
            group_name: "web".into(),
            vpc_id: Some("vpc-1".into()),
            ip_permissions: Box::new([IpPermission {
                ipv6_ranges: Box::new(["::/0".into()]),
                prefix_list_ids: Box::new(["pl-1".into()]),
                referenced_group_ids: Box::new(["sg-2".into()]),
                ..permission("tcp", Some(22), &["0.0.0.0/0"])
            }]),
            ip_permissions_egress: Box::new([permission("-1", None, &["0.0.0.0/0"])]),
        }]);
        assert_eq!(known(&ec2.managed_prefix_lists), &[PrefixList {
            prefix_list_id: "pl-1".into(),
            entries: Collected::Known(vec!["203.0.113.0/24".into()]),
        }]);
        assert_eq!(known(&ec2.network_acls), &[NetworkAcl {
            network_acl_id: "acl-1".into(),
            entries: vec![NetworkAclEntry {
                rule_number: 100,
                protocol: "6".into(),
                rule_action: "allow".into(),
                egress: false,
                cidr_block: Some("0.0.0.0/0".into()),
                ipv6_cidr_block: None,
                port_range: Some(PortRange { from: 22, to: 22 }),
            }],
            associated_subnet_ids: vec!["subnet-1".into()],
        }]);
        assert_eq!(known(&ec2.vpcs), &[Vpc { vpc_id: "vpc-1".into() }]);
        assert_eq!(known(&ec2.subnets), &[Subnet {
            subnet_id: "subnet-1".into(),
            vpc_id: Some("vpc-1".into()),
            map_public_ip_on_launch: true
        }]);
        assert_eq!(known(&ec2.route_tables), &[RouteTable {
            route_table_id: "rtb-1".into(),
            vpc_id: Some("vpc-1".into()),
            main: true,
            associated_subnet_ids: vec!["subnet-1".into()],
            routes: vec![Route {
                destination_cidr_block: Some("0.0.0.0/0".into()),
                destination_ipv6_cidr_block: None,
                destination_prefix_list_id: None,
                gateway_id: Some("igw-1".into()),
                vpc_peering_connection_id: None,
                nat_gateway_id: None,
                transit_gateway_id: None,
                egress_only_internet_gateway_id: None,
                state: Some("active".into()),
            }, Route {
                destination_cidr_block: None,
                destination_ipv6_cidr_block: Some("::/0".into()),
                destination_prefix_list_id: None,
                gateway_id: None,
                vpc_peering_connection_id: None,
                nat_gateway_id: None,
                transit_gateway_id: None,
                egress_only_internet_gateway_id: Some("eigw-1".into()),
                state: Some("active".into()),
            }],
        }]);
        assert_eq!(known(&ec2.vpc_peering_connections), &[VpcPeeringConnection {
            id: "pcx-1".into(),
            // A side without a CIDR set names its one CIDR.
            requester: PeeringSide {
                vpc_id: Some("vpc-1".into()),
                cidr_blocks: vec!["10.0.0.0/16".into()],
                ipv6_cidr_blocks: vec![],
            },
            accepter: PeeringSide {
                vpc_id: Some("vpc-9".into()),
                cidr_blocks: vec!["10.9.0.0/16".into()],
                ipv6_cidr_blocks: vec!["2001:db8::/56".into()],
            },
        }]);
        assert_eq!(known(&ec2.internet_gateways), &[InternetGateway {
            internet_gateway_id: "igw-1".into(),
            attached_vpc_ids: vec!["vpc-1".into()]
        }]);
        assert_eq!(known(&ec2.flow_logs), &[FlowLog {
            flow_log_id: "fl-1".into(),
            resource_id: Some("vpc-1".into()),
            flow_log_status: Some("ACTIVE".into()),
            traffic_type: Some("REJECT".into()),
        }]);
        assert_eq!(known(&ec2.instances), &[Instance {
            instance_id: "i-1".into(),
            state: Some("running".into()),
            public_ip_address: Some("198.51.100.7".into()),
            iam_instance_profile_arn: Some("arn:aws:iam::123456789012:instance-profile/web".into()),
            metadata_http_tokens: Some("optional".into()),
            metadata_http_endpoint: Some("enabled".into()),
            security_group_ids: vec!["sg-1".into()],
            subnet_id: Some("subnet-1".into()),
        }]);
        let public = |ip: &str, private: &str, allocation: Option<&str>, owner: &str| PublicIp {
            public_ip: ip.into(),
            private_ip: Some(private.into()),
            allocation_id: allocation.map(str::to_string),
            ip_owner_id: Some(owner.into()),
        };
        assert_eq!(known(&ec2.network_interfaces), &[NetworkInterface {
            network_interface_id: "eni-1".into(),
            subnet_id: Some("subnet-1".into()),
            vpc_id: Some("vpc-1".into()),
            interface_type: Some("interface".into()),
            description: Some("Primary network interface".into()),
            status: Some("in-use".into()),
            attached_instance_id: Some("i-1".into()),
            device_index: Some(0),
            security_group_ids: vec!["sg-1".into()],
            private_ip_addresses: vec!["10.0.0.5".into(), "10.0.0.6".into()],
            // Per private address, not the top-level one again.
            public_ips: vec![
                public("198.51.100.7", "10.0.0.5", None, "amazon"),
                public("203.0.113.9", "10.0.0.6", Some("eipalloc-1"), "123456789012"),
            ],
            ipv6_addresses: vec!["2001:db8::5".into()],
        }, NetworkInterface {
            network_interface_id: "eni-2".into(),
            subnet_id: Some("subnet-1".into()),
            vpc_id: Some("vpc-1".into()),
            interface_type: Some("interface".into()),
            description: Some("ELB app/web/50dc6c495c0c9188".into()),
            status: Some("in-use".into()),
            attached_instance_id: None,
            device_index: None,
            security_group_ids: vec!["sg-2".into()],
            // No per-address list: the primary address, and the top-level association on it.
            private_ip_addresses: vec!["10.0.0.9".into()],
            public_ips: vec![public("192.0.2.44", "10.0.0.9", None, "amazon-elb")],
            ipv6_addresses: vec![],
        }]);
    }

    #[tokio::test]
    async fn denied_reads_are_unknown_with_the_reason() {
        let stub = Stub::start(denied).await;
        let ec2 = stub.regional(regional, &Plan::everything()).await.ec2;
        let reason = |action: &str| format!("ec2:{action} access denied: UnauthorizedOperation: not authorized to perform: ec2:{action}");
        let denied = |action: &str| (Cause::Denied, reason(action));
        let of = |(cause, reason): (Cause, &str)| (cause, reason.to_string());
        assert_eq!(of(unknown(&ec2.ebs_encryption_by_default)), denied("GetEbsEncryptionByDefault"));
        assert_eq!(of(unknown(&ec2.ebs_default_kms_key_id)), denied("GetEbsDefaultKmsKeyId"));
        assert_eq!(of(unknown(&ec2.snapshot_block_public_access)), denied("GetSnapshotBlockPublicAccessState"));
        assert_eq!(of(unknown(&ec2.instance_metadata_defaults)), denied("GetInstanceMetadataDefaults"));
        assert_eq!(of(unknown(&ec2.volumes)), denied("DescribeVolumes"));
        assert_eq!(of(unknown(&ec2.snapshots)), denied("DescribeSnapshots"));
        assert_eq!(of(unknown(&ec2.public_snapshot_ids)), denied("DescribeSnapshots"));
        assert_eq!(of(unknown(&ec2.security_groups)), denied("DescribeSecurityGroups"));
        assert_eq!(of(unknown(&ec2.network_acls)), denied("DescribeNetworkAcls"));
        assert_eq!(of(unknown(&ec2.vpcs)), denied("DescribeVpcs"));
        assert_eq!(of(unknown(&ec2.subnets)), denied("DescribeSubnets"));
        assert_eq!(of(unknown(&ec2.route_tables)), denied("DescribeRouteTables"));
        assert_eq!(of(unknown(&ec2.vpc_peering_connections)), denied("DescribeVpcPeeringConnections"));
        assert_eq!(of(unknown(&ec2.internet_gateways)), denied("DescribeInternetGateways"));
        assert_eq!(of(unknown(&ec2.flow_logs)), denied("DescribeFlowLogs"));
        assert_eq!(of(unknown(&ec2.instances)), denied("DescribeInstances"));
        assert_eq!(of(unknown(&ec2.network_interfaces)), denied("DescribeNetworkInterfaces"));
        // Without the security groups no prefix list is known to be referenced.
        assert_eq!(known(&ec2.managed_prefix_lists), &[]);
    }

    #[tokio::test]
    async fn per_resource_failures_stay_with_their_resource() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "GetManagedPrefixListEntries" => denied(r),
            "DescribeSnapshots" if r.body.contains("RestorableBy.1=all") => denied(r),
            _ => answer(r),
        })
        .await;
        let ec2 = stub.regional(regional, &Plan::everything()).await.ec2;
        // The public listing fails on its own: the owned snapshots are still known.
        assert_eq!(known(&ec2.snapshots).len(), 2);
        assert_eq!(unknown(&ec2.public_snapshot_ids), (
            Cause::Denied,
            "ec2:DescribeSnapshots access denied: UnauthorizedOperation: not authorized to perform: ec2:DescribeSnapshots"
        ));
        let list = &known(&ec2.managed_prefix_lists)[0];
        assert_eq!(unknown(&list.entries).0, Cause::Denied);
    }

    #[tokio::test]
    async fn an_unsupported_call_and_a_state_not_named_are_unknown() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "GetInstanceMetadataDefaults" => Protocol::Ec2.error("400 Bad Request", "InvalidAction", "The action is not valid for this web service."),
            "GetSnapshotBlockPublicAccessState" => ec2("GetSnapshotBlockPublicAccessState", ""),
            _ => answer(r),
        })
        .await;
        let ec2 = stub.regional(regional, &plan(&[Source::InstanceMetadataDefaults, Source::SnapshotBlockPublicAccess])).await.ec2;
        assert_eq!(unknown(&ec2.instance_metadata_defaults), (
            Cause::Unsupported,
            "ec2:GetInstanceMetadataDefaults not supported by this endpoint: InvalidAction: The action is not valid for this web service."
        ));
        let without_state = (Cause::Other, "ec2:GetSnapshotBlockPublicAccessState answered without a state");
        assert_eq!(unknown(&ec2.snapshot_block_public_access), without_state);
    }

    #[tokio::test]
    async fn the_default_key_is_not_asked_where_default_encryption_is_off() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "GetEbsEncryptionByDefault" => ec2("GetEbsEncryptionByDefault", "<ebsEncryptionByDefault>false</ebsEncryptionByDefault>"),
            _ => answer(r),
        })
        .await;
        let ec2 = stub.regional(regional, &plan(&[Source::EbsEncryptionByDefault, Source::EbsDefaultKmsKey])).await.ec2;
        assert_eq!(known(&ec2.ebs_encryption_by_default), &false);
        assert_eq!(unknown(&ec2.ebs_default_kms_key_id).0, Cause::NotCollected);
        assert_eq!(stub.actions(), ["GetEbsEncryptionByDefault"]);
    }

    #[tokio::test]
    async fn only_the_planned_reads_are_sent() {
        let stub = Stub::start(answer).await;
        let ec2 = stub.regional(regional, &plan(&[Source::Snapshots, Source::Vpcs, Source::NetworkInterfaces])).await.ec2;
        assert_eq!(known(&ec2.snapshots).len(), 2);
        assert_eq!(known(&ec2.network_interfaces).len(), 2);
        assert_eq!(unknown(&ec2.public_snapshot_ids).0, Cause::NotCollected);
        assert_eq!(unknown(&ec2.security_groups).0, Cause::NotCollected);
        assert_eq!(unknown(&ec2.instances).0, Cause::NotCollected);
        let mut actions = stub.actions();
        actions.sort();
        assert_eq!(actions, ["DescribeNetworkInterfaces", "DescribeSnapshots", "DescribeVpcs"]);
    }
}
