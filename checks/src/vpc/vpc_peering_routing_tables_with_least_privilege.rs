use crate::declare_check;
use crate::ec2::{ec2_arn, known_list};
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ec2::{Route, RouteTable};
use crate::net::Cidr;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The routes of every route table of every audited region (`DescribeRouteTables`) that
    /// go through a VPC peering connection (`VpcPeeringConnectionId`). A peering route
    /// whose destination is `0.0.0.0/0`, `::/0` or any other block of /8 or shorter (IPv4 or
    /// IPv6; an IPv4 VPC CIDR is never wider than a /16, so such a route covers far more than
    /// the peer) fails: it sends whole swaths of address space to the peer instead of the
    /// peer's own subnets. Otherwise the route table is MANUAL: the finding lists every peering route
    /// (`destination → pcx-…`, prefix lists by id) so that a person can confirm that each one
    /// reaches only the subnets that need the peer, which the inventory alone cannot tell.
    /// Route tables with no peering route pass. Routes are judged whatever their state
    /// (a `blackhole` route is marked as such). A destination that is not a valid CIDR, or a
    /// peering route with no destination, is an ERROR unless another route already fails the
    /// table; a region whose route tables could not be read is an ERROR.
    /// ## Why it matters
    /// Peering joins two networks. Routes to the peer's whole VPC, or wider, let every subnet
    /// of this VPC reach every host of the other one, so a compromise on either side spreads
    /// across the peering. Routes limited to the subnets that must talk to each other keep
    /// the blast radius small; a default route through a peering even hands the peer traffic
    /// meant for the internet.
    /// ## Remediation
    /// Replace wide peering routes with routes to the specific peer subnets that are needed:
    /// `aws ec2 create-route --route-table-id <rtb> --destination-cidr-block <peer-subnet-cidr>
    /// --vpc-peering-connection-id <pcx>`, then `aws ec2 delete-route --route-table-id <rtb>
    /// --destination-cidr-block <wide-cidr>`. Associate the peering routes only with the route
    /// tables of subnets that use the peer.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.6
    /// - https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html
    /// - https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html
    pub static CHECK = {
        id: "vpc_peering_routing_tables_with_least_privilege",
        title: "Route tables for VPC peering are least access",
        measure: Measure::Network,
        severity: Severity::Medium,
        eval: evaluate,
    }
}

/// A peering route to a block of this prefix length or shorter fails the route table.
const TOO_WIDE_PREFIX: u8 = 8;

fn route_table_resource(account: &AccountInventory, region: &str, table: &RouteTable) -> Resource {
    Resource {
        id: table.route_table_id.clone(),
        arn: Some(ec2_arn(account, region, &format!("route-table/{}", table.route_table_id))),
        kind: "AwsEc2RouteTable",
        region: Some(region.to_string()),
    }
}

/// What the peering routes of one route table amount to.
#[derive(Default)]
struct PeeringRoutes {
    /// `destination → pcx` for every peering route.
    listed: Vec<String>,
    /// The routes whose destination is /8 or wider.
    too_wide: Vec<String>,
    /// Routes that could not be judged, with the reason.
    problems: Vec<String>,
}

impl PeeringRoutes {
    fn of(table: &RouteTable) -> Self {
        let mut routes = PeeringRoutes::default();
        for route in &table.routes {
            if let Some(pcx) = &route.vpc_peering_connection_id {
                routes.add(route, pcx);
            }
        }
        routes
    }

    fn add(&mut self, route: &Route, pcx: &str) {
        let state = match route.state.as_deref() {
            Some(s) if !s.eq_ignore_ascii_case("active") => format!(" ({s})"),
            _ => String::new(),
        };
        let cidrs = [&route.destination_cidr_block, &route.destination_ipv6_cidr_block];
        let mut destinations = 0;
        for text in cidrs.into_iter().flatten() {
            destinations += 1;
            let line = format!("{text} → {pcx}{state}");
            match Cidr::parse(text) {
                Ok(cidr) if cidr.prefix <= TOO_WIDE_PREFIX => self.too_wide.push(line.clone()),
                Ok(_) => {}
                Err(e) => self.problems.push(format!("route to {pcx}: {e}")),
            }
            self.listed.push(line);
        }
        if let Some(list) = &route.destination_prefix_list_id {
            destinations += 1;
            self.listed.push(format!("prefix list {list} → {pcx}{state}"));
        }
        if destinations == 0 {
            self.problems.push(format!("route to {pcx} has no destination"));
        }
    }

