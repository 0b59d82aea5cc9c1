//! A builder of network topologies for the tests of effective exposure and of its checks:
//! one VPC (`vpc-1`) with an internet gateway (`igw-1`) attached, subnets with their own
//! route table and network ACL, security groups, interfaces and load balancers.

use crate::ec2::testing::{entry, sg};
use crate::inventory::ec2::{InternetGateway, IpPermission, NetworkAcl, NetworkAclEntry, NetworkInterface, PublicIp, Route, RouteTable};
use crate::inventory::elb::{Listener, LoadBalancer, Target, TargetGroup};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::testing::{account, region};

/// Where a subnet's routes send traffic to the internet.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    /// Only the local route.
    Nothing,
    /// `0.0.0.0/0` and `::/0` to `igw-1`.
    Igw,
    /// `0.0.0.0/0` to a NAT gateway.
    Nat,
    /// `::/0` to an egress-only internet gateway (and no IPv4 default route).
    EgressOnly,
}

pub struct Topology {
    pub account: AccountInventory,
}

/// An allow-all NACL entry (both directions, IPv4 and IPv6).
pub fn allow_all(egress: bool) -> Vec<NetworkAclEntry> {
    let mut v4 = entry(100, "-1", "allow", "0.0.0.0/0", None);
    let mut v6 = entry(101, "-1", "allow", "::/0", None);
    v4.egress = egress;
    v6.egress = egress;
    vec![v4, v6]
}

