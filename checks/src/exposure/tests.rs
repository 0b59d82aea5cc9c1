//! The exposure checks on the topology table's networks.

use super::ec2_instance_port_postgresql_exposed_to_internet::CHECK as POSTGRESQL;
use super::ec2_instance_port_ssh_exposed_to_internet::CHECK as SSH;
use super::ec2_networkinterface_reachable_from_internet::CHECK as ANY;
use crate::ec2::testing::{entry, tcp, via_group};
use crate::finding::{Severity, Status};
use crate::net::exposure::testing::{Topology, Via, allow_all};
use crate::registry::Recorded;
use crate::testing::{ACCOUNT, REGION, denied, run};

fn find<'a>(found: &'a [Recorded], id: &str) -> &'a Recorded {
    found.iter().find(|f| f.resource.id == id).unwrap_or_else(|| panic!("no finding for {id}: {found:#?}"))
}

/// Public and private instances, a NACL that closes SSH, a load balancer and its target, a
/// database interface of its own.
fn network() -> Topology {
    let mut t = Topology::new();
    let both = |mut entries: Vec<_>| {
        entries.extend(allow_all(false));
        entries.extend(allow_all(true));
        entries
    };
    t.public_subnet("subnet-pub")
        .public_subnet("subnet-pub-b")
        .subnet("subnet-priv", Via::Nothing, both(Vec::new()))
        .subnet("subnet-closed", Via::Igw, both(vec![entry(50, "6", "deny", "0.0.0.0/0", Some((22, 22)))]))
        .group("sg-ssh", vec![tcp(22, 22, &["0.0.0.0/0"])])
        .group("sg-web", vec![tcp(443, 443, &["0.0.0.0/0"])])
        .group("sg-lb", vec![tcp(443, 443, &["0.0.0.0/0"])])
        .group("sg-app", vec![via_group(tcp(8080, 8080, &[]), "sg-lb")])
        .group("sg-db", vec![tcp(5432, 5432, &["0.0.0.0/0"])])
        .interface("eni-public", "subnet-pub", &["sg-ssh"], Some("198.51.100.1"))
        .of_instance("i-public")
        .interface("eni-private", "subnet-priv", &["sg-ssh"], None)
        .of_instance("i-private")
        .interface("eni-closed", "subnet-closed", &["sg-ssh", "sg-web"], Some("198.51.100.2"))
        .of_instance("i-closed")
        .interface("eni-app", "subnet-priv", &["sg-app"], None)
        .of_instance("i-app")
        .interface("eni-db", "subnet-pub", &["sg-db"], Some("198.51.100.3"))
        .alb(&["subnet-pub", "subnet-pub-b"], &["sg-lb"], &[("HTTPS", 443)], &["i-app"], 8080);
    let db = t.last_interface();
    db.description = Some("RDSNetworkInterface".to_string());
    t
}

#[test]
fn a_service_port_fails_where_the_internet_reaches_it_and_says_why_elsewhere() {
    let found = run(&SSH, &network().account);
    assert_eq!(found.len(), 5, "four instances and the database interface: {found:#?}");
    let public = find(&found, "i-public");
    assert_eq!((public.status, public.severity), (Status::Fail, None), "critical, the check's own");
    assert_eq!(
        public.message,
        "instance i-public is reachable from the internet: TCP 22 (SSH) from 0.0.0.0/0 via eni-public public IPv4 198.51.100.1 \
         (auto-assigned); sg-ssh tcp 22 from 0.0.0.0/0; acl-subnet-pub inbound rule 100, outbound rule 100; \
         rtb-subnet-pub route 0.0.0.0/0 → igw-1"
    );
    assert_eq!(public.resource.kind, "AwsEc2Instance");
    let private = find(&found, "i-private");
    assert_eq!((private.status, private.severity), (Status::Pass, None));
    assert_eq!(
        private.message,
        "the internet reaches none of TCP 22 (SSH) (no public IPv4 or global IPv6 address); \
         its security groups would admit TCP 22 (SSH) from 0.0.0.0/0 (sg-ssh tcp 22) were the path open"
    );
    let closed = find(&found, "i-closed");
    assert_eq!(closed.status, Status::Pass);
    assert!(closed.message.contains("(its subnet's network ACL denies the traffic inbound); its security groups would admit"), "{}", closed.message);
    let app = find(&found, "i-app");
    assert_eq!(app.status, Status::Pass);
    assert_eq!(app.message, "the internet reaches none of TCP 22 (SSH) (no public IPv4 or global IPv6 address)");
    assert_eq!(find(&found, "eni-db").status, Status::Pass);
}

