use crate::declare_check;
use crate::ec2::{ec2_arn, known_list};
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ec2::{PeeringSide, Route, RouteTable, VpcPeeringConnection};
use crate::net::{AddrSet, Cidr, Family};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The routes of every route table of every audited region (`DescribeRouteTables`) that
    /// go through a VPC peering connection (`VpcPeeringConnectionId`), compared with the
    /// address blocks of the VPC at the other end of that connection
    /// (`DescribeVpcPeeringConnections`). A route fails when its destination is `0.0.0.0/0`,
    /// `::/0` or any other block of /8 or shorter, or when it reaches addresses outside the
    /// peer VPC's blocks (wider than the peer, or beside it): it sends more to the peer than
    /// the peer's own subnets. A route table whose peering routes each reach only part of
    /// the peer VPC passes. A route to a whole CIDR block of the peer VPC is MANUAL: least
    /// access only if every subnet in it must be reachable, which the inventory cannot tell;
    /// so are routes through a prefix list or a connection that DescribeVpcPeeringConnections
    /// does not show. When the connections could not be read, a route table whose peering
    /// routes do not already fail the /8 rule is an ERROR with the reason: its routes cannot be
    /// compared with the peers. Each finding lists the routes it judged
    /// (`destination → pcx-…`, with the peer's blocks). Route tables with no peering route
    /// pass. Routes are judged whatever their state (a `blackhole` route is marked as such).
    /// A destination that is not a valid CIDR, or a peering route with no destination, is an
    /// ERROR unless another route already fails the table; a region whose route tables could
    /// not be read is an ERROR.
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
        reads: [Source::RouteTables, Source::VpcPeeringConnections],
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
    /// Routes reaching addresses outside the peer VPC's blocks.
    beyond: Vec<String>,
    /// Routes to the whole of a block of the peer VPC: least access only if every subnet in it
    /// needs to be reached.
    whole: Vec<String>,
    /// Routes that the inventory cannot compare with the peer VPC (prefix lists, unknown
    /// peering connections).
    unjudged: Vec<String>,
    /// Routes that could not be judged, with the reason.
    problems: Vec<String>,
    /// Routes that need the peer VPC's blocks to be judged, while the peering connections
    /// could not be read.
    peer_unknown: Vec<String>,
}

/// The peering connections of a region, by id, or why they are unknown.
type Connections<'a> = Result<&'a [VpcPeeringConnection], &'a str>;

/// The address blocks of the VPC at the other end of `pcx` from `vpc_id`, with its id.
fn peer_of<'a>(connections: &'a [VpcPeeringConnection], pcx: &str, vpc_id: Option<&str>) -> Option<&'a PeeringSide> {
    let connection = connections.iter().find(|c| c.id == pcx)?;
    let (requester, accepter) = (&connection.requester, &connection.accepter);
    match vpc_id {
        Some(vpc) if requester.vpc_id.as_deref() == Some(vpc) => Some(accepter),
        Some(vpc) if accepter.vpc_id.as_deref() == Some(vpc) => Some(requester),
        _ => None,
    }
}

impl PeeringRoutes {
    fn of(table: &RouteTable, connections: Connections<'_>) -> Self {
        let mut routes = PeeringRoutes::default();
        for route in &table.routes {
            if let Some(pcx) = &route.vpc_peering_connection_id {
                routes.add(route, pcx, table.vpc_id.as_deref(), connections);
            }
        }
        routes
    }