/// An outbound entry.
pub fn out(rule_number: i32, protocol: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NetworkAclEntry {
    NetworkAclEntry { egress: true, ..entry(rule_number, protocol, action, cidr, ports) }
}

fn route_to(destination: &str, set: impl FnOnce(&mut Route)) -> Route {
    let v6 = destination.contains(':');
    let mut route = Route {
        destination_cidr_block: (!v6).then(|| destination.to_string()),
        destination_ipv6_cidr_block: v6.then(|| destination.to_string()),
        destination_prefix_list_id: None,
        gateway_id: None,
        vpc_peering_connection_id: None,
        nat_gateway_id: None,
        transit_gateway_id: None,
        egress_only_internet_gateway_id: None,
        state: Some("active".to_string()),
    };
    set(&mut route);
    route
}

pub fn igw_route(destination: &str, igw: &str) -> Route {
    route_to(destination, |r| r.gateway_id = Some(igw.to_string()))
}

pub fn nat_route(destination: &str) -> Route {
    route_to(destination, |r| r.nat_gateway_id = Some("nat-1".to_string()))
}

impl Topology {
    /// The VPC, its attached internet gateway, a main route table with the local route only,
    /// and nothing else (every read of exposure known and empty).
    pub fn new() -> Topology {
        let mut account = account();
        let inv = region(&mut account);
        let ec2 = &mut inv.ec2;
        ec2.security_groups = Collected::Known(Vec::new());
        ec2.network_acls = Collected::Known(Vec::new());
        ec2.managed_prefix_lists = Collected::Known(Vec::new());
        ec2.network_interfaces = Collected::Known(Vec::new());
        ec2.instances = Collected::Known(Vec::new());
        ec2.internet_gateways =
            Collected::Known(vec![InternetGateway { internet_gateway_id: "igw-1".to_string(), attached_vpc_ids: vec!["vpc-1".to_string()] }]);
        ec2.route_tables = Collected::Known(vec![RouteTable {
            route_table_id: "rtb-main".to_string(),
            vpc_id: Some("vpc-1".to_string()),
            main: true,
            associated_subnet_ids: Vec::new(),
            routes: vec![route_to("10.0.0.0/16", |r| r.gateway_id = Some("local".to_string()))],
        }]);
        inv.elb.load_balancers = Collected::Known(Vec::new());
        inv.elb.target_groups = Collected::Known(Vec::new());
        inv.elb.classic_load_balancers = Collected::Known(Vec::new());
        Topology { account }
    }

    pub fn inv(&mut self) -> &mut RegionInventory {
        region(&mut self.account)
    }

    fn known<T>(c: &mut Collected<Vec<T>>) -> &mut Vec<T> {
        crate::testing::known_mut(c)
    }

    /// A subnet `id` with its own route table `rtb-<id>` (local route plus `via`) and its
    /// own NACL `acl-<id>` with these entries (inbound and outbound) and the default denies.
    pub fn subnet(&mut self, id: &str, via: Via, entries: Vec<NetworkAclEntry>) -> &mut Self {
        let mut routes = vec![route_to("10.0.0.0/16", |r| r.gateway_id = Some("local".to_string()))];
        match via {
            Via::Nothing => {}
            Via::Igw => routes.extend([igw_route("0.0.0.0/0", "igw-1"), igw_route("::/0", "igw-1")]),
            Via::Nat => routes.push(nat_route("0.0.0.0/0")),
            Via::EgressOnly => routes.push(route_to("::/0", |r| r.egress_only_internet_gateway_id = Some("eigw-1".to_string()))),
        }
        self.table(id, routes);
        let mut all = entries;
        for egress in [false, true] {
            for (n, cidr) in [(32767, "0.0.0.0/0"), (32768, "::/0")] {
                let mut deny = entry(n, "-1", "deny", cidr, None);
                deny.egress = egress;
                all.push(deny);
            }
        }
        Self::known(&mut self.inv().ec2.network_acls).push(NetworkAcl {
            network_acl_id: format!("acl-{id}"),
            entries: all,
            associated_subnet_ids: vec![id.to_string()],
        });
        self
    }

    /// Replaces the routes of subnet `id`'s own table (`rtb-<id>`).
    pub fn table(&mut self, id: &str, routes: Vec<Route>) -> &mut Self {
        let tables = Self::known(&mut self.inv().ec2.route_tables);
        tables.retain(|t| t.route_table_id != format!("rtb-{id}"));
        tables.push(RouteTable {
            route_table_id: format!("rtb-{id}"),
            vpc_id: Some("vpc-1".to_string()),
            main: false,
            associated_subnet_ids: vec![id.to_string()],
            routes,
        });
        self
    }

    /// A public subnet: routes to the internet gateway, allows everything both ways.
    pub fn public_subnet(&mut self, id: &str) -> &mut Self {
        let mut entries = allow_all(false);
        entries.extend(allow_all(true));
        self.subnet(id, Via::Igw, entries)
    }

    pub fn group(&mut self, id: &str, rules: Vec<IpPermission>) -> &mut Self {
        Self::known(&mut self.inv().ec2.security_groups).push(sg(id, rules));
        self
    }

    /// An interface in `subnet` with these groups, a private address `10.0.<n>.10` (`n`
    /// counts interfaces) and, when given, a public IPv4 address (auto-assigned).
    pub fn interface(&mut self, id: &str, subnet: &str, groups: &[&str], public_ip: Option<&str>) -> &mut Self {
        let interfaces = Self::known(&mut self.inv().ec2.network_interfaces);
        let n = interfaces.len() + 1;
        interfaces.push(NetworkInterface {
            network_interface_id: id.to_string(),
            subnet_id: Some(subnet.to_string()),
            vpc_id: Some("vpc-1".to_string()),
            interface_type: Some("interface".to_string()),
            description: None,
            status: Some("in-use".to_string()),
            attached_instance_id: None,
            device_index: None,
            security_group_ids: groups.iter().map(|g| g.to_string()).collect(),
            private_ip_addresses: vec![format!("10.0.{n}.10")],
            public_ips: public_ip
                .map(|ip| PublicIp { public_ip: ip.to_string(), private_ip: None, allocation_id: None, ip_owner_id: Some("amazon".to_string()) })
                .into_iter()
                .collect(),
            ipv6_addresses: Vec::new(),
        });
        self
    }

    /// The last interface added, to adjust.
    pub fn last_interface(&mut self) -> &mut NetworkInterface {
        Self::known(&mut self.inv().ec2.network_interfaces).last_mut().expect("an interface was added")
    }

    /// Attaches the last interface to an instance as its primary interface.
    pub fn of_instance(&mut self, instance: &str) -> &mut Self {
        let interface = self.last_interface();
        interface.attached_instance_id = Some(instance.to_string());
        interface.device_index = Some(0);
        self
    }

    /// An internet-facing application load balancer `web` in these subnets with these
    /// groups and listeners (`(protocol, port)`), and a target group `tg-web` forwarding to
    /// these instances on `target_port`.
    pub fn alb(&mut self, subnets: &[&str], groups: &[&str], listeners: &[(&str, i32)], targets: &[&str], target_port: i32) -> &mut Self {
        let arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188".to_string();
        let elb = &mut self.inv().elb;
        Self::known(&mut elb.load_balancers).push(LoadBalancer {
            arn: arn.clone(),
            name: "web".to_string(),
            kind: "application".to_string(),
            scheme: "internet-facing".to_string(),
            vpc_id: Some("vpc-1".to_string()),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            security_group_ids: groups.iter().map(|g| g.to_string()).collect(),
            ip_address_type: Some("ipv4".to_string()),
            listeners: Collected::Known(
                listeners
                    .iter()
                    .enumerate()
                    .map(|(i, (protocol, port))| Listener { arn: format!("{arn}/listener-{i}"), protocol: Some(protocol.to_string()), port: Some(*port) })
                    .collect(),
            ),
        });
        Self::known(&mut elb.target_groups).push(TargetGroup {
            arn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg-web/1".to_string(),
            name: "tg-web".to_string(),
            protocol: Some("HTTP".to_string()),
            port: Some(target_port),
            target_type: Some("instance".to_string()),
            vpc_id: Some("vpc-1".to_string()),
            load_balancer_arns: vec![arn],
            targets: Collected::Known(targets.iter().map(|t| Target { id: t.to_string(), port: None }).collect()),
        });
        self
    }
}