#[test]
fn an_interface_of_its_own_is_judged_and_named_by_its_description() {
    let found = run(&POSTGRESQL, &network().account);
    let db = find(&found, "eni-db");
    assert_eq!(db.status, Status::Fail);
    assert!(db.message.starts_with("interface eni-db (RDSNetworkInterface) is reachable from the internet: TCP 5432 (PostgreSQL)"), "{}", db.message);
    assert_eq!(db.resource.kind, "AwsEc2NetworkInterface");
    assert_eq!(db.resource.arn.as_deref(), Some(format!("arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-db").as_str()));
}

#[test]
fn a_port_reached_only_through_a_load_balancer_is_high() {
    let mut t = network();
    // The target listens for SSH behind a network load balancer's listener.
    let inv = t.inv();
    crate::testing::known_mut(&mut inv.ec2.security_groups).push(crate::ec2::testing::sg("sg-nlb-target", vec![tcp(22, 22, &["10.0.0.0/16"])]));
    let lbs = crate::testing::known_mut(&mut inv.elb.load_balancers);
    lbs[0].kind = "network".to_string();
    lbs[0].security_group_ids = Vec::new();
    if let crate::Collected::Known(listeners) = &mut lbs[0].listeners {
        listeners[0].protocol = Some("TCP".to_string());
        listeners[0].port = Some(22);
    }
    let groups = crate::testing::known_mut(&mut inv.elb.target_groups);
    groups[0].protocol = Some("TCP".to_string());
    groups[0].port = Some(22);
    crate::testing::known_mut(&mut inv.ec2.network_interfaces).iter_mut().find(|i| i.network_interface_id == "eni-app").unwrap().security_group_ids =
        vec!["sg-nlb-target".to_string()];
    let found = run(&SSH, &t.account);
    let app = find(&found, "i-app");
    assert_eq!((app.status, app.severity), (Status::Fail, Some(Severity::High)), "{app:#?}");
    assert_eq!(
        app.message,
        "instance i-app is reachable from the internet only through a load balancer: TCP 22 (SSH) through network load balancer web \
         (listener TCP 22, target group tg-web) on TCP 22, admitted by sg-nlb-target tcp 22 from 10.0.0.0/16 \
         (the load balancer keeps the client's address); the way in: TCP 22 from 0.0.0.0/0 via network load balancer web \
         node in subnet-pub; no security group; acl-subnet-pub inbound rule 100, outbound rule 100; rtb-subnet-pub route \
         0.0.0.0/0 → igw-1"
    );
}