    fn add(&mut self, route: &Route, pcx: &str, vpc_id: Option<&str>, connections: Connections<'_>) {
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
                Ok(cidr) => self.compare_with_peer(cidr, &line, pcx, vpc_id, connections),
                Err(e) => self.problems.push(format!("route to {pcx}: {e}")),
            }
            self.listed.push(line);
        }
        if let Some(list) = &route.destination_prefix_list_id {
            destinations += 1;
            let line = format!("prefix list {list} → {pcx}{state}");
            self.unjudged.push(line.clone());
            self.listed.push(line);
        }
        if destinations == 0 {
            self.problems.push(format!("route to {pcx} has no destination"));
        }
    }

    /// Sorts a route by how its destination compares with the peer VPC's blocks.
    fn compare_with_peer(&mut self, cidr: Cidr, line: &str, pcx: &str, vpc_id: Option<&str>, connections: Connections<'_>) {
        let Ok(connections) = connections else {
            self.peer_unknown.push(line.to_string());
            return;
        };
        let Some(peer) = peer_of(connections, pcx, vpc_id) else {
            self.unjudged.push(format!("{line} (not a peering connection of this VPC in DescribeVpcPeeringConnections)"));
            return;
        };
        let blocks = if cidr.family == Family::V4 { &peer.cidr_blocks } else { &peer.ipv6_cidr_blocks };
        let mut parsed = Vec::new();
        for block in blocks {
            match Cidr::parse(block) {
                Ok(b) => parsed.push(b),
                Err(e) => {
                    self.problems.push(format!("peer VPC of {pcx}: {e}"));
                    return;
                }
            }
        }
        let peer_vpc = peer.vpc_id.as_deref().unwrap_or("(unnamed)");
        let peer_text = if parsed.is_empty() { "no block of this family".to_string() } else { blocks.join(", ") };
        let peer_set = AddrSet::of(cidr.family, &parsed);
        let route_set = AddrSet::of(cidr.family, [&cidr]);
        if !peer_set.contains_set(&route_set) {
            self.beyond.push(format!("{line} (peer {peer_vpc}: {peer_text})"));
        } else if let Some(block) = parsed.iter().find(|b| route_set.contains_set(&AddrSet::of(cidr.family, [*b]))) {
            // A whole block of the peer: every subnet carved from it.
            self.whole.push(format!("{line} (all of {block} of peer {peer_vpc}: {peer_text})"));
        }
    }

    /// PASS with no peering route, or when every one reaches only part of its peer VPC;
    /// FAIL when a route is too wide or reaches beyond the peer VPC (certain even if others
    /// are undecided); ERROR when none fails but some could not be judged, for a malformed
    /// route or for want of the peering connections; MANUAL when a
    /// route takes the whole peer VPC or cannot be compared with it, with the routes as
    /// evidence.
    fn record(self, out: &mut Findings, resource: Resource, connections: Connections<'_>) {
        if self.listed.is_empty() && self.problems.is_empty() {
            out.pass(resource, "no route through a VPC peering connection");
        } else if !self.too_wide.is_empty() || !self.beyond.is_empty() {
            let mut parts = Vec::new();
            if !self.too_wide.is_empty() {
                parts.push(format!("peering routes to /{TOO_WIDE_PREFIX} or wider: {}", self.too_wide.join("; ")));
            }
            if !self.beyond.is_empty() {
                parts.push(format!("peering routes beyond the peer VPC's address blocks: {}", self.beyond.join("; ")));
            }
            let mut message = parts.join("; ");
            if !self.problems.is_empty() {
                message.push_str(&format!(" (also undecided: {})", self.problems.join("; ")));
            }
            out.fail(resource, message);
        } else if !self.problems.is_empty() {
            out.error(resource, format!("cannot judge the peering routes: {}", self.problems.join("; ")));
        } else if let (false, Err(why)) = (self.peer_unknown.is_empty(), connections) {
            out.error(
                resource,
                format!(
                    "cannot compare the peering routes with the peer VPCs' address blocks, the peering \
                     connections are unknown ({why}): {}",
                    self.listed.join("; ")
                ),
            );
        } else if !self.whole.is_empty() || !self.unjudged.is_empty() {
            let mut parts = Vec::new();
            if !self.whole.is_empty() {
                parts.push(format!("routes to a whole address block of a peer VPC (least access only if every subnet in it needs the peering): {}", self.whole.join("; ")));
            }
            if !self.unjudged.is_empty() {
                parts.push(format!("routes to confirm by hand: {}", self.unjudged.join("; ")));
            }
            out.manual(resource, parts.join("; "));
        } else {
            out.pass(resource, format!("every peering route reaches part of its peer VPC only: {}", self.listed.join("; ")));
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
        let connections = inv.ec2.vpc_peering_connections.as_result().map(Vec::as_slice);
        for table in tables {
            PeeringRoutes::of(table, connections).record(out, route_table_resource(account, region, table), connections);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::ec2::Route;
    use crate::testing::*;

    #[test]
    fn tables_without_peering_routes_pass() {
        let mut account = ec2_account();
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
        let mut account = ec2_account();
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
    fn unreadable_peering_connections_make_peering_routes_error_not_manual() {
        let mut account = ec2_account();
        let via_list = Route {
            destination_cidr_block: None,
            destination_prefix_list_id: Some("pl-1".to_string()),
            ..route("0.0.0.0/0", Some("pcx-3"))
        };
        let dead = Route { state: Some("blackhole".to_string()), ..route("192.168.0.0/24", Some("pcx-old")) };
        set_tables(
            &mut account,
            vec![
                table(
                    "rtb-peered",
                    vec![
                        route("10.0.0.0/16", None),
                        route("10.1.2.0/24", Some("pcx-1")),
                        route("2600:1f18:1:2::/64", Some("pcx-2")),
                        route("11.0.0.0/9", Some("pcx-2")),
                        via_list.clone(),
                        dead,
                    ],
                ),
                // Too wide whatever the peer: still FAIL without the connections.
                table("rtb-default", vec![route("0.0.0.0/0", Some("pcx-1"))]),
                // Only a prefix-list route, which the connections would not decide either.
                table("rtb-list", vec![via_list]),
                table("rtb-local", vec![route("10.0.0.0/16", None)]),
            ],
        );
        region(&mut account).ec2.vpc_peering_connections = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "rtb-peered"), Status::Error);
        assert!(
            found[0].message.starts_with(
                "cannot compare the peering routes with the peer VPCs' address blocks, the peering connections are unknown ("
            ),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.ends_with(
                "10.1.2.0/24 → pcx-1; 2600:1f18:1:2::/64 → pcx-2; 11.0.0.0/9 → pcx-2; prefix list pl-1 → pcx-3; \
                 192.168.0.0/24 → pcx-old (blackhole)"
            ),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("AccessDenied"), "{}", found[0].message);
        assert_eq!(status_of(&found, "rtb-default"), Status::Fail);
        assert_eq!(status_of(&found, "rtb-list"), Status::Manual);
        assert_eq!(status_of(&found, "rtb-local"), Status::Pass);
    }

    #[test]
    fn routes_are_compared_with_the_peer_vpc() {
        let mut account = ec2_account();
        region(&mut account).ec2.vpc_peering_connections = Collected::Known(vec![
            connection("pcx-1", "vpc-2", &["10.1.0.0/16", "10.9.0.0/16", "2600:1f18:1::/56"]),
            connection("pcx-2", "vpc-3", &["172.16.0.0/20"]),
        ]);
        set_tables(
            &mut account,
            vec![
                table(
                    "rtb-subnets",
                    vec![
                        route("10.0.0.0/16", None),
                        route("10.1.2.0/24", Some("pcx-1")),
                        route("10.9.0.0/17", Some("pcx-1")),
                        route("2600:1f18:1:2::/64", Some("pcx-1")),
                        route("172.16.4.0/22", Some("pcx-2")),
                    ],
                ),
                table("rtb-whole", vec![route("10.1.0.0/16", Some("pcx-1")), route("172.16.1.0/24", Some("pcx-2"))]),
                table("rtb-wider", vec![route("10.0.0.0/12", Some("pcx-1"))]),
                table("rtb-beside", vec![route("192.168.0.0/24", Some("pcx-2"))]),
                table("rtb-spanning", vec![route("10.1.0.0/15", Some("pcx-1"))]),
                table("rtb-v6-beyond", vec![route("2600:1f18:1::/48", Some("pcx-1"))]),
                table("rtb-v6-none", vec![route("2600:1f18:9::/64", Some("pcx-2"))]),
                table("rtb-unknown-pcx", vec![route("10.7.0.0/24", Some("pcx-gone"))]),
            ],
        );
        let found = run(&CHECK, &account);
        let message = |id: &str| found.iter().find(|r| r.resource.id == id).unwrap().message.clone();
        assert_eq!(status_of(&found, "rtb-subnets"), Status::Pass);
        assert!(message("rtb-subnets").starts_with("every peering route reaches part of its peer VPC only: 10.1.2.0/24 → pcx-1"));
        assert_eq!(status_of(&found, "rtb-whole"), Status::Manual);
        assert_eq!(
            message("rtb-whole"),
            "routes to a whole address block of a peer VPC (least access only if every subnet in it needs the peering): \
             10.1.0.0/16 → pcx-1 (all of 10.1.0.0/16 of peer vpc-2: 10.1.0.0/16, 10.9.0.0/16)"
        );
        for beyond in ["rtb-wider", "rtb-beside", "rtb-spanning", "rtb-v6-beyond", "rtb-v6-none"] {
            assert_eq!(status_of(&found, beyond), Status::Fail, "{beyond}: {}", message(beyond));
            assert!(message(beyond).contains("beyond the peer VPC's address blocks"), "{}", message(beyond));
        }
        assert!(message("rtb-beside").contains("192.168.0.0/24 → pcx-2 (peer vpc-3: 172.16.0.0/20)"), "{}", message("rtb-beside"));
        assert!(message("rtb-v6-none").contains("(peer vpc-3: no block of this family)"), "{}", message("rtb-v6-none"));
        assert_eq!(status_of(&found, "rtb-unknown-pcx"), Status::Manual);
        assert!(message("rtb-unknown-pcx").contains("not a peering connection of this VPC"), "{}", message("rtb-unknown-pcx"));
    }

    #[test]
    fn the_peer_side_is_the_other_vpc_whichever_side_requested() {
        let mut account = ec2_account();
        // This VPC (vpc-1) accepted the connection that vpc-2 requested.
        let mut accepted = connection("pcx-1", "vpc-2", &["10.1.0.0/16"]);
        std::mem::swap(&mut accepted.requester, &mut accepted.accepter);
        region(&mut account).ec2.vpc_peering_connections = Collected::Known(vec![accepted]);
        set_tables(&mut account, vec![table("rtb-1", vec![route("10.1.4.0/24", Some("pcx-1"))])]);
        assert_eq!(status_of(&run(&CHECK, &account), "rtb-1"), Status::Pass);
        set_tables(&mut account, vec![table("rtb-1", vec![route("10.0.4.0/24", Some("pcx-1"))])]);
        assert_eq!(status_of(&run(&CHECK, &account), "rtb-1"), Status::Fail, "its own VPC's block is not the peer's");
    }

    #[test]
    fn errors_for_unjudgeable_routes_or_unreadable_tables() {
        let mut account = ec2_account();
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