    /// PASS with no peering route; FAIL when a route is too wide (certain even if others
    /// are undecided); ERROR when none is too wide but some could not be judged; MANUAL
    /// otherwise, with the routes as evidence.
    fn record(self, out: &mut Findings, resource: Resource) {
        if self.listed.is_empty() && self.problems.is_empty() {
            out.pass(resource, "no route through a VPC peering connection");
        } else if !self.too_wide.is_empty() {
            let mut message = format!("peering routes to /{TOO_WIDE_PREFIX} or wider: {}", self.too_wide.join("; "));
            if !self.problems.is_empty() {
                message.push_str(&format!(" (also undecided: {})", self.problems.join("; ")));
            }
            out.fail(resource, message);
        } else if !self.problems.is_empty() {
            out.error(resource, format!("cannot judge the peering routes: {}", self.problems.join("; ")));
        } else {
            out.manual(
                resource,
                format!(
                    "confirm each peering route reaches only the peer subnets that are needed: {}",
                    self.listed.join("; ")
                ),
            );
        }
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(tables) = known_list(
            account,
            region,
            &inv.ec2.route_tables,
            "AwsEc2RouteTable",
            "route tables (DescribeRouteTables)",
            out,
        ) else {
            continue;
        };
        for table in tables {
            PeeringRoutes::of(table).record(out, route_table_resource(account, region, table));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::ec2::{Route, RouteTable};
    use crate::net::testing::*;
    use crate::testing::{ACCOUNT, denied, run, status_of};

    /// An active route to `destination` (IPv6 when it has a `:`) through `pcx`, or through
    /// the local target when `pcx` is `None`.
    fn route(destination: &str, pcx: Option<&str>) -> Route {
        let v6 = destination.contains(':');
        Route {
            destination_cidr_block: (!v6).then(|| destination.to_string()),
            destination_ipv6_cidr_block: v6.then(|| destination.to_string()),
            destination_prefix_list_id: None,
            gateway_id: pcx.is_none().then(|| "local".to_string()),
            vpc_peering_connection_id: pcx.map(String::from),
            nat_gateway_id: None,
            transit_gateway_id: None,
            state: Some("active".to_string()),
        }
    }

    fn table(id: &str, routes: Vec<Route>) -> RouteTable {
        RouteTable {
            route_table_id: id.to_string(),
            vpc_id: Some("vpc-1".to_string()),
            main: false,
            associated_subnet_ids: vec!["subnet-1".to_string()],
            routes,
        }
    }

    fn set_tables(account: &mut crate::inventory::AccountInventory, tables: Vec<RouteTable>) {
        region(account).ec2.route_tables = Collected::Known(tables);
    }

    #[test]
    fn tables_without_peering_routes_pass() {
        let mut account = account();
        let igw = Route { gateway_id: Some("igw-1".to_string()), ..route("0.0.0.0/0", None) };
        set_tables(&mut account, vec![table("rtb-local", vec![route("10.0.0.0/16", None), igw])]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "rtb-local"), Status::Pass);
        assert_eq!(found[0].message, "no route through a VPC peering connection");
        assert_eq!(found[0].resource.kind, "AwsEc2RouteTable");
        assert_eq!(found[0].resource.arn.as_deref(), Some(arn("route-table/rtb-local").as_str()));
    }

    #[test]
    fn wide_peering_routes_fail() {
        let mut account = account();
        set_tables(
            &mut account,
            vec![
                table("rtb-default", vec![route("10.0.0.0/16", None), route("0.0.0.0/0", Some("pcx-1"))]),
                table("rtb-v6-default", vec![route("::/0", Some("pcx-2"))]),
                table("rtb-slash8", vec![route("10.0.0.0/8", Some("pcx-3"))]),
                table(
                    "rtb-wide-and-broken",
                    vec![route("172.16.0.0/4", Some("pcx-4")), route("nonsense", Some("pcx-4"))],
                ),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "rtb-default"), Status::Fail);
        assert_eq!(found[0].message, "peering routes to /8 or wider: 0.0.0.0/0 → pcx-1");
        assert_eq!(status_of(&found, "rtb-v6-default"), Status::Fail);
        assert_eq!(status_of(&found, "rtb-slash8"), Status::Fail);
        assert_eq!(status_of(&found, "rtb-wide-and-broken"), Status::Fail);
        assert!(found[3].message.contains("also undecided"), "{}", found[3].message);
    }

    #[test]
    fn narrow_peering_routes_are_listed_for_a_human() {
        let mut account = account();
        let via_list = Route {
            destination_cidr_block: None,
            destination_prefix_list_id: Some("pl-1".to_string()),
            ..route("0.0.0.0/0", Some("pcx-3"))
        };
        let dead = Route { state: Some("blackhole".to_string()), ..route("192.168.0.0/24", Some("pcx-old")) };
        set_tables(
            &mut account,
            vec![table(
                "rtb-peered",
                vec![
                    route("10.0.0.0/16", None),
                    route("10.1.2.0/24", Some("pcx-1")),
                    route("2600:1f18:1:2::/64", Some("pcx-2")),
                    route("11.0.0.0/9", Some("pcx-2")),
                    via_list,
                    dead,
                ],
            )],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "rtb-peered"), Status::Manual);
        assert_eq!(
            found[0].message,
            "confirm each peering route reaches only the peer subnets that are needed: 10.1.2.0/24 → pcx-1; \
             2600:1f18:1:2::/64 → pcx-2; 11.0.0.0/9 → pcx-2; prefix list pl-1 → pcx-3; 192.168.0.0/24 → pcx-old (blackhole)"
        );
    }

    #[test]
    fn errors_for_unjudgeable_routes_or_unreadable_tables() {
        let mut account = account();
        let nowhere = Route { destination_cidr_block: None, ..route("0.0.0.0/0", Some("pcx-2")) };
        set_tables(
            &mut account,
            vec![
                table(
                    "rtb-malformed",
                    vec![route("10.1.0.0/16", Some("pcx-1")), route("10.300.0.0/16", Some("pcx-1"))],
                ),
                table("rtb-nowhere", vec![nowhere]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "rtb-malformed"), Status::Error);
        assert!(found[0].message.contains("10.300.0.0/16"), "{}", found[0].message);
        assert_eq!(status_of(&found, "rtb-nowhere"), Status::Error);
        assert_eq!(found[1].message, "cannot judge the peering routes: route to pcx-2 has no destination");

        region(&mut account).ec2.route_tables = denied();
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 1);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/{REGION}")), Status::Error);
        assert!(found[0].message.contains("AccessDenied"), "{}", found[0].message);
    }
}