#[test]
fn the_any_port_check_grades_what_is_reached() {
    let found = run(&ANY, &network().account);
    let public = find(&found, "i-public");
    assert_eq!((public.status, public.severity), (Status::Fail, Some(Severity::Critical)), "SSH is an admin port");
    let closed = find(&found, "i-closed");
    assert_eq!((closed.status, closed.severity), (Status::Fail, Some(Severity::Low)), "only HTTPS gets through: {closed:#?}");
    assert!(closed.message.starts_with("instance i-closed is reachable from the internet: TCP 443 from 0.0.0.0/0 via eni-closed"));
    let app = find(&found, "i-app");
    assert_eq!((app.status, app.severity), (Status::Fail, Some(Severity::Low)));
    assert_eq!(
        app.message,
        "instance i-app is reachable from the internet: through application load balancer web (listener HTTPS 443, target group tg-web) \
         on TCP 8080, admitted by sg-app tcp 8080 from sg-lb; the way in: HTTPS 443 from 0.0.0.0/0 via application load \
         balancer web node in subnet-pub; sg-lb tcp 443 from 0.0.0.0/0; acl-subnet-pub inbound rule 100, outbound rule 100; \
         rtb-subnet-pub route 0.0.0.0/0 → igw-1"
    );
    let lb = find(&found, "web");
    assert_eq!((lb.status, lb.severity), (Status::Fail, Some(Severity::Low)));
    assert_eq!(lb.resource.kind, "AwsElbv2LoadBalancer");
    assert!(lb.message.starts_with("application load balancer web is reachable from the internet: listener HTTPS 443 from 0.0.0.0/0 via"), "{}", lb.message);
    let private = find(&found, "i-private");
    assert_eq!(private.status, Status::Pass);
    assert_eq!(private.message, "not reachable from the internet (no public IPv4 or global IPv6 address)");
    assert_eq!(find(&found, "eni-db").severity, Some(Severity::Critical), "PostgreSQL is a data port");
}

#[test]
fn unreadable_layers_are_errors_never_passes() {
    // Without the network's layers nothing can be told: one ERROR for the region.
    let mut t = network();
    t.inv().ec2.network_acls = denied();
    let found = run(&SSH, &t.account);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, Status::Error);
    assert!(found[0].message.starts_with("network ACLs (DescribeNetworkAcls) could not be read"));
    // Without the load balancers, what is reached directly is still certain; the rest is not.
    let mut t = network();
    t.inv().elb.target_groups = denied();
    let found = run(&SSH, &t.account);
    assert_eq!(find(&found, "i-public").status, Status::Fail);
    let app = find(&found, "i-app");
    assert_eq!(app.status, Status::Error);
    assert!(app.message.contains("target groups (DescribeTargetGroups) could not be read"), "{}", app.message);
    // A group of the interface that was not collected.
    let mut t = network();
    crate::testing::known_mut(&mut t.inv().ec2.network_interfaces)[1].security_group_ids.push("sg-gone".to_string());
    let found = run(&SSH, &t.account);
    let private = find(&found, "i-private");
    assert_eq!(private.status, Status::Error, "{private:#?}");
    assert!(private.message.contains("security group sg-gone is not among the groups collected"));
}

#[test]
fn the_account_exposure_lists_what_is_reached_and_with_all_what_is_not() {
    let t = network();
    let exposure = super::account_exposure(&t.account, false);
    assert_eq!(exposure.regions.len(), 1);
    let ids: Vec<&str> = exposure.regions[0].resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["i-app", "i-closed", "i-public", "eni-db", "web"]);
    let public = &exposure.regions[0].resources[2];
    assert_eq!(public.reachable.len(), 1);
    let entry = &public.reachable[0];
    assert_eq!((entry.protocol.as_str(), entry.ports.as_deref(), entry.family.as_str(), entry.sources.as_str(), entry.via.as_str()), ("tcp", Some("22"), "ipv4", "0.0.0.0/0", "direct"));
    let app = &exposure.regions[0].resources[0];
    assert_eq!(app.reachable[0].via, "load_balancer");
    let all = super::account_exposure(&t.account, true);
    let private = all.regions[0].resources.iter().find(|r| r.id == "i-private").unwrap();
    assert!(private.reachable.is_empty());
    assert_eq!(private.closed_by.as_deref(), Some("no public IPv4 or global IPv6 address"));
    // A region whose layers could not be read says why.
    let mut t = network();
    t.inv().ec2.route_tables = denied();
    let exposure = super::account_exposure(&t.account, false);
    assert!(exposure.regions[0].error.as_deref().is_some_and(|e| e.starts_with("route tables")));
}
