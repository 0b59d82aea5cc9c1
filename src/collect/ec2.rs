//! EC2 and VPC networking collector, one region.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, SnapshotAttributeName};
use rampart_checks::Collected;
use rampart_checks::inventory::ec2::{
    CreateVolumePermission, Ec2Inventory, FlowLog, Instance, InstanceMetadataDefaults, InternetGateway, IpPermission,
    NetworkAcl, NetworkAclEntry, PeeringSide, PortRange, PrefixList, Route, RouteTable, SecurityGroup, Snapshot, Subnet,
    Volume, Vpc, VpcPeeringConnection,
};

use futures::StreamExt;

use rampart_checks::inventory::{Plan, Source};

use super::{PER_RESOURCE_CONCURRENCY, read};
use crate::aws::error::describe;

/// The reads of `plan`'s EC2 sources, one region.
pub async fn collect(client: &Client, plan: &Plan) -> Ec2Inventory {
    let r = |source: Source| plan.reads(source);
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
        (ebs_encryption_by_default, ebs_default_kms_key_id, volumes, snapshots, snapshot_block_public_access, network_acls),
        (vpcs, subnets, route_tables, vpc_peering_connections, internet_gateways, flow_logs, instances, instance_metadata_defaults),
    ) = tokio::join!(
        groups_and_prefix_lists,
        async {
            tokio::join!(
                read(plan, Source::EbsEncryptionByDefault, ebs_encryption_by_default(client)),
                read(plan, Source::EbsDefaultKmsKey, ebs_default_kms_key_id(client)),
                read(plan, Source::Volumes, volumes(client)),
                read(plan, Source::Snapshots, snapshots(client, r(Source::SnapshotPermissions))),
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
    );
    Ec2Inventory {
        ebs_encryption_by_default,
        ebs_default_kms_key_id,
        volumes,
        snapshots,
        security_groups,
        network_acls,
        vpcs,
        subnets,
        route_tables,
        vpc_peering_connections,
        internet_gateways,
        flow_logs,
        instances,
        instance_metadata_defaults,
        managed_prefix_lists,
        snapshot_block_public_access,
    }
}

async fn ebs_encryption_by_default(client: &Client) -> Collected<bool> {
    match client.get_ebs_encryption_by_default().send().await {
        Ok(out) => Collected::Known(out.ebs_encryption_by_default().unwrap_or(false)),
        Err(e) => Collected::Unknown(describe("ec2:GetEbsEncryptionByDefault", &e)),
    }
}

async fn ebs_default_kms_key_id(client: &Client) -> Collected<Option<String>> {
    match client.get_ebs_default_kms_key_id().send().await {
        Ok(out) => Collected::Known(out.kms_key_id().map(str::to_string)),
        Err(e) => Collected::Unknown(describe("ec2:GetEbsDefaultKmsKeyId", &e)),
    }
}

async fn snapshot_block_public_access(client: &Client) -> Collected<String> {
    match client.get_snapshot_block_public_access_state().send().await {
        Ok(out) => match out.state() {
            Some(state) => Collected::Known(state.as_str().to_string()),
            // Every answer names the state; one without it is not read as any of them.
            None => Collected::Unknown("ec2:GetSnapshotBlockPublicAccessState answered without a state".into()),
        },
        Err(e) => Collected::Unknown(describe("ec2:GetSnapshotBlockPublicAccessState", &e)),
    }
}

async fn instance_metadata_defaults(client: &Client) -> Collected<Option<InstanceMetadataDefaults>> {
    match client.get_instance_metadata_defaults().send().await {
        Ok(out) => Collected::Known(out.account_level().map(|d| InstanceMetadataDefaults {
            http_tokens: d.http_tokens().map(|t| t.as_str().to_string()),
            http_endpoint: d.http_endpoint().map(|t| t.as_str().to_string()),
        })),
        Err(e) => Collected::Unknown(describe("ec2:GetInstanceMetadataDefaults", &e)),
    }
}

async fn volumes(client: &Client) -> Collected<Vec<Volume>> {
    collect_items!("ec2:DescribeVolumes", client.describe_volumes().into_paginator(), |v: aws_sdk_ec2::types::Volume| Volume {
        volume_id: v.volume_id().unwrap_or_default().to_string(),
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: v.kms_key_id().map(str::to_string),
        attached_instance_ids: v.attachments().iter().filter_map(|a| a.instance_id().map(str::to_string)).collect(),
    })
}

/// The account's snapshots, each with its createVolumePermission when `permissions`.
async fn snapshots(client: &Client, permissions: bool) -> Collected<Vec<Snapshot>> {
    let listed = collect_items!(
        "ec2:DescribeSnapshots",
        client.describe_snapshots().owner_ids("self").into_paginator(),
        |s: aws_sdk_ec2::types::Snapshot| s
    );
    let listed = match listed {
        Collected::Known(listed) => listed,
        Collected::Unknown(why) => return Collected::Unknown(why),
    };
    // One DescribeSnapshotAttribute per snapshot (when the permissions are read): a few at
    // a time, in order.
    let snapshots = futures::stream::iter(listed)
        .map(|s| async move {
            let id = s.snapshot_id().unwrap_or_default().to_string();
            let create_volume_permissions =
                if permissions { create_volume_permissions(client, &id).await } else { Collected::default() };
            Snapshot {
                snapshot_id: id,
                volume_id: s.volume_id().map(str::to_string),
                encrypted: s.encrypted().unwrap_or(false),
                kms_key_id: s.kms_key_id().map(str::to_string),
                create_volume_permissions,
            }
        })
        .buffered(PER_RESOURCE_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    Collected::Known(snapshots)
}

async fn create_volume_permissions(client: &Client, id: &str) -> Collected<Vec<CreateVolumePermission>> {
    match client
        .describe_snapshot_attribute()
        .snapshot_id(id)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await
    {
        Ok(out) => Collected::Known(
            out.create_volume_permissions()
                .iter()
                .map(|p| CreateVolumePermission {
                    group: p.group().map(|g| g.as_str().to_string()),
                    user_id: p.user_id().map(str::to_string),
                })
                .collect(),
        ),
        Err(e) => Collected::Unknown(describe("ec2:DescribeSnapshotAttribute", &e)),
    }
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
    collect_items!(
        "ec2:DescribeSecurityGroups",
        client.describe_security_groups().into_paginator(),
        |g: aws_sdk_ec2::types::SecurityGroup| SecurityGroup {
            group_id: g.group_id().unwrap_or_default().to_string(),
            group_name: g.group_name().unwrap_or_default().to_string(),
            vpc_id: g.vpc_id().map(str::to_string),
            ip_permissions: g.ip_permissions().iter().map(ip_permission).collect(),
            ip_permissions_egress: g.ip_permissions_egress().iter().map(ip_permission).collect(),
        }
    )
}

async fn network_acls(client: &Client) -> Collected<Vec<NetworkAcl>> {
    collect_items!(
        "ec2:DescribeNetworkAcls",
        client.describe_network_acls().into_paginator(),
        |n: aws_sdk_ec2::types::NetworkAcl| NetworkAcl {
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
}

async fn vpcs(client: &Client) -> Collected<Vec<Vpc>> {
    collect_items!("ec2:DescribeVpcs", client.describe_vpcs().into_paginator(), |v: aws_sdk_ec2::types::Vpc| Vpc {
        vpc_id: v.vpc_id().unwrap_or_default().to_string(),
    })
}

async fn subnets(client: &Client) -> Collected<Vec<Subnet>> {
    collect_items!("ec2:DescribeSubnets", client.describe_subnets().into_paginator(), |s: aws_sdk_ec2::types::Subnet| Subnet {
        subnet_id: s.subnet_id().unwrap_or_default().to_string(),
        vpc_id: s.vpc_id().map(str::to_string),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
    })
}

async fn route_tables(client: &Client) -> Collected<Vec<RouteTable>> {
    collect_items!(
        "ec2:DescribeRouteTables",
        client.describe_route_tables().into_paginator(),
        |t: aws_sdk_ec2::types::RouteTable| RouteTable {
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
                    state: r.state().map(|s| s.as_str().to_string()),
                })
                .collect(),
        }
    )
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
    collect_items!(
        "ec2:DescribeVpcPeeringConnections",
        client.describe_vpc_peering_connections().into_paginator(),
        |c: aws_sdk_ec2::types::VpcPeeringConnection| VpcPeeringConnection {
            id: c.vpc_peering_connection_id().unwrap_or_default().to_string(),
            requester: side(c.requester_vpc_info()),
            accepter: side(c.accepter_vpc_info()),
        }
    )
}

async fn internet_gateways(client: &Client) -> Collected<Vec<InternetGateway>> {
    collect_items!(
        "ec2:DescribeInternetGateways",
        client.describe_internet_gateways().into_paginator(),
        |g: aws_sdk_ec2::types::InternetGateway| InternetGateway {
            internet_gateway_id: g.internet_gateway_id().unwrap_or_default().to_string(),
            attached_vpc_ids: g.attachments().iter().filter_map(|a| a.vpc_id().map(str::to_string)).collect(),
        }
    )
}

async fn flow_logs(client: &Client) -> Collected<Vec<FlowLog>> {
    collect_items!("ec2:DescribeFlowLogs", client.describe_flow_logs().into_paginator(), |f: aws_sdk_ec2::types::FlowLog| FlowLog {
        flow_log_id: f.flow_log_id().unwrap_or_default().to_string(),
        resource_id: f.resource_id().map(str::to_string),
        flow_log_status: f.flow_log_status().map(str::to_string),
        traffic_type: f.traffic_type().map(|t| t.as_str().to_string()),
    })
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
    let reservations = collect_items!("ec2:DescribeInstances", paginator, |r: aws_sdk_ec2::types::Reservation| r);
    match reservations {
        Collected::Unknown(why) => Collected::Unknown(why),
        Collected::Known(reservations) => Collected::Known(
            reservations
                .iter()
                .flat_map(|r| r.instances())
                .map(|i| Instance {
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
                })
                .collect(),
        ),
    }
}

/// The referenced managed prefix lists with their CIDRs.
async fn managed_prefix_lists(client: &Client, ids: Vec<String>) -> Collected<Vec<PrefixList>> {
    if ids.is_empty() {
        return Collected::Known(Vec::new());
    }
    let lists = collect_items!(
        "ec2:DescribeManagedPrefixLists",
        client.describe_managed_prefix_lists().set_prefix_list_ids(Some(ids)).into_paginator(),
        |p: aws_sdk_ec2::types::ManagedPrefixList| p
    );
    let lists = match lists {
        Collected::Unknown(why) => return Collected::Unknown(why),
        Collected::Known(lists) => lists,
    };
    let mut out = Vec::with_capacity(lists.len());
    for p in lists {
        let id = p.prefix_list_id().unwrap_or_default().to_string();
        let entries = collect_items!(
            "ec2:GetManagedPrefixListEntries",
            client.get_managed_prefix_list_entries().prefix_list_id(&id).into_paginator(),
            |e: aws_sdk_ec2::types::PrefixListEntry| e.cidr().unwrap_or_default().to_string()
        );
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
        let read = crate::progress::track(collect(&session.ec2(region), plan)).await;
        Box::new(move |inv: &mut rampart_checks::inventory::RegionInventory| inv.ec2 = read) as super::Apply<_>
    })
}
